"""``client.routing``: TaskRouter workflows (known-agent routing), workers, tasks, reservations.

Sub-groups follow the API's nesting: ``client.routing.workflows``, ``.workers``, ``.tasks`` and
``.reservations``.  Every call takes ``workspace_sid=`` (``WS…``); without it the client's
default workspace is used: the Flex workspace named in the Flex Configuration
(``taskrouter_workspace_sid``), read once per client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._async.routing_setup import (
    AsyncActivities,
    AsyncTaskQueues,
    AsyncWorkerChannels,
    AsyncWorkspaces,
)
from flexconv._core import routing as core
from flexconv._core import routing_checks as checks
from flexconv._core.agents import agent_identity
from flexconv._core.checks import check_http_url
from flexconv._core.errors import ConflictError, ValidationError
from flexconv._core.ops import taskrouter as ops
from flexconv._core.sids import check_sid, is_sid
from flexconv.models.routing import Reservation, Task, Worker, Workflow

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager

__all__ = [
    "AsyncReservations",
    "AsyncRouting",
    "AsyncTasks",
    "AsyncWorkers",
    "AsyncWorkflows",
]


class AsyncRouting(AsyncResource):
    """TaskRouter (``client.routing``): ``workspaces``, ``activities``, ``task_queues``,
    ``workflows``, ``workers`` (and their ``channels``), ``tasks``, ``reservations``."""

    _path = "routing"

    @cached_property
    def workspaces(self) -> AsyncWorkspaces:
        """Workspaces: ``list``, ``fetch``, ``update`` (the event callback, ...)."""
        return self._group(AsyncWorkspaces)

    @cached_property
    def activities(self) -> AsyncActivities:
        """Worker activities: ``list``, ``create``, ``fetch``, ``update``, ``delete``."""
        return self._group(AsyncActivities)

    @cached_property
    def task_queues(self) -> AsyncTaskQueues:
        """Task queues: ``list``, ``create``, ``fetch``, ``update``, ``delete``."""
        return self._group(AsyncTaskQueues)

    @cached_property
    def workflows(self) -> AsyncWorkflows:
        """Workflows: ``list``, ``fetch``, ``create``, ``update``, ``delete``."""
        return self._group(AsyncWorkflows)

    @cached_property
    def workers(self) -> AsyncWorkers:
        """Workers: ``list``, ``fetch``, ``update``, ``resolve``; their ``channels``."""
        return self._group(AsyncWorkers)

    @cached_property
    def tasks(self) -> AsyncTasks:
        """Tasks: ``create``, ``fetch``, ``list``, ``update``, ``cancel``, ``delete``."""
        return self._group(AsyncTasks)

    @cached_property
    def reservations(self) -> AsyncReservations:
        """Reservations of a task or a worker: ``list``, ``fetch``, ``update``, ``accept``,
        ``reject``."""
        return self._group(AsyncReservations)


class AsyncWorkflows(AsyncResource):
    """The workspace's workflows (``client.routing.workflows``)."""

    _path = "routing.workflows"

    def list(
        self,
        *,
        friendly_name: str | None = None,
        limit: int | None = None,
        workspace_sid: str | None = None,
    ) -> AsyncPager[Workflow]:
        """The workspace's workflows (optionally those with ``friendly_name``)."""
        return self._workspace_list(
            ops.LIST_WORKFLOWS,
            Workflow,
            workspace_sid,
            values={"friendly_name": friendly_name},
            limit=limit,
        )

    async def fetch(self, workflow_sid: str, *, workspace_sid: str | None = None) -> Workflow:
        """One workflow; ``workflow.routing`` parses its configuration."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_WORKFLOW, Workflow, path_params={"WorkspaceSid": ws, "Sid": workflow_sid}
        )

    async def create(
        self,
        friendly_name: str,
        configuration: core.WorkflowConfiguration,
        *,
        task_reservation_timeout: int | None = None,
        assignment_callback_url: str | None = None,
        workspace_sid: str | None = None,
    ) -> Workflow:
        """Create a workflow from a typed configuration (see `last_agent_then_queue`)."""
        _check_config(configuration)
        if assignment_callback_url is not None:
            check_http_url(assignment_callback_url, "assignment_callback_url")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.CREATE_WORKFLOW,
            Workflow,
            path_params={"WorkspaceSid": ws},
            values={
                "friendly_name": friendly_name,
                "configuration": configuration.to_json(),
                "task_reservation_timeout": task_reservation_timeout,
                "assignment_callback_url": assignment_callback_url,
            },
        )

    async def update(
        self,
        workflow_sid: str,
        *,
        configuration: core.WorkflowConfiguration | None = None,
        friendly_name: str | None = None,
        task_reservation_timeout: int | None = None,
        re_evaluate_tasks: bool | None = None,
        assignment_callback_url: str | None = None,
        fallback_assignment_callback_url: str | None = None,
        workspace_sid: str | None = None,
    ) -> Workflow:
        """Change a workflow; ``configuration`` replaces the whole routing configuration.

        ``assignment_callback_url`` (and ``fallback_assignment_callback_url``, tried when the
        first fails) receives each reservation, answered with an instruction; ``""`` clears it.
        """
        if configuration is not None:
            _check_config(configuration)
        for name, url in (
            ("assignment_callback_url", assignment_callback_url),
            ("fallback_assignment_callback_url", fallback_assignment_callback_url),
        ):
            if url:
                check_http_url(url, name)
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_WORKFLOW,
            Workflow,
            path_params={"WorkspaceSid": ws, "Sid": workflow_sid},
            values={
                "configuration": configuration.to_json() if configuration is not None else None,
                "friendly_name": friendly_name,
                "task_reservation_timeout": task_reservation_timeout,
                "re_evaluate_tasks": re_evaluate_tasks,
                "assignment_callback_url": assignment_callback_url,
                "fallback_assignment_callback_url": fallback_assignment_callback_url,
            },
        )

    async def delete(self, workflow_sid: str, *, workspace_sid: str | None = None) -> None:
        """Delete a workflow (refused while it has pending tasks)."""
        ws = await self._workspace(workspace_sid)
        await self._call_raw(
            ops.DELETE_WORKFLOW, path_params={"WorkspaceSid": ws, "Sid": workflow_sid}
        )


class AsyncWorkers(AsyncResource):
    """The workspace's workers (``client.routing.workers``)."""

    _path = "routing.workers"

    @cached_property
    def channels(self) -> AsyncWorkerChannels:
        """A worker's channels (capacity per task channel): ``list``, ``fetch``, ``update``."""
        return self._group(AsyncWorkerChannels)

    def list(
        self,
        *,
        target_workers_expression: str | None = None,
        activity_name: str | None = None,
        activity_sid: str | None = None,
        available: bool | None = None,
        friendly_name: str | None = None,
        task_queue_sid: str | None = None,
        limit: int | None = None,
        workspace_sid: str | None = None,
    ) -> AsyncPager[Worker]:
        """Workers, filtered by a TaskRouter expression, activity, availability or queue.

        List results carry ``attributes=None`` (TaskRouter only returns them on a fetch).
        """
        if activity_sid is not None:
            check_sid(activity_sid, "WA", "activity_sid")
        if task_queue_sid is not None:
            check_sid(task_queue_sid, "WQ", "task_queue_sid")
        return self._workspace_list(
            ops.LIST_WORKERS,
            Worker,
            workspace_sid,
            values={
                "target_workers_expression": target_workers_expression,
                "activity_name": activity_name,
                "activity_sid": activity_sid,
                "available": available,
                "friendly_name": friendly_name,
                "task_queue_sid": task_queue_sid,
            },
            limit=limit,
        )

    async def fetch(self, worker_sid: str, *, workspace_sid: str | None = None) -> Worker:
        """One worker, with its attributes."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_WORKER, Worker, path_params={"WorkspaceSid": ws, "Sid": worker_sid}
        )

    async def update(
        self,
        worker_sid: str,
        *,
        activity_sid: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        friendly_name: str | None = None,
        reject_pending_reservations: bool | None = None,
        if_match: str | None = None,
        workspace_sid: str | None = None,
    ) -> Worker:
        """Change a worker's activity, attributes or name.

        ``attributes`` replaces them all; ``if_match`` (the worker's ``ETag``) makes the change
        conditional.  Moving a worker with pending reservations to an unavailable activity
        needs ``reject_pending_reservations=True``.
        """
        if activity_sid is not None:
            check_sid(activity_sid, "WA", "activity_sid")
        if attributes is not None and not isinstance(attributes, Mapping):
            raise ValidationError("attributes must be a mapping (sent as a JSON string)")
        if reject_pending_reservations is not None and activity_sid is None:
            raise ValidationError(
                "reject_pending_reservations only applies with activity_sid= "
                "(TaskRouter's Worker resource docs, RejectPendingReservations)"
            )
        values = {
            "activity_sid": activity_sid,
            "attributes": dict(attributes) if attributes is not None else None,
            "friendly_name": friendly_name,
            "reject_pending_reservations": reject_pending_reservations,
        }
        if all(v is None for v in values.values()):
            raise ValidationError("update needs at least one field to change")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_WORKER,
            Worker,
            path_params={"WorkspaceSid": ws, "Sid": worker_sid},
            values={**values, "if_match": if_match},
        )

    def build_identity(self, worker: Worker) -> str:
        """The chat identity Flex gives ``worker`` in Conversations (its ``contact_uri``
        ``client:<identity>``, else its friendly name); sends nothing.  Listed workers carry no
        attributes: pass a fetched one, or use `fetch_identity`."""
        if not isinstance(worker, Worker):
            raise ValidationError(f"worker must be a Worker, got {type(worker).__name__}")
        if worker.attributes is None:
            raise ValidationError(
                f"Worker {worker.sid} came from a list, without attributes: fetch it first "
                "(or use fetch_identity)"
            )
        return agent_identity(worker.attributes, worker.friendly_name)

    async def fetch_identity(self, worker_sid: str, *, workspace_sid: str | None = None) -> str:
        """Fetch a worker and return its chat identity (see `build_identity`)."""
        return self.build_identity(await self.fetch(worker_sid, workspace_sid=workspace_sid))

    async def resolve(
        self,
        worker: str | None = None,
        *,
        attribute: str | None = None,
        value: str | None = None,
        workspace_sid: str | None = None,
    ) -> Worker:
        """Find exactly one worker: by SID, by friendly name, or by an attribute's value.

        ``resolve("WK…")`` fetches; ``resolve("alice")`` looks the friendly name up;
        ``resolve(attribute="email", value="a@example.com")`` uses a TargetWorkersExpression.
        Raises `WorkerLookupError` when none or several match.
        """
        if attribute is not None or value is not None:
            if worker is not None or attribute is None or value is None:
                raise ValidationError("Give a worker, or attribute= and value= together")
            name = _attr_name(attribute)
            expression = f"{name} == {_quote(value)}"
            found = await self.list(
                target_workers_expression=expression, workspace_sid=workspace_sid
            ).to_list()
            return core.pick_one_worker(found, f"{name} == {value!r}")
        if not isinstance(worker, str) or not worker.strip():
            raise ValidationError(f"worker must be a WK SID or a friendly name, got {worker!r}")
        if is_sid(worker, "WK"):
            return await self.fetch(worker, workspace_sid=workspace_sid)
        found = await self.list(friendly_name=worker, workspace_sid=workspace_sid).to_list()
        found = [w for w in found if w.friendly_name == worker]
        return core.pick_one_worker(found, f"friendly name {worker!r}")


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


def _check_config(configuration: object) -> None:
    if not isinstance(configuration, core.WorkflowConfiguration):
        raise ValidationError(
            "configuration must be a WorkflowConfiguration (build one, or parse JSON with "
            f"WorkflowConfiguration.from_json), got {type(configuration).__name__}"
        )


def _attr_name(attribute: str) -> str:
    if not isinstance(attribute, str) or not all(
        part.replace("_", "").isalnum() for part in attribute.split(".")
    ):
        raise ValidationError(f"attribute must be a worker attribute name, got {attribute!r}")
    return attribute


def _quote(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"value must be a string, got {value!r}")
    if '"' in value and "'" in value:
        raise ValidationError("value cannot hold both quote characters")
    return f"'{value}'" if '"' in value else f'"{value}"'
