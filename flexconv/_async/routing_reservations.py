"""TaskRouter reservations (``client.routing.reservations``): accepting, rejecting and updating
a worker's reservations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import routing_checks as checks
from flexconv._core.errors import ValidationError
from flexconv._core.ops import taskrouter as ops
from flexconv._core.sids import check_sid
from flexconv.models.routing import Reservation

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager


class AsyncReservations(AsyncResource):
    """Reservations: a task's offers to workers, or a worker's offers (``client.routing.reservations``)."""

    _path = "routing.reservations"

    def list(
        self,
        task_sid: str | None = None,
        *,
        worker_sid: str | None = None,
        reservation_status: str | None = None,
        limit: int | None = None,
        workspace_sid: str | None = None,
    ) -> AsyncPager[Reservation]:
        """A task's reservations (``list(task_sid)``, optionally only ``worker_sid``'s), or a
        worker's (``list(worker_sid=...)``; ``reservation_status="pending"`` for its open offers).
        """
        if worker_sid is not None:
            check_sid(worker_sid, "WK", "worker_sid")
        if task_sid is None:
            if worker_sid is None:
                raise ValidationError("Pass a task_sid, or worker_sid= for a worker's reservations")
            return self._workspace_list(
                ops.LIST_WORKER_RESERVATIONS,
                Reservation,
                workspace_sid,
                path_params={"WorkerSid": worker_sid},
                values={"reservation_status": reservation_status},
                limit=limit,
            )
        return self._workspace_list(
            ops.LIST_RESERVATIONS,
            Reservation,
            workspace_sid,
            path_params={"TaskSid": task_sid},
            values={"reservation_status": reservation_status, "worker_sid": worker_sid},
            limit=limit,
        )

    async def fetch(
        self, task_sid: str, reservation_sid: str, *, workspace_sid: str | None = None
    ) -> Reservation:
        """One reservation of a task."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_RESERVATION,
            Reservation,
            path_params={"WorkspaceSid": ws, "TaskSid": task_sid, "Sid": reservation_sid},
        )

    async def update(
        self,
        task_sid: str,
        reservation_sid: str,
        *,
        reservation_status: Literal["accepted", "rejected", "wrapping", "completed"] | None = None,
        worker_activity_sid: str | None = None,
        instruction: str | None = None,
        post_work_activity_sid: str | None = None,
        extra: Mapping[str, Any] | None = None,
        if_match: str | None = None,
        workspace_sid: str | None = None,
    ) -> Reservation:
        """Change a reservation: its status (``"wrapping"``, then ``"completed"``: how a backend
        finishes a messaging task it accepted), the worker's activity, or an ``instruction``.

        The API's other parameters (the voice instructions' ``conference``, ``dequeue``,
        ``call`` and ``redirect`` options) go in ``extra`` under their API names
        (``{"ConferenceRecord": "true"}``); a name the API does not take is refused before
        anything is sent.  ``if_match`` (the reservation's ``ETag``) makes the change conditional.
        """
        if reservation_status is not None and reservation_status not in _RESERVATION_UPDATES:
            raise ValidationError(
                f"reservation_status must be one of {', '.join(_RESERVATION_UPDATES)}, "
                f"got {reservation_status!r}"
            )
        for name, sid in (
            ("worker_activity_sid", worker_activity_sid),
            ("post_work_activity_sid", post_work_activity_sid),
        ):
            if sid is not None:
                check_sid(sid, "WA", name)
        values: dict[str, Any] = checks.instruction_values(extra, _EXTRA_INSTRUCTION_PARAMS)
        typed = {
            "reservation_status": reservation_status,
            "worker_activity_sid": worker_activity_sid,
            "instruction": instruction,
            "post_work_activity_sid": post_work_activity_sid,
        }
        values.update({k: v for k, v in typed.items() if v is not None})
        if not values:
            raise ValidationError("update needs at least one field to change")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_RESERVATION,
            Reservation,
            path_params={"WorkspaceSid": ws, "TaskSid": task_sid, "Sid": reservation_sid},
            values={**values, "if_match": if_match},
        )

    async def accept(
        self, task_sid: str, reservation_sid: str, *, workspace_sid: str | None = None
    ) -> Reservation:
        """Accept a reservation (what the agent's Flex UI does; useful in tests and custom UIs)."""
        return await self._answer(task_sid, reservation_sid, "accepted", None, workspace_sid)

    async def reject(
        self,
        task_sid: str,
        reservation_sid: str,
        *,
        activity_sid: str | None = None,
        workspace_sid: str | None = None,
    ) -> Reservation:
        """Reject a reservation; ``activity_sid`` moves the worker to that activity."""
        if activity_sid is not None:
            check_sid(activity_sid, "WA", "activity_sid")
        return await self._answer(
            task_sid, reservation_sid, "rejected", activity_sid, workspace_sid
        )

    async def _answer(
        self,
        task_sid: str,
        reservation_sid: str,
        status: str,
        activity_sid: str | None,
        workspace_sid: str | None,
    ) -> Reservation:
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_RESERVATION,
            Reservation,
            path_params={"WorkspaceSid": ws, "TaskSid": task_sid, "Sid": reservation_sid},
            values={"reservation_status": status, "worker_activity_sid": activity_sid},
        )


_RESERVATION_UPDATES = ("accepted", "rejected", "wrapping", "completed")

#: The reservation update's parameters ``extra`` may name (the typed ones are keywords).
_EXTRA_INSTRUCTION_PARAMS = {
    wire: ops.snake(wire)
    for wire in ops.INSTRUCTION_PARAMS
    if wire not in ("Instruction", "PostWorkActivitySid")
}
