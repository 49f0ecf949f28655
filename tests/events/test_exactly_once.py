"""Exactly once: duplicates run handlers once and get the first answer; a failing handler is
run again on redelivery; a crashed claim expires; one task's events run one at a time; the
answers of assignment callbacks and pre-events; background handlers.  For every store."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flexconv.events import (
    AssignmentCallback,
    ConversationsEvent,
    Instruction,
    MemoryStore,
    PreEventAnswer,
    Receiver,
    RedisStore,
    SQLiteStore,
    TaskRouterEvent,
)
from flexconv.events.stores import Claim
from tests.events.helpers import ACCOUNT, TOKEN, URL, WORKSPACE, sid, signed, taskrouter_event


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "sqlite":
        yield SQLiteStore(str(tmp_path / "events.db"))
    else:
        url = request.getfixturevalue("redis_url")
        yield RedisStore(url, prefix=f"test:{uuid.uuid4().hex}:")


def test_duplicates_run_once_and_get_the_first_answer(store: object) -> None:
    receiver = Receiver(TOKEN, store=store)  # type: ignore[arg-type]
    calls: Counter[str] = Counter()

    @receiver.on("assignment")
    def assign(callback: AssignmentCallback) -> Instruction:
        calls[callback.reservation_sid or ""] += 1
        return (
            Instruction.accept()
            if calls[callback.reservation_sid or ""] == 1
            else Instruction.reject()
        )

    params = [
        ("AccountSid", ACCOUNT),
        ("WorkspaceSid", WORKSPACE),
        ("WorkflowSid", sid("WW")),
        ("TaskSid", sid("WT")),
        ("ReservationSid", sid("WR")),
        ("WorkerSid", sid("WK")),
        ("TaskAttributes", "{}"),
    ]
    headers, body = signed(params)
    answers = {receiver.handle("POST", URL, headers, body).body for _ in range(3)}
    assert answers == {b'{"instruction":"accept"}'}
    # without an idempotency token, the reservation identifies the callback
    bare_headers, bare_body = signed(params, idempotency_token=None)
    # (a new identity: the handler runs again, answering reject; its duplicate gets the same)
    assert receiver.handle("POST", URL, bare_headers, bare_body).body == b'{"instruction":"reject"}'
    assert receiver.handle("POST", URL, bare_headers, bare_body).body == b'{"instruction":"reject"}'
    assert sum(calls.values()) == 2  # once per distinct identity (token, then reservation)


def test_taskrouter_identity_without_a_token(store: object) -> None:
    receiver = Receiver(TOKEN, store=store)  # type: ignore[arg-type]
    seen: list[str] = []
    receiver.on("task.*")(lambda e: seen.append(e.event_type))
    first = taskrouter_event("task.updated", n=900)
    second = taskrouter_event("task.updated", n=901)
    for params in (first, first, second, second):
        headers, body = signed(params, idempotency_token=None)
        assert receiver.handle("POST", URL, headers, body).status == 204
    assert seen == ["task.updated", "task.updated"]
    # no event Sid: type, resource, time and versions identify it
    no_sid = [(k, v) for k, v in taskrouter_event("task.updated", n=902) if k != "Sid"]
    newer = [*no_sid, ("TaskVersion", "2")]
    for params in (no_sid, no_sid, newer, newer):
        headers, body = signed(params, idempotency_token=None)
        receiver.handle("POST", URL, headers, body)
    assert len(seen) == 4


def test_a_failing_handler_answers_500_and_runs_again_on_redelivery(store: object) -> None:
    receiver = Receiver(TOKEN, store=store)  # type: ignore[arg-type]
    attempts: list[int] = []

    @receiver.on("reservation.created")
    def flaky(event: TaskRouterEvent) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("the API was down")

    headers, body = signed(taskrouter_event("reservation.created"))
    assert receiver.handle("POST", URL, headers, body).status == 500
    assert receiver.handle("POST", URL, headers, body).status == 204
    assert receiver.handle("POST", URL, headers, body).status == 204
    assert len(attempts) == 2


def test_a_crashed_claim_expires(store: object) -> None:
    receiver = Receiver(TOKEN, store=store, lease=0.2, lock_wait=0.05)  # type: ignore[arg-type]
    seen: list[str] = []
    receiver.on("task.created")(lambda e: seen.append(e.task_sid))
    headers, body = signed(taskrouter_event("task.created"))
    key = "token:" + headers["I-Twilio-Idempotency-Token"]
    claim = store.claim(key, 0.2)  # type: ignore[attr-defined]
    assert claim.state == "claimed"  # another receiver took it, then died
    assert receiver.handle("POST", URL, headers, body).status == 503  # busy: deliver again
    assert seen == []
    deadline = time.monotonic() + 30
    while receiver.handle("POST", URL, headers, body).status == 503:
        assert time.monotonic() < deadline, "the lease never expired"
        time.sleep(0.05)
    assert len(seen) == 1


def test_events_of_one_task_run_one_at_a_time(store: object) -> None:
    receiver = Receiver(TOKEN, store=store, lock_wait=60)  # type: ignore[arg-type]
    running: Counter[str] = Counter()
    most: Counter[str] = Counter()
    guard = threading.Lock()
    first_started = threading.Event()
    release_first = threading.Event()

    @receiver.on("task.*", "reservation.*")
    def handler(event: TaskRouterEvent) -> None:
        task = event.task_sid or ""
        with guard:
            running[task] += 1
            most[task] = max(most[task], running[task])
        if event.event_type == "reservation.created":
            first_started.set()
            release_first.wait(30)
        with guard:
            running[task] -= 1

    task = sid("WT")
    events = [taskrouter_event("reservation.created", task=task)] + [
        taskrouter_event("task.updated", task=task) for _ in range(4)
    ]
    other = [taskrouter_event("task.updated", task=sid("WT")) for _ in range(3)]
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(receiver.handle, "POST", URL, *signed(events[0]))
        assert first_started.wait(30)
        later = [pool.submit(receiver.handle, "POST", URL, *signed(p)) for p in events[1:]]
        unrelated = [pool.submit(receiver.handle, "POST", URL, *signed(p)) for p in other]
        assert all(f.result(timeout=60).status == 204 for f in unrelated)  # not blocked
        assert not any(f.done() for f in later)  # the same task waits for the first
        release_first.set()
        assert first.result(timeout=60).status == 204
        assert all(f.result(timeout=60).status == 204 for f in later)
    assert most[task] == 1


def test_pre_events_can_refuse_or_modify(store: object) -> None:
    receiver = Receiver(TOKEN, store=store)  # type: ignore[arg-type]

    @receiver.on("onMessageAdd")
    def moderate(event: ConversationsEvent) -> PreEventAnswer | None:
        assert event.is_pre_event
        if "spam" in (event.body or ""):
            return PreEventAnswer.refuse()
        if "darn" in (event.body or ""):
            return PreEventAnswer.modify(body=(event.body or "").replace("darn", "d**n"))
        return None

    def message(text: str) -> tuple[dict[str, str], bytes]:
        return signed(
            [
                ("EventType", "onMessageAdd"),
                ("AccountSid", ACCOUNT),
                ("ConversationSid", sid("CH")),
                ("Author", "customer"),
                ("Body", text),
                ("Attributes", '{"a": 1}'),
                ("Source", "SMS"),
                ("RetryCount", "0"),
            ]
        )

    assert receiver.handle("POST", URL, *message("buy spam")).status == 403
    modified = receiver.handle("POST", URL, *message("oh darn"))
    assert (modified.status, modified.body) == (200, b'{"body":"oh d**n"}')
    assert receiver.handle("POST", URL, *message("hello")).status == 200


def test_wrong_answers_are_handler_failures() -> None:
    receiver = Receiver(TOKEN)
    receiver.on("task.created")(lambda e: Instruction.accept())
    headers, body = signed(taskrouter_event("task.created"))
    assert receiver.handle("POST", URL, headers, body).status == 500


def test_background_handlers_acknowledge_first_and_run_once(store: object) -> None:
    receiver = Receiver(TOKEN, store=store)  # type: ignore[arg-type]
    gate = threading.Event()
    done: list[str] = []
    foreground: list[str] = []

    @receiver.on("task.canceled", background=True)
    def slow(event: TaskRouterEvent) -> None:
        gate.wait(30)
        done.append(event.task_sid or "")

    receiver.on("task.canceled")(lambda e: foreground.append(e.task_sid))
    headers, body = signed(taskrouter_event("task.canceled"))
    assert receiver.handle("POST", URL, headers, body).status == 204  # before slow() finished
    assert done == []
    gate.set()
    receiver.drain(30)
    assert receiver.handle("POST", URL, headers, body).status == 204  # duplicate
    receiver.drain(30)
    receiver.close()
    assert len(done) == 1
    assert len(foreground) == 1
    with pytest.raises(ValueError, match="background"):
        receiver.on("assignment", background=True)(lambda e: None)


async def test_async_handlers_and_the_async_face(store: object) -> None:
    receiver = Receiver(TOKEN, store=store)  # type: ignore[arg-type]
    seen: Counter[str] = Counter()

    @receiver.on("reservation.*")
    async def on_reservation(event: TaskRouterEvent) -> None:
        await asyncio.sleep(0)
        seen[event.params["Sid"]] += 1

    @receiver.on("reservation.accepted")
    def sync_too(event: TaskRouterEvent) -> None:
        seen["sync:" + event.params["Sid"]] += 1

    requests = []
    for _ in range(10):
        params = taskrouter_event("reservation.accepted")
        requests.extend([signed(params)] * 2)
    answers = await asyncio.gather(*(receiver.handle_async("POST", URL, h, b) for h, b in requests))
    assert {a.status for a in answers} == {204}
    assert len(seen) == 20
    assert set(seen.values()) == {1}
    if isinstance(store, RedisStore):
        await store.aclose()


def test_store_claims_directly(store: object) -> None:
    claim: Claim = store.claim("k", 30)  # type: ignore[attr-defined]
    assert claim.state == "claimed"
    assert store.claim("k", 30).state == "busy"  # type: ignore[attr-defined]
    store.release(Claim("k", "claimed", "not-ours"))  # type: ignore[attr-defined]
    assert store.claim("k", 30).state == "busy"  # type: ignore[attr-defined]
    store.finish(claim, b"answer", 30)  # type: ignore[attr-defined]
    done = store.claim("k", 30)  # type: ignore[attr-defined]
    assert (done.state, done.answer) == ("done", b"answer")


def test_a_store_that_fails_answers_503_and_runs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    receiver = Receiver(TOKEN, store=RedisStore(dead))
    seen: list[str] = []
    receiver.on("task.created")(lambda e: seen.append(e.event_type))
    headers, body = signed(taskrouter_event("task.created"))
    response = receiver.handle("POST", URL, headers, body)
    assert response.status == 503
    assert b"busy" not in response.body.lower()  # an outage, not a busy key
    assert seen == []
    assert "the store failed" in caplog.text
    assert TOKEN not in caplog.text
