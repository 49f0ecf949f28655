"""Error mapping from Twilio responses, and the exceptions themselves."""

from __future__ import annotations

import json
import pickle

import pytest

import flexconv
from flexconv import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    FlexConvError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from flexconv._core.operation import RawResponse, RequestSpec
from flexconv._core.response import error_from_response, parse_json, raise_for_status

URL = "https://conversations.twilio.com/v1/Conversations/CH00000000000000000000000000000000"
REQUEST = RequestSpec("GET", URL, {"Authorization": "Basic c2VjcmV0"})


def raw(status: int, body: object, **headers: str) -> RawResponse:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return RawResponse(status, {k.replace("_", "-"): v for k, v in headers.items()}, content)


def test_classic_twilio_body() -> None:
    body = {
        "code": 20404,
        "message": "The requested resource was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }
    err = error_from_response(raw(404, body, twilio_request_id="RQ0123"), REQUEST)
    assert type(err) is NotFoundError
    assert err.status == 404
    assert err.code == 20404
    assert err.message == "The requested resource was not found"
    assert err.more_info == "https://www.twilio.com/docs/errors/20404"
    assert err.request_id == "RQ0123"
    assert err.method == "GET"
    assert err.url == URL
    assert err.body == body
    assert err.headers == {"twilio-request-id": "RQ0123"}


def test_rfc9457_problem_body() -> None:
    body = {
        "type": "https://www.twilio.com/docs/api/errors/20001",
        "title": "Invalid parameter",
        "status": 400,
        "code": 20001,
        "detail": "Channel.type must be one of sms, whatsapp",
        "instance": "/v1/Interactions",
    }
    err = error_from_response(raw(400, body), REQUEST)
    assert type(err) is BadRequestError
    assert err.code == 20001
    assert err.message == "Channel.type must be one of sms, whatsapp"
    assert err.more_info == "https://www.twilio.com/docs/api/errors/20001"
    assert err.body["instance"] == "/v1/Interactions"
    assert err.request_id is None


def test_rfc9457_without_detail_uses_title() -> None:
    err = error_from_response(raw(403, {"title": "Forbidden", "status": 403}), REQUEST)
    assert type(err) is PermissionDeniedError
    assert err.message == "Forbidden"
    assert err.code is None


def test_code_given_as_digit_string() -> None:
    err = error_from_response(raw(400, {"code": "50416", "message": "m"}), REQUEST)
    assert err.code == 50416


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (412, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, APIStatusError),
        (422, APIStatusError),
    ],
)
def test_status_to_class(status: int, cls: type[APIStatusError]) -> None:
    err = error_from_response(raw(status, {"message": "x"}), REQUEST)
    assert type(err) is cls
    assert isinstance(err, APIStatusError)
    assert isinstance(err, FlexConvError)


def test_rate_limit_retry_after_seconds() -> None:
    err = error_from_response(
        raw(429, {"code": 20429, "message": "Too many"}, retry_after="3"), REQUEST
    )
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 3.0
    assert error_from_response(raw(429, {}), REQUEST).retry_after is None  # type: ignore[attr-defined]


def test_rate_limit_retry_after_http_date() -> None:
    err = error_from_response(raw(429, {}, retry_after="Wed, 21 Oct 2099 07:28:00 GMT"), REQUEST)
    assert isinstance(err, RateLimitError)
    assert err.retry_after is not None


def test_non_json_error_body() -> None:
    err = error_from_response(
        raw(502, b"<html>Bad Gateway</html>", twilio_request_id="RQ9"), REQUEST
    )
    assert type(err) is ServerError
    assert err.message == "<html>Bad Gateway</html>"
    assert err.code is None
    assert err.body == "<html>Bad Gateway</html>"
    assert err.request_id == "RQ9"


def test_empty_error_body() -> None:
    err = error_from_response(raw(500, b""), REQUEST)
    assert err.message == "HTTP 500"
    assert err.body is None


def test_huge_non_json_body_is_truncated() -> None:
    err = error_from_response(raw(500, b"x" * 10_000), REQUEST)
    assert len(err.body) == 500


def test_raise_for_status_accepts_every_2xx() -> None:
    for status in (200, 201, 202, 204):
        raise_for_status(raw(status, b""), REQUEST)
    with pytest.raises(NotFoundError):
        raise_for_status(raw(404, {}), REQUEST)
    with pytest.raises(APIStatusError) as info:
        raise_for_status(raw(302, b""), REQUEST)
    assert info.value.status == 302


def test_parse_json() -> None:
    assert parse_json(raw(200, {"a": 1}), REQUEST) == {"a": 1}
    assert parse_json(raw(204, b""), REQUEST) is None
    with pytest.raises(APIStatusError, match="not JSON") as info:
        parse_json(raw(200, b"<xml/>", twilio_request_id="RQ1"), REQUEST)
    assert info.value.status == 200
    assert info.value.request_id == "RQ1"


def test_str_of_a_status_error_says_everything_useful() -> None:
    body = {
        "code": 20404,
        "message": "Not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
    }
    err = error_from_response(raw(404, body, twilio_request_id="RQabc"), REQUEST)
    text = str(err)
    assert text == (
        f"HTTP 404 (Twilio error 20404): Not found | GET {URL} | "
        "more info: https://www.twilio.com/docs/errors/20404 | request id: RQabc"
    )
    assert "Basic" not in text
    assert "Basic" not in repr(err)


def test_str_of_a_connection_error() -> None:
    err = APITimeoutError("Timed out reading", phase="read", method="POST", url=URL, sent=True)
    assert str(err) == f"Timed out reading (POST {URL})"
    assert str(APIConnectionError("boom")) == "boom"


def _roundtrip(err: Exception) -> Exception:
    return pickle.loads(pickle.dumps(err))


def test_status_errors_pickle_with_their_fields() -> None:
    err = error_from_response(
        raw(
            429,
            {"code": 20429, "message": "slow down", "more_info": "mi"},
            retry_after="2",
            twilio_request_id="RQ7",
        ),
        REQUEST,
    )
    back = _roundtrip(err)
    assert type(back) is RateLimitError
    for name in (
        "message",
        "status",
        "code",
        "more_info",
        "method",
        "url",
        "request_id",
        "body",
        "headers",
    ):
        assert getattr(back, name) == getattr(err, name), name
    assert back.retry_after == 2.0  # type: ignore[attr-defined]
    assert str(back) == str(err)
    assert back.args == err.args


def test_connection_errors_pickle_with_their_fields() -> None:
    err = APITimeoutError("late", phase="read", method="GET", url=URL, sent=True)
    back = _roundtrip(err)
    assert type(back) is APITimeoutError
    assert (back.message, back.phase, back.method, back.url, back.sent) == (
        "late",
        "read",
        "GET",
        URL,
        True,
    )
    assert str(back) == str(err)
    plain = _roundtrip(APIConnectionError("gone", method="POST", url=URL, sent=False))
    assert (plain.message, plain.method, plain.sent) == ("gone", "POST", False)  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", [ValidationError, ConfigurationError, FlexConvError])
def test_simple_errors_pickle(cls: type[Exception]) -> None:
    back = _roundtrip(cls("bad thing"))
    assert type(back) is cls
    assert str(back) == "bad thing"


def test_validation_error_is_a_value_error() -> None:
    assert issubclass(ValidationError, ValueError)


def test_every_public_error_derives_from_flexconv_error() -> None:
    names = [n for n in flexconv.__all__ if n.endswith("Error")]
    assert len(names) >= 21
    for name in names:
        assert issubclass(getattr(flexconv, name), FlexConvError), name


def test_status_error_repr_shows_status_code_and_request_without_secrets() -> None:
    from flexconv._core.errors import NotFoundError

    err = NotFoundError(
        "The requested resource was not found",
        status=404,
        code=20404,
        method="GET",
        url="https://user:s3cr3t@conversations.twilio.com/v1/Conversations/CH" + "0" * 32,
        request_id="RQ" + "1" * 32,
        headers={"authorization": "Basic dXNlcjpzM2NyM3Q="},
    )
    text = repr(err)
    assert text.startswith(
        "NotFoundError(status=404, code=20404, message='The requested resource was not found', "
        "method=GET, url=https://"
    )
    assert "conversations.twilio.com/v1/Conversations/CH" in text
    assert "request_id=RQ" in text
    assert "s3cr3t" not in text
    assert "Basic" not in text
    assert "dXNlcjpzM2NyM3Q" not in text


def test_connection_error_repr_names_the_request() -> None:
    from flexconv._core.errors import APITimeoutError

    text = repr(
        APITimeoutError("read timed out", phase="read", method="POST", url="http://127.0.0.1:9/x")
    )
    assert text == (
        "APITimeoutError(message='read timed out', phase='read', method=POST, "
        "url=http://127.0.0.1:9/x, sent=False)"
    )


def test_every_library_exception_is_exported_from_flexconv() -> None:
    """An exception a client call can raise is importable from ``flexconv`` itself."""
    import importlib
    import pkgutil

    skip = (
        "flexconv.emulator",
        "flexconv.cli",
        "flexconv.testing",
        "flexconv.demo",
        "flexconv.__main__",
    )
    found = set()
    for info in pkgutil.walk_packages(flexconv.__path__, "flexconv."):
        if info.name.startswith(skip) or info.name.startswith("flexconv._sync"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, FlexConvError)
                and value.__module__ == info.name
            ):
                found.add(value)
    assert found, "no exception classes found"
    missing = sorted(c.__qualname__ for c in found if getattr(flexconv, c.__name__, None) is not c)
    assert missing == []
    assert all(c.__name__.endswith("Error") for c in found)
