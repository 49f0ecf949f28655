"""One async client used from several event loops (``asyncio.run`` twice), and what a client
keeps in memory: no plain copy of the ``Authorization`` header anywhere reachable from it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import json
import logging
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from flexconv import AsyncFlexConv, FlexConv, FlexConvError
from flexconv._transport import AsyncHttpxTransport
from tests.fakes import ACCOUNT_SID, AUTH_TOKEN

BODY = json.dumps({"account_sid": ACCOUNT_SID, "status": "ok", "ui_version": "2.8.1"}).encode()
HEADER = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: pooled connections outlive a call

    def do_GET(self) -> None:
        ok = self.headers.get("Authorization") == f"Basic {HEADER}"
        body = BODY if ok else b'{"code": 20003, "message": "Authenticate", "status": 401}'
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _client(kind: str, base_url: str) -> AsyncFlexConv:
    """The default client (aiohttp), or one over an httpx.AsyncClient flexconv opens itself."""
    transport = AsyncHttpxTransport() if kind == "httpx" else None
    return AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url, transport=transport)


@pytest.mark.parametrize("kind", ["aiohttp", "httpx"])
def test_one_async_client_serves_two_asyncio_runs_without_leaking(
    kind: str, base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ResourceWarning, unclosed sessions: all fail the test
        client = _client(kind, base_url)

        async def fetch(client: AsyncFlexConv) -> str | None:
            return (await client.configuration.fetch()).ui_version

        assert asyncio.run(fetch(client)) == "2.8.1"
        assert asyncio.run(fetch(client)) == "2.8.1"
        assert asyncio.run(fetch(client)) == "2.8.1"
        asyncio.run(client.aclose())
        del client
        gc.collect()
    assert "Unclosed" not in caplog.text
    assert "Event loop is closed" not in caplog.text


@pytest.mark.parametrize("kind", ["aiohttp", "httpx"])
def test_a_client_used_from_a_second_open_loop_raises_a_clear_error(
    kind: str, base_url: str
) -> None:
    client = _client(kind, base_url)
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        first.run_until_complete(client.configuration.fetch())
        with pytest.raises(FlexConvError, match="another event loop that is still open"):
            second.run_until_complete(client.configuration.fetch())
        first.run_until_complete(client.aclose())
    finally:
        first.run_until_complete(first.shutdown_asyncgens())
        first.close()
        second.run_until_complete(second.shutdown_asyncgens())
        second.close()


# ------------------------------------------------------------------------- secrets in memory


def _strings_reachable(root: object, depth: int = 5) -> Iterator[str]:
    """Every string in ``vars()`` of ``root`` and of the objects they hold, a few levels deep."""
    seen: set[int] = set()
    stack: list[tuple[object, int]] = [(root, 0)]
    while stack:
        obj, level = stack.pop()
        if id(obj) in seen or level > depth:
            continue
        seen.add(id(obj))
        if isinstance(obj, (str, bytes)):
            yield obj if isinstance(obj, str) else obj.decode("latin-1")
            continue
        if isinstance(obj, type) or (callable(obj) and not hasattr(obj, "__dict__")):
            continue
        children: list[object] = []
        if isinstance(obj, dict):
            children += [*obj.keys(), *obj.values()]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            children += list(obj)
        with contextlib.suppress(TypeError):
            children += list(vars(obj).values())
        stack += [(child, level + 1) for child in children]


def _assert_no_secret(client: object) -> None:
    found = [s for s in _strings_reachable(client) if AUTH_TOKEN in s or HEADER in s]
    assert found == [], "the token or the Authorization header is reachable from the client"


def test_no_authorization_header_in_the_async_clients_memory(base_url: str) -> None:
    async def main() -> None:
        for client in (
            AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url),
            _client("httpx", base_url),
        ):
            async with client:
                await client.configuration.fetch()
                await client.configuration.fetch()
                _assert_no_secret(client)
                _assert_no_secret(client.config)
                assert HEADER not in repr(vars(client.config))

    asyncio.run(main())


def test_no_authorization_header_in_the_sync_clients_memory(base_url: str) -> None:
    with FlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url) as client:
        client.configuration.fetch()
        client.configuration.fetch()
        _assert_no_secret(client)
        _assert_no_secret(client.config)
        assert HEADER not in repr(vars(client.config))
    with FlexConv(
        ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url, http_client=httpx.Client()
    ) as client:
        client.configuration.fetch()
        _assert_no_secret(client)


def test_the_walk_finds_a_header_stored_in_plain_sight() -> None:
    class Holder:
        def __init__(self) -> None:
            self.inner = {"headers": {"Authorization": f"Basic {HEADER}"}}

    with pytest.raises(AssertionError, match="reachable"):
        _assert_no_secret(Holder())
