"""Marquee inside other tools: an MCP server (``mcp_server``), OpenAI-compatible chat routes (``openai_routes``),
and the HTTP pieces they share (``files``: links to results under the data folder; ``access``: who may call).

Nothing here imports Gradio: ``app.py`` mounts ``routes.host_routes(...)`` beside the Gradio app.
"""
