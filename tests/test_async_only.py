"""Async-only behaviour: the default aiohttp transport (no sync twin makes sense here)."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import warnings
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import test_utils, web

import flexconv._async.client as client_module
from flexconv import APIConnectionError, APITimeoutError, AsyncFlexConv, FlexConvError, Timeout
from flexconv._transport import AiohttpTransport
from tests.fakes import ACCOUNT_SID, AUTH_TOKEN

CONFIG = {"account_sid": ACCOUNT_SID, "status": "ok", "ui_version": "2.8.1"}


class Recorder:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []


@pytest.fixture
async def server() -> AsyncIterator[tuple[test_utils.TestServer, Recorder]]:
    seen = Recorder()

    async def configuration(request: web.Request) -> web.Response:
        body = await request.read()
        seen.requests.append((request.method, request.path_qs, dict(request.headers), body))
        return web.json_response(CONFIG, headers={"Twilio-Request-Id": "RQaio"})

    async def slow(request: web.Request) -> web.Response:
        seen.requests.append((request.method, request.path_qs, dict(request.headers), b""))
        await asyncio.sleep(1)
        return web.json_response({})

    async def rate_limited(request: web.Request) -> web.Response:
        seen.requests.append((request.method, request.path_qs, dict(request.headers), b""))
        if len(seen.requests) == 1:
            return web.json_response(
                {"code": 20429, "message": "Too Many Requests"},
                status=429,
                headers={"Retry-After": "0"},
            )
        return web.json_response({"ok": True}, status=201)

    app = web.Application()
    app.router.add_route("*", "/flex-api/v1/Configuration", configuration)
    app.router.add_route("*", "/conversations/v1/Slow", slow)
    app.router.add_route("*", "/conversations/v1/Limited", rate_limited)
    test_server = test_utils.TestServer(app)
    await test_server.start_server()
    try:
        yield test_server, seen
    finally:
        await test_server.close()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    calls: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        calls.append(seconds)

    monkeypatch.setattr(client_module, "async_sleep", fake_sleep)
    return calls


def base_url(server: test_utils.TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


async def test_the_default_async_transport_is_aiohttp_and_aclose_closes_its_session(
    server: tuple[test_utils.TestServer, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    test_server, seen = server
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url(test_server))
        assert isinstance(client._transport, AiohttpTransport)
        config = await client.configuration.fetch(ui_version="2.8")
        session = client._transport._session
        assert isinstance(session, aiohttp.ClientSession)
        assert session.closed is False
        await client.aclose()
        assert session.closed is True
        del client, session
        gc.collect()
    assert config.ui_version == "2.8.1"
    method, path, headers, _ = seen.requests[0]
    assert (method, path) == ("GET", "/flex-api/v1/Configuration?UiVersion=2.8")
    assert headers["Authorization"].startswith("Basic ")
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert "Unclosed" not in caplog.text


async def test_the_context_manager_closes_the_aiohttp_session(
    server: tuple[test_utils.TestServer, Recorder],
) -> None:
    test_server, seen = server
    async with AsyncFlexConv(
        ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url(test_server)
    ) as client:
        response = await client.request(
            "POST", "/v1/Configuration", product="flex-api", json={"ui_version": "2"}
        )
        assert response.request_id == "RQaio"
    assert client._transport._session.closed is True
    assert json.loads(seen.requests[0][3]) == {"ui_version": "2"}
    assert seen.requests[0][2]["Content-Type"] == "application/json"


async def test_a_client_never_used_opens_no_session() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={})
        await client.aclose()
        assert client._transport._session is None
        del client
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_a_user_supplied_aiohttp_session_is_left_open(
    server: tuple[test_utils.TestServer, Recorder],
) -> None:
    test_server, _ = server
    async with aiohttp.ClientSession() as session:
        async with AsyncFlexConv(
            ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url(test_server), http_client=session
        ) as client:
            await client.configuration.fetch()
        assert session.closed is False
    assert session.closed is True


async def test_aiohttp_429_is_retried(server: tuple[test_utils.TestServer, Recorder]) -> None:
    test_server, seen = server
    async with AsyncFlexConv(
        ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url(test_server)
    ) as client:
        response = await client.request(
            "POST", "/v1/Limited", product="conversations", data={"A": True}
        )
    assert response.json() == {"ok": True}
    assert len(seen.requests) == 2


async def test_aiohttp_read_timeout_is_not_retried_for_post(
    server: tuple[test_utils.TestServer, Recorder], sleeps: list[float]
) -> None:
    test_server, seen = server
    async with AsyncFlexConv(
        ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url(test_server), timeout=Timeout(read=0.1)
    ) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.request("POST", "/v1/Slow", product="conversations", data={})
    assert info.value.phase == "read"
    assert info.value.sent is True
    assert len(seen.requests) == 1
    assert sleeps == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_aiohttp_connection_refused_is_retried_for_post(sleeps: list[float]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    async with AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=url) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.request("POST", "/v1/Conversations", product="conversations", data={})
    assert info.value.sent is False
    assert len(sleeps) == 2
    assert AUTH_TOKEN not in str(info.value)


async def test_a_closed_client_fails_at_once(sleeps: list[float]) -> None:
    client = AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url="http://127.0.0.1:9")
    await client.aclose()
    with pytest.raises(FlexConvError, match="closed"):
        await client.request("GET", "/v1/Conversations", product="conversations")
    assert sleeps == []
