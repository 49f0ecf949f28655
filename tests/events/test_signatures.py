"""Signatures and limits: forged, missing and wrong-URL signatures get 403 and no handler runs;
oversized bodies get 413; rotation, public URLs, trusted proxies, JSON bodies; no token leaks."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from flexconv.events import Receiver, TaskRouterEvent
from tests.events.helpers import OTHER_TOKEN, TOKEN, URL, signed, signed_json, taskrouter_event
from tests.events.servers import asgi_server, wsgi_server


def counting_receiver(**kwargs: object) -> tuple[Receiver, list[TaskRouterEvent]]:
    receiver = Receiver(TOKEN, **kwargs)  # type: ignore[arg-type]
    calls: list[TaskRouterEvent] = []
    receiver.on("*")(calls.append)
    return receiver, calls


def test_a_good_signature_runs_the_handler() -> None:
    receiver, calls = counting_receiver()
    headers, body = signed(taskrouter_event("task.created"))
    assert receiver.handle("POST", URL, headers, body).status == 204
    assert len(calls) == 1


@pytest.mark.parametrize("case", ["forged", "missing", "wrong_url", "wrong_token", "tampered"])
def test_bad_signatures_get_403_and_no_handler_runs(case: str) -> None:
    receiver, calls = counting_receiver()
    params = taskrouter_event("task.created")
    headers, body = signed(params)
    if case == "forged":
        headers["X-Twilio-Signature"] = "bm90IGEgc2lnbmF0dXJl"
    elif case == "missing":
        del headers["X-Twilio-Signature"]
    elif case == "wrong_url":
        headers, body = signed(params, url="https://hooks.example.com/elsewhere")
    elif case == "wrong_token":
        headers, body = signed(params, token=OTHER_TOKEN)
    elif case == "tampered":
        body = body.replace(b"task.created", b"task.canceled")
    status, _, answer = receiver.handle("POST", URL, headers, body)
    assert status == 403
    assert calls == []
    assert TOKEN.encode() not in answer


def test_previous_token_is_accepted_during_rotation() -> None:
    receiver, calls = counting_receiver(previous_auth_token=OTHER_TOKEN)
    for token in (TOKEN, OTHER_TOKEN):
        headers, body = signed(taskrouter_event("task.created"), token=token)
        assert receiver.handle("POST", URL, headers, body).status == 204
    headers, body = signed(taskrouter_event("task.created"), token="f" * 32)
    assert receiver.handle("POST", URL, headers, body).status == 403
    assert len(calls) == 2


def test_public_url_replaces_what_the_server_sees() -> None:
    seen_by_server = "http://127.0.0.1:8000/twilio/events"
    headers, body = signed(taskrouter_event("task.created"))  # signed for URL (public)
    plain, calls = counting_receiver()
    assert plain.handle("POST", seen_by_server, headers, body).status == 403
    origin, _ = counting_receiver(public_url="https://hooks.example.com")
    assert origin.handle("POST", seen_by_server, headers, body).status == 204
    full, _ = counting_receiver(public_url=URL)
    assert full.handle("POST", "http://10.0.0.5/other", headers, body).status == 204
    assert calls == []


def test_connection_override_fragments_are_not_part_of_the_signature() -> None:
    # Twilio signs the URL without its "#rc=...&rp=..." fragment (and does not send it)
    wired = URL + "#rc=5&rp=ct,rt,5xx"
    headers, body = signed(taskrouter_event("task.created"))  # RequestValidator, no fragment
    configured, calls = counting_receiver(public_url=wired)  # the URL as Wiring wrote it
    assert configured.handle("POST", "http://127.0.0.1:8000/x", headers, body).status == 204
    origin, _ = counting_receiver(public_url="https://hooks.example.com#rc=5&rp=5xx")
    assert origin.handle("POST", "http://127.0.0.1/twilio/events", headers, body).status == 204
    plain, _ = counting_receiver()
    headers, body = signed(taskrouter_event("task.created"))
    assert plain.handle("POST", wired, headers, body).status == 204  # fragment in the request URL
    forged, _ = counting_receiver(public_url=wired)
    headers, body = signed(taskrouter_event("task.created"), url=wired)  # signed with it: wrong
    assert forged.handle("POST", URL, headers, body).status == 403
    url, headers, body = signed_json(dict(taskrouter_event("task.created")))
    assert configured.handle("POST", url + "#rc=5&rp=5xx", headers, body).status == 204
    assert len(calls) == 2


def test_forwarded_headers_only_from_trusted_proxies() -> None:
    seen_by_server = "http://10.0.0.7:8080/twilio/events"
    headers, body = signed(taskrouter_event("task.created"))
    headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hooks.example.com"})
    receiver, calls = counting_receiver(trusted_proxies=["10.0.0.0/24"])
    assert receiver.handle("POST", seen_by_server, headers, body, client="10.0.0.1").status == 204
    assert receiver.handle("POST", seen_by_server, headers, body, client="192.0.2.9").status == 403
    assert receiver.handle("POST", seen_by_server, headers, body, client=None).status == 403
    untrusting, _ = counting_receiver()
    assert untrusting.handle("POST", seen_by_server, headers, body, client="10.0.0.1").status == 403
    assert len(calls) == 1
    with pytest.raises(ValueError, match="trusted_proxies"):
        Receiver(TOKEN, trusted_proxies=["not-an-address"])


def test_json_bodies_need_a_matching_body_sha256() -> None:
    receiver, calls = counting_receiver()
    payload = dict(taskrouter_event("task.created"))
    url, headers, body = signed_json(payload)
    assert receiver.handle("POST", url, headers, body).status == 204
    assert (
        receiver.handle("POST", url, headers, body.replace(b"task.created", b"task.updated")).status
        == 403
    )
    assert receiver.handle("POST", URL, headers, body).status == 403  # hash not in the URL
    assert len(calls) == 1


def test_oversized_body_gets_413_and_no_handler_runs() -> None:
    receiver, calls = counting_receiver(max_body=1000)
    headers, body = signed(taskrouter_event("task.created", Padding="x" * 2000))
    assert receiver.handle("POST", URL, headers, body).status == 413
    assert calls == []


def test_only_post_and_get() -> None:
    receiver, _ = counting_receiver()
    headers, body = signed(taskrouter_event("task.created"))
    assert receiver.handle("PUT", URL, headers, body).status == 405


def test_the_token_never_reaches_reprs_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    receiver, _ = counting_receiver(previous_auth_token=OTHER_TOKEN)
    headers, body = signed(taskrouter_event("task.created"), token="f" * 32)
    receiver.handle("POST", URL, headers, body)
    text = repr(receiver) + repr(receiver.asgi()) + repr(receiver.wsgi()) + caplog.text
    assert "refused" in caplog.text
    assert TOKEN not in text
    assert OTHER_TOKEN not in text
    with pytest.raises(ValueError) as info:
        Receiver(TOKEN, public_url="ftp://x")
    assert TOKEN not in str(info.value)


# -------------------------------------------------------------------- through real servers


@pytest.fixture(params=["asgi", "wsgi"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[TaskRouterEvent]]]:
    receiver, calls = counting_receiver(max_body=4096)
    if request.param == "asgi":
        with asgi_server(receiver.asgi()) as base:
            yield base + "/twilio/events", calls
    else:
        with wsgi_server(receiver.wsgi()) as base:
            yield base + "/twilio/events", calls


def test_servers_check_signatures_and_limits(served: tuple[str, list[TaskRouterEvent]]) -> None:
    url, calls = served
    with httpx.Client(timeout=30) as http:
        headers, body = signed(taskrouter_event("task.created"), url=url)
        assert http.post(url, headers=headers, content=body).status_code == 204
        assert len(calls) == 1
        # forged, missing, wrong URL
        forged = {**headers, "X-Twilio-Signature": "AAAA"}
        assert http.post(url, headers=forged, content=body).status_code == 403
        missing = {k: v for k, v in headers.items() if k != "X-Twilio-Signature"}
        assert http.post(url, headers=missing, content=body).status_code == 403
        other, body2 = signed(taskrouter_event("task.created"), url=url + "/other")
        assert http.post(url, headers=other, content=body2).status_code == 403
        # too large, announced by Content-Length, and sent chunked without one
        big_headers, big = signed(taskrouter_event("task.created", Pad="y" * 8000), url=url)
        assert http.post(url, headers=big_headers, content=big).status_code == 413

        def chunks() -> Iterator[bytes]:
            for i in range(0, len(big), 1000):
                yield big[i : i + 1000]

        response = http.post(url, headers=big_headers, content=chunks())
        assert response.status_code == 413
    assert len(calls) == 1


def test_get_webhooks_are_signed_over_the_query() -> None:
    receiver, calls = counting_receiver()
    query = "EventType=onMessageAdded&ConversationSid=CH" + "0" * 32 + "&Body=hi"
    url = f"{URL}?{query}"
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TOKEN).compute_signature(url, {})
    assert receiver.handle("GET", url, {"X-Twilio-Signature": signature}, b"").status == 200
    assert receiver.handle("GET", url + "x", {"X-Twilio-Signature": signature}, b"").status == 403
    assert len(calls) == 1
    assert calls[0].params["Body"] == "hi"
