"""int8 weights on the CPU: applied where asked, opt-out respected, and generation still schema-valid."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import torch
from test_llm_local import QUESTION, SEARCH_SCHEMA, SEARCH_TOOL
from test_llm_tiny_model import build_model, build_tokenizer

from assistant.llm import local
from assistant.llm.loading import output_vocab_size
from assistant.llm.local import LocalChatModel
from assistant.llm.prefix_cache import new_dynamic_cache
from assistant.llm.quantize import down_projections, is_int8_quantized, quantize_linear_int8, wants_int8


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


@pytest.fixture(scope="module")
def saved_model(tokenizer, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-qwen")
    build_model(tokenizer, seed=1).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_quantizing_replaces_every_linear_layer_and_keeps_the_output_size(tokenizer) -> None:
    model = build_model(tokenizer, seed=1)
    assert quantize_linear_int8(model)
    assert is_int8_quantized(model)
    assert not any(type(module) is torch.nn.Linear for module in model.modules())
    assert output_vocab_size(model) == len(tokenizer)
    with torch.inference_mode():
        logits = model(torch.tensor([[1, 2, 3]])).logits
    assert logits.shape == (1, 3, len(tokenizer)) and torch.isfinite(logits).all()


def test_mlp_down_projections_keep_float16_weights_and_the_rest_gets_int8(tokenizer) -> None:
    model = build_model(tokenizer, seed=1)
    down = ["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"]
    assert down_projections(model) == down
    quantize_linear_int8(model)
    dtypes = {name: module._packed_params.dtype for name, module in model.named_modules() if name.endswith("proj")}
    assert {dtypes[name] for name in down} == {torch.float16}
    assert {dtype for name, dtype in dtypes.items() if name not in down} == {torch.qint8}
    assert model.lm_head._packed_params.dtype == torch.qint8


def test_chunked_prefill_fills_the_same_cache_as_one_pass(tokenizer, monkeypatch) -> None:
    llm = LocalChatModel(model=build_model(tokenizer, seed=1), tokenizer=tokenizer, max_new_tokens=4)
    llm._ensure_loaded()
    monkeypatch.setattr(local, "PREFILL_CHUNK", 5)
    ids = tokenizer.encode("find me 80s horror movies from the catalog, please", return_tensors="pt")
    chunked, whole = new_dynamic_cache(llm.model), new_dynamic_cache(llm.model)
    with torch.inference_mode():
        llm._prefill_in_chunks(chunked, ids)
        llm.model(ids[:, :-1], past_key_values=whole, use_cache=True)
    assert chunked.get_seq_length() == ids.shape[1] - 1 > 10
    for got, want in zip(chunked.layers, whole.layers, strict=True):
        torch.testing.assert_close(got.keys, want.keys)
        torch.testing.assert_close(got.values, want.values)


def test_an_int8_model_prefills_in_chunks_and_a_float32_one_in_one_pass(tokenizer) -> None:
    asked = LocalChatModel(model=build_model(tokenizer, seed=1), tokenizer=tokenizer, cpu_quantization="int8")
    plain = LocalChatModel(model=build_model(tokenizer, seed=1), tokenizer=tokenizer)
    asked._ensure_loaded()
    plain._ensure_loaded()
    assert asked._chunked_prefill and not plain._chunked_prefill


def test_int8_logits_stay_close_to_float32(tokenizer) -> None:
    reference, quantized = build_model(tokenizer, seed=1), build_model(tokenizer, seed=1)
    quantize_linear_int8(quantized)
    ids = tokenizer.encode(QUESTION, return_tensors="pt")
    with torch.inference_mode():
        want, got = reference(ids).logits, quantized(ids).logits
    assert (got - want).norm() / want.norm() < 0.1


def test_a_model_loaded_by_name_onto_the_cpu_gets_int8_weights_by_default(saved_model: Path) -> None:
    llm = LocalChatModel(model_name=str(saved_model), device="cpu", max_new_tokens=160)
    reply = llm.bind_tools([SEARCH_TOOL], tool_choice="search_catalog").invoke(QUESTION)
    assert is_int8_quantized(llm.model)
    assert [call["name"] for call in reply.tool_calls] == ["search_catalog"]
    jsonschema.validate(reply.tool_calls[0]["args"], SEARCH_SCHEMA)
    streamed = list(llm.stream(QUESTION))
    assert "".join(chunk.content for chunk in streamed).strip()


def test_cpu_quantization_none_keeps_float32_weights(saved_model: Path) -> None:
    llm = LocalChatModel(model_name=str(saved_model), device="cpu", max_new_tokens=4, cpu_quantization="none")
    llm.invoke(QUESTION)
    assert not is_int8_quantized(llm.model)
    assert llm.model.lm_head.weight.dtype == torch.float32


def test_a_model_passed_in_is_quantized_only_when_asked(tokenizer) -> None:
    untouched = LocalChatModel(model=build_model(tokenizer, seed=1), tokenizer=tokenizer, max_new_tokens=4)
    untouched.invoke(QUESTION)
    assert not is_int8_quantized(untouched.model)
    asked = LocalChatModel(
        model=build_model(tokenizer, seed=1), tokenizer=tokenizer, max_new_tokens=160, cpu_quantization="int8"
    )
    reply = asked.bind_tools([SEARCH_TOOL], tool_choice="search_catalog").invoke(QUESTION)
    assert is_int8_quantized(asked.model)
    jsonschema.validate(reply.tool_calls[0]["args"], SEARCH_SCHEMA)


def test_int8_and_the_prefix_cache_work_together(tokenizer) -> None:
    llm = LocalChatModel(
        model=build_model(tokenizer, seed=0), tokenizer=tokenizer, max_new_tokens=160, cpu_quantization="int8"
    )
    bound = llm.bind_tools([SEARCH_TOOL], tool_choice="search_catalog")
    first, second = bound.invoke(QUESTION), bound.invoke("find me 90s comedies")
    assert second.usage_metadata["input_token_details"]["cache_read"] > 100
    for reply in (first, second):
        jsonschema.validate(reply.tool_calls[0]["args"], SEARCH_SCHEMA)


def test_only_float32_cpu_models_qualify(tokenizer) -> None:
    model = build_model(tokenizer, seed=1)
    assert wants_int8("auto", model, loaded_here=True)
    assert not wants_int8("auto", model, loaded_here=False)
    assert wants_int8("int8", model, loaded_here=False)
    assert not wants_int8("none", model, loaded_here=True)
    assert not wants_int8("int8", build_model(tokenizer, seed=1).to(torch.bfloat16), loaded_here=True)
    quantize_linear_int8(model)
    assert not wants_int8("int8", model, loaded_here=True)  # already done


def test_a_failing_quantization_leaves_the_model_usable(tokenizer, monkeypatch, caplog) -> None:
    import torch.ao.quantization

    def broken(*args, **kwargs):
        raise RuntimeError("no kernels for this engine")

    monkeypatch.setattr(torch.ao.quantization, "quantize_dynamic", broken)
    llm = LocalChatModel(
        model=build_model(tokenizer, seed=1), tokenizer=tokenizer, max_new_tokens=4, cpu_quantization="int8"
    )
    assert llm.invoke(QUESTION).content
    assert not is_int8_quantized(llm.model)
    assert "keeping float32" in caplog.text
