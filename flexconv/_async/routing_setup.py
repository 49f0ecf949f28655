"""TaskRouter's setup resources: ``client.routing.workspaces``, ``.activities``, ``.task_queues``
and ``.workers.channels`` (a worker's capacity per task channel)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flexconv._async._base import AsyncResource
from flexconv._core import routing_checks as core
from flexconv._core.errors import ValidationError
from flexconv._core.ops import taskrouter as ops
from flexconv._core.sids import check_sid
from flexconv.models.taskrouter import Activity, TaskQueue, WorkerChannel, Workspace

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager

__all__ = ["AsyncActivities", "AsyncTaskQueues", "AsyncWorkerChannels", "AsyncWorkspaces"]


class AsyncWorkspaces(AsyncResource):
    """The account's TaskRouter workspaces (``client.routing.workspaces``)."""

    _path = "routing.workspaces"

    def list(
        self, *, friendly_name: str | None = None, limit: int | None = None
    ) -> AsyncPager[Workspace]:
        """The account's workspaces (optionally only the one named ``friendly_name``)."""
        return self._list(
            ops.LIST_WORKSPACES, Workspace, values={"friendly_name": friendly_name}, limit=limit
        )

    async def fetch(self, *, workspace_sid: str | None = None) -> Workspace:
        """The workspace (without ``workspace_sid``: the client's default, Flex's workspace)."""
        ws = await self._workspace(workspace_sid)
        return await self._call(ops.FETCH_WORKSPACE, Workspace, path_params={"Sid": ws})

    async def update(
        self,
        *,
        event_callback_url: str | None = None,
        events_filter: str | Iterable[str] | None = None,
        friendly_name: str | None = None,
        default_activity_sid: str | None = None,
        timeout_activity_sid: str | None = None,
        multi_task_enabled: bool | None = None,
        prioritize_queue_order: str | None = None,
        workspace_sid: str | None = None,
    ) -> Workspace:
        """Change the workspace; ``event_callback_url`` points its events at your backend.

        ``events_filter`` takes event types (``["task.created", "reservation.accepted"]``, or
        the comma-separated string) so that only those are posted; ``""`` clears the URL.
        """
        for name, sid in (
            ("default_activity_sid", default_activity_sid),
            ("timeout_activity_sid", timeout_activity_sid),
        ):
            if sid is not None:
                check_sid(sid, "WA", name)
        values = {
            "event_callback_url": core.callback_url(event_callback_url, "event_callback_url"),
            "events_filter": core.events_filter(events_filter),
            "friendly_name": friendly_name,
            "default_activity_sid": default_activity_sid,
            "timeout_activity_sid": timeout_activity_sid,
            "multi_task_enabled": multi_task_enabled,
            "prioritize_queue_order": core.task_order(
                prioritize_queue_order, "prioritize_queue_order"
            ),
        }
        if all(v is None for v in values.values()):
            raise ValidationError("update needs at least one field to change")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_WORKSPACE, Workspace, path_params={"Sid": ws}, values=values
        )


class AsyncActivities(AsyncResource):
    """The workspace's worker activities (``client.routing.activities``)."""

    _path = "routing.activities"

    def list(
        self,
        *,
        friendly_name: str | None = None,
        available: bool | None = None,
        limit: int | None = None,
        workspace_sid: str | None = None,
    ) -> AsyncPager[Activity]:
        """The activities (optionally by name, or only the available / unavailable ones)."""
        return self._workspace_list(
            ops.LIST_ACTIVITIES,
            Activity,
            workspace_sid,
            values={"friendly_name": friendly_name, "available": available},
            limit=limit,
        )

    async def create(
        self,
        friendly_name: str,
        *,
        available: bool | None = None,
        workspace_sid: str | None = None,
    ) -> Activity:
        """Create an activity; ``available=True`` lets workers in it be offered tasks."""
        core.text(friendly_name, "friendly_name")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.CREATE_ACTIVITY,
            Activity,
            path_params={"WorkspaceSid": ws},
            values={"friendly_name": friendly_name, "available": available},
        )

    async def fetch(self, activity_sid: str, *, workspace_sid: str | None = None) -> Activity:
        """One activity."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_ACTIVITY, Activity, path_params={"WorkspaceSid": ws, "Sid": activity_sid}
        )

    async def update(
        self, activity_sid: str, *, friendly_name: str, workspace_sid: str | None = None
    ) -> Activity:
        """Rename an activity (its availability is fixed once created)."""
        core.text(friendly_name, "friendly_name")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_ACTIVITY,
            Activity,
            path_params={"WorkspaceSid": ws, "Sid": activity_sid},
            values={"friendly_name": friendly_name},
        )

    async def delete(self, activity_sid: str, *, workspace_sid: str | None = None) -> None:
        """Delete an activity (refused while workers are in it or it is a default)."""
        ws = await self._workspace(workspace_sid)
        await self._call_raw(
            ops.DELETE_ACTIVITY, path_params={"WorkspaceSid": ws, "Sid": activity_sid}
        )


class AsyncTaskQueues(AsyncResource):
    """The workspace's task queues (``client.routing.task_queues``)."""

    _path = "routing.task_queues"

    def list(
        self,
        *,
        friendly_name: str | None = None,
        evaluate_worker_attributes: str | None = None,
        worker_sid: str | None = None,
        ordering: str | None = None,
        limit: int | None = None,
        workspace_sid: str | None = None,
    ) -> AsyncPager[TaskQueue]:
        """The task queues: by name, those whose ``target_workers`` match worker attributes
        (``evaluate_worker_attributes``, a JSON string), or those a worker is in."""
        if worker_sid is not None:
            check_sid(worker_sid, "WK", "worker_sid")
        return self._workspace_list(
            ops.LIST_TASK_QUEUES,
            TaskQueue,
            workspace_sid,
            values={
                "friendly_name": friendly_name,
                "evaluate_worker_attributes": evaluate_worker_attributes,
                "worker_sid": worker_sid,
                "ordering": ordering,
            },
            limit=limit,
        )

    async def create(
        self,
        friendly_name: str,
        *,
        target_workers: str | None = None,
        max_reserved_workers: int | None = None,
        task_order: str | None = None,
        reservation_activity_sid: str | None = None,
        assignment_activity_sid: str | None = None,
        workspace_sid: str | None = None,
    ) -> TaskQueue:
        """Create a queue; ``target_workers`` is a TaskRouter expression over worker attributes
        (``'routing.skills HAS "billing"'``; Twilio's default ``1==1`` takes every worker)."""
        core.text(friendly_name, "friendly_name")
        values = _queue_values(
            target_workers, max_reserved_workers, task_order,
            reservation_activity_sid, assignment_activity_sid,
        )  # fmt: skip
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.CREATE_TASK_QUEUE,
            TaskQueue,
            path_params={"WorkspaceSid": ws},
            values={"friendly_name": friendly_name, **values},
        )

    async def fetch(self, task_queue_sid: str, *, workspace_sid: str | None = None) -> TaskQueue:
        """One task queue."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_TASK_QUEUE,
            TaskQueue,
            path_params={"WorkspaceSid": ws, "Sid": task_queue_sid},
        )

    async def update(
        self,
        task_queue_sid: str,
        *,
        friendly_name: str | None = None,
        target_workers: str | None = None,
        max_reserved_workers: int | None = None,
        task_order: str | None = None,
        reservation_activity_sid: str | None = None,
        assignment_activity_sid: str | None = None,
        workspace_sid: str | None = None,
    ) -> TaskQueue:
        """Change a queue; only the arguments given are sent."""
        if friendly_name is not None:
            core.text(friendly_name, "friendly_name")
        values = _queue_values(
            target_workers, max_reserved_workers, task_order,
            reservation_activity_sid, assignment_activity_sid,
        )  # fmt: skip
        values["friendly_name"] = friendly_name
        if all(v is None for v in values.values()):
            raise ValidationError("update needs at least one field to change")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_TASK_QUEUE,
            TaskQueue,
            path_params={"WorkspaceSid": ws, "Sid": task_queue_sid},
            values=values,
        )

    async def delete(self, task_queue_sid: str, *, workspace_sid: str | None = None) -> None:
        """Delete a queue (refused while a workflow routes to it)."""
        ws = await self._workspace(workspace_sid)
        await self._call_raw(
            ops.DELETE_TASK_QUEUE, path_params={"WorkspaceSid": ws, "Sid": task_queue_sid}
        )


class AsyncWorkerChannels(AsyncResource):
    """A worker's channels: its capacity and availability per task channel
    (``client.routing.workers.channels``).  ``channel`` takes a ``WC…`` SID or the task
    channel's unique name (``"chat"``)."""

    _path = "routing.workers.channels"

    def list(
        self, worker_sid: str, *, limit: int | None = None, workspace_sid: str | None = None
    ) -> AsyncPager[WorkerChannel]:
        """The worker's channels, one per task channel of the workspace."""
        check_sid(worker_sid, "WK", "worker_sid")
        return self._workspace_list(
            ops.LIST_WORKER_CHANNELS,
            WorkerChannel,
            workspace_sid,
            path_params={"WorkerSid": worker_sid},
            limit=limit,
        )

    async def fetch(
        self, worker_sid: str, channel: str, *, workspace_sid: str | None = None
    ) -> WorkerChannel:
        """One of the worker's channels (``fetch("WK…", "chat")``)."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_WORKER_CHANNEL,
            WorkerChannel,
            path_params={"WorkspaceSid": ws, "WorkerSid": worker_sid, "Sid": channel},
        )

    async def update(
        self,
        worker_sid: str,
        channel: str,
        *,
        capacity: int | None = None,
        available: bool | None = None,
        workspace_sid: str | None = None,
    ) -> WorkerChannel:
        """Set how many of the channel's tasks the worker takes at once, or switch the channel
        off for the worker (``available=False``)."""
        if capacity is not None:
            core.channel_capacity(capacity)
        if available is not None and not isinstance(available, bool):
            raise ValidationError(f"available must be True or False, got {available!r}")
        if capacity is None and available is None:
            raise ValidationError("update needs capacity= or available=")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_WORKER_CHANNEL,
            WorkerChannel,
            path_params={"WorkspaceSid": ws, "WorkerSid": worker_sid, "Sid": channel},
            values={"capacity": capacity, "available": available},
        )


def _queue_values(
    target_workers: str | None,
    max_reserved_workers: int | None,
    task_order: str | None,
    reservation_activity_sid: str | None,
    assignment_activity_sid: str | None,
) -> dict[str, object]:
    if target_workers is not None:
        core.text(target_workers, "target_workers")
    if max_reserved_workers is not None:
        core.max_reserved_workers(max_reserved_workers)
    for name, sid in (
        ("reservation_activity_sid", reservation_activity_sid),
        ("assignment_activity_sid", assignment_activity_sid),
    ):
        if sid is not None:
            check_sid(sid, "WA", name)
    return {
        "target_workers": target_workers,
        "max_reserved_workers": max_reserved_workers,
        "task_order": core.task_order(task_order, "task_order"),
        "reservation_activity_sid": reservation_activity_sid,
        "assignment_activity_sid": assignment_activity_sid,
    }
