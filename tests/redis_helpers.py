"""A real ``redis-server`` for the lock tests, started on 127.0.0.1 on a free port.

Without the ``redis-server`` binary (or redis-py) the tests that need it are skipped with the
reason, unless ``FLEXCONV_REQUIRE_REDIS=1`` (CI sets it) turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def _required() -> bool:
    return os.environ.get("FLEXCONV_REQUIRE_REDIS", "") not in ("", "0")


def unavailable(reason: str) -> None:
    """Skip the test with ``reason``, or fail it when Redis is required."""
    if _required():
        pytest.fail(f"FLEXCONV_REQUIRE_REDIS is set but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server() -> Iterator[str]:
    """Run a throw-away ``redis-server`` (no persistence) and yield its ``redis://`` URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("the redis-server binary is not installed (apt-get install redis-server)")
    try:
        import redis  # noqa: F401
    except ImportError:
        unavailable("redis-py is not installed (pip install 'flexconv[redis]')")
    assert binary is not None
    with tempfile.TemporaryDirectory() as workdir:
        for _ in range(5):  # a port taken between probing and binding: try another
            port = _free_port()
            proc = subprocess.Popen(
                [
                    binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    workdir,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while proc.poll() is None and time.monotonic() < deadline and not _ping(port):
                time.sleep(0.02)
            if proc.poll() is None and _ping(port):
                break
            proc.kill()
            proc.wait()
        else:
            pytest.fail("redis-server did not start on 127.0.0.1")
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
