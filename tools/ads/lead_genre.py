"""The genre a marketer would lead with: the most specific and salient of a title's listed genres.

Catalog genre lists come in database order (the default catalog lists "Science Fiction" first for *Jaws*), so
the first one says nothing. The lead is the listed genre with the best score, where the score is a fixed
specificity prior (a horror film sold as "a drama" is mis-sold; "drama" is what every other film is too) plus
evidence from the plot's opening (genre keywords: "shark", "haunted", "starship"). With no plot the prior alone
decides: that is a guess, and ``LeadGenre.reason`` says so. Tone/theme facets on the title (added by the search
work) are read when present and count as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.titles import Title

# Most specific first. Broad genres (drama, adventure, family) describe half the catalog and sell nothing.
SPECIFICITY = ("Horror", "Western", "War", "Musical", "Science Fiction", "Fantasy", "Sport", "Documentary",
               "Animation", "Biography", "Thriller", "Mystery", "Crime", "Comedy", "Romance", "Action", "History",
               "Music", "Adventure", "Family", "Drama")
# How a genre is named in copy, and the other words that name the same genre (all count as "this genre").
COPY_NAMES = {"Science Fiction": "science fiction", "Animation": "animated film", "Biography": "biopic",
              "Sport": "sports drama", "History": "historical drama", "Music": "music film", "Family": "family film",
              "War": "war film", "Musical": "musical", "Western": "western", "Documentary": "documentary"}
GENRE_WORDS: dict[str, tuple[str, ...]] = {
    "Horror": ("horror", "scary movie", "creature feature", "fright"),
    "Thriller": ("thriller", "suspense", "suspenseful"),
    "Science Fiction": ("science fiction", "sci-fi", "scifi", "space opera"),
    "Fantasy": ("fantasy",), "Western": ("western",), "War": ("war film", "war movie", "war story", "war drama"),
    "Musical": ("musical",), "Comedy": ("comedy", "comedies", "comic", "rom-com", "romcom", "funny"),
    "Romance": ("romance", "romantic", "love story", "rom-com", "romcom"), "Crime": ("crime", "noir", "heist"),
    "Mystery": ("mystery", "whodunit"), "Action": ("action",), "Adventure": ("adventure",),
    "Documentary": ("documentary", "doc"), "Biography": ("biopic", "true story", "biography"),
    "Animation": ("animated", "animation", "cartoon"), "Family": ("family film", "family movie"),
    "Sport": ("sports drama", "sports movie", "sport"), "History": ("historical", "period drama", "history"),
    "Drama": ("drama",), "Music": ("music film", "concert film"),
}
# Plot words that point at a genre: hand-written marketing knowledge, matched on whole words of the opening.
PLOT_CUES: dict[str, tuple[str, ...]] = {
    "Horror": ("shark", "ghost", "demon", "haunted", "haunts", "monster", "vampire", "zombie", "zombies",
               "possessed", "slasher", "curse", "cursed", "creature", "werewolf", "witch", "devours", "terrorises",
               "terrorizes", "evil", "killer"),
    "Thriller": ("shark", "attacks", "hunt", "stalker", "stalks", "assassin", "conspiracy", "kidnapped", "hostage",
                 "escape", "danger", "threat", "killer", "murder", "spy", "terrorist", "blackmail", "fugitive"),
    "Science Fiction": ("space", "planet", "alien", "aliens", "robot", "robots", "future", "spaceship", "galaxy",
                        "android", "starship", "mutant", "mutants", "cyborg", "laboratory", "clone", "asteroid",
                        "dystopian", "time travel", "experiment", "superhuman", "spacecraft", "jedi"),
    "Fantasy": ("magic", "magical", "wizard", "wizards", "dragon", "kingdom", "spell", "sorcerer", "elf", "elves",
                "prophecy", "fairy", "enchanted", "wand", "hogwarts", "ring", "orcs"),
    "Western": ("sheriff", "outlaw", "outlaws", "ranch", "cowboy", "frontier", "gunfighter", "cattle", "saloon",
                "bounty"),
    "War": ("soldier", "soldiers", "army", "battle", "troops", "regiment", "nazi", "nazis", "invasion", "platoon",
            "wartime", "front", "battalion", "tank"),
    "Crime": ("police", "detective", "gang", "mob", "heist", "robbery", "drug", "drugs", "cop", "fbi", "mafia",
              "gangster", "prison", "dealer", "criminal", "murder"),
    "Mystery": ("detective", "investigate", "investigates", "clue", "disappearance", "mysterious", "missing"),
    "Romance": ("love", "falls", "marry", "wedding", "romance", "relationship", "affair", "girlfriend",
                "boyfriend", "fiancée", "fiancé"),
    "Comedy": ("hapless", "comic", "prank", "bumbling", "misadventures", "wacky", "eccentric"),
    "Action": ("fight", "chase", "mission", "explosion", "agent", "commando", "martial", "mercenary", "rescue"),
    "Adventure": ("expedition", "journey", "treasure", "island", "voyage", "quest", "jungle", "pirates", "sail"),
    "Sport": ("team", "coach", "championship", "boxer", "boxing", "match", "tournament", "race", "fighter",
              "league", "olympic"),
    "Musical": ("singer", "song", "songs", "band", "dance", "dancer", "performer", "broadway", "stage"),
    "Biography": ("life", "true", "real-life", "biography", "career"),
    "Documentary": ("documentary", "footage", "interviews"),
    "Family": ("children", "kids", "boy", "girl", "puppy", "dog"),
}
# A kid-rated film listed as both horror and thriller is sold as a thriller (a guess, said in the reason).
KID_RATINGS = frozenset({"G", "PG", "TV-Y", "TV-Y7", "TV-G", "TV-PG", "U"})
PLOT_WEIGHT = 0.35
MAX_PLOT_HITS = 4
MAX_LEADS = 2


@dataclass(frozen=True)
class LeadGenre:
    """The lead genre ("Thriller"), the genres a draft may name (lead first), and how they were chosen."""

    genre: str
    leads: tuple[str, ...]
    reason: str
    guessed: bool
    animated: bool = False

    @property
    def word(self) -> str:
        """How copy names the lead genre ("thriller", "science fiction"); "film" when there is none."""
        if not self.genre:
            return "film"
        return f"animated {copy_name(self.genre)}" if self.animated else copy_name(self.genre)

    def allowed_words(self) -> set[str]:
        """Every genre word a draft of this title may use."""
        words = {w for g in self.leads for w in GENRE_WORDS.get(g, ())} | {copy_name(g) for g in self.leads}
        return words | ({"drama"} if "Drama" in self.leads or self.genre in ("Sport", "History") else set())


def copy_name(genre: str) -> str:
    return COPY_NAMES.get(genre, genre.lower())


def plot_hits(genre: str, text: str) -> int:
    words = set(re.findall(r"[a-zé'-]+", text.lower()))
    lowered = text.lower()
    return sum((cue in lowered) if " " in cue else (cue in words) for cue in PLOT_CUES.get(genre, ()))


def lead_genre(title: Title, plot_opening: str = "") -> LeadGenre:
    """The lead genre of ``title``; ``plot_opening`` is the spoiler-safe part of its plot ("" for none)."""
    listed = [g for g in dict.fromkeys(title.genres) if g]
    if not listed:
        return LeadGenre("", (), "the record lists no genre", True)
    facets = " ".join(str(x) for x in (getattr(title, "tones", None) or ()) + tuple(getattr(title, "themes", None)
                                                                                    or ()))
    evidence = " ".join(filter(None, [plot_opening, facets]))
    scores = {g: _prior(g) + PLOT_WEIGHT * min(MAX_PLOT_HITS, plot_hits(g, evidence)) for g in listed}
    # Animation is a technique, not a genre: "an animated comedy" leads with the comedy.
    contenders = [g for g in listed if g != "Animation"] or listed
    ranked = sorted(contenders, key=lambda g: (-scores[g], listed.index(g)))
    supported = bool(evidence) and any(plot_hits(g, evidence) for g in listed)
    reason = ("plot keywords and genre specificity" if supported else
              "the most specific listed genre (nothing in the plot confirms it: a guess)" if evidence else
              "the most specific listed genre (no plot to confirm it: a guess)")
    if _kid_horror(title, ranked):
        ranked.remove("Thriller")
        ranked.insert(0, "Thriller")
        reason += f"; rated {title.maturity_rating}, so sold as a thriller rather than horror (a guess)"
    if evidence and ranked[0] != listed[0] and not plot_hits(listed[0], evidence):
        reason += f"; {listed[0].lower()} is listed first but nothing in the plot supports it"
    leads = tuple(ranked[:MAX_LEADS])
    if evidence:  # every listed genre the plot itself supports may be named too
        leads += tuple(g for g in ranked[MAX_LEADS:] if plot_hits(g, evidence) >= 2)
    animated = "Animation" in listed and ranked[0] != "Animation"
    leads += ("Animation",) if animated else ()
    return LeadGenre(ranked[0], leads, reason, not supported, animated)


def _prior(genre: str) -> float:
    rank = SPECIFICITY.index(genre) if genre in SPECIFICITY else len(SPECIFICITY) - 2
    return 1.0 - rank / len(SPECIFICITY)


def _kid_horror(title: Title, ranked: list[str]) -> bool:
    return (ranked[0] == "Horror" and "Thriller" in ranked
            and title.maturity_rating.upper().replace(" ", "") in KID_RATINGS)
