"""``client.routing``: TaskRouter workflows (known-agent routing), workers, tasks, reservations.

Sub-groups follow the API's nesting: ``client.routing.workflows``, ``.workers``, ``.tasks`` and
``.reservations``.  Every call takes ``workspace_sid=`` (``WS…``); without it the client's
default workspace is used: the Flex workspace named in the Flex Configuration
(``taskrouter_workspace_sid``), read once per client.

Each sub-group lives in its own module (`routing_workflows`, `routing_workers`, `routing_tasks`,
`routing_reservations`, and `routing_setup` for the setup resources); this one ties them together.
"""

from __future__ import annotations

from functools import cached_property

from flexconv._async._base import AsyncResource
from flexconv._async.routing_reservations import AsyncReservations
from flexconv._async.routing_setup import (
    AsyncActivities,
    AsyncTaskQueues,
    AsyncWorkspaces,
)
from flexconv._async.routing_tasks import AsyncTasks
from flexconv._async.routing_workers import AsyncWorkers
from flexconv._async.routing_workflows import AsyncWorkflows

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
