"""The prefix KV cache: a turn that reuses an earlier prompt's cache writes exactly what a full prefill writes."""

from __future__ import annotations

import pytest
import torch
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from test_llm_local import PERSON_TOOL, SEARCH_TOOL
from test_llm_tiny_model import build_model, build_tokenizer

from assistant.llm.local import LocalChatModel
from assistant.llm.prefix_cache import MIN_REUSED_TOKENS, PrefixCache, new_dynamic_cache, supports_prefix_cache

SYSTEM = SystemMessage("You are a helpful assistant. Find me films, shows and people.")
QUESTIONS = ["find me 80s horror movies", "find me a comedy", "who directed it?"]


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


def pair(tokenizer, seed: int, **options: object) -> tuple[LocalChatModel, LocalChatModel]:
    """The same model with and without the prefix cache."""
    cached = LocalChatModel(model=build_model(tokenizer, seed), tokenizer=tokenizer, **options)  # type: ignore[arg-type]
    plain = LocalChatModel(
        model=build_model(tokenizer, seed),
        tokenizer=tokenizer,
        prefix_cache=False,
        **options,  # type: ignore[arg-type]
    )
    return cached, plain


def filled_cache(model, ids: torch.Tensor):
    cache = new_dynamic_cache(model)
    with torch.inference_mode():
        model(ids, past_key_values=cache, use_cache=True)
    return cache


# --- LocalChatModel with and without the cache ----------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_replies_with_the_prefix_cache_equal_replies_without_it_token_for_token(tokenizer, seed: int) -> None:
    cached, plain = pair(tokenizer, seed, max_new_tokens=32, constrained_decoding=False)
    history: list = [SYSTEM]
    for question in QUESTIONS:
        history.append(HumanMessage(question))
        with_cache = cached.invoke(history)
        without = plain.invoke(history)
        assert with_cache.content == without.content
        history.append(AIMessage(with_cache.content))
    # Every turn after the first started from an earlier turn's cache, the whole history included.
    assert with_cache.usage_metadata["input_token_details"]["cache_read"] > 40
    assert "input_token_details" not in without.usage_metadata


def test_cached_streams_and_constrained_calls_match_uncached_ones(tokenizer) -> None:
    cached, plain = pair(tokenizer, 1, max_new_tokens=160)
    for question in QUESTIONS[:2]:
        messages = [SYSTEM, HumanMessage(question)]
        for choice in ("search_catalog", "auto"):
            streamed = list(cached.bind_tools([SEARCH_TOOL, PERSON_TOOL], tool_choice=choice).stream(messages))
            reference = plain.bind_tools([SEARCH_TOOL, PERSON_TOOL], tool_choice=choice).invoke(messages)
            final = sum(streamed[1:], streamed[0])
            assert [(c["name"], c["args"]) for c in final.tool_calls] == [
                (c["name"], c["args"]) for c in reference.tool_calls
            ]
            assert final.content == reference.content
    assert streamed[-1].usage_metadata["input_token_details"]["cache_read"] > 100


def test_an_identical_prompt_reuses_all_but_its_last_token(tokenizer) -> None:
    cached, _ = pair(tokenizer, 1, max_new_tokens=8)
    first = cached.invoke(QUESTIONS[0])
    again = cached.invoke(QUESTIONS[0])
    assert again.content == first.content
    assert again.usage_metadata["input_token_details"]["cache_read"] == again.usage_metadata["input_tokens"] - 1


def test_warm_up_prefills_the_prompt_so_the_first_turn_reuses_it(tokenizer) -> None:
    cached, plain = pair(tokenizer, 0, max_new_tokens=24, constrained_decoding=False)
    tools = [SEARCH_TOOL, PERSON_TOOL]
    cached.warm_up([SYSTEM, HumanMessage("")], tools=tools)
    assert len(cached._prefixes) == 1
    reply = cached.bind_tools(tools).invoke([SYSTEM, HumanMessage(QUESTIONS[0])])
    # Everything up to the user's text: the system prompt and both tool schemas.
    assert reply.usage_metadata["input_token_details"]["cache_read"] > 300
    assert reply.content == plain.bind_tools(tools).invoke([SYSTEM, HumanMessage(QUESTIONS[0])]).content


def test_the_prefix_cache_can_be_turned_off(tokenizer) -> None:
    _, plain = pair(tokenizer, 0, max_new_tokens=4)
    plain.invoke(QUESTIONS[0])
    assert plain._prefixes is None
    assert "input_token_details" not in plain.invoke(QUESTIONS[0]).usage_metadata


# --- PrefixCache itself ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model(tokenizer):
    return build_model(tokenizer, seed=0)


def test_take_cuts_a_private_copy_at_the_longest_shared_prefix(model) -> None:
    prefixes = PrefixCache()
    stored = torch.arange(10, 40).unsqueeze(0)
    prefixes.put(stored, filled_cache(model, stored))
    prompt = torch.cat([stored[:, :20], torch.tensor([[99, 98, 97]])], dim=1)
    cache, reused = prefixes.take(prompt)
    assert reused == 20 and cache.get_seq_length() == 20
    expected = filled_cache(model, stored[:, :20])
    for got, want in zip(cache.layers, expected.layers, strict=True):
        torch.testing.assert_close(got.keys, want.keys)
        torch.testing.assert_close(got.values, want.values)
    cache.crop(-5)  # changing the copy leaves the stored entry whole
    assert prefixes.take(stored)[1] == 29


def test_take_leaves_at_least_one_token_to_run_and_ignores_short_matches(model) -> None:
    prefixes = PrefixCache()
    stored = torch.arange(10, 40)
    prefixes.put(stored, filled_cache(model, stored.unsqueeze(0)))
    assert prefixes.take(stored[:25])[1] == 24
    short = torch.cat([stored[: MIN_REUSED_TOKENS - 1], torch.tensor([5, 6, 7])])
    assert prefixes.take(short) == (None, 0)
    assert prefixes.take(torch.tensor([1, 2, 3])) == (None, 0)


def test_put_replaces_covered_entries_and_evicts_the_least_recently_used(model) -> None:
    prefixes = PrefixCache(max_entries=2)
    base = torch.arange(10, 30)
    prefixes.put(base, filled_cache(model, base.unsqueeze(0)))
    longer = torch.cat([base, torch.tensor([50, 51])])
    prefixes.put(longer, filled_cache(model, longer.unsqueeze(0)))
    assert len(prefixes) == 1  # the longer entry covers the shorter one
    others = [torch.arange(start, start + 20) for start in (100, 200)]
    for ids in others:
        prefixes.put(ids, filled_cache(model, ids.unsqueeze(0)))
    assert len(prefixes) == 2
    assert prefixes.take(torch.cat([longer, torch.tensor([3])]))[1] == 0  # evicted: the oldest
    assert prefixes.take(torch.cat([others[1], torch.tensor([3])]))[1] == 20


def test_put_ignores_a_cache_that_does_not_match_its_ids(model) -> None:
    prefixes = PrefixCache()
    ids = torch.arange(10, 30)
    prefixes.put(ids[:15], filled_cache(model, ids.unsqueeze(0)))
    assert len(prefixes) == 0


def test_the_tiny_qwen_supports_the_prefix_cache_and_a_sliding_window_model_does_not(tokenizer, model) -> None:
    assert supports_prefix_cache(model)
    sliding = build_model(tokenizer, seed=0)
    sliding.config.use_sliding_window = True
    sliding.config.sliding_window = 16
    sliding.config.max_window_layers = 0
    sliding.config.layer_types = ["sliding_attention"] * sliding.config.num_hidden_layers
    assert not supports_prefix_cache(sliding)
