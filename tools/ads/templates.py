"""Deterministic drafts built only from the catalog record: the safety net under the model.

Every format has several templates; a template is skipped when the record lacks a fact it needs, and the order
is rotated per title so two titles do not open with the same line. Templates use facts, tone words and generic
imagery only: a template draft can fail a check only on length (a very long title), which the caller sees.
"""

from __future__ import annotations

import re
import string
import zlib
from collections.abc import Iterator

from tools.ads.facts import Facts
from tools.ads.formats import SPOTS, SpotLine, render_spot
from tools.ads.lexicon import GENRE_VISUALS, Tone
from tools.ads.plot_elements import PlotElements

TEMPLATES: dict[str, tuple[str, ...]] = {
    "tagline": (
        "{Adj} {genre}{aud}.", "{name}. {line}", "{director}'s {adj} {genre}.", "A {adj} {decade} {genre}.",
        "{line}", "{Adj}. {Adj2}. {short}.",
    ),
    "logline": (
        "{premise}",
        "{name} ({year}) is a {adj} {genre} from {director}, starring {stars}.",
        "In {director}'s {adj} {genre}, {premise_lc}",
        "{stars} star in {name}, a {adj} {year} {genre} directed by {director}.",
        "{name} is a {adj} {genre} {kind} from {country}{aud_comma}",
        "{name} is a {adj} {genre}{aud}.",
        "{name}: a {adj2} {genre} {kind}, ready to stream{aud}.",
        "{name}. A {adj} {genre}, and the perfect pick for tonight.",
    ),
    "x_post": (
        "{line} {name} ({year}), from {director}, starring {stars}. {cta}. {title_tag} {genre_tag}",
        "{premise} {cta}.{aud_note} {title_tag}",
        "{Adj} {genre} night{aud}: {name} ({year}). {cta}. {title_tag}",
        "{name}: {runtime} minutes of {noun}. {cta}. {title_tag} {genre_tag}",
        "{name}. {line} {cta}. {title_tag}",
        "{Adj} {genre}: {name}. {cta}. {title_tag} {genre_tag}",
        "{line} {name}, a {adj2} {genre}. {cta}.{aud_note} {genre_tag}",
    ),
    "instagram": (
        "{premise}\n\n{cta}.{aud_note}\n\n{title_tag} {genre_tag} #movienight",
        "{Adj}, {adj2} and {runtime} minutes long: {name} ({year}) is tonight's pick{aud}.\n\n"
        "{title_tag} {genre_tag} {decade_tag}",
        "{director}'s {name}, starring {stars}. {line}\n\n{title_tag} {genre_tag} #movienight",
        "{name}. {line} {cta}.{aud_note}\n\n{title_tag} #movienight",
        "{Adj} and {adj2}: {name}.\n\n{cta}.{aud_note}\n\n{title_tag} {genre_tag}",
        "{line}\n\n{name}, a {adj} {genre}. {cta}.\n\n{title_tag} #movienight",
    ),
    "video_hook": (
        "{hook}", "{hook2}", "{director} made this {adj} {genre}. Watch.", "Wait for it... {short}.",
        "One {genre} you have to see.",
    ),
    "search_headlines": (
        "{name}", "Watch {short}", "{name} ({year})", "Stream {short} Tonight", "{Adj} {Genre}",
        "Directed by {director}", "Starring {star}", "{score}% Positive Reviews", "{Genre} Night Starts Here",
        "Stream It Tonight", "Watch Now", "Press Play Tonight", "Your Next {Genre} Night", "A {decade} {Genre}",
        "{runtime} Minutes of {Noun}", "{Genre} for Tonight", "Start Watching Today",
    ),
    "search_descriptions": (
        "{name} ({year}): a {adj} {genre} from {director}. Stream it now.",
        "Starring {stars}. {runtime} minutes of {noun}. Watch today.",
        "{score}% positive critic reviews. Watch {short} tonight.",
        "Stream the {adj} {genre}{aud}. Start watching today.",
        "{line} {short}, now streaming.",
        "A {adj} {genre}. {cta}.",
        "{Adj} {genre}{aud}. Stream it tonight.",
        "{line} Now streaming.",
    ),
    "key_art_prompt": (
        "Cinematic key art poster for a {decade} {genre} {kind}: {visual}, {mood} mood, {palette} palette, "
        "dramatic lighting, high detail, no text, no logos",
        "Cinematic key art poster for a {genre} {kind}: {visual}, {mood} mood, {palette} palette, "
        "dramatic lighting, no text, no logos",
    ),
}
# Templates built on this title's facts and plot elements, tried first when the meaning checks are on: each
# names something only this title has (a credit, a date, the runtime, a plot element), never filler alone.
SPECIFIC: dict[str, tuple[str, ...]] = {
    "tagline": (
        "{Where} has a {threat} problem.", "{Who} wants to {want}.", "Trouble comes to {where}.",
        "{Director_last}'s {adj} {year} {genre}.", "{Star} in {director}'s {genre}.",
        "{runtime} minutes of {director_last}'s {genre}.", "A {decade} {genre}{aud}, from {director}.",
        "One {threat}. One {place_word}. {short}.", "A {year} {genre} with {star}.",
        "{short}: {director_last}'s {decade} {genre}.",
    ),
    "logline": (
        "{premise}",
        "{In_where}, {who_full} wants to {want}.",
        "{In_where}, {who_full} faces a {threat}, in {director}'s {adj} {genre}.",
        "{Who_full} wants to {want}, in {director}'s {year} {genre}.",
        "{name} is {director}'s {adj} {year} {genre}, {runtime} minutes long and starring {star}{aud_comma}",
        "From {director} comes a {adj} {decade} {genre} from {country}, starring {star}{aud_comma}",
        "From {director} comes a {adj} {decade} {genre}, starring {star}{aud_comma}",
        "{Star} stars in {director}'s {year} {genre}, which {score}% of critics reviewed favourably.",
    ),
    "x_post": (
        "{Where} has a {threat} problem. {name} ({year}), from {director}. {cta}. {title_tag} {genre_tag}",
        "{premise} {cta}.{aud_note} {title_tag}",
        "{Who_full} wants to {want}. {name} ({year}). {cta}. {title_tag}",
        "{Director_last}'s {year} {genre}, starring {stars}. {cta}.{aud_note} {title_tag} {genre_tag}",
        "{runtime} minutes of {director_last}'s {genre}: {name} ({year}). {cta}. {title_tag}",
        "{score}% of critics liked {director_last}'s {name}. {cta}. {title_tag} {genre_tag}",
    ),
    "instagram": (
        "{premise}\n\n{cta}.{aud_note}\n\n{title_tag} {genre_tag} #movienight",
        "{Where}. A {threat}. {Who_full}.\n\n{name} ({year}), {director}'s {genre}{aud}.\n\n{title_tag} {genre_tag}",
        "{Director_last}'s {name} ({year}), starring {stars}.\n\n{cta}.{aud_note}\n\n{title_tag} {genre_tag} "
        "{decade_tag}",
        "{runtime} minutes, one {adj} {genre}: {name}.\n\n{cta}.\n\n{title_tag} #movienight",
        "{Star} in {name} ({year}).\n\nA {genre}{aud}. {cta}.\n\n{title_tag} {genre_tag}",
        "{name}: the {decade} {genre} from {director}.\n\n{cta}.{aud_note}\n\n{title_tag} {genre_tag}",
        "{score}% of critics liked {name}.\n\n{cta}.\n\n{title_tag} {genre_tag} #movienight",
    ),
    "video_hook": (
        "{Where}. One {threat}. Ready?", "{Who} just wants to {want}.", "Nobody {in_where} is ready for this.",
        "{Director_last} made this {adj} {genre} in {year}.", "{Star}, {director_last}, {year}. Watch.",
        "{runtime} minutes of {adj} {genre}. Ready?",
    ),
    "search_headlines": (
        "{Director_last}'s {short}", "{short}: {Director_last}, {year}", "{Star_last} in {short} ({year})",
        "{Director_last}'s {year} {Genre}", "A {year} {Genre} With {Star_last}", "{short}, Starring {Star_last}",
        "{short}: {Where}", "{Star} in {short}", "{Genre} From {Director_last}", "{name} ({year})",
        "{runtime} Minutes of {Director_last}", "{short}: A {year} {Genre}",
    ),
    "search_descriptions": (
        "{name} ({year}): {director}'s {adj} {genre}{aud}. Stream it now.",
        "{In_where}, {who_full} faces a {threat}. Stream {short} now.",
        "Starring {stars}. {runtime} minutes of {noun}. Watch today.",
        "{score}% positive reviews for {director}'s {short}. Watch it tonight.",
        "{Where} has a {threat} problem. Watch {short} now.",
        "A {decade} {genre} from {director}{aud}. Stream {short} tonight.",
    ),
    "key_art_prompt": (
        "Cinematic key art poster for a {decade} {genre} {kind}: {plot_visual}, {mood} mood, {palette} palette, "
        "dramatic lighting, high detail, no text, no logos",
        "Cinematic key art poster for a {year} {genre} {kind}: {visual}, {mood} mood, {palette} palette, "
        "dramatic lighting, high detail, no text, no logos",
        "Cinematic key art poster for a {decade} {genre} {kind}: {visual}, {mood} mood, {palette} palette, "
        "dramatic lighting, high detail, no text, no logos",
    ),
}
# The fixed words of spot scripts (see ``TemplateWriter.spot``).
SPOT_WORDS = "Title card: on black. Now streaming Directed by Starring"
SPOT_VARIANTS = 3
_FIELDS = string.Formatter()


class TemplateWriter:
    """Renders the templates of every format for one title, tone and audience."""

    def __init__(self, facts: Facts, tone: Tone, audience: str, elements: PlotElements | None = None,
                 visual_genre: str = ""):
        """``elements`` (the plot's who/where/threat/want) turns on the specific templates; without them the
        writer is today's baseline. ``visual_genre`` picks the imagery of spot visuals (the lead genre)."""
        self.facts, self.tone = facts, tone
        self.elements = elements
        self.seed = zlib.crc32(f"{facts.title.id}|{tone.name}".encode())
        key = (visual_genre or facts.genre).lower()
        self.visuals = GENRE_VISUALS.get(key, GENRE_VISUALS["film"])
        self.values = self._values(audience)

    def _values(self, aud: str) -> dict[str, str]:
        f, tone = self.facts, self.tone
        adjs = _rotate(tone.adjectives, self.seed)
        visuals = self.visuals
        premise_lc = f.premise[:1].lower() + f.premise[1:] if f.premise.split()[:1] in (["A"], ["An"], ["The"]) else ""
        return {
            "name": f.name, "short": f.short, "NAME": f.name.upper(), "year": f.year, "decade": f.decade,
            "genre": f.genre, "Genre": f.genre.title(), "kind": f.kind, "director": f.director,
            "stars": f.star_line, "star": f.stars[0] if f.stars else "", "country": f.country, "runtime": f.runtime,
            "score": f.score, "premise": f.premise, "premise_lc": premise_lc, "aud": aud,
            "aud_comma": f",{aud}." if aud else ".", "aud_note": f" A pick{aud}." if aud else "",
            "adj": adjs[0], "Adj": _cap(adjs[0]), "adj2": adjs[1],
            "Adj2": _cap(adjs[1]), "noun": tone.noun, "Noun": tone.noun.title(),
            "line": _rotate(tone.lines, self.seed)[0], "hook": _rotate(tone.hooks, self.seed)[0],
            "hook2": _rotate(tone.hooks, self.seed)[1], "cta": _rotate(tone.calls, self.seed)[0],
            "title_tag": f.hashtag(f.short), "genre_tag": f.hashtag(f.genre).lower(),
            "decade_tag": f"#{f.decade}Movies" if f.decade else "", "visual": visuals[3], "mood": tone.mood,
            "palette": tone.palette, **self._specific_values(),
        }

    def _specific_values(self) -> dict[str, str]:
        """The plot elements and credit shapes the specific templates use ("" where the record has none)."""
        f, e = self.facts, self.elements or PlotElements()
        last = f.director_last
        star_last = f.stars[0].split()[-1] if f.stars else ""
        plot_visual = ", ".join(filter(None, [f"a {e.threat} looming" if e.threat else "",
                                              f"{e.where} in the background" if e.where else ""]))
        return {"who": e.who, "Who": _cap(e.who), "who_full": e.who_full, "Who_full": _cap(e.who_full),
                "where": e.where, "Where": _cap(e.where), "in_where": _in(e.where),
                "In_where": _cap(_in(e.where)), "threat": e.threat, "want": e.want,
                "place_word": e.where.split()[-1].lower() if e.where else "", "director_last": last,
                "Director_last": last, "Star": f.stars[0] if f.stars else "", "Star_last": star_last,
                "plot_visual": plot_visual}

    def render(self, template: str) -> str | None:
        """The template filled in, or None when the record lacks one of its facts."""
        needed = [name for _, name, _, _ in _FIELDS.parse(template) if name]
        if any(not self.values.get(name) and name not in ("aud", "aud_note") for name in needed):
            return None
        return _articles(template.format(**self.values).strip())

    def drafts(self, fmt: str) -> Iterator[str]:
        """Every template draft of ``fmt``, in this title's order (spots: one per variant layout)."""
        if fmt in SPOTS:
            yield from (self.spot(fmt, variant) for variant in range(SPOT_VARIANTS))
            # The same layouts without the plot's first sentence, for a premise that cannot be used.
            yield from (self.spot(fmt, variant, premise=False) for variant in range(SPOT_VARIANTS))
            return
        templates = TEMPLATES[fmt]
        # Headline order matters (the first few are the strongest); elsewhere rotate for variety between titles.
        ordered = templates if fmt in ("search_headlines", "key_art_prompt") else _rotate(templates, self.seed)
        if self.elements is not None:  # this title's own lines first; the generic ones only if they pass
            specific = SPECIFIC[fmt]
            ordered = [*(specific if fmt in ("search_headlines", "key_art_prompt") else
                         _rotate(specific, self.seed)), *ordered]
        for template in ordered:
            text = self.render(template)
            if text:
                yield text

    # -- spot scripts ------------------------------------------------------------------------------------------
    def spot(self, fmt: str, variant: int, vo: list[str] | None = None, premise: bool = True) -> str:
        """A spot script: VISUAL lines of the genre's imagery, VO lines (given, or the tone's), SUPER cards."""
        f, v = self.facts, self.values
        visuals = _rotate(self._spot_visuals(), self.seed + variant)
        line = _rotate(self._spoken_lines(), self.seed + variant)[0]
        closing = f"{f.short}. {_rotate(self.tone.calls, self.seed + variant)[0]}."
        hooks = self._specific("video_hook") or ([f"This is {f.short}."] if self.elements is not None
                                                 else list(self.tone.hooks))
        spoken = vo or [_rotate(hooks, self.seed + variant)[0], (f.premise if premise else "") or line]
        if not vo and _words(*spoken, closing) > SPOTS[fmt].max_vo_words:
            spoken = [spoken[0], line]  # a long premise does not fit the spot: the tone's line does
        if not vo and _words(*spoken, closing) > SPOTS[fmt].max_vo_words:
            spoken = spoken[:1]
        super_card = f"{v['NAME']}" + (f" ({f.year})" if f.year else "") + " | Now streaming"
        cuts = SPOTS[fmt].cuts
        lines = [SpotLine(cuts[0], cuts[1], "VISUAL", visuals[0]), SpotLine(cuts[0], cuts[1], "VO", spoken[0])]
        middle = list(zip(cuts[1:-2], cuts[2:-1], strict=True))
        extra = self._spot_extras(len(middle), spoken[1:], variant)
        for n, (start, end) in enumerate(middle):
            lines.append(SpotLine(start, end, "VISUAL", visuals[(n + 1) % len(visuals)]))
            kind, text = extra[n]
            lines.append(SpotLine(start, end, kind, text))
        lines += [SpotLine(cuts[-2], cuts[-1], "VISUAL", f"Title card: {v['NAME']} on black."),
                  SpotLine(cuts[-2], cuts[-1], "SUPER", super_card), SpotLine(cuts[-2], cuts[-1], "VO", closing)]
        return render_spot(lines)

    def _spot_extras(self, slots: int, spoken: list[str], variant: int) -> list[tuple[str, str]]:
        """Lines of the middle segments: the rest of the voice-over, then credits as SUPER cards."""
        f = self.facts
        credits = [text for text in (f"Directed by {f.director}" if f.director else "",
                                     f"Starring {f.star_line}" if f.stars else "",
                                     self._genre_credit()) if text]
        lines = _rotate(self._spoken_lines(), self.seed + variant + 1)
        items = [("VO", s) for s in spoken if s] + [("SUPER", c) for c in credits] + [("VO", s) for s in lines]
        # A record with nothing to say fills the rest with the one true line there is.
        items += [("SUPER", "Now streaming")] * max(0, slots - len(items))
        return items[:slots]


    def _genre_credit(self) -> str:
        f = self.facts
        if self.elements is None:
            return f"A {self.values['adj']} {f.genre}"
        return _articles(f"A {f.year} {f.genre}") if f.year else ""

    def _specific(self, fmt: str) -> list[str]:
        """The specific templates of ``fmt`` this record can fill (none for the baseline writer)."""
        if self.elements is None:
            return []
        return [text for text in (self.render(t) for t in SPECIFIC[fmt]) if text]

    def _spoken_lines(self) -> list[str]:
        """Voice-over lines: this title's taglines (baseline: the tone's stock lines)."""
        if self.elements is not None:  # no stock lines: a title with nothing specific gets none
            return self._specific("tagline") or [f"{self.facts.short}."]
        return list(self.tone.lines)

    def _spot_visuals(self) -> list[str]:
        """Spot imagery: the plot's own elements first, then the lead genre's vocabulary (never another's)."""
        e = self.elements
        plot = [] if e is None else [v for v in (f"Wide on {e.where}." if e.where else "",
                                                 f"A glimpse of the {e.threat}." if e.threat else "",
                                                 f"Close on {e.who}." if e.who else "") if v]
        return [*plot, *self.visuals[:3]][:3] if plot else list(self.visuals[:3])


def template_words() -> frozenset[str]:
    """Every lower-cased word of the templates' fixed text (not their fields)."""
    fixed = " ".join(re.sub(r"\{\w+\}", " ", t) for group in (TEMPLATES, SPECIFIC) for templates in group.values()
                     for t in templates)
    fixed += " " + SPOT_WORDS
    return frozenset(re.findall(r"[a-z]+", fixed.lower()))


def _words(*texts: str) -> int:
    return sum(len(t.split()) for t in texts)


def _rotate(items: tuple[str, ...] | list[str], seed: int) -> list[str]:
    items = list(items)
    k = seed % len(items) if items else 0
    return items[k:] + items[:k]


def _articles(text: str) -> str:
    """"A unforgettable" -> "An unforgettable" (templates put adjectives after a fixed article)."""
    return re.sub(r"\b([Aa]) (?=[AEIOUaeiou]|1[18]\d\d\b|8)", lambda m: m.group(1) + "n ", text)


def _in(place: str) -> str:
    """"on Amity Island", "in Tokyo": islands take "on"."""
    if not place:
        return ""
    return f"on {place}" if place.split()[-1] in ("Island", "Islands", "Isle", "Ship", "Boat") else f"in {place}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
