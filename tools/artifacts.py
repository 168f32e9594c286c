"""What an agent tool returns besides its text, the list of titles its text shows the model, and the error for
arguments a tool cannot use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.search.engine import TitleHit

# The model sees this many titles per result; the UI gets them all as cards.
TITLES_SHOWN_TO_MODEL = 6


class ToolInputError(ValueError):
    """The model called a tool with arguments the tool cannot use; the message says how to fix the call."""


@dataclass
class ToolArtifact:
    """What a tool hands the UI besides the text the model reads."""

    data: dict[str, Any] = field(default_factory=dict)
    hits: list[TitleHit] = field(default_factory=list)
    #: Files the tool wrote: {"path": str, "media_type": str, "caption": str}.
    attachments: list[dict[str, str]] = field(default_factory=list)


def titles_for_model(hits: list[TitleHit]) -> list[str]:
    """Numbered lines a small model reads well: "1. Alien (1979) - science fiction/horror - why"."""
    lines = []
    for n, hit in enumerate(hits[:TITLES_SHOWN_TO_MODEL], start=1):
        genres = "/".join(hit.title.genres[:2]).lower()
        why = "; ".join(hit.why[:2])
        lines.append(f"{n}. {hit.title.label} - {genres}{' - ' + why if why else ''}")
    return lines
