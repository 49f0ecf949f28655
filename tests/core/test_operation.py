"""build_request: from a call to a RequestSpec, validating before anything is sent."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import pickle
import urllib.parse

import pytest

from flexconv import ValidationError
from flexconv._core.operation import (
    LowerHeaders,
    Operation,
    Param,
    RawResponse,
    RequestSpec,
    build_request,
    new_raw_response,
    new_request_spec,
)
from flexconv._core.ops import flex as flex_ops
from flexconv._core.results import ResponseInfo
from flexconv._core.sids import check_sid, check_sid_or_name, is_sid
from flexconv._core.spec_cache import SpecCache
from tests.fakes import ACCOUNT_SID, AUTH_TOKEN, CONVERSATION_SID, make_config

CONFIG = make_config()

UPDATE_CONVERSATION = Operation(
    name="conversations.update",
    method="POST",
    product="conversations",
    path="/v1/Conversations/{sid}",
    params={
        "friendly_name": Param("FriendlyName"),
        "state": Param("State"),
        "attributes": Param("Attributes", json=True),
        "timers_inactive": Param("Timers.Inactive"),
        "webhook_enabled": Param("X-Twilio-Webhook-Enabled", location="header"),
        "dry": Param("Dry", location="query"),
    },
    path_sids={"sid": "CH?"},
)

LIST_PARTICIPANTS = Operation(
    name="participants.list",
    method="GET",
    product="conversations",
    path="/v1/Conversations/{sid}/Participants",
    params={"identity": Param("Identity", required=True), "roles": Param("Role", multi=True)},
    path_sids={"sid": "CH"},
    list_key="participants",
    max_page_size=100,
)


def _form(spec: RequestSpec) -> list[tuple[str, str]]:
    assert spec.content is not None
    return urllib.parse.parse_qsl(spec.content.decode(), keep_blank_values=True)


def test_get_params_go_to_the_query_and_there_is_no_body() -> None:
    spec = build_request(
        LIST_PARTICIPANTS,
        CONFIG,
        path_params={"sid": CONVERSATION_SID},
        values={"identity": "alice@example.com", "roles": ["agent", "guest"]},
    )
    parts = urllib.parse.urlsplit(spec.url)
    assert (parts.scheme, parts.netloc) == ("https", "conversations.twilio.com")
    assert parts.path == f"/v1/Conversations/{CONVERSATION_SID}/Participants"
    assert urllib.parse.parse_qsl(parts.query) == [
        ("Identity", "alice@example.com"),
        ("Role", "agent"),
        ("Role", "guest"),
    ]
    assert spec.content is None
    assert "Content-Type" not in spec.headers
    assert spec.method == "GET"
    assert spec.idempotent is True
    assert spec.operation == "participants.list"


def test_post_params_go_to_a_form_body() -> None:
    spec = build_request(
        UPDATE_CONVERSATION,
        CONFIG,
        path_params={"sid": CONVERSATION_SID},
        values={
            "friendly_name": "Support",
            "attributes": {"priority": 1},
            "timers_inactive": "PT10M",
            "webhook_enabled": "true",
            "dry": True,
        },
    )
    assert spec.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert _form(spec) == [
        ("FriendlyName", "Support"),
        ("Attributes", '{"priority":1}'),
        ("Timers.Inactive", "PT10M"),
    ]
    assert spec.headers["X-Twilio-Webhook-Enabled"] == "true"
    assert spec.url.endswith(f"/v1/Conversations/{CONVERSATION_SID}?Dry=true")
    assert spec.idempotent is False


def test_auth_accept_and_user_agent_headers() -> None:
    spec = build_request(flex_ops.FETCH_CONFIGURATION, CONFIG)
    expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert spec.headers["Authorization"] == f"Basic {expected}"
    assert spec.headers["Accept"] == "application/json"
    assert spec.headers["User-Agent"].startswith("flexconv/")


def test_request_spec_repr_hides_headers() -> None:
    spec = build_request(flex_ops.FETCH_CONFIGURATION, CONFIG)
    assert repr(spec) == "RequestSpec(GET https://flex-api.twilio.com/v1/Configuration)"
    assert "Basic" not in repr(spec)


def test_flex_configuration_update_sends_json() -> None:
    body = {"account_sid": ACCOUNT_SID, "channel_configs": [{"address_type": "web"}]}
    spec = build_request(flex_ops.UPDATE_CONFIGURATION, CONFIG, json_body=body)
    assert spec.url == "https://flex-api.twilio.com/v1/Configuration"
    assert spec.headers["Content-Type"] == "application/json"
    assert spec.content is not None
    assert json.loads(spec.content) == body
    assert b" " not in spec.content  # compact


def test_flex_configuration_fetch_takes_ui_version_in_the_query() -> None:
    spec = build_request(flex_ops.FETCH_CONFIGURATION, CONFIG, values={"ui_version": "2.1"})
    assert spec.url == "https://flex-api.twilio.com/v1/Configuration?UiVersion=2.1"


def test_json_operation_without_json_body_sends_params_as_json_object() -> None:
    op = Operation(
        "transfers.create",
        "POST",
        "flex-api",
        "/v1/Interactions/{i}/Transfers",
        params={"type": Param("Type"), "count": Param("Count")},
        body="json",
    )
    spec = build_request(op, CONFIG, path_params={"i": "x"}, values={"type": "warm", "count": 2})
    assert spec.content is not None
    assert json.loads(spec.content) == {"Type": "warm", "Count": 2}


def test_unknown_param_names_are_rejected_listing_the_accepted_ones() -> None:
    with pytest.raises(ValidationError) as info:
        build_request(
            UPDATE_CONVERSATION,
            CONFIG,
            path_params={"sid": CONVERSATION_SID},
            values={"friendlyName": "x", "FriendlyName": "y"},
        )
    message = str(info.value)
    assert "conversations.update does not take FriendlyName, friendlyName" in message
    for accepted in ("attributes", "dry", "friendly_name", "state", "timers_inactive"):
        assert accepted in message


def test_operation_without_params_says_so() -> None:
    with pytest.raises(ValidationError, match="it takes no parameters"):
        build_request(flex_ops.UPDATE_CONFIGURATION, CONFIG, values={"x": 1})


def test_missing_required_param() -> None:
    with pytest.raises(ValidationError, match=r"participants.list requires identity \(Identity\)"):
        build_request(LIST_PARTICIPANTS, CONFIG, path_params={"sid": CONVERSATION_SID})


@pytest.mark.parametrize(
    "bad",
    [
        "CH123",  # too short
        "MB" + "1" * 32,  # wrong prefix
        "CH" + "g" * 32,  # not hex
        "CH" + "1" * 32 + "\n",  # trailing newline
        "ch" + "1" * 32,  # lowercase prefix
        "",
    ],
)
def test_a_bad_path_sid_is_a_validation_error(bad: str) -> None:
    with pytest.raises(ValidationError, match="sid must be a CH SID"):
        build_request(LIST_PARTICIPANTS, CONFIG, path_params={"sid": bad}, values={"identity": "a"})


def test_sid_or_name_path_takes_a_name_and_quotes_it() -> None:
    spec = build_request(UPDATE_CONVERSATION, CONFIG, path_params={"sid": "my convo/1"})
    assert spec.url == "https://conversations.twilio.com/v1/Conversations/my%20convo%2F1"


def test_sid_or_name_path_refuses_another_resource_sid() -> None:
    with pytest.raises(ValidationError, match="must be a CH SID, got a WT SID"):
        build_request(UPDATE_CONVERSATION, CONFIG, path_params={"sid": "WT" + "a" * 32})


def test_missing_path_param() -> None:
    with pytest.raises(ValidationError, match="Missing path parameters"):
        build_request(LIST_PARTICIPANTS, CONFIG, values={"identity": "a"})


def test_free_path_param_must_be_a_non_empty_string() -> None:
    op = Operation("x", "GET", "conversations", "/v1/Things/{name}")
    with pytest.raises(ValidationError, match="name must be a non-empty string"):
        build_request(op, CONFIG, path_params={"name": ""})


def test_unknown_product_is_refused() -> None:
    op = Operation("x", "GET", "voice", "/v1/Calls")
    with pytest.raises(ValidationError, match="Unknown product 'voice'"):
        build_request(op, CONFIG)


def test_region_and_base_url_shape_the_url() -> None:
    spec = build_request(flex_ops.FETCH_CONFIGURATION, make_config(edge="ashburn"))
    assert spec.url == "https://flex-api.ashburn.us1.twilio.com/v1/Configuration"
    spec = build_request(
        flex_ops.FETCH_CONFIGURATION, make_config(base_url="http://127.0.0.1:8080/")
    )
    assert spec.url == "http://127.0.0.1:8080/flex-api/v1/Configuration"


def test_raw_response_request_id() -> None:
    raw = RawResponse(200, {"twilio-request-id": "RQ123"}, b"")
    assert raw.request_id == "RQ123"
    assert RawResponse(200, {}, b"").request_id is None


def test_sid_helpers() -> None:
    sid = "WS" + "aB" * 16
    assert is_sid(sid, "WS")
    assert not is_sid(sid, "WK")
    assert not is_sid(None, "WS")
    assert not is_sid(sid + "\n", "WS")
    assert check_sid(sid, "WS", "workspace_sid") == sid
    with pytest.raises(ValidationError, match="workspace_sid must be a WS SID"):
        check_sid("WS1", "WS", "workspace_sid")
    assert check_sid_or_name("alice", "MB", "participant") == "alice"
    with pytest.raises(ValidationError, match="non-empty name"):
        check_sid_or_name("   ", "MB", "participant")


def test_long_bad_sid_is_shortened_in_the_message() -> None:
    with pytest.raises(ValidationError) as info:
        check_sid("x" * 500, "CH", "sid")
    assert "x" * 41 not in str(info.value)


# ------------------------------------------------------------------ requests built once


def _as_sent(spec: RequestSpec) -> tuple[object, ...]:
    return (spec.method, spec.url, spec.headers, spec.content, spec.idempotent, spec.operation)


def test_spec_cache_gives_what_build_request_gives_and_keeps_no_credentials() -> None:
    cache = SpecCache()
    args = ({"sid": CONVERSATION_SID}, {"friendly_name": "x", "dry": True})
    first = cache.build(UPDATE_CONVERSATION, CONFIG, *args)
    again = cache.build(UPDATE_CONVERSATION, CONFIG, *args)
    fresh = build_request(UPDATE_CONVERSATION, CONFIG, path_params=args[0], values=args[1])
    assert _as_sent(first) == _as_sent(again) == _as_sent(fresh)
    assert again.headers["Authorization"] == fresh.headers["Authorization"]
    assert len(cache) == 1
    kept = repr(vars(cache))
    assert AUTH_TOKEN not in kept
    assert fresh.headers["Authorization"].split()[1] not in kept
    # another argument, or the same value with another type, is another request
    other = cache.build(UPDATE_CONVERSATION, CONFIG, args[0], {"friendly_name": "y"})
    assert b"FriendlyName=y" in (other.content or b"")
    assert len(cache) == 2


def test_spec_cache_checks_every_new_argument() -> None:
    cache = SpecCache()
    op = Operation(
        name="tasks.update",
        method="POST",
        product="taskrouter",
        path="/v1/Tasks",
        params={"priority": Param("Priority")},
    )
    cache.build(op, CONFIG, None, {"priority": 1})
    with pytest.raises(TypeError, match="priority must be a int, got bool"):
        cache.build(op, CONFIG, None, {"priority": True})  # True == 1, but not an int here
    with pytest.raises(ValidationError):
        cache.build(UPDATE_CONVERSATION, CONFIG, {"sid": ACCOUNT_SID}, {})
    with pytest.raises(ValidationError):
        cache.build(UPDATE_CONVERSATION, CONFIG, {"sid": ACCOUNT_SID}, {})
    assert len(cache) == 1


def test_spec_cache_builds_unhashable_arguments_every_time() -> None:
    cache = SpecCache()
    values = {"identity": "alice", "roles": ["RL" + "0" * 32]}
    spec = cache.build(LIST_PARTICIPANTS, CONFIG, {"sid": CONVERSATION_SID}, values)
    assert "Role=RL" in spec.url
    assert len(cache) == 0


def test_response_headers_are_lowered_on_first_read_only() -> None:
    class Source:
        reads = 0

        def items(self) -> list[tuple[str, str]]:
            Source.reads += 1
            return [("Twilio-Request-Id", "RQ1"), ("Content-Type", "application/json")]

    headers = LowerHeaders(Source())
    raw = RawResponse(200, headers, b"")
    assert Source.reads == 0
    assert raw.request_id == "RQ1"
    assert dict(headers) == {"twilio-request-id": "RQ1", "content-type": "application/json"}
    assert len(headers) == 2
    assert "content-type" in headers
    assert headers.get("x") is None
    assert headers == {"twilio-request-id": "RQ1", "content-type": "application/json"}
    assert Source.reads == 1


def test_response_headers_pickle_and_copy_whatever_their_source() -> None:
    class Unpicklable(dict[str, str]):  # a local class: pickle cannot find it
        pass

    headers = LowerHeaders(Unpicklable({"Twilio-Request-Id": "RQ1"}))
    for again in (pickle.loads(pickle.dumps(headers)), copy.deepcopy(headers)):
        assert again == {"twilio-request-id": "RQ1"}
        assert RawResponse(200, again, b"").request_id == "RQ1"


def test_fast_made_request_response_and_info_equal_the_dataclasses() -> None:
    headers = {"Accept": "application/json"}
    spec = new_request_spec("GET", "https://x.twilio.com/v1", headers, None, True, "op")
    assert spec == RequestSpec("GET", "https://x.twilio.com/v1", headers, None, True, "op")
    raw = new_raw_response(201, {"twilio-request-id": "RQ1"}, b"{}")
    assert raw == RawResponse(201, {"twilio-request-id": "RQ1"}, b"{}")
    info = ResponseInfo.of(raw, spec)
    assert info == ResponseInfo(201, raw.headers, "GET", "https://x.twilio.com/v1")
    assert info.request_id == "RQ1"
    for frozen in (spec, raw, info):
        with pytest.raises(dataclasses.FrozenInstanceError):
            frozen.url = "changed"  # type: ignore[misc,union-attr]
