"""TaskRouter's Python API: `TaskRouter` (the object behind ``emu.taskrouter``) and the
entity types it hands out.  Other products import TaskRouter names from this module only."""

from __future__ import annotations

from flexconv.emulator.taskrouter.entities import (
    Activity,
    TaskChannel,
    TaskQueue,
    Worker,
    WorkerChannel,
    Workspace,
)
from flexconv.emulator.taskrouter.routes import TaskRouterRoutes
from flexconv.emulator.taskrouter.state import EmulatorLike
from flexconv.emulator.taskrouter.task_entities import Event, Reservation, Task, Workflow

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


class TaskRouter(TaskRouterRoutes):
    """The emulator's TaskRouter: state, routing simulation, Python API and HTTP routes.

    The public methods come from the layers it stacks: lookups (`get_workspace`, `get_task`, ...)
    from `state`, creation (`create_workspace`, `create_task`, ...) from `creation`, changes
    (`update_task`, `accept_reservation`, ...) from `lifecycle`, `seed` from `seeding` and
    `register` (the HTTP routes) from `routes`.
    """
