"""The four checks every draft passes before it is returned: length, grounding, spoilers and brand safety.

Each check returns a list of problems (empty means passed), in words a marketer can act on.
"""

from __future__ import annotations

import re

from knowledge.titles import normalize_title
from tools.ads.facts import Facts
from tools.ads.formats import LIMITS, SPOT_KINDS, SPOTS, parse_spot
from tools.ads.lead_genre import GENRE_WORDS, lead_genre
from tools.ads.lexicon import lexicon_words
from tools.ads.meaning import MEANING_CHECKS, MeaningChecker
from tools.ads.plot_elements import plot_elements
from tools.ads.templates import template_words
from tools.ads.wordlist import brand_safety_terms, common_word_ranks
from tools.search.parsing import STOPWORDS
from tools.search.vocabulary import DEMONYMS

BASE_CHECKS = ("length", "grounding", "spoilers", "brand_safety")
CHECKS = (*BASE_CHECKS, *MEANING_CHECKS)

# Words copywriters use that plot summaries rarely do; never names.
_MARKETING = """
    streaming stream streams watch now tonight today unmissable must see binge bingeworthy rewatch iconic classic
    acclaimed critics critic gripping breathtaking unforgettable masterful riveting timeless spine tingling pulse
    pounding heart laugh loud edge seat hilarious tender moving celebrated relentless chilling stunning epic haunting
    witty sweeping legendary essential cinematic poster palette lighting composition dramatic key art no text logos
    movie movies film films cinema night vo super visual cta tv hd marquee ok i i'm i'll you'll we're it's don't
    cinephile filmtwitter movienight nowstreaming mustwatch classicfilm hashtag watchlist weekend feel good
    feelgood blockbuster thrill thrills thriller suspense scares laughs tears spectacular showstopping stylish
    atmospheric wide shot close up lens grain texture bold minimal silhouette backlit pov swoon worthy
"""
# Plus every word of the template lexicon: template drafts must never trip the name check.
MARKETING_WORDS = frozenset(_MARKETING.split()) | lexicon_words() | frozenset(
    w for words in GENRE_WORDS.values() for phrase in words for w in re.findall(r"[a-z]+", phrase))
# Endings of ordinary adjectives and adverbs: a rare sentence-initial word with one is not taken for a name.
WORDLIKE_ENDINGS = ("able", "ible", "ing", "ly", "ful", "ous", "ive", "less", "est", "ed", "ness", "ment", "ic")
NAME_CONNECTORS = frozenset({"of", "de", "van", "von", "da", "del", "la", "le", "du", "di", "der", "bin", "al"})
# A word this far down the common list is distinctive enough to give an ending away.
GENERIC_RANK = 1000
BIGRAM_GENERIC_RANK = 300
SPOILER_CUES = ("twist ending", "the ending", "in the end", "turns out", "spoiler", "dies at the end", "final twist",
                "who dies", "is revealed to be", "the killer is", "surprise ending", "last scene", "final scene")

_PIECE = re.compile(
    r"(?P<url>https?://\S+|www\.\S+|\S+@\S+\.\w+)"
    r"|(?P<tag>#\w+)"
    r"|(?P<word>[^\W\d_][\w'’\-]*)"
    r"|(?P<num>\d[\d,.]*\d|\d)"
    r"|(?P<stop>[.!?:;|•…\"“”()\[\]\n—–])"
    r"|(?P<brk>[,&/+])"
)


def _norm(word: str) -> str:
    return re.sub(r"['’]s$", "", word.lower()).strip("'’-")


def stem(word: str) -> str:
    w = _norm(word)
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def words_of(text: str) -> list[str]:
    return [_norm(w) for w in re.findall(r"[^\W\d_][\w'’\-]*", text)]


def _parts(word: str) -> list[str]:
    return [p for p in re.split(r"[-'’]", _norm(word)) if p]


# -- length -------------------------------------------------------------------------------------------------
def length_problems(fmt: str, text: str) -> list[str]:
    if not text.strip():
        return ["empty"]
    if fmt in SPOTS:
        return spot_problems(fmt, text)
    limit, problems = LIMITS[fmt], []
    if limit.max_chars is not None and len(text) > limit.max_chars:
        problems.append(f"{len(text)} characters, over the {limit.max_chars} limit")
    if limit.max_words is not None and len(text.split()) > limit.max_words:
        problems.append(f"{len(text.split())} words, over the {limit.max_words} limit")
    if fmt not in ("instagram", "x_post", "key_art_prompt") and "\n" in text.strip():
        problems.append("more than one line")
    if limit.hashtags:
        count = len(re.findall(r"#\w+", text))
        low, high = limit.hashtags
        if not low <= count <= high:
            problems.append(f"{count} hashtags; needs {low}-{high}")
    return problems


def spot_problems(fmt: str, script: str) -> list[str]:
    layout = SPOTS[fmt]
    lines, bad = parse_spot(script)
    problems = [f"line not in 'MM:SS-MM:SS VO|SUPER|VISUAL: text' form: {b[:40]!r}" for b in bad]
    if not lines:
        return problems or ["no script lines"]
    kinds = {line.kind for line in lines}
    problems += [f"no {kind} line" for kind in SPOT_KINDS if kind not in kinds]
    if min(line.start for line in lines) != 0 or max(line.end for line in lines) != layout.seconds:
        problems.append(f"timecodes must run from 00:00 to {layout.seconds // 60:02d}:{layout.seconds % 60:02d}")
    if any(line.end <= line.start for line in lines) or [ln.start for ln in lines] != sorted(ln.start for ln in lines):
        problems.append("timecodes out of order")
    vo_words = sum(len(line.text.split()) for line in lines if line.kind == "VO")
    if vo_words > layout.max_vo_words:
        problems.append(f"voice-over is {vo_words} words; {layout.seconds} s holds {layout.max_vo_words}")
    return problems


def spoken_text(fmt: str, text: str) -> str:
    """What a check reads: the words of a spot script without its timecodes and line labels."""
    if fmt in SPOTS:
        lines, bad = parse_spot(text)
        return "\n".join([line.text for line in lines] + bad)
    return text


# -- grounding ------------------------------------------------------------------------------------------------
class Grounding:
    """Flags names, numbers, hashtags and links in a draft that the title's record does not support."""

    def __init__(self, facts: Facts):
        t = facts.title
        names = sorted({p for p in (t.title, facts.short, *t.cast, *t.directors, *t.writers, *t.countries,
                                    *t.languages) if p}, key=len, reverse=True)
        self.phrases = [_norm_phrase(p) for p in names]
        # Record names as written ("Michael J. Fox", "W. S. Van Dyke"), blanked before a draft is read: their
        # initials would otherwise end a sentence in the middle of the name.
        self.name_patterns = [re.compile(rf"(?<![\w/.#@-]){re.escape(p)}(?![\w/])", re.IGNORECASE) for p in names]
        demonyms = [d for d, countries in DEMONYMS.items() if set(countries) & set(t.countries)]
        record_text = " ".join([t.title, *t.genres, *t.cast, *t.directors, *t.writers, *t.countries, *t.languages,
                                t.maturity_rating, t.description, *demonyms])
        self.record_words = {p for w in words_of(record_text) for p in (w, *_parts(w))}
        common = common_word_ranks()
        self.person_words = {p for w in words_of(" ".join((*t.cast, *t.directors, *t.writers))) for p in _parts(w)
                             if p not in common and p not in STOPWORDS}
        self.numbers = _numbers_in(record_text) | {str(n) for n in (t.year, t.runtime_min, t.critic_score,
                                                                    t.critic_review_count) if n is not None}
        self.decades = {str(t.year // 10 * 10), str(t.year // 10 * 10)[2:]} if t.year else set()
        names = (t.title, facts.short, *t.cast, *t.directors, *t.genres)
        self.tag_words = {normalize_title(p).replace(" ", "") for p in names} - {""}

    def known(self, word: str) -> bool:
        parts = _parts(word)
        return bool(parts) and all(p in self.record_words or p in MARKETING_WORDS or p in STOPWORDS
                                   or p in common_word_ranks() for p in parts)

    def problems(self, text: str) -> list[str]:
        return list(dict.fromkeys(message for message, _ in self.findings(text)))

    def findings(self, text: str) -> list[tuple[str, str]]:
        """(problem, the words of the draft it is about) for every unsupported name, number, hashtag or link."""
        for pattern in self.name_patterns:
            text = pattern.sub(",", text)
        problems: list[tuple[str, str]] = []
        run: list[str] = []
        run_initial = sentence_start = True
        for m in _PIECE.finditer(text):
            kind, token = m.lastgroup, m.group()
            if kind == "word" and token[0].isupper():
                if not run:
                    run_initial = sentence_start
                run.append(token)
            elif kind == "word" and run and token in NAME_CONNECTORS:
                run.append(token)
            else:
                problems += self._run_problems(run, run_initial)
                run = []
                if kind == "url":
                    problems.append((f"link not in the record: {token[:40]}", token))
                elif kind == "tag":
                    problems += self._hashtag_problems(token)
                elif kind == "num":
                    problems += self._number_problems(token, text[m.end():m.end() + 1])
            sentence_start = kind == "stop" or (sentence_start and kind not in ("word", "num", "tag"))
        problems += self._run_problems(run, run_initial)
        return problems

    def _run_problems(self, run: list[str], initial: bool) -> list[tuple[str, str]]:
        while run and run[-1] in NAME_CONNECTORS:
            run = run[:-1]
        if not run:
            return []
        text = " ".join(_norm(w) for w in run)
        for phrase in self.phrases:
            text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", "|", text)
        segments = [s.split() for s in text.split("|")]
        unknown = [w for s in segments for w in s if w not in NAME_CONNECTORS and not self.known(w)]
        if initial and unknown and unknown[0] == _norm(run[0]) and unknown[0].endswith(WORDLIKE_ENDINGS):
            unknown = unknown[1:]  # "Gripping ..." opening a sentence is a word, not a name
        if unknown:
            return [(f"name not in the record: {' '.join(run)}", " ".join(run))]
        for segment in segments:
            names = [w in self.person_words for w in segment]
            if any(a and b for a, b in zip(names, names[1:], strict=False)):
                return [(f"name not in the record (mixes up credits): {' '.join(run)}", " ".join(run))]
        return []

    def _number_problems(self, token: str, after: str) -> list[tuple[str, str]]:
        number = token.replace(",", "")
        if after == "s" and (number in self.decades or number in self.numbers):
            return []
        if number in self.numbers or number.rstrip(".") in self.numbers:
            return []
        return [(f"number not in the record: {token}", token)]

    def _hashtag_problems(self, tag: str) -> list[tuple[str, str]]:
        body = tag[1:]
        if normalize_title(body).replace(" ", "") in self.tag_words:
            return []
        if any(self._number_problems(n.group(), body[n.end():][:1]) for n in re.finditer(r"\d+", body)):
            return [(f"number not in the record: {tag}", tag)]
        letters = re.sub(r"\d+s?", " ", body)
        words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", letters)
        lowered = re.sub(r"[^a-z]", "", letters.lower())
        if not lowered or lowered in self.tag_words or all(self.known(w) for w in words if len(w) > 1):
            return []
        if _segments_into(lowered, self):
            return []
        return [(f"hashtag not supported by the record: {tag}", tag)]


def _norm_phrase(text: str) -> str:
    return " ".join(_norm(w) for w in re.findall(r"[^\W\d_][\w'’\-]*|\d+", text))


def _numbers_in(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,.]*\d|\d", text)}


def _segments_into(word: str, grounding: Grounding) -> bool:
    """Whether ``word`` ("sharkattack") splits into known words of 2+ letters (or record tags)."""
    ok = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        ok[end] = any(ok[start] and (grounding.known(word[start:end]) or word[start:end] in grounding.tag_words)
                      for start in range(max(0, end - 20), end - 1))
    return ok[-1]


# -- spoilers -------------------------------------------------------------------------------------------------
class SpoilerGuard:
    """Distinctive words, names and word pairs that only the last third of the plot contains."""

    def __init__(self, facts: Facts):
        t = facts.title
        ranks = common_word_ranks()
        safe = {stem(w) for w in words_of(" ".join([facts.opening, t.title, *t.genres, *t.cast, *t.directors,
                                                     *t.writers, *t.countries]))}
        # Template and marketing words are generic: "shot" or "minutes" in an ending gives nothing away.
        safe |= {stem(w) for w in MARKETING_WORDS | template_words()}
        self.terms: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        opening_pairs = set(_pairs(facts.opening))
        for w in words_of(facts.ending):
            # Contractions ("didn't") are never distinctive; letters only.
            if len(w) >= 4 and w.isalpha() and w not in STOPWORDS and stem(w) not in safe \
                    and ranks.get(w, 10**6) >= GENERIC_RANK:
                self.terms.add(stem(w))
        for a, b in _pairs(facts.ending):
            if (a, b) in opening_pairs or (a in safe and b in safe):
                continue
            if max(ranks.get(a, 10**6), ranks.get(b, 10**6)) >= BIGRAM_GENERIC_RANK:
                self.pairs.add((a, b))

    @property
    def active(self) -> bool:
        return bool(self.terms or self.pairs)

    def problems(self, text: str) -> list[str]:
        lowered = " ".join(words_of(text))
        found = [f"spoiler cue: {cue!r}" for cue in SPOILER_CUES if re.search(rf"\b{re.escape(cue)}\b", lowered)]
        found += [f"from the end of the plot: {w!r}" for w in words_of(text) if stem(w) in self.terms]
        found += [f"from the end of the plot: '{a} {b}'" for a, b in _pairs(text) if (a, b) in self.pairs]
        return list(dict.fromkeys(found))


def _pairs(text: str) -> list[tuple[str, str]]:
    """Adjacent content-word pairs within a clause, as stems."""
    pairs = []
    for clause in re.split(r"[.!?,;:()\n—–\"“”]", text):
        words = words_of(clause)
        for a, b in zip(words, words[1:], strict=False):
            if a not in STOPWORDS and b not in STOPWORDS and len(a) >= 3 and len(b) >= 3:
                pairs.append((stem(a), stem(b)))
    return pairs


# -- brand safety ---------------------------------------------------------------------------------------------
class BrandSafety:
    """The curated list (profanity, slurs, violence-glorifying terms, competitors) and, for key art, real people."""
    def __init__(self, facts: Facts):
        t = facts.title
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        for category, terms in brand_safety_terms().items():
            for term in terms:
                body = re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else "")
                self.patterns.append((category, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
        people = sorted({p for p in (*t.cast, *t.directors, *t.writers) if p}, key=len, reverse=True)
        self.people = [re.compile(rf"(?<!\w){re.escape(p)}(?!\w)", re.IGNORECASE) for p in people]
        # The record's own names are what they are: "The Texas Chain Saw Massacre", "W. S. Van Dyke".
        own = [t.title, *people, facts.hashtag(t.title), facts.hashtag(facts.short)]
        self.own_names = [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE) for n in own if n]

    def problems(self, text: str, fmt: str = "") -> list[str]:
        unnamed = text
        for name in self.own_names:
            unnamed = name.sub(" ", unnamed)
        found = [f"{category}: {_mask(m.group(), category)}" for category, pattern in self.patterns
                 for m in [pattern.search(unnamed)] if m]
        if fmt == "key_art_prompt":
            found += [f"names a real person (likeness rights): {m.group()}" for p in self.people
                      for m in [p.search(text)] if m]
        return found


def _mask(term: str, category: str) -> str:
    """Profanity and slurs are named by their first and last letter: reports get forwarded."""
    if category not in ("profanity", "slur") or len(term) <= 2:
        return term
    return term[0] + "*" * (len(term) - 2) + term[-1]


# -- all checks -----------------------------------------------------------------------------------------------
class DraftChecker:
    """Runs every check on a draft of one format for one title.

    ``enforce_meaning=False`` still reports the meaning checks but does not hold a draft to them (today's
    pipeline, which the benchmark measures as its baseline).
    """

    def __init__(self, facts: Facts, enforce_meaning: bool = True, not_for_children: bool = False):
        self.facts = facts
        self.grounding = Grounding(facts)
        self.spoilers = SpoilerGuard(facts)
        self.safety = BrandSafety(facts)
        self.lead = lead_genre(facts.title, facts.opening)
        self.elements = plot_elements(facts)
        self.meaning = MeaningChecker(facts, self.lead, self.elements, not_for_children)
        self.enforced = CHECKS if enforce_meaning else BASE_CHECKS

    def check(self, fmt: str, text: str) -> dict[str, list[str]]:
        words = spoken_text(fmt, text)
        return {
            "length": length_problems(fmt, text),
            "grounding": self.grounding.problems(words),
            "spoilers": self.spoilers.problems(words),
            "brand_safety": self.safety.problems(words, fmt),
            **self.meaning.check(fmt, text),
        }

    def passes(self, fmt: str, text: str, names: tuple[str, ...] | None = None) -> bool:
        """Whether ``text`` passes the enforced checks (or the ``names`` given)."""
        problems = self.check(fmt, text)
        return not any(problems[name] for name in (names or self.enforced))
