"""TaskRouter workers (``client.routing.workers``): listing, updating and resolving them."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flexconv._async._base import AsyncResource
from flexconv._async.routing_setup import (
    AsyncWorkerChannels,
)
from flexconv._core import routing as core
from flexconv._core.agents import agent_identity
from flexconv._core.errors import ValidationError
from flexconv._core.ops import taskrouter as ops
from flexconv._core.sids import check_sid, is_sid
from flexconv.models.routing import Worker

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager


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
