"""Two receivers sharing one real Redis: each event is delivered to either at random, 30% of
them twice (concurrently, to either receiver); every handler's side effect happens exactly once.
Once with two uvicorn servers (async face), once with two receivers in threads (sync face)."""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

from flexconv.events import Receiver, RedisStore, TaskRouterEvent
from tests.events.helpers import TOKEN, URL, signed, taskrouter_event
from tests.events.servers import asgi_server

EVENTS = 120
TYPES = [
    "task.created",
    "reservation.created",
    "reservation.accepted",
    "task.wrapup",
    "task.completed",
]


def _plan(rng: random.Random, tasks: int) -> list[tuple[int, list[tuple[str, str]]]]:
    """Events over a few tasks (so per-task order is exercised), 30% of them delivered twice."""
    task_sids = [f"WT{rng.getrandbits(128):032x}" for _ in range(tasks)]
    plan = []
    for i in range(EVENTS):
        params = taskrouter_event(rng.choice(TYPES), task=rng.choice(task_sids))
        copies = 2 if rng.random() < 0.3 else 1
        plan.extend((i, params) for _ in range(copies))
    rng.shuffle(plan)
    return plan


def _counting(receiver: Receiver, effects: Counter[str], guard: threading.Lock) -> None:
    def effect(event: TaskRouterEvent) -> None:
        with guard:
            effects[event.params["Sid"]] += 1

    receiver.on("*")(effect)


def test_two_uvicorn_receivers_share_one_redis(redis_url: str) -> None:
    rng = random.Random(11)
    prefix = f"two:{uuid.uuid4().hex}:"
    effects: Counter[str] = Counter()
    guard = threading.Lock()
    receivers = []
    for _ in range(2):
        receiver = Receiver(TOKEN, public_url=URL, store=RedisStore(redis_url, prefix=prefix))
        _counting(receiver, effects, guard)
        receivers.append(receiver)
    plan = _plan(rng, tasks=6)
    duplicates = len(plan) - EVENTS
    assert duplicates > 0.2 * EVENTS
    with asgi_server(receivers[0].asgi()) as a, asgi_server(receivers[1].asgi()) as b:
        targets = [a + "/twilio/events", b + "/twilio/events"]
        choices = [rng.choice(targets) for _ in plan]
        requests = [
            (target, *signed(params)) for target, (_, params) in zip(choices, plan, strict=True)
        ]
        # the two copies of one event carry the same idempotency token
        tokens: dict[int, str] = {}
        fixed = []
        for (i, _), (target, headers, body) in zip(plan, requests, strict=True):
            headers["I-Twilio-Idempotency-Token"] = tokens.setdefault(i, str(uuid.uuid4()))
            fixed.append((target, headers, body))
        with httpx.Client(timeout=60) as http, ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(lambda r: http.post(r[0], headers=r[1], content=r[2]).status_code, fixed)
            )
    assert set(statuses) == {204}
    assert len(effects) == EVENTS
    assert set(effects.values()) == {1}


def test_two_threaded_receivers_share_one_redis(redis_url: str) -> None:
    rng = random.Random(12)
    prefix = f"threads:{uuid.uuid4().hex}:"
    effects: Counter[str] = Counter()
    guard = threading.Lock()
    receivers = []
    for _ in range(2):
        receiver = Receiver(TOKEN, store=RedisStore(redis_url, prefix=prefix))
        _counting(receiver, effects, guard)
        receivers.append(receiver)
    plan = _plan(rng, tasks=4)
    tokens: dict[int, str] = {}
    jobs = []
    for i, params in plan:
        headers, body = signed(params, idempotency_token=tokens.setdefault(i, str(uuid.uuid4())))
        jobs.append((rng.choice(receivers), headers, body))
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda j: j[0].handle("POST", URL, j[1], j[2]).status, jobs))
    for receiver in receivers:
        receiver.close()
    assert set(statuses) == {204}
    assert len(effects) == EVENTS
    assert set(effects.values()) == {1}
