"""Model-assisted recall, the assistant side: whether it is on, and the chat model as the ``ask`` search uses.

``tools`` never imports the assistant, so search gets the model as a plain ``ask(system, user) -> text``
function. "auto" turns recall on only for a model stronger than the embedded 0.5B one: measured on the
known-item set (``python -m assistant bench search --recall``), the embedded model does not help.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from langchain_core.messages import HumanMessage, SystemMessage

from knowledge.settings import Settings
from tools.search.recall import Ask, ModelRecall

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["chat_model_ask", "model_recall", "recall_wanted"]


def recall_wanted(settings: Settings) -> bool:
    """``on``/``off`` as set; ``auto``: only when a server or a named model is configured."""
    if settings.search_recall == "auto":
        return bool(settings.llm_base_url or settings.llm_model)
    return settings.search_recall == "on"


def chat_model_ask(get_llm: Callable[[], BaseChatModel]) -> Ask:
    """``ask`` for search, calling the chat model ``get_llm`` returns (loaded on the first description only)."""

    def ask(system: str, user: str) -> str:
        # Imported here: ``assistant.llm`` pulls in torch, which a search with recall off must not pay for.
        from assistant.llm.messages import message_text

        return message_text(get_llm().invoke([SystemMessage(system), HumanMessage(user)]))

    return ask


def model_recall(settings: Settings, get_llm: Callable[[], BaseChatModel]) -> ModelRecall | None:
    return ModelRecall(chat_model_ask(get_llm)) if recall_wanted(settings) else None
