"""Natural language → ``Constraints``: eras, genres, people, places, runtime, acclaim and negations.

Rule-based on purpose: it must work with no LLM, in well under a millisecond, and say what it understood.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from tools.search.constraints import ACCLAIMED_SCORE, Constraints
from tools.search.facets import THEME_WORDS, TONE_WORDS
from tools.search.hypotheses import FILM_NOUNS, Hypothesis, followed_by_film_noun, is_description
from tools.search.phrases import AWARD_PHRASES, WARTIME_MADE, WARTIME_YEARS, duration_at, runtime_after_cue
from tools.search.vocabulary import (
    COUNTRY_ALIASES,
    DEMONYMS,
    GENRE_SYNONYMS,
    LANGUAGE_ALIASES,
    SUBGENRE_ANY,
    SUBGENRE_COUNTRIES,
    SUBGENRE_WORDS,
    Vocabulary,
)

MAX_QUERY_CHARS = 2000
NEGATIONS = {"not", "no", "without", "except", "non", "nothing", "avoid", "excluding", "minus", "isnt", "dont",
             "arent", "wasnt", "doesnt", "dislike", "dislikes", "never", "hate", "hates", "skip", "neither", "nor"}
NEGATION_STOPS = {",", ".", ";", "!", "?", "but", "and", "yet", "though"}
DIRECTOR_CUES = {"by", "director", "directed", "filmmaker", "helmed"}
CAST_CUES = {"starring", "with", "featuring", "stars", "actor", "actress", "feat"}
LANGUAGE_CUES_BEFORE = {"in", "spoken", "speaking"}
LANGUAGE_CUES_AFTER = {"language", "speaking", "spoken", "dialogue", "audio", "dubbed", "subtitled"}
STOPWORDS = {
    "a", "an", "the", "some", "any", "me", "i", "we", "us", "you", "my", "our", "to", "of", "for", "and", "or",
    "in", "on", "at", "by", "with", "from", "about", "into", "that", "this", "these", "those", "is", "are",
    "was", "were", "be", "been", "it", "its", "movie", "movies", "film", "films", "flick", "flicks", "picture",
    "pictures", "something", "anything", "show", "shows", "find", "give", "recommend", "recommendation",
    "recommendations", "suggest", "please", "looking", "look", "want", "wanna", "watch", "watching", "see",
    "would", "like", "love", "could", "can", "do", "have", "has", "one", "ones", "title",
    "titles", "tonight", "good", "nice", "kind", "sort", "type", "maybe", "really", "very", "just", "also",
    "set", "made", "released", "era", "decade", "year", "years", "what", "which", "who", "whose",
    "where", "when", "how", "so", "but", "not", "no", "too", "more", "less", "than", "there", "their", "them",
    "they", "he", "she",
}
DECADE_WORDS = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
                "seventies": 1970, "eighties": 1980, "nineties": 1990, "noughties": 2000, "aughts": 2000}
ACCLAIM = {"acclaimed", "best", "masterpiece", "masterpieces", "greatest", "beloved", "praised", "classic",
           "classics"}
ACCLAIM_PHRASES = ("critically acclaimed", "top rated", "highly rated", "well reviewed", "must see", "critics loved",
                   "good reviews", "great reviews", "top notch")
SETTING_CUES = ("set in", "takes place in", "located in", "happens in")


@dataclass
class _Query:
    """Tokens with a 'consumed' flag: matchers consume what they understand, the rest becomes soft text."""

    original: list[str]
    words: list[str]
    used: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.used = [w in NEGATION_STOPS for w in self.words]

    def phrase_at(self, i: int, n: int) -> str | None:
        span = self.words[i : i + n]
        if len(span) < n or any(self.used[i : i + n]) or any(w in NEGATION_STOPS for w in span):
            return None
        return " ".join(span)

    def consume(self, i: int, n: int = 1) -> None:
        for j in range(i, min(i + n, len(self.used))):
            self.used[j] = True

    def before(self, i: int, k: int = 1) -> str:
        return self.words[i - k] if i - k >= 0 else ""

    def negated(self, i: int) -> bool:
        for j in range(i - 1, max(-1, i - 5), -1):
            if self.words[j] == "but" and j and self.words[j - 1] in ("anything", "everything", "all"):
                self.consume(j)
                return True  # "anything but drama"
            if self.words[j] in NEGATION_STOPS:
                return False
            if self.words[j] == "stand" and j and self.words[j - 1] in ("cant", "cannot"):
                self.consume(j - 1, 2)
                return True  # "I can't stand musicals"
            if self.words[j] in NEGATIONS:
                self.consume(j)
                return True
        return False


def tokenize(text: str) -> tuple[list[str], list[str]]:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(\d+)'s\b", r"\1s", text)  # 80's -> 80s
    text = re.sub(r"'(\d\d)s?\b", r"\1s", text)  # '80s -> 80s
    text = re.sub(r"\b([A-Za-z])\.(?=\s+[A-Z])", r"\1", text)  # "Samuel L. Jackson": an initial, not a stop
    raw = re.findall(r"\d+\.\d+|[^\W_]+(?:'[^\W_]+)?|[,.;!?]", text)  # "2.5 hours" stays one number
    original = [re.sub(r"'s$", "", tok) for tok in raw]
    words = [
        unicodedata.normalize("NFKD", tok).encode("ascii", "ignore").decode().lower().replace("'", "")
        for tok in original
    ]
    return original, words


class QueryParser:
    """Parses viewer queries against one catalog's vocabulary."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self._people_keys = list(vocab.people.names)
        self._countries = {c.lower(): (c,) for c in vocab.countries}
        self._countries.update({k: v for k, v in COUNTRY_ALIASES.items() if set(v) & vocab.countries})
        self._languages = {lang.lower(): lang for lang in vocab.languages}
        self._languages.update({k: v for k, v in LANGUAGE_ALIASES.items() if v in vocab.languages})

    def parse(self, text: str) -> Constraints:
        notices: list[str] = []
        if len(text) > MAX_QUERY_CHARS:
            notices.append(f"Your query was {len(text):,} characters; only the first {MAX_QUERY_CHARS:,} were used.")
            text = text[:MAX_QUERY_CHARS]
        q = _Query(*tokenize(text))
        out: dict = {"notices": notices, "hypotheses": []}
        self._year_cues: list[str] = []
        self._years(q, out)
        self._runtime(q, out)
        self._story = is_description(q.words, self._story_words(q))
        self._story_years(out)
        for step in (self._people, self._languages_, self._places, self._genres, self._acclaim, self._kind,
                     self._facets):
            step(q, out)
        self._unknown_names(q, out)
        return self._finish(q, out)

    # -- matchers --------------------------------------------------------------------------------------
    def _years(self, q: _Query, out: dict) -> None:
        self._wartime(q, out)
        for i, w in enumerate(q.words):
            if q.used[i]:
                continue
            span = _decade(w)
            if span:
                self._apply_decade(q, i, span, out)
            elif re.fullmatch(r"(18|19|20)\d\d", w):
                self._apply_year(q, i, int(w), out)
            elif w in ("recent", "new", "newer", "latest", "modern", "contemporary"):
                q.consume(i)
                out["year_min"] = self.vocab.max_year - (4 if w != "modern" else 14)
            elif w in ("old", "vintage", "oldies") or q.phrase_at(i, 2) in ("golden age", "black white"):
                q.consume(i, 1 if w in ("old", "vintage", "oldies") else 2)
                out["year_max"] = 1969

    def _story_years(self, out: dict) -> None:
        """"... in the 70s" inside a story is when it happens, not when the film was made: a guess, so it is said
        out loud and only "from/made/released/before/after/since" keeps the years a filter."""
        if not self._story or out.get("year_min") is None and out.get("year_max") is None:
            return
        if any(cue in EXPLICIT_YEAR_CUES for cue in self._year_cues):
            return
        out.pop("year_min", None), out.pop("year_max", None)
        out["notices"].append("I read the years as part of the story, not a release-date filter.")

    def _wartime(self, q: _Query, out: dict) -> None:
        """"made during WWII" / "made while the war was still on": the years the film was made."""
        text = " ".join(q.words)
        match = WARTIME_MADE.search(text)
        if not match:
            return
        start = len(text[: match.start()].split())
        q.consume(start, len(match.group(0).split()))
        out["year_min"], out["year_max"] = WARTIME_YEARS
        self._year_cues.append("made")
        if "the war" in match.group(0):
            out["notices"].append("I read 'the war' as the Second World War: films made 1939-1945.")

    def _story_words(self, q: _Query) -> int:
        """Words that tell a story: not filler, not a genre, place, language, tone or a catalog name."""
        known = GENRE_SYNONYMS.keys() | DEMONYMS.keys() | self._countries.keys() | self._languages.keys()
        known |= TONE_WORDS.keys() | THEME_WORDS.keys() | FILM_NOUNS | SUBGENRE_WORDS
        names = self._name_rows(q) | _phrase_rows(q.words, known)
        return sum(1 for i, w in enumerate(q.words) if not q.used[i] and i not in names and w not in STOPWORDS
                   and w not in NEGATIONS and w not in known and w.isalpha() and len(w) > 1)

    def _name_rows(self, q: _Query) -> set[int]:
        rows: set[int] = set()
        for n in (4, 3, 2):
            for i in range(len(q.words) - n + 1):
                if " ".join(q.words[i : i + n]) in self.vocab.people.names:
                    rows.update(range(i, i + n))
        return rows

    def _propose(self, out: dict, field_: str, values: list[str], phrase: str, cued: bool) -> None:
        """Record a reading; explicit ones filter, incidental ones (inside a story) only boost."""
        explicit = cued or not self._story
        for value in values:
            hypothesis = Hypothesis(field_, value, phrase, explicit, cued)
            out["hypotheses"].append(hypothesis)
            if explicit:
                out.setdefault(field_, []).append(value)
            else:
                out.setdefault("boosts", []).append(hypothesis)
        if not explicit and values:
            out["notices"].append(Hypothesis(field_, values[0], phrase, False, False).reading())

    def _apply_decade(self, q: _Query, i: int, span: tuple[int, int], out: dict) -> None:
        start, end = span
        q.consume(i)
        part = q.before(i)
        if part in ("early", "mid", "late"):
            q.consume(i - 1)
            start, end = {"early": (start, start + 3), "mid": (start + 4, start + 6), "late": (start + 7, end)}[part]
        cue = q.before(i, 2) if part in ("the", "early", "mid", "late") else part
        self._year_cues.append(cue)
        if cue in ("before", "pre", "prior"):
            out["year_max"] = start - 1
        elif cue in ("after", "post"):
            out["year_min"] = end + 1
        elif cue == "since":
            out["year_min"] = start
        else:
            out.setdefault("year_min", start)
            out["year_min"] = min(out["year_min"], start)
            out["year_max"] = max(out.get("year_max") or end, end)

    def _apply_year(self, q: _Query, i: int, year: int, out: dict) -> None:
        q.consume(i)
        cue = q.before(i)
        nxt = q.words[i + 1] if i + 1 < len(q.words) else ""
        self._year_cues.append(cue)
        if cue in ("before", "pre", "until", "till", "prior"):
            out["year_max"] = year - 1
        elif cue in ("after", "post"):
            out["year_min"] = year + 1
        elif cue == "since":
            out["year_min"] = year
        elif re.fullmatch(r"(18|19|20)\d\d", nxt) or (nxt in ("to", "and", "through") and i + 2 < len(q.words)
                                                        and re.fullmatch(r"(18|19|20)\d\d", q.words[i + 2])):
            last = int(q.words[i + 1] if nxt.isdigit() else q.words[i + 2])
            q.consume(i + 1, 1 if nxt.isdigit() else 2)
            out["year_min"], out["year_max"] = min(year, last), max(year, last)
        elif out.get("year_min") is None:
            out["year_min"] = out["year_max"] = year
        if cue in ("before", "pre", "until", "till", "prior", "after", "post", "since", "between", "from", "in"):
            q.consume(i - 1)

    def _runtime(self, q: _Query, out: dict) -> None:
        for i, w in enumerate(q.words):
            if q.used[i]:
                continue
            minutes = duration_at(q.words, i)
            if minutes:
                value, length = minutes
                after = runtime_after_cue(q.words, i + length)
                if after:
                    key, extra = after
                    q.consume(i, length + extra)
                    out[key] = value
                    out.pop("runtime_max" if key == "runtime_min" else "runtime_min", None)
                else:
                    self._apply_runtime(q, i, value, length, out)
            elif w in ("short", "shorter", "quick", "brief"):
                q.consume(i)
                out["runtime_max"] = 90
            elif w in ("long", "longer", "lengthy") and not q.negated(i):
                q.consume(i)
                out["runtime_min"] = 140
            elif w == "long":
                q.consume(i)
                out["runtime_max"] = 120

    def _apply_runtime(self, q: _Query, i: int, value: int, length: int, out: dict) -> None:
        q.consume(i, length)
        cue, cue2 = q.before(i), " ".join(w for w in (q.before(i, 2), q.before(i)) if w)
        if cue in ("under", "below", "within", "max", "maximum") or cue2 in (
                "less than", "shorter than", "at most", "no more", "up to", "more than" if q.negated(i) else ""):
            out["runtime_max"] = value - (1 if cue in ("under", "below") or "than" in cue2 else 0)
        elif cue in ("over", "above") or cue2 in ("more than", "longer than", "at least"):
            out["runtime_min"] = value + (1 if cue in ("over", "above") or "than" in cue2 else 0)
            out.pop("runtime_max", None)
        elif cue in ("around", "about", "roughly", "approximately"):
            out["runtime_min"], out["runtime_max"] = value - 15, value + 15
        else:
            out["runtime_min"], out["runtime_max"] = value - 10, value + 10
        two_word_cue = cue2 in ("less than", "shorter than", "at most", "no more", "up to", "more than",
                                "longer than", "at least")
        q.consume(i - 2 if two_word_cue else i - 1, 2 if two_word_cue else 1)

    def _people(self, q: _Query, out: dict) -> None:
        for n in (4, 3, 2):
            for i in range(len(q.words) - n + 1):
                phrase = q.phrase_at(i, n)
                name = self.vocab.people.names.get(phrase) if phrase else None
                if name:
                    self._apply_person(q, i, n, name, out)
        for i, w in enumerate(q.words):
            name = self.vocab.people.surnames.get(w)
            # A capitalised neighbour means a longer name ("Christopher Nolen"), not this surname alone.
            part_of_name = any(0 <= j < len(q.words) and not q.used[j] and q.original[j][:1].isupper()
                               for j in (i - 1, i + 1))
            # A surname alone is a person only with a cue: "by Kubrick", or "Miyazaki films" (the surname names
            # whose films); "German" is also Aleksei German, so a bare surname elsewhere in a sentence is not.
            cued = q.before(i) in DIRECTOR_CUES | {"starring"} or (
                i + 1 < len(q.words) and q.words[i + 1] in FILM_NOUNS)
            if name and not q.used[i] and not part_of_name and cued:
                self._apply_person(q, i, 1, name, out, role="director")

    def _apply_person(self, q: _Query, i: int, n: int, name: str, out: dict, role: str | None = None) -> None:
        q.consume(i, n)
        cue = q.before(i)
        # "films Samuel L. Jackson is in", "Tom Hanks comedies": the sentence is about the person's films.
        cued = cue in DIRECTOR_CUES | CAST_CUES or cue in FILM_NOUNS or followed_by_film_noun(
            q.words, i + n, set(GENRE_SYNONYMS))
        if cue in DIRECTOR_CUES | CAST_CUES:
            q.consume(i - 1)
            role = "director" if cue in DIRECTOR_CUES else "cast"
            if q.before(i, 2) in DIRECTOR_CUES:
                q.consume(i - 2)
        if q.negated(i):
            out.setdefault("people_none", []).append(name)
            return
        role = role or self.vocab.people.role(name)
        self._propose(out, "directors" if role == "director" else "cast", [name], " ".join(q.original[i:i + n]),
                      cued)

    def _languages_(self, q: _Query, out: dict) -> None:
        for n in (2, 1):
            for i in range(len(q.words) - n + 1):
                phrase = q.phrase_at(i, n)
                lang = self._languages.get(phrase or "")
                if not lang:
                    continue
                after = q.words[i + n] if i + n < len(q.words) else ""
                cued = q.before(i) in LANGUAGE_CUES_BEFORE or after in LANGUAGE_CUES_AFTER
                if not cued and phrase in DEMONYMS | self._countries.keys() | {"english"}:
                    continue  # "French films" means the country; "in French" the language
                q.consume(i, n)
                for j in (i - 1, i + n):
                    if 0 <= j < len(q.words) and q.words[j] in LANGUAGE_CUES_BEFORE | LANGUAGE_CUES_AFTER:
                        q.consume(j)
                key = "languages_none" if q.negated(i) else "languages"
                out.setdefault(key, []).append(lang)
        for i in range(len(q.words)):
            if q.phrase_at(i, 2) in ("non english", "foreign language") or q.phrase_at(i, 1) == "foreign":
                n = 1 if q.words[i] == "foreign" else 2
                q.consume(i, n)
                out.setdefault("languages_none", []).append("English")

    def _places(self, q: _Query, out: dict) -> None:
        table = {**self._countries, **{k: v for k, v in DEMONYMS.items() if set(v) & self.vocab.countries},
                 "english": ("United Kingdom",)}
        for n in (3, 2, 1):
            for i in range(len(q.words) - n + 1):
                countries = table.get(q.phrase_at(i, n) or "")
                if not countries:
                    continue
                q.consume(i, n)
                cue = q.before(i)
                setting = " ".join((q.before(i, 2), cue)) in SETTING_CUES
                cued = not setting and (cue in ("from", "made") or q.before(i, 2) in ("made", "filmed", "shot")
                                        or followed_by_film_noun(q.words, i + n, set(GENRE_SYNONYMS)))
                if cue in ("from", "in", "made"):
                    q.consume(i - 1)
                known = [c for c in countries if c in self.vocab.countries]
                if q.negated(i):
                    out.setdefault("countries_none", []).extend(known)
                elif setting:  # "set in Rwanda": where the story happens, not where the film was made
                    self._story, was = True, self._story
                    self._propose(out, "countries", known, " ".join(q.original[i:i + n]), False)
                    self._story = was
                else:
                    self._propose(out, "countries", known, " ".join(q.original[i:i + n]), cued)

    def _genres(self, q: _Query, out: dict) -> None:
        for n in (3, 2, 1):
            for i in range(len(q.words) - n + 1):
                genres = GENRE_SYNONYMS.get(q.phrase_at(i, n) or "")
                if not genres:
                    continue
                q.consume(i, n)
                words = " ".join(q.words[i : i + n])
                known = [g for g in genres if g in self.vocab.genres]
                if q.negated(i):
                    out.setdefault("genres_none", []).extend(known)
                    continue
                self._subgenre(out, words)
                cued = i <= 1 or q.words[i + n - 1] in FILM_NOUNS or followed_by_film_noun(
                    q.words, i + n, set(GENRE_SYNONYMS))
                if words in SUBGENRE_ANY:
                    out.setdefault("genres_any", []).extend(g for g in SUBGENRE_ANY[words] if g in self.vocab.genres)
                elif q.before(i) == "or" and out.get("genres_all"):
                    out.setdefault("genres_any", []).extend([out["genres_all"].pop(), *known])
                else:
                    self._propose(out, "genres_all", known, " ".join(q.original[i:i + n]), cued)
                out.setdefault("genre_words", []).append(words)

    def _subgenre(self, out: dict, words: str) -> None:
        countries = [c for c in SUBGENRE_COUNTRIES.get(words, ()) if c in self.vocab.countries]
        if countries:
            out.setdefault("countries", []).extend(countries)
            out["hypotheses"].append(Hypothesis("countries", countries[0], words, True, True))

    def _acclaim(self, q: _Query, out: dict) -> None:
        for n in (4, 3, 2):
            for i in range(len(q.words) - n + 1):
                award = AWARD_PHRASES.get(q.phrase_at(i, n) or "")
                if award:
                    q.consume(i, n)
                    out["awards"] = award
        for i in range(len(q.words)):
            if q.phrase_at(i, 2) in ACCLAIM_PHRASES:
                q.consume(i, 2)
                out["min_critic_score"] = ACCLAIMED_SCORE
            elif q.phrase_at(i, 1) in ACCLAIM:
                q.consume(i)
                out["min_critic_score"] = ACCLAIMED_SCORE
            if q.words[i] == "rated" and i + 1 < len(q.words) and q.words[i + 1] in ("r", "pg", "g", "nc"):
                q.consume(i, 2)
                out.setdefault("maturity_ratings", []).append(q.words[i + 1].upper())

    def _kind(self, q: _Query, out: dict) -> None:
        for i in range(len(q.words)):
            phrase = q.phrase_at(i, 2) if q.phrase_at(i, 2) in ("tv show", "tv shows", "tv series") else None
            if phrase or q.phrase_at(i, 1) in ("series", "miniseries", "shows"):
                q.consume(i, 2 if phrase else 1)
                out["kind"] = "series"
                if not self.vocab.has_series:
                    out["notices"].append("This catalog has films only; no series match.")

    def _facets(self, q: _Query, out: dict) -> None:
        """Tone words ("dark", "feel-good") and themes ("time travel"); a story's "dark mansion" stays a word."""
        for n in (4, 3, 2, 1):
            for i in range(len(q.words) - n + 1):
                phrase = q.phrase_at(i, n) or ""
                # A theme may also be a genre word already read ("heist" filters Crime and is a theme too).
                words = " ".join(q.words[i : i + n]) if i + n <= len(q.words) else ""
                if phrase in TONE_WORDS and not self._story and not q.negated(i):
                    q.consume(i, n)
                    out.setdefault("tones", []).append(TONE_WORDS[phrase])
                elif words in THEME_WORDS and not q.negated(i):
                    out.setdefault("themes", []).append(THEME_WORDS[words])  # kept as words too: plots say them

    def _unknown_names(self, q: _Query, out: dict) -> None:
        """Capitalised words we could not place: fuzzy-match them to people, or say we could not."""
        for i in range(1, len(q.words)):
            if q.used[i] or q.used[i - 1] or not (q.original[i][:1].isupper() and q.original[i - 1][:1].isupper()):
                continue
            phrase = f"{q.words[i - 1]} {q.words[i]}"
            best = process.extractOne(phrase, self._people_keys, scorer=fuzz.ratio, score_cutoff=88)
            if best:
                name = self.vocab.people.names[best[0]]
                out["notices"].append(f"No one called '{q.original[i - 1]} {q.original[i]}' in the catalog; "
                                      f"using {name}.")
                self._apply_person(q, i - 1, 2, name, out)
            elif q.before(i - 1) in DIRECTOR_CUES | CAST_CUES:
                out["notices"].append(f"No one called '{q.original[i - 1]} {q.original[i]}' in the catalog; "
                                      "searching the text instead.")

    def _finish(self, q: _Query, out: dict) -> Constraints:
        _drop_contradictions(out)
        soft = [w for i, w in enumerate(q.words) if not q.used[i] and w not in STOPWORDS and w not in NEGATIONS]
        genre_words = out.pop("genre_words", [])
        lists = {k: tuple(dict.fromkeys(v)) for k, v in out.items() if isinstance(v, list) and k != "notices"}
        lists["hypotheses"] = tuple(out["hypotheses"])
        scalars = {k: v for k, v in out.items() if not isinstance(v, list)}
        soft_text = " ".join(soft)
        # A genre already filtered adds nothing as text ("thriller" would only match the word); a sub-genre
        # word ("slasher", "heist") or a genre read as part of a story does.
        incidental = {h.phrase.lower() for h in out.get("boosts", [])}
        kept = [w for w in genre_words if set(w.split()) & SUBGENRE_WORDS or w in incidental or soft]
        return Constraints(**lists, **scalars, soft_text=soft_text,
                           semantic_text=" ".join([*soft, *kept]).strip(), notices=tuple(out["notices"]))


# Words before a year or decade that make it the film's date even inside a story ("made in 1962").
EXPLICIT_YEAR_CUES = frozenset({"from", "made", "released", "before", "pre", "prior", "after", "post", "since",
                                "until", "till", "between"})


def _phrase_rows(words: list[str], known: set[str]) -> set[int]:
    """Token positions inside a known multi-word phrase ("mind bending", "sci fi"): not story words."""
    rows: set[int] = set()
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            if " ".join(words[i : i + n]) in known:
                rows.update(range(i, i + n))
    return rows


_RANGES = (("year_min", "year_max", "years"), ("runtime_min", "runtime_max", "running times"))


def _drop_contradictions(out: dict) -> None:
    """A range that ends before it starts ("from 1950, recent") would match nothing: search without it."""
    for low_key, high_key, what in _RANGES:
        low, high = out.get(low_key), out.get(high_key)
        if low is not None and high is not None and low > high:
            del out[low_key], out[high_key]
            out["notices"].append(f"The {what} asked for cannot all hold (from {low} and up to {high}); "
                                  "searching without that filter.")


def _decade(word: str) -> tuple[int, int] | None:
    if word in DECADE_WORDS:
        start = DECADE_WORDS[word]
        return start, start + 9
    match = re.fullmatch(r"(1[89]|20)?(\d)0s", word)
    if not match:
        return None
    century, digit = match.group(1), int(match.group(2))
    start = int(century) * 100 + digit * 10 if century else (1900 + digit * 10 if digit >= 2 else 2000 + digit * 10)
    return start, start + 9
