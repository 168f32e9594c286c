"""Block every connection that would leave the machine, and record who tried.

``NetworkGuard`` patches ``socket.socket.connect``/``connect_ex``, ``socket.create_connection`` and
``socket.getaddrinfo`` so that loopback addresses and Unix sockets work as usual and anything else fails
(``OSError``/``socket.gaierror``, as a machine without a network would) after being written to ``attempts``.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


@dataclass(frozen=True)
class Attempt:
    """One blocked try: what was called, for which host and port, and from where (the innermost own frames)."""

    call: str
    host: str
    port: Any
    where: str

    def __str__(self) -> str:
        return f"{self.call}({self.host!r}, {self.port!r}) from {self.where}"


def is_loopback(host: object) -> bool:
    if host is None or host == "":  # getaddrinfo(None, port) is the local wildcard
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    name = name.strip("[]").split("%", 1)[0].lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class NetworkGuard:
    attempts: list[Attempt] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _saved: dict[str, Any] = field(default_factory=dict)

    def install(self) -> NetworkGuard:
        self._saved = {"connect": socket.socket.connect, "connect_ex": socket.socket.connect_ex,
                       "create_connection": socket.create_connection, "getaddrinfo": socket.getaddrinfo}
        saved, guard = self._saved, self

        def connect(sock: socket.socket, address: Any) -> None:
            guard._check(sock, address, "socket.connect")
            return saved["connect"](sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            if not guard._allowed(sock, address, "socket.connect_ex"):
                return errno.ENETUNREACH
            return saved["connect_ex"](sock, address)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            guard._check(None, address, "socket.create_connection")
            return saved["create_connection"](address, *args, **kwargs)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list:
            if not is_loopback(host):
                guard._record("socket.getaddrinfo", host, port)
                raise socket.gaierror(socket.EAI_NONAME, f"network blocked by the test: {host}")
            return saved["getaddrinfo"](host, port, *args, **kwargs)

        socket.socket.connect, socket.socket.connect_ex = connect, connect_ex  # type: ignore[method-assign]
        socket.create_connection, socket.getaddrinfo = create_connection, getaddrinfo  # type: ignore[assignment]
        return self

    def uninstall(self) -> None:
        if self._saved:
            socket.socket.connect = self._saved["connect"]  # type: ignore[method-assign]
            socket.socket.connect_ex = self._saved["connect_ex"]  # type: ignore[method-assign]
            socket.create_connection = self._saved["create_connection"]
            socket.getaddrinfo = self._saved["getaddrinfo"]
            self._saved = {}

    def __enter__(self) -> NetworkGuard:
        return self.install()

    def __exit__(self, *exc: object) -> None:
        self.uninstall()

    def _allowed(self, sock: socket.socket | None, address: Any, call: str) -> bool:
        if sock is not None and getattr(socket, "AF_UNIX", None) == sock.family:
            return True
        host, port = (address[0], address[1]) if isinstance(address, tuple) else (address, None)
        if is_loopback(host):
            return True
        self._record(call, host, port)
        return False

    def _check(self, sock: socket.socket | None, address: Any, call: str) -> None:
        if not self._allowed(sock, address, call):
            raise OSError(errno.ENETUNREACH, f"network blocked by the test: {address!r}")

    def _record(self, call: str, host: Any, port: Any) -> None:
        frames = [f for f in traceback.extract_stack()[:-3] if "network_guard" not in f.filename]
        where = " <- ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in reversed(frames[-6:]))
        with self._lock:
            self.attempts.append(Attempt(call, str(host), port, where))
