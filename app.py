"""Marquee's web app: ``python app.py [--host 127.0.0.1] [--port 7860]``.

``build_app(assistant)`` builds the Gradio Blocks without serving, for tests and embedders. All the work is
done by ``assistant.Assistant``; this module only lays it out.
"""

from __future__ import annotations

import argparse
import html
import os
import threading
import time
import uuid
from collections.abc import Iterator

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from assistant import Assistant  # noqa: E402
from assistant.events import (  # noqa: E402
    AttachmentEvent,
    ErrorEvent,
    FinalAnswerEvent,
    NoticeEvent,
    TokenEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from assistant.hosts.access import Access  # noqa: E402
from assistant.hosts.routes import HostRoutes  # noqa: E402
from ui.ads_tab import ads_tab  # noqa: E402
from ui.render import STUDIO_CSS, check_badges_from_data  # noqa: E402
from ui.storyboard_tab import storyboard_tab  # noqa: E402

TOOL_ICONS = {"search_catalog": "🔎", "recommend_titles": "🎯", "generate_storyboard": "🎬", "draft_ads": "📣",
              "get_title_details": "🎞️"}
EXAMPLES = [
    "A dark psychological thriller from the '80s",
    "I loved Alien and Heat, I can't stand musicals. What should I watch?",
    "Storyboard this: a building collapses on a Buenos Aires street at night while survivors run",
    "Write ad copy for Jaws aimed at families",
    "Korean thrillers under two hours",
]
# Chat turns (and other events) served at once; more queue. A local model on a CPU gains nothing from more.
CONCURRENT_TURNS = 2
DECADES = ["Any"] + [f"{d}s" for d in range(1920, 2030, 10)]
CSS = """
.mq-cards {display:grid; grid-template-columns:repeat(auto-fill,minmax(230px,1fr)); gap:10px; margin:4px 0}
.mq-card {border:1px solid var(--border-color-primary); border-radius:10px; padding:10px 12px;
          background:var(--background-fill-secondary)}
.mq-card h4 {margin:0 0 2px 0; font-size:1rem} .mq-card .mq-meta {opacity:.75; font-size:.85rem}
.mq-card .mq-why {margin-top:6px; font-size:.85rem} .mq-chip {display:inline-block; padding:1px 7px;
 margin:2px 3px 0 0; border-radius:999px; background:var(--color-accent-soft); font-size:.78rem}
#mq-status {font-size:.85rem; opacity:.8}
""" + STUDIO_CSS


# -- rendering ---------------------------------------------------------------------------------------------
def title_cards(hits) -> str:
    """Compact HTML cards for search and recommendation results."""
    if not hits:
        return "<p><em>No titles match.</em></p>"
    cards = []
    for hit in hits:
        t = hit.title
        meta = " · ".join(str(x) for x in (t.year, f"{t.runtime_min} min" if t.runtime_min else "",
                                             ", ".join(t.directors[:2])) if x)
        genres = "".join(f'<span class="mq-chip">{html.escape(g)}</span>' for g in t.genres[:4])
        why = html.escape("; ".join(hit.why))
        cards.append(f'<div class="mq-card"><h4>{html.escape(t.title)}</h4><div class="mq-meta">{html.escape(meta)}'
                     f'</div><div>{genres}</div><div class="mq-why">✔ {why}</div></div>')
    return f'<div class="mq-cards">{"".join(cards)}</div>'


def _step_message(event: ToolCallEvent) -> dict:
    args = ", ".join(f"{k}={v!r}" for k, v in event.arguments.items())
    icon = TOOL_ICONS.get(event.name, "🔧")
    return {"role": "assistant", "content": f"`{event.name}({args})`",
            "metadata": {"title": f"{icon} {event.name}", "status": "pending", "id": event.call_id or event.name}}


def _finish_step(message: dict, event: ToolResultEvent) -> None:
    summary = event.summary if len(event.summary) < 1200 else event.summary[:1200] + "…"
    message["content"] = f"{message['content']}\n\n{summary}"
    message["metadata"] = {**message["metadata"], "status": "done", "duration": round(event.duration_s, 2)}
    if not event.ok:
        message["metadata"]["title"] += " (failed)"


def _result_messages(event: ToolResultEvent) -> list[dict]:
    """What a tool result adds to the chat besides its step: title cards, the storyboard's frames, ad badges."""
    messages = []
    if event.name == "draft_ads" and event.ok and event.data.get("found"):
        badges = check_badges_from_data(event.data)
        messages.append({"role": "assistant", "content": gr.HTML(f"<b>Checks</b>{badges}")})
    elif event.hits:
        messages.append({"role": "assistant", "content": gr.HTML(title_cards(event.hits))})
    frames = event.data.get("frames") if event.name == "generate_storyboard" and event.ok else None
    if frames:
        shots = event.data.get("shots") or []
        captions = [f"{s.get('number')}. {s.get('size')} {s.get('angle')}" for s in shots] or [""] * len(frames)
        gallery = gr.Gallery(list(zip(frames, captions, strict=False)), columns=3, height="auto", label="Frames")
        messages.append({"role": "assistant", "content": gallery})
    return messages


def _attachment_message(event: AttachmentEvent, as_file: bool = False) -> dict:
    # The storyboard's animatic GIF plays inline even when the frames are already shown as a gallery.
    if event.media_type == "image/gif" or (event.media_type.startswith("image/") and not as_file):
        return {"role": "assistant", "content": gr.Image(event.path, label=event.caption or None, show_label=True)}
    return {"role": "assistant", "content": gr.File(event.path, label=event.caption or os.path.basename(event.path))}


# -- chat --------------------------------------------------------------------------------------------------
class ChatHandler:
    """Turns an assistant's event stream into chat messages, one browser session per ``session_id``."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    def respond(self, message: str, history: list, session_id: str) -> Iterator[tuple[list, str]]:
        history = [*history, {"role": "user", "content": message}]
        yield history, ""
        steps: dict[str, dict] = {}
        answer: dict | None = None
        frames_shown = False
        for event in self.assistant.stream(message, session_id):
            if isinstance(event, ToolCallEvent):
                steps[event.call_id or event.name] = _step_message(event)
                history.append(steps[event.call_id or event.name])
            elif isinstance(event, ToolResultEvent):
                step = steps.get(event.call_id or event.name)
                if step is not None:
                    _finish_step(step, event)
                added = _result_messages(event)
                history += added
                frames_shown |= any(isinstance(m["content"], gr.Gallery) for m in added)
            elif isinstance(event, TokenEvent):
                if answer is None:
                    answer = {"role": "assistant", "content": ""}
                    history.append(answer)
                answer["content"] += event.text
            elif isinstance(event, AttachmentEvent):
                # The frames are already in a gallery: the contact sheet is offered as a download with the PDF.
                history.append(_attachment_message(event, as_file=frames_shown))
            elif isinstance(event, NoticeEvent | ErrorEvent):
                history.append({"role": "assistant", "content": event.message,
                                "metadata": {"title": "ℹ️ Note" if isinstance(event, NoticeEvent) else "⚠️ Problem"}})
            elif isinstance(event, FinalAnswerEvent):
                if answer is None:
                    history.append({"role": "assistant", "content": event.text})
                else:
                    answer["content"] = event.text  # authoritative: may replace an ungrounded stream
            yield history, ""

    def reply_text(self, message: str, session_id: str = "api") -> str:
        """The ``/chat`` API: one message in, the reply text out."""
        return self.assistant.chat(message, session_id=session_id or "api").text

    def reply_stream(self, message: str, session_id: str = "api") -> Iterator[str]:
        """The ``/chat_stream`` API: the reply so far, growing token by token, then the final text (which may
        replace what was streamed, when the agent answers from the tool results instead)."""
        text = ""
        for event in self.assistant.stream(message, session_id or "api"):
            if isinstance(event, TokenEvent):
                text += event.text
                yield text
            elif isinstance(event, FinalAnswerEvent):
                yield event.text

    def new_chat(self, session_id: str) -> tuple[list, str]:
        self.assistant.reset(session_id)
        return [], uuid.uuid4().hex


# -- catalog browser ---------------------------------------------------------------------------------------
def browse(assistant: Assistant, text: str, decade: str, genres: list[str], country: str, language: str,
           max_runtime: float) -> str:
    engine = assistant.catalog.search_engine
    query = text.strip() or "films"
    c = engine.parse(query)
    if decade and decade != "Any":
        start = int(decade[:4])
        c = c.with_(year_min=start, year_max=start + 9)
    if genres:
        c = c.with_(genres_all=tuple(dict.fromkeys((*c.genres_all, *genres))))
    if country and country != "Any":
        c = c.with_(countries=(country,))
    if language and language != "Any":
        c = c.with_(languages=(language,))
    if max_runtime and max_runtime < 240:
        c = c.with_(runtime_max=int(max_runtime))
    result = engine.search(query, k=24, constraints=c)
    notes = "".join(f"<p><em>{html.escape(n)}</em></p>" for n in result.notices)
    return notes + title_cards(result.hits)


def status_line(assistant: Assistant) -> str:
    return assistant.status().line()


# -- layout ------------------------------------------------------------------------------------------------
def build_app(assistant: Assistant) -> gr.Blocks:
    """The whole UI for ``assistant``; serving is the caller's business (``.queue().launch()``)."""
    chat = ChatHandler(assistant)
    with gr.Blocks(title="Marquee") as demo:
        session_id = gr.State("")
        gr.HTML('<div class="mq-hero"><h1>🎬 Marquee</h1><p>Find something to watch, storyboard a scene, '
                'draft the ads.</p></div>')
        status = gr.Markdown(elem_id="mq-status")
        with gr.Tab("Chat"):
            chatbot = gr.Chatbot(height=560, buttons=["copy"], placeholder="Ask for a film, a storyboard or ad copy.",
                                 elem_id="mq-chat")
            with gr.Row():
                box = gr.Textbox(placeholder="e.g. a dark psychological thriller from the '80s", show_label=False,
                                 scale=8, elem_id="mq-input", submit_btn=True)
                clear = gr.Button("New chat", scale=1, variant="secondary")
            gr.Examples(EXAMPLES, inputs=box, label="Try")
            box.submit(chat.respond, [box, chatbot, session_id], [chatbot, box], api_visibility="private")
            clear.click(chat.new_chat, [session_id], [chatbot, session_id], api_visibility="private")
        with gr.Tab("Catalog"):
            _catalog_tab(assistant)
        with gr.Tab("Storyboard studio"):
            storyboard_tab(assistant)
        with gr.Tab("Ad studio"):
            ads_tab(assistant)
        gr.api(chat.reply_text, api_name="chat")
        gr.api(chat.reply_stream, api_name="chat_stream")
        demo.load(lambda: uuid.uuid4().hex, outputs=session_id, api_visibility="private")
        demo.load(lambda: status_line(assistant), outputs=status, api_visibility="private")
    return demo


def _catalog_tab(assistant: Assistant) -> None:
    vocab_genres, countries, languages = _facets(assistant)
    with gr.Row():
        text = gr.Textbox(label="Describe it (optional)", placeholder="heist, space, coming of age…", scale=3)
        decade = gr.Dropdown(DECADES, value="Any", label="Decade", scale=1)
        runtime = gr.Slider(60, 240, value=240, step=5, label="Max runtime (min)", scale=1)
    with gr.Row():
        genres = gr.Dropdown(vocab_genres, multiselect=True, label="Genres")
        country = gr.Dropdown(["Any", *countries], value="Any", label="Country")
        language = gr.Dropdown(["Any", *languages], value="Any", label="Language")
    go = gr.Button("Search", variant="primary")
    results = gr.HTML(elem_id="mq-catalog-results")
    inputs = [text, decade, genres, country, language, runtime]
    go.click(lambda *a: browse(assistant, *a), inputs, results, api_name="browse")
    text.submit(lambda *a: browse(assistant, *a), inputs, results, api_visibility="private")


def _facets(assistant: Assistant) -> tuple[list[str], list[str], list[str]]:
    vocab = assistant.catalog.search_engine.vocabulary
    return sorted(vocab.genres), sorted(vocab.countries), sorted(vocab.languages)


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860, **launch: object) -> gr.Blocks:
    """Build and launch the app; returns the Blocks (``.close()`` it when launched with
    ``prevent_thread_lock=True``)."""
    demo = build_app(assistant).queue(default_concurrency_limit=CONCURRENT_TURNS, max_size=64)
    auth = os.environ.get("MARQUEE_AUTH", "")
    credentials = tuple(auth.split(":", 1)) if ":" in auth else None
    # /mcp, /v1 and the result files, behind the same login (or MARQUEE_API_KEY), mounted at startup.
    hosts = HostRoutes(assistant, host=host, access=Access(assistant.settings.api_key, credentials),
                       concurrent_turns=CONCURRENT_TURNS)
    launch["app_kwargs"] = {**launch.get("app_kwargs", {}), "lifespan": hosts.lifespan(_login_check)}
    # Storyboard frames and sheets are written under the data dir; Gradio serves only folders it is told about.
    allowed = [str(assistant.settings.data_dir), *launch.pop("allowed_paths", [])]
    demo.launch(server_name=host, server_port=port, auth=credentials, css=CSS, theme=gr.themes.Soft(),
                footer_links=[], allowed_paths=allowed, **launch)
    return demo


def _login_check(gradio_app):
    """Whether a request carries the app's login cookie (a browser that signed in to the app)."""
    def logged_in(request) -> bool:
        cookies = request.cookies
        token = cookies.get(f"access-token-{gradio_app.cookie_id}") or cookies.get(
            f"access-token-unsecure-{gradio_app.cookie_id}")
        return token is not None and gradio_app.tokens.get(token) is not None
    return logged_in


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Marquee web app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    assistant = Assistant()
    _ = assistant.catalog.search_engine.vocabulary  # build/load the index before the first visitor
    # The chat model loads in the background (seconds to a minute) so the first visitor's turn does not wait
    # for it; the page is up meanwhile.
    threading.Thread(target=assistant.warm_up, name="marquee-warm-up", daemon=True).start()
    print(f"Marquee ready in {time.perf_counter() - started:.0f} s on http://{args.host}:{args.port}")
    serve(assistant, args.host, args.port)


if __name__ == "__main__":
    main()
