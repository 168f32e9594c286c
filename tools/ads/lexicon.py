"""The words template drafts are made of: tones, genre imagery, audiences. Data only; no names, no numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Tone:
    name: str
    adjectives: tuple[str, ...]
    noun: str
    lines: tuple[str, ...]
    hooks: tuple[str, ...]
    calls: tuple[str, ...]
    palette: str
    mood: str


TONES: dict[str, Tone] = {t.name: t for t in (
    Tone("thrilling", ("pulse-pounding", "edge-of-your-seat", "gripping", "relentless"), "suspense",
         ("Hold your breath.", "Don't look away.", "Nowhere is safe."),
         ("Don't watch this one alone.", "You won't see it coming.", "Ready for a real thrill?"),
         ("Stream it tonight", "Watch if you dare", "Press play tonight"), "deep blue and blood red", "tense"),
    Tone("heartfelt", ("moving", "tender", "unforgettable", "heartfelt"), "heart",
         ("Bring tissues.", "A story to hold on to.", "Some stories stay with you."),
         ("This one will stay with you.", "Call someone you love, then press play.", "Grab a blanket and a friend."),
         ("Watch it together", "Stream it tonight", "Press play tonight"), "warm golden", "hopeful"),
    Tone("funny", ("hilarious", "laugh-out-loud", "irresistibly funny", "witty"), "laughs",
         ("Laugh till it hurts.", "Comedy done right.", "Go on, have a laugh."),
         ("Try not to laugh. We dare you.", "Your night needs this comedy.", "Warning: contagious laughter ahead."),
         ("Stream it tonight", "Press play and laugh", "Watch it now"), "bright saturated", "playful"),
    Tone("prestige", ("masterful", "timeless", "finely crafted", "remarkable"), "cinema",
         ("Cinema at its finest.", "A film to remember.", "Made to be seen."),
         ("This is why we love movies.", "Some films define their era.", "Give this one your full attention."),
         ("Watch it now", "Stream the film tonight", "Discover it tonight"), "muted earth tones", "contemplative"),
    Tone("dark", ("haunting", "chilling", "atmospheric", "unsettling"), "dread",
         ("Turn off the lights.", "Fear has a new face.", "Some doors should stay closed."),
         ("Turn the lights off. If you dare.", "Watch this one with the lights on.", "Don't say we didn't warn you."),
         ("Watch if you dare", "Stream it tonight", "Press play, if you dare"), "black and sickly green", "ominous"),
    Tone("playful", ("feel-good", "joyful", "charming", "fun-filled"), "fun",
         ("Fun for everyone.", "Pure joy, start to finish.", "Smiles all round."),
         ("Your next movie night starts here.", "Snacks ready? Press play.", "Gather everyone on the couch."),
         ("Watch it together", "Stream it tonight", "Press play tonight"), "bright primary colours", "joyful"),
    Tone("epic", ("epic", "sweeping", "spectacular", "breathtaking"), "adventure",
         ("Adventure on a grand scale.", "Go big tonight.", "Made for the biggest screen you have."),
         ("Go big tonight.", "This is what big screens are for.", "Adventure starts the moment you press play."),
         ("Stream it tonight", "Start the adventure", "Watch it now"), "gold and deep blue", "awe-struck"),
    Tone("romantic", ("romantic", "swoon-worthy", "tender", "charming"), "romance",
         ("Fall in love all over again.", "Love, in every frame.", "Made for date night."),
         ("Fall in love all over again.", "Date night, sorted.", "Someone special on the couch? Press play."),
         ("Watch it together", "Stream it tonight", "Press play tonight"), "soft pink and gold", "dreamy"),
    Tone("nostalgic", ("timeless", "classic", "beloved", "nostalgic"), "nostalgia",
         ("They don't make them like this anymore.", "A classic, ready for tonight.", "Remember this one?"),
         ("Remember this one?", "They don't make them like this anymore.", "Time for a rewatch."),
         ("Stream it tonight", "Watch it again", "Press play tonight"), "faded film-grain", "wistful"),
)}

TONE_ALIASES = {
    "scary": "dark", "horror": "dark", "creepy": "dark", "spooky": "dark", "eerie": "dark", "ominous": "dark",
    "suspenseful": "thrilling", "exciting": "thrilling", "tense": "thrilling", "action": "thrilling",
    "intense": "thrilling", "thriller": "thrilling", "gritty": "thrilling",
    "emotional": "heartfelt", "moving": "heartfelt", "warm": "heartfelt", "inspiring": "heartfelt",
    "uplifting": "heartfelt", "sentimental": "heartfelt", "sad": "heartfelt",
    "comedic": "funny", "humorous": "funny", "witty": "funny", "hilarious": "funny", "comedy": "funny",
    "serious": "prestige", "elegant": "prestige", "sophisticated": "prestige", "award": "prestige",
    "artful": "prestige", "arthouse": "prestige", "critical": "prestige",
    "fun": "playful", "lighthearted": "playful", "light": "playful", "family": "playful", "whimsical": "playful",
    "cheerful": "playful", "quirky": "playful",
    "grand": "epic", "adventurous": "epic", "bold": "epic", "cinematic": "epic",
    "retro": "nostalgic", "classic": "nostalgic", "vintage": "nostalgic",
    "love": "romantic", "romance": "romantic", "dreamy": "romantic",
}

# The tone a genre calls for when none is asked for; first match in the record's genre order wins.
GENRE_TONES = {
    "Horror": "dark", "Thriller": "thrilling", "Action": "thrilling", "Crime": "thrilling", "Mystery": "thrilling",
    "War": "thrilling", "Western": "epic", "Comedy": "funny", "Romance": "romantic", "Family": "playful",
    "Animation": "playful", "Musical": "playful", "Adventure": "epic", "Fantasy": "epic", "Science Fiction": "epic",
    "Documentary": "prestige", "Biography": "prestige", "History": "prestige", "Drama": "heartfelt",
}

# What a frame of the spot or the poster shows, by genre; generic imagery, never a plot point.
GENRE_VISUALS = {
    "horror": ("A dark hallway; a door creaks open.", "Close on wide eyes in the dark.",
               "A flicker of movement at the edge of frame.", "a lone figure in a dark doorway"),
    "thriller": ("A quiet street; something is wrong.", "Quick cuts: a racing pulse, a ticking clock.",
                 "A face turns toward danger.", "a silhouette against a stormy sky"),
    "action": ("A burst of motion; debris in slow motion.", "A hero braces for impact.",
               "Fast cuts of a chase at full speed.", "a hero mid-leap against a fiery skyline"),
    "crime": ("Rain on a city street at night.", "Hands count money under a bare bulb.",
              "A detective studies a wall of clues.", "a rain-soaked city street at night"),
    "comedy": ("A confident plan goes sideways.", "Reaction shot: stunned silence.",
               "A chaotic dinner table in full swing.", "a mismatched crowd mid-laugh"),
    "drama": ("A face in close-up, holding back tears.", "Two people, one difficult conversation.",
              "Morning light through a window.", "a lone figure in soft window light"),
    "romance": ("Two strangers lock eyes across a room.", "A shared umbrella in the rain.",
                "Hands almost touch.", "two silhouettes against a golden sunset"),
    "science fiction": ("Stars streak past a viewport.", "A strange light on the horizon.",
                        "A vast machine hums to life.", "a vast structure under alien skies"),
    "adventure": ("A wide vista opens up.", "A map unrolled by lantern light.",
                  "Footsteps on an unknown trail.", "explorers facing a vast wild landscape"),
    "fantasy": ("Mist parts to reveal a hidden world.", "A spark of magic in cupped hands.",
                "A castle on a far hill.", "a glowing realm beyond a misty forest"),
    "animation": ("A bright world bursts into colour.", "A small hero takes a big step.",
                  "Friends tumble into an adventure.", "a colourful hand-drawn world"),
    "family": ("A family piles onto the couch.", "A small hero takes a big step.",
               "Laughter around a kitchen table.", "a warm, colourful family adventure"),
    "documentary": ("Archive footage flickers to life.", "A real place, seen up close.",
                    "Faces of the people who lived it.", "a striking documentary portrait"),
    "war": ("Smoke drifts over a silent field.", "Soldiers wait in the half-light.",
            "A letter read by candlelight.", "soldiers silhouetted against a smoky dawn"),
    "western": ("Dust blows across a lonely main street.", "A rider on the horizon.",
                "A hand hovers near a holster.", "a lone rider on a vast desert plain"),
    "musical": ("A spotlight finds a single performer.", "A whole street breaks into dance.",
                "The first note of a big number.", "performers mid-dance under stage lights"),
    "mystery": ("A clue glints in the dust.", "A locked door, a missing key.",
                "Someone watches from the shadows.", "a shadowy figure behind a frosted window"),
    "film": ("The lights dim.", "A face in close-up.", "A moment that changes everything.",
             "a striking cinematic tableau"),
}
GENRE_VISUALS["biography"] = GENRE_VISUALS["history"] = (
    "A period street comes to life.", "A portrait in candlelight.", "A crowd turns to listen.",
    "a period portrait in rich light")
GENRE_VISUALS["sport"] = GENRE_VISUALS["drama"]
GENRE_VISUALS["music"] = GENRE_VISUALS["musical"]

FAMILY_AUDIENCES = {"families", "family", "kids", "children", "parents", "all ages", "everyone"}
ADULT_RATINGS = {"R", "NC-17", "X", "TV-MA", "18", "NR"}


def tone_for(asked: str, genres: list[str]) -> tuple[Tone, str]:
    """The tone to write in, and a note when the one asked for has no templates of its own."""
    key = " ".join(asked.lower().split())
    if key in TONES:
        return TONES[key], ""
    for word in key.replace(",", " ").split():
        name = word if word in TONES else TONE_ALIASES.get(word)
        if name:
            return TONES[name], ""
    default = next((GENRE_TONES[g] for g in genres if g in GENRE_TONES), "thrilling")
    note = f"Tone “{asked}” has no templates of its own; template drafts use “{default}”." if key else ""
    return TONES[default], note


def audience_phrase(audience: str) -> str:
    """" for the whole family"-style phrase, or "" for no audience."""
    key = " ".join(audience.lower().split()).strip(" .")
    if not key:
        return ""
    if key in FAMILY_AUDIENCES:
        return " for the whole family"
    key = key.removeprefix("for ").removeprefix("aimed at ")
    return f" for {key}" if len(key.split()) <= 4 else ""


def lexicon_words() -> frozenset[str]:
    """Every lower-cased word the tones and imagery above are written with."""
    texts: list[str] = []
    for tone in TONES.values():
        for f in fields(tone):
            value = getattr(tone, f.name)
            texts += list(value) if isinstance(value, tuple) else [value]
    texts += [line for lines in GENRE_VISUALS.values() for line in lines]
    return frozenset(w for text in texts for w in re.findall(r"[a-z]+", text.lower()))
