"""Wiring of the recommender to the catalog and to an interaction log, for the API and the CLI.

``recommender_for(catalog)`` recommends from content and acclaim alone; ``recommender_for(catalog, "ml-100k")``
also learns from MovieLens-100K (read from the installed ``recbole`` package), and a CSV/Parquet path learns from
your own log (``user_id,item_id,rating[,timestamp]`` with catalog ids as item ids).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.interactions import InteractionLog, load_interactions
from knowledge.titles import Title
from tools.recommend import engine as recommend
from tools.recommend.engine import Recommender

if TYPE_CHECKING:
    from assistant.catalog import Catalog

log = logging.getLogger(__name__)

MOVIELENS = "ml-100k"


def load_log(source: str | Path, titles: list[Title]) -> InteractionLog:
    """The interaction log named by ``source``: "ml-100k", or a CSV/Parquet path with catalog ids."""
    if str(source) == MOVIELENS:
        from knowledge.movielens import load_movielens

        interactions, mapping = load_movielens(titles)
        log.info(mapping.summary())
    else:
        interactions = load_interactions(Path(source), known_items={t.id for t in titles})
    if interactions.report.skipped_total:
        log.warning(interactions.report.summary())
    return interactions


def recommender_for(catalog: Catalog, interactions: str | Path | None = None) -> Recommender:
    """The recommender for ``catalog`` (and log), built once, rebuilt after the catalog is re-ingested."""
    key = str(interactions or "")
    return recommend.recommender_for(catalog.search_engine, key, lambda titles: load_log(key, titles))
