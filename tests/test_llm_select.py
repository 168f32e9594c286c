"""Choosing the chat model: settings first, then GPU and hub, else the embedded fallback with one warning."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI

import assistant.llm.embedded as embedded
from assistant.llm.local import LocalChatModel
from assistant.llm.select import choose_llm, hub_is_reachable, resolve_llm
from knowledge.settings import Settings


def settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings(data_dir=tmp_path, **fields)  # type: ignore[arg-type]


def gpu(free_gib: float | None):
    return lambda device: free_gib


def online() -> bool:
    return True


def offline() -> bool:
    return False


@pytest.fixture
def hub_env_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)


def test_a_base_url_selects_the_openai_compatible_backend(tmp_path: Path) -> None:
    chosen = settings(tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="served-model", llm_api_key="k")
    model = resolve_llm(chosen, hub_reachable=online, free_vram_gib=gpu(80))
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "served-model" and model.streaming
    assert str(model.openai_api_base) == "http://127.0.0.1:9/v1"


def test_an_explicit_model_is_used_as_given_and_loaded_lazily(tmp_path: Path) -> None:
    chosen = settings(tmp_path, llm_model="/models/my.gguf", device="cpu")
    model = resolve_llm(chosen, hub_reachable=offline, free_vram_gib=gpu(None))
    assert isinstance(model, LocalChatModel)
    assert (model.model_name, model.device, model.model) == ("/models/my.gguf", "cpu", None)


def test_cpu_quantization_defaults_to_auto_and_follows_a_quantization_setting(tmp_path: Path) -> None:
    default = resolve_llm(settings(tmp_path, llm_model="/models/my.gguf"), hub_reachable=offline)
    assert default.cpu_quantization == "auto"
    opted_out = Settings.from_env({"MARQUEE_LLM_QUANTIZATION": "None"}, data_dir=tmp_path, llm_model="/models/x")
    assert resolve_llm(opted_out, hub_reachable=offline).cpu_quantization == "none"
    with pytest.raises(ValueError, match="MARQUEE_LLM_QUANTIZATION"):
        Settings(data_dir=tmp_path, llm_quantization="fp8")


@pytest.mark.parametrize(
    ("free_gib", "expected"),
    [
        (40.0, "Qwen/Qwen2.5-7B-Instruct"),
        (20.0, "Qwen/Qwen2.5-7B-Instruct"),
        (12.0, "Qwen/Qwen2.5-3B-Instruct"),
        (8.0, "Qwen/Qwen2.5-3B-Instruct"),
        (4.0, "Qwen/Qwen2.5-1.5B-Instruct"),
    ],
)
def test_with_a_gpu_and_the_hub_the_model_follows_free_vram(
    tmp_path: Path, hub_env_unset: None, free_gib: float, expected: str
) -> None:
    choice = choose_llm(settings(tmp_path), hub_reachable=online, free_vram_gib=gpu(free_gib))
    assert (choice.backend, choice.model) == ("local", expected)


@pytest.mark.parametrize(
    ("device", "free_gib", "hub", "reason"),
    [
        ("auto", None, online, "no CUDA GPU"),
        ("cpu", 40.0, online, "'cpu'"),
        ("auto", 40.0, offline, "unreachable"),
    ],
)
def test_otherwise_the_embedded_model_is_chosen_with_a_reason(
    tmp_path: Path, hub_env_unset: None, device: str, free_gib: float | None, hub, reason: str
) -> None:
    choice = choose_llm(settings(tmp_path, device=device), hub_reachable=hub, free_vram_gib=gpu(free_gib))
    assert choice.backend == "embedded"
    assert reason in choice.reason


def test_hf_hub_offline_counts_as_no_hub_without_probing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def must_not_probe() -> bool:
        raise AssertionError("the hub was probed although HF_HUB_OFFLINE=1")

    choice = choose_llm(settings(tmp_path), hub_reachable=must_not_probe, free_vram_gib=gpu(40))
    assert choice.backend == "embedded" and "HF_HUB_OFFLINE" in choice.reason
    assert hub_is_reachable() is False


def test_the_embedded_fallback_logs_one_warning_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    prepared: list[Path] = []

    def fake_ensure(cache_dir: Path, **_: object) -> Path:  # the real one converts a 500 MB model
        prepared.append(cache_dir)
        return cache_dir / "models" / "embedded"

    monkeypatch.setattr(embedded, "ensure_embedded_model", fake_ensure)
    chosen = settings(tmp_path)
    with caplog.at_level(logging.WARNING):
        model = resolve_llm(chosen, hub_reachable=online, free_vram_gib=gpu(None))
    assert isinstance(model, LocalChatModel)
    assert model.model_name == str(tmp_path / "cache" / "models" / "embedded")
    assert prepared == [chosen.cache_dir]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "no CUDA GPU" in warnings[0].getMessage()


def test_hub_probe_sees_a_listening_endpoint(hub_env_unset: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.getsockname()[1]}")
        assert hub_is_reachable(timeout=2.0) is True


def test_hub_probe_fails_fast_on_a_closed_port(hub_env_unset: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        closed_port = placeholder.getsockname()[1]  # bound but not listening: connections are refused
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port}")
        started = time.monotonic()
        assert hub_is_reachable(timeout=2.0) is False
    assert time.monotonic() - started < 1.0  # a refusal answers at once; only silence waits out the timeout
