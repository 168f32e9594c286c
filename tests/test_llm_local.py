"""LocalChatModel over a tiny random-weight Qwen2: generate, stream, tools, schema-valid calls, loading."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import jsonschema
import pytest
import torch
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage
from test_llm_tiny_model import build_model, build_tokenizer

from assistant.llm.constrained import GrammarLogitsProcessor, forced_call_opener
from assistant.llm.loading import plan_device
from assistant.llm.local import LocalChatModel
from assistant.llm.messages import to_chat_template_messages

SEARCH_SCHEMA = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "maxLength": 24},
        "genre": {"type": "string", "enum": ["horror", "comedy", "drama"]},
        "limit": {"type": "integer", "minimum": 1, "maximum": 20},
    },
    "required": ["query", "genre"],
}
SEARCH_TOOL = {
    "type": "function",
    "function": {"name": "search_catalog", "description": "Search the catalog.", "parameters": SEARCH_SCHEMA},
}
PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string", "maxLength": 12}},
    "required": ["name"],
}
PERSON_TOOL = {"type": "function", "function": {"name": "get_person", "parameters": PERSON_SCHEMA}}
SCHEMAS = {"search_catalog": SEARCH_SCHEMA, "get_person": PERSON_SCHEMA}
QUESTION = "find me 80s horror movies"


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


@pytest.fixture(scope="module")
def llm(tokenizer) -> LocalChatModel:
    return LocalChatModel(model=build_model(tokenizer, seed=1), tokenizer=tokenizer, max_new_tokens=24)


def models_with_seeds(tokenizer, seeds: range, **options: object) -> list[LocalChatModel]:
    return [
        LocalChatModel(model=build_model(tokenizer, seed), tokenizer=tokenizer, **options)  # type: ignore[arg-type]
        for seed in seeds
    ]


def assert_schema_valid(calls: list) -> None:
    assert calls, "expected at least one tool call"
    for call in calls:
        jsonschema.validate(call["args"], SCHEMAS[call["name"]])
        assert call["id"].startswith("call_")


def aggregate(chunks: list) -> AIMessageChunk:
    return sum(chunks[1:], chunks[0])


# --- message conversion ---------------------------------------------------------------------------------


def test_messages_convert_to_chat_template_dicts() -> None:
    call = {"name": "search_catalog", "args": {"query": "alien"}, "id": "call_1", "type": "tool_call"}
    converted = to_chat_template_messages(
        [
            SystemMessage("Be brief."),
            HumanMessage([{"type": "text", "text": "find "}, {"type": "text", "text": "alien"}]),
            AIMessage("", tool_calls=[call]),
            ToolMessage('{"hits": 1}', tool_call_id="call_1", name="search_catalog"),
        ]
    )
    assert converted == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "find alien"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "search_catalog", "arguments": call["args"]},
                }
            ],
        },
        {"role": "tool", "content": '{"hits": 1}', "tool_call_id": "call_1", "name": "search_catalog"},
    ]


def test_a_tool_round_trip_renders_through_the_qwen_template(tokenizer) -> None:
    call = {"name": "search_catalog", "args": {"query": "alien"}, "id": "call_1", "type": "tool_call"}
    history = [
        HumanMessage("find alien"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("1 hit", tool_call_id="call_1"),
    ]
    prompt = tokenizer.apply_chat_template(
        to_chat_template_messages(history), tools=[SEARCH_TOOL], add_generation_prompt=True, tokenize=False
    )
    assert '<tool_call>\n{"name": "search_catalog", "arguments": {"query": "alien"}}\n</tool_call>' in prompt
    assert "<tool_response>\n1 hit\n</tool_response>" in prompt
    assert '"name": "search_catalog"' in prompt.split("</tools>\n\nFor each function call")[0]


# --- plain generation -----------------------------------------------------------------------------------


def test_invoke_returns_text_with_usage_and_is_deterministic_when_greedy(llm) -> None:
    first = llm.invoke(QUESTION)
    second = llm.invoke(QUESTION)
    assert isinstance(first, AIMessage) and first.content and first.tool_calls == []
    assert first.content == second.content
    usage = first.usage_metadata
    assert usage["output_tokens"] == 24 and usage["input_tokens"] > 10
    assert first.response_metadata["finish_reason"] == "length"


def test_stream_yields_several_chunks_that_add_up_to_the_invoke_reply(llm) -> None:
    chunks = list(llm.stream(QUESTION))
    assert len([c for c in chunks if c.content]) > 1
    assert aggregate(chunks).content == llm.invoke(QUESTION).content
    assert chunks[-1].usage_metadata["output_tokens"] == 24


def test_stopping_a_stream_early_cancels_generation_and_frees_the_model(tokenizer) -> None:
    long_llm = LocalChatModel(model=build_model(tokenizer, seed=1), tokenizer=tokenizer, max_new_tokens=2000)
    for _ in itertools.islice(long_llm.stream(QUESTION), 1):
        pass
    # The generation lock is free again (else this would block), and the model still answers.
    assert long_llm._generate_lock.acquire(timeout=5)
    long_llm._generate_lock.release()


def test_stop_strings_end_the_reply(llm) -> None:
    full = llm.invoke(QUESTION).content
    stop_word = full.split()[1]
    cut = llm.invoke(QUESTION, stop=[stop_word]).content
    assert stop_word not in cut
    assert full.startswith(cut)


# --- tools ------------------------------------------------------------------------------------------------


def test_forced_tool_gives_a_schema_valid_call_from_random_weights(tokenizer) -> None:
    for model in models_with_seeds(tokenizer, range(2), max_new_tokens=160):
        reply = model.bind_tools([SEARCH_TOOL, PERSON_TOOL], tool_choice="search_catalog").invoke(QUESTION)
        assert [call["name"] for call in reply.tool_calls] == ["search_catalog"]
        assert_schema_valid(reply.tool_calls)
        assert reply.content == ""
        assert reply.response_metadata["finish_reason"] == "tool_calls"


def test_a_forced_call_opener_is_prefilled_not_decoded(tokenizer) -> None:
    model = models_with_seeds(tokenizer, range(1), max_new_tokens=160)[0]
    forced = model.bind_tools([SEARCH_TOOL, PERSON_TOOL], tool_choice="search_catalog")
    free = model.bind_tools([SEARCH_TOOL, PERSON_TOOL], tool_choice="any")
    opener = forced_call_opener("search_catalog")
    turn = model._prepare_turn([HumanMessage(QUESTION)], forced.kwargs)
    assert tokenizer.decode(turn.input_ids[0]).endswith(opener) and turn.written == opener
    assert not model._prepare_turn([HumanMessage(QUESTION)], free.kwargs).written
    reply = forced.invoke(QUESTION)
    opener_tokens = len(tokenizer.encode(opener, add_special_tokens=False))
    # The opener is in the prompt's count, not in the generated tokens, and the call still parses.
    assert reply.usage_metadata["input_tokens"] == turn.prompt_length
    assert reply.tool_calls[0]["name"] == "search_catalog" and opener_tokens > 5


def test_required_tool_choice_gives_schema_valid_calls(tokenizer) -> None:
    for model in models_with_seeds(tokenizer, range(1), max_new_tokens=160):
        reply = model.bind_tools([SEARCH_TOOL, PERSON_TOOL], tool_choice="any").invoke(QUESTION)
        assert_schema_valid(reply.tool_calls)


def test_streamed_forced_call_arrives_in_the_last_chunk_not_as_text(tokenizer) -> None:
    model = models_with_seeds(tokenizer, range(1), max_new_tokens=160)[0]
    chunks = list(model.bind_tools([SEARCH_TOOL], tool_choice="search_catalog").stream(QUESTION))
    assert all("<tool_call>" not in chunk.content for chunk in chunks)
    assert chunks[-1].tool_call_chunks and chunks[-1].chunk_position == "last"
    assert_schema_valid(aggregate(chunks).tool_calls)


def test_tool_choice_none_hides_the_tools_from_the_prompt(llm) -> None:
    with_tools = llm.bind_tools([SEARCH_TOOL]).invoke(QUESTION)
    without = llm.bind_tools([SEARCH_TOOL], tool_choice="none").invoke(QUESTION)
    assert without.usage_metadata["input_tokens"] < with_tools.usage_metadata["input_tokens"]
    assert without.tool_calls == []


def test_structured_output_is_a_forced_schema_valid_call(tokenizer) -> None:
    model = models_with_seeds(tokenizer, range(1), max_new_tokens=160)[0]
    structured = model.with_structured_output(SEARCH_TOOL)
    jsonschema.validate(structured.invoke(QUESTION), SEARCH_SCHEMA)


def test_binding_an_unknown_tool_choice_fails_at_once(llm) -> None:
    with pytest.raises(ValueError, match="search_catalog"):
        llm.bind_tools([SEARCH_TOOL], tool_choice="delete_everything")


def test_an_unparseable_call_comes_back_as_text_without_raising(tokenizer, caplog) -> None:
    unconstrained = LocalChatModel(
        model=build_model(tokenizer, seed=1),
        tokenizer=tokenizer,
        max_new_tokens=24,
        constrained_decoding=False,
    )
    with caplog.at_level(logging.WARNING):
        reply = unconstrained.bind_tools([SEARCH_TOOL], tool_choice="search_catalog").invoke(QUESTION)
    assert reply.tool_calls == [] and reply.content
    assert "required to call a tool" in caplog.text


def test_a_misfit_unconstrained_call_is_regenerated_under_the_schema(tokenizer, monkeypatch) -> None:
    model = build_model(tokenizer, seed=0)
    llm = LocalChatModel(model=model, tokenizer=tokenizer, max_new_tokens=160)
    real_generate = model.generate
    seen_processors: list[list] = []
    misfit = tokenizer.encode('{"name": "search_catalog", "arguments": {"query": 7}}', return_tensors="pt")

    def generate(**kwargs):
        seen_processors.append(list(kwargs["logits_processor"]))
        if len(seen_processors) == 1:  # the model's first answer: a bare call whose "query" is not a string
            return torch.cat([kwargs["input_ids"], misfit], dim=1)
        return real_generate(**kwargs)

    monkeypatch.setattr(model, "generate", generate)
    reply = llm.bind_tools([SEARCH_TOOL]).invoke(QUESTION)
    assert len(seen_processors) == 2
    assert any(isinstance(p, GrammarLogitsProcessor) for p in seen_processors[1])
    assert_schema_valid(reply.tool_calls)


# --- construction and loading ---------------------------------------------------------------------------


def test_construction_needs_a_model_source(tokenizer) -> None:
    with pytest.raises(ValueError, match="model_name"):
        LocalChatModel()
    with pytest.raises(ValueError, match="both"):
        LocalChatModel(tokenizer=tokenizer)


def test_loading_is_lazy_and_failures_say_what_to_do() -> None:
    lazy = LocalChatModel(model_name="nobody/no-such-model-here")
    assert lazy.model is None
    with pytest.raises(RuntimeError, match="MARQUEE_LLM_MODEL"):
        lazy.invoke("hi")


def test_loads_a_saved_model_folder_on_cpu(tokenizer, tmp_path: Path) -> None:
    build_model(tokenizer, seed=1).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    loaded = LocalChatModel(model_name=str(tmp_path), device="cpu", max_new_tokens=24, cpu_quantization="none")
    reply = loaded.invoke(QUESTION)
    assert loaded.model.device.type == "cpu" and loaded.model.dtype == torch.float32
    in_memory = LocalChatModel(model=build_model(tokenizer, seed=1), tokenizer=tokenizer, max_new_tokens=24)
    assert reply.content == in_memory.invoke(QUESTION).content


def test_device_plans() -> None:
    cpu = plan_device("cpu")
    assert (cpu.device, cpu.dtype, cpu.device_map) == ("cpu", torch.float32, None)
    if not torch.cuda.is_available():
        assert plan_device("auto").device in ("cpu", "mps")
        with pytest.raises(RuntimeError, match="no CUDA GPU"):
            plan_device("cuda")
    with pytest.raises(ValueError, match="Unknown device"):
        plan_device("tpu")
