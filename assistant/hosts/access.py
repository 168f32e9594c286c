"""Who may call the host endpoints (``/mcp``, ``/v1``): the same people as the web app.

A request is let in when the app is open (no ``MARQUEE_AUTH``, no ``MARQUEE_API_KEY``), or it carries
``Authorization: Bearer <MARQUEE_API_KEY>``, or the app's login as ``Authorization: Basic`` or as
``Bearer user:password`` (what an OpenAI client sends as its ``api_key``), or the browser's login cookie of the
app (checked by the ``logged_in`` callback the app passes in). Also a per-caller rate limit.
"""

from __future__ import annotations

import base64
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request


@dataclass
class Access:
    api_key: str = ""
    #: The web app's (user, password), from ``MARQUEE_AUTH``.
    credentials: tuple[str, str] | None = None
    #: Whether the request carries the app's own login (its session cookie); set by the app when mounting.
    logged_in: Callable[[Request], bool] | None = None

    @property
    def open(self) -> bool:
        return not self.api_key and self.credentials is None

    def allows(self, request: Request) -> bool:
        if self.open:
            return True
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token:
            if self.api_key and hmac.compare_digest(token, self.api_key):
                return True
            if self._matches_login(token):
                return True
        if scheme.lower() == "basic" and token and self._matches_login(_decode_basic(token)):
            return True
        return bool(self.logged_in and self.logged_in(request))

    def _matches_login(self, user_password: str) -> bool:
        if self.credentials is None or ":" not in user_password:
            return False
        return hmac.compare_digest(user_password, ":".join(self.credentials))


def caller_of(request: Request) -> str:
    """Who to count a request against: its credentials if any, else its address."""
    auth = request.headers.get("authorization", "")
    return auth or (request.client.host if request.client else "unknown")


def _decode_basic(token: str) -> str:
    try:
        return base64.b64decode(token, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


@dataclass
class RateLimiter:
    """A token bucket per caller: ``per_minute`` requests a minute on average, bursts up to ``burst`` (default
    half a minute's worth)."""

    per_minute: int = 120
    burst: int = 0
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, caller: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        burst = float(self.burst or max(1, self.per_minute // 2))
        with self._lock:
            tokens, last = self._buckets.get(caller, (burst, now))
            tokens = min(burst, tokens + (now - last) * self.per_minute / 60.0)
            allowed = tokens >= 1.0
            self._buckets[caller] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > 10_000:  # forget idle callers rather than grow without bound
                self._buckets = dict(list(self._buckets.items())[-5_000:])
            return allowed
