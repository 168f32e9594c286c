"""Query text → tokens: normalised words beside the originals, and which of them a matcher has understood."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 2000
NEGATIONS = {"not", "no", "without", "except", "non", "nothing", "avoid", "excluding", "minus", "isnt", "dont",
             "arent", "wasnt", "doesnt", "dislike", "dislikes", "never", "hate", "hates", "skip", "neither", "nor"}
DOUBLING = {"nothing", "no", "none", "never"}
INNER_NEGATIONS = {"isnt", "arent", "not", "wasnt", "doesnt"}
NEGATION_STOPS = {",", ".", ";", "!", "?", "but", "and", "yet", "though"}
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


@dataclass
class Tokens:
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
            if self.words[j] == "non" and j != i - 1:
                continue  # a prefix: "non-English-language war movie" negates English, not war
            if self.words[j] in NEGATIONS:
                self.consume(j)
                # "nothing that isn't a comedy", "no movies that aren't animated": two negations make a wish
                outer = next((k for k in range(j - 1, max(-1, j - 4), -1) if self.words[k] in DOUBLING), None)
                if outer is not None and self.words[j] in INNER_NEGATIONS:
                    self.consume(outer)
                    return False
                return True
        return False


def tokenize(text: str) -> tuple[list[str], list[str]]:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(\d+)'s\b", r"\1s", text)  # 80's -> 80s
    text = re.sub(r"'(\d\d)s\b", r"\1s", text)  # '80s -> 80s
    text = re.sub(r"(?<![\w'])'(\d\d)\b", _two_digit_year, text)  # "from '94" -> 1994
    text = re.sub(r"(?<=\w)\+", " plus", text)  # "2hrs+", "rated 80+"
    # "1h30", "2h", "1h 30m" -> "1 hours 30 minutes"
    text = re.sub(r"\b(\d)\s?h(?:rs?)?(?:\s?(\d{1,2})\s?(?:m|min|mins)?)?\b", _hours_minutes, text)
    text = re.sub(r"\b([A-Za-z])\.(?=\s+[A-Z])", r"\1", text)  # "Samuel L. Jackson": an initial, not a stop
    raw = re.findall(r"\d+\.\d+|[^\W_]+(?:'[^\W_]+)?|[,.;!?]", text)  # "2.5 hours" stays one number
    # Per token without regex or Unicode folding where the token is plain ASCII: the search explains every hit
    # by tokenizing its whole plot (up to 8,000 characters), and this loop was a third of a description's latency.
    original = [tok[:-2] if tok.endswith("'s") else tok for tok in raw]
    words = [_fold(tok) for tok in original]
    return original, words


def _hours_minutes(match: re.Match) -> str:
    return f"{match.group(1)} hours" + (f" {match.group(2)} minutes" if match.group(2) else "")


def _two_digit_year(match: re.Match) -> str:
    digits = int(match.group(1))
    return str((2000 if digits < 30 else 1900) + digits)


def _fold(token: str) -> str:
    if not token.isascii():
        token = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
    return token.lower().replace("'", "")
