"""The tools the chat agent can call, as LangChain tools built per session by ``build_agent_tools``.

Tool names and signatures are a public contract (the UI and the benchmarks read them):
``search_catalog``, ``recommend_titles``, ``generate_storyboard``, ``draft_ads``, ``get_title_details``.

Each tool returns ``(text, ToolArtifact)``: compact text for the model (a small model reads a short list far
better than JSON) and structured data for the UI (title cards, files). Tools raise ``ToolInputError`` for
arguments they cannot use; the agent hands that message back to the model so it can try again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from langchain_core.tools import BaseTool, tool

from knowledge.titles import Title, normalize_title
from tools.agent_creative import CreativeServices, ads_for_chat, recommend_for_viewer, storyboard_for_chat
from tools.artifacts import ToolArtifact, ToolInputError, titles_for_model
from tools.search.constraints import Constraints, award_words
from tools.search.engine import CatalogSearch, EmptyQueryError, SearchResult, TitleHit

TOOL_NAMES = ("search_catalog", "recommend_titles", "generate_storyboard", "draft_ads", "get_title_details")
MAX_TOOL_K = 20
# (No examples in the argument descriptions: a 0.5B model copies them into its calls.)
DESCRIPTION_CHARS = 360


class CatalogLike(Protocol):
    """What the tools need of the catalog (``assistant.catalog.Catalog`` fits)."""

    @property
    def search_engine(self) -> CatalogSearch: ...

    def search(self, query: str, k: int = 10, previous: SearchResult | None = None) -> SearchResult: ...


class ProfileLike(Protocol):
    likes: list[str]
    dislikes: list[str]
    seen: list[str]

    def add(self, *, likes: Sequence[str] = (), dislikes: Sequence[str] = (),
            seen: Sequence[str] = ()) -> None: ...


class SessionLike(Protocol):
    """What the tools need of the conversation (``assistant.memory.Session`` fits)."""

    last_search: SearchResult | None
    profile: ProfileLike

    def remember_search(self, result: SearchResult) -> None: ...


__all__ = ["TOOL_NAMES", "CatalogLike", "CreativeServices", "SessionLike", "ToolArtifact", "ToolInputError",
           "build_agent_tools"]


def build_agent_tools(catalog: CatalogLike, session: SessionLike, services: CreativeServices | None = None,
                      message: str = "") -> list[BaseTool]:
    """The five agent tools, bound to one catalog, one session and the user's current ``message`` (cheap:
    build them per turn). ``services`` holds what the creative tools share across sessions; without it they
    work model-free (coverage-pattern shot lists, template ads)."""
    services = services or CreativeServices()

    @tool("search_catalog", parse_docstring=True, response_format="content_and_artifact")
    def search_catalog(query: str, k: int = 10, refine_previous: bool = False) -> tuple[str, ToolArtifact]:
        """Search the movie catalog by genre, decade, mood, people or country.

        Args:
            query: The user's request, word for word.
            k: Number of titles.
            refine_previous: True to adjust the last search ("something older").
        """
        return run_search(catalog, session, query, k, refine_previous)

    @tool("get_title_details", parse_docstring=True, response_format="content_and_artifact")
    def get_title_details(title: str) -> tuple[str, ToolArtifact]:
        """Facts about one movie: year, director, cast, runtime, plot.

        Args:
            title: The title the user asked about.
        """
        return title_details(catalog.search_engine, title)

    @tool("recommend_titles", parse_docstring=True, response_format="content_and_artifact")
    def recommend_titles(
        liked: list[str],
        disliked: list[str] = [],  # noqa: B006 - never mutated; a plain array default keeps the schema simple
        k: int = 10,
    ) -> tuple[str, ToolArtifact]:
        """Recommend movies similar to ones the user liked.

        Args:
            liked: Titles the user said they liked.
            disliked: Titles the user said they disliked.
            k: Number of titles.
        """
        session.profile.add(likes=_clean_names(liked), dislikes=_clean_names(disliked))
        k = max(1, min(int(k or 10), MAX_TOOL_K))
        profile = session.profile
        return recommend_for_viewer(catalog.search_engine, liked, disliked, k, profile.likes, profile.dislikes,
                                    profile.seen, message)

    @tool("generate_storyboard", parse_docstring=True, response_format="content_and_artifact")
    def generate_storyboard(scene: str, shots: int = 6, aspect: str = "16:9") -> tuple[str, ToolArtifact]:
        """Draw a storyboard (shots, animatic, overhead plan) of a scene or of a pasted screenplay.

        Args:
            scene: The scene as the user described it.
            shots: Number of shots.
            aspect: Aspect ratio.
        """
        return storyboard_for_chat(services, scene, shots, aspect)

    @tool("draft_ads", parse_docstring=True, response_format="content_and_artifact")
    def draft_ads(title: str, tone: str = "", audience: str = "") -> tuple[str, ToolArtifact]:
        """Write ad copy (taglines, social posts) promoting a movie.

        Args:
            title: The movie to promote.
            tone: The tone the user asked for, if any.
            audience: The audience the user named, if any.
        """
        return ads_for_chat(services, catalog.search_engine, title, tone, audience)

    return [search_catalog, recommend_titles, generate_storyboard, draft_ads, get_title_details]


# -- search ------------------------------------------------------------------------------------------------
def run_search(catalog: CatalogLike, session: SessionLike, query: str, k: int = 10,
               refine_previous: bool = False) -> tuple[str, ToolArtifact]:
    k = max(1, min(int(k or 10), MAX_TOOL_K))
    previous = session.last_search if refine_previous else None
    seen = {normalize_title(name) for name in session.profile.seen}
    try:
        # Ask for a few more than k: titles the viewer has seen are dropped afterwards.
        result = catalog.search(query, k=k + len(seen), previous=previous)
    except EmptyQueryError as error:
        raise ToolInputError("The query is empty: pass what the user asked for, e.g. query=\"80s horror\".") \
            from error
    hits = [h for h in result.hits if normalize_title(h.title.title) not in seen][:k]
    result = SearchResult(query=result.query, constraints=result.constraints, hits=hits)
    session.remember_search(result)
    note = "" if previous is not None or not refine_previous else " (there was no earlier search to refine)"
    return search_text(result, note), ToolArtifact(
        data={"query": query, "refined": previous is not None, "understood": describe_constraints(
            result.constraints), "notices": list(result.notices), "hits": [h.to_dict() for h in hits]}, hits=hits)


def search_text(result: SearchResult, note: str = "") -> str:
    understood = describe_constraints(result.constraints)
    head = f'Search "{_one_line(result.query, 80)}"{note}'
    head += f" (understood: {understood})" if understood else ""
    head += "".join(f" {n}" for n in result.notices[:2])
    if not result.hits:
        return head + ": no titles match. Suggest loosening the request."
    return "\n".join([f"{head}: {len(result.hits)} titles. Best matches:", *titles_for_model(result.hits)])


def describe_constraints(c: Constraints) -> str:
    """What the search understood, in a few words ("1980-1989, horror, directed by John Carpenter")."""
    parts = []
    if c.year_min or c.year_max:
        parts.append(f"{c.year_min or '...'}-{c.year_max or '...'}")
    parts += [g.lower() for g in (*c.genres_all, *c.genres_any)]
    parts += [f"not {g.lower()}" for g in c.genres_none]
    parts += [f"directed by {p}" for p in c.directors] + [f"with {p}" for p in c.cast]
    parts += [f"from {', '.join(c.countries)}"] if c.countries else []
    parts += [f"in {', '.join(c.languages)}"] if c.languages else []
    if c.runtime_min or c.runtime_max:
        parts.append(f"{c.runtime_min or 0}-{c.runtime_max or '...'} min")
    if c.min_critic_score:
        parts.append(f"critics >= {c.min_critic_score}%")
    if c.awards:
        parts.append(award_words(c.awards))
    parts += [f"{facet} (tone or theme)" for facet in (*c.tones, *c.themes)]
    if c.kind:
        parts.append(c.kind)
    if c.exclude_ids:
        parts.append(f"{len(c.exclude_ids)} excluded")
    return ", ".join(parts)


# -- details -----------------------------------------------------------------------------------------------
_TRAILING_YEAR = re.compile(r"^(?P<name>.+?)\s*[(\[]?(?P<year>(?:18|19|20)\d\d)[)\]]?\s*$")


def resolve_title(engine: CatalogSearch, name: str) -> list[Title]:
    """Titles that ``name`` (an id, a title, or "Title (1995)") refers to, best first."""
    name = (name or "").strip().strip("\"'*")
    if not name:
        raise ToolInputError("The title is empty: pass the name of a movie or show, e.g. title=\"Alien\".")
    by_id = engine.get(name)
    if by_id is not None:
        return [by_id]
    found = engine.find_title(name)
    match = _TRAILING_YEAR.match(name)
    if match:  # "Heat (1995)": prefer that year, and also find it when the year is not part of the title
        dated = [t for t in found + engine.find_title(match["name"]) if t.year == int(match["year"])]
        found = list({t.id: t for t in dated + found}.values())
    return found


def title_details(engine: CatalogSearch, name: str) -> tuple[str, ToolArtifact]:
    found = resolve_title(engine, name)
    if not found:
        text = (f'"{_one_line(name, 80)}" is not in the catalog. Tell the user; do not invent facts. '
                "search_catalog can look for similar titles.")
        return text, ToolArtifact(data={"query": name, "found": False})
    best, others = found[0], found[1:]
    text = details_text(best)
    if others:
        text += "\nOther titles with a similar name: " + ", ".join(t.label for t in others[:3])
    hit = TitleHit(best, 1.0, ("the title you asked about",))
    return text, ToolArtifact(data={"query": name, "found": True, "title": best.to_dict()}, hits=[hit])


def details_text(t: Title) -> str:
    facts = [f"{t.label} - {t.kind}"]
    if t.genres:
        facts.append(", ".join(t.genres))
    if t.runtime_min:
        facts.append(f"{t.runtime_min} min")
    if t.maturity_rating:
        facts.append(f"rated {t.maturity_rating}")
    lines = [". ".join(facts) + "."]
    for label, people in (("Directed by", t.directors), ("Cast", t.cast[:5]), ("Country", t.countries),
                          ("Language", t.languages)):
        if people:
            lines.append(f"{label}: {', '.join(people)}.")
    if t.critic_score is not None:
        lines.append(f"Critics: {t.critic_score}% positive ({t.critic_review_count or 0} reviews).")
    if t.description:
        lines.append(f"Description: {_one_line(t.description, DESCRIPTION_CHARS)}")
    return "\n".join(lines)


def _clean_names(names: Sequence[str] | None) -> list[str]:
    return [str(n).strip() for n in names or [] if str(n).strip()]


def _one_line(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
