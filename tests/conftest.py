"""Shared fixtures. Tests run offline: no model hub, no analytics."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

SMALL_CATALOG = Path(__file__).parent / "data" / "small_catalog.jsonl"


@pytest.fixture(scope="session")
def embedder():
    from knowledge.embeddings import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory):
    """Settings for a 32-title hand-written catalog in a session-wide temporary data dir."""
    from knowledge.settings import Settings

    data_dir = tmp_path_factory.mktemp("marquee-data")
    return Settings(data_dir=data_dir, catalog_path=SMALL_CATALOG)


@pytest.fixture(scope="session")
def small_catalog(small_settings, embedder):
    """A real Chroma index of the small catalog, embedded with the shipped MiniLM model."""
    from assistant.catalog import Catalog, build_store

    catalog = Catalog(small_settings, build_store(small_settings, embedder))
    catalog.ingest(progress=False)
    return catalog
