"""Command line: ``python -m assistant {ingest,search,bench,...}``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from assistant.settings import Settings

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
    from assistant.api import Assistant

    result = Assistant(_settings(args)).search(args.query, k=args.k)
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

    p = sub.add_parser("bench", help="run a benchmark")
    p.add_argument("name", choices=["search"])
    p.add_argument("--json", action="store_true")
    p.add_argument("--reuse-index", action="store_true",
                   help="search: measure on the existing index instead of a fresh one (skips ingest timing)")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from knowledge.loader import CatalogError
    from knowledge.store import StoreError
    from tools.search import EmptyQueryError

    try:
        return args.func(args)
    except (CatalogError, StoreError, EmptyQueryError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
