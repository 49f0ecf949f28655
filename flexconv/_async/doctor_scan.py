"""``client.doctor.scan``: the whole account streamed page by page as findings, with progress
and a cursor to resume from."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from flexconv._concurrency import async_map_bounded
from flexconv._core.doctor.address import check_address
from flexconv._core.doctor.report import Finding, ScanCursor, ScanProgress, ScanSummary
from flexconv._core.doctor.scan import (
    FINDING_KINDS,
    classify_conversation,
    server_now,
    stale_reservation,
    task_conversation_closed,
)
from flexconv._core.doctor.task import task_expression
from flexconv._core.doctor.values import attributes_of, wire_dict
from flexconv._core.errors import APIStatusError
from flexconv._ratelimit import AsyncRateLimiter

if TYPE_CHECKING:
    from flexconv._async.doctor import AsyncDoctor

__all__ = ["AsyncScan"]

_OPEN_TASKS = ("pending", "reserved", "assigned", "wrapping")


class AsyncScan:
    """A running scan: iterate it for `Finding` values; `progress`, `cursor` and `summary`
    tell how far it is.  Made by [`scan()`][flexconv._async.doctor.AsyncDoctor.scan]."""

    def __init__(
        self,
        doctor: AsyncDoctor,
        limiter: AsyncRateLimiter,
        concurrency: int,
        cursor: ScanCursor,
        include_healthy: bool,
        on_progress: Callable[[ScanProgress], object] | None,
    ) -> None:
        client = doctor.client
        self._doctor = doctor
        self._convs = type(client.conversations)(client, limiter=limiter)
        routing = type(client.routing)(client, limiter=limiter)
        self._tasks = routing.tasks
        self._reservations = routing.reservations
        self._workflows = routing.workflows
        #: reservation timeout by workflow (one entry per workflow of the account)
        self._timeouts: dict[str, int] = {}
        self._channels = type(client.channels)(client, limiter=limiter)
        self._concurrency = concurrency
        self._include_healthy = include_healthy
        self._on_progress = on_progress
        #: Where the scan got to: pass it to ``scan(resume=...)`` to go on from there.
        self.cursor = cursor
        self._seen = cursor.seen
        self._counts = dict.fromkeys(FINDING_KINDS, 0)

    @property
    def progress(self) -> ScanProgress:
        """Conversations classified so far, findings by kind, and the resume cursor."""
        return ScanProgress(seen=self._seen, counts=dict(self._counts), cursor=self.cursor)

    @property
    def summary(self) -> ScanSummary:
        """Counts by finding kind (complete once iteration ended)."""
        return ScanSummary(counts=dict(self._counts), seen=self._seen)

    def __aiter__(self) -> AsyncIterator[Finding]:
        return self._run()

    def _advance(self, phase: Any, next_url: str | None) -> None:
        self.cursor = ScanCursor(phase=phase, next_page_url=next_url, seen=self._seen)
        if self._on_progress is not None:
            self._on_progress(self.progress)

    def _count(self, f: Finding) -> bool:
        self._counts[f.kind] = self._counts.get(f.kind, 0) + 1
        return self._include_healthy or f.kind != "healthy"

    async def _run(self) -> AsyncIterator[Finding]:
        order = ("addresses", "active", "inactive", "tasks", "done")
        start = order.index(self.cursor.phase) if self.cursor.phase in order else len(order) - 1
        for phase in order[start:]:
            if phase == "done":
                break
            url = self.cursor.next_page_url if phase == self.cursor.phase else None
            if phase == "addresses":
                pager: Any = self._channels.list()
            elif phase == "tasks":
                pager = self._tasks.list(assignment_status=_OPEN_TASKS)
            else:
                pager = self._convs.list(state=phase, page_size=100)
            if url:
                pager = pager.resume(url)
            async for page in pager.pages():
                items = builtins.list(page.items)
                if phase == "addresses":
                    found = [_address_finding(wire_dict(a)) for a in items]
                elif phase == "tasks":
                    lists = await async_map_bounded(self._check_task, items, self._concurrency)
                    found = [f for group in lists for f in group]
                else:
                    found = await async_map_bounded(self._classify, items, self._concurrency)
                    self._seen += len(items)
                shown = [f for f in found if f is not None and self._count(f)]
                for f in shown[:-1]:
                    yield f
                # the cursor moves on before the page's last finding is handed out: a caller
                # that stops after it resumes at the next page
                if page.next_page_url is None:
                    self._advance(order[order.index(phase) + 1], None)
                else:
                    self._advance(phase, page.next_page_url)
                if shown:
                    yield shown[-1]
                if page.next_page_url is None:
                    break

    async def _check_task(self, listed: Any) -> builtins.list[Finding]:
        """An open task: is its conversation closed, is a reservation stuck pending?"""
        task = wire_dict(await self._tasks.fetch(str(listed.sid)))
        found: builtins.list[Finding] = []
        conv_sid = attributes_of(task.get("attributes")).get("conversationSid")
        if isinstance(conv_sid, str) and conv_sid.startswith("CH"):
            try:
                conv: dict[str, Any] | None = wire_dict(await self._convs.fetch(conv_sid))
            except APIStatusError as exc:
                if exc.status != 404:
                    raise
                conv = None
            closed = task_conversation_closed(task, conv, conversation_sid=conv_sid)
            if closed is not None:
                found.append(closed)
        now = server_now(task)
        if task.get("assignment_status") == "reserved" and now is not None:
            timeout = await self._reservation_timeout(task.get("workflow_sid"))
            for r in await self._reservations.list(str(task.get("sid"))).to_list():
                stale = stale_reservation(wire_dict(r), now=now, timeout_seconds=timeout)
                if stale is not None:
                    found.append(stale)
        return found

    async def _reservation_timeout(self, workflow_sid: Any) -> int:
        if not isinstance(workflow_sid, str) or not workflow_sid:
            return 120
        if workflow_sid not in self._timeouts:
            workflow = await self._workflows.fetch(workflow_sid)
            self._timeouts[workflow_sid] = int(workflow.task_reservation_timeout or 120)
        return self._timeouts[workflow_sid]

    async def _classify(self, conv: Any) -> Finding:
        """Reads the conversation's scoped webhooks and tasks side by side; its participants
        only when a task names it (without one, who is in it changes nothing)."""
        sid = str(conv.sid)

        async def read(what: str) -> builtins.list[Any]:
            if what == "webhooks":
                return await self._convs.webhooks.list(sid).to_list()
            return await self._tasks.list(evaluate_task_attributes=task_expression(sid)).to_list()

        hooks, tasks = await async_map_bounded(read, ["webhooks", "tasks"], 2)
        people = await self._convs.participants.list(sid).to_list() if tasks else []
        rows = [wire_dict(t) for t in tasks]
        rows.sort(key=lambda t: str(t.get("date_created") or ""))
        return classify_conversation(
            wire_dict(conv), [wire_dict(h) for h in hooks], [wire_dict(p) for p in people], rows
        )


def _address_finding(config: dict[str, Any]) -> Finding | None:
    """A misconfigured address, or ``None`` when it routes to Flex."""
    found = check_address(config, address=str(config.get("address")))
    if found.status != "failed":
        return None
    sid = str(config.get("sid"))
    return Finding(
        kind="misconfigured_address",
        sid=sid,
        evidence=found.evidence,
        problem=found.problem,
        fix=found.fix,
    )
