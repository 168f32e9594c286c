"""Marquee's tools as an MCP server (the official ``mcp`` SDK, 1.x FastMCP API).

``build_mcp_server(assistant)`` registers five tools on a FastMCP server: ``search_catalog``, ``title_details``,
``recommend_titles``, ``generate_storyboard`` and ``draft_ads``. The web app serves it over streamable HTTP at
``/mcp`` (``assistant.hosts.routes``); ``python -m assistant mcp`` serves it over stdio for desktop hosts.

Arguments are typed and bounded (pydantic), so a wrong type, an oversized string or a 10,000-shot storyboard
comes back as a tool error in MCP's own shape (``isError``) and the server keeps serving. Files the tools write
are returned as ``marquee://files/...`` resources (and, over HTTP, signed links served by the app), never as
paths, and only when they lie under the data folder.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Literal

import anyio.to_thread
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.fastmcp.resources import FileResource
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field

from assistant.hosts.files import RESOURCE_PREFIX, FileLink, FileLinks
from assistant.hosts.results import (
    AdsOut,
    DetailsOut,
    RecommendOut,
    SearchOut,
    StoryboardOut,
    ads_out,
    details_out,
    hits_out,
    recommend_out,
    storyboard_out,
)

if TYPE_CHECKING:
    from assistant.api import Assistant

log = logging.getLogger(__name__)

MCP_PATH = "/mcp"
INSTRUCTIONS = ("Marquee: a film and series catalog assistant. Search the catalog in plain language, look up one "
                "title, recommend titles from ones a viewer liked, storyboard a scene, and draft checked ad copy "
                "for a catalog title. Only name titles these tools return.")
LOOPBACK = ("127.0.0.1", "localhost", "::1")

Text200 = Annotated[str, Field(min_length=1, max_length=200)]
AdFormat = Literal["tagline", "logline", "social", "spots", "search", "key_art", "x_post", "instagram",
                   "video_hook", "spot_15s", "spot_30s"]
Aspect = Literal["16:9", "2.39:1", "1.85:1", "9:16", "4:3", "1:1"]


def build_mcp_server(assistant: Assistant, *, use_model: bool = True, host: str = "127.0.0.1",
                     links: FileLinks | None = None) -> FastMCP:
    """An MCP server over ``assistant``. ``use_model=False`` plans storyboards with the coverage pattern and
    writes template ads (no chat model is loaded: instant, for hosts that bring their own model); ``host`` is
    the address served, which decides whether DNS-rebinding protection (loopback only) applies."""
    links = links or FileLinks(assistant.settings.data_dir)
    server = FastMCP("marquee", instructions=INSTRUCTIONS, host=host, streamable_http_path=MCP_PATH,
                     transport_security=_transport_security(host), log_level="WARNING")
    tools = _Tools(assistant, links, server, use_model)
    for function in (tools.search_catalog, tools.title_details, tools.recommend_titles, tools.generate_storyboard,
                     tools.draft_ads):
        server.add_tool(function, structured_output=True)
    server.resource(RESOURCE_PREFIX + "{path}", name="marquee-file",
                    description="A file a Marquee tool wrote (storyboard sheet, PDF, shot list, ad export).",
                    mime_type="application/octet-stream")(tools.read_file)
    return server


def _transport_security(host: str) -> TransportSecuritySettings:
    # On loopback the SDK's DNS-rebinding check protects a local server from web pages; on a public address
    # the Host header is whatever the proxy sends, and the app's auth is what protects the endpoint.
    if host in LOOPBACK:
        return TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                         allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
                                         allowed_origins=["http://127.0.0.1:*", "http://localhost:*",
                                                          "http://[::1]:*"])
    return TransportSecuritySettings(enable_dns_rebinding_protection=False)


class _Tools:
    """The tool bodies: each runs the Assistant's blocking work in a worker thread (the event loop keeps
    serving other requests) and returns a typed result."""

    def __init__(self, assistant: Assistant, links: FileLinks, server: FastMCP, use_model: bool):
        self.assistant, self.links, self.server, self.use_model = assistant, links, server, use_model
        self._services = None

    async def search_catalog(
        self,
        query: Annotated[str, Field(min_length=1, max_length=500,
                                    description="What the viewer wants, in their own words")],
        k: Annotated[int, Field(ge=1, le=20, description="How many titles")] = 10,
    ) -> SearchOut:
        """Search the film catalog in plain language: genres, eras ("80s", "before 1960"), people ("by Kubrick",
        "starring Meryl Streep"), countries and languages, runtime ("under 90 minutes"), acclaim and negations
        ("no horror"). Returns the best matches, each with why it matches."""
        from tools.agent_tools import describe_constraints

        result = await anyio.to_thread.run_sync(lambda: self.assistant.search(query, k=k))
        return SearchOut(query=query, understood=describe_constraints(result.constraints),
                         titles=hits_out(result.hits), notices=list(result.notices))

    async def title_details(
        self,
        title: Annotated[str, Field(min_length=1, max_length=200,
                                    description='A catalog title, optionally with its year: "Heat (1995)"')],
    ) -> DetailsOut:
        """Facts about one catalog title: year, genres, director, cast, runtime, countries, languages, critics'
        score and a plot description. found=false when the catalog has no such title (do not invent facts)."""
        from tools.agent_tools import resolve_title

        engine = await anyio.to_thread.run_sync(lambda: self.assistant.catalog.search_engine)
        return details_out(await anyio.to_thread.run_sync(lambda: resolve_title(engine, title)))

    async def recommend_titles(
        self,
        liked: Annotated[list[Text200], Field(min_length=1, max_length=20,
                                              description="Titles the viewer liked")],
        disliked: Annotated[list[Text200], Field(max_length=20, description="Titles the viewer disliked")] = [],  # noqa: B006
        k: Annotated[int, Field(ge=1, le=20, description="How many titles")] = 10,
        constraints: Annotated[str, Field(max_length=300,
                                          description='Limits in plain words: "only 90s, no musicals"')] = "",
    ) -> RecommendOut:
        """Recommend catalog titles for a viewer who liked (and disliked) the named titles, each with why
        ("same director as Heat"). Names not in the catalog come back in not_found with guesses."""
        recs = await anyio.to_thread.run_sync(lambda: self.assistant.recommend(
            liked, disliked, k=k, constraints=constraints or None))
        return recommend_out(recs)

    async def generate_storyboard(
        self,
        scene: Annotated[str, Field(min_length=1, max_length=2000, description="The scene to storyboard")],
        ctx: Context,
        shots: Annotated[int, Field(ge=1, le=24, description="Number of shots (1-24)")] = 6,
        aspect: Annotated[Aspect, Field(description="Frame aspect ratio")] = "16:9",
        style: Annotated[str, Field(max_length=200, description='Look of the frames, e.g. "graphic novel"')] = "",
    ) -> StoryboardOut:
        """Storyboard a scene: a shot list (size, angle, movement, action, duration) and one frame per shot,
        exported as a contact sheet PNG, a PDF and a CSV/JSON shot list, returned as links."""
        board = await anyio.to_thread.run_sync(lambda: self._storyboarder().create(
            scene, shots=shots, aspect=aspect, style=style or None))
        paths = [board.sheet_png, board.sheet_pdf, board.shot_list_csv, board.shot_list_json, *board.frames]
        return storyboard_out(board, self._publish(paths, ctx))

    async def draft_ads(
        self,
        title: Annotated[str, Field(min_length=1, max_length=200, description="The catalog title to promote")],
        ctx: Context,
        tone: Annotated[str, Field(max_length=60, description="thrilling, heartfelt, playful, prestige...")] = "",
        audience: Annotated[str, Field(max_length=120, description='e.g. "families", "horror fans"')] = "",
        formats: Annotated[list[AdFormat] | None, Field(max_length=11, description="Default: all formats")] = None,
    ) -> AdsOut:
        """Write ad copy for a catalog title: taglines, loglines, social posts, spot scripts, search ads and a
        key-art prompt. Every draft passes length, grounding, spoiler and brand-safety checks. Fails with
        did-you-mean suggestions when the title is not in the catalog."""
        from tools.ads import UnknownTitleError, export, to_markdown

        def work():
            ads = self.assistant.ad_drafts(title, formats=formats, tone=tone, audience=audience,
                                           use_model=self.use_model)
            return ads, export(ads, self.assistant.settings.data_dir / "ads")

        try:
            ads, paths = await anyio.to_thread.run_sync(work)
        except UnknownTitleError as error:
            raise ToolError(str(error)) from error
        return ads_out(ads, to_markdown(ads), self._publish(paths, ctx))

    async def read_file(self, path: str) -> bytes:
        """A file a Marquee tool wrote, by its path under the data folder."""
        found = self.links.resolve(path)
        if found is None:
            raise ValueError(f"No Marquee file {path!r}.")
        return await anyio.to_thread.run_sync(found.read_bytes)

    # -- helpers ---------------------------------------------------------------------------------------
    def _storyboarder(self):
        if self.use_model:
            return self.assistant.services.storyboarder
        if self._services is None:
            from tools.agent_tools import CreativeServices

            self._services = CreativeServices(None, self.assistant.settings)
        return self._services.storyboarder

    def _publish(self, paths: list, ctx: Context) -> list[FileLink]:
        """Links for the files under the data folder, each also listed as an MCP resource."""
        request = getattr(ctx.request_context, "request", None) if ctx else None
        base = f"{request.url.scheme}://{request.url.netloc}" if request is not None else ""
        found = self.links.links(paths, base_url=base, http=request is not None)
        for link in found:
            path = self.links.resolve(link.uri.removeprefix(RESOURCE_PREFIX))
            if path is not None:
                self.server.add_resource(FileResource(uri=link.uri, name=link.name, path=path,
                                                      mime_type=link.media_type,
                                                      is_binary=not link.media_type.startswith("text/")))
        return found


def run_stdio(assistant: Assistant, use_model: bool = True) -> None:
    """Serve over stdio until the host closes the pipe (``python -m assistant mcp``)."""
    build_mcp_server(assistant, use_model=use_model).run("stdio")
