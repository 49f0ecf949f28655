"""The loopback server on the wire, where it used to differ from Twilio (issue 10, section 2).

Each test names the Twilio behaviour it checks.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import httpx
import pytest

from flexconv.emulator import Emulator
from flexconv.emulator.server import ServerThread

REQUEST_ID = re.compile(r"^RQ[0-9a-f]{32}$")


@pytest.fixture
def server(emu: Emulator) -> Iterator[ServerThread]:
    with ServerThread(emu, max_body=64 * 1024) as srv:
        yield srv


def auth(emu: Emulator) -> tuple[str, str]:
    return (emu.account_sid, emu.auth_token)


def test_every_response_carries_a_twilio_request_id(emu: Emulator, server: ServerThread) -> None:
    # Twilio answers every API request with a `Twilio-Request-Id: RQ…` header (quoted in its
    # support docs as the way to identify a request); flexconv's errors carry it as request_id.
    with httpx.Client(timeout=10) as client:
        answers = [
            client.get(f"{server.url}/flex-api/v1/Configuration", auth=auth(emu)),
            client.get(f"{server.url}/flex-api/v1/Configuration"),  # 401
            client.get(f"{server.url}/flex-api/v1/Nothing", auth=auth(emu)),  # 404
            client.post(f"{server.url}/conversations/v1/Conversations", auth=auth(emu)),
            client.get(f"{server.url}/_emulator/v1/Clock", auth=auth(emu)),
        ]
    assert [a.status_code for a in answers] == [200, 401, 404, 201, 200]
    ids = [a.headers.get("twilio-request-id", "") for a in answers]
    assert all(REQUEST_ID.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids)


def test_urls_say_https_when_reached_through_a_twilio_host(
    emu: Emulator, server: ServerThread
) -> None:
    # Twilio's API is served over https only, so every URL it generates (url, links, meta's
    # next_page_url) starts with https://; flexconv refuses to send credentials to an http://
    # Twilio URL, so an http next_page_url breaks listing past one page.
    host = {"Host": "conversations.twilio.com"}
    with httpx.Client(auth=auth(emu), timeout=10) as client:
        for _ in range(3):
            client.post(f"{server.url}/v1/Conversations", headers=host)
        page = client.get(f"{server.url}/v1/Conversations?PageSize=1", headers=host).json()
        meta = page["meta"]
        assert meta["next_page_url"].startswith("https://conversations.twilio.com/v1/")
        assert meta["url"].startswith("https://conversations.twilio.com/v1/")
        conv = page["conversations"][0]
        assert conv["url"].startswith("https://conversations.twilio.com/")
        assert all(link.startswith("https://") for link in conv["links"].values())
        second = client.get(
            meta["next_page_url"].replace("https://conversations.twilio.com", server.url),
            headers=host,
        )
        assert second.status_code == 200
        assert len(second.json()["conversations"]) == 1
        # without a Twilio host the server's own scheme stays
        plain = client.get(f"{server.url}/conversations/v1/Conversations?PageSize=1").json()
        assert plain["meta"]["next_page_url"].startswith(f"{server.url}/conversations/v1/")


def _raw(server: ServerThread, head: bytes, body: bytes = b"") -> bytes:
    """Send raw bytes; return what the server answers before closing or going quiet."""
    assert server.port is not None
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head_end = data.find(b"\r\n\r\n")
        length = re.search(rb"(?i)content-length: *(\d+)", data[:head_end])
        want = head_end + 4 + (int(length.group(1)) if length else 0)
        while len(data) < want:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def test_unauthenticated_bodies_are_refused_before_they_are_read(
    emu: Emulator, server: ServerThread
) -> None:
    # Announce a 50 MB body and send none of it: the answer must come from the headers alone
    # (a server that reads the body first waits here until the socket times out).
    head = (
        b"POST /conversations/v1/Conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 52428800\r\n\r\n"
    )
    answer = _raw(server, head, b"FriendlyName=x")
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert b'"code":20003' in answer
    assert re.search(rb"(?i)twilio-request-id: RQ[0-9a-f]{32}", answer)
    assert emu.conversations.conversations == {}


def test_bodies_over_the_cap_get_413_in_twilios_shape(emu: Emulator, server: ServerThread) -> None:
    with httpx.Client(auth=auth(emu), timeout=10) as client:
        big = client.post(
            f"{server.url}/conversations/v1/Conversations",
            data={"Attributes": "x" * (65 * 1024)},
        )
        assert big.status_code == 413
        assert big.json()["status"] == 413
        assert set(big.json()) == {"code", "message", "more_info", "status"}

        def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
            for _ in range(80):
                yield b"x" * 1024

        streamed = client.post(
            f"{server.url}/conversations/v1/Conversations",
            content=chunks(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert streamed.status_code == 413
        assert streamed.json()["code"] == big.json()["code"]
        fine = client.post(f"{server.url}/conversations/v1/Conversations", data={"X": "y" * 100})
        assert fine.status_code == 201
    assert len(emu.conversations.conversations) == 1


def test_a_form_body_that_is_not_utf8_gets_twilios_error_shape(
    emu: Emulator, server: ServerThread
) -> None:
    resp = httpx.post(
        f"{server.url}/conversations/v1/Conversations",
        content=b"FriendlyName=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=auth(emu),
    )
    assert resp.status_code == 400
    assert resp.headers["content-type"] == "application/json"
    assert resp.json()["code"] == 20001
    assert "UTF-8" in resp.json()["message"]


def test_deeply_nested_json_gets_twilios_error_shape(emu: Emulator, server: ServerThread) -> None:
    deep = "[" * 5_000 + "]" * 5_000  # beyond json's recursion limit, within the body cap
    with httpx.Client(auth=auth(emu), timeout=10) as client:
        form = client.post(
            f"{server.url}/conversations/v1/Conversations", data={"Attributes": deep}
        )
        body = client.post(
            f"{server.url}/flex-api/v1/Configuration",
            content=('{"account_sid": "%s", "ui_attributes": %s}' % (emu.account_sid, deep)),
            headers={"Content-Type": "application/json"},
        )
    for resp in (form, body):
        assert resp.status_code == 400, resp.text[:200]
        assert resp.headers["content-type"] == "application/json"
        assert resp.json()["code"] == 20001
    # the server still answers afterwards
    assert httpx.get(f"{server.url}/flex-api/v1/Configuration", auth=auth(emu)).status_code == 200


def test_reads_are_answered_on_the_event_loop_and_writes_in_worker_threads(
    emu: Emulator, server: ServerThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loop answers a GET itself when the emulator is idle (no thread hop); anything that may
    # send webhooks runs in a worker thread, so a receiver can call back into the server.
    import threading

    seen: list[tuple[str, str]] = []
    original = type(emu).handle

    def spy(self: Emulator, method: str, *args: object, **kwargs: object) -> object:
        seen.append((method, threading.current_thread().name))
        return original(self, method, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(emu), "handle", spy)
    with httpx.Client(auth=auth(emu), timeout=10) as client:
        assert client.get(f"{server.url}/flex-api/v1/Configuration").status_code == 200
        assert client.post(f"{server.url}/conversations/v1/Conversations").status_code == 201
    (get_thread,) = [name for method, name in seen if method == "GET"]
    (post_thread,) = [name for method, name in seen if method == "POST"]
    assert get_thread == "flexconv-emulator"  # the server's own thread: its event loop
    assert post_thread.startswith("flexconv-emulator_")  # a worker of the pool
