"""Response deadlines on one timer per event loop (the aiohttp transport's read bound)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest
from aiohttp import test_utils, web

from flexconv import APITimeoutError, AsyncFlexConv, Timeout
from flexconv._deadlines import Deadlines
from tests.fakes import ACCOUNT_SID, AUTH_TOKEN


async def _guarded(deadlines: Deadlines, seconds: float, work: float) -> str:
    """A stand-in request: ``work`` seconds under a ``seconds`` deadline."""
    task = asyncio.current_task()
    assert task is not None
    deadlines.start(task, seconds)
    try:
        await asyncio.sleep(work)
        return "done"
    except asyncio.CancelledError:
        if deadlines.late(task):
            return "late"
        raise
    finally:
        deadlines.done(task)


async def test_a_late_request_is_cancelled_and_a_timely_one_is_not() -> None:
    deadlines = Deadlines(asyncio.get_running_loop())
    # the long deadline arms the timer first; the shorter one registered next must re-arm it
    results = await asyncio.gather(
        _guarded(deadlines, 60, 0.2), _guarded(deadlines, 0.05, 30), _guarded(deadlines, 60, 0)
    )
    assert results == ["done", "late", "done"]
    assert not deadlines._pending
    assert not deadlines._late
    deadlines.close()


async def test_the_timer_follows_the_next_pending_deadline() -> None:
    deadlines = Deadlines(asyncio.get_running_loop())
    results = await asyncio.gather(
        _guarded(deadlines, 0.05, 30), _guarded(deadlines, 0.15, 30), _guarded(deadlines, 60, 0.3)
    )
    assert results == ["late", "late", "done"]
    assert not deadlines._pending
    assert deadlines._handle is not None  # armed for the third deadline, which was still pending
    deadlines.close()
    assert deadlines._handle is None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Task.cancelling() is Python 3.11+")
async def test_a_timeout_leaves_the_task_without_a_pending_cancellation() -> None:
    deadlines = Deadlines(asyncio.get_running_loop())
    assert await _guarded(deadlines, 0.01, 30) == "late"
    task = asyncio.current_task()
    assert task is not None
    assert task.cancelling() == 0
    await asyncio.sleep(0)  # and no CancelledError arrives later


async def test_a_caller_cancellation_is_not_turned_into_a_timeout() -> None:
    deadlines = Deadlines(asyncio.get_running_loop())
    request = asyncio.ensure_future(_guarded(deadlines, 60, 30))
    await asyncio.sleep(0.01)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert not deadlines._pending


# ----------------------------------------------------------------------- through the client


@pytest.fixture
async def slow_server() -> AsyncIterator[str]:
    async def trickle(request: web.Request) -> web.StreamResponse:
        """Headers at once, then the body a byte at a time, slowly."""
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        for chunk in (b"{", b'"a"', b":", b"1", b"}"):
            await response.write(chunk)
            await asyncio.sleep(0.2)
        await response.write_eof()
        return response

    async def quick(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/conversations/v1/Trickle", trickle)
    app.router.add_route("*", "/conversations/v1/Quick", quick)
    server = test_utils.TestServer(app)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_read_bounds_the_whole_response_not_each_chunk(slow_server: str) -> None:
    """Each byte comes well within ``read``, the whole body does not: a read timeout."""
    async with AsyncFlexConv(
        ACCOUNT_SID,
        AUTH_TOKEN,
        env={},
        base_url=slow_server,
        timeout=Timeout(read=0.5),
        max_retries=0,
    ) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.request("GET", "/v1/Trickle", product="conversations")
        assert info.value.phase == "read"
        # the client goes on working, on a fresh connection
        ok = await client.request("GET", "/v1/Quick", product="conversations")
        assert ok.json() == {"ok": True}


async def test_many_concurrent_calls_share_one_timer(slow_server: str) -> None:
    async with AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, env={}, base_url=slow_server) as client:
        answers = await asyncio.gather(
            *(client.request("GET", "/v1/Quick", product="conversations") for _ in range(40))
        )
        deadlines = client._transport._deadlines  # type: ignore[attr-defined]
        assert [a.json() for a in answers] == [{"ok": True}] * 40
        assert deadlines is not None
        assert not deadlines._pending
    assert deadlines._handle is None  # closing the client stops its timer
