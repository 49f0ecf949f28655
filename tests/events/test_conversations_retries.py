"""Twilio never sends a Conversations webhook again, whatever the answer: a post-event whose
handler fails, or whose conversation stays busy, is acknowledged (200) and retried in the
background under the same claim (never run twice after it succeeded), then logged as lost.
Pre-events keep their synchronous answer (a failure refuses the action)."""

from __future__ import annotations

import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from flexconv.events import ConversationsEvent, MemoryStore, Receiver, RedisStore
from tests.events.helpers import ACCOUNT, TOKEN, URL, sid, signed

CONVERSATION = sid("CH", 4242)


def conversations_event(event_type: str = "onMessageAdded", n: int = 1) -> list[tuple[str, str]]:
    return [
        ("EventType", event_type),
        ("AccountSid", ACCOUNT),
        ("ConversationSid", CONVERSATION),
        ("MessageSid", sid("IM", n)),
        ("Author", "customer"),
        ("Body", f"message {n}"),
        ("Source", "SMS"),
        ("RetryCount", "0"),
    ]


def flaky_receiver(failures: int, **kwargs: object) -> tuple[Receiver, list[str], list[str]]:
    """A receiver whose onMessage* handler fails its first ``failures`` calls."""
    options: dict[str, object] = {"retry_delay": 0.001, "store": MemoryStore(), **kwargs}
    receiver = Receiver(TOKEN, **options)  # type: ignore[arg-type]
    calls: list[str] = []
    done: list[str] = []

    @receiver.on("onMessage*")
    def handler(event: ConversationsEvent) -> None:
        calls.append(event.event_type)
        if len(calls) <= failures:
            raise RuntimeError("the database blinked")
        done.append(event.params["MessageSid"])

    return receiver, calls, done


def test_a_failed_post_event_is_acknowledged_and_retried_in_the_background() -> None:
    receiver, calls, done = flaky_receiver(1)
    headers, body = signed(conversations_event())
    assert receiver.handle("POST", URL, headers, body).status == 200  # not 500: never redelivered
    receiver.drain()
    assert calls == ["onMessageAdded", "onMessageAdded"]
    assert done == [sid("IM", 1)]
    # a duplicate after the background success runs nothing (same claim)
    assert receiver.handle("POST", URL, headers, body).status == 200
    receiver.drain()
    assert len(calls) == 2
    receiver.close()


def test_retries_that_all_fail_log_the_event_as_lost(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="flexconv.events")
    receiver, calls, done = flaky_receiver(100, retries=2)
    headers, body = signed(conversations_event(), idempotency_token="token-of-the-lost-one")
    assert receiver.handle("POST", URL, headers, body).status == 200
    receiver.drain()
    assert len(calls) == 3  # the answer's attempt and 2 retries
    assert done == []
    lost = [r.getMessage() for r in caplog.records if "LOST" in r.getMessage()]
    assert len(lost) == 1
    assert "onMessageAdded" in lost[0]
    assert "token-of-the-lost-one" in lost[0]
    receiver.close()


def test_a_failed_post_event_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="flexconv.events")
    receiver, _calls, done = flaky_receiver(1)
    headers, body = signed(conversations_event())
    assert receiver.handle("POST", URL, headers, body).status == 200
    receiver.drain()
    assert done == [sid("IM", 1)]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1, messages  # the failure, not also a "deferred" warning
    assert "a handler for onMessageAdded failed" in messages[0]
    assert "retrying it in the background" in messages[0]
    receiver.close()


def test_a_store_outage_is_logged_as_one_not_as_a_busy_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="flexconv.events")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    receiver = Receiver(TOKEN, store=RedisStore(dead), retries=1, retry_delay=0.001)
    receiver.on("onMessageAdded")(lambda e: None)
    headers, body = signed(conversations_event())
    assert receiver.handle("POST", URL, headers, body).status == 200
    receiver.drain()
    assert "the store failed" in caplog.text
    assert "found its key busy" not in caplog.text
    receiver.close()


def test_a_busy_conversation_is_acknowledged_and_its_event_runs_once_it_is_free() -> None:
    receiver = Receiver(TOKEN, lock_wait=0.01, retries=12, retry_delay=0.01)
    started, release = threading.Event(), threading.Event()
    seen: list[str] = []

    @receiver.on("onMessageAdded")
    def slow(event: ConversationsEvent) -> None:
        seen.append(event.params["MessageSid"])
        if event.params["MessageSid"] == sid("IM", 1):
            started.set()
            assert release.wait(60)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(receiver.handle, "POST", URL, *signed(conversations_event(n=1)))
        assert started.wait(60)
        second = receiver.handle("POST", URL, *signed(conversations_event(n=2)))
        assert second.status == 200  # not 503: Twilio would never send it again
        assert seen == [sid("IM", 1)]
        release.set()
        assert first.result(timeout=60).status == 200
    receiver.drain()
    assert seen == [sid("IM", 1), sid("IM", 2)]
    receiver.close()


def test_a_failed_pre_event_still_refuses_and_is_not_retried() -> None:
    receiver, calls, _ = flaky_receiver(100)
    status = receiver.handle("POST", URL, *signed(conversations_event("onMessageAdd"))).status
    assert status == 500  # Twilio refuses the action; the answer is the decision
    receiver.drain()
    assert calls == ["onMessageAdd"]
    receiver.close()


def test_a_failed_taskrouter_event_still_answers_500_for_twilios_redelivery() -> None:
    from tests.events.helpers import taskrouter_event

    receiver = Receiver(TOKEN, retry_delay=0.001)
    calls: list[str] = []

    @receiver.on("task.created")
    def fail(event: object) -> None:
        calls.append("x")
        raise RuntimeError("down")

    assert receiver.handle("POST", URL, *signed(taskrouter_event("task.created"))).status == 500
    receiver.drain()
    assert calls == ["x"]


async def test_the_async_face_retries_in_the_background_too() -> None:
    receiver, calls, done = flaky_receiver(2)
    headers, body = signed(conversations_event())
    answer = await receiver.handle_async("POST", URL, headers, body)
    assert answer.status == 200
    await receiver.drain_async()
    assert len(calls) == 3
    assert done == [sid("IM", 1)]
    assert (await receiver.handle_async("POST", URL, headers, body)).status == 200
    await receiver.drain_async()
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("name", "value"), [("retries", -1), ("retries", 1.5), ("retry_delay", -1.0)]
)
def test_bad_retry_settings_are_refused(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        Receiver(TOKEN, **{name: value})  # type: ignore[arg-type]


class RecordingStore(MemoryStore):
    """A memory store that records how long each lock is waited for."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[tuple[str, float]] = []

    def lock(self, key: str, ttl: float, wait: float):  # type: ignore[no-untyped-def]
        self.waits.append((key.split(":")[0], wait))
        return super().lock(key, ttl, wait)

    def lock_async(self, key: str, ttl: float, wait: float):  # type: ignore[no-untyped-def]
        self.waits.append((key.split(":")[0], wait))
        return super().lock_async(key, ttl, wait)


async def test_conversations_webhooks_wait_within_twilios_five_seconds() -> None:
    from tests.events.helpers import taskrouter_event

    store = RecordingStore()
    receiver = Receiver(TOKEN, store=store, lock_wait=30)
    receiver.on("*")(lambda event: None)
    receiver.handle("POST", URL, *signed(conversations_event()))
    receiver.handle("POST", URL, *signed(conversations_event("onMessageAdd", n=2)))
    receiver.handle("POST", URL, *signed(taskrouter_event("task.created")))
    await receiver.handle_async("POST", URL, *signed(conversations_event(n=3)))
    assert store.waits == [
        ("conversation", 3.0),
        ("conversation", 3.0),
        ("task", 30.0),
        ("conversation", 3.0),
    ]
    receiver.close()
