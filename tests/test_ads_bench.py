"""The ads benchmark on the hand-written catalog, templates only: both variants measured in one run."""

from __future__ import annotations

from pathlib import Path

from assistant.bench.ads import masked, pick_titles, run
from knowledge.catalog import load_titles
from knowledge.settings import Settings

SMALL_CATALOG = Path(__file__).parent / "data" / "small_catalog.jsonl"


def test_names_are_masked_so_shared_templates_show():
    titles = {t.title: t for t in load_titles(SMALL_CATALOG)}
    jaws, alien = titles["Jaws"], titles["Alien"]
    assert masked("Watch Jaws tonight. #Jaws", jaws) == masked("Watch Alien tonight. #Alien", alien)
    assert masked("Spielberg's Jaws", jaws) != masked("Scott's Alien", alien)


def test_both_variants_are_measured_on_the_same_titles(tmp_path):
    result = run(Settings(data_dir=tmp_path, catalog_path=SMALL_CATALOG), titles=6, use_model=False)
    summary = result.summary()
    baseline, marquee = summary["variants"]["baseline"], summary["variants"]["marquee"]
    assert baseline["titles"] == marquee["titles"] == len(pick_titles(load_titles(SMALL_CATALOG), 6))
    assert marquee["meaning_checks_pass"] >= 0.95 > baseline["meaning_checks_pass"]
    assert marquee["unique_across_titles"] > baseline["unique_across_titles"]
    assert set(marquee["warnings"]) == {"tune", "held_out"}
    assert set(summary["targets"]) == {"meaning_checks_95", "unique_across_titles_95",
                                       "every_unsuitable_warned_no_suitable_warned", "seconds_per_title_30"}
    assert "targets (marquee)" in result.report()
