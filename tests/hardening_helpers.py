"""Helpers for the hardening tests (both colours): bad-value strategies, a transport that records
what reaches it, and a way to drive an async or sync body from a plain (hypothesis) test.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import random
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypothesis import strategies as st

from tests.fakes import FakeResponse, Recorded, json_response


def run(result: Any) -> Any:
    """Run a coroutine to completion (async colour) or pass a plain result through (sync)."""
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    return result


class Recorder:
    """An in-process "Twilio" that records every request and answers 200 ``{}``.

    The hardening tests assert that it saw nothing: bad input must be refused before sending.
    """

    def __init__(self) -> None:
        self.calls: list[Recorded] = []

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        self.calls.append(Recorded(method, url, dict(headers), body))
        return json_response(200, {})


class Jittery:
    """Wraps a handler (the emulator) and gives every answer a small random delay, so that
    concurrent writers interleave between their requests as they would over a network."""

    def __init__(self, inner: Any, *, seed: int, most: float = 0.002) -> None:
        self.inner = inner
        self.account_sid = inner.account_sid
        self.auth_token = inner.auth_token
        self.random = random.Random(seed)
        self.most = most

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Any:
        resp = self.inner.handle(method, url, headers, body)
        return FakeResponse(
            int(resp.status),
            dict(resp.headers),
            bytes(resp.body),
            self.random.uniform(0, self.most),
        )


class DropAfterFirstDelete:
    """Wraps a handler: the first DELETE is processed, then the connection drops (the client
    cannot tell whether it arrived); everything else passes through."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.account_sid = inner.account_sid
        self.auth_token = inner.auth_token
        self.dropped = 0
        self.deletes: list[tuple[str, int]] = []

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Any:
        resp = self.inner.handle(method, url, headers, body)
        if method == "DELETE":
            self.deletes.append((url, int(resp.status)))
            if self.dropped == 0:
                self.dropped += 1
                from tests.fakes import Dropped

                raise Dropped(before_send=False)
        return resp


# ------------------------------------------------------------------------------ strategies

_KEYS = st.text(min_size=1, max_size=8)
_FINE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=8,
)


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"d": value}
    return value


def _circular(kind: str) -> Any:
    if kind == "dict":
        d: dict[str, Any] = {"a": 1}
        d["self"] = d
        return d
    items: list[Any] = [1]
    items.append({"back": items})
    return items


#: A value JSON cannot carry: NaN or an infinity, a cycle, nesting deeper than 32, a bytes value
#: or a set, or a non-string key that JSON would silently rewrite.
POISON = (
    st.sampled_from([math.nan, math.inf, -math.inf])
    | st.integers(40, 3000).map(_deep)
    | st.sampled_from(["dict", "list"]).map(_circular)
    | st.binary(max_size=4)
    | st.frozensets(st.integers(), min_size=1, max_size=2)
    | st.just({("tuple", "key"): 1})
)


def _hide(poison: Any, tree: Any, path: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"fine": tree}
    node = out
    for key in path:
        node = node.setdefault("n_" + key, {})
    node["poison"] = poison
    return out


#: A JSON-looking attributes dict hiding one poisoned value at some depth.
BAD_JSON = st.builds(_hide, POISON, _FINE, st.lists(st.text(max_size=3), max_size=4))

#: Seconds that no wait or timeout may take.
BAD_SECONDS = (
    st.sampled_from([math.nan, math.inf, -math.inf, -1, -0.001, 86_401, 10**30, 2**64])
    | st.floats(max_value=-1e-9)
    | st.floats(min_value=86_400.5)
    | st.integers(max_value=-1)
    | st.integers(min_value=86_401)
)

#: Values of the wrong type for a number of seconds.
WRONG_SECONDS = st.sampled_from([None, "30", True, [1], {"s": 1}])

#: A header value that would split the request.
BAD_HEADER = st.builds(
    lambda a, c, b: a + c + b,
    st.text(max_size=6),
    st.sampled_from(["\r", "\n", "\r\n", "\x00", "\x7f"]),
    st.text(max_size=6),
)

#: Something that is not a message body.
NOT_TEXT = (
    st.integers()
    | st.floats()
    | st.lists(st.text(max_size=3), min_size=1, max_size=3)
    | st.dictionaries(_KEYS, st.text(max_size=3), min_size=1, max_size=2)
    | st.binary(min_size=1, max_size=3)
)

#: An SMS address that only looks valid: a trailing newline or space, too short, too long.
BAD_PHONE = (
    st.integers(10**9, 10**10 - 1).map(lambda n: f"+1{n}\n")
    | st.integers(10**9, 10**10 - 1).map(lambda n: f"+1{n} ")
    | st.integers(0, 10**5).map(lambda n: f"+1{n}")
    | st.integers(2, 9).map(lambda n: f"+{n}12345")
    | st.integers(10**15, 10**17).map(lambda n: f"+{n}")
    | st.builds(
        lambda n, c: f"+1555{n:07d}{c}",
        st.integers(0, 10**7 - 1),
        st.sampled_from(["\x00", "\t", "\r"]),
    )
)

#: A URL no client may follow with credentials.
BAD_FOLLOW = st.sampled_from(
    [
        "https://conversations.twilio.com/v1/Conversations?Page=1\x00",
        "https://conversations.twilio.com/v1/Conversations\r\nX: y",
        "https://evil.example/v1/Conversations",
        "https://conversations.twilio.com.evil.example/v1/Conversations",
        "https://user:pw@conversations.twilio.com/v1/Conversations",
        "http://conversations.twilio.com/v1/Conversations",
        "https://conversations.twilio.com:99999/v1/Conversations",
        "https://[::1/v1",
    ]
) | st.builds(lambda h: f"https://{h}.example/v1/x", st.from_regex(r"[a-z]{1,8}", fullmatch=True))


async def async_concurrently(*thunks: Callable[[], Any]) -> list[Any]:
    """Run each thunk's coroutine as a concurrent task (async colour of :func:`concurrently`)."""
    return list(await asyncio.gather(*(thunk() for thunk in thunks)))


def concurrently(*thunks: Callable[[], Any]) -> list[Any]:
    """Run each thunk on its own thread; return the results, raising the first error."""
    with ThreadPoolExecutor(len(thunks)) as pool:
        futures = [pool.submit(thunk) for thunk in thunks]
        return [future.result() for future in futures]
