"""Tone and theme facets: what a film feels like ("dark", "feel-good") and what it is about ("heist").

Nothing in the catalog states tone, so every title gets a score per facet at ingest, from three signals:

* zero-shot similarity of the title's embedding to a written descriptor of the facet (the shipped MiniLM),
  trusted more when the title carries a real plot summary than when its text is only metadata (where the
  similarity mostly reflects title words: "Alone in the Dark" is not a dark film for saying so);
* genre rules (a thriller leans tense, a family film leans light) and the source's genre tags ("psychological
  thriller", "heist");
* the catalog's own ``moods``/``themes`` columns, which win outright where a bring-your-own catalog gives them.

Scores are z-scores over the catalog, so a facet's scale does not depend on its descriptor's wording. A title
*has* a facet (shown in ``why``, filterable) when its score is in the catalog's top share for that facet. This is
a guess from weak signals and the search treats it as one: facets rank, they never filter by themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.titles import Title

# Facet -> (descriptor embedded for zero-shot, genres that lean towards it, genres that lean away, source tags).
TONES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "dark": ("a bleak, disturbing, morally dark story of violence, obsession, corruption and death",
             ("Thriller", "Crime", "Horror", "Film Noir", "Mystery"), ("Comedy", "Family", "Animation", "Musical"),
             ("psychological thriller", "neo-noir", "crime thriller", "film noir", "erotic thriller", "slasher")),
    "psychological": ("a psychological study of a disturbed mind: obsession, paranoia, madness, identity and guilt",
                      ("Thriller", "Mystery", "Drama"), ("Action", "Comedy", "Family", "Animation", "Adventure"),
                      ("psychological thriller", "psychological horror", "erotic thriller")),
    "tense": ("a tense, suspenseful story where danger closes in and every minute counts",
              ("Thriller", "Horror", "Mystery"), ("Comedy", "Family", "Musical", "Romance"),
              ("suspense", "thriller", "crime thriller")),
    "feel-good": ("an uplifting, heartwarming, feel-good story with a happy ending that leaves you smiling",
                  ("Comedy", "Family", "Romance", "Musical", "Animation"), ("Horror", "Thriller", "War", "Crime"),
                  ("comedy", "romantic comedy", "family film")),
    "light": ("a light, breezy and cheerful film, easy fun", ("Comedy", "Family", "Animation", "Musical"),
              ("Horror", "War", "Thriller", "Crime"), ("comedy", "family film")),
    "mind-bending": ("a mind-bending puzzle of a film about dreams, memory, time loops and reality that is not "
                     "what it seems", ("Science Fiction", "Mystery", "Thriller"), ("Family", "Musical", "Romance"),
                     ("psychological thriller", "time travel", "cult", "surrealism")),
    "romantic": ("a romantic love story between two people falling in love", ("Romance",),
                 ("Horror", "War", "Documentary"), ("romance film", "romantic drama", "romantic comedy")),
    "violent": ("a brutal, violent film full of killing, gore and bloodshed", ("Action", "Horror", "Crime", "War"),
                ("Family", "Animation", "Musical", "Romance"), ("slasher", "splatter film", "gangster film")),
    "slow-burn": ("a slow, quiet, patient and contemplative film whose tension builds slowly",
                  ("Drama", "Mystery"), ("Action", "Comedy", "Animation"), ("art film", "world cinema")),
    "family-friendly": ("a gentle film for the whole family and young children", ("Family", "Animation"),
                        ("Horror", "Crime", "War", "Thriller"), ("family film", "children's", "animation")),
    "quirky": ("a quirky, offbeat and eccentric indie comedy with odd characters", ("Comedy",),
               ("War", "Horror", "Action"), ("indie", "black comedy", "comedy-drama", "absurdism")),
    "epic": ("a sweeping epic on a grand scale across years, armies and nations", ("History", "War", "Adventure"),
             ("Horror", "Comedy"), ("epic", "historical epic", "war film")),
    "scary": ("a frightening horror film that terrifies with monsters, ghosts and killers", ("Horror",),
              ("Comedy", "Family", "Romance", "Musical"), ("horror", "supernatural", "slasher")),
    "sad": ("a sad, tragic tearjerker about loss, grief and dying", ("Drama",), ("Comedy", "Action", "Animation"),
            ("tragedy", "melodrama")),
    "inspiring": ("an inspiring true story of courage and triumph against the odds", ("Biography", "Sport"),
                  ("Horror",), ("biographical film", "sports", "biopic [feature]")),
}

THEMES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "time travel": ("characters travel through time to the past or the future", ("Science Fiction",), (),
                    ("time travel",)),
    "heist": ("a crew of thieves plans and pulls off a robbery heist", ("Crime",), (), ("heist", "caper story")),
    "artificial intelligence": ("an artificial intelligence, a robot or android that thinks and feels",
                                ("Science Fiction",), (), ("robot", "artificial intelligence")),
    "survival": ("stranded people fight to survive in the wilderness, at sea or after a disaster",
                 ("Adventure", "Thriller"), (), ("survival", "disaster")),
    "sports underdog": ("an underdog team or athlete trains hard and wins the big game", ("Sport",), (),
                        ("sports",)),
    "terminal illness": ("a character is dying of cancer or a terminal illness", ("Drama",), (), ("medical",)),
    "road trip": ("a road trip across the country by car", ("Comedy", "Drama", "Adventure"), (),
                  ("road movie",)),
    "coming of age": ("a teenager grows up and comes of age", ("Drama", "Comedy"), (), ("coming of age",)),
    "revenge": ("a man takes bloody revenge on those who wronged him", ("Action", "Thriller", "Crime"), (),
                ("revenge",)),
    "serial killer": ("detectives hunt a serial killer who murders victims one by one", ("Crime", "Thriller"), (),
                      ("slasher", "crime thriller")),
    "haunted house": ("a family moves into a haunted house with ghosts", ("Horror",), (),
                      ("supernatural", "haunted house")),
    "prison": ("prisoners in a prison plan an escape", ("Crime", "Drama"), (), ("prison",)),
    "alien invasion": ("aliens from outer space invade the earth", ("Science Fiction",), (),
                       ("alien film", "alien invasion")),
    "spy": ("a secret agent spy on an espionage mission", ("Action", "Thriller"), (), ("spy", "spy film")),
    "courtroom": ("a lawyer fights a case in a courtroom trial", ("Drama", "Crime"), (),
                  ("courtroom drama", "legal drama")),
    "zombies": ("the dead rise as flesh-eating zombies", ("Horror",), (), ("zombie film",)),
    "vampires": ("vampires who drink blood", ("Horror",), (), ("vampire movies",)),
}

# A title "has" a facet when its score is in this top share of the catalog for that facet.
HAS_SHARE = 0.12
# Weight of zero-shot similarity with a real plot, and with metadata-only text (mostly title words).
PLOT_TRUST, METADATA_TRUST = 1.0, 0.1
GENRE_WEIGHT, TAG_WEIGHT, GIVEN_WEIGHT = 0.8, 1.5, 3.0
FACETS = (*TONES, *THEMES)


def facet_table() -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    return {**TONES, **THEMES}


@dataclass
class FacetScores:
    """Per-title facet scores (rows follow the catalog's titles) and the facets each title has."""

    names: tuple[str, ...]
    scores: np.ndarray  # (n_titles, n_facets), z-scored
    has: list[list[str]]

    def column(self, facet: str) -> np.ndarray:
        return self.scores[:, self.names.index(facet)]


def score_facets(titles: Sequence[Title], embeddings: np.ndarray, descriptor_vectors: np.ndarray) -> FacetScores:
    """Facet scores for every title from its embedding, genres, source tags and given moods/themes."""
    table = facet_table()
    n = len(titles)
    if n == 0:
        return FacetScores(FACETS, np.zeros((0, len(FACETS)), dtype=np.float32), [])
    trust = np.array([PLOT_TRUST if t.source.endswith("wikipedia") else METADATA_TRUST for t in titles])
    sims = embeddings @ descriptor_vectors.T  # (n, facets)
    sims = (sims - sims.mean(axis=0)) / (sims.std(axis=0) + 1e-6)
    scores = sims * trust[:, None]
    for j, name in enumerate(FACETS):
        _desc, toward, away, tags = table[name]
        for i, t in enumerate(titles):
            genres = set(t.genres)
            scores[i, j] += GENRE_WEIGHT * (bool(genres & set(toward)) - bool(genres & set(away)))
            if tags and any(k in tags for k in t.keywords):
                scores[i, j] += TAG_WEIGHT
            if name in t.moods or name in t.themes:
                scores[i, j] += GIVEN_WEIGHT
    cut = np.quantile(scores, 1 - HAS_SHARE, axis=0)
    has = [[name for j, name in enumerate(FACETS) if scores[i, j] >= cut[j] or name in titles[i].moods
            or name in titles[i].themes] for i in range(n)]
    return FacetScores(FACETS, scores.astype(np.float32), has)


def descriptors() -> list[str]:
    """The written descriptor of every facet, in ``FACETS`` order (embedded once per ingest)."""
    table = facet_table()
    return [table[name][0] for name in FACETS]


# What viewers say -> facet. Multi-word phrases first; matched only outside story-like queries.
TONE_WORDS: dict[str, str] = {
    "dark": "dark", "bleak": "dark", "grim": "dark", "gritty": "dark", "disturbing": "dark", "noirish": "dark",
    "psychological": "psychological", "tense": "tense", "suspenseful": "tense", "nail biting": "tense",
    "gripping": "tense", "edge of your seat": "tense", "feel good": "feel-good", "feelgood": "feel-good",
    "uplifting": "feel-good", "heartwarming": "feel-good", "wholesome": "feel-good", "cheerful": "light",
    "light": "light", "lighthearted": "light", "light hearted": "light", "breezy": "light", "fun": "light",
    "mind bending": "mind-bending", "mindbending": "mind-bending", "trippy": "mind-bending",
    "cerebral": "mind-bending", "twisty": "mind-bending", "mind blowing": "mind-bending", "violent": "violent",
    "gory": "violent", "brutal": "violent", "bloody": "violent", "slow burn": "slow-burn",
    "slowburn": "slow-burn", "slow burning": "slow-burn", "meditative": "slow-burn", "contemplative": "slow-burn",
    "quirky": "quirky", "offbeat": "quirky", "eccentric": "quirky", "whimsical": "quirky", "epic": "epic",
    "sweeping": "epic", "sad": "sad", "tearjerker": "sad", "tearjerkers": "sad", "heartbreaking": "sad",
    "tragic": "sad", "weepie": "sad", "inspiring": "inspiring", "inspirational": "inspiring",
    "family friendly": "family-friendly",
}
THEME_WORDS: dict[str, str] = {
    "time travel": "time travel", "time traveling": "time travel", "time travelling": "time travel",
    "time machine": "time travel", "heist": "heist", "heists": "heist", "robbery": "heist", "caper": "heist",
    "artificial intelligence": "artificial intelligence", "ai": "artificial intelligence",
    "robots": "artificial intelligence", "robot": "artificial intelligence", "androids": "artificial intelligence",
    "survival": "survival", "survive": "survival", "stranded": "survival", "underdog": "sports underdog",
    "underdogs": "sports underdog", "terminal illness": "terminal illness", "cancer": "terminal illness",
    "road trip": "road trip", "road movie": "road trip", "road movies": "road trip",
    "coming of age": "coming of age", "growing up": "coming of age", "revenge": "revenge",
    "vengeance": "revenge", "serial killer": "serial killer", "serial killers": "serial killer",
    "haunted house": "haunted house", "haunted houses": "haunted house", "prison": "prison",
    "prison escape": "prison", "alien invasion": "alien invasion", "spy": "spy", "spies": "spy",
    "espionage": "spy", "courtroom": "courtroom", "legal drama": "courtroom", "zombie": "zombies",
    "zombies": "zombies", "vampire": "vampires", "vampires": "vampires",
}
