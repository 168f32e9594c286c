"""Tone and theme facets: what a film feels like ("dark", "feel-good") and what it is about ("heist").

Nothing in the default catalog states tone, so every title gets a probability per facet at ingest. The evidence:

* zero-shot similarity of the title's embedding to a written descriptor of the facet (the shipped MiniLM),
  which means something when the title carries a real plot summary and mostly echoes title words when its
  text is only metadata ("Alone in the Dark" is not a dark film for saying so);
* genre rules (a thriller leans tense, a family film leans light), the genres themselves, the source's genre
  tags ("psychological thriller", "heist") and the facet's words in the plot text;
* the catalog's own ``moods``/``themes`` columns, which win outright where a bring-your-own catalog gives them.

``facet_calibration`` weighs that evidence per facet on titles labelled from film knowledge, so a score is
P(title has facet), and "has" means P reaches the facet's threshold. A labelled title keeps its label (1 or 0):
the labels are knowledge the catalog lacks, not only training data. It is a guess from weak signals and the
search treats it as one: facets rank and are shown as "dark (estimated)", they never filter by themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.titles import Title
from tools.search.facet_calibration import (
    FacetQuality,
    FacetSignals,
    Labels,
    PeopleLinks,
    calibrate,
    metadata_matrix,
    plot_mentions,
)

# A known facet (labelled, or given by the catalog) scores exactly KNOWN; an estimate stays below it, so the
# search can say which is which ("dark" vs "dark (estimated)").
KNOWN, MAX_ESTIMATE = 1.0, 0.99

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
    "noir": ("a shadowy film noir: a doomed detective, a femme fatale, crime and betrayal in the city at night",
             ("Crime", "Mystery", "Thriller"), ("Family", "Animation", "Musical"),
             ("film noir", "neo-noir", "future noir")),
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
    "christmas": ("a Christmas holiday story of Santa, snow, family reunions and presents under the tree",
                  ("Family", "Comedy"), (), ("christmas movie",)),
    "conspiracy": ("a paranoid thriller about a government conspiracy, surveillance and a cover-up",
                   ("Thriller", "Mystery"), (), ("political thriller", "conspiracy")),
    "dystopia": ("a bleak dystopian future under a totalitarian regime or after the collapse of society",
                 ("Science Fiction",), (), ("dystopia", "apocalyptic and post-apocalyptic fiction")),
    "teacher": ("a dedicated teacher changes the lives of the students in a school classroom", ("Drama",), (),
                ("school",)),
}

FACETS = (*TONES, *THEMES)


def facet_table() -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    return {**TONES, **THEMES}


@dataclass
class FacetScores:
    """Per-title facet probabilities (rows follow the catalog's titles), the facets each title has, and how the
    calibration did on labels it did not see."""

    names: tuple[str, ...]
    scores: np.ndarray  # (n_titles, n_facets), calibrated P(title has facet)
    has: list[list[str]]
    quality: tuple[FacetQuality, ...] = ()

    def column(self, facet: str) -> np.ndarray:
        return self.scores[:, self.names.index(facet)]


def score_facets(titles: Sequence[Title], embeddings: np.ndarray, descriptor_vectors: np.ndarray) -> FacetScores:
    """P(has facet) for every title, calibrated on the labelled titles; a catalog's own moods/themes win."""
    n = len(titles)
    if n == 0:
        return FacetScores(FACETS, np.zeros((0, len(FACETS)), dtype=np.float32), [])
    table, labels = facet_table(), Labels.load(tuple(THEMES))
    sims = embeddings @ descriptor_vectors.T
    sims = (sims - sims.mean(axis=0)) / (sims.std(axis=0) + 1e-6)
    has_plot = np.array([t.has_plot for t in titles])
    plots = [t.description if plot else "" for t, plot in zip(titles, has_plot, strict=True)]
    metadata, row_of = metadata_matrix(titles), {t.id: i for i, t in enumerate(titles)}
    people = PeopleLinks(titles)
    scores, quality = np.zeros((n, len(FACETS)), dtype=np.float32), []
    for j, name in enumerate(FACETS):
        _desc, toward, away, tags = table[name]
        signals = FacetSignals(sims[:, j], has_plot, _genre_rule(titles, toward, away),
                               np.array([any(k in tags for k in t.keywords) for t in titles]),
                               plot_mentions(plots, facet_words(name)), metadata, people)
        estimate, q = calibrate(name, signals, row_of, labels)
        scores[:, j] = np.minimum(estimate, MAX_ESTIMATE)
        quality.append(q)
        _set_known(scores[:, j], name, titles, labels, row_of)
    cut = np.array([q.threshold for q in quality], dtype=np.float32)
    has = [[name for j, name in enumerate(FACETS) if scores[i, j] >= cut[j]] for i in range(n)]
    return FacetScores(FACETS, scores, has, tuple(quality))


def _set_known(column: np.ndarray, facet: str, titles: Sequence[Title], labels: Labels,
               row_of: dict[str, int]) -> None:
    """What is known wins over the estimate: a catalog's own moods/themes and the labelled titles (an engineer
    wrote that *Dead Poets Society* is about a teacher; the estimate from its genres cannot know it)."""
    column[[row_of[i] for i in labels.stated_negatives.get(facet, ()) if i in row_of]] = 0.0
    column[[row_of[i] for i in labels.positives.get(facet, ()) if i in row_of]] = KNOWN
    column[[facet in t.moods or facet in t.themes for t in titles]] = KNOWN


def _genre_rule(titles: Sequence[Title], toward: tuple[str, ...], away: tuple[str, ...]) -> np.ndarray:
    return np.array([bool(set(t.genres) & set(toward)) - bool(set(t.genres) & set(away)) for t in titles],
                    dtype=np.float32)


def facet_words(facet: str) -> list[str]:
    """The words viewers (and plot summaries) use for a facet: its name and what the query words map to it."""
    words = {facet, *(w for w, f in (*TONE_WORDS.items(), *THEME_WORDS.items()) if f == facet)}
    return sorted(w for w in words if len(w) > 1)


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
    "zombies": "zombies", "vampire": "vampires", "vampires": "vampires", "christmas": "christmas",
    "xmas": "christmas", "conspiracy": "conspiracy", "conspiracies": "conspiracy", "cover up": "conspiracy",
    "dystopian": "dystopia", "dystopia": "dystopia", "dystopias": "dystopia", "totalitarian": "dystopia",
    "teacher": "teacher", "teachers": "teacher", "schoolteacher": "teacher",
    # "noir" is a tone, but also a genre word the parser reads as Crime: as a theme word it is not consumed.
    "noir": "noir", "neo noir": "noir", "film noir": "noir",
}
