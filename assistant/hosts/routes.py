"""Everything Marquee serves to other tools, as Starlette routes to mount beside the web app:
``/mcp`` (MCP over streamable HTTP), ``/v1/models`` and ``/v1/chat/completions`` (OpenAI-compatible) and
``/marquee/files/...`` (the files results link to).

``app.py`` creates one ``HostRoutes`` and hands Gradio its ``lifespan``; at startup it inserts the routes in
front of Gradio's and runs the MCP session manager for as long as the server runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.hosts.access import Access, RateLimiter, caller_of
from assistant.hosts.files import FILES_ROUTE, FileLinks
from assistant.hosts.mcp_server import MCP_PATH, build_mcp_server
from assistant.hosts.openai_routes import OpenAIRoutes

if TYPE_CHECKING:
    from assistant.api import Assistant


class HostRoutes:
    """The host-facing routes over one assistant, behind ``access``."""

    def __init__(self, assistant: Assistant, *, host: str = "127.0.0.1", access: Access | None = None,
                 concurrent_turns: int = 2):
        self.assistant = assistant
        self.access = access or Access(api_key=assistant.settings.api_key)
        self.links = FileLinks(assistant.settings.data_dir)
        self.mcp = build_mcp_server(assistant, host=host, links=self.links)
        self.limiter = RateLimiter(assistant.settings.api_rate_limit)
        self.openai = OpenAIRoutes(assistant, self.links, self.access, self.limiter, concurrent_turns)
        self._mcp_app = self.mcp.streamable_http_app()  # creates the session manager

    def routes(self) -> list[Route]:
        mcp_endpoint = _Guarded(self._mcp_endpoint(), self.access, self.limiter)
        return [Route(MCP_PATH, mcp_endpoint), *self.openai.routes(),
                Route(FILES_ROUTE + "/{path:path}", self.serve_file, methods=["GET", "HEAD"])]

    def _mcp_endpoint(self) -> ASGIApp:
        route = next(r for r in self._mcp_app.routes if getattr(r, "path", "") == MCP_PATH)
        return route.app

    def mount(self, router: Router, logged_in: Callable[[Request], bool] | None = None) -> None:
        """Put the routes in front of ``router``'s own (Gradio's catch-all routes come later)."""
        if logged_in is not None:
            self.access.logged_in = logged_in
        router.routes[0:0] = self.routes()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the MCP session manager (once per ``HostRoutes``: the SDK allows one run)."""
        async with self.mcp.session_manager.run():
            yield

    def lifespan(self, logged_in_for: Callable[[object], Callable[[Request], bool]] | None = None):
        """A lifespan for the served app: mounts the routes on it, then runs them. ``logged_in_for(app)``
        gives the check for the app's own login cookie."""

        @asynccontextmanager
        async def lifespan(app) -> AsyncIterator[None]:
            self.mount(app.router, logged_in_for(app) if logged_in_for else None)
            async with self.running():
                yield

        return lifespan

    async def serve_file(self, request: Request) -> Response:
        relative = request.path_params["path"]
        if not (self.links.verify(relative, request.query_params.get("sig", "")) or self.access.allows(request)):
            return JSONResponse({"error": "This link is not signed for this server."}, status_code=403)
        path = self.links.resolve(relative)
        if path is None:
            return JSONResponse({"error": "No such file."}, status_code=404)
        return FileResponse(path)


class _Guarded:
    """An ASGI app that answers 401 unless ``access`` allows, and 429 past the caller's rate (JSON-RPC shaped
    errors, as MCP clients expect)."""

    def __init__(self, app: ASGIApp, access: Access, limiter: RateLimiter):
        self.app, self.access, self.limiter = app, access, limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            if not self.access.allows(request):
                await _rpc_error(401, -32001, "Unauthorized: send Authorization: Bearer <MARQUEE_API_KEY> or the "
                                              "app's login.", {"WWW-Authenticate": 'Bearer realm="marquee"'},
                                 scope, receive, send)
                return
            if not self.limiter.allow(caller_of(request)):
                await _rpc_error(429, -32002, "Too many requests; slow down and retry in a few seconds.", {},
                                 scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _rpc_error(status: int, code: int, message: str, headers: dict[str, str], scope: Scope, receive: Receive,
                     send: Send) -> None:
    response = JSONResponse({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}},
                            status_code=status, headers=headers)
    await response(scope, receive, send)
