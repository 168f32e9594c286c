"""When a film was made and how long it runs: years, decades, eras, wartime and runtime phrases → filters.

A year inside a story ("summer of 1963") is when it happens, not a filter: :meth:`PeriodReader.story_years`
takes such years back out, and says so, unless a cue ("from", "made", "released", ...) makes them the film's date.
"""

from __future__ import annotations

import re

from tools.search.phrases import WARTIME_MADE, WARTIME_YEARS, duration_at, runtime_after_cue
from tools.search.tokens import Tokens

DECADE_WORDS = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
                "seventies": 1970, "eighties": 1980, "nineties": 1990, "noughties": 2000, "aughts": 2000}
# Words before a year or decade that make it the film's date even inside a story ("made in 1962").
EXPLICIT_YEAR_CUES = frozenset({"from", "made", "released", "before", "pre", "prior", "after", "post", "since",
                                "until", "till", "between"})


# Film movements and eras that say when a film was made ("french new wave", "silent films"). The years are the
# movement's usual span, a guess said out loud; "new" of "new wave" is not "recent films".
MOVEMENTS: dict[str, tuple[int, int]] = {
    "new wave": (1958, 1969), "nouvelle vague": (1958, 1969), "new hollywood": (1967, 1982),
    "neorealism": (1943, 1956), "neorealist": (1943, 1956), "neo realism": (1943, 1956),
    "neo realist": (1943, 1956), "german expressionism": (1919, 1933), "expressionist": (1919, 1933),
    "pre code": (1929, 1934), "silent era": (1894, 1929), "mid century": (1945, 1965), "y2k": (1998, 2002),
}
# "silent" names the era only before a film word: "a silent man" in a story is not a silent film.
SILENT_FILM_WORDS = frozenset({"film", "films", "movie", "movies", "cinema", "comedy", "comedies", "classic",
                               "classics", "picture", "pictures"})


class PeriodReader:
    """Reads release years and running times; remembers the words before each year for the story check."""

    def __init__(self, max_year: int):
        self.max_year = max_year
        self._year_cues: list[str] = []
        self._release_phrased = False  # a year or decade said of the film ("a 70s comedy"), not of the story
        self._bare_runtime: list[str] = []  # runtime words read with no cue ("90 minutes", "long")

    def years(self, q: Tokens, out: dict) -> None:
        self._wartime(q, out)
        self._movements(q, out)
        for i, w in enumerate(q.words):
            if q.used[i]:
                continue
            span = _decade(w)
            if span or w in ("old", "vintage") or q.phrase_at(i, 2) == "black white":
                self._release_phrased |= _film_word_follows(q.words, i + 1)
            if span:
                self._apply_decade(q, i, span, out)
            elif re.fullmatch(r"(18|19|20)\d\d", w):
                self._apply_year(q, i, int(w), out)
            elif w in ("recent", "new", "newer", "latest", "modern", "contemporary") and not _names_a_place(q, i) \
                    and _said_of_films(q.words, i):
                q.consume(i)
                out["year_min"] = self.max_year - (4 if w != "modern" else 14)
            elif w in ("old", "vintage", "oldies") or q.phrase_at(i, 2) in ("golden age", "black white"):
                golden = q.phrase_at(i, 2) == "golden age"
                q.consume(i, 1 if w in ("old", "vintage", "oldies") else 2)
                # Hollywood's golden age ended with the studio system, about 1960; "old" reaches the 60s.
                out["year_max"] = 1960 if golden else 1969

    def story_years(self, out: dict, story: bool) -> None:
        """"... in the 70s" inside a story is when it happens, not when the film was made: a guess, so it is said
        out loud and only "from/made/released/before/after/since" keeps the years a filter."""
        if not story or out.get("year_min") is None and out.get("year_max") is None:
            return
        if any(cue in EXPLICIT_YEAR_CUES for cue in self._year_cues):
            return
        low, high = out.pop("year_min", None), out.pop("year_max", None)
        if self._release_phrased and (low or 1900) <= (high or self.max_year):
            out["era_hint"] = (low or 1900, high or self.max_year)
            out["notices"].append("I read the years as when the film was made, a hint rather than a filter.")
        else:
            out["notices"].append("I read the years as part of the story, not a release-date filter.")

    def story_runtime(self, out: dict, story: bool) -> None:
        """"a man has 90 minutes to save his girlfriend", "a long journey home": inside a story a duration or a
        length word without a cue ("under", "at least", "tops", ...) is part of the story, not a filter."""
        if not story or not self._bare_runtime:
            return
        out.pop("runtime_min", None), out.pop("runtime_max", None)
        out["notices"].append(f"I read '{self._bare_runtime[0]}' as part of the story, not a running-time filter.")

    def _movements(self, q: Tokens, out: dict) -> None:
        for n in (2, 1):
            for i in range(len(q.words) - n + 1):
                phrase = q.phrase_at(i, n)
                silent = phrase == "silent" and i + 1 < len(q.words) and q.words[i + 1] in SILENT_FILM_WORDS
                if phrase not in MOVEMENTS and not silent:
                    continue
                low, high = MOVEMENTS.get(phrase or "", MOVEMENTS["silent era"])
                q.consume(i, n)
                out["year_min"], out["year_max"] = max(out.get("year_min") or low, low), high
                self._release_phrased = True  # said of the film, never of its story: in a story, a hint
                out["notices"].append(f"I read '{' '.join(q.original[i:i + n])}' as films made {low}-{high}.")

    def _wartime(self, q: Tokens, out: dict) -> None:
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

    def _apply_decade(self, q: Tokens, i: int, span: tuple[int, int], out: dict) -> None:
        start, end = span
        q.consume(i)
        part = q.before(i)
        if part in ("early", "mid", "late"):
            q.consume(i - 1)
            start, end = {"early": (start, start + 3), "mid": (start + 4, start + 6), "late": (start + 7, end)}[part]
        cue = q.before(i, 2) if part in ("the", "early", "mid", "late") else part
        self._year_cues.append(cue)
        cue_at = i - (2 if part in ("the", "early", "mid", "late") else 1)
        cue = _flip_if_negated(q, cue_at, cue)
        if cue in ("before", "pre", "prior", "after", "post", "since", "through") and cue_at >= 0:
            q.consume(cue_at)
        if cue in ("before", "pre", "prior"):
            out["year_max"] = start - 1
        elif cue in ("after", "post"):
            out["year_min"] = end + 1
        elif cue == "since":
            out["year_min"] = start
        elif cue == "through":
            out["year_max"] = end
        else:
            out.setdefault("year_min", start)
            out["year_min"] = min(out["year_min"], start)
            out["year_max"] = max(out.get("year_max") or end, end)

    def _apply_year(self, q: Tokens, i: int, year: int, out: dict) -> None:
        q.consume(i)
        cue = q.before(i)
        nxt = q.words[i + 1] if i + 1 < len(q.words) else ""
        cue_at = i - 1
        if cue == "than" and q.before(i, 2) in COMPARATIVES:  # "newer than 2005", "no older than 1990"
            cue_at = i - 2
            cue = COMPARATIVES[q.before(i, 2)]
            q.consume(i - 2, 2)
        self._year_cues.append(cue)
        cue = _flip_if_negated(q, cue_at, cue)
        if cue == "before" and q.before(i, 2) == "decade":  # "the decade before 2000"
            q.consume(i - 2)
            out["year_min"], out["year_max"] = year - 10, year - 1
        elif cue in ("before", "pre", "until", "till", "prior"):
            out["year_max"] = year - 1
        elif cue in ("after", "post"):
            out["year_min"] = year + 1
        elif cue == "since":
            out["year_min"] = year
        elif cue == "through":
            out["year_max"] = year
        elif " ".join(q.words[i + 1:i + 3]) in OR_LATER or nxt in ("onwards", "onward"):
            q.consume(i + 1, 1 if nxt.startswith("onward") else 2)
            out["year_min"] = year
        elif " ".join(q.words[i + 1:i + 3]) in OR_EARLIER:
            q.consume(i + 1, 2)
            out["year_max"] = year
        elif re.fullmatch(r"(18|19|20)\d\d", nxt) or (nxt in ("to", "and", "through") and i + 2 < len(q.words)
                                                        and re.fullmatch(r"(18|19|20)\d\d", q.words[i + 2])):
            last = int(q.words[i + 1] if nxt.isdigit() else q.words[i + 2])
            q.consume(i + 1, 1 if nxt.isdigit() else 2)
            out["year_min"], out["year_max"] = min(year, last), max(year, last)
        elif out.get("year_min") is None:
            out["year_min"] = out["year_max"] = year
        if cue in ("before", "pre", "until", "till", "prior", "after", "post", "since", "between", "from", "in",
                   "through"):
            q.consume(i - 1)

    def runtime(self, q: Tokens, out: dict) -> None:
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
                self._bare_runtime.append(q.original[i])
            elif w in ("long", "longer", "lengthy") and not q.negated(i):
                q.consume(i)
                out["runtime_min"] = 140
                self._bare_runtime.append(q.original[i])
            elif w == "long":
                q.consume(i)
                out["runtime_max"] = 120

    def _apply_runtime(self, q: Tokens, i: int, value: int, length: int, out: dict) -> None:
        # "3 hours long": the length word belongs to the duration, not a second "long films" reading.
        if i + length < len(q.words) and q.words[i + length] in ("long", "length"):
            length += 1
        q.consume(i, length)
        cue, cue2 = q.before(i), " ".join(w for w in (q.before(i, 2), q.before(i)) if w)
        negated = q.negated(i)  # "no longer than 90 minutes", "nothing over two hours"
        negated_more = ("more than", "longer than") if negated else ()
        if cue in AT_MOST_CUES or (negated and cue in AT_LEAST_CUES) or cue2 in (*AT_MOST_PHRASES, *negated_more):
            strict = cue in ("under", "below") or cue2 in ("less than", "shorter than")
            out["runtime_max"] = value - (1 if strict else 0)
        elif cue in AT_LEAST_CUES or cue2 in AT_LEAST_PHRASES:
            out["runtime_min"] = value + (1 if cue in AT_LEAST_CUES or "than" in cue2 else 0)
            out.pop("runtime_max", None)
        elif cue in AROUND_CUES:
            out["runtime_min"], out["runtime_max"] = value - 15, value + 15
        else:
            out["runtime_min"], out["runtime_max"] = value - 10, value + 10
            self._bare_runtime.append(" ".join(q.original[i:i + length]))
        if cue2 in (*AT_MOST_PHRASES, *AT_LEAST_PHRASES):
            q.consume(i - 2, 2)
        elif cue in RUNTIME_CUES:  # not "highly rated 90 minute thrillers": "rated" is no runtime cue
            q.consume(i - 1)


# Cue words before a duration: one ("under 90 minutes") or two ("no longer than 90 minutes").
AT_MOST_CUES = ("under", "below", "within", "max", "maximum")
AT_LEAST_CUES = ("over", "above")
AROUND_CUES = ("around", "about", "roughly", "approximately")
AT_MOST_PHRASES = ("less than", "shorter than", "at most", "no more", "up to")
AT_LEAST_PHRASES = ("more than", "longer than", "at least")
# Every single word before a duration that belongs to it, so it is consumed with it.
RUNTIME_CUES = frozenset({*AT_MOST_CUES, *AT_LEAST_CUES, *AROUND_CUES, "than", "most", "least", "to", "only", "just",
                          "exactly"})


# What a viewer calls the film itself: "a 70s disney comedy", "old black and white spy film", "an 80s movie".
FILM_WORDS = frozenset({"movie", "movies", "film", "films", "flick", "picture", "cartoon", "comedy", "drama",
                        "thriller", "horror", "western", "musical", "romance", "romcom", "documentary", "animated",
                        "animation", "noir", "sci", "scifi", "action", "war", "adventure", "fantasy", "mystery",
                        "disney", "hollywood", "slasher", "kids", "teen"})
FILM_WORD_WINDOW = 5


OR_LATER = frozenset({"or later", "or after", "or newer", "and later", "and after", "and newer", "and up"})
OR_EARLIER = frozenset({"or earlier", "or before", "or older", "and earlier", "and before", "and older"})
COMPARATIVES = {"newer": "after", "later": "after", "younger": "after", "older": "before", "earlier": "before"}


def _said_of_films(words: list[str], i: int) -> bool:
    """"new comedies", "something new", "recent releases": about films; "her new husband" is not."""
    return i == len(words) - 1 or any(w in FILM_WORDS | RELEASE_WORDS for w in words[i + 1:i + 3])


RELEASE_WORDS = frozenset({"releases", "release", "ones", "stuff", "titles", "out", "arrivals", "classics",
                           "comedies", "dramas", "thrillers", "westerns", "musicals", "documentaries", "cartoons"})


def _flip_if_negated(q: Tokens, cue_at: int, cue: str) -> str:
    """"nothing before 1990" is from 1990 on, "not after 1960" up to 1960."""
    flips = {"before": "since", "pre": "since", "prior": "since", "after": "through", "post": "through"}
    if cue in flips and cue_at > 0 and q.negated(cue_at):
        return flips[cue]
    return cue


def _names_a_place(q: Tokens, i: int) -> bool:
    """"New York", "New Zealand", "New Orleans": "new" starts a name (capitalised, or a known one), not an era."""
    nxt = q.original[i + 1] if i + 1 < len(q.words) else ""
    shouted = q.original[i].isupper()  # "NEW RELEASES": capitals say nothing there
    return q.words[i] == "new" and ((nxt[:1].isupper() and not shouted) or nxt.lower() in NEW_PLACES)


NEW_PLACES = frozenset({"york", "yorker", "yorkers", "zealand", "orleans", "mexico", "jersey", "delhi", "england",
                        "hampshire", "guinea", "caledonia", "haven", "amsterdam"})


def _film_word_follows(words: list[str], start: int) -> bool:
    return any(w in FILM_WORDS for w in words[start:start + FILM_WORD_WINDOW])


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
