"""Benchmarks: ``python -m assistant bench NAME [--json]``. Timings live here, never in tests."""

from __future__ import annotations

import argparse
import json

from assistant.settings import Settings


def run_benchmark(name: str, settings: Settings, as_json: bool, extra: argparse.Namespace) -> int:
    if name == "search":
        from assistant.bench.search import run

        result = run(settings, reuse_index=getattr(extra, "reuse_index", False))
    else:
        raise ValueError(f"Unknown benchmark {name!r}")
    if as_json:
        print(json.dumps(result.summary(), indent=2))
    else:
        print(result.report())
    return 0
