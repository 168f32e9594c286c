"""The search snapshot's parts: BM25 channels scored with numpy, plot passages, the index marker, the cold path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import bm25s
import numpy as np

from knowledge.titles import Title
from tools.search.keyword import BODY_BM25, KeywordIndex, keyword_text, keyword_tokens, title_text
from tools.search.passages import Passages, split_passages

ROOT = Path(__file__).resolve().parents[1]


def _titles() -> list[Title]:
    plots = [
        ("Chungking Express", "Two lovesick Hong Kong cops. One buys tins of pineapple that expire on May 1."),
        ("Pineapple Express", "A process server and his dealer go on the run."),
        ("Jaws", "A great white shark terrorises a beach town. The police chief hunts it with a shark hunter."),
        ("Heat", "A thief plans one last bank heist while a detective closes in on his crew."),
    ]
    return [Title(id=f"t{i}", title=name, year=1990 + i, description=plot, source="wikidata+wikipedia")
            for i, (name, plot) in enumerate(plots)]


def test_numpy_scoring_matches_bm25s_and_survives_a_save(tmp_path):
    titles = _titles()
    index = KeywordIndex.build(titles)
    reference = bm25s.BM25(**BODY_BM25)
    reference.index([keyword_tokens(keyword_text(t)) for t in titles], show_progress=False)
    for query in ("pineapple cops", "shark hunter beach", "heist crew detective"):
        known = [w for w in dict.fromkeys(keyword_tokens(query)) if w in reference.vocab_dict]
        assert np.allclose(index.scores(query), reference.get_scores(known)), query
    assert not index.scores("zzz unknown words").any()
    index.save(tmp_path / "bm25")
    again = KeywordIndex.load(tmp_path / "bm25")
    assert np.allclose(again.scores("pineapple cops"), index.scores("pineapple cops"))


def test_title_words_have_their_own_channel():
    titles = _titles()
    body, names = KeywordIndex.build(titles), KeywordIndex.build(titles, text=title_text)
    # The plot that holds the pineapple wins the body channel; the title channel knows only the other film.
    assert int(np.argmax(body.scores("tins of pineapple"))) == 0
    assert int(np.argmax(names.scores("pineapple"))) == 1 and names.scores("pineapple")[0] == 0


def test_passages_group_sentences_and_keep_each_titles_best(embedder):
    plot = " ".join(f"Sentence number {i} tells a little more of the story." for i in range(20))
    passages = split_passages(plot, limit=120)
    assert len(passages) > 3 and all(len(p) <= 120 for p in passages)
    assert " ".join(passages) == plot  # nothing lost, nothing repeated
    titles = _titles()
    built = Passages.build(titles, embedder, progress=False)
    assert set(built.rows.tolist()) == {0, 1, 2, 3} and list(built.rows) == sorted(built.rows)
    best = built.best_similarity(embedder.embed_query("a shark attacks swimmers at the beach"), len(titles))
    assert int(np.argmax(best)) == 2
    plotless = [Title(id="x", title="Nothing", description="Nothing (2001) is a film.")]
    empty = Passages.build(plotless, embedder, progress=False)
    assert empty.best_similarity(np.zeros(384, np.float32), 1).tolist() == [-1.0]


def test_an_ingest_leaves_a_marker_that_a_reset_removes(small_catalog):
    store = small_catalog.store
    marker = Path(store.path) / "marquee-index.json"
    recorded = json.loads(marker.read_text())
    col = store.collection()
    assert recorded["catalog_hash"] == col.metadata["catalog_hash"] and recorded["count"] == col.count()
    assert store.recorded() == (col.metadata["catalog_hash"], col.count())


def test_a_search_in_a_fresh_process_imports_neither_chroma_nor_torch_nor_langchain(small_catalog):
    small_catalog.search_engine.snapshot  # noqa: B018 - builds and saves the snapshot once
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.catalog import Catalog\n"
        "from knowledge.settings import Settings\n"
        f"settings = Settings(data_dir=Path({str(small_catalog.settings.data_dir)!r}), "
        f"catalog_path=Path({str(small_catalog.settings.catalog_path)!r}))\n"
        "hits = Catalog.from_settings(settings).search('a shark terrorises a beach town').hits\n"
        "print(hits[0].title.title)\n"
        "heavy = ('chromadb', 'torch', 'langchain_core', 'bm25s', 'scipy.sparse')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300,
                         check=True).stdout.splitlines()
    assert out == ["Jaws", "[]"]


def test_a_snapshot_fitted_on_other_facet_labels_is_refitted(small_catalog, small_settings, monkeypatch):
    from assistant.catalog import snapshot_dir
    from tools.search import snapshot

    small_catalog.search_engine.snapshot  # noqa: B018 - builds and saves the snapshot once
    folder = snapshot_dir(small_settings)
    assert snapshot.Snapshot.load(folder, None) is not None
    monkeypatch.setattr(snapshot, "labels_hash", lambda: "labels-of-an-upgrade")
    assert snapshot.Snapshot.load(folder, None) is None
