"""Benchmarks: ``python -m assistant bench NAME [--json]``. Timings live here, never in tests."""

from __future__ import annotations

import argparse
import json

from knowledge.settings import Settings


def run_benchmark(name: str, settings: Settings, as_json: bool, extra: argparse.Namespace) -> int:
    if name == "search":
        from assistant.bench.search import run

        result = run(settings, reuse_index=getattr(extra, "reuse_index", False),
                     recall=getattr(extra, "recall", False), recall_limit=getattr(extra, "limit", None))
    elif name == "agent":
        from assistant.bench.agent import run as run_agent

        result = run_agent(settings, limit=getattr(extra, "limit", None), variant=getattr(extra, "variant", "both"))
    elif name == "recommend":
        from assistant.bench.recommend import run as run_recommend

        result = run_recommend(settings)
    elif name == "storyboard":
        from assistant.bench.storyboard import run as run_storyboard

        result = run_storyboard(settings, limit=getattr(extra, "limit", None))
    elif name == "ads":
        from assistant.bench.ads import run as run_ads

        result = run_ads(settings, limit=getattr(extra, "limit", None), titles=getattr(extra, "titles", None),
                         use_model=not getattr(extra, "no_model", False))
    elif name == "app":
        from assistant.bench.app import SESSIONS
        from assistant.bench.app import run as run_app

        result = run_app(settings, sessions=getattr(extra, "sessions", None) or SESSIONS,
                         model=getattr(extra, "model", None) or "scripted")
    else:
        raise ValueError(f"Unknown benchmark {name!r}")
    if as_json:
        print(json.dumps(result.summary(), indent=2))
    else:
        print(result.report())
    return 0
