"""The public Python API: ``from assistant import Assistant``."""

from __future__ import annotations

from assistant.catalog import Catalog
from assistant.settings import Settings
from tools.search import SearchResult


class Assistant:
    """Marquee's assistant. ``Assistant()`` builds the default, offline-capable assistant from ``MARQUEE_*``
    settings; pass ``settings=`` (or parts such as ``catalog=``) to build another one.

    >>> from assistant import Assistant
    >>> for hit in Assistant().search("a dark psychological thriller from the '80s"):
    ...     print(hit.title.label, hit.why)
    """

    def __init__(self, settings: Settings | None = None, *, catalog: Catalog | None = None):
        self.settings = settings or Settings.from_env()
        self._catalog = catalog

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.from_settings(self.settings)
        return self._catalog

    def search(self, query: str, k: int = 10, previous: SearchResult | None = None) -> SearchResult:
        """Titles matching a natural-language description; ``previous`` refines an earlier search."""
        return self.catalog.search(query, k=k, previous=previous)
