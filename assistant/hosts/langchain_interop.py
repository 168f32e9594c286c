"""Marquee's parts as standard LangChain parts.

* ``MarqueeEmbeddings``: Marquee's sentence embedder as ``langchain_core.embeddings.Embeddings``.
* ``catalog_vectorstore(assistant)``: the catalog's Chroma collection as a ``langchain_chroma.Chroma`` store,
  embedded the same way it was indexed (read it; ``python -m assistant ingest`` stays the writer).
* ``CatalogRetriever``: a ``BaseRetriever`` over Marquee's hybrid search (``Assistant.as_retriever()``): the
  query is parsed for eras, genres, people and negations, not just embedded.
* ``Assistant.as_tools()`` gives the agent's own tools as LangChain tools for ``langchain.agents.create_agent``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from tools.agent_tools import details_text

if TYPE_CHECKING:
    from langchain_chroma import Chroma

    from assistant.api import Assistant
    from knowledge.embeddings import Embedder
    from tools.search.engine import TitleHit


class MarqueeEmbeddings(Embeddings):
    """The embedder that built the index (normalised MiniLM vectors by default), for LangChain stores."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_documents(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed_query(text)]


def catalog_vectorstore(assistant: Assistant) -> Chroma:
    """The catalog collection (embedded directory or Chroma server, as the settings say) as a LangChain
    ``Chroma`` vector store; documents are the indexed title texts, metadata the title fields."""
    import chromadb
    from langchain_chroma import Chroma

    store = assistant.catalog.store
    settings = assistant.settings
    if settings.chroma_url:
        parsed = urlparse(settings.chroma_url)
        client = chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                     ssl=parsed.scheme == "https")
    else:
        client = chromadb.PersistentClient(path=str(settings.chroma_dir))
    return Chroma(collection_name=settings.collection, embedding_function=MarqueeEmbeddings(store.embedder),
                  client=client, create_collection_if_not_exists=False)


class CatalogRetriever(BaseRetriever):
    """Marquee's hybrid search as a LangChain retriever: one ``Document`` per title, best first, with the
    title's facts as text and ``id``, ``title``, ``year``, ``genres``, ``score`` and ``why`` as metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any
    k: int = 10

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_document(hit) for hit in self.assistant.search(query, k=self.k).hits]


def hit_document(hit: TitleHit) -> Document:
    metadata = {k: v for k, v in hit.to_dict().items() if v is not None}
    return Document(page_content=details_text(hit.title), metadata=metadata, id=hit.title.id)


def answer_after_tools(max_rounds: int = 1):
    """``create_agent`` middleware: once the model has had ``max_rounds`` rounds of tool calls since the user's
    last message, it is called without tools and must answer. A small local model otherwise tends to call the
    same tool again and again (Marquee's own agent stops after one round for the same reason).

    >>> create_agent(Assistant().llm, tools=Assistant().as_tools(), middleware=[answer_after_tools()])
    """
    from langchain.agents.middleware import wrap_model_call
    from langchain_core.messages import AIMessage, HumanMessage

    @wrap_model_call(name="MarqueeAnswerAfterTools")
    def limit_tool_rounds(request, handler):
        since_user = []
        for message in reversed(request.messages):
            if isinstance(message, HumanMessage):
                break
            since_user.append(message)
        rounds = sum(1 for m in since_user if isinstance(m, AIMessage) and m.tool_calls)
        if rounds >= max_rounds:
            request = request.override(tools=[], tool_choice=None)
        return handler(request)

    return limit_tool_rounds
