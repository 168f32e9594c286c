"""The offline guarantee: with every outside connection blocked at the socket level, a chat turn, a search, a
storyboard and ad drafts all work, built the default way from settings, and nothing even tries to connect
out (with HF_HUB_OFFLINE set, as in the tests, and in a clean process without it)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.llm.select import choose_llm
from knowledge.settings import Settings
from tests.network_guard import NetworkGuard
from tests.offline_flows import run_user_flows
from tests.openai_peer import OpenAIPeer
from tools.storyboard.diffusion import default_image_model

REPO = Path(__file__).resolve().parent.parent
# Variables that switch libraries to offline or quiet modes; a user's shell usually sets none of them.
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "ANONYMIZED_TELEMETRY",
                     "GRADIO_ANALYTICS_ENABLED", "DO_NOT_TRACK")


def test_the_guard_blocks_outside_hosts_and_lets_loopback_through():
    with OpenAIPeer() as peer, NetworkGuard() as guard:
        with pytest.raises(OSError):
            socket.create_connection(("93.184.216.34", 443), timeout=1)
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("huggingface.co", 443)
        with socket.socket() as sock:
            assert sock.connect_ex(("8.8.8.8", 53)) != 0
        port = int(peer.base_url.rsplit(":", 1)[1].split("/")[0])
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        socket.create_connection(("localhost", port), timeout=1).close()
    assert [(a.call, a.host) for a in guard.attempts] == [
        ("socket.create_connection", "93.184.216.34"), ("socket.getaddrinfo", "huggingface.co"),
        ("socket.connect_ex", "8.8.8.8")]
    assert socket.getaddrinfo is not None and guard._saved == {}  # uninstalled


def assert_flows_worked(report) -> None:
    assert report.chat_tools == ["search_catalog"] and report.chat_reply == "You could watch Aliens (1986)."
    assert report.search_titles and report.search_titles[0].startswith("Amélie")
    assert len([f for f in report.storyboard_files if f.startswith("shot_")]) == 3
    assert any(f.endswith("_storyboard.pdf") for f in report.storyboard_files)
    assert len(report.ad_taglines) == 2


def test_a_user_session_makes_no_outside_connection(small_settings, small_catalog):
    assert small_catalog.store.count() > 0  # the index the flows open again through the settings
    with NetworkGuard() as guard:
        report = run_user_flows(small_settings)
    assert_flows_worked(report)
    assert guard.attempts == [], "\n".join(map(str, guard.attempts))


def test_a_clean_process_without_offline_variables_makes_no_outside_connection(tmp_path):
    """Libraries read HF_HUB_OFFLINE and friends at import, so this runs in a fresh interpreter without them;
    it also builds its own index from the catalog file, as a first run does."""
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARIABLES and not k.startswith("MARQUEE_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, "-m", "tests.offline_flows", str(tmp_path)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    line = next((x for x in done.stdout.splitlines() if x.startswith("REPORT ")), None)
    assert done.returncode == 0 and line, done.stderr[-3000:]
    report = json.loads(line.removeprefix("REPORT "))
    assert report["attempts"] == [], "\n".join(report["attempts"])
    assert report["chat_reply"] == "You could watch Aliens (1986)." and len(report["ad_taglines"]) == 2
    assert report["search_titles"][0].startswith("Amélie") and len(report["storyboard_files"]) == 5


def pretend_there_is_a_gpu(monkeypatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)


def test_hf_hub_offline_stops_the_hub_probes_even_on_a_gpu(monkeypatch):
    """On a GPU the defaults would fetch a bigger chat model and sd-turbo; HF_HUB_OFFLINE=1 must not even ask."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    pretend_there_is_a_gpu(monkeypatch)
    with NetworkGuard() as guard:
        choice = choose_llm(Settings(), free_vram_gib=lambda device: 40.0)
        image_model = default_image_model("", "auto")
    assert choice.backend == "embedded" and "HF_HUB_OFFLINE" in choice.reason
    assert image_model == ""
    assert guard.attempts == []


def test_without_hf_hub_offline_only_the_hub_is_probed_and_a_failed_probe_falls_back(monkeypatch):
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    pretend_there_is_a_gpu(monkeypatch)
    with NetworkGuard() as guard:
        choice = choose_llm(Settings(), free_vram_gib=lambda device: 40.0)
        image_model = default_image_model("", "auto")
    assert choice.backend == "embedded" and "unreachable" in choice.reason
    assert image_model == ""  # sketches
    assert guard.attempts and {(a.host, a.port) for a in guard.attempts} == {("huggingface.co", 443)}


def test_a_configured_server_is_the_only_place_the_chat_goes(small_settings, small_catalog):
    from assistant import Assistant

    with OpenAIPeer() as peer, NetworkGuard() as guard:
        reply = Assistant(small_settings.with_(llm_base_url=peer.base_url), catalog=small_catalog).chat(
            "find me 80s horror movies", "offline-peer")
    assert reply.text.startswith("Try ") and len(peer.chat_requests) == 2
    assert guard.attempts == []
