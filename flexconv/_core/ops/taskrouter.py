"""TaskRouter operations (``taskrouter.twilio.com/v1/Workspaces/{WorkspaceSid}/...``): workflows,
workers, tasks and reservations.  Task channels live in ``ops/task_channels.py``.

Updates of tasks, workers and reservations accept an ``If-Match`` header carrying the resource's
``ETag``; a mismatch answers 412 ([`ConflictError`][flexconv.ConflictError]).
"""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

_WS = "/v1/Workspaces/{WorkspaceSid}"
_IF_MATCH = Param("If-Match", location="header")

LIST_WORKFLOWS = Operation(
    name="taskrouter.workflows.list",
    method="GET",
    product="taskrouter",
    path=_WS + "/Workflows",
    params={"friendly_name": Param("FriendlyName")},
    list_key="workflows",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS"},
)

FETCH_WORKFLOW = Operation(
    name="taskrouter.workflows.fetch",
    method="GET",
    product="taskrouter",
    path=_WS + "/Workflows/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WW"},
)

CREATE_WORKFLOW = Operation(
    name="taskrouter.workflows.create",
    method="POST",
    product="taskrouter",
    path=_WS + "/Workflows",
    params={
        "friendly_name": Param("FriendlyName", required=True),
        "configuration": Param("Configuration", required=True),
        "assignment_callback_url": Param("AssignmentCallbackUrl"),
        "fallback_assignment_callback_url": Param("FallbackAssignmentCallbackUrl"),
        "task_reservation_timeout": Param("TaskReservationTimeout"),
    },
    path_sids={"WorkspaceSid": "WS"},
)

UPDATE_WORKFLOW = Operation(
    name="taskrouter.workflows.update",
    method="POST",
    product="taskrouter",
    path=_WS + "/Workflows/{Sid}",
    params={
        "friendly_name": Param("FriendlyName"),
        "configuration": Param("Configuration"),
        "assignment_callback_url": Param("AssignmentCallbackUrl"),
        "fallback_assignment_callback_url": Param("FallbackAssignmentCallbackUrl"),
        "task_reservation_timeout": Param("TaskReservationTimeout"),
        "re_evaluate_tasks": Param("ReEvaluateTasks"),
    },
    path_sids={"WorkspaceSid": "WS", "Sid": "WW"},
)

LIST_WORKERS = Operation(
    name="taskrouter.workers.list",
    method="GET",
    product="taskrouter",
    path=_WS + "/Workers",
    params={
        "activity_name": Param("ActivityName"),
        "activity_sid": Param("ActivitySid"),
        "available": Param("Available"),
        "friendly_name": Param("FriendlyName"),
        "target_workers_expression": Param("TargetWorkersExpression"),
        "task_queue_name": Param("TaskQueueName"),
        "task_queue_sid": Param("TaskQueueSid"),
        "ordering": Param("Ordering"),
    },
    list_key="workers",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS"},
)

FETCH_WORKER = Operation(
    name="taskrouter.workers.fetch",
    method="GET",
    product="taskrouter",
    path=_WS + "/Workers/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WK"},
)

CREATE_TASK = Operation(
    name="taskrouter.tasks.create",
    method="POST",
    product="taskrouter",
    path=_WS + "/Tasks",
    params={
        "attributes": Param("Attributes", json=True),
        "workflow_sid": Param("WorkflowSid"),
        "task_channel": Param("TaskChannel"),
        "priority": Param("Priority"),
        "timeout": Param("Timeout"),
        "task_queue_sid": Param("TaskQueueSid"),
        "routing_target": Param("RoutingTarget"),
        "ignore_capacity": Param("IgnoreCapacity"),
    },
    path_sids={"WorkspaceSid": "WS"},
)

FETCH_TASK = Operation(
    name="taskrouter.tasks.fetch",
    method="GET",
    product="taskrouter",
    path=_WS + "/Tasks/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WT"},
)

LIST_TASKS = Operation(
    name="taskrouter.tasks.list",
    method="GET",
    product="taskrouter",
    path=_WS + "/Tasks",
    params={
        "assignment_status": Param("AssignmentStatus", multi=True),
        "evaluate_task_attributes": Param("EvaluateTaskAttributes"),
        "workflow_sid": Param("WorkflowSid"),
        "workflow_name": Param("WorkflowName"),
        "task_queue_sid": Param("TaskQueueSid"),
        "task_queue_name": Param("TaskQueueName"),
        "priority": Param("Priority"),
        "routing_target": Param("RoutingTarget"),
        "ordering": Param("Ordering"),
    },
    list_key="tasks",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS"},
)

UPDATE_TASK = Operation(
    name="taskrouter.tasks.update",
    method="POST",
    product="taskrouter",
    path=_WS + "/Tasks/{Sid}",
    params={
        "attributes": Param("Attributes", json=True),
        "assignment_status": Param("AssignmentStatus"),
        "reason": Param("Reason"),
        "priority": Param("Priority"),
        "task_channel": Param("TaskChannel"),
        "if_match": _IF_MATCH,
    },
    path_sids={"WorkspaceSid": "WS", "Sid": "WT"},
)

DELETE_TASK = Operation(
    name="taskrouter.tasks.delete",
    method="DELETE",
    product="taskrouter",
    path=_WS + "/Tasks/{Sid}",
    params={"if_match": _IF_MATCH},
    path_sids={"WorkspaceSid": "WS", "Sid": "WT"},
)

LIST_RESERVATIONS = Operation(
    name="taskrouter.reservations.list",
    method="GET",
    product="taskrouter",
    path=_WS + "/Tasks/{TaskSid}/Reservations",
    params={"reservation_status": Param("ReservationStatus"), "worker_sid": Param("WorkerSid")},
    list_key="reservations",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS", "TaskSid": "WT"},
)

LIST_WORKER_RESERVATIONS = Operation(
    name="taskrouter.worker_reservations.list",
    method="GET",
    product="taskrouter",
    path=_WS + "/Workers/{WorkerSid}/Reservations",
    params={"reservation_status": Param("ReservationStatus")},
    list_key="reservations",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS", "WorkerSid": "WK"},
)

FETCH_RESERVATION = Operation(
    name="taskrouter.reservations.fetch",
    method="GET",
    product="taskrouter",
    path=_WS + "/Tasks/{TaskSid}/Reservations/{Sid}",
    path_sids={"WorkspaceSid": "WS", "TaskSid": "WT", "Sid": "WR"},
)

UPDATE_RESERVATION = Operation(
    name="taskrouter.reservations.update",
    method="POST",
    product="taskrouter",
    path=_WS + "/Tasks/{TaskSid}/Reservations/{Sid}",
    params={
        "reservation_status": Param("ReservationStatus"),
        "worker_activity_sid": Param("WorkerActivitySid"),
        "if_match": _IF_MATCH,
    },
    path_sids={"WorkspaceSid": "WS", "TaskSid": "WT", "Sid": "WR"},
)
