"""Hardened inputs, deletes and credentials, for both clients (the sync twin is generated).

Each property test drives random bad values into one family of public methods through a client
whose transport records every request, and asserts that the value was refused (a
``ValidationError``, or a ``TypeError`` for a wrong type) and that nothing was sent.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flexconv._async.client as client_module
from flexconv import (
    AsyncFlexConv,
    NotFoundError,
    Timeout,
    ValidationError,
)
from flexconv._concurrency import async_sleep
from flexconv.models.channels import DesiredAddress, StudioTarget, WebhookTarget
from flexconv.models.interactions import ChannelSpec, RoutingSpec
from tests.channels_helpers import PHONE, FlexSetup, flex_emulator
from tests.fakes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CONVERSATION_SID,
    RoutedHandler,
    json_response,
    v1_page,
)
from tests.hardening_helpers import (
    BAD_FOLLOW,
    BAD_HEADER,
    BAD_JSON,
    BAD_PHONE,
    BAD_SECONDS,
    NOT_TEXT,
    WRONG_SECONDS,
    DropAfterFirstDelete,
    Recorder,
    run,
)

REFUSED = (ValidationError, TypeError)
WS = "WS" + "1" * 32
WT = "WT" + "2" * 32
WW = "WW" + "3" * 32
KD = "KD" + "4" * 32
UO = "UO" + "5" * 32
FW = "FW" + "6" * 32
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def recorded() -> tuple[Recorder, AsyncFlexConv]:
    rec = Recorder()
    return rec, AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, transport=rec)


# ------------------------------------------------------------------------ property tests


@EXAMPLES
@given(bad=BAD_JSON, where=st.sampled_from(["create", "update", "message", "participant"]))
def test_conversations_refuse_non_json_attributes(bad: Any, where: str) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            conv = client.conversations
            calls = {
                "create": lambda: conv.create(attributes=bad),
                "update": lambda: conv.update(CONVERSATION_SID, attributes=bad),
                "message": lambda: conv.messages.create(
                    CONVERSATION_SID, body="hi", attributes=bad
                ),
                "participant": lambda: conv.participants.create(
                    CONVERSATION_SID, identity="a", attributes=bad
                ),
            }
            with pytest.raises(REFUSED):
                await calls[where]()

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(body=NOT_TEXT, author=st.one_of(st.none(), NOT_TEXT))
def test_messages_refuse_a_body_that_is_not_text(body: Any, author: Any) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            with pytest.raises(TypeError, match=r"must be a str|takes one value|cannot be"):
                await client.conversations.messages.create(
                    CONVERSATION_SID, body=body, author=author
                )

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(address=BAD_PHONE)
def test_addresses_refuse_near_misses(address: str) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.channels.create(address)
            with pytest.raises(REFUSED):
                await client.channels.route_to_flex(address, flow_sid=FW)
            with pytest.raises(REFUSED):
                await client.conversations.participants.create(
                    CONVERSATION_SID, address=address, proxy_address="+15551230000"
                )
            with pytest.raises(REFUSED):
                await client.conversations.participants.create(
                    CONVERSATION_SID, address="+15551230000", proxy_address=address
                )

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(value=BAD_HEADER)
def test_path_values_and_headers_refuse_control_characters(value: str) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.routing.tasks.update(WT, workspace_sid=WS, priority=1, if_match=value)
            with pytest.raises(REFUSED):
                await client.request(
                    "GET", "/v1/Services", product="conversations", headers={"X-Note": value}
                )
            with pytest.raises(REFUSED):
                await client.conversations.fetch("name" + value)
            with pytest.raises(REFUSED):
                await client.channels.fetch("chat-" + value)
            with pytest.raises(REFUSED):
                await client.task_channels.fetch("custom" + value, workspace_sid=WS)

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(seconds=BAD_SECONDS | WRONG_SECONDS, which=st.sampled_from(["timeout", "poll_interval"]))
def test_interaction_waits_refuse_bad_seconds(seconds: Any, which: str) -> None:
    rec, client = recorded()
    kw = {which: seconds}

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.interactions.wait_for_channel(KD, UO, **kw)
            with pytest.raises(REFUSED):
                await client.interactions.create(
                    ChannelSpec(type="sms", media_channel_sid=CONVERSATION_SID),
                    RoutingSpec(workspace_sid=WS, workflow_sid=WW),
                    wait=True,
                    **kw,
                )

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(bad=BAD_JSON)
def test_interactions_and_routing_refuse_non_json_attributes(bad: Any) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.interactions.create(
                    ChannelSpec(type="sms", media_channel_sid=CONVERSATION_SID),
                    RoutingSpec(workspace_sid=WS, workflow_sid=WW, attributes=bad),
                )
            with pytest.raises(REFUSED):
                await client.interactions.participants.create(
                    KD, UO, type="agent", media_properties={"identity": bad}
                )
            with pytest.raises(REFUSED):
                await client.routing.tasks.create(workspace_sid=WS, attributes=bad, workflow_sid=WW)
            with pytest.raises(REFUSED):
                await client.routing.tasks.update(WT, workspace_sid=WS, attributes=bad)
            with pytest.raises(REFUSED):
                await client.configuration.update({"ui_attributes": bad})
            with pytest.raises(REFUSED):
                await client.request("POST", "/v1/Configuration", product="flex-api", json=bad)

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(rate=BAD_SECONDS | WRONG_SECONDS | st.just(0))
def test_pacing_refuses_bad_rates(rate: Any) -> None:
    rec, client = recorded()
    with pytest.raises(REFUSED):
        client.interactions.paced(rate)
    assert rec.calls == []


NOT_INT = (
    st.floats()
    | st.text(max_size=3)
    | st.lists(st.integers(), min_size=1, max_size=2)
    | st.sampled_from([True, False, math.nan, math.inf])
)


@EXAMPLES
@given(number=NOT_INT, text=st.one_of(NOT_TEXT, st.sampled_from([math.nan, True])))
def test_routing_and_task_channels_refuse_wrong_types(number: Any, text: Any) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.routing.tasks.create(workspace_sid=WS, attributes={}, timeout=number)
            with pytest.raises(REFUSED):
                await client.routing.tasks.create(workspace_sid=WS, attributes={}, priority=number)
            with pytest.raises(REFUSED):
                await client.task_channels.update("chat", friendly_name=text, workspace_sid=WS)
            with pytest.raises(REFUSED):
                client.routing.workers.list(workspace_sid=WS, target_workers_expression=text)

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(
    size=st.one_of(
        st.sampled_from([math.nan, math.inf, -1, 0, 1.5, "NaN", "infMB", "16 MB\x00", True])
    ),
    field=st.sampled_from(["max_file_size", "max_total_file_size"]),
)
def test_attachments_refuse_bad_sizes(size: Any, field: str) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.attachments.update("web", **{field: size})
            with pytest.raises(TypeError, match="lock must have hold"):
                await client.attachments.update("web", enabled=True, lock=size)

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(url=BAD_FOLLOW)
def test_request_and_pagers_refuse_urls_they_may_not_follow(url: str) -> None:
    rec, client = recorded()

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.request("GET", url)
            with pytest.raises(REFUSED):
                client.conversations.list().resume(url)

    run(go())
    assert rec.calls == []


@EXAMPLES
@given(seconds=BAD_SECONDS | WRONG_SECONDS)
def test_client_timeouts_refuse_bad_seconds(seconds: Any) -> None:
    rec, client = recorded()
    with pytest.raises(REFUSED):
        Timeout(read=seconds)
    if seconds is not None:  # for the client, None means "the default timeout"
        with pytest.raises(REFUSED):
            AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, transport=rec, timeout=seconds)
        with pytest.raises(REFUSED):
            client.with_options(timeout=seconds)
    assert rec.calls == []


# ------------------------------------------------------------------------ named cases


async def test_the_cases_of_the_reliability_probe() -> None:
    rec, client = recorded()
    async with client:
        with pytest.raises(ValidationError, match="finite"):
            await client.interactions.wait_for_channel(KD, UO, timeout=math.nan)
        with pytest.raises(ValidationError, match="finite"):
            Timeout(math.nan)
        with pytest.raises(ValidationError, match="finite"):
            client.with_options(timeout=math.inf)
        with pytest.raises(ValidationError, match="JSON cannot represent"):
            await client.conversations.create(attributes={"x": math.nan})
        loop: dict[str, Any] = {}
        loop["me"] = loop
        with pytest.raises(ValidationError, match="refers to itself"):
            await client.conversations.create(attributes=loop)
        with pytest.raises(ValidationError, match="address type of '\\+15551234567\\\\n'"):
            await client.channels.create("+15551234567\n")
        with pytest.raises(ValidationError, match="sms address must be"):
            await client.channels.create("+15551234567\n", type="sms")
        with pytest.raises(ValidationError, match="sms address must be"):
            await client.channels.create("+1555")
        with pytest.raises(TypeError, match="body must be a str"):
            await client.conversations.messages.create(CONVERSATION_SID, body=5)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="body takes one value"):
            await client.conversations.messages.create(CONVERSATION_SID, body=["a", "b"])  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="If-Match header must not contain CR"):
            await client.routing.tasks.update(
                WT, workspace_sid=WS, priority=1, if_match='"1"\r\nX-Evil: 1'
            )
        with pytest.raises(ValidationError, match="control characters"):
            client.conversations.list().resume(
                "https://conversations.twilio.com/v1/Conversations?Page=1\x00"
            )
    assert rec.calls == []


async def test_attribute_size_limits_cite_twilio() -> None:
    rec, client = recorded()
    async with client:
        with pytest.raises(ValidationError, match=r"16384 bytes.*conversations-limits"):
            await client.conversations.create(attributes={"x": "a" * 16_400})
        with pytest.raises(ValidationError, match=r"4096 bytes.*conversations-limits"):
            await client.conversations.messages.create(
                CONVERSATION_SID, body="hi", attributes={"x": "é" * 2100}
            )
    assert rec.calls == []
    async with client:  # just under the limit is sent
        await client.conversations.create(attributes={"x": "a" * 16_000})
    assert len(rec.calls) == 1


async def test_a_next_page_url_with_a_nul_is_a_flexconv_error_after_one_page() -> None:
    first = "https://conversations.twilio.com/v1/Conversations?PageSize=50"
    evil = "https://conversations.twilio.com/v1/Conversations?Page=1\x00"
    handler = RoutedHandler(
        {
            first: json_response(
                200, v1_page([{}], key="conversations", url=first, next_page_url=evil)
            )
        }
    )
    async with AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, transport=handler) as client:
        with pytest.raises(ValidationError, match="control characters"):
            await client.conversations.list(page_size=50).to_list()
    assert handler.urls == [first]


# ------------------------------------------------------------------------ base_url


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://user:PW-s3cret@127.0.0.1:9", "user info"),
        ("http://127.0.0.1:9/?token=PW-s3cret", "query or fragment"),
        ("http://127.0.0.1:9/#PW-s3cret", "query or fragment"),
        ("http://example.com", "plain http"),
        ("http://10.0.0.8:8080", "plain http"),
    ],
)
async def test_base_url_refusals_never_echo_a_secret(base_url: str, expected: str) -> None:
    with pytest.raises(ValidationError, match=expected) as info:
        AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=base_url)
    assert "PW-s3cret" not in str(info.value)
    assert AUTH_TOKEN not in str(info.value)


async def test_plain_http_elsewhere_needs_an_explicit_opt_in() -> None:
    for loopback in (
        "http://127.0.0.1:8080",
        "http://127.5.6.7",
        "http://[::1]:9",
        "http://localhost:9/x",
    ):
        async with AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=loopback) as client:
            assert AUTH_TOKEN not in repr(client)
    async with AsyncFlexConv(
        ACCOUNT_SID, AUTH_TOKEN, env={}, base_url="http://proxy.internal:8080",
        allow_insecure_http=True,
    ) as client:  # fmt: skip
        assert client.config.base_url == "http://proxy.internal:8080"


# ------------------------------------------------------------------------ deletes


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    calls: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        calls.append(seconds)

    monkeypatch.setattr(client_module, async_sleep.__name__, fake_sleep)
    return calls


@pytest.fixture
async def http_client() -> AsyncIterator[AsyncFlexConv]:
    async with (
        httpx.AsyncClient() as http,
        AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, http_client=http) as client,
    ):
        yield client


CONV_URL = f"https://conversations.twilio.com/v1/Conversations/{CONVERSATION_SID}"
GONE = httpx.Response(404, json={"code": 20404, "message": "not found", "status": 404})


async def test_a_delete_whose_retry_meets_404_after_a_drop_counts_as_deleted(
    http_client: AsyncFlexConv, sleeps: list[float]
) -> None:
    deleted: list[str] = []

    def processed_then_dropped(request: httpx.Request) -> httpx.Response:
        deleted.append(str(request.url))
        raise httpx.ReadError("connection reset after the request was sent", request=request)

    with respx.mock(assert_all_called=True) as router:
        route = router.delete(CONV_URL).mock(side_effect=[processed_then_dropped, GONE])
        await http_client.conversations.delete(CONVERSATION_SID)
        # the escape hatch goes through the same send loop
        route.side_effect = [processed_then_dropped, GONE]
        response = await http_client.request("DELETE", CONV_URL)
    assert response.status_code == 204
    assert len(deleted) == 2
    assert len(sleeps) == 2


async def test_only_a_retry_after_a_possibly_processed_attempt_counts_404_as_deleted(
    http_client: AsyncFlexConv, sleeps: list[float]
) -> None:
    with respx.mock() as router:
        route = router.delete(CONV_URL)
        # a 500 may come from a server that failed after deleting: the retry's 404 means done
        route.side_effect = [httpx.Response(500, json={"code": 20500, "message": "boom"}), GONE]
        await http_client.conversations.delete(CONVERSATION_SID)
        # 429 and 503 mean Twilio did not act: the 404 that follows is real
        for status in (429, 503):
            route.side_effect = [httpx.Response(status, json={"message": "later"}), GONE]
            with pytest.raises(NotFoundError):
                await http_client.conversations.delete(CONVERSATION_SID)
        # a 404 on the first attempt is not retried and raises
        route.side_effect = [GONE]
        with pytest.raises(NotFoundError):
            await http_client.conversations.delete(CONVERSATION_SID)
        # only DELETE: a POST retried into 404 is an error
        router.post(CONV_URL).mock(side_effect=[httpx.Response(503, json={"m": "busy"}), GONE])
        with pytest.raises(NotFoundError):
            await http_client.conversations.update(CONVERSATION_SID, friendly_name="x")
    assert len(sleeps) == 4


async def test_ensure_prune_completes_when_a_delete_drops_after_being_processed(
    sleeps: list[float],
) -> None:
    setup: FlexSetup = flex_emulator()
    flaky = DropAfterFirstDelete(setup.checked)
    async with AsyncFlexConv.emulated(flaky) as client:
        for number in ("+15551230001", "+15551230002"):
            await client.channels.create(number, auto_creation=StudioTarget(setup.flow_sid))
        plan = await client.channels.ensure(
            DesiredAddress(PHONE, auto_creation=WebhookTarget("https://hooks.example/x")),
            prune=True,
        )
        assert plan.applied
        assert sorted(i.address for i in plan.deleted) == ["+15551230001", "+15551230002"]
        remaining = [a.address for a in await client.channels.list().to_list()]
    assert remaining == [PHONE]
    # the first DELETE was processed (then dropped), its retry met 404: counted as deleted
    assert flaky.dropped == 1
    assert [status for _, status in flaky.deletes] == [204, 404, 204]


@EXAMPLES
@given(
    url=st.sampled_from(
        ["https://hooks.example/a b", "https://hooks.example/\nx", "ftp://hooks.example/x",
         "https://user:pw@hooks.example/x", "hooks.example/x", "https://"]
    ),
    timeout=st.integers(1_209_601, 10**12) | st.integers(max_value=0) | st.just(0),
)  # fmt: skip
def test_callback_urls_and_task_timeouts(url: str, timeout: int) -> None:
    rec, client = recorded()
    from flexconv.models.routing import last_agent_then_queue

    config = last_agent_then_queue("WQ" + "7" * 32)

    async def go() -> None:
        async with client:
            with pytest.raises(REFUSED):
                await client.conversations.webhooks.create(
                    CONVERSATION_SID, target="webhook", url=url
                )
            with pytest.raises(REFUSED):
                await client.routing.workflows.create(
                    "w", config, workspace_sid=WS, assignment_callback_url=url
                )
            with pytest.raises(REFUSED):
                await client.routing.tasks.create(workspace_sid=WS, attributes={}, timeout=timeout)
            with pytest.raises(REFUSED):
                RoutingSpec(workspace_sid=WS, timeout=timeout)

    run(go())
    assert rec.calls == []
