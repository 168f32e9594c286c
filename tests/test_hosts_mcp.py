"""The MCP server, through the official ``mcp`` client: served by the web app over streamable HTTP at /mcp, and
``python -m assistant mcp`` over stdio. Bad calls get MCP-shaped errors and the server keeps serving."""

import asyncio
import json
import os
import sys

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client

from tests.conftest import SMALL_CATALOG
from tests.hosts_support import served_app

TOOLS = {"search_catalog", "title_details", "recommend_titles", "generate_storyboard", "draft_ads"}


@pytest.fixture(scope="module")
def server(small_settings, small_catalog):
    with served_app(small_settings, small_catalog) as (url, assistant):
        yield url, assistant


def over_http(url, action, headers=None):
    async def main():
        async with (streamablehttp_client(url + "/mcp", headers=headers) as (read, write, _),
                    ClientSession(read, write) as session):
            await session.initialize()
            return await action(session)
    return asyncio.run(main())


def titles(result):
    assert not result.isError, result.content
    return [t["title"] for t in result.structuredContent["titles"]]


def test_http_lists_tools_and_searches(server):
    url, _ = server

    async def action(session):
        listed = await session.list_tools()
        return listed, await session.call_tool("search_catalog", {"query": "a horror film from the 80s", "k": 5})

    listed, found = over_http(url, action)
    assert {t.name for t in listed.tools} == TOOLS
    search = next(t for t in listed.tools if t.name == "search_catalog")
    assert search.inputSchema["properties"]["k"]["maximum"] == 20 and "plain language" in search.description
    assert "The Shining" in titles(found) and "Psycho" not in titles(found)
    assert json.loads(found.content[0].text)["titles"], "the text content carries the same result as JSON"


def test_bad_calls_are_tool_errors_and_the_server_keeps_serving(server):
    url, _ = server

    async def action(session):
        return [await session.call_tool("generate_storyboard", {"scene": "a duel at dawn", "shots": 10_000}),
                await session.call_tool("no_such_tool", {}),
                await session.call_tool("search_catalog", {"query": "horror", "k": "many"}),
                await session.call_tool("search_catalog", {"query": "x" * 100_000}),
                await session.call_tool("title_details", {}),
                await session.call_tool("draft_ads", {"title": "A Film That Does Not Exist At All"}),
                await session.call_tool("search_catalog", {"query": "films by Alfred Hitchcock"})]

    *errors, after = over_http(url, action)
    assert all(e.isError for e in errors), [e.content for e in errors]
    assert "less than or equal to 24" in errors[0].content[0].text
    assert "Unknown tool" in errors[1].content[0].text
    assert "not in the catalog" in errors[5].content[0].text or "did you mean" in errors[5].content[0].text.lower()
    assert set(titles(after)) == {"Psycho", "North by Northwest"}


def test_malformed_json_rpc_gets_a_json_rpc_error(server):
    url, _ = server
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    reply = httpx.post(url + "/mcp", content=b"{not json", headers=headers, timeout=30)
    assert reply.status_code == 400 and reply.json()["error"]["code"] == -32700
    assert set(titles(over_http(url, lambda s: s.call_tool("search_catalog", {"query": "Hitchcock"})))) >= {"Psycho"}


def test_storyboard_files_are_signed_links_and_resources_under_the_data_dir(server):
    url, assistant = server

    async def action(session):
        board = await session.call_tool("generate_storyboard", {"scene": "a lone rider crosses the desert", "shots": 2})
        sheet = next(f for f in board.structuredContent["files"] if f["media_type"] == "image/png")
        return board, sheet, await session.read_resource(sheet["uri"])

    board, sheet, resource = over_http(url, action)
    assert not board.isError and len(board.structuredContent["shots"]) == 2
    files = board.structuredContent["files"]
    assert all(f["uri"].startswith("marquee://files/") and f["url"].startswith(url + "/marquee/files/") for f in files)
    assert str(assistant.settings.data_dir) not in json.dumps(board.structuredContent), "no local paths"
    image = httpx.get(sheet["url"], timeout=30)
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert resource.contents[0].mimeType == "image/png"
    outside = httpx.get(url + "/marquee/files/..%2F..%2Fetc%2Fpasswd", timeout=30)
    assert outside.status_code == 404, "the app is open, but nothing outside the data folder is served"


def test_http_needs_the_key_when_one_is_set(small_settings, small_catalog, monkeypatch):
    monkeypatch.setenv("MARQUEE_AUTH", "ana:secret")
    settings = small_settings.with_(api_key="mq-test-key")
    with served_app(settings, small_catalog) as (url, _):
        denied = httpx.post(url + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30)
        assert denied.status_code == 401 and denied.json()["error"]["code"] == -32001
        for key in ("mq-test-key", "ana:secret"):
            listed = over_http(url, lambda s: s.list_tools(), headers={"Authorization": f"Bearer {key}"})
            assert {t.name for t in listed.tools} == TOOLS
        basic = httpx.post(url + "/mcp", json={}, auth=("ana", "wrong"), timeout=30)
        assert basic.status_code == 401
        (settings.data_dir / "note.txt").write_text("private")
        assert httpx.get(url + "/marquee/files/note.txt?sig=0", timeout=30).status_code == 403, "forged link"
        own = httpx.get(url + "/marquee/files/note.txt", auth=("ana", "secret"), timeout=30)
        assert own.status_code == 200 and own.text == "private"


def test_stdio_server_lists_tools_and_searches(tmp_path):
    env = {**os.environ, "MARQUEE_DATA_DIR": str(tmp_path), "MARQUEE_CATALOG_PATH": str(SMALL_CATALOG)}
    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant", "mcp", "--no-model"], env=env)

    async def main():
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            found = await session.call_tool("search_catalog", {"query": "films by Alfred Hitchcock"})
            board = await session.call_tool("generate_storyboard", {"scene": "a chase on a rooftop", "shots": 2})
            return listed, found, board

    listed, found, board = asyncio.run(asyncio.wait_for(main(), timeout=240))
    assert {t.name for t in listed.tools} == TOOLS
    assert set(titles(found)) == {"Psycho", "North by Northwest"}
    files = board.structuredContent["files"]
    assert files and all(f["url"] == "" and f["uri"].startswith("marquee://files/") for f in files)
