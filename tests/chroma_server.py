"""A real Chroma server (``chroma run``) on a free loopback port, for tests of the server path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.app_support import free_port

START_TIMEOUT_S = 60.0


def chroma_executable() -> str | None:
    """The ``chroma`` CLI of this interpreter's environment, else one on PATH."""
    beside_python = Path(sys.executable).with_name("chroma")
    return str(beside_python) if beside_python.is_file() else shutil.which("chroma")


def heartbeat(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def chroma_server(data_dir: Path, log_file: Path) -> Iterator[str]:
    """Run ``chroma run`` on ``data_dir`` until the block ends (always stopped); yields its URL."""
    executable = chroma_executable()
    if executable is None:
        raise FileNotFoundError("the `chroma` executable is not installed (pip install chromadb)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with open(log_file, "wb") as log:
        server = subprocess.Popen([executable, "run", "--path", str(data_dir), "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_for_heartbeat(server, url, log_file)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_heartbeat(server: subprocess.Popen, url: str, log_file: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"`chroma run` exited with {server.returncode}:\n{log_file.read_text(errors='replace')}")
        if heartbeat(url):
            return
        time.sleep(0.25)
    raise TimeoutError(f"`chroma run` gave no heartbeat at {url} within {START_TIMEOUT_S:.0f} s:\n"
                       f"{log_file.read_text(errors='replace')[-2000:]}")
