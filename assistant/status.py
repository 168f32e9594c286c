"""What an assistant is running on, in one small record: for the UI's status line, ``doctor`` and logs.

Nothing here loads a model: a chat model not loaded yet is described by what the settings would pick.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.catalog import Catalog
    from knowledge.settings import Settings


@dataclass(frozen=True)
class AssistantStatus:
    llm: str
    embedding_model: str
    image_renderer: str
    device: str
    vector_store: str
    catalog_titles: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        """One line for people: "LLM: … · Embeddings: … · Frames: … · Device: … · Catalog: 17,472 titles"."""
        titles = "not indexed yet" if self.catalog_titles is None else f"{self.catalog_titles:,} titles"
        return (f"LLM: {self.llm} · Embeddings: {self.embedding_model} · Frames: {self.image_renderer} · "
                f"Device: {self.device} · Catalog: {titles} ({self.vector_store})")


def describe_llm(llm: BaseChatModel | None, settings: Settings) -> str:
    """The loaded chat model's name, else what ``resolve_llm`` would pick (without loading it)."""
    if llm is not None:
        name = getattr(llm, "model_name", "") or getattr(llm, "model", "") or type(llm).__name__
        base_url = getattr(llm, "openai_api_base", None)
        label = _short(str(name))
        return f"{label} at {base_url}" if base_url else label
    from assistant.llm.select import choose_llm

    choice = choose_llm(settings, hub_reachable=lambda: False)
    if choice.backend == "openai":
        return f"{choice.model or 'default model'} at {settings.llm_base_url}"
    if choice.backend == "embedded":
        return "Qwen2.5-Coder-0.5B-Instruct (embedded, not loaded yet)"
    return f"{_short(choice.model)} (not loaded yet)"


def describe_device(settings: Settings) -> str:
    from knowledge.embeddings import pick_device

    device = pick_device(settings.device or "auto")
    if device.startswith("cuda"):
        import torch

        return f"{device} ({torch.cuda.get_device_name(torch.device(device))}, bf16)"
    return device


def assistant_status(settings: Settings, catalog: Catalog, llm: BaseChatModel | None) -> AssistantStatus:
    store = catalog.store
    try:
        titles: int | None = store.count() or None
    except Exception:  # a broken or unreachable index: the status line must still render
        titles = None
    image = settings.image_model or "blocking sketches (no image model configured)"
    return AssistantStatus(
        llm=describe_llm(llm, settings),
        embedding_model=_short(store.embedder.requested or "all-MiniLM-L6-v2 (packaged)"),
        image_renderer=_short(image),
        device=describe_device(settings),
        vector_store=f"Chroma server {settings.chroma_url}" if settings.chroma_url else "embedded Chroma",
        catalog_titles=titles,
    )


def _short(name: str) -> str:
    """A model path shortened to its folder name (the cache path means nothing to a viewer)."""
    name = name.rstrip("/")
    return name.rsplit("/", 1)[-1] if name.startswith(("/", ".", "~")) else name
