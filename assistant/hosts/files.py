"""Links to files the tools wrote (storyboard sheets, frames, ad exports), never to paths outside the data folder.

A file is named by its path relative to the data folder. Over HTTP it is served at ``/marquee/files/<path>``
with an HMAC signature in the query string, so a Markdown image in a chat host loads without the host
forwarding credentials; over MCP it is also a resource, ``marquee://files/<path>``.
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

FILES_ROUTE = "/marquee/files"
RESOURCE_PREFIX = "marquee://files/"


@dataclass(frozen=True)
class FileLink:
    """One file a tool produced, as a host can reach it."""

    name: str
    media_type: str
    #: The MCP resource URI (readable over stdio and HTTP).
    uri: str
    #: An absolute (or, without a known base URL, root-relative) signed HTTP link; "" over stdio.
    url: str = ""


class FileLinks:
    """Turns paths under ``data_dir`` into links and back; anything outside it is refused."""

    def __init__(self, data_dir: Path, secret: bytes | None = None):
        self.root = Path(data_dir).expanduser().resolve()
        # A per-process secret by default: links stop working when the server restarts, which suits results
        # that are regenerated on demand. Pass a fixed secret to keep them valid across restarts.
        self._secret = secret or secrets.token_bytes(32)

    def relative(self, path: str | Path) -> str | None:
        """``path`` relative to the data folder (POSIX form), or None when it lies outside or does not exist."""
        try:
            resolved = Path(path).expanduser().resolve()
            relative = resolved.relative_to(self.root)
        except (ValueError, OSError):
            return None
        return relative.as_posix() if resolved.is_file() else None

    def link(self, path: str | Path, base_url: str = "", http: bool = True) -> FileLink | None:
        relative = self.relative(path)
        if relative is None:
            return None
        media_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        url = f"{base_url.rstrip('/')}{FILES_ROUTE}/{quote(relative)}?sig={self.sign(relative)}" if http else ""
        return FileLink(Path(relative).name, media_type, RESOURCE_PREFIX + quote(relative, safe=""), url)

    def links(self, paths: list[str | Path], base_url: str = "", http: bool = True) -> list[FileLink]:
        return [link for path in paths if (link := self.link(path, base_url, http)) is not None]

    def sign(self, relative: str) -> str:
        return hmac.new(self._secret, relative.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def verify(self, relative: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(relative), signature or "")

    def scrub(self, text: str, base_url: str = "") -> str:
        """``text`` with every path under the data folder replaced by its link (or by its file name when it is
        no file): a host never sees where the data folder is."""
        def replace(match: re.Match) -> str:
            link = self.link(match.group(0), base_url)
            return link.url if link is not None else Path(match.group(0)).name
        pattern = re.escape(str(self.root)) + r"[^\s\"'<>)\]]*"
        return re.sub(pattern, replace, text)

    def resolve(self, relative: str) -> Path | None:
        """The file a link names, or None when it is outside the data folder or missing."""
        candidate = self.root / unquote(relative)
        return candidate if self.relative(candidate) is not None else None
