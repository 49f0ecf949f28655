"""The official ``twilio`` client (9.x), unchanged, against the emulator's loopback server.

It reaches the server through its documented ``http_client`` extension point.  Every request it
sends and every response it gets is checked against Twilio's OpenAPI specs, and what it reads is
compared with what flexconv reads from the same server: where the two clients and the emulator
disagree, the emulator is wrong.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from flexconv import FlexConv
from flexconv.emulator import Emulator
from flexconv.emulator.server import ServerThread
from tests.spec_check import check_request, check_response

twilio_http = pytest.importorskip("twilio.http.http_client")
twilio_rest = pytest.importorskip("twilio.rest")

CUSTOMER = "+15551230000"
NEW_LINE = "+15005550009"


class Exchanges:
    """What the official client sent and got, and the spec problems found in them."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.problems: list[str] = []


def loopback_client(server: ServerThread, emu: Emulator, log: Exchanges) -> Any:
    """The official client, with requests for ``*.twilio.com`` sent to the loopback server."""

    class ToLoopback(twilio_http.TwilioHttpClient):  # type: ignore[misc]
        def request(
            self,
            method: str,
            url: str,
            params: dict[str, Any] | None = None,
            data: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None,
            **kwargs: Any,
        ) -> Any:
            twilio_url = url
            if params:
                twilio_url += "?" + urllib.parse.urlencode(params, doseq=True)
            form = [
                (k, v)
                for k, values in (data or {}).items()
                for v in (values if isinstance(values, list) else [values])
            ]
            body = urllib.parse.urlencode(form).encode() if form else None
            log.problems += check_request(method, twilio_url, headers, body)
            parts = urllib.parse.urlsplit(url)
            product = parts.netloc.split(".")[0]
            local = f"{server.url}/{product}{parts.path}"
            resp = super().request(method, local, params, data, headers, **kwargs)
            log.seen.append((method, parts.path))
            payload = json.loads(resp.text) if resp.text else None
            log.problems += check_response(method, twilio_url, resp.status_code, None, payload)
            return resp

    return twilio_rest.Client(emu.account_sid, emu.auth_token, http_client=ToLoopback())


@pytest.fixture
def centre() -> Iterator[tuple[Emulator, ServerThread]]:
    emu = Emulator.from_scenario(seed=21)
    with ServerThread(emu) as server:
        yield emu, server


def test_official_client_walks_an_inbound_conversation(
    centre: tuple[Emulator, ServerThread],
) -> None:
    emu, server = centre
    log = Exchanges()
    official = loopback_client(server, emu, log)
    ws = emu.seeded.workspace_sid
    flow = emu.seeded.flows["Messaging Flow"]

    # 1. An address configuration routed to Flex through the Messaging Flow.
    address = official.conversations.v1.address_configurations.create(
        type="sms",
        address=NEW_LINE,
        auto_creation_enabled=True,
        auto_creation_type="studio",
        auto_creation_studio_flow_sid=flow,
    )
    assert address.sid.startswith("IG")
    assert address.auto_creation["studio_flow_sid"] == flow

    # 2. A customer texts it (the emulator's simulation: state is shared with the server).
    inbound = emu.simulate.customer_message(NEW_LINE, CUSTOMER, "Hello?")
    emu.advance(0)

    # 3. ParticipantConversations for the customer's address.
    found = official.conversations.v1.participant_conversations.list(address=CUSTOMER)
    assert [p.conversation_sid for p in found] == [inbound.conversation_sid]
    assert found[0].conversation_state == "active"

    # 4. The task Flex created for it.
    (listed,) = official.taskrouter.v1.workspaces(ws).tasks.list(assignment_status=["reserved"])
    assert listed.attributes is None  # TaskRouter lists carry no attributes
    task = official.taskrouter.v1.workspaces(ws).tasks(listed.sid).fetch()
    attributes = json.loads(task.attributes)
    assert attributes["conversationSid"] == inbound.conversation_sid
    assert task.assignment_status == "reserved"

    # 5. Its reservation, accepted as the agent's UI would.
    (reservation,) = official.taskrouter.v1.workspaces(ws).tasks(task.sid).reservations.list()
    accepted = (
        official.taskrouter.v1.workspaces(ws)
        .tasks(task.sid)
        .reservations(reservation.sid)
        .update(reservation_status="accepted")
    )
    assert accepted.reservation_status == "accepted"
    assert official.taskrouter.v1.workspaces(ws).tasks(task.sid).fetch().assignment_status == (
        "assigned"
    )

    # 6. Flex Configuration.
    config = official.flex_api.v1.configuration().fetch()
    assert config.account_sid == emu.account_sid
    types = {c["address_type"] for c in config.channel_configs}
    assert {"web", "sms", "whatsapp"} <= types

    assert log.problems == []
    assert [m for m, _ in log.seen] == ["POST", "GET", "GET", "GET", "GET", "POST", "GET", "GET"]

    # flexconv reads the same state from the same server, and agrees.
    with FlexConv(emu.account_sid, emu.auth_token, base_url=server.url, env={}) as ours:
        assert ours.channels.fetch(NEW_LINE).sid == address.sid
        mine = ours.conversations.find_reusable(CUSTOMER)
        assert mine is not None
        assert mine.conversation_sid == inbound.conversation_sid
        ours_task = ours.routing.tasks.fetch(task.sid, workspace_sid=ws)
        assert ours_task.attributes == attributes
        assert str(ours_task.assignment_status) == "assigned"
        reservations = ours.routing.reservations.list(task.sid, workspace_sid=ws).to_list()
        assert [(r.sid, str(r.reservation_status)) for r in reservations] == [
            (reservation.sid, "accepted")
        ]
        assert ours.configuration.fetch().channel_configs == config.channel_configs
