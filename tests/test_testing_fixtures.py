"""flexconv.testing: the seeded ``flex_emulator`` and the loopback ``flex_server``."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from flexconv import FlexConv
from flexconv.emulator import Emulator
from flexconv.testing import FlexServer


def test_flex_emulator_is_the_account_emulated_gives(flex_emulator: Emulator) -> None:
    with FlexConv.emulated() as client:
        assert client.emulator.seeded == flex_emulator.seeded
        assert client.account_sid == flex_emulator.account_sid
    assert set(flex_emulator.seeded.workers) == {"alice", "bob"}
    assert flex_emulator.seeded.addresses["+15005550006"].startswith("IG")


def test_flex_client_sees_the_seeded_workspace(flex_client: FlexConv) -> None:
    names = [w.friendly_name for w in flex_client.routing.workflows.list()]
    assert names == ["Assign to Anyone"]


def test_flex_server_serves_the_emulator_on_loopback(
    flex_server: FlexServer, flex_emulator: Emulator
) -> None:
    assert flex_server.emulator is flex_emulator
    assert flex_server.url.startswith("http://127.0.0.1:")
    assert flex_server.env["FLEXCONV_BASE_URL"] == flex_server.url
    assert flex_server.auth_token not in repr(flex_server)
    with flex_server.client() as client:
        assert client.emulator is None  # a network client, not an in-process one
        config = client.configuration.fetch()
        assert config.account_sid == flex_emulator.account_sid
        assert config.taskrouter_workspace_sid == flex_emulator.seeded.workspace_sid


async def test_flex_server_async_client(flex_server: FlexServer) -> None:
    async with flex_server.async_client() as client:
        worker = await client.routing.workers.resolve("alice")
    assert worker.sid == flex_server.emulator.seeded.workers["alice"]


def test_flex_server_delivers_webhooks_to_a_served_app(flex_server: FlexServer) -> None:
    pytest.importorskip("starlette")
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    received: list[dict[str, Any]] = []

    async def hook(request: Request) -> Response:
        received.append(dict(urllib.parse.parse_qsl((await request.body()).decode())))
        return Response(status_code=204)

    base = flex_server.serve_app(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
    with flex_server.client() as client:
        client.channels.route_to_webhook("+15551230000", webhook_url=f"{base}/hook")
    flex_server.emulator.simulate.customer_message("+15551230000", "+15005550100", "Hello")
    assert [r["EventType"] for r in received] == ["onMessageAdded"]
    assert received[0]["Body"] == "Hello"
    (delivery,) = flex_server.emulator.webhooks.deliveries(event_type="onMessageAdded")
    assert delivery.status == 204
