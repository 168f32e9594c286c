"""What an agent tool returns besides its text, and the error for arguments a tool cannot use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.search import TitleHit


class ToolInputError(ValueError):
    """The model called a tool with arguments the tool cannot use; the message says how to fix the call."""


@dataclass
class ToolArtifact:
    """What a tool hands the UI besides the text the model reads."""

    data: dict[str, Any] = field(default_factory=dict)
    hits: list[TitleHit] = field(default_factory=list)
    #: Files the tool wrote: {"path": str, "media_type": str, "caption": str}.
    attachments: list[dict[str, str]] = field(default_factory=list)
