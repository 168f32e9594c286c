"""Natural language → ``Constraints``: eras, genres, people, places, runtime, acclaim and negations.

Rule-based on purpose: it must work with no LLM, in well under a millisecond, and say what it understood.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from knowledge.titles import MAX_OSCAR_CLASS
from tools.search.constraints import ACCLAIMED_SCORE, Constraints
from tools.search.facets import THEME_WORDS, TONE_WORDS
from tools.search.hypotheses import FILM_NOUNS, Hypothesis, followed_by_film_noun, is_description
from tools.search.people import PeopleReader
from tools.search.periods import PeriodReader
from tools.search.phrases import AWARD_PHRASES, oscars_asked
from tools.search.tokens import (  # noqa: F401  (re-exported: the search engine and the ads checks use them)
    MAX_QUERY_CHARS,
    NEGATION_STOPS,
    NEGATIONS,
    STOPWORDS,
    Tokens,
    tokenize,
)
from tools.search.vocabulary import (
    COUNTRY_ALIASES,
    DEMONYMS,
    GENRE_SYNONYMS,
    GENRE_WORDS,
    LANGUAGE_ALIASES,
    SUBGENRE_ANY,
    SUBGENRE_COUNTRIES,
    SUBGENRE_WORDS,
    Vocabulary,
)

LANGUAGE_CUES_BEFORE = {"in", "spoken", "speaking"}
LANGUAGE_CUES_AFTER = {"language", "speaking", "spoken", "dialogue", "audio", "dubbed", "subtitled"}
ACCLAIM = {"acclaimed", "best", "masterpiece", "masterpieces", "greatest", "beloved", "praised", "classic",
           "classics"}
ACCLAIM_PHRASES = ("critically acclaimed", "top rated", "highly rated", "well reviewed", "must see", "critics loved",
                   "good reviews", "great reviews", "top notch", "certified fresh", "critics raved", "raved about",
                   "rave reviews")
# Words of awards and acclaim: a wish's words, never a story's ("sci-fi that took home multiple Academy Awards").
ACCLAIM_WORDS = frozenset({"oscar", "oscars", "academy", "award", "awards", "winning", "winner", "winners", "won",
                           "nominated", "nominations", "multiple", "critics", "critic", "reviews", "rated", "scoring",
                           "acclaimed", "raved", "rave", "highly"})
SCORE_VERBS = ("rated", "scoring", "scored", "score")
SUBTITLED = ("foreign", "subtitled", "subtitles")
# Where a remembered story begins: "[a 70s disney comedy] where...", "[British comedy] about a boy who...".
STORY_OPENERS = frozenset({"where", "about", "who", "whose", "which", "when", "that", "in which"})
SETTING_CUES = ("set in", "takes place in", "located in", "happens in")
SINGLE_GENRE_WORDS = sorted(w for w in GENRE_WORDS if " " not in w and len(w) >= 5)


class QueryParser(PeopleReader):
    """Parses viewer queries against one catalog's vocabulary."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self._people_keys = list(vocab.people.names)
        self._countries = {c.lower(): (c,) for c in vocab.countries}
        self._countries.update({k: v for k, v in COUNTRY_ALIASES.items() if set(v) & vocab.countries})
        self._languages = {lang.lower(): lang for lang in vocab.languages}
        self._languages.update({k: v for k, v in LANGUAGE_ALIASES.items() if v in vocab.languages})
        # Words the vocabulary reads as something other than a person or a story word.
        self._known_words = GENRE_SYNONYMS.keys() | DEMONYMS.keys() | self._countries.keys() | self._languages.keys()
        self._known_words |= TONE_WORDS.keys() | THEME_WORDS.keys() | FILM_NOUNS | SUBGENRE_WORDS

    def parse(self, text: str) -> Constraints:
        notices: list[str] = []
        if len(text) > MAX_QUERY_CHARS:
            notices.append(f"Your query was {len(text):,} characters; only the first {MAX_QUERY_CHARS:,} were used.")
            text = text[:MAX_QUERY_CHARS]
        q = Tokens(*tokenize(text))
        self._text = text.replace("\u2019", "'")
        out: dict = {"notices": notices, "hypotheses": []}
        periods = PeriodReader(self.vocab.max_year)
        periods.years(q, out)
        periods.runtime(q, out)
        self._story = is_description(q.words, self._story_words(q))
        self._story_start = next((i for i, w in enumerate(q.words) if i and w in STORY_OPENERS), len(q.words))
        periods.story_years(out, self._story)
        periods.story_runtime(out, self._story)
        for step in (self._people, self._languages_, self._places, self._genres, self._acclaim, self._kind,
                     self._facets):
            step(q, out)
        self._unknown_names(q, out)
        return self._finish(q, out)

    # -- matchers --------------------------------------------------------------------------------------

    def _said_of_the_film(self, i: int) -> bool:
        """In a story, only the words before it starts describe the film ("British comedy about a boy..."); later
        ones are the story's own ("a woman from Serbia", "they shoot their own action movie")."""
        return not self._story or i < self._story_start

    def _story_words(self, q: Tokens) -> int:
        """Words that tell a story: not filler, not a genre, place, language, tone or a catalog name."""
        names = self._name_rows(q) | _phrase_rows(q.words, self._known_words)
        return sum(1 for i, w in enumerate(q.words) if not q.used[i] and i not in names and w not in STOPWORDS
                   and w not in NEGATIONS and w not in self._known_words and w not in ACCLAIM_WORDS and w.isalpha()
                   and len(w) > 1)

    def _name_rows(self, q: Tokens) -> set[int]:
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

    def _languages_(self, q: Tokens, out: dict) -> None:
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
                if q.negated(i):
                    out.setdefault("languages_none", []).append(lang)
                else:  # inside a story an uncued language word is a story word ("the Khmer Rouge take over")
                    self._propose(out, "languages", [lang], " ".join(q.original[i:i + n]), cued)
        for i in range(len(q.words)):
            if q.phrase_at(i, 2) in ("non english", "foreign language") or q.phrase_at(i, 1) in SUBTITLED:
                n = 1 if q.words[i] in SUBTITLED else 2
                q.consume(i, n)
                out.setdefault("languages_none", []).append("English")

    def _places(self, q: Tokens, out: dict) -> None:
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
                cued = not setting and self._said_of_the_film(i) and (
                    cue in ("from", "made") or q.before(i, 2) in ("made", "filmed", "shot")
                    or followed_by_film_noun(q.words, i + n, GENRE_WORDS))
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
                    if q.words[i] == "bollywood" and "Hindi" in self.vocab.languages:  # Mumbai's Hindi cinema
                        self._propose(out, "languages", ["Hindi"], q.original[i], cued)

    def _genres(self, q: Tokens, out: dict) -> None:
        for i in range(len(q.words) - 1):
            if q.phrase_at(i, 2) == "live action":  # said of the film: not animated (and not the Action genre)
                q.consume(i, 2)
                out.setdefault("genres_none", []).extend(g for g in ("Animation",) if g in self.vocab.genres)
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
                # First word of a list of wishes ("comedy from France"), not of a story ("a family moves to...").
                cued = (i <= 1 and not self._story) or self._said_of_the_film(i) and (
                    q.words[i + n - 1] in FILM_NOUNS or followed_by_film_noun(q.words, i + n, GENRE_WORDS))
                if words in SUBGENRE_ANY:
                    out.setdefault("genres_any", []).extend(g for g in SUBGENRE_ANY[words] if g in self.vocab.genres)
                elif q.before(i) == "or" and out.get("genres_all"):
                    out.setdefault("genres_any", []).extend([out["genres_all"].pop(), *known])
                else:
                    self._propose(out, "genres_all", known, " ".join(q.original[i:i + n]), cued)
                out.setdefault("genre_words", []).append(words)
        self._misspelt_genres(q, out)

    def _misspelt_genres(self, q: Tokens, out: dict) -> None:
        """"westrens", "sci fi horor": a word close to one genre word, in a list of wishes only, said out loud."""
        if self._story:
            return
        for i, w in enumerate(q.words):
            plural_of_genre = w.endswith("s") and w[:-1] in GENRE_WORDS  # "crimes of passion" is a title's words
            if q.used[i] or len(w) < 5 or w in self._known_words or w in STOPWORDS or not w.isalpha() \
                    or plural_of_genre:
                continue
            best = process.extractOne(w, SINGLE_GENRE_WORDS, scorer=fuzz.ratio, score_cutoff=85)
            if not best:
                continue
            q.consume(i)
            known = [g for g in GENRE_SYNONYMS[best[0]] if g in self.vocab.genres]
            self._propose(out, "genres_all", known, q.original[i], True)
            out["notices"].append(f"I read '{q.original[i]}' as {best[0]}.")

    def _subgenre(self, out: dict, words: str) -> None:
        countries = [c for c in SUBGENRE_COUNTRIES.get(words, ()) if c in self.vocab.countries]
        if countries:
            out.setdefault("countries", []).extend(countries)
            out["hypotheses"].append(Hypothesis("countries", countries[0], words, True, True))

    def _critic_percent(self, q: Tokens, out: dict) -> None:
        """"at least 90% on rotten tomatoes", "tomatometer above 85", "rated 80+", "scoring above 85 with critics":
        the critic score asked for, as a number (40-100, so "rated R" and years are not one)."""
        for i in range(len(q.words)):
            source = 2 if q.phrase_at(i, 2) in ("rotten tomatoes", "critic score", "critics score") else (
                1 if q.phrase_at(i, 1) in ("tomatometer", "rt", "critics", "critic", *SCORE_VERBS) else 0)
            if not source:
                continue
            start = i + 1 if q.words[i] in SCORE_VERBS else max(0, i - 4)  # "rated 80", not "80 minutes, rated"
            near = [j for j in range(start, min(len(q.words), i + source + 3))
                    if not q.used[j] and q.words[j].isdigit() and 40 <= int(q.words[j]) <= 100]
            if not near:
                continue
            j = near[0]
            above = q.before(j) in ("over", "above") or (q.before(j, 2), q.before(j)) == ("more", "than")
            out["min_critic_score"] = int(q.words[j]) + (1 if above else 0)
            q.consume(i, source)
            q.consume(j)
            for k in (j - 2, j - 1, i - 1):
                if 0 <= k < len(q.words) and q.words[k] in ("at", "least", "over", "above", "more", "than", "on",
                                                            "or", "higher", "better", "with"):
                    q.consume(k)
            for k in range(j + 1, min(len(q.words), j + 4)):  # "80 plus", "85 with critics", "90 or higher"
                if q.words[k] in ("plus", "or", "higher", "better", "above", "with", "critics", "critic"):
                    q.consume(k)
            return

    def _acclaim(self, q: Tokens, out: dict) -> None:
        self._critic_percent(q, out)
        counted = oscars_asked(q.words)
        if counted and q.phrase_at(counted[1], counted[2]):
            count, i, n = counted
            q.consume(i, n)
            out["awards"] = "oscar_won" if count <= 1 else f"oscars_{min(count, MAX_OSCAR_CLASS)}"
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
            elif q.phrase_at(i, 1) in ACCLAIM and not self._story:  # a story's "best friend" or "classic car"
                q.consume(i)
                out["min_critic_score"] = ACCLAIMED_SCORE
            if q.words[i] == "rated" and i + 1 < len(q.words) and q.words[i + 1] in ("r", "pg", "g", "nc"):
                q.consume(i, 2)
                out.setdefault("maturity_ratings", []).append(q.words[i + 1].upper())

    def _kind(self, q: Tokens, out: dict) -> None:
        for i in range(len(q.words)):
            phrase = q.phrase_at(i, 2) if q.phrase_at(i, 2) in ("tv show", "tv shows", "tv series") else None
            # In a remembered story "shows" and "series" are ordinary words ("an angel shows a desperate man",
            # "a series of murders"); only "TV show"/"miniseries" still ask for series there.
            bare = q.phrase_at(i, 1) in (("miniseries",) if self._story else ("series", "miniseries", "shows"))
            if phrase or bare:
                q.consume(i, 2 if phrase else 1)
                out["kind"] = "series"
                if not self.vocab.has_series:
                    out["notices"].append("This catalog has films only; no series match.")

    def _facets(self, q: Tokens, out: dict) -> None:
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

    def _finish(self, q: Tokens, out: dict) -> Constraints:
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
        return Constraints(**lists, **scalars, soft_text=soft_text, description=self._story,
                           semantic_text=" ".join([*soft, *kept]).strip(), notices=tuple(out["notices"]))




def _phrase_rows(words: list[str], known: set[str]) -> set[int]:
    """Token positions inside a known multi-word phrase ("mind bending", "sci fi"): not story words."""
    rows: set[int] = set()
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            if " ".join(words[i : i + n]) in known:
                rows.update(range(i, i + n))
    return rows


_RANGES = (("year_min", "year_max", "years"), ("runtime_min", "runtime_max", "running times"))


_OPPOSITES = (("genres_all", "genres_none"), ("countries", "countries_none"), ("languages", "languages_none"),
              ("cast", "people_none"), ("directors", "people_none"))


def _drop_contradictions(out: dict) -> None:
    """A range that ends before it starts ("from 1950, recent") or a value both wanted and refused ("horror
    comedies that are not horror") would match nothing: search without it, and say so."""
    for wanted, refused in _OPPOSITES:
        both = [v for v in out.get(wanted, []) if v in out.get(refused, [])]
        for value in dict.fromkeys(both):
            out[wanted] = [v for v in out[wanted] if v != value]
            out[refused] = [v for v in out[refused] if v != value]
            out["notices"].append(f"You asked both for and against {value}; searching without either.")
    for low_key, high_key, what in _RANGES:
        low, high = out.get(low_key), out.get(high_key)
        if low is not None and high is not None and low > high:
            del out[low_key], out[high_key]
            out["notices"].append(f"The {what} asked for cannot all hold (from {low} and up to {high}); "
                                  "searching without that filter.")


