"""TaskRouter tasks (``client.routing.tasks``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import routing as core
from flexconv._core import routing_checks as checks
from flexconv._core.errors import ConflictError, ValidationError
from flexconv._core.ops import taskrouter as ops
from flexconv._core.sids import check_sid
from flexconv.models.routing import Task

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager


class AsyncTasks(AsyncResource):
    """The workspace's tasks (``client.routing.tasks``)."""

    _path = "routing.tasks"

    async def create(
        self,
        *,
        attributes: Mapping[str, Any],
        workflow_sid: str | None = None,
        task_channel: str | None = None,
        priority: int | None = None,
        timeout: int | None = None,
        task_queue_sid: str | None = None,
        routing_target: str | None = None,
        ignore_capacity: bool | None = None,
        virtual_start_time: datetime | None = None,
        workspace_sid: str | None = None,
    ) -> Task:
        """Create a task (the custom-orchestration path; see `create_for_conversation`).

        ``routing_target`` (a worker, queue or workflow SID) routes it there directly, and with
        a worker ``ignore_capacity`` decides whether the worker's capacity counts;
        ``task_queue_sid`` puts it in a queue without a workflow; ``virtual_start_time`` backdates
        its age (a task moved from elsewhere keeps its place).
        """
        if workflow_sid is not None:
            check_sid(workflow_sid, "WW", "workflow_sid")
        if task_queue_sid is not None:
            check_sid(task_queue_sid, "WQ", "task_queue_sid")
        checks.routing_target(routing_target, ignore_capacity)
        checks.virtual_start_time(virtual_start_time)
        if not isinstance(attributes, Mapping):
            raise ValidationError("attributes must be a mapping")
        if timeout is not None:
            core.check_task_timeout(timeout)
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.CREATE_TASK,
            Task,
            path_params={"WorkspaceSid": ws},
            values={
                "attributes": dict(attributes),
                "workflow_sid": workflow_sid,
                "task_channel": task_channel,
                "priority": priority,
                "timeout": timeout,
                "task_queue_sid": task_queue_sid,
                "routing_target": routing_target,
                "ignore_capacity": ignore_capacity,
                "virtual_start_time": virtual_start_time,
            },
        )

    async def create_for_conversation(
        self,
        conversation_sid: str,
        *,
        workflow_sid: str | None = None,
        task_channel: str = "chat",
        channel_type: str | None = None,
        customer_address: str | None = None,
        name: str | None = None,
        direction: Literal["inbound", "outbound"] = "inbound",
        known_worker_sid: str | None = None,
        known_worker_attribute: str = "last_agent_sid",
        attributes: Mapping[str, Any] | None = None,
        task_queue_sid: str | None = None,
        priority: int | None = None,
        timeout: int | None = None,
        workspace_sid: str | None = None,
    ) -> Task:
        """Create a task for a conversation: the one way, for your own orchestration, to hand a
        conversation to an agent (Flex's ``chat`` task channel or a custom one).

        The attributes (see `conversation_task_attributes`) link the task to the conversation
        (``conversationSid``, ``conversations.media``) and the customer (``customerAddress``,
        ``from``, ``name``); ``channel_type`` names the channel for the Flex UI (``sms``, or
        your custom channel's name); ``known_worker_sid`` is stored under
        ``known_worker_attribute`` for a known-agent workflow; ``attributes`` adds your routing
        data.  Without ``workflow_sid`` or ``task_queue_sid`` the workspace's only workflow
        routes it.  You then handle wrapup and completion yourself (complete the reservation,
        remove the agent, close the conversation).
        """
        attrs = core.conversation_task_attributes(
            conversation_sid,
            channel_type=channel_type,
            customer_address=customer_address,
            name=name,
            direction=direction,
            known_worker_sid=known_worker_sid,
            known_worker_attribute=known_worker_attribute,
            extra=attributes,
        )
        return await self.create(
            attributes=attrs,
            workflow_sid=workflow_sid,
            task_channel=task_channel,
            task_queue_sid=task_queue_sid,
            priority=priority,
            timeout=timeout,
            workspace_sid=workspace_sid,
        )

    async def fetch(self, task_sid: str, *, workspace_sid: str | None = None) -> Task:
        """One task, with its attributes and ``etag``."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_TASK, Task, path_params={"WorkspaceSid": ws, "Sid": task_sid}
        )

    def list(
        self,
        *,
        assignment_status: str | Iterable[str] | None = None,
        evaluate_task_attributes: str | None = None,
        workflow_sid: str | None = None,
        task_queue_sid: str | None = None,
        ordering: str | None = None,
        limit: int | None = None,
        workspace_sid: str | None = None,
    ) -> AsyncPager[Task]:
        """Tasks; ``assignment_status`` takes one status or several, ``evaluate_task_attributes``
        a TaskRouter expression over task attributes.  Listed tasks carry ``attributes=None``."""
        return self._workspace_list(
            ops.LIST_TASKS,
            Task,
            workspace_sid,
            values={
                "assignment_status": core.check_assignment_statuses(assignment_status),
                "evaluate_task_attributes": evaluate_task_attributes,
                "workflow_sid": workflow_sid,
                "task_queue_sid": task_queue_sid,
                "ordering": ordering,
            },
            limit=limit,
        )

    async def update(
        self,
        task_sid: str,
        *,
        attributes: Mapping[str, Any] | None = None,
        assignment_status: Literal["wrapping", "completed"] | None = None,
        reason: str | None = None,
        priority: int | None = None,
        if_match: str | None = None,
        workspace_sid: str | None = None,
    ) -> Task:
        """Update a task; ``if_match`` (an ETag, e.g. ``task.etag``) makes it conditional: a
        mismatch raises `ConflictError` (HTTP 412).

        Canceling goes through `cancel`, which refuses interaction tasks.
        """
        if assignment_status is not None and assignment_status not in ("wrapping", "completed"):
            raise ValidationError(
                "assignment_status here is wrapping or completed; use cancel() to cancel, "
                f"got {assignment_status!r}"
            )
        if assignment_status == "completed" and not reason:
            raise ValidationError("Completing a task needs a reason")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_TASK,
            Task,
            path_params={"WorkspaceSid": ws, "Sid": task_sid},
            values={
                "attributes": dict(attributes) if attributes is not None else None,
                "assignment_status": assignment_status,
                "reason": reason,
                "priority": priority,
                "if_match": if_match,
            },
        )

    async def update_attributes(
        self,
        task_sid: str,
        change: Callable[[dict[str, Any]], Mapping[str, Any]],
        *,
        retries: int = 3,
        workspace_sid: str | None = None,
    ) -> Task:
        """Read-modify-write a task's attributes safely: fetch, apply ``change`` to a copy of the
        attributes, update with ``If-Match``; on a 412 re-fetch and retry (``retries`` times)."""
        ws = await self._workspace(workspace_sid)
        attempt = 0
        while True:
            task = await self.fetch(task_sid, workspace_sid=ws)
            new = change(dict(task.attributes or {}))
            try:
                return await self.update(
                    task_sid, attributes=new, if_match=task.etag, workspace_sid=ws
                )
            except ConflictError:
                attempt += 1
                if attempt > retries:
                    raise

    async def cancel(
        self,
        task_sid: str,
        *,
        reason: str,
        attributes: Mapping[str, Any] | None = None,
        if_match: str | None = None,
        workspace_sid: str | None = None,
    ) -> Task:
        """Cancel a task, unless it belongs to a Flex interaction; ``attributes`` replaces the
        task's attributes in the same request (record why, or where it went).

        Raises `InteractionTaskError` for interaction tasks (close the interaction channel
        instead); the task is fetched first to check.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError("Canceling a task needs a reason")
        if attributes is not None and not isinstance(attributes, Mapping):
            raise ValidationError("attributes must be a mapping (sent as a JSON string)")
        ws = await self._workspace(workspace_sid)
        await self._refuse_interaction_task(ws, task_sid)
        return await self._call(
            ops.UPDATE_TASK,
            Task,
            path_params={"WorkspaceSid": ws, "Sid": task_sid},
            values={
                "assignment_status": "canceled",
                "reason": reason,
                "attributes": dict(attributes) if attributes is not None else None,
                "if_match": if_match,
            },
        )

    async def delete(
        self, task_sid: str, *, if_match: str | None = None, workspace_sid: str | None = None
    ) -> None:
        """Delete a task, unless it belongs to a Flex interaction (`InteractionTaskError`)."""
        ws = await self._workspace(workspace_sid)
        await self._refuse_interaction_task(ws, task_sid)
        await self._call_raw(
            ops.DELETE_TASK,
            path_params={"WorkspaceSid": ws, "Sid": task_sid},
            values={"if_match": if_match},
        )

    async def _refuse_interaction_task(self, workspace_sid: str, task_sid: str) -> None:
        task = await self.fetch(task_sid, workspace_sid=workspace_sid)
        owner = core.interaction_of_task(task.attributes)
        if owner is not None:
            raise core.InteractionTaskError(task_sid, owner[0], owner[1])
