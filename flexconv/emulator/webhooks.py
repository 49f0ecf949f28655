"""Outgoing webhooks: Conversations post-event webhooks and TaskRouter event callbacks.

Every delivery is signed the way Twilio signs it (``X-Twilio-Signature``, computed with the
``twilio`` package's `RequestValidator` and the emulator's auth
token), carries a fresh ``I-Twilio-Idempotency-Token`` and is recorded in `WebhookEmitter.log`.

A target is either an HTTP(S) URL, posted with `urllib.request` (5 s timeout), or an
in-process callable registered for a URL with `WebhookEmitter.register()` (or passed directly).
A failed delivery is recorded, never raised.

**When deliveries go out.** Deliveries requested while the emulator is busy with a request (it
holds its lock) are queued and sent, in the order requested, once the request is finished, so a
webhook receiver may call back into the emulator without deadlocking.  As Twilio does, the call
that caused a webhook is answered before the webhook is sent:

- over HTTP, the loopback server handles each request inside `WebhookEmitter.deferring()`: what
  the request raises waits until its answer has been written (`WebhookEmitter.release()`);
- in-process, a receiver that calls the emulator while handling a delivery gets its answer
  first: what that call raises is sent after the receiver has answered the delivery, by the
  loop that was sending it.

Only deliveries whose answer the action waits for (``sync=True``: Conversations pre-action
webhooks, Studio's HTTP widgets) go out at once.  `WebhookEmitter.flush()` sends what is queued
and waits for deliveries still under way, so a test can wait for every webhook its actions
caused, however the receivers call back.  Seeded options make deliveries duplicate (same
idempotency token, as Twilio's at-least-once retries do) or arrive out of order.

**Redelivery** follows Twilio's webhook connection overrides (see `RetryPolicy`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import random
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ._base import Clock
from .webhook_records import (
    Delivery,
    Gate,
    Receiver,
    WebhookRequest,
    compute_signature,
)
from .webhook_send import RetryPolicy, answer_bytes, failure_class, http_send

__all__ = ["Delivery", "Gate", "Receiver", "WebhookEmitter", "WebhookRequest", "compute_signature"]


class WebhookEmitter:
    """Signs, sends and records outgoing webhooks (see the module docs)."""

    #: Seconds before an HTTP delivery times out.
    timeout: float = 5.0

    def __init__(self, auth_token: str, clock: Clock, *, seed: int = 0) -> None:
        self._auth_token = auth_token
        self._clock = clock
        self._rng = random.Random(f"{seed}:webhooks")
        self._seq = itertools.count(1)
        self._receivers: dict[str, Receiver] = {}
        # guards the queue, the number of deliveries being sent and the gates; notified whenever
        # one of them changes (what `flush` waits for)
        self._cond = threading.Condition()
        self._queue: list[Delivery] = []
        self._sending = 0
        self._sender: int | None = None  # the thread sending queued deliveries, if any
        self._hold = 0
        self._suspended = 0
        # per thread: ``gate`` while handling a served request, ``draining`` while sending
        self._local = threading.local()
        #: Every delivery, in the order it was requested.
        self.log: list[Delivery] = []
        #: Probability that a delivery is sent twice (same idempotency token).
        self.duplicate_probability = 0.0
        #: When true, queued deliveries are sent in a seeded random order.
        self.out_of_order = False
        #: When true, nothing is sent until `flush()` (deliveries stay ``pending``).
        self.paused = False
        #: ``None`` (the default): failed deliveries are sent again as Twilio does (see
        #: `RetryPolicy`).  A number sends every failed delivery (non-2xx or no answer) of any
        #: kind again up to that many times, with the same idempotency token, to test a
        #: receiver against at-least-once delivery; 0 sends each delivery once.
        #: Assignment callbacks and pre-action webhooks are never resent (their answer is used).
        self.retries: int | None = None

    def configure(
        self,
        *,
        duplicate_probability: float | None = None,
        out_of_order: bool | None = None,
        paused: bool | None = None,
        seed: int | None = None,
        retries: int | None = None,
    ) -> None:
        """Set delivery options; ``seed`` reseeds the generator behind duplicates and order;
        ``retries`` is how often a failed delivery is sent again (same idempotency token),
        replacing Twilio's redelivery rules (see `retries`)."""
        if retries is not None:
            if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
                raise ValueError("retries must be a whole number, 0 or more")
            self.retries = retries
        if duplicate_probability is not None:
            if not 0.0 <= duplicate_probability <= 1.0:
                raise ValueError("duplicate_probability must be between 0 and 1")
            self.duplicate_probability = duplicate_probability
        if out_of_order is not None:
            self.out_of_order = out_of_order
        if paused is not None:
            self.paused = paused
        if seed is not None:
            self._rng = random.Random(f"{seed}:webhooks")

    def register(self, url: str, receiver: Receiver) -> None:
        """Deliver webhooks for ``url`` to ``receiver`` in-process instead of over HTTP."""
        self._receivers[url] = receiver

    def unregister(self, url: str) -> None:
        """Stop delivering ``url``'s webhooks in-process (they go to the URL itself again)."""
        self._receivers.pop(url, None)

    def deliveries(
        self, *, kind: str | None = None, event_type: str | None = None, url: str | None = None
    ) -> list[Delivery]:
        """Recorded deliveries, optionally filtered."""
        return [
            d
            for d in list(self.log)
            if (kind is None or d.kind == kind)
            and (event_type is None or d.event_type == event_type)
            and (url is None or d.url == url)
        ]

    # ------------------------------------------------------------------ when deliveries go
    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Queue deliveries while inside; the emulator wraps each operation in this."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1

    def suspend_hold(self) -> int:
        """Stop queueing (see `hold`) until `resume_hold`; returns what to pass it."""
        held, self._hold = self._hold, 0
        self._suspended += 1
        return held

    def resume_hold(self, held: int) -> None:
        """Queue again as before `suspend_hold`."""
        self._hold = held
        self._suspended -= 1

    @contextlib.contextmanager
    def deferring(self, gate: Gate) -> Iterator[Gate]:
        """Inside, on this thread, what is raised waits for ``gate`` and nothing is sent.

        The loopback server handles each request inside this, answers it, then calls
        `release` and `send_ready`: the request is answered before the webhooks it caused.
        """
        previous = getattr(self._local, "gate", None)
        self._local.gate = gate
        try:
            yield gate
        finally:
            self._local.gate = previous

    def release(self, gate: Gate) -> None:
        """Open ``gate``: its request has been answered, its deliveries may go."""
        with self._cond:
            gate.open = True
            self._cond.notify_all()

    def _busy_here(self) -> bool:
        """Whether this thread must not send queued deliveries now: it handles a served request
        not yet answered, or it is sending (the loop sends what was queued meanwhile next)."""
        return getattr(self._local, "gate", None) is not None or bool(
            getattr(self._local, "draining", False)
        )

    def deliver(
        self,
        url_or_callable: str | Receiver,
        params: Sequence[tuple[str, str]],
        *,
        kind: str = "conversations",
        json_body: Any = None,
        method: str = "POST",
        sync: bool = False,
        on_result: Callable[[Delivery], None] | None = None,
    ) -> Delivery:
        """Sign and send (or queue) one webhook; returns its `Delivery` record.

        ``json_body`` sends JSON instead of a form (the URL then carries ``bodySHA256``).
        ``method="GET"`` puts the parameters in the query string.  ``sync=True`` sends this
        delivery at once, even inside an emulator operation, a served request or while `paused`
        (use it only when the action waits for the answer); other queued deliveries stay queued.
        ``on_result`` is called with the record once it has been sent (also for a duplicate).
        A failed ``sync`` delivery, or one with ``on_result``, is never resent.
        """
        if callable(url_or_callable):
            endpoint = url = f"inproc://{getattr(url_or_callable, '__name__', 'receiver')}"
            target: Receiver | None = url_or_callable
        else:
            # a "#..." fragment (Twilio's connection overrides) is neither sent nor signed
            endpoint = url_or_callable
            url = endpoint.partition("#")[0]
            target = None
        method = method.upper()
        params = [(str(k), str(v)) for k, v in params]
        headers = {
            "User-Agent": "TwilioProxy/1.1",
            "Accept": "*/*",
            "I-Twilio-Idempotency-Token": str(uuid.UUID(int=self._rng.getrandbits(128))),
        }
        body = b""
        signed_url = url
        if json_body is not None:
            text = json.dumps(json_body, separators=(",", ":"))
            body = text.encode()
            digest = hashlib.sha256(body).hexdigest()
            signed_url = _add_query(url, [("bodySHA256", digest)])
            headers["Content-Type"] = "application/json"
            signature = compute_signature(self._auth_token, signed_url, [])
        elif method == "GET":
            signed_url = _add_query(url, params)
            signature = compute_signature(self._auth_token, signed_url, [])
        else:
            body = urllib.parse.urlencode(params).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            signature = compute_signature(self._auth_token, url, params)
        headers["X-Twilio-Signature"] = signature
        delivery = Delivery(
            seq=next(self._seq),
            url=signed_url,
            method=method,
            kind=kind,
            params=params,
            headers=headers,
            body=body,
            idempotency_token=headers["I-Twilio-Idempotency-Token"],
            created=self._clock.now(),
            endpoint=endpoint,
            gate=None if sync else getattr(self._local, "gate", None),
            target=target,
            on_result=on_result,
            sync=sync,
        )
        mine = [delivery]
        if self.duplicate_probability and self._rng.random() < self.duplicate_probability:
            mine.append(dataclasses.replace(delivery, seq=next(self._seq), duplicate=True))
        with self._cond:
            self.log += mine
            if sync:  # this one (and its duplicate) now; what else is queued stays queued
                self._sending += len(mine)
            else:
                self._queue += mine
            self._cond.notify_all()
        if sync:
            self._drain_counted(mine)
        # after a sync one: what its receiver's calls queued, unless the operation around it
        # (held, or suspended for the answer) or a sending loop sends that when it ends
        suspended = sync and self._suspended
        if self._hold == 0 and not suspended and not self.paused and not self.out_of_order:
            self.send_ready()
        return delivery

    def pending(self) -> list[Delivery]:
        """Deliveries queued and not sent yet (also those waiting for their request's answer)."""
        with self._cond:
            return list(self._queue)

    def send_ready(self) -> list[Delivery]:
        """Send the queued deliveries that may go now, in order; returns them.

        One thread sends at a time, so deliveries arrive in the order they were raised: while
        another thread sends, this returns at once (that thread sends these too).  Stops at the
        first delivery whose request has not been answered yet (see `deferring`), and does
        nothing on a thread that handles such a request or is itself sending (its loop sends what
        was queued meanwhile).  Does not wait for other threads; see `flush`.
        """
        if self._busy_here():
            return []
        me = threading.get_ident()
        sent: list[Delivery] = []
        while True:
            with self._cond:
                if self._sender not in (None, me):
                    return sent
                ready = 0
                for d in self._queue:
                    if d.gate is not None and not d.gate.open:
                        break
                    ready += 1
                batch, self._queue = self._queue[:ready], self._queue[ready:]
                self._sender = me if batch else None
                if not batch:
                    self._cond.notify_all()
                    return sent
                self._sending += len(batch)
            try:
                sent += self._drain_counted(batch)
            except BaseException:  # an `on_result` failed: let the next caller send the rest
                with self._cond:
                    self._sender = None
                    self._cond.notify_all()
                raise

    def flush(self) -> list[Delivery]:
        """Send every queued delivery (shuffled when `out_of_order`), also while `paused`, and
        wait for the deliveries other threads are sending and for those waiting for a served
        request's answer, until none is left; returns what this call sent.

        A delivery under way ends within its `timeout`; requests not answered yet are waited for
        until none has been answered for `timeout` seconds and more (the emulator's lock held
        around `flush` would keep them from ever finishing).  Called while this thread is sending
        (from a receiver in-process), it sends nothing and returns at once.
        """
        if self._busy_here():
            return []
        sent: list[Delivery] = []
        while True:
            sent += self.send_ready()
            with self._cond:
                if not self._queue and not self._sending:
                    return sent
                head = self._queue[0].gate if self._queue else None
                if self._queue and (head is None or head.open) and self._sender is None:
                    continue  # queued meanwhile, free to go and nobody sends: send it
                if self._sending or self._sender is not None:
                    self._cond.wait()  # a delivery under way ends within its own timeout
                elif not self._cond.wait(timeout=self.timeout + 1.0):
                    return sent  # only requests not answered yet are left, and none moved

    def _drain_counted(self, batch: list[Delivery]) -> list[Delivery]:
        """`_drain` on this thread, marked as sending; ``batch`` is counted in ``_sending``."""
        outer = getattr(self._local, "draining", False)
        self._local.draining = True
        try:
            return self._drain(batch)
        finally:
            self._local.draining = outer
            with self._cond:
                self._sending -= len(batch)
                self._cond.notify_all()

    def _drain(self, batch: list[Delivery]) -> list[Delivery]:
        """Send ``batch``, then its redeliveries (`retries`), until none is left."""
        sent: list[Delivery] = []
        while batch:
            if self.out_of_order:
                self._rng.shuffle(batch)
            again: list[Delivery] = []
            for delivery in batch:
                self._send(delivery)
                sent.append(delivery)
                if delivery.on_result is not None:
                    delivery.on_result(delivery)
                if self._resend(delivery):
                    retry = dataclasses.replace(
                        delivery,
                        seq=next(self._seq),
                        attempt=delivery.attempt + 1,
                        outcome="pending",
                        status=None,
                        error=None,
                        failure=None,
                        response_body=b"",
                    )
                    with self._cond:
                        self.log.append(retry)
                    again.append(retry)
            batch = again
        return sent

    def _resend(self, d: Delivery) -> bool:
        """Whether a failed attempt is sent again: `retries` when set, else Twilio's rules.

        Never resent: a synchronous delivery (the action waiting for it goes on with the failed
        answer: a pre-action webhook publishes or refuses, a Studio widget takes its failure
        transition) and one whose answer a callback acts on (an assignment callback's failure
        goes to the fallback URL)."""
        if d.outcome != "failed" or d.sync or d.on_result is not None:
            return False
        if self.retries is not None:
            return d.attempt < self.retries
        if d.kind not in RetryPolicy.KINDS:
            return False
        policy = RetryPolicy.from_url(d.endpoint)
        return d.attempt < policy.count and d.failure in policy.on

    def _send(self, d: Delivery) -> None:
        receiver = (
            d.target
            or self._receivers.get(d.endpoint)
            or self._receivers.get(d.endpoint.partition("#")[0])
        )
        try:
            if receiver is not None:
                answer = receiver(
                    WebhookRequest(d.url, d.method, dict(d.headers), d.params, d.body, d.kind)
                )
                status: int | None
                if isinstance(answer, tuple):
                    status, body = answer
                    d.response_body = answer_bytes(body)
                else:
                    status = answer
                d.status = 200 if status is None else int(status)
            elif d.url.startswith(("http://", "https://")):
                d.status, d.response_body = http_send(
                    d.method, d.url, d.headers, d.body, self.timeout
                )
            else:
                d.error = f"no receiver registered for {d.url}"
        except Exception as exc:  # a failed delivery is recorded, never raised
            d.error = f"{type(exc).__name__}: {exc}"
            d.failure = failure_class(None, exc)
        d.outcome = "delivered" if d.status is not None and 200 <= d.status < 300 else "failed"
        if d.outcome == "failed" and d.failure is None:
            d.failure = failure_class(d.status, None)


def _add_query(url: str, params: Sequence[tuple[str, str]]) -> str:
    if not params:
        return url
    sep = "&" if "?" in url else "?"
    return url + sep + urllib.parse.urlencode(list(params))
