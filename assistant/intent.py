"""A fast intent check: which tool (if any) a message calls for, from the shipped sentence-embedding model.

A 0.5B chat model picks the wrong tool, or none, often enough to hurt. Embedding the message and comparing it
with labelled example messages takes a few milliseconds and is steadier; when it is confident, the agent
forces that tool and lets the model fill in the arguments. Also here: the viewer's stated likes, dislikes and
titles seen, read from a message with a few patterns.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from knowledge.embeddings import Embedder

NO_TOOL = "none"

EXEMPLARS: dict[str, tuple[str, ...]] = {
    "search_catalog": (
        "show me some 70s kung fu movies", "find a feel-good comedy", "any good westerns?",
        "I want to watch a space adventure tonight", "Japanese animated films",
        "documentaries about music", "crime movies starring Al Pacino", "what thrillers do you have from 2010",
        "films directed by Spike Lee", "something scary but not too gory", "short movies under 90 minutes",
        "romantic dramas set in Paris", "critically acclaimed war films", "a mind-bending movie about dreams",
        "a clever caper movie", "Korean thrillers", "older ones please", "not this one, a different one",
        "anything more recent?", "any series about detectives?", "family movies for a rainy afternoon",
        "busca películas de terror de los 90", "films français des années 60", "movies set in New York",
        "a slow-burn mystery with a twist", "musicals from the golden age of Hollywood",
    ),
    "recommend_titles": (
        "I really enjoyed The Matrix, what else would I like?",
        "Rocky and Titanic are my all-time favourites, more please",
        "my favourite films are Chocolat and Cinema Paradiso, recommend something", "based on Die Hard, what next?",
        "I liked Inception but hated Tenet, recommendations?", "films that feel like Casino",
        "Finding Nemo was great, what else for me?", "anything in the vein of Scarface?",
        "Dune and Arrival are the best, give me more like them", "since I enjoyed Casablanca, any suggestions?",
        "Me encantó Titanic, ¿qué me recomiendas?", "more like Gladiator please",
    ),
    "generate_storyboard": (
        "storyboard a motorbike pursuit through a market", "draw the shots for a sunrise over a mountain village",
        "I need a shot list for a wedding scene", "sketch frames for a fight on a train roof",
        "make a storyboard of a family dinner argument", "visualise a scene: a diver finds a sunken ship",
        "work out the camera angles for a courtroom verdict scene", "create 4 panels for a horror cold open",
        "can you board out the finale in a lighthouse", "storyboard this scene in widescreen 2.39:1",
    ),
    "draft_ads": (
        "write a tagline for Titanic", "draft social media posts promoting Casablanca",
        "ad copy for our new thriller aimed at teens", "give me three slogans for Frozen",
        "write a trailer voice-over line for Predator", "create a marketing campaign blurb for Collateral",
        "promote Casablanca to young audiences in a playful tone", "a TikTok caption for Rocky",
        "write a billboard headline for Vertigo", "catchy ad text for our documentary launch",
    ),
    "get_title_details": (
        "who was the director of Raging Bull", "release date of Jurassic Park", "Titanic running time?",
        "info on Carrie please", "who is in the cast of Pulp Fiction", "Vertigo plot summary",
        "which year is Rocky from", "is Casablanca in black and white? tell me about it",
        "what's the runtime of Ben-Hur", "Rear Window facts",
        "what rating does Fargo have", "plot of Notorious",
    ),
    NO_TOOL: (
        "hey there", "hi!", "thanks a lot", "good morning", "how are you today?", "are you a bot?",
        "what can you do?", "bye", "you're great", "alright", "tell me a joke", "what's the weather like?",
        "help", "merci beaucoup", "hola, ¿qué tal?", "what is 2+2", "nice, thank you!",
    ),
}

# Phrasings that point to one tool whatever the titles or topics in the message; the embedding decides the rest.
CUES: dict[str, re.Pattern[str]] = {
    "generate_storyboard": re.compile(
        r"\bstory ?boards?|\bshot[- ]?(?:list|by[- ]shot)|\bcamera shots?\b|\bpanels?\b|\bframes\b|"
        r"\bvisuali[sz]e (?:this|the|a|my) scene|\b(?:break|board) (?:down|out)\b", re.I),
    "draft_ads": re.compile(
        r"\bads?\b|\badvert\w*|\bcopy\b|\btag ?lines?\b|\bslogans?\b|\bpromo\w*|\bmarketing\b|"
        r"\bcampaign\b|\bsocial[- ]media\b|\b(?:tweets?|captions?|blurbs?|headlines?)\b|\banuncio\w*|"
        r"\bpublicit\w+|\bwerbung\b|\b(?:radio|tv|television) spots?\b", re.I),
    "get_title_details": re.compile(
        r"^\W*(?:who (?:directed|made|wrote|stars|starred|plays|is in|was in)|when (?:did|was)|what year|"
        r"how (?:long|old)|what(?:'s| is) .{1,60} (?:about|rated)|what(?:'s| is) the (?:rating|runtime|plot) of|"
        r"tell me (?:more )?about|"
        r"(?:give me )?(?:the )?details? (?:on|of|about|for)|(?:plot|cast|runtime|synopsis|summary) of|"
        r"summari[sz]e|is .{1,60} an? (?:movie|film|series|show)|qui[eé]n|cu[aá]ndo|qui a|de quoi|wer hat)",
        re.I),
    # A half-remembered story is a search, however much it sounds like asking about one title.
    "search_catalog": re.compile(
        r"^\W*(?:that|the|a|an|(?:what|which)(?:'s| is| was)? (?:the|that)) (?:movie|film|one|flick) "
        r"(?:where|in which|when|with the|about (?:a|an|the|two|some))\b|"
        r"\b(?:can'?t|cannot|don'?t) (?:remember|recall) (?:the |its )?(?:name|title)|"
        r"\bi(?:'m| am) (?:looking for|trying to (?:find|remember)) (?:a|the|that|this) (?:movie|film)\b", re.I),
    "recommend_titles": re.compile(
        r"\bi(?:'m| am)? (?:really |totally |just )?(?:loved?|liked?|enjoyed|adored?|into)\b|\bfan of\b|"
        r"\bfavou?rite (?:movies?|films?|shows?) (?:are|is)\b|\bsimilar\b|\bif i liked\b|"
        r"\bwho (?:liked|loved|enjoyed)\b|\bmore like\b|\bbased on my\b|\bsomething like [A-Z]|"
        r"\bj'ai ador|\bme encant|^\W*loved\b", re.I),
}
CUE_WEIGHT = 0.5


@dataclass(frozen=True)
class Intent:
    """The tool a message calls for (``NO_TOOL`` for small talk), how sure the check is, and all scores."""

    tool: str
    score: float
    margin: float
    confident: bool
    scores: dict[str, float]

    @property
    def wants_tool(self) -> bool:
        return self.tool != NO_TOOL

    def likeliest_tools(self, n: int = 2) -> list[str]:
        """The ``n`` tools with the highest scores (never ``NO_TOOL``)."""
        return [t for t in sorted(self.scores, key=self.scores.get, reverse=True) if t != NO_TOOL][:n]


class IntentClassifier:
    """Softmax regression over sentence embeddings of labelled examples, plus phrase cues.

    Trained in about a second on first use (a hundred examples); classifying is one embedding and a
    matrix product. ``confident`` when the best score is high and clearly ahead of the runner-up: the default
    thresholds keep leave-one-out precision on the examples at about 97% while covering most of them.
    """

    def __init__(self, embedder: Embedder, exemplars: dict[str, tuple[str, ...]] | None = None,
                 min_score: float = 0.4, min_margin: float = 0.15):
        self.embedder, self.exemplars = embedder, exemplars or EXEMPLARS
        self.labels = list(self.exemplars)
        self.min_score, self.min_margin = min_score, min_margin
        self._weights: tuple[np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    def _model(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._weights is None:
                texts = [t for examples in self.exemplars.values() for t in examples]
                y = np.array([self.labels.index(label) for label, ex in self.exemplars.items() for _ in ex])
                self._weights = fit_softmax(self.embedder.embed_documents(texts), y, len(self.labels))
        return self._weights

    def classify(self, message: str) -> Intent:
        weights, bias = self._model()
        probs = softmax(self.embedder.embed_query(message[:1000]) @ weights + bias)
        scores = {label: float(p) for label, p in zip(self.labels, probs, strict=True)}
        for label, cue in CUES.items():
            if label in scores and cue.search(message):
                scores[label] += CUE_WEIGHT
        total = sum(scores.values())
        scores = {label: score / total for label, score in scores.items()}
        best, runner_up = sorted(scores, key=scores.get, reverse=True)[:2]
        margin = scores[best] - scores[runner_up]
        confident = scores[best] >= self.min_score and margin >= self.min_margin
        return Intent(best, scores[best], margin, confident, scores)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def fit_softmax(x: np.ndarray, y: np.ndarray, classes: int, l2: float = 1e-3, epochs: int = 400,
                rate: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by plain gradient descent (small data: no solver needed)."""
    weights, bias = np.zeros((x.shape[1], classes)), np.zeros(classes)
    onehot = np.eye(classes)[y]
    for _ in range(epochs):
        grad = (softmax(x @ weights + bias) - onehot) / len(x)
        weights -= rate * (x.T @ grad + l2 * weights)
        bias -= rate * grad.sum(axis=0)
    return weights, bias


# -- the viewer's stated tastes -----------------------------------------------------------------------------
_LIST_END = r"(?=[.!?;]|\s+(?:but|so|what|can|could|any|recommend|suggest|and\s+i)\b|$)"
_LIKES = re.compile(r"\bi(?:'m|\s+am)?\s+(?:really\s+|totally\s+)?(?:loved?|liked?|enjoyed|adored?|"
                    r"a (?:big |huge )?fan of)\s+"
                    rf"(?P<items>.+?){_LIST_END}", re.I)
_DISLIKES = re.compile(r"\bi\s+(?:really\s+)?(?:hated?|disliked?|can't stand|cannot stand|don't like|do not like)"
                       rf"\s+(?P<items>.+?){_LIST_END}", re.I)
_SEEN = re.compile(r"\bi(?:'ve| have)\s+(?:already\s+)?(?:seen|watched)\s+(?P<items>.+?)"
                   rf"(?:\s+already)?{_LIST_END}", re.I)
_SPLIT = re.compile(r"\s*(?:,|\band\b|\bor\b|&)\s*", re.I)
_NOT_A_NAME = {"it", "that", "this", "them", "those", "these", "one", "movies", "films", "everything", "all"}


@dataclass(frozen=True)
class Preferences:
    likes: tuple[str, ...] = ()
    dislikes: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()


def extract_preferences(message: str) -> Preferences:
    """Likes, dislikes and titles seen stated in ``message`` ("I loved Alien and Heat but hated musicals")."""
    text = message[:2000]
    return Preferences(_items(_LIKES, text), _items(_DISLIKES, text), _items(_SEEN, text))


def _items(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    out: list[str] = []
    for match in pattern.finditer(text):
        for item in _SPLIT.split(match["items"]):
            item = item.strip(" \"'“”*").removeprefix("the movie ").removeprefix("the film ")
            if item and item.lower() not in _NOT_A_NAME and len(item) <= 80:
                out.append(item)
    return tuple(dict.fromkeys(out))
