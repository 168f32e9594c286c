"""Command line: ``python -m assistant {ingest,search,bench,...}``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from knowledge.settings import Settings

log = logging.getLogger("assistant")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        data_dir=getattr(args, "data_dir", None),
        catalog_path=getattr(args, "catalog", None),
        chroma_url=getattr(args, "chroma_url", None),
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.catalog import Catalog

    catalog = Catalog.from_settings(_settings(args))
    report = catalog.ingest(rebuild=args.rebuild, progress=not args.quiet)
    if report.was_noop:
        print(f"Catalog unchanged: {report.total:,} titles already indexed at {catalog.store.location} "
              f"({report.seconds:.1f} s).")
    else:
        print(f"Indexed {report.total:,} titles at {catalog.store.location}: {report.upserted:,} added or updated, "
              f"{report.deleted:,} removed, {report.unchanged:,} unchanged ({report.seconds:.1f} s).")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    # The catalog alone, not the Assistant: a search needs no agent or chat model (see assistant/__init__.py).
    from assistant.catalog import Catalog

    result = Catalog.from_settings(_settings(args)).search(args.query, k=args.k)
    if args.json:
        print(json.dumps([h.to_dict() for h in result.hits], ensure_ascii=False, indent=2))
        return 0
    for notice in result.notices:
        print(f"note: {notice}", file=sys.stderr)
    if not result.hits:
        print("No titles match. Try fewer constraints.")
        return 0
    _print_table(result.hits)
    return 0


def _print_table(hits) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("#", "Title", "Year", "Genres", "Why"):
        table.add_column(column, overflow="fold")
    for n, hit in enumerate(hits, start=1):
        t = hit.title
        table.add_row(str(n), t.title, str(t.year or ""), ", ".join(t.genres[:3]), "; ".join(hit.why))
    Console().print(table)


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.agent import AgentConfig
    from assistant.api import Assistant
    from assistant.llm import EmbeddedModelError

    assistant = Assistant(_settings(args), agent_config=AgentConfig(use_intent=not args.no_intent))
    try:
        return _chat(assistant, args)
    except EmbeddedModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _chat(assistant, args: argparse.Namespace) -> int:
    if args.json:
        for n, message in enumerate(args.json):
            session = f"cli-json-{os.getpid()}-{n}"  # a fresh session per message
            reply = assistant.chat(message, session_id=session)
            assistant.reset(session)
            print(json.dumps({"reply": reply.text, "tool_calls": reply.tool_calls, "attachments": reply.attachments},
                             ensure_ascii=False), flush=True)
        return 0
    return _repl(assistant)


def _repl(assistant) -> int:
    print("Loading the catalog and the chat model...", file=sys.stderr, flush=True)
    assistant.warm_up()  # now, not in the middle of the first answer
    print("Marquee chat. /reset starts over, /quit (or Ctrl-D) leaves.", file=sys.stderr)
    while True:
        try:
            message = input("\nyou> ")
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            return 0
        if message.strip() in ("/quit", "/exit"):
            return 0
        if message.strip() == "/reset":
            assistant.reset("repl")
            print("(conversation cleared)", file=sys.stderr)
            continue
        _print_turn(assistant.stream(message, session_id="repl"))


def _print_turn(events) -> None:
    from assistant.events import ErrorEvent, FinalAnswerEvent, NoticeEvent, TokenEvent, ToolCallEvent, ToolResultEvent

    print("marquee> ", end="", flush=True)
    streamed = False
    for event in events:
        if isinstance(event, TokenEvent):
            print(event.text, end="", flush=True)
            streamed = True
        elif isinstance(event, ToolCallEvent):
            args = ", ".join(f"{k}={v!r}" for k, v in event.arguments.items())
            print(f"\n  [calling {event.name}({args})]", file=sys.stderr, flush=True)
        elif isinstance(event, ToolResultEvent):
            first = event.summary.splitlines()[0] if event.summary else ""
            print(f"  [{event.name}: {first[:100]} ({event.duration_s:.2f} s)]", file=sys.stderr, flush=True)
        elif isinstance(event, NoticeEvent | ErrorEvent):
            print(f"  [{event.kind}: {event.message}]", file=sys.stderr, flush=True)
        elif isinstance(event, FinalAnswerEvent) and (event.replaces_stream or not streamed):
            print(("\n" if streamed else "") + event.text, flush=True)
    print()


def cmd_recommend(args: argparse.Namespace) -> int:
    from assistant.api import Assistant
    from knowledge.interactions import InteractionFileError

    try:
        result = Assistant(_settings(args)).recommend(args.like, args.dislike, k=args.k, constraints=args.only,
                                                      interactions=args.interactions)
    except InteractionFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    for message in result.messages:
        print(f"note: {message}", file=sys.stderr)
    if result.hits:
        _print_table(result.hits)
    return 0


def _resolve_llm(settings):
    from assistant.llm import resolve_llm

    return resolve_llm(settings)  # loads the weights only when the shots are planned


def cmd_storyboard(args: argparse.Namespace) -> int:
    from assistant.llm.embedded import text_plan_is_default
    from tools.storyboard import ScriptError, Storyboarder, StoryboardInputError, storyboard_script

    settings = _settings(args)
    if not args.scene and not args.script:
        print("error: give a scene, or --script FILE (Fountain or plain text with scene headings)", file=sys.stderr)
        return 2
    # The embedded 0.5B model on a CPU plans worse than the text does (bench storyboard): skip loading it.
    skip_model = args.no_llm or (not args.llm and text_plan_is_default(settings))
    llm = None if skip_model else _resolve_llm(settings)
    storyboarder = Storyboarder(llm, settings, image_model=args.image_model)
    try:
        if args.script:
            boards = storyboard_script(storyboarder, args.script, shots=args.shots, aspect=args.aspect,
                                       out_dir=args.out, style=args.style, animatic=not args.no_animatic)
        else:
            board = storyboarder.create(args.scene, shots=args.shots, aspect=args.aspect, style=args.style,
                                        seed=args.seed, out_dir=args.out, animatic=not args.no_animatic)
    except (StoryboardInputError, ScriptError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = boards if args.script else board
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if args.script:
        print(boards.summary())
        return 0
    for notice in board.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(board.summary())
    if board.animatic_mp4:
        print(f"Animatic: {board.animatic_mp4}")
    print(f"Plan: {board.plan_png}\nTimeline: {board.timeline_otio} / {board.edl}")
    print(f"PDF: {board.sheet_pdf}\nShot list: {board.shot_list_csv}\nFrames: {board.out_dir / 'frames'}")
    return 0


def _key_art_dir(args: argparse.Namespace) -> Path | None:
    """Key art goes beside the exports, else under ``<data dir>/ads/key_art``; ``--no-key-art`` skips it."""
    if args.no_key_art:
        return None
    return Path(args.export) / "key_art" if args.export else _settings(args).data_dir / "ads" / "key_art"


def cmd_ads(args: argparse.Namespace) -> int:
    from assistant.api import Assistant
    from tools.ads import UnknownTitleError, export, to_markdown

    try:
        ads = Assistant(_settings(args)).ad_drafts(args.title, formats=args.formats, tone=args.tone,
                                                   audience=args.audience, variants=args.variants,
                                                   language=args.language, brief=args.brief,
                                                   use_model=not args.no_model,
                                                   key_art_dir=_key_art_dir(args))
    except (UnknownTitleError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    paths = export(ads, args.export) if args.export else []
    if args.json:
        print(json.dumps({**ads.to_dict(), "exported": [str(p) for p in paths]}, ensure_ascii=False, indent=2))
        return 0
    for warning in ads.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for notice in ads.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(to_markdown(ads))
    for path in paths:
        print(f"Exported: {path}", file=sys.stderr)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from assistant.doctor import run

    return run(_settings(args), as_json=args.json)


def cmd_mcp(args: argparse.Namespace) -> int:
    from assistant.api import Assistant
    from assistant.hosts.mcp_server import run_stdio

    # stdout is the protocol's channel: everything else (progress, logs) goes to stderr.
    run_stdio(Assistant(_settings(args)), use_model=not args.no_model)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from assistant.bench import run_benchmark

    return run_benchmark(args.name, _settings(args), as_json=args.json, extra=args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Marquee: catalog assistant.")
    parser.add_argument("--data-dir", type=Path, help="where the index and caches live (MARQUEE_DATA_DIR)")
    parser.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 (MARQUEE_CHROMA_URL)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build or update the catalog index")
    p.add_argument("--catalog", type=Path, help="CSV/JSON/JSONL/Parquet catalog instead of the default catalog")
    p.add_argument("--rebuild", action="store_true", help="delete the index first and build it from scratch")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="search the catalog in plain language")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("chat", help="chat with the assistant (interactive, or --json MSG [MSG ...])")
    p.add_argument("--json", nargs="+", metavar="MSG",
                   help="answer each message in a fresh session; one JSON object per line")
    p.add_argument("--no-intent", action="store_true", help="let the model pick tools without the intent check")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("recommend", help="personal picks from titles you liked (and disliked), each with why")
    p.add_argument("--like", action="append", default=[], metavar="TITLE", help='e.g. --like "Heat (1995)"')
    p.add_argument("--dislike", action="append", default=[], metavar="TITLE")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--only", metavar="TEXT", help='constraints in plain words, e.g. "only 90s, no musicals"')
    p.add_argument("--interactions", metavar="PATH|ml-100k",
                   help="learn from an interaction log: CSV/Parquet user_id,item_id,rating[,timestamp], or ml-100k")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("storyboard", help="storyboard a scene: shot list, frames, sheet PNG, PDF and CSV")
    p.add_argument("scene", nargs="?", help='e.g. "a building collapses on a Buenos Aires street at night"')
    p.add_argument("--script", metavar="FILE", help="storyboard every scene of a Fountain or plain-text screenplay")
    p.add_argument("--no-animatic", action="store_true", help="skip the animatic MP4/GIF")
    p.add_argument("--llm", action="store_true",
                   help="plan with the chat model even when it is the small embedded one on a CPU")
    p.add_argument("--shots", type=int, default=6, help="number of shots (at most 24)")
    p.add_argument("--out", type=Path, help="output folder (default: a new folder under the data dir)")
    p.add_argument("--aspect", default="16:9", help="16:9, 2.39:1, 1.85:1, 9:16, 4:3 or 1:1")
    p.add_argument("--style", help='look of the frames, e.g. "graphic novel, high contrast"')
    p.add_argument("--seed", type=int, help="scene seed (default: derived from the scene text)")
    p.add_argument("--image-model", help="diffusers hub id or folder (MARQUEE_IMAGE_MODEL); default: sketches")
    p.add_argument("--no-llm", action="store_true", help="plan the shots from the text, no chat model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_storyboard)

    p = sub.add_parser("ads", help="ad drafts for a title: taglines, social posts, spots, search ads, key art")
    p.add_argument("title", help='a title or id, or a request: "ad copy for Jaws aimed at families"')
    p.add_argument("--tone", default="", help="thrilling, heartfelt, funny, prestige, dark, playful, epic, ...")
    p.add_argument("--audience", default="", help='e.g. "families" or "horror fans"')
    p.add_argument("--formats", help="comma-separated: tagline, logline, social, spots, search, key_art (default all)")
    p.add_argument("--variants", type=int, default=3, help="drafts per format (1-10)")
    p.add_argument("--language", default="English")
    p.add_argument("--brief", default="", help="free-text brief for the copywriter model")
    p.add_argument("--export", type=Path, metavar="DIR", help="also write Markdown and CSV files into DIR")
    p.add_argument("--no-model", action="store_true", help="template drafts only: no chat model, instant")
    p.add_argument("--no-key-art", action="store_true", help="skip the poster, row tile and square card")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ads)

    p = sub.add_parser("doctor", help="check the install: device, models, Chroma, catalog; says how to fix problems")
    p.add_argument("--catalog", type=Path, help="check this catalog file instead of the configured one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("mcp", help="serve Marquee's tools to an MCP host (Claude Desktop, Cursor...) over stdio")
    p.add_argument("--no-model", action="store_true",
                   help="storyboards from the coverage pattern and template ads: no chat model is loaded")
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("bench", help="run a benchmark")
    p.add_argument("name", choices=["search", "agent", "recommend", "storyboard", "ads", "app"])
    p.add_argument("--json", action="store_true")
    p.add_argument("--reuse-index", action="store_true",
                   help="search: measure on the existing index instead of a fresh one (skips ingest timing)")
    p.add_argument("--limit", type=int, help="agent: only the first N labelled messages; ads: the first N titles; "
                   "search --recall: the first N known items")
    p.add_argument("--recall", action="store_true",
                   help="search: also measure Marquee + model recall (the settings' chat model proposes titles for "
                        "each known-item description; slow on a CPU)")
    p.add_argument("--variant", choices=["both", "intent", "llm"], default="both",
                   help="agent: with the intent check, the LLM alone, or both (default)")
    p.add_argument("--titles", type=int, help="ads: how many catalog titles (default 40)")
    p.add_argument("--no-model", action="store_true", help="ads: template drafts only (no chat model)")
    p.add_argument("--sessions", type=int, help="app: concurrent chat sessions (default 20)")
    p.add_argument("--model", choices=["scripted", "embedded"], default="scripted",
                   help="app: a scripted chat model (default; measures the app) or the settings' real model")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from knowledge.loader import CatalogError
    from knowledge.store import StoreError
    from tools.search.engine import EmptyQueryError

    try:
        return args.func(args)
    except (CatalogError, StoreError, EmptyQueryError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
