"""What the MCP tools return: small typed results (FastMCP sends them as structured content plus JSON text),
built from the Assistant's own result objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from assistant.hosts.files import FileLink
    from knowledge.titles import Title
    from tools.ads import AdDrafts
    from tools.recommend.engine import Recommendations
    from tools.search.engine import TitleHit
    from tools.storyboard import Storyboard


class TitleOut(BaseModel):
    id: str
    title: str
    year: int | None = None
    genres: list[str] = Field(default_factory=list)
    directors: list[str] = Field(default_factory=list)
    runtime_min: int | None = None
    critic_score: int | None = None
    #: Why it matches the request ("1980-1989", "same director as Heat").
    why: list[str] = Field(default_factory=list)


class FileOut(BaseModel):
    name: str
    media_type: str
    #: MCP resource URI: read it with resources/read.
    uri: str
    #: HTTP link served by the Marquee app (empty over stdio).
    url: str = ""


class SearchOut(BaseModel):
    query: str
    understood: str = Field(description="What the search read from the query (years, genres, people...)")
    titles: list[TitleOut]
    notices: list[str] = Field(default_factory=list)


class DetailsOut(BaseModel):
    found: bool
    title: TitleOut | None = None
    description: str = ""
    cast: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    other_matches: list[str] = Field(default_factory=list, description="Other titles with a similar name")


class RecommendOut(BaseModel):
    liked: list[str] = Field(description="The liked titles as found in the catalog")
    titles: list[TitleOut]
    not_found: list[str] = Field(default_factory=list, description="Names not in the catalog, with guesses")
    notes: list[str] = Field(default_factory=list)


class ShotOut(BaseModel):
    number: int
    size: str
    angle: str
    movement: str
    action: str
    duration_s: float


class StoryboardOut(BaseModel):
    summary: str
    shots: list[ShotOut]
    renderer: str = Field(description='"sketch" (blocking sketches) or "diffusion" (an image model drew them)')
    files: list[FileOut] = Field(description="Contact sheet (PNG), PDF, shot list (CSV, JSON) and the frames")
    notices: list[str] = Field(default_factory=list)


class AdsOut(BaseModel):
    title: str
    tone: str
    audience: str
    all_checks_passed: bool
    drafts: dict[str, list[str]] = Field(description="Drafts by format (tagline, logline, x_post, ...)")
    markdown: str = Field(description="The full set with the check table, ready to show")
    files: list[FileOut] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)


def title_out(title: Title, why: tuple[str, ...] | list[str] = ()) -> TitleOut:
    return TitleOut(id=title.id, title=title.title, year=title.year, genres=list(title.genres),
                    directors=list(title.directors), runtime_min=title.runtime_min,
                    critic_score=title.critic_score, why=list(why))


def hits_out(hits: list[TitleHit]) -> list[TitleOut]:
    return [title_out(h.title, h.why) for h in hits]


def details_out(found: list[Title]) -> DetailsOut:
    if not found:
        return DetailsOut(found=False)
    best = found[0]
    return DetailsOut(found=True, title=title_out(best), description=best.description or "", cast=list(best.cast[:8]),
                      countries=list(best.countries), languages=list(best.languages),
                      other_matches=[t.label for t in found[1:4]])


def recommend_out(recs: Recommendations) -> RecommendOut:
    missing = [r.query + (f" (did you mean {', '.join(c.label for c in r.candidates[:3])}?)" if r.candidates else "")
               for r in recs.unresolved]
    return RecommendOut(liked=[t.label for t in recs.liked], titles=hits_out(list(recs.hits)), not_found=missing,
                        notes=list(recs.messages))


def storyboard_out(board: Storyboard, files: list[FileLink]) -> StoryboardOut:
    shots = [ShotOut(number=s.number, size=s.size, angle=s.angle, movement=s.movement, action=s.action,
                     duration_s=s.duration_s) for s in board.shots]
    # The summary's "Sheet: <path>" line is for a local reader; hosts get the sheet in ``files``.
    summary = "\n".join(line for line in board.summary().splitlines() if not line.startswith("Sheet: "))
    return StoryboardOut(summary=summary, shots=shots, renderer=board.renderer,
                         files=[file_out(f) for f in files], notices=list(board.notices))


def ads_out(ads: AdDrafts, markdown: str, files: list[FileLink]) -> AdsOut:
    return AdsOut(title=f"{ads.title}", tone=ads.tone, audience=ads.audience or "general",
                  all_checks_passed=ads.passed, drafts={fmt: ads.texts(fmt) for fmt in ads.formats},
                  markdown=markdown, files=[file_out(f) for f in files], notices=list(ads.notices))


def file_out(link: FileLink) -> FileOut:
    return FileOut(name=link.name, media_type=link.media_type, uri=link.uri, url=link.url)
