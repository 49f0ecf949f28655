"""The shared input checks, the base_url rules and the delete-retry decision, as plain values."""

from __future__ import annotations

import math

import pytest

from flexconv import ValidationError
from flexconv._core.channels import check_messaging_address, validate_address
from flexconv._core.checks import (
    MAX_JSON_DEPTH,
    check_header,
    check_json_value,
    check_seconds,
)
from flexconv._core.config import check_base_url, is_loopback
from flexconv._core.encoding import compact_json, form_value
from flexconv._core.retry import RetryPolicy, already_done, may_have_been_processed


@pytest.mark.parametrize("value", [0, 0.5, 30, 86_400])
def test_reasonable_seconds_pass(value: float) -> None:
    assert check_seconds(value, "timeout") == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.nan, "finite"),
        (math.inf, "finite"),
        (-math.inf, "finite"),
        (2**64, "finite"),
        (-0.5, "zero or more"),
        (86_400.5, "at most 86400"),
    ],
)
def test_unreasonable_seconds_are_refused(value: float, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_seconds(value, "timeout")


def test_zero_seconds_only_where_allowed_and_numbers_only() -> None:
    with pytest.raises(ValidationError, match="more than zero"):
        check_seconds(0, "Timeout.read", allow_zero=False)
    for wrong in (None, "5", True):
        with pytest.raises(TypeError):
            check_seconds(wrong, "timeout")


def test_retry_policies_refuse_non_finite_delays() -> None:
    for bad in ({"initial_delay": math.nan}, {"max_delay": math.inf}, {"jitter": math.nan}):
        with pytest.raises(ValidationError):
            RetryPolicy(**bad)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        RetryPolicy(max_retries=10**9)


def test_json_depth_limit_and_cycles() -> None:
    value: object = 1
    for _ in range(MAX_JSON_DEPTH):
        value = [value]
    check_json_value(value, "attributes")  # 32 containers deep: the limit
    with pytest.raises(ValidationError, match="nested more than 32"):
        check_json_value([value], "attributes")
    cycle: list[object] = []
    cycle.append(cycle)
    with pytest.raises(ValidationError, match="refers to itself"):
        compact_json({"a": cycle})


def test_json_refuses_nan_and_keeps_plain_values() -> None:
    with pytest.raises(ValidationError, match="JSON cannot represent"):
        compact_json({"x": [1, {"y": math.nan}]})
    assert compact_json({"é": 1.5, "n": None}) == '{"é":1.5,"n":null}'
    with pytest.raises(ValidationError, match="finite"):
        form_value(math.inf)


def test_header_values_may_not_split_the_request() -> None:
    assert check_header("If-Match", '"abc"') == ("If-Match", '"abc"')
    assert check_header("X-Note", "a\tb") == ("X-Note", "a\tb")
    for bad in ("a\r\nX-Evil: 1", "a\nb", "a\x00"):
        with pytest.raises(ValidationError, match="CR, LF"):
            check_header("If-Match", bad)
    with pytest.raises(ValidationError, match="not a valid HTTP header name"):
        check_header("X Evil", "1")


@pytest.mark.parametrize(
    "number",
    ["+15551234567", "+15005550006", "+442071234567", "+8613800138000", "+6831234", "12345"],
)
def test_real_phone_numbers_still_pass(number: str) -> None:
    assert validate_address("sms", number) == number
    assert check_messaging_address(number) == number


@pytest.mark.parametrize(
    "number", ["+1555", "+155512345678", "+15551234567\n", "+1555123456", "+123456", "+0123456789"]
)
def test_phone_number_near_misses_are_refused(number: str) -> None:
    with pytest.raises(ValidationError):
        validate_address("sms", number)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.9.9.9", True), ("::1", True), ("localhost", True),
     ("api.localhost", True), ("10.0.0.1", False), ("example.com", False), ("128.0.0.1", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_base_url_rules() -> None:
    assert check_base_url("https://proxy.example/tw/") == "https://proxy.example/tw"
    assert check_base_url("http://[::1]:8080") == "http://[::1]:8080"
    assert check_base_url("http://proxy.lan", allow_insecure_http=True) == "http://proxy.lan"
    with pytest.raises(ValidationError, match="user info") as info:
        check_base_url("https://AC1:tok3n@proxy.example")
    assert "tok3n" not in str(info.value)
    with pytest.raises(ValidationError, match="query or fragment") as info:
        check_base_url("https://proxy.example/?key=s3cret")
    assert "s3cret" not in str(info.value)
    with pytest.raises(ValidationError, match="allow_insecure_http=True"):
        check_base_url("http://proxy.lan")
    with pytest.raises(ValidationError, match="control characters"):
        check_base_url("https://proxy.example/\n")
    with pytest.raises(ValidationError, match="not a valid URL"):
        check_base_url("https://proxy.example:99999")


def test_which_failed_attempts_may_have_taken_effect() -> None:
    assert may_have_been_processed(outcome="dropped")
    assert may_have_been_processed(outcome="read_timeout")
    assert may_have_been_processed(outcome="connect_error", sent=True)
    assert not may_have_been_processed(outcome="connect_error")
    assert not may_have_been_processed(outcome="connect_timeout")
    assert may_have_been_processed(status=500)
    assert may_have_been_processed(status=502)
    assert not may_have_been_processed(status=503)
    assert not may_have_been_processed(status=429)


def test_a_retried_delete_meeting_404_is_done_only_after_a_possible_delivery() -> None:
    assert already_done("DELETE", 404, maybe_processed_before=True)
    assert not already_done("DELETE", 404, maybe_processed_before=False)
    assert not already_done("DELETE", 500, maybe_processed_before=True)
    assert not already_done("POST", 404, maybe_processed_before=True)
    assert not already_done("GET", 404, maybe_processed_before=True)
