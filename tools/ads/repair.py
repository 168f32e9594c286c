"""Mending a draft that failed a check: trim to the limit at a word boundary, drop unsupported names.

Only repairs that keep the draft's meaning are tried. A spoiler or a brand-safety hit is never patched (a
half-removed spoiler still spoils); the caller replaces such a draft with a template draft instead.
"""

from __future__ import annotations

import re

from tools.ads.checks import DraftChecker, length_problems, spoken_text
from tools.ads.formats import LIMITS, SPOTS
from tools.search.parsing import STOPWORDS

# Words a trimmed draft must not end on ("... on a shark hunt with the").
DANGLING = STOPWORDS | {"with", "and", "or", "but", "of", "to", "from", "by", "starring", "featuring", "as", "at",
                        "into", "their", "his", "her", "its", "your", "our", "this", "that", "who", "which", "while"}
# A repair that keeps less of the draft than this has changed what it says: use a template instead.
MIN_KEPT_SHARE = 0.6
SINGLE_LINE = ("tagline", "logline", "video_hook", "search_headlines", "search_descriptions", "key_art_prompt")


def trim_to_limit(fmt: str, text: str) -> str:
    """``text`` cut at a word boundary to the format's word and character limits, without a dangling end."""
    limit = LIMITS[fmt]
    if fmt in SINGLE_LINE:
        text = " ".join(text.split())
    words = text.split(" ")
    if limit.max_words is not None:
        words = _first_words(words, limit.max_words)
    out = " ".join(words)
    if limit.max_chars is not None and len(out) > limit.max_chars:
        cut = out[: limit.max_chars + 1]
        out = cut[: cut.rfind(" ")] if " " in cut else cut[: limit.max_chars]
    return tidy_end(out)


def _first_words(words: list[str], count: int) -> list[str]:
    kept, seen = [], 0
    for word in words:
        seen += bool(word.strip())
        if seen > count:
            break
        kept.append(word)
    return kept


def tidy_end(text: str) -> str:
    """Drop trailing connectors and stray punctuation ("A shark hunt with the," -> "A shark hunt"); a final
    full stop, question or exclamation mark is kept ("... drama film from the." -> "... drama film.")."""
    body = text.rstrip()
    stop = body[-1] if body and body[-1] in ".!?" and not body.endswith("...") else ""
    body = body[: len(body) - len(stop)].rstrip(" ,;:-–—(\"“'")
    words = body.split(" ")
    while len(words) > 1 and words[-1].lower() in DANGLING:
        words.pop()
        body = " ".join(words).rstrip(" ,;:-–—(\"“'")
        words = body.split(" ")
    return body + stop if body else ""


def drop_spans(text: str, spans: list[str]) -> str:
    """``text`` without ``spans`` (unsupported names, links, hashtags), with the punctuation around them tidied."""
    for span in sorted(set(spans), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(span)}(?:['’]s)?(?!\w)", "", text)
    text = re.sub(r"\b(starring|featuring|with|by|from|and|in|at)\s*(?=[,.;:!?)]|$)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=\s*[,.;:!?])", "", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    lines = [line.strip().lstrip(",;: ") for line in text.split("\n")]
    lines = [line[:1].upper() + line[1:] for line in lines]  # "Tom Hanks faces..." -> "Faces...", not "faces..."
    return tidy_end("\n".join(lines).strip())


def repair(fmt: str, text: str, problems: dict[str, list[str]], checker: DraftChecker) -> tuple[str, list[str]] | None:
    """A mended draft and what was done to it, or None when it cannot be mended (the caller re-checks it)."""
    if problems["spoilers"] or problems["brand_safety"]:
        return None
    fixes: list[str] = []
    mended = text
    if problems["grounding"]:
        spans = [span for _, span in checker.grounding.findings(spoken_text(fmt, text))]
        mended = drop_spans(mended, spans)
        fixes.append("dropped what the record does not support: " + ", ".join(dict.fromkeys(spans)))
    if fmt in SPOTS:
        return (mended, fixes) if mended != text and not problems["length"] else None
    if fmt == "instagram" and not re.search(r"#\w+", mended):
        mended = mended.rstrip() + "\n\n" + " ".join(_default_tags(checker))
        fixes.append("added hashtags from the record")
    if length_problems(fmt, mended):
        trimmed = trim_to_limit(fmt, mended)
        if trimmed != mended:
            fixes.append(f"trimmed to the {fmt.replace('_', ' ')} limit at a word boundary")
        mended = trimmed
    if len(mended.split()) < MIN_KEPT_SHARE * len(text.split()) or not mended.strip():
        return None
    return mended, fixes


def _default_tags(checker: DraftChecker) -> list[str]:
    facts = checker.facts
    return [tag for tag in (facts.hashtag(facts.short), facts.hashtag(facts.genre).lower()) if tag]
