"""The int8 cache: quantize once, reload the same model from disk; stale or corrupt files are rebuilt, never fatal."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
import torch
from test_llm_local import QUESTION
from test_llm_tiny_model import build_model, build_tokenizer

from assistant.llm import quantized_cache
from assistant.llm.local import LocalChatModel
from assistant.llm.quantize import is_int8_quantized, quantize_linear_int8
from assistant.llm.quantized_cache import cache_key, cache_path, load_cached_int8, quantized_layers, save_int8


@pytest.fixture()
def model_folder(tmp_path: Path) -> Path:
    tokenizer = build_tokenizer()
    folder = tmp_path / "tiny-qwen"
    build_model(tokenizer, seed=3).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _logits(model, ids: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return model(ids).logits


def _quantized_from(folder: Path):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    assert quantize_linear_int8(model)
    return model


def test_a_model_reloaded_from_the_cache_gives_the_same_logits(model_folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "int8"
    original = _quantized_from(model_folder)
    written = save_int8(original, cache, model_folder)
    assert written is not None and written.is_file()
    assert [p.name for p in cache.iterdir()] == [written.name]  # no temporary file left behind
    reloaded = load_cached_int8(cache, model_folder)
    assert reloaded is not None and is_int8_quantized(reloaded)
    assert quantized_layers(reloaded) == quantized_layers(original)
    ids = torch.tensor([[5, 17, 42, 99, 3, 250]])
    torch.testing.assert_close(_logits(reloaded, ids), _logits(original, ids), rtol=0, atol=0)


def test_nothing_cached_reads_as_none(model_folder: Path, tmp_path: Path) -> None:
    assert load_cached_int8(tmp_path / "empty", model_folder) is None


def test_a_changed_model_file_makes_a_new_key_and_the_stale_file_is_replaced(
    model_folder: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "int8"
    stale = save_int8(_quantized_from(model_folder), cache, model_folder)
    weights = model_folder / "model.safetensors"
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))
    assert cache_path(cache, model_folder, cache_key(model_folder)) != stale
    assert load_cached_int8(cache, model_folder) is None
    fresh = save_int8(_quantized_from(model_folder), cache, model_folder)
    assert fresh is not None and fresh.is_file() and not stale.exists()


def test_a_file_under_the_right_name_with_another_key_is_ignored_and_deleted(
    model_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "int8"
    path = save_int8(_quantized_from(model_folder), cache, model_folder)
    saved = torch.load(path, weights_only=True)
    saved["key"] = {**saved["key"], "torch": "0.0.1"}
    torch.save(saved, path)
    with caplog.at_level(logging.WARNING, logger=quantized_cache.__name__):
        assert load_cached_int8(cache, model_folder) is None
    assert "key does not match" in caplog.text and not path.exists()


def test_a_corrupt_cache_costs_a_rebuild_not_the_chat(
    model_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "int8"
    llm = LocalChatModel(model_name=str(model_folder), device="cpu", max_new_tokens=4, int8_cache_dir=str(cache))
    llm.invoke(QUESTION)
    (path,) = cache.glob("*.pt")
    path.write_bytes(path.read_bytes()[:1000])  # a write cut short by a crash, from before the atomic rename
    with caplog.at_level(logging.WARNING, logger=quantized_cache.__name__):
        again = LocalChatModel(
            model_name=str(model_folder), device="cpu", max_new_tokens=4, int8_cache_dir=str(cache)
        )
        assert again.invoke(QUESTION).content is not None
    assert "Ignoring the int8 cache" in caplog.text
    assert is_int8_quantized(again.model)
    assert path.stat().st_size > 1000  # rebuilt in place under the same key


def test_the_chat_model_writes_the_cache_then_loads_from_it_without_quantizing(
    model_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "int8"
    first = LocalChatModel(model_name=str(model_folder), device="cpu", max_new_tokens=6, int8_cache_dir=str(cache))
    want = first.invoke(QUESTION).content
    assert len(list(cache.glob("*.pt"))) == 1

    def no_quantizing(model) -> bool:
        raise AssertionError("a cached model must not be quantized again")

    monkeypatch.setattr("assistant.llm.local.quantize_linear_int8", no_quantizing)
    second = LocalChatModel(model_name=str(model_folder), device="cpu", max_new_tokens=6, int8_cache_dir=str(cache))
    assert second.invoke(QUESTION).content == want
    assert is_int8_quantized(second.model)


def test_no_cache_is_written_when_int8_is_off(model_folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "int8"
    llm = LocalChatModel(
        model_name=str(model_folder), device="cpu", max_new_tokens=2, cpu_quantization="none",
        int8_cache_dir=str(cache),
    )
    llm.invoke(QUESTION)
    assert not cache.exists() and not is_int8_quantized(llm.model)
