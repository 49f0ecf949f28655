"""Tests for the spec check helper (tests/spec_check.py) with hand-made requests and responses."""

from __future__ import annotations

import copy
import gzip
import json
import re
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from tests.spec_check import (
    PRODUCTS,
    SPEC_DIR_ENV,
    SPEC_FILES,
    SpecNotFoundError,
    SpecRecorder,
    UnknownOperation,
    assert_request,
    assert_response,
    check_request,
    check_response,
    load_spec,
    operation_for,
    resolve_url,
    spec_dir,
    spec_operation_for_template,
    spec_operations,
)

AC = "AC" + "a" * 32
CH = "CH" + "0123456789abcdef" * 2
IM = "IM" + "b" * 32
MG = "MG" + "c" * 32
IS = "IS" + "d" * 32
WS = "WS" + "e" * 32
WT = "WT" + "f" * 32
WQ = "WQ" + "1" * 32
SM = "SM" + "2" * 32

CONV = "https://conversations.twilio.com/v1/Conversations"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON_CT = {"Content-Type": "application/json"}


def form(**fields: Any) -> bytes:
    return urllib.parse.urlencode(fields, doseq=True).encode()


def conversation(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sid": CH,
        "account_sid": AC,
        "chat_service_sid": IS,
        "messaging_service_sid": MG,
        "friendly_name": "Support chat",
        "unique_name": None,
        "attributes": "{}",
        "date_created": "2024-05-01T10:00:00Z",
        "date_updated": "2024-05-01T10:00:01Z",
        "state": "active",
        "timers": {},
        "bindings": None,
        "url": f"{CONV}/{CH}",
        "links": {
            "participants": f"{CONV}/{CH}/Participants",
            "messages": f"{CONV}/{CH}/Messages",
            "webhooks": f"{CONV}/{CH}/Webhooks",
            "export": f"{CONV}/{CH}/Export",
        },
    }
    body.update(overrides)
    return body


def twilio_error(status: int, code: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": "The requested resource was not found",
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def one_problem_mentioning(problems: list[str], *needles: str) -> str:
    """The problem that mentions every needle; fails when there is none."""
    for problem in problems:
        if all(n in problem for n in needles):
            return problem
    raise AssertionError(f"no problem mentions {needles!r}; problems: {problems!r}")


# ------------------------------------------------------------------------------------------
# URL -> operation


def test_twilio_host_maps_to_product_and_operation() -> None:
    op = operation_for("GET", f"{CONV}/{CH}")
    assert (op.product, op.method, op.spec_path) == (
        "conversations",
        "GET",
        "/v1/Conversations/{Sid}",
    )
    assert op.operation_id == "FetchConversation"
    assert op.key == ("GET", "/v1/Conversations/{Sid}")


@pytest.mark.parametrize(
    "url",
    [
        f"https://conversations.ashburn.us1.twilio.com/v1/Conversations/{CH}",
        f"https://conversations.dublin.ie1.twilio.com/v1/Conversations/{CH}",
        f"https://conversations.us1.twilio.com/v1/Conversations/{CH}",
    ],
)
def test_edge_and_region_hosts_map(url: str) -> None:
    op = operation_for("GET", url)
    assert (op.product, op.spec_path) == ("conversations", "/v1/Conversations/{Sid}")


@pytest.mark.parametrize(
    ("url", "product", "spec_path"),
    [
        (
            f"http://127.0.0.1:8080/conversations/v1/Conversations/{CH}",
            "conversations",
            "/v1/Conversations/{Sid}",
        ),
        ("http://localhost:9000/flex-api/v1/Configuration", "flex-api", "/v1/Configuration"),
        (
            f"http://127.0.0.1/taskrouter/v1/Workspaces/{WS}/Tasks/{WT}",
            "taskrouter",
            "/v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}",
        ),
        (
            f"http://127.0.0.1:1/api/2010-04-01/Accounts/{AC}/Messages.json",
            "api",
            "/2010-04-01/Accounts/{AccountSid}/Messages.json",
        ),
        ("http://127.0.0.1:1/mount/point/studio/v2/Flows", "studio", "/v2/Flows"),
    ],
)
def test_path_prefix_urls_map(url: str, product: str, spec_path: str) -> None:
    op = operation_for("GET", url)
    assert (op.product, op.spec_path) == (product, spec_path)


def test_flex_configuration_is_not_confused_with_conversations_configuration() -> None:
    flex = operation_for("GET", "https://flex-api.twilio.com/v1/Configuration")
    conv = operation_for("GET", "https://conversations.twilio.com/v1/Configuration")
    assert flex.operation_id == "FetchConfiguration"
    assert flex.product == "flex-api"
    assert conv.product == "conversations"
    assert flex is not conv


def test_2010_messages_path_with_json_suffix_maps() -> None:
    op = operation_for("POST", f"https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages.json")
    assert (op.product, op.spec_path, op.operation_id) == (
        "api",
        "/2010-04-01/Accounts/{AccountSid}/Messages.json",
        "CreateMessage",
    )
    fetch = operation_for(
        "GET", f"https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages/{SM}.json"
    )
    assert fetch.spec_path == "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
    # the {Sid}.json segment captures the SID without the suffix, which then matches its pattern
    assert (
        check_request("GET", f"https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages/{SM}.json")
        == []
    )
    bad = check_request(
        "GET", f"https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages/XX12.json"
    )
    one_problem_mentioning(bad, "'Sid'", "XX12")


def test_literal_segment_preferred_over_parameter() -> None:
    url = f"https://taskrouter.twilio.com/v1/Workspaces/{WS}/TaskQueues/RealTimeStatistics"
    op = operation_for("POST", url)
    assert op.spec_path == "/v1/Workspaces/{WorkspaceSid}/TaskQueues/RealTimeStatistics"
    # the parameter template still serves real SIDs
    assert operation_for("POST", url.replace("RealTimeStatistics", WQ)).spec_path == (
        "/v1/Workspaces/{WorkspaceSid}/TaskQueues/{Sid}"
    )


def test_list_key_and_max_page_size() -> None:
    conv = operation_for("GET", CONV)
    assert (conv.list_key, conv.max_page_size, conv.is_list) == ("conversations", 100, True)
    msgs = operation_for("GET", f"https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages.json")
    assert msgs.list_key == "messages"
    fetch = operation_for("GET", f"{CONV}/{CH}")
    assert (fetch.list_key, fetch.is_list) == (None, False)


def test_unknown_path_and_unknown_host_raise() -> None:
    with pytest.raises(UnknownOperation, match="/v1/Nope"):
        operation_for("GET", "https://conversations.twilio.com/v1/Nope")
    with pytest.raises(UnknownOperation, match=r"chat\.twilio\.com"):
        operation_for("GET", "https://chat.twilio.com/v2/Services")
    with pytest.raises(UnknownOperation, match="cannot tell the product"):
        resolve_url("http://127.0.0.1:8080/v1/Conversations")


def test_spec_operations_lists_every_method_and_path() -> None:
    ops = spec_operations("conversations")
    assert ("GET", "/v1/Conversations") in ops
    assert ("POST", "/v1/Conversations") in ops
    assert ("DELETE", "/v1/Conversations/{Sid}") in ops
    assert ("PATCH", "/v1/Conversations/{Sid}") not in ops
    assert ops == sorted(ops, key=lambda k: (k[1], k[0]))
    for product in PRODUCTS:
        assert spec_operations(product), product
    flex = spec_operations("flex-api")
    assert ("POST", "/v1/Interactions/{InteractionSid}/Channels/{ChannelSid}/Transfers") in flex


def test_spec_operation_for_template_ignores_param_names_and_json_suffix() -> None:
    op = spec_operation_for_template("conversations", "get", "/v1/Conversations/{ConversationSid}")
    assert op is not None
    assert op.spec_path == "/v1/Conversations/{Sid}"
    msgs = spec_operation_for_template("api", "POST", "/2010-04-01/Accounts/{AccountSid}/Messages")
    assert msgs is not None
    assert msgs.operation_id == "CreateMessage"
    assert spec_operation_for_template("conversations", "PATCH", "/v1/Conversations/{Sid}") is None
    assert (
        spec_operation_for_template("conversations", "GET", "/v1/Conversations/{Sid}/Notes") is None
    )


def test_specs_ship_inside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh clone with nothing beside it has every spec, its licence and its source commit."""
    monkeypatch.delenv(SPEC_DIR_ENV, raising=False)
    folder = spec_dir()
    repo = Path(__file__).resolve().parent.parent
    assert folder.is_relative_to(repo)
    source = (folder / "SOURCE.md").read_text()
    assert re.search(r"commit `[0-9a-f]{40}`", source)
    assert "MIT" in (folder / "LICENSE").read_text()
    for product, name in SPEC_FILES.items():
        assert (folder / f"{name}.gz").is_file(), name
        assert name in source
        assert load_spec(product)["openapi"].startswith("3.")


def test_spec_folder_override_reads_plain_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = tmp_path / "oai"
    plain.mkdir()
    packed = spec_dir() / f"{SPEC_FILES['studio']}.gz"
    (plain / SPEC_FILES["studio"]).write_bytes(gzip.decompress(packed.read_bytes()))
    monkeypatch.setenv(SPEC_DIR_ENV, str(plain))
    assert spec_dir() == plain
    assert "/v2/Flows" in load_spec("studio")["paths"]
    with pytest.raises(SpecNotFoundError, match=r"twilio_flex_v1\.json"):
        load_spec("flex-api")


def test_missing_spec_folder_fails_clearly(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("FLEXCONV_TWILIO_OAI", str(missing))
    with pytest.raises(SpecNotFoundError, match="FLEXCONV_TWILIO_OAI") as info:
        check_request("GET", CONV)
    assert str(missing) in str(info.value)


# ------------------------------------------------------------------------------------------
# Requests


def test_good_conversation_create_form_passes() -> None:
    body = form(
        FriendlyName="Support chat",
        UniqueName="support-1",
        State="active",
        MessagingServiceSid=MG,
        Attributes=json.dumps({"topic": "billing"}),
        **{"Timers.Inactive": "PT5M", "Timers.Closed": "PT1H"},
    )
    assert check_request("POST", CONV, FORM, body) == []
    assert_request("POST", CONV, FORM, body)
    # the same fields as a mapping (what an httpx ``data=`` dict would hold)
    assert (
        check_request("POST", CONV, None, {"FriendlyName": "Support chat", "State": "closed"}) == []
    )


def test_unknown_form_param_is_named() -> None:
    problems = check_request("POST", CONV, FORM, form(FriendlyName="x", Colour="blue"))
    assert len(problems) == 1
    one_problem_mentioning(problems, "unknown form parameter", "'Colour'", "FriendlyName")


def test_missing_required_form_param_is_named() -> None:
    url = f"{CONV}/{CH}/Webhooks"
    problems = check_request(
        "POST", url, FORM, form(**{"Configuration.Url": "https://example.com/hook"})
    )
    one_problem_mentioning(problems, "missing required form parameter", "'Target'")
    assert (
        check_request(
            "POST",
            url,
            FORM,
            form(Target="webhook", **{"Configuration.Url": "https://example.com/h"}),
        )
        == []
    )
    # an empty body still lacks the required parameter
    one_problem_mentioning(check_request("POST", url, FORM, b""), "'Target'")


def test_bad_enum_value_names_param_and_expected_values() -> None:
    problems = check_request("POST", CONV, FORM, form(State="open"))
    problem = one_problem_mentioning(problems, "'State'", "'open'")
    for expected in ("initializing", "inactive", "active", "closed"):
        assert expected in problem
    assert "None" not in problem  # null is never a value a form can send


@pytest.mark.parametrize("value", ["yes", "True", "1", ""])
def test_bad_boolean_is_named(value: str) -> None:
    url = "https://conversations.twilio.com/v1/Configuration/Addresses"
    good = {"Type": "sms", "Address": "+15005550006", "AutoCreation.Enabled": "true"}
    assert check_request("POST", url, FORM, form(**good)) == []
    problems = check_request("POST", url, FORM, form(**{**good, "AutoCreation.Enabled": value}))
    one_problem_mentioning(problems, "'AutoCreation.Enabled'", "boolean")


def test_bad_sid_pattern_in_path_param() -> None:
    url = f"{CONV}/{CH}/Messages/XY{'b' * 32}"
    problems = check_request("GET", url)
    one_problem_mentioning(problems, "path parameter 'Sid'", "^IM[0-9a-fA-F]{32}$")
    assert check_request("GET", f"{CONV}/{CH}/Messages/{IM}") == []


def test_plain_string_path_param_accepts_unique_names() -> None:
    # /v1/Conversations/{Sid} takes a SID or a unique name: the spec's schema is a plain string
    assert check_request("GET", f"{CONV}/my-unique-name") == []
    assert check_request("GET", f"{CONV}/support%20desk") == []


def test_unknown_path_is_a_problem() -> None:
    one_problem_mentioning(
        check_request("GET", "https://conversations.twilio.com/v1/Chats"), "/v1/Chats"
    )
    one_problem_mentioning(
        check_request("GET", "http://127.0.0.1:8080/nothing/here"), "cannot tell the product"
    )


def test_wrong_method_is_a_problem_naming_allowed_methods() -> None:
    problems = check_request("PUT", f"{CONV}/{CH}", FORM, form(FriendlyName="x"))
    problem = one_problem_mentioning(problems, "method PUT", "/v1/Conversations/{Sid}")
    assert "DELETE, GET, POST" in problem


def test_query_params_are_checked() -> None:
    assert check_request("GET", f"{CONV}?State=active&PageSize=50&Page=1&PageToken=PT123") == []
    problems = check_request("GET", f"{CONV}?PageSize=500&Colour=red&State=open")
    one_problem_mentioning(problems, "'PageSize'", "maximum of 100")
    one_problem_mentioning(problems, "unknown query parameter", "'Colour'")
    one_problem_mentioning(problems, "'State'", "'open'")
    one_problem_mentioning(
        check_request("GET", f"{CONV}?PageSize=ten"), "'PageSize'", "not an integer"
    )


def test_paging_params_only_on_list_operations() -> None:
    problems = check_request("GET", f"{CONV}/{CH}?PageSize=20")
    one_problem_mentioning(problems, "unknown query parameter", "'PageSize'")


def test_webhook_and_if_match_headers() -> None:
    headers = {**FORM, "X-Twilio-Webhook-Enabled": "true"}
    assert check_request("POST", CONV, headers, form(FriendlyName="x")) == []
    problems = check_request(
        "POST", CONV, {**FORM, "X-Twilio-Webhook-Enabled": "yes"}, form(FriendlyName="x")
    )
    one_problem_mentioning(problems, "X-Twilio-Webhook-Enabled", "'true', 'false'")
    task = f"https://taskrouter.twilio.com/v1/Workspaces/{WS}/Tasks/{WT}"
    assert (
        check_request("POST", task, {**FORM, "If-Match": '"3"'}, form(AssignmentStatus="completed"))
        == []
    )
    problems = check_request(
        "POST", f"{CONV}/{CH}", {**FORM, "If-Match": '"3"'}, form(FriendlyName="y")
    )
    one_problem_mentioning(problems, "'If-Match'", "not accepted")
    # ordinary transport headers are not the spec's business
    plain = {
        **FORM,
        "Authorization": "Basic eDp5",
        "User-Agent": "flexconv/0",
        "Accept": "application/json",
    }
    assert check_request("POST", CONV, plain, form(FriendlyName="x")) == []


def test_array_params_as_repeated_keys() -> None:
    url = f"https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages.json"
    body = form(
        To="+15005550006", From="+15005550001", MediaUrl=["https://e.x/a.png", "https://e.x/b.png"]
    )
    assert check_request("POST", url, FORM, body) == []
    problems = check_request("POST", url, FORM, form(To="+1", Body=["a", "b"]))
    one_problem_mentioning(problems, "'Body'", "given 2 times")
    one_problem_mentioning(
        check_request("POST", url, FORM, form(Body="hi")), "missing required", "'To'"
    )


def test_json_valued_form_params_must_be_json_text() -> None:
    url = "https://studio.twilio.com/v2/Flows/FW" + "a" * 32 + "/Executions"
    good = form(To="+15005550006", From="+15005550001", Parameters=json.dumps({"name": "Zeke"}))
    assert check_request("POST", url, FORM, good) == []
    bad = form(To="+15005550006", From="+15005550001", Parameters=str({"name": "Zeke"}))
    one_problem_mentioning(
        check_request("POST", url, FORM, bad), "'Parameters'", "not a JSON document"
    )


def test_flex_configuration_json_body() -> None:
    url = "https://flex-api.twilio.com/v1/Configuration"
    body = json.dumps({"account_sid": AC, "ui_attributes": {"theme": "dark"}}).encode()
    assert check_request("POST", url, JSON_CT, body) == []
    assert (
        check_request("POST", url, None, {"account_sid": AC}) == []
    )  # parsed object, no content type
    one_problem_mentioning(check_request("POST", url, JSON_CT, b"[1, 2]"), "must be an object")
    one_problem_mentioning(check_request("POST", url, JSON_CT, b"{nope"), "does not parse")
    one_problem_mentioning(
        check_request("POST", url, FORM, form(AccountSid=AC)), "content type", "application/json"
    )


def test_body_on_get_is_a_problem() -> None:
    one_problem_mentioning(
        check_request("GET", CONV, FORM, form(State="active")), "takes no request body"
    )


def test_date_time_format_in_form() -> None:
    assert check_request("POST", CONV, FORM, form(DateCreated="2024-05-01T10:00:00Z")) == []
    one_problem_mentioning(
        check_request("POST", CONV, FORM, form(DateCreated="01/05/2024")),
        "'DateCreated'",
        "date-time",
    )


def test_assert_request_raises_with_all_problems() -> None:
    with pytest.raises(AssertionError) as info:
        assert_request("POST", CONV, FORM, form(State="open", Colour="red"))
    text = str(info.value)
    assert "'State'" in text
    assert "'Colour'" in text


# ------------------------------------------------------------------------------------------
# Responses


def test_good_conversation_response_passes() -> None:
    body = json.dumps(conversation()).encode()
    assert check_response("POST", CONV, 201, {"content-type": "application/json"}, body) == []
    assert check_response("GET", f"{CONV}/{CH}", 200, None, conversation()) == []
    assert_response("GET", f"{CONV}/{CH}", 200, None, body)


def test_spec_example_passes() -> None:
    from tests.spec_check import load_spec

    op = load_spec("conversations")["paths"]["/v1/Conversations"]["post"]
    examples = op["responses"]["201"]["content"]["application/json"]["examples"]
    for example in examples.values():
        assert check_response("POST", CONV, 201, None, example["value"]) == []


def test_wrong_type_fails() -> None:
    problems = check_response("GET", f"{CONV}/{CH}", 200, None, conversation(attributes={"a": 1}))
    one_problem_mentioning(problems, "$.attributes", "not of type 'string'")
    problems = check_response("GET", f"{CONV}/{CH}", 200, None, conversation(links=["x"]))
    one_problem_mentioning(problems, "$.links", "object")


def test_missing_field_only_fails_when_all_fields_required() -> None:
    body = conversation()
    del body["timers"]
    # the spec marks no response field as required ...
    assert check_response("GET", f"{CONV}/{CH}", 200, None, body) == []
    # ... but Twilio always sends them all; tests that want that ask for it
    problems = check_response("GET", f"{CONV}/{CH}", 200, None, body, require_all_fields=True)
    one_problem_mentioning(problems, "'timers'", "required")


def test_extra_field_fails_unless_allowed() -> None:
    body = conversation(participants_count=3)
    problems = check_response("GET", f"{CONV}/{CH}", 200, None, body)
    one_problem_mentioning(problems, "participants_count", "unexpected")
    assert check_response("GET", f"{CONV}/{CH}", 200, None, body, allow_extra_fields=True) == []


def test_bad_sid_pattern_in_response_fails() -> None:
    problems = check_response(
        "GET", f"{CONV}/{CH}", 200, None, conversation(chat_service_sid="IS123")
    )
    one_problem_mentioning(problems, "$.chat_service_sid", "^IS[0-9a-fA-F]{32}$")
    problems = check_response("GET", f"{CONV}/{CH}", 200, None, conversation(sid="CH" + "z" * 32))
    one_problem_mentioning(problems, "$.sid", "^CH[0-9a-fA-F]{32}$")


def test_bad_date_time_and_enum_in_response_fail() -> None:
    problems = check_response(
        "GET", f"{CONV}/{CH}", 200, None, conversation(date_created="2024-05-01 10:00")
    )
    one_problem_mentioning(problems, "$.date_created", "date-time")
    problems = check_response("GET", f"{CONV}/{CH}", 200, None, conversation(state="open"))
    one_problem_mentioning(problems, "$.state", "'open'")


def test_nullable_fields_accept_null() -> None:
    body = conversation(friendly_name=None, messaging_service_sid=None, links=None)
    assert check_response("GET", f"{CONV}/{CH}", 200, None, body) == []
    # enum-valued fields are $refs, which OAS 3.0 cannot mark nullable; Twilio sends null there
    assert check_response("GET", f"{CONV}/{CH}", 200, None, conversation(state=None)) == []


def test_non_nullable_field_rejects_null() -> None:
    url = f"{CONV}/{CH}/Messages/{IM}"
    message = {
        "account_sid": AC,
        "conversation_sid": CH,
        "sid": IM,
        "index": None,
        "author": "alice",
        "body": "hi",
        "media": None,
        "attributes": "{}",
        "participant_sid": None,
        "date_created": "2024-05-01T10:00:00Z",
        "date_updated": "2024-05-01T10:00:00Z",
        "url": url,
        "delivery": None,
        "links": {
            "delivery_receipts": url + "/Receipts",
            "channel_metadata": url + "/ChannelMetadata",
        },
        "content_sid": None,
    }
    one_problem_mentioning(check_response("GET", url, 200, None, message), "$.index", "null")
    assert check_response("GET", url, 200, None, {**message, "index": 0}) == []


def test_list_response_with_meta_validates() -> None:
    page_url = f"{CONV}?PageSize=50&Page=0"
    body = {
        "conversations": [conversation(), conversation(sid="CH" + "1" * 32)],
        "meta": {
            "page": 0,
            "page_size": 50,
            "first_page_url": page_url,
            "previous_page_url": None,
            "url": page_url,
            "next_page_url": None,
            "key": "conversations",
        },
    }
    assert check_response("GET", CONV, 200, None, json.dumps(body)) == []
    broken = copy.deepcopy(body)
    broken["meta"]["page_size"] = "50"
    broken["conversations"][1]["sid"] = "CH1"
    problems = check_response("GET", CONV, 200, None, broken)
    one_problem_mentioning(problems, "$.meta.page_size", "integer")
    one_problem_mentioning(problems, "$.conversations[1].sid")
    extra_meta = copy.deepcopy(body)
    extra_meta["meta"]["total"] = 2
    one_problem_mentioning(check_response("GET", CONV, 200, None, extra_meta), "'total'")


def test_2010_list_response_validates() -> None:
    url = f"https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages.json"
    uri = f"/2010-04-01/Accounts/{AC}/Messages.json?PageSize=50&Page=0"
    body = {
        "messages": [],
        "start": 0,
        "end": 0,
        "page": 0,
        "page_size": 50,
        "first_page_uri": uri,
        "next_page_uri": None,
        "previous_page_uri": None,
        "uri": uri,
    }
    assert check_response("GET", url, 200, None, body) == []
    one_problem_mentioning(check_response("GET", url, 200, None, {**body, "start": "0"}), "$.start")


def test_error_bodies_pass_for_404() -> None:
    url = f"{CONV}/{CH}"
    assert check_response("GET", url, 404, JSON_CT, json.dumps(twilio_error(404, 20404))) == []
    rfc9457 = {
        "type": "https://www.twilio.com/docs/errors/20404",
        "title": "Not Found",
        "status": 404,
    }
    assert check_response("GET", url, 404, None, rfc9457) == []


def test_bad_error_bodies_fail() -> None:
    url = f"{CONV}/{CH}"
    bad = {**twilio_error(404, 20404), "code": "20404"}
    one_problem_mentioning(check_response("GET", url, 404, None, bad), "'code'", "int")
    missing = twilio_error(404, 20404)
    del missing["more_info"]
    one_problem_mentioning(check_response("GET", url, 404, None, missing), "'more_info'")
    one_problem_mentioning(
        check_response("GET", url, 404, None, twilio_error(400, 20001)), "status 400", "404"
    )
    one_problem_mentioning(check_response("GET", url, 500, None, b""), "without a body")
    one_problem_mentioning(check_response("GET", url, 404, None, {"detail": "gone"}), "'title'")


def test_undocumented_success_status_fails() -> None:
    problems = check_response("POST", CONV, 200, None, conversation())
    one_problem_mentioning(problems, "status 200 is not documented", "201")


def test_delete_204() -> None:
    url = f"{CONV}/{CH}"
    assert check_response("DELETE", url, 204, None, b"") == []
    assert check_response("DELETE", url, 204, None, None) == []
    one_problem_mentioning(check_response("DELETE", url, 204, None, b"{}"), "no body")


def test_non_json_and_empty_success_bodies_fail() -> None:
    one_problem_mentioning(check_response("GET", f"{CONV}/{CH}", 200, None, b"<html>"), "not JSON")
    one_problem_mentioning(check_response("GET", f"{CONV}/{CH}", 200, None, b""), "none was sent")
    problems = check_response(
        "GET", f"{CONV}/{CH}", 200, {"Content-Type": "text/plain"}, conversation()
    )
    one_problem_mentioning(problems, "text/plain")


def test_assert_response_raises() -> None:
    with pytest.raises(AssertionError, match="unexpected"):
        assert_response("GET", f"{CONV}/{CH}", 200, None, conversation(extra=1))


# ------------------------------------------------------------------------------------------
# Recorder


def test_recorder_collects_problems_and_operations() -> None:
    recorder = SpecRecorder()
    assert (
        recorder.record("POST", CONV, FORM, form(FriendlyName="x"), 201, JSON_CT, conversation())
        == []
    )
    found = recorder.record("GET", f"{CONV}/{CH}", {}, None, 200, JSON_CT, conversation(sid="bad"))
    one_problem_mentioning(found, "$.sid")
    assert recorder.exchanges == 2
    assert recorder.operations_seen == {
        ("POST", "/v1/Conversations"),
        ("GET", "/v1/Conversations/{Sid}"),
    }
    assert ("conversations", "GET", "/v1/Conversations/{Sid}") in recorder.product_operations_seen
    with pytest.raises(AssertionError, match=r"1 spec problem\(s\) in 2 exchange\(s\)"):
        recorder.assert_clean()
    recorder.reset()
    recorder.assert_clean()
    assert recorder.exchanges == 0


def test_recorder_wraps_a_handler() -> None:
    def handler(method: str, url: str, headers: Any, body: Any) -> tuple[int, Any, Any]:
        if method == "GET":
            return 200, JSON_CT, json.dumps(conversation()).encode()
        return 201, JSON_CT, json.dumps(conversation(invented=True)).encode()

    recorder = SpecRecorder()
    wrapped = recorder.wrap(handler)
    status, _, _ = wrapped("GET", f"{CONV}/{CH}", {}, b"")
    assert status == 200
    recorder.assert_clean()
    wrapped("POST", CONV, FORM, form(FriendlyName="x"))
    one_problem_mentioning(recorder.problems, "invented")

    lenient = SpecRecorder(allow_extra_fields=True)
    lenient.wrap(handler)("POST", CONV, FORM, form(FriendlyName="x"))
    lenient.assert_clean()


async def test_recorder_wraps_an_async_handler() -> None:
    async def handler(method: str, url: str, headers: Any, body: Any) -> tuple[int, Any, Any]:
        return 404, JSON_CT, json.dumps(twilio_error(404, 20404)).encode()

    recorder = SpecRecorder()
    status, _, _ = await recorder.wrap_async(handler)("GET", f"{CONV}/{CH}", {}, None)
    assert status == 404
    recorder.assert_clean()
    await recorder.wrap_async(handler)("GET", "https://conversations.twilio.com/v1/Chats", {}, None)
    one_problem_mentioning(recorder.problems, "/v1/Chats")


def test_recorder_reports_request_problems() -> None:
    recorder = SpecRecorder()
    recorder.record("POST", CONV, FORM, form(State="open"), 201, JSON_CT, conversation())
    one_problem_mentioning(recorder.problems, "'State'")
    only_responses = SpecRecorder(check_requests=False)
    only_responses.record("POST", CONV, FORM, form(State="open"), 201, JSON_CT, conversation())
    only_responses.assert_clean()


# ------------------------------------------------------------------------------------------
# Performance


def test_checks_are_fast() -> None:
    body = json.dumps(conversation()).encode()
    request = form(FriendlyName="x", State="active", MessagingServiceSid=MG)
    check_response("GET", f"{CONV}/{CH}", 200, None, body)  # warm the caches
    check_request("POST", CONV, FORM, request)
    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        check_request("POST", CONV, FORM, request)
        check_response("GET", f"{CONV}/{CH}", 200, None, body)
    per_exchange = (time.perf_counter() - start) / rounds
    assert per_exchange < 0.005, f"{per_exchange * 1000:.2f} ms per exchange"
