"""Ad formats: names, hard limits, spot-script layout, and the JSON schema the model fills in one call."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FORMATS = ("tagline", "logline", "x_post", "instagram", "video_hook", "spot_15s", "spot_30s",
           "search_headlines", "search_descriptions", "key_art_prompt")
SOCIAL_FORMATS = ("x_post", "instagram", "video_hook")
# Names a caller may use for several formats at once.
FORMAT_GROUPS = {
    "social": SOCIAL_FORMATS,
    "spots": ("spot_15s", "spot_30s"),
    "spot": ("spot_15s", "spot_30s"),
    "search": ("search_headlines", "search_descriptions"),
    "search_ads": ("search_headlines", "search_descriptions"),
    "key_art": ("key_art_prompt",),
    "all": FORMATS,
}


@dataclass(frozen=True)
class Limit:
    """Hard limits of one format; ``None`` means no limit of that kind."""

    max_chars: int | None = None
    max_words: int | None = None
    #: How many drafts a list format needs (search ads), as (fewest, most).
    count: tuple[int, int] | None = None
    #: Hashtags a caption needs, as (fewest, most).
    hashtags: tuple[int, int] | None = None


# Platform limits; word limits are what the format is read or heard in (a 12-word hook fits 3 seconds).
LIMITS: dict[str, Limit] = {
    "tagline": Limit(max_chars=60),
    "logline": Limit(max_words=35),
    "x_post": Limit(max_chars=280),
    "instagram": Limit(max_chars=2200, hashtags=(1, 30)),
    "video_hook": Limit(max_words=12),
    "spot_15s": Limit(),
    "spot_30s": Limit(),
    "search_headlines": Limit(max_chars=30, count=(3, 15)),
    "search_descriptions": Limit(max_chars=90, count=(2, 4)),
    # Text-to-image encoders read about 77 tokens; past 60 words the end of the prompt is ignored.
    "key_art_prompt": Limit(max_chars=400, max_words=60),
}


@dataclass(frozen=True)
class SpotLayout:
    seconds: int
    #: Voice-over read at about 2.3 words per second, with room to breathe.
    max_vo_words: int
    #: Segment boundaries in seconds: each segment gets a VISUAL line and most a VO line.
    cuts: tuple[int, ...]


SPOTS = {
    "spot_15s": SpotLayout(15, 32, (0, 4, 10, 15)),
    "spot_30s": SpotLayout(30, 65, (0, 5, 12, 19, 25, 30)),
}
SPOT_LINE = re.compile(r"^(?P<start>\d\d):(?P<start_s>\d\d)-(?P<end>\d\d):(?P<end_s>\d\d)\s+"
                       r"(?P<kind>VO|SUPER|VISUAL):\s+(?P<text>\S.*)$")
SPOT_KINDS = ("VISUAL", "VO", "SUPER")


@dataclass(frozen=True)
class SpotLine:
    start: int
    end: int
    kind: str
    text: str

    def render(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)} {self.kind}: {self.text}"


def _clock(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def render_spot(lines: Iterable[SpotLine]) -> str:
    return "\n".join(line.render() for line in lines)


def parse_spot(script: str) -> tuple[list[SpotLine], list[str]]:
    """The lines of a spot script, and the lines that do not follow ``MM:SS-MM:SS KIND: text``."""
    lines, bad = [], []
    for raw in script.splitlines():
        if not raw.strip():
            continue
        m = SPOT_LINE.match(raw.strip())
        if not m:
            bad.append(raw.strip())
            continue
        start = int(m["start"]) * 60 + int(m["start_s"])
        end = int(m["end"]) * 60 + int(m["end_s"])
        lines.append(SpotLine(start, end, m["kind"], m["text"].strip()))
    return lines, bad


def expand_formats(formats: Iterable[str] | str | None) -> tuple[str, ...]:
    """Format names (and group names such as "social") to format names in the standard order."""
    if formats is None:
        return FORMATS
    names = [formats] if isinstance(formats, str) else list(formats)
    wanted: set[str] = set()
    for name in names:
        for part in str(name).replace(",", " ").split():
            key = part.strip().lower().replace("-", "_")
            if key in FORMAT_GROUPS:
                wanted.update(FORMAT_GROUPS[key])
            elif key in FORMATS:
                wanted.add(key)
            else:
                choices = ", ".join((*FORMATS, *FORMAT_GROUPS))
                raise ValueError(f"Unknown ad format {part!r}; choose from: {choices}.")
    return tuple(f for f in FORMATS if f in wanted)


def list_size(fmt: str, variants: int) -> int:
    """How many drafts a format gets: ``variants``, or the platform's own count for search ads."""
    limit = LIMITS[fmt]
    if fmt == "key_art_prompt":
        return 1
    if fmt == "search_headlines":
        return max(limit.count[0], min(limit.count[1], 3 * variants))
    if limit.count:
        return max(limit.count[0], min(limit.count[1], variants))
    return variants


# -- what the model is asked for, in one constrained call ---------------------------------------------------------
MODEL_TOOL_NAME = "ad_copy"
# (key, what to write, maxLength). Four short fields: on a busy 2-core CPU the 0.5B model writes about three
# tokens a second, and every key and quote is a generated token too. The rest of the formats are composed from
# these lines and the record. Caps sit a little above the format limits; a cut mid-word is repaired at a word
# boundary, which beats a model that never closes its string.
MODEL_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("tagline", "a punchy tagline of at most 8 words", 64),
    ("hook", "the first line of a short video, at most 10 words", 70),
    ("logline", "one sentence: who, what they want, what stands in the way", 170),
    ("key_art", "the poster image: setting, mood and colours; no text, no real people", 110),
)


def model_tool() -> dict[str, Any]:
    """The OpenAI-format tool whose arguments are the ad copy: constrained decoding keeps it valid JSON."""
    properties: dict[str, Any] = {}
    for key, what, cap in MODEL_FIELDS:
        properties[key] = {"type": "string", "maxLength": cap, "description": what}
    return {
        "type": "function",
        "function": {
            "name": MODEL_TOOL_NAME,
            "description": "Record the ad copy for the film.",
            "parameters": {"type": "object", "properties": properties, "required": [k for k, _, _ in MODEL_FIELDS],
                           "additionalProperties": False},
        },
    }
