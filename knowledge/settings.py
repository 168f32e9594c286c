"""One settings object for the whole project, read from ``MARQUEE_*`` environment variables.

Settings are built once (``Settings.from_env()``) and passed explicitly to whatever needs them; nothing reads
the environment behind the caller's back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ENV_PREFIX = "MARQUEE_"
QUANTIZATION_CHOICES = ("auto", "int8", "none")
LOG_FORMATS = ("text", "json")
RECALL_CHOICES = ("auto", "on", "off")


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "marquee"


@dataclass(frozen=True)
class Settings:
    """Where data lives and which models and services to use.

    Every field can be set with an environment variable named ``MARQUEE_<FIELD>`` (upper case), e.g.
    ``MARQUEE_DATA_DIR=/srv/marquee`` or ``MARQUEE_CHROMA_URL=http://127.0.0.1:8000``.
    """

    data_dir: Path = field(default_factory=_default_data_dir)
    #: Embedded Chroma directory; defaults to ``<data_dir>/chroma``.
    chroma_path: Path | None = None
    #: A Chroma server (``chroma run``); when set, the embedded store is not used.
    chroma_url: str | None = None
    collection: str = "catalog"
    #: Catalog file to ingest instead of the default catalog (CSV, JSON, JSONL or Parquet).
    catalog_path: Path | None = None
    #: Hub id or local folder of a sentence-transformers model; empty means the model shipped on PyPI.
    embedding_model: str = ""
    #: Hub id, local folder or GGUF file of the chat model; empty means pick by hardware, offline fallback.
    llm_model: str = ""
    #: Base URL of an OpenAI-compatible server (vLLM); when set, the local LLM is not loaded.
    llm_base_url: str | None = None
    llm_api_key: str = "EMPTY"
    #: Hub id or local folder of a diffusers text-to-image model; empty means sketches only.
    image_model: str = ""
    #: "auto", "cpu", "cuda", "cuda:1", "mps".
    device: str = "auto"
    #: Weights of a float32 chat model on a CPU: "auto" (int8 when loaded here), "int8" or "none".
    llm_quantization: str = "auto"
    #: Key the host endpoints (``/mcp``, ``/v1``) accept as ``Authorization: Bearer <key>``; empty: the app's
    #: own login (``MARQUEE_AUTH``) or, without one, open like the app.
    api_key: str = ""
    #: Requests a minute one caller may send to ``/v1`` (bursts of half that); 0 turns the limit off.
    api_rate_limit: int = 120
    #: Log format: "text", or "json" for one structured line per chat turn.
    log_format: str = "text"
    #: Put message and answer text in the JSON turn log (off: only sizes, tools, timings).
    log_content: bool = False
    #: Model-assisted recall for plot descriptions: the chat model proposes titles that search fuses in.
    #: "auto": only with a model stronger than the embedded one (MARQUEE_LLM_BASE_URL or MARQUEE_LLM_MODEL).
    search_recall: str = "auto"

    def __post_init__(self) -> None:
        if self.search_recall not in RECALL_CHOICES:
            raise ValueError(f"MARQUEE_SEARCH_RECALL={self.search_recall!r} is not one of {', '.join(RECALL_CHOICES)}.")
        if self.log_format not in LOG_FORMATS:
            raise ValueError(f"MARQUEE_LOG_FORMAT={self.log_format!r} is not one of {', '.join(LOG_FORMATS)}.")
        if self.llm_quantization not in QUANTIZATION_CHOICES:
            raise ValueError(
                f"MARQUEE_LLM_QUANTIZATION={self.llm_quantization!r} is not one of {', '.join(QUANTIZATION_CHOICES)}."
            )

    @property
    def chroma_dir(self) -> Path:
        return self.chroma_path or (self.data_dir / "chroma")

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``MARQUEE_*`` variables; keyword ``overrides`` (e.g. from CLI flags) win when not None."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw.strip() != "":
                values[f.name] = _coerce(f.name, raw.strip())
        for name, value in overrides.items():
            if value is not None:
                values[name] = _coerce(name, value) if isinstance(value, str) else value
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"Unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)


_PATH_FIELDS = {"data_dir", "chroma_path", "catalog_path"}
_BOOL_FIELDS = {"log_content"}


def _coerce(name: str, raw: str) -> object:
    if name in _PATH_FIELDS:
        return Path(raw).expanduser()
    if name in ("llm_quantization", "log_format", "search_recall"):
        return raw.strip().lower()
    if name == "api_rate_limit":
        return int(raw)
    if name in _BOOL_FIELDS:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw
