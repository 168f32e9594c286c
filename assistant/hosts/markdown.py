"""Chat results as Markdown for hosts that render it: tool steps, title links, images served by the app."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.events import AttachmentEvent, NoticeEvent, ToolCallEvent, ToolResultEvent

if TYPE_CHECKING:
    from assistant.hosts.files import FileLinks
    from tools.search.engine import TitleHit

IMDB_ID = re.compile(r"^tt\d{7,9}$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
TITLES_LISTED = 10
TITLES_HEADING = "**Titles**\n\n"


def plain_text(markdown: str) -> str:
    """An earlier answer as the agent first wrote it: links back to their labels, images left out (a replayed
    history full of URLs would crowd the earlier messages out of the model's window)."""
    answer = markdown.split(TITLES_HEADING, 1)[0]  # the appended title list was never the agent's answer
    return _LINK.sub(r"\1", _IMAGE.sub("", answer)).strip()


def step_line(event: ToolCallEvent | ToolResultEvent | NoticeEvent) -> str:
    """One line of the "thinking" block: the call, then its outcome's first line."""
    if isinstance(event, ToolCallEvent):
        args = ", ".join(f"{k}={v!r}" for k, v in event.arguments.items())
        return f"Calling {event.name}({args})\n"
    if isinstance(event, ToolResultEvent):
        first = event.summary.splitlines()[0] if event.summary else ""
        return f"{event.name} {'done' if event.ok else 'failed'} in {event.duration_s:.2f} s: {first[:200]}\n"
    return f"Note: {event.message}\n"


def title_link(hit: TitleHit) -> str:
    """``[Alien (1979)](https://www.imdb.com/title/tt0078748/)``: a link when the id is an IMDb id."""
    label = hit.title.label.replace("[", "(").replace("]", ")")
    return f"[{label}](https://www.imdb.com/title/{hit.title.id}/)" if IMDB_ID.match(hit.title.id) else f"**{label}**"


class TitleLinker:
    """Makes the titles an answer names ("Alien (1979)") links, piece by piece as the answer streams, and
    remembers which of the turn's titles it never named."""

    def __init__(self) -> None:
        self.hits: list[TitleHit] = []
        self.named: set[str] = set()

    def add(self, hits: tuple[TitleHit, ...] | list[TitleHit]) -> None:
        known = {h.title.id for h in self.hits}
        self.hits += [h for h in hits if h.title.id not in known]

    def link(self, text: str) -> str:
        for hit in self.hits:
            if hit.title.label in text:
                text = text.replace(hit.title.label, title_link(hit))
                self.named.add(hit.title.id)
        return text

    def ready(self, pending: str) -> tuple[str, str]:
        """Split streamed text into what can go out now (linked) and what to hold back: no more than the
        longest title, so a title still arriving is not sent half unlinked."""
        hold = max((len(h.title.label) for h in self.hits), default=0)
        cut = len(pending) - hold
        for hit in self.hits:  # a title that straddles the cut goes out whole, later
            start = pending.find(hit.title.label)
            while start != -1:
                if start < cut < start + len(hit.title.label):
                    cut = start
                start = pending.find(hit.title.label, start + 1)
        if cut <= 0:
            return "", pending
        return self.link(pending[:cut]), pending[cut:]

    def unnamed(self) -> list[TitleHit]:
        return [h for h in self.hits if h.title.id not in self.named]


def titles_markdown(hits: tuple[TitleHit, ...] | list[TitleHit]) -> str:
    lines = [f"{n}. {title_link(h)}" + (f" — {'; '.join(h.why[:2])}" if h.why else "")
             for n, h in enumerate(hits[:TITLES_LISTED], start=1)]
    return (TITLES_HEADING + "\n".join(lines)) if lines else ""


def attachments_markdown(attachments: tuple[AttachmentEvent, ...], links: FileLinks, base_url: str) -> str:
    """Images inline, other files as links; files outside the data folder are left out."""
    out = []
    for attachment in attachments:
        link = links.link(attachment.path, base_url)
        if link is None:
            continue
        caption = (attachment.caption or link.name).replace("]", ")")
        out.append(f"![{caption}]({link.url})" if link.media_type.startswith("image/") else f"[{caption}]({link.url})")
    return "\n\n".join(out)
