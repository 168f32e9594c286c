"""What an ad request returns: the drafts per format, where each came from, and every check's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.ads.checks import CHECKS
from tools.ads.formats import SOCIAL_FORMATS

PLATFORMS = {"x_post": "x", "instagram": "instagram", "video_hook": "short_video"}


@dataclass(frozen=True)
class Draft:
    """One draft. ``source``: "model", "model, repaired" or "template"; ``fixes`` says what a repair did."""

    format: str
    text: str
    source: str
    fixes: tuple[str, ...] = ()


@dataclass
class CheckOutcome:
    """One check over the whole request: ``passed`` is about the drafts returned; the counts tell the story."""

    name: str
    passed: bool = True
    #: Drafts returned, all of which were checked.
    checked: int = 0
    #: Model drafts that failed this check before repair (template drafts that do not fit are just skipped).
    failed_before_repair: int = 0
    #: What was done about them: "tagline 1: trimmed ...", "logline: model draft replaced ...".
    fixes: list[str] = field(default_factory=list)
    #: Problems left in returned drafts (empty when passed).
    issues: list[str] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"passed": self.passed, "checked": self.checked, "failed_before_repair": self.failed_before_repair,
               "fixes": list(self.fixes), "issues": list(self.issues)}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Attempt:
    """A candidate draft as first written, before any repair, for the statistics."""

    format: str
    source: str
    passed: bool
    failed_checks: tuple[str, ...]


@dataclass
class AdDrafts:
    """Ready-to-review ad copy for one title."""

    title_id: str
    title: str
    tone: str
    audience: str
    language: str
    formats: tuple[str, ...]
    drafts: dict[str, list[Draft]]
    checks: dict[str, CheckOutcome]
    notices: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    #: Whether the model gave a readable reply (its drafts may still all have been set aside).
    model_used: bool = False
    seconds: float = 0.0
    #: How the drafts name the genre ("thriller"), and why that one.
    lead_genre: str = ""
    lead_genre_reason: str = ""
    #: Where the asked audience or tone does not fit the title (a PG shark thriller for families).
    warnings: list[str] = field(default_factory=list)
    #: Drafts that failed a check and could not be repaired: (format, text, reason).
    dropped: list[tuple[str, str, str]] = field(default_factory=list)
    #: Key-art files by shape ("poster", "tile", "square"), once drawn.
    key_art: dict[str, str] = field(default_factory=dict)
    #: The tone the template drafts (and the key art's look) use: the asked one, or the genre's when it clashed.
    template_tone: str = ""

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks.values())

    def texts(self, fmt: str) -> list[str]:
        return [d.text for d in self.drafts.get(fmt, [])]

    @property
    def key_art_prompt(self) -> str:
        return next(iter(self.texts("key_art_prompt")), "")

    def all_drafts(self) -> list[Draft]:
        return [d for fmt in self.formats for d in self.drafts.get(fmt, [])]

    def to_dict(self) -> dict[str, Any]:
        drafts: dict[str, Any] = {}
        sources: dict[str, Any] = {}
        for fmt in self.formats:
            items = self.drafts.get(fmt, [])
            if fmt in SOCIAL_FORMATS:
                drafts.setdefault("social", []).extend({"platform": PLATFORMS[fmt], "text": d.text} for d in items)
                sources.setdefault("social", []).extend(d.source for d in items)
            elif fmt == "key_art_prompt":
                drafts[fmt] = items[0].text if items else ""
                sources[fmt] = items[0].source if items else ""
            else:
                drafts[fmt] = [d.text for d in items]
                sources[fmt] = [d.source for d in items]
        return {
            "title_id": self.title_id, "title": self.title, "tone": self.tone, "audience": self.audience,
            "language": self.language, "drafts": drafts, "sources": sources,
            "checks": {name: self.checks[name].to_dict() for name in CHECKS if name in self.checks},
            "passed": self.passed, "notices": list(self.notices), "model_used": self.model_used,
            "seconds": round(self.seconds, 2), "lead_genre": self.lead_genre,
            "lead_genre_reason": self.lead_genre_reason, "warnings": list(self.warnings),
            "dropped": [{"format": f, "text": t, "reason": r} for f, t, r in self.dropped],
            "key_art": dict(self.key_art),
        }
