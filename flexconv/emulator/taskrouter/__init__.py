"""The emulator's TaskRouter product: workspaces, workers, queues, workflows, tasks, reservations.

State lives in plain objects (`Workspace`, `Task`, ...) reachable through the
Python API of `TaskRouter` and through the HTTP routes it registers under the product
``taskrouter`` (``/v1/Workspaces/...``, as in Twilio's ``twilio_taskrouter_v1`` spec).

Routing is simulated on the emulator's virtual clock.  A task entering a workflow is matched
against the workflow's filters top to bottom (the first whose expression holds on the task's
attributes wins, else ``default_filter``); the filter's targets are tried in turn, each for its
``timeout`` seconds.  A target offers the task to the workers of its queue that also satisfy the
target's ``expression`` and ``known_worker_sid`` / ``known_worker_friendly_name``, that are in an
available activity and have free capacity on the task's channel.  A chosen worker gets a pending
reservation; reservations not answered within the workflow's ``TaskReservationTimeout`` time out
and move the worker to the workspace's timeout activity.  After the last target's timeout the
task falls through to ``default_filter``.  Canceled tasks are deleted 5 minutes after the cancel,
completed tasks 10 minutes after completion.

Capacity: every worker has one `WorkerChannel` per task channel, capacity 1 unless changed
through ``/Workers/{WorkerSid}/Channels/{Sid}``; pending, accepted and wrapping reservations use
it.  With ``MultiTaskEnabled=false`` a worker holds one task at a time across all channels.

Bus events (keyword arguments): ``taskrouter.task.created(task)``,
``taskrouter.task.updated(task, previous_status)``, ``taskrouter.task.deleted(task)``,
``taskrouter.reservation.<status>(task, reservation, worker)`` for ``created``, ``accepted``,
``rejected``, ``timeout``, ``canceled``, ``rescinded``, ``wrapping`` and ``completed``.

Layout (each module holds one part; `TaskRouter` stacks them, lowest first):

- ``entities`` / ``task_entities``: the resource objects and the product's constants;
- ``params``: parsing and checking of request values;
- ``state``: the workspaces dictionary and lookups (``get_*``);
- ``events``: workspace events and their delivery to ``EventCallbackUrl``;
- ``routing``: the routing engine (workflow steps, timers, dispatch, reservations);
- ``lifecycle`` / ``creation`` / ``seeding``: the Python API (updates, creation, seeding);
- ``routes_tasks`` / ``routes``: the HTTP handlers and the route table;
- ``api``: `TaskRouter` itself and the names other products may use.
"""

from flexconv.emulator.taskrouter.api import (
    Activity,
    EmulatorLike,
    Event,
    Reservation,
    Task,
    TaskChannel,
    TaskQueue,
    TaskRouter,
    Worker,
    WorkerChannel,
    Workflow,
    Workspace,
)

__all__ = [
    "Activity",
    "EmulatorLike",
    "Event",
    "Reservation",
    "Task",
    "TaskChannel",
    "TaskQueue",
    "TaskRouter",
    "Worker",
    "WorkerChannel",
    "Workflow",
    "Workspace",
]
