"""The loopback server: real HTTP on 127.0.0.1, shared state, faults over the wire."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from flexconv.emulator import Emulator
from flexconv.emulator.server import ServerThread, create_app


@pytest.fixture
def server(emu: Emulator) -> Iterator[ServerThread]:
    with ServerThread(emu) as srv:
        yield srv


def auth(emu: Emulator) -> tuple[str, str]:
    return (emu.account_sid, emu.auth_token)


def test_answers_over_http_with_shared_state(emu: Emulator, server: ServerThread) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    with httpx.Client(auth=auth(emu), timeout=5) as client:
        resp = client.post(
            f"{server.url}/conversations/v1/Conversations", data={"UniqueName": "wire"}
        )
        assert resp.status_code == 201
        assert (
            resp.json()["url"]
            == f"{server.url}/conversations/v1/Conversations/{resp.json()['sid']}"
        )
        assert emu.conversations.get("wire").sid == resp.json()["sid"]
        by_host = client.get(
            f"{server.url}/v1/Conversations/wire", headers={"Host": "conversations.twilio.com"}
        )
        assert by_host.status_code == 200
        # Twilio is only reached over https: its URLs say so even when the server saw http
        assert by_host.json()["url"].startswith("https://conversations.twilio.com/v1/")
        denied = client.get(f"{server.url}/flex-api/v1/Configuration", auth=("AC" + "0" * 32, "x"))
        assert denied.status_code == 401
        assert denied.json()["code"] == 20003


def test_faults_over_the_wire(emu: Emulator, server: ServerThread) -> None:
    with httpx.Client(auth=auth(emu), timeout=5) as client:
        emu.faults.rate_limit(retry_after=3, times=1)
        resp = client.get(f"{server.url}/flex-api/v1/Configuration")
        assert resp.status_code == 429
        assert resp.headers["retry-after"] == "3"
        emu.faults.latency(0.3, times=1)
        start = time.monotonic()
        assert client.get(f"{server.url}/flex-api/v1/Configuration").status_code == 200
        assert time.monotonic() - start >= 0.3
        emu.faults.drop(times=1)
        with pytest.raises(httpx.TransportError):
            client.get(f"{server.url}/flex-api/v1/Configuration")
    with httpx.Client(auth=auth(emu), timeout=5) as client:
        emu.faults.drop(before_send=False, method="POST", times=1)
        with pytest.raises(httpx.TransportError):
            client.post(f"{server.url}/conversations/v1/Conversations", data={"UniqueName": "half"})
        assert emu.conversations.get("half")
        assert client.get(f"{server.url}/flex-api/v1/Configuration").status_code == 200


def test_official_twilio_client_against_the_server(emu: Emulator, server: ServerThread) -> None:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class ToLoopback(TwilioHttpClient):  # type: ignore[misc]
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            parts = urllib.parse.urlsplit(url)
            if parts.netloc.endswith("twilio.com"):
                product = parts.netloc.split(".")[0]
                url = f"{server.url}/{product}{parts.path}" + (
                    f"?{parts.query}" if parts.query else ""
                )
            return super().request(method, url, *args, **kwargs)

    client = Client(emu.account_sid, emu.auth_token, http_client=ToLoopback())
    conv = client.conversations.v1.conversations.create(friendly_name="x", attributes='{"a": 1}')
    assert conv.attributes == '{"a": 1}'
    client.conversations.v1.conversations(conv.sid).participants.create(
        messaging_binding_address="+15551112222", messaging_binding_proxy_address="+15005550006"
    )
    interaction = client.flex_api.v1.interaction.create(
        channel={
            "type": "sms",
            "initiated_by": "customer",
            "properties": {"media_channel_sid": conv.sid},
        },
        routing={
            "properties": {
                "workspace_sid": emu.seeded.workspace_sid,
                "workflow_sid": emu.seeded.workflows["Assign to Anyone"],
                "task_channel_unique_name": "chat",
            }
        },
    )
    emu.advance(0)
    channels = client.flex_api.v1.interaction(interaction.sid).channels.list()
    assert [c.status for c in channels] == ["active"]
    for _ in range(3):
        client.conversations.v1.conversations.create()
    assert len(client.conversations.v1.conversations.list(page_size=2)) == 4
    config = client.flex_api.v1.configuration().fetch()
    assert len(config.channel_configs) >= 5


def test_auto_tick_makes_setup_visible_to_pollers(emu: Emulator) -> None:
    with (
        ServerThread(emu, auto_tick=True) as srv,
        httpx.Client(auth=auth(emu), timeout=5) as client,
    ):
        conv = client.post(f"{srv.url}/conversations/v1/Conversations", data={}).json()["sid"]
        resp = client.post(
            f"{srv.url}/flex-api/v1/Interactions",
            data={
                "Channel": '{"type": "chat", "properties": {"media_channel_sid": "%s"}}' % conv,
                "Routing": '{"properties": {"workspace_sid": "%s"}}' % emu.seeded.workspace_sid,
            },
        ).json()
        url = f"{srv.url}/flex-api/v1/Interactions/{resp['sid']}/Channels/{resp['channel']['sid']}"
        assert client.get(url).json()["status"] == "active"


def test_stop_and_explicit_port(emu: Emulator) -> None:
    srv = ServerThread(emu).start()
    port = srv.port
    srv.stop()
    with pytest.raises(RuntimeError):
        _ = srv.url
    with ServerThread(emu, port=port or 0) as again:
        assert again.port == port
        assert (
            httpx.get(f"{again.url}/flex-api/v1/Configuration", auth=auth(emu)).status_code == 200
        )


async def test_create_app_is_an_asgi_callable(emu: Emulator) -> None:
    transport = httpx.ASGITransport(app=create_app(emu))
    async with httpx.AsyncClient(transport=transport, base_url="http://emu") as client:
        resp = await client.get("/flex-api/v1/Configuration", auth=auth(emu))
        assert resp.status_code == 200
        assert resp.json()["url"] == "http://emu/flex-api/v1/Configuration"
