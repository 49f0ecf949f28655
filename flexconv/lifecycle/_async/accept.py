"""Auto-accept from the backend: on ``reservation.created`` through the REST API, or by answering
the workflow's assignment callback with ``accept``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv._core.errors import APIStatusError, NotFoundError
from flexconv.events.models import AssignmentCallback, Instruction
from flexconv.lifecycle._async.base import EngineBase, status_of
from flexconv.lifecycle.rules import Predicate

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv
    from flexconv.events.models import TaskRouterEvent
    from flexconv.events.receiver import Receiver

__all__ = ["AsyncAutoAccept"]


class AsyncAutoAccept(EngineBase):
    """Accepts reservations from the backend when ``predicate`` holds for the task's attributes
    (see [`auto_accept`][flexconv.lifecycle.auto_accept])."""

    def __init__(
        self,
        client: AsyncFlexConv,
        predicate: Predicate,
        *,
        via: tuple[str, ...] = ("event", "assignment"),
    ) -> None:
        super().__init__(client)
        self.predicate = predicate
        self.via = via

    def install(self, receiver: Receiver) -> None:
        """Register on ``reservation.created`` and/or ``assignment`` (after ``via``)."""
        if "event" in self.via:
            receiver.add_handler(
                "reservation.created",
                self.on_reservation_created,
                ident="flexconv.lifecycle.auto_accept.event",
            )
        if "assignment" in self.via:
            receiver.add_handler(
                "assignment", self.on_assignment, ident="flexconv.lifecycle.auto_accept.assignment"
            )

    async def on_assignment(self, callback: AssignmentCallback) -> Instruction | None:
        """Answer ``accept`` when the predicate holds, else nothing (``{}``: decide later)."""
        if self.predicate(callback.task_attributes or {}):
            return Instruction.accept()
        return None

    async def on_reservation_created(self, event: TaskRouterEvent) -> None:
        """Accept the reservation through the REST API when the predicate holds."""
        if not event.task_sid or not event.reservation_sid:
            return
        attributes = event.task_attributes
        if attributes is None:
            task = await self._task(event.task_sid, event.workspace_sid)
            attributes = dict(task.attributes or {}) if task is not None else {}
        if self.predicate(attributes):
            await self.accept(event.task_sid, event.reservation_sid, event.workspace_sid)

    async def accept(
        self, task_sid: str, reservation_sid: str, workspace_sid: str | None = None
    ) -> str:
        """Accept one reservation if it is still pending; returns what happened: ``accepted``,
        ``already <status>`` or ``gone`` (the task or reservation no longer exists)."""
        reservations = self.client.routing.reservations
        try:
            current = await reservations.fetch(
                task_sid, reservation_sid, workspace_sid=workspace_sid
            )
        except NotFoundError:
            return "gone"
        if status_of(current.reservation_status) != "pending":
            return f"already {status_of(current.reservation_status)}"
        try:
            await reservations.update(
                task_sid,
                reservation_sid,
                reservation_status="accepted",
                workspace_sid=workspace_sid,
            )
        except APIStatusError as exc:
            if exc.status >= 500 or exc.status == 429:
                raise
            try:
                current = await reservations.fetch(
                    task_sid, reservation_sid, workspace_sid=workspace_sid
                )
            except NotFoundError:
                return "gone"
            if status_of(current.reservation_status) == "pending":
                raise
            return f"already {status_of(current.reservation_status)}"
        return "accepted"
