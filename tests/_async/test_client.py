"""The client over HTTP (respx) and over in-process handlers, written once as async tests.

``scripts/unasync.py`` generates ``tests/_sync/test_client.py`` from this file, so every test
here runs against both clients.  Names that differ between the two colours (the sleep function,
the close method) are only ever used as Python names or in docstrings, never inside other
strings, so that the codegen renames them.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

import flexconv
import flexconv._async.client as client_module
from flexconv import (
    APIConnectionError,
    APITimeoutError,
    AsyncFlexConv,
    AuthenticationError,
    NotFoundError,
    RateLimitError,
    ServerError,
    Timeout,
    ValidationError,
)
from flexconv._concurrency import async_sleep
from flexconv._core.operation import Operation, Param
from flexconv.models import ConfigurationStatus, FlexConfiguration
from tests.fakes import (
    ACCOUNT_SID,
    API_KEY,
    API_SECRET,
    AUTH_TOKEN,
    CONVERSATION_SID,
    Dropped,
    FakeResponse,
    RoutedHandler,
    ScriptedHandler,
    json_response,
    v1_page,
)

FLEX_CONFIG_URL = "https://flex-api.twilio.com/v1/Configuration"
CONVERSATIONS_URL = "https://conversations.twilio.com/v1/Conversations"
BASIC = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
SECRET_BASIC = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()

LIST_CONVERSATIONS = Operation(
    name="conversations.list",
    method="GET",
    product="conversations",
    path="/v1/Conversations",
    params={"state": Param("State")},
    list_key="conversations",
    max_page_size=100,
)

FETCH_CONVERSATION = Operation(
    name="conversations.fetch",
    method="GET",
    product="conversations",
    path="/v1/Conversations/{sid}",
    path_sids={"sid": "CH"},
)

CONFIG_BODY = {
    "account_sid": ACCOUNT_SID,
    "status": "ok",
    "ui_version": "2.8.1",
    "date_created": "2024-01-02T03:04:05Z",
    "channel_configs": [{"address_type": "web", "cbm_attachments": {"enabled": True}}],
    "a_field_from_the_future": 42,
}


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the client's back-off sleeps instead of sleeping."""
    calls: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        calls.append(seconds)

    monkeypatch.setattr(client_module, async_sleep.__name__, fake_sleep)
    return calls


@pytest.fixture
def router() -> Any:
    with respx.mock(assert_all_called=False) as mock:
        yield mock


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
async def client(http: httpx.AsyncClient) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, http_client=http) as c:
        yield c


def handled(handler: Any, **kw: Any) -> AsyncFlexConv:
    """A client over an in-process handler."""
    return AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, transport=handler, **kw)


def twilio_error(status: int, code: int, message: str, **headers: str) -> httpx.Response:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return httpx.Response(status, json=body, headers=headers)


# ------------------------------------------------------------------------ configuration fetch


async def test_configuration_fetch_parses_into_the_model(
    router: Any, client: AsyncFlexConv
) -> None:
    route = router.get(FLEX_CONFIG_URL).mock(
        return_value=httpx.Response(200, json=CONFIG_BODY, headers={"Twilio-Request-Id": "RQ42"})
    )
    config = await client.configuration.fetch()
    assert isinstance(config, FlexConfiguration)
    assert config.account_sid == ACCOUNT_SID
    assert config.status is ConfigurationStatus.OK
    assert config.ui_version == "2.8.1"
    assert config.channel_configs == CONFIG_BODY["channel_configs"]
    assert config.extra == {"a_field_from_the_future": 42}
    info = flexconv.response_of(config)
    assert info.status_code == 200
    assert info.request_id == "RQ42"
    assert info.headers["twilio-request-id"] == "RQ42"
    assert (info.method, info.url) == ("GET", FLEX_CONFIG_URL)
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == BASIC
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"].startswith("flexconv/")


async def test_configuration_fetch_with_ui_version(router: Any, client: AsyncFlexConv) -> None:
    route = router.get(FLEX_CONFIG_URL, params={"UiVersion": "2.1"}).mock(
        return_value=httpx.Response(200, json=CONFIG_BODY)
    )
    await client.configuration.fetch(ui_version="2.1")
    assert route.call_count == 1
    assert route.calls.last.request.url.params["UiVersion"] == "2.1"


async def test_configuration_update_posts_json_with_the_account_sid(
    router: Any, client: AsyncFlexConv
) -> None:
    route = router.post(FLEX_CONFIG_URL).mock(return_value=httpx.Response(200, json=CONFIG_BODY))
    channel_configs = [{"address_type": "sms"}, {"address_type": "web"}]
    result = await client.configuration.update({"channel_configs": channel_configs})
    assert result.account_sid == ACCOUNT_SID
    sent = route.calls.last.request
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.content) == {
        "account_sid": ACCOUNT_SID,
        "channel_configs": channel_configs,
    }


async def test_an_api_key_client_authenticates_with_the_key(router: Any) -> None:
    route = router.get(FLEX_CONFIG_URL).mock(return_value=httpx.Response(200, json=CONFIG_BODY))
    async with (
        httpx.AsyncClient() as http,
        AsyncFlexConv(
            ACCOUNT_SID, api_key=API_KEY, api_secret=API_SECRET, env={}, http_client=http
        ) as client,
    ):
        await client.configuration.fetch()
    expected = base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()
    assert route.calls.last.request.headers["Authorization"] == f"Basic {expected}"


async def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_EDGE", "ashburn")
    handler = RoutedHandler(
        {
            "https://flex-api.ashburn.us1.twilio.com/v1/Configuration": json_response(
                200, CONFIG_BODY
            )
        }
    )
    async with AsyncFlexConv(transport=handler) as client:
        config = await client.configuration.fetch()
    assert config.account_sid == ACCOUNT_SID
    assert handler.calls[0].headers["Authorization"] == BASIC


# ------------------------------------------------------------------------ request() escape hatch


async def test_form_encoding_on_the_wire(router: Any, client: AsyncFlexConv) -> None:
    route = router.post(CONVERSATIONS_URL).mock(
        return_value=httpx.Response(
            201, json={"sid": CONVERSATION_SID}, headers={"Twilio-Request-Id": "RQ1"}
        )
    )
    response = await client.request(
        "POST",
        "/v1/Conversations",
        product="conversations",
        data={
            "FriendlyName": "Support chat",
            "MessagingBinding.Address": "+15550001111",
            "Timers.Inactive": "PT5M",
            "AutoCreation.Enabled": True,
            "Closed": False,
            "Configuration.Filters": ["onMessageAdded", "onConversationAdded"],
            "Attributes": {"customer": {"name": "Zoë"}, "vip": True},
            "Skipped": None,
        },
        json_params=("Attributes",),
    )
    assert response.status_code == 201
    assert response.request_id == "RQ1"
    assert response.json() == {"sid": CONVERSATION_SID}
    sent = route.calls.last.request
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qsl(sent.content.decode()) == [
        ("FriendlyName", "Support chat"),
        ("MessagingBinding.Address", "+15550001111"),
        ("Timers.Inactive", "PT5M"),
        ("AutoCreation.Enabled", "true"),
        ("Closed", "false"),
        ("Configuration.Filters", "onMessageAdded"),
        ("Configuration.Filters", "onConversationAdded"),
        ("Attributes", '{"customer":{"name":"Zoë"},"vip":true}'),
    ]


async def test_query_params_and_absolute_urls(router: Any, client: AsyncFlexConv) -> None:
    route = router.get(CONVERSATIONS_URL).mock(
        return_value=httpx.Response(200, json={"conversations": []})
    )
    response = await client.request(
        "get", CONVERSATIONS_URL + "?PageSize=5", params={"State": "active", "Flag": True}
    )
    assert response.json() == {"conversations": []}
    assert str(route.calls.last.request.url) == (
        CONVERSATIONS_URL + "?PageSize=5&State=active&Flag=true"
    )
    assert route.calls.last.request.method == "GET"


async def test_any_2xx_is_a_success(router: Any, client: AsyncFlexConv) -> None:
    router.post(CONVERSATIONS_URL).mock(return_value=httpx.Response(202, json={"ok": 1}))
    router.delete(CONVERSATIONS_URL + "/x").mock(return_value=httpx.Response(204))
    created = await client.request("POST", "/v1/Conversations", product="conversations", data={})
    assert (created.status_code, created.json()) == (202, {"ok": 1})
    deleted = await client.request("DELETE", CONVERSATIONS_URL + "/x")
    assert (deleted.status_code, deleted.json()) == (204, None)


async def test_request_argument_checks(router: Any, client: AsyncFlexConv) -> None:
    route = router.route().mock(return_value=httpx.Response(200))
    with pytest.raises(ValidationError, match="data= or json="):
        await client.request("POST", CONVERSATIONS_URL, data={"a": 1}, json={"a": 1})
    with pytest.raises(ValidationError, match="must be absolute"):
        await client.request("GET", "/v1/Conversations")
    with pytest.raises(ValidationError, match="starting with '/'"):
        await client.request("GET", "v1/Conversations", product="conversations")
    with pytest.raises(ValidationError, match="Refusing to send credentials"):
        await client.request("GET", "https://example.com/v1/Conversations")
    with pytest.raises(ValidationError, match="Refusing to send credentials"):
        await client.request("GET", "http://conversations.twilio.com/v1/Conversations")
    assert route.called is False


# ------------------------------------------------------------------------------------ retries


async def test_429_is_retried_honouring_retry_after(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.get(CONVERSATIONS_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(200, json={"conversations": []}),
        ]
    )
    response = await client.request("GET", CONVERSATIONS_URL)
    assert response.status_code == 200
    assert route.call_count == 3
    assert sleeps == [2.0, 3.0]


async def test_429_is_retried_for_post_too(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.post(CONVERSATIONS_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.Response(201, json={"sid": CONVERSATION_SID}),
        ]
    )
    response = await client.request("POST", CONVERSATIONS_URL, data={"FriendlyName": "x"})
    assert response.status_code == 201
    assert route.call_count == 2
    assert sleeps == [0.0]
    # the retry resends the same body
    assert route.calls[0].request.content == route.calls[1].request.content == b"FriendlyName=x"


async def test_429_until_attempts_run_out_raises_rate_limit_error(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.get(CONVERSATIONS_URL).mock(
        return_value=twilio_error(429, 20429, "Too Many Requests", **{"Retry-After": "1"})
    )
    with pytest.raises(RateLimitError) as info:
        await client.request("GET", CONVERSATIONS_URL)
    assert route.call_count == 3  # the first attempt and max_retries=2
    assert sleeps == [1.0, 1.0]
    assert info.value.retry_after == 1.0
    assert info.value.code == 20429


async def test_retry_after_zero_needs_no_patching(router: Any, client: AsyncFlexConv) -> None:
    route = router.get(CONVERSATIONS_URL).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(200)]
    )
    assert (await client.request("GET", CONVERSATIONS_URL)).status_code == 200
    assert route.call_count == 2


async def test_503_is_retried_with_backoff(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.post(CONVERSATIONS_URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(503), httpx.Response(200)]
    )
    assert (await client.request("POST", CONVERSATIONS_URL, data={})).status_code == 200
    assert route.call_count == 3
    # default policy: 0.5 s then 1 s, each with +-25 % jitter
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.625
    assert 0.75 <= sleeps[1] <= 1.25


async def test_500_is_retried_for_get_but_not_for_post(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    get = router.get(CONVERSATIONS_URL).mock(side_effect=[httpx.Response(500), httpx.Response(200)])
    post = router.post(CONVERSATIONS_URL).mock(
        return_value=twilio_error(500, 20500, "Internal Server Error")
    )
    assert (await client.request("GET", CONVERSATIONS_URL)).status_code == 200
    assert get.call_count == 2
    with pytest.raises(ServerError) as info:
        await client.request("POST", CONVERSATIONS_URL, data={"a": 1})
    assert post.call_count == 1
    assert info.value.status == 500
    assert len(sleeps) == 1


async def test_client_errors_are_not_retried(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.get(CONVERSATIONS_URL).mock(return_value=twilio_error(400, 20001, "Bad"))
    with pytest.raises(flexconv.BadRequestError):
        await client.request("GET", CONVERSATIONS_URL)
    assert route.call_count == 1
    assert sleeps == []


async def test_connect_errors_are_retried_for_any_method(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.post(CONVERSATIONS_URL).mock(
        side_effect=[
            httpx.ConnectError("connection refused"),
            httpx.ConnectTimeout("slow handshake"),
            httpx.Response(201, json={"sid": CONVERSATION_SID}),
        ]
    )
    response = await client.request("POST", CONVERSATIONS_URL, data={"FriendlyName": "x"})
    assert response.status_code == 201
    assert route.call_count == 3
    assert len(sleeps) == 2


async def test_connect_errors_until_attempts_run_out(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.get(CONVERSATIONS_URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        await client.request("GET", CONVERSATIONS_URL)
    assert route.call_count == 3
    assert info.value.sent is False
    assert info.value.method == "GET"
    assert info.value.url == CONVERSATIONS_URL
    assert "refused" in str(info.value)


async def test_post_is_not_resent_after_a_read_timeout(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.post(CONVERSATIONS_URL).mock(
        side_effect=[httpx.ReadTimeout("late"), httpx.Response(201)]
    )
    with pytest.raises(APITimeoutError) as info:
        await client.request("POST", CONVERSATIONS_URL, data={"FriendlyName": "x"})
    assert route.call_count == 1
    assert sleeps == []
    assert info.value.phase == "read"
    assert info.value.sent is True
    assert info.value.method == "POST"


async def test_post_is_not_resent_after_the_connection_dropped(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.post(CONVERSATIONS_URL).mock(
        side_effect=[httpx.RemoteProtocolError("peer closed"), httpx.Response(201)]
    )
    with pytest.raises(APIConnectionError) as info:
        await client.request("POST", CONVERSATIONS_URL, data={})
    assert route.call_count == 1
    assert info.value.sent is True


async def test_get_is_retried_after_a_read_timeout(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.get(CONVERSATIONS_URL).mock(
        side_effect=[httpx.ReadTimeout("late"), httpx.Response(200, json={})]
    )
    assert (await client.request("GET", CONVERSATIONS_URL)).status_code == 200
    assert route.call_count == 2
    assert len(sleeps) == 1


async def test_with_options_max_retries_zero_for_one_call(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    route = router.get(CONVERSATIONS_URL).mock(return_value=httpx.Response(503))
    no_retry = client.with_options(max_retries=0)
    assert no_retry.retry_policy.max_retries == 0
    assert client.retry_policy.max_retries == 2
    with pytest.raises(ServerError):
        await no_retry.request("GET", CONVERSATIONS_URL)
    assert route.call_count == 1
    assert sleeps == []
    with pytest.raises(ServerError):
        await client.request("GET", CONVERSATIONS_URL)
    assert route.call_count == 4
    assert len(sleeps) == 2


async def test_with_options_shares_connections_and_closing_the_copy_keeps_them(
    router: Any, sleeps: list[float]
) -> None:
    router.get(CONVERSATIONS_URL).mock(return_value=httpx.Response(200, json={}))
    client = AsyncFlexConv(
        ACCOUNT_SID,
        AUTH_TOKEN,
        env={},
        transport=httpx.MockTransport(lambda r: httpx.Response(200)),
    )
    copy = client.with_options(timeout=3.0)
    assert copy.timeout.read == 3.0
    assert client.timeout.read == 30.0
    assert copy._transport is client._transport
    await copy.aclose()
    assert client._transport._client.is_closed is False
    assert (await client.request("GET", CONVERSATIONS_URL)).status_code == 200
    await client.aclose()
    assert client._transport._client.is_closed is True


async def test_with_options_builds_its_own_resource_groups(client: AsyncFlexConv) -> None:
    groups = client.configuration
    copy = client.with_options(max_retries=0)
    assert copy.configuration is not groups
    assert copy.configuration._client is copy
    assert client.configuration is groups


async def test_a_custom_retry_policy(
    router: Any, http: httpx.AsyncClient, sleeps: list[float]
) -> None:
    route = router.get(CONVERSATIONS_URL).mock(return_value=httpx.Response(503))
    policy = flexconv.RetryPolicy(max_retries=4, initial_delay=1.0, max_delay=3.0, jitter=0.0)
    async with AsyncFlexConv(
        ACCOUNT_SID, AUTH_TOKEN, env={}, http_client=http, retry=policy
    ) as client:
        with pytest.raises(ServerError):
            await client.request("GET", CONVERSATIONS_URL)
    assert route.call_count == 5
    assert sleeps == [1.0, 2.0, 3.0, 3.0]


# ------------------------------------------------------------------------------------- errors


async def test_error_fields_from_a_twilio_error_body(router: Any, client: AsyncFlexConv) -> None:
    url = f"{CONVERSATIONS_URL}/{CONVERSATION_SID}"
    router.get(url).mock(
        return_value=twilio_error(
            404,
            20404,
            "The requested resource was not found",
            **{"Twilio-Request-Id": "RQ0a1b2c"},
        )
    )
    with pytest.raises(NotFoundError) as info:
        await client.request(
            "GET", f"/v1/Conversations/{CONVERSATION_SID}", product="conversations", params={"X": 1}
        )
    err = info.value
    assert err.status == 404
    assert err.code == 20404
    assert err.message == "The requested resource was not found"
    assert err.more_info == "https://www.twilio.com/docs/errors/20404"
    assert err.method == "GET"
    assert err.url == url + "?X=1"
    assert err.request_id == "RQ0a1b2c"
    assert "RQ0a1b2c" in str(err)
    assert url in str(err)


async def test_typed_call_errors_carry_the_operation_url(
    router: Any, client: AsyncFlexConv
) -> None:
    router.get(FLEX_CONFIG_URL).mock(return_value=twilio_error(403, 20403, "Forbidden"))
    with pytest.raises(flexconv.PermissionDeniedError) as info:
        await client.configuration.fetch()
    assert (info.value.method, info.value.url, info.value.code) == ("GET", FLEX_CONFIG_URL, 20403)


async def test_a_success_body_that_is_not_json(router: Any, client: AsyncFlexConv) -> None:
    router.get(FLEX_CONFIG_URL).mock(return_value=httpx.Response(200, text="<html>hi</html>"))
    with pytest.raises(flexconv.APIStatusError, match="not JSON"):
        await client.configuration.fetch()


async def test_response_fields_are_read_on_first_access(router: Any, client: AsyncFlexConv) -> None:
    """A field in a shape the model does not expect fails when read, naming the field and
    the response; the call and every other field still work."""
    body = dict(CONFIG_BODY, date_updated="sometime last week", ui_version=281)
    router.get(FLEX_CONFIG_URL).mock(
        return_value=httpx.Response(200, json=body, headers={"Twilio-Request-Id": "RQ7"})
    )
    config = await client.configuration.fetch()
    assert config.account_sid == ACCOUNT_SID
    assert config.ui_version == "281"  # scalars convert as the eager path converts them
    for _ in range(2):  # a failed read is not cached as a value
        with pytest.raises(flexconv.APIStatusError) as info:
            config.date_updated  # noqa: B018
        err = info.value
        assert "FlexConfiguration.date_updated" in err.message
        assert "sometime last week" in err.message
        assert (err.status, err.method, err.url) == (200, "GET", FLEX_CONFIG_URL)
        assert err.request_id == "RQ7"
    with pytest.raises(ValueError, match="sometime last week"):  # from_dict checks at once
        FlexConfiguration.from_dict(body)


async def test_a_response_that_is_not_an_object_fails_at_the_call(
    router: Any, client: AsyncFlexConv
) -> None:
    router.get(FLEX_CONFIG_URL).mock(return_value=httpx.Response(200, json=["not", "a", "dict"]))
    with pytest.raises(flexconv.APIStatusError, match="expects a JSON object"):
        await client.configuration.fetch()


async def test_a_bad_sid_is_rejected_before_anything_is_sent(
    router: Any, client: AsyncFlexConv
) -> None:
    route = router.route().mock(return_value=httpx.Response(200, json={}))
    for bad in ("CH123", "WT" + "0" * 32, "CH" + "0" * 32 + "/../Services"):
        with pytest.raises(ValidationError, match="sid must be a CH SID"):
            await client._call(FETCH_CONVERSATION, dict, path_params={"sid": bad})
    assert route.called is False
    await client._call(FETCH_CONVERSATION, dict, path_params={"sid": CONVERSATION_SID})
    assert route.call_count == 1


async def test_unknown_params_are_rejected_before_anything_is_sent(
    router: Any, client: AsyncFlexConv
) -> None:
    route = router.route().mock(return_value=httpx.Response(200, json={}))
    with pytest.raises(ValidationError, match=r"conversations\.list does not take Status"):
        client._list(LIST_CONVERSATIONS, dict, values={"Status": "active"})
    assert route.called is False
    await client._list(LIST_CONVERSATIONS, dict, values={"state": "active"}).first_page()
    assert route.call_count == 1


# ------------------------------------------------------------------------------------ secrets


async def test_the_secret_is_never_in_the_client_repr() -> None:
    for client in (
        AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}),
        AsyncFlexConv(ACCOUNT_SID, api_key=API_KEY, api_secret=API_SECRET, env={}),
        AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url="http://127.0.0.1:1"),
    ):
        try:
            for text in (
                repr(client),
                str(client),
                repr(client.config),
                repr(client.with_options()),
            ):
                assert AUTH_TOKEN not in text
                assert API_SECRET not in text
                assert SECRET_BASIC not in text
                assert ACCOUNT_SID in text
        finally:
            await client.aclose()


async def test_the_secret_is_never_in_a_401_error(router: Any, client: AsyncFlexConv) -> None:
    router.get(FLEX_CONFIG_URL).mock(
        return_value=twilio_error(401, 20003, "Authenticate", **{"WWW-Authenticate": "Basic"})
    )
    with pytest.raises(AuthenticationError) as info:
        await client.configuration.fetch()
    err = info.value
    assert err.status == 401
    for text in (str(err), repr(err), repr(err.__dict__), str(err.args)):
        assert AUTH_TOKEN not in text
        assert SECRET_BASIC not in text


async def test_the_secret_is_never_in_connection_errors(
    router: Any, client: AsyncFlexConv, sleeps: list[float]
) -> None:
    router.get(CONVERSATIONS_URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        await client.request("GET", CONVERSATIONS_URL)
    for text in (str(info.value), repr(info.value), repr(info.value.__dict__)):
        assert AUTH_TOKEN not in text
        assert SECRET_BASIC not in text


async def test_the_secret_is_never_logged_during_retries(
    router: Any, client: AsyncFlexConv, caplog: pytest.LogCaptureFixture, sleeps: list[float]
) -> None:
    caplog.set_level(logging.DEBUG)
    router.get(CONVERSATIONS_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.ConnectError("refused"),
            httpx.Response(401, json={"code": 20003, "message": "Authenticate"}),
        ]
    )
    with pytest.raises(AuthenticationError):
        await client.request("GET", CONVERSATIONS_URL, headers={"X-Trace": "t1"})
    retry_lines = [r.getMessage() for r in caplog.records if r.name == "flexconv"]
    assert len(retry_lines) == 2
    assert "retry 1 of 2 for GET " + CONVERSATIONS_URL in retry_lines[0]
    assert "HTTP 429" in retry_lines[0]
    assert "refused" in retry_lines[1]
    assert AUTH_TOKEN not in caplog.text
    assert SECRET_BASIC not in caplog.text


# ------------------------------------------------------------------------------------- paging


def _page_url(n: int) -> str:
    if n == 0:
        return CONVERSATIONS_URL + "?PageSize=2"
    return CONVERSATIONS_URL + f"?PageSize=2&Page={n}&PageToken=PT{n}"


def _paged(pages: int, *, last_next: str | None = None, per_page: int = 2) -> RoutedHandler:
    """``pages`` pages of ``per_page`` items (sids c0, c1, ...), following each other."""
    routes = {}
    for n in range(pages):
        items = [{"sid": f"c{n * per_page + i}"} for i in range(per_page)]
        nxt = _page_url(n + 1) if n + 1 < pages else last_next
        routes[_page_url(n)] = json_response(
            200,
            v1_page(items, key="conversations", url=_page_url(n), next_page_url=nxt, page=n),
            {"Twilio-Request-Id": f"RQpage{n}"},
        )
    return RoutedHandler(routes)


async def test_limit_stops_on_the_page_holding_the_last_item() -> None:
    # four pages exist, but five items are on the first three
    handler = _paged(4)
    async with handled(handler) as client:
        pager = client._list(LIST_CONVERSATIONS, dict, page_size=2, limit=5)
        assert handler.calls == []  # lazy
        items = [item async for item in pager]
    assert [i["sid"] for i in items] == ["c0", "c1", "c2", "c3", "c4"]
    assert handler.urls == [_page_url(0), _page_url(1), _page_url(2)]
    assert pager.next_page_url == _page_url(3)


async def test_limit_on_a_page_boundary_fetches_no_further_page() -> None:
    handler = _paged(3)
    async with handled(handler) as client:
        items = await client._list(LIST_CONVERSATIONS, dict, page_size=2, limit=4).to_list()
    assert len(items) == 4
    assert handler.urls == [_page_url(0), _page_url(1)]


async def test_no_limit_reads_every_page() -> None:
    handler = _paged(3)
    async with handled(handler) as client:
        items = await client._list(LIST_CONVERSATIONS, dict, page_size=2).to_list()
    assert [i["sid"] for i in items] == [f"c{n}" for n in range(6)]
    assert len(handler.calls) == 3
    assert all(c.headers["Authorization"] == BASIC for c in handler.calls)


async def test_limit_zero_sends_nothing() -> None:
    handler = _paged(3)
    async with handled(handler) as client:
        assert await client._list(LIST_CONVERSATIONS, dict, limit=0).to_list() == []
    assert handler.calls == []


async def test_limit_sets_the_page_size_when_none_is_given() -> None:
    handler = RoutedHandler(
        {
            CONVERSATIONS_URL + "?State=active&PageSize=3": json_response(
                200, v1_page([{"sid": "a"}], key="conversations", url="", next_page_url=None)
            )
        }
    )
    async with handled(handler) as client:
        items = await client._list(
            LIST_CONVERSATIONS, dict, values={"state": "active"}, limit=3
        ).to_list()
    assert items == [{"sid": "a"}]


async def test_page_size_above_the_maximum_is_refused() -> None:
    handler = _paged(1)
    async with handled(handler) as client:
        with pytest.raises(ValidationError, match="maximum of 100"):
            client._list(LIST_CONVERSATIONS, dict, page_size=101)
        with pytest.raises(ValidationError, match="limit must be a non-negative integer"):
            client._list(LIST_CONVERSATIONS, dict, limit=-1)
    assert handler.calls == []


async def test_pages_iteration() -> None:
    handler = _paged(3)
    async with handled(handler) as client:
        pager = client._list(LIST_CONVERSATIONS, dict, page_size=2)
        pages = [page async for page in pager.pages()]
    assert [[i["sid"] for i in p.items] for p in pages] == [
        ["c0", "c1"],
        ["c2", "c3"],
        ["c4", "c5"],
    ]
    assert [p.next_page_url for p in pages] == [_page_url(1), _page_url(2), None]
    assert [p.response.request_id for p in pages] == ["RQpage0", "RQpage1", "RQpage2"]
    assert flexconv.response_of(pages[1]).url == _page_url(1)
    assert pager.next_page_url is None


async def test_resume_from_a_saved_next_page_url() -> None:
    handler = _paged(3)
    async with handled(handler) as client:
        pager = client._list(LIST_CONVERSATIONS, dict, page_size=2)
        first = await pager.first_page()
        saved = first.next_page_url
        assert saved == _page_url(1)
        assert [i["sid"] for i in first.items] == ["c0", "c1"]
        # later, perhaps in another process: a fresh pager resumed at the saved URL
        fresh = client._list(LIST_CONVERSATIONS, dict, page_size=2)
        rest = await fresh.resume(saved).to_list()
    assert [i["sid"] for i in rest] == ["c2", "c3", "c4", "c5"]
    assert handler.urls == [_page_url(0), _page_url(1), _page_url(2)]


async def test_a_pager_iterated_again_starts_from_the_first_page() -> None:
    handler = _paged(3)
    async with handled(handler) as client:
        pager = client._list(LIST_CONVERSATIONS, dict, page_size=2)
        first = await pager.to_list()
        again = await pager.to_list()
        looped = [item async for item in pager]
        pages = [[i["sid"] for i in page] async for page in pager.pages()]
        head = await pager.first_page()
    assert first == again == looped
    assert [i["sid"] for i in first] == [f"c{n}" for n in range(6)]
    assert pages == [["c0", "c1"], ["c2", "c3"], ["c4", "c5"]]
    assert [i["sid"] for i in head] == ["c0", "c1"]
    assert len(head) == 2
    assert handler.urls == [_page_url(n) for n in (0, 1, 2)] * 4 + [_page_url(0)]


async def test_a_limited_pager_gives_the_same_items_each_time() -> None:
    handler = _paged(4)
    async with handled(handler) as client:
        pager = client._list(LIST_CONVERSATIONS, dict, page_size=2, limit=3)
        assert await pager.to_list() == await pager.to_list()
        assert pager.next_page_url == _page_url(2)


async def test_a_resumed_pager_starts_at_its_url_each_time() -> None:
    handler = _paged(3)
    async with handled(handler) as client:
        resumed = client._list(LIST_CONVERSATIONS, dict, page_size=2).resume(_page_url(1))
        once = [i["sid"] for i in await resumed.to_list()]
        twice = [i["sid"] for i in await resumed.to_list()]
    assert once == twice == ["c2", "c3", "c4", "c5"]


async def test_a_next_page_url_to_a_foreign_host_is_refused() -> None:
    evil = "https://evil.example.com/v1/Conversations?Page=1"
    handler = _paged(1, last_next=evil)
    async with handled(handler) as client:
        pager = client._list(LIST_CONVERSATIONS, dict, page_size=2)
        with pytest.raises(ValidationError, match="Refusing to send credentials"):
            await pager.to_list()
        with pytest.raises(ValidationError, match="Refusing to send credentials"):
            pager.resume(evil)
        for lookalike in (
            "https://conversations.twilio.com.evil.example/v1/Conversations",
            "https://twilio.com@evil.example/v1/Conversations",
            "http://conversations.twilio.com/v1/Conversations",
        ):
            with pytest.raises(ValidationError, match="Refusing to send credentials"):
                pager.resume(lookalike)
    assert handler.urls == [_page_url(0)]


async def test_with_base_url_the_pager_follows_that_origin_only() -> None:
    base = "http://127.0.0.1:8080"
    first = f"{base}/conversations/v1/Conversations?PageSize=2"
    second = f"{base}/conversations/v1/Conversations?PageSize=2&Page=1"
    handler = RoutedHandler(
        {
            first: json_response(
                200, v1_page([{"sid": "a"}], key="conversations", url=first, next_page_url=second)
            ),
            second: json_response(
                200, v1_page([{"sid": "b"}], key="conversations", url=second, next_page_url=None)
            ),
        }
    )
    async with handled(handler, base_url=base) as client:
        items = await client._list(LIST_CONVERSATIONS, dict, page_size=2).to_list()
        with pytest.raises(ValidationError, match="Refusing"):
            client._list(LIST_CONVERSATIONS, dict).resume(
                "http://127.0.0.1:9999/conversations/v1/x"
            )
    assert [i["sid"] for i in items] == ["a", "b"]
    assert handler.urls == [first, second]


async def test_an_error_on_a_later_page_is_raised(sleeps: list[float]) -> None:
    handler = _paged(2)
    handler.routes[_page_url(1)] = json_response(403, {"code": 20403, "message": "nope"})
    async with handled(handler) as client:
        pager = client._list(LIST_CONVERSATIONS, dict, page_size=2)
        seen: list[str] = []

        async def drain() -> None:
            async for item in pager:
                seen.append(item["sid"])

        with pytest.raises(flexconv.PermissionDeniedError):
            await drain()
    assert seen == ["c0", "c1"]


# --------------------------------------------------------------------- handler transports


async def test_handler_dropped_before_send_is_retried_for_post(sleeps: list[float]) -> None:
    handler = ScriptedHandler(Dropped(before_send=True), json_response(201, {"sid": "x"}))
    async with handled(handler) as client:
        response = await client.request("POST", CONVERSATIONS_URL, data={"A": 1})
    assert response.status_code == 201
    assert len(handler.calls) == 2
    assert len(sleeps) == 1


async def test_handler_dropped_after_send_is_not_retried_for_post(sleeps: list[float]) -> None:
    handler = ScriptedHandler(Dropped(before_send=False), json_response(201, {"sid": "x"}))
    async with handled(handler) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.request("POST", CONVERSATIONS_URL, data={"A": 1})
    assert info.value.sent is True
    assert len(handler.calls) == 1
    assert sleeps == []


async def test_handler_slower_than_the_read_timeout(sleeps: list[float]) -> None:
    handler = ScriptedHandler(FakeResponse(200, {}, b"{}", delay=5.0))
    async with handled(handler, timeout=Timeout(read=0.01)) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.request("POST", CONVERSATIONS_URL, data={})
        assert info.value.phase == "read"
        assert len(handler.calls) == 1
        ok = ScriptedHandler(FakeResponse(200, {}, b"{}", delay=0.001))
    async with handled(ok, timeout=Timeout(read=1.0)) as client:
        assert (await client.request("GET", CONVERSATIONS_URL)).json() == {}


async def test_handler_errors_without_before_send_propagate() -> None:
    handler = ScriptedHandler(KeyError("bug in the handler"))
    async with handled(handler) as client:
        with pytest.raises(KeyError):
            await client.request("GET", CONVERSATIONS_URL)


async def test_an_unusable_transport_is_refused() -> None:
    with pytest.raises(ValidationError, match="transport must be"):
        handled(object())
    with pytest.raises(ValidationError, match="either transport= or http_client="):
        AsyncFlexConv(
            ACCOUNT_SID,
            AUTH_TOKEN,
            env={},
            transport=ScriptedHandler(FakeResponse(200)),
            http_client=1,
        )


# --------------------------------------------------------------------------------- lifecycle


async def test_context_manager_closes_an_owned_httpx_client() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    async with AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, transport=transport) as client:
        assert (await client.request("GET", CONVERSATIONS_URL)).json() == {"ok": True}
        assert client._transport._client.is_closed is False
    assert client._transport._client.is_closed is True


async def test_a_user_supplied_http_client_is_left_open(router: Any) -> None:
    router.get(CONVERSATIONS_URL).mock(return_value=httpx.Response(200, json={}))
    http = httpx.AsyncClient()
    try:
        async with AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, http_client=http) as client:
            await client.request("GET", CONVERSATIONS_URL)
        assert http.is_closed is False
        # still usable by its owner
        assert (await http.get(CONVERSATIONS_URL)).status_code == 200
    finally:
        await http.aclose()
    assert http.is_closed is True


async def test_the_wrong_kind_of_http_client_is_refused() -> None:
    with pytest.raises(ValidationError, match="http_client must be"):
        AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, http_client=object())


async def test_a_closed_client_raises_a_flexconv_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    client = AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, transport=transport)
    await client.aclose()
    with pytest.raises(flexconv.FlexConvError):
        await client.request("GET", CONVERSATIONS_URL)
