"""Whether the Hugging Face hub can be reached: shared by the chat-model choice, the image-model default and
``doctor`` (in ``knowledge`` so that the tools can ask without importing the assistant)."""

from __future__ import annotations

import os
import socket
import threading
from urllib.parse import urlparse

HUB_ENDPOINT = "https://huggingface.co"
HUB_CHECK_SECONDS = 2.0
_TRUE = {"1", "true", "yes", "on"}


def hub_is_offline_by_env() -> bool:
    return any(os.environ.get(name, "").strip().lower() in _TRUE for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def hub_is_reachable(timeout: float = HUB_CHECK_SECONDS) -> bool:
    """Whether a TCP connection to the hub opens within ``timeout`` seconds; HF_HUB_OFFLINE=1 means no.

    The probe runs in a daemon thread so that a slow DNS lookup (which ignores socket timeouts) cannot
    hang the caller past ``timeout``.
    """
    if hub_is_offline_by_env():
        return False
    endpoint = urlparse(os.environ.get("HF_ENDPOINT") or HUB_ENDPOINT)
    host, port = (
        endpoint.hostname or "huggingface.co",
        endpoint.port or (80 if endpoint.scheme == "http" else 443),
    )
    answered = threading.Event()
    connected: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                connected.append(True)
        except OSError:
            pass
        finally:
            answered.set()

    threading.Thread(target=probe, name="marquee-hub-probe", daemon=True).start()
    return answered.wait(timeout) and bool(connected)
