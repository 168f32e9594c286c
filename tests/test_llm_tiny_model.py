"""A tiny random-weight Qwen2 model and a byte-level BPE tokenizer, both built in memory (no download).

Shared by the ``test_llm_*`` tests: small enough to generate a few hundred tokens in well under a second, yet
real transformers objects all the way down (chat template, generate(), logits processors, streamers).
"""

from __future__ import annotations

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

from assistant.llm.qwen_template import qwen25_chat_template

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
# Added but not special, as in Qwen's tokenizer: decoding keeps them in the text the parser reads.
TOOL_TAGS = ["<tool_call>", "</tool_call>"]

_CORPUS = [
    '{"name": "search_catalog", "arguments": {"query": "80s horror movies"}}',
    "You are a helpful assistant. Find me films, shows and people.",
    '{"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}',
    "system user assistant tool function description parameters integer limit genre",
] * 4


def build_tokenizer() -> PreTrainedTokenizerFast:
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=420,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(_CORPUS, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.add_tokens(TOOL_TAGS)
    tokenizer.chat_template = qwen25_chat_template()
    return tokenizer


def build_model(tokenizer: PreTrainedTokenizerFast, seed: int = 0) -> Qwen2ForCausalLM:
    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        tie_word_embeddings=False,  # tied random weights just repeat the last prompt token
    )
    return Qwen2ForCausalLM(config).eval()


# --- the builders themselves, checked once so a failure elsewhere is not a broken fixture in disguise ---


def test_tokenizer_round_trips_text_and_keeps_tool_tags() -> None:
    tokenizer = build_tokenizer()
    text = '<tool_call>\n{"name": "search_catalog", "arguments": {"query": "Ünïcode ✓"}}\n</tool_call>'
    ids = tokenizer.encode(text, add_special_tokens=False)
    assert tokenizer.decode(ids, skip_special_tokens=True) == text
    assert tokenizer.convert_tokens_to_ids("<tool_call>") in ids


def test_chat_template_renders_tools_and_generation_prompt() -> None:
    tokenizer = build_tokenizer()
    tool = {"type": "function", "function": {"name": "search_catalog", "parameters": {"type": "object"}}}
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], tools=[tool], add_generation_prompt=True, tokenize=False
    )
    assert '"name": "search_catalog"' in prompt
    assert prompt.endswith("<|im_start|>assistant\n")


def test_model_output_matches_tokenizer_vocabulary() -> None:
    tokenizer = build_tokenizer()
    model = build_model(tokenizer)
    logits = model(torch.tensor([[1, 2, 3]])).logits
    assert logits.shape == (1, 3, len(tokenizer))
