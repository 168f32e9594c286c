"""Which catalog to ingest: the default one built from installed packages, or a file the user brings."""

from __future__ import annotations

from pathlib import Path

from knowledge.default_catalog import load_default_catalog
from knowledge.loader import load_catalog_file
from knowledge.titles import Title


def load_titles(catalog_path: Path | None = None) -> list[Title]:
    """Titles of ``catalog_path`` (CSV/JSON/JSONL/Parquet), or of the default catalog when it is ``None``."""
    if catalog_path is not None:
        return load_catalog_file(catalog_path)
    return load_default_catalog()
