"""TaskRouter operations (``taskrouter.twilio.com/v1/Workspaces/{WorkspaceSid}/...``): workspaces,
activities, task queues, workflows, workers and their channels, tasks and reservations.  Task
channels live in ``ops/task_channels.py``.

Updates of tasks, workers and reservations accept an ``If-Match`` header carrying the resource's
``ETag``; a mismatch answers 412 ([`ConflictError`][flexconv.ConflictError]).
"""

from __future__ import annotations

import re

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
        "virtual_start_time": Param("VirtualStartTime"),
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
        "virtual_start_time": Param("VirtualStartTime"),
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

#: The reservation update's parameters beyond status and activity, in the spec's order: the
#: ``Instruction`` and what each instruction (conference, dequeue, call, redirect) takes.
INSTRUCTION_PARAMS: tuple[str, ...] = (
    "Instruction", "DequeuePostWorkActivitySid", "DequeueFrom", "DequeueRecord",
    "DequeueTimeout", "DequeueTo", "DequeueStatusCallbackUrl", "CallFrom", "CallRecord",
    "CallTimeout", "CallTo", "CallUrl", "CallStatusCallbackUrl", "CallAccept", "RedirectCallSid",
    "RedirectAccept", "RedirectUrl", "To", "From", "StatusCallback", "StatusCallbackMethod",
    "StatusCallbackEvent", "Timeout", "Record", "Muted", "Beep", "StartConferenceOnEnter",
    "EndConferenceOnExit", "WaitUrl", "WaitMethod", "EarlyMedia", "MaxParticipants",
    "ConferenceStatusCallback", "ConferenceStatusCallbackMethod", "ConferenceStatusCallbackEvent",
    "ConferenceRecord", "ConferenceTrim", "RecordingChannels", "RecordingStatusCallback",
    "RecordingStatusCallbackMethod", "ConferenceRecordingStatusCallback",
    "ConferenceRecordingStatusCallbackMethod", "Region", "SipAuthUsername", "SipAuthPassword",
    "DequeueStatusCallbackEvent", "PostWorkActivitySid", "SupervisorMode", "Supervisor",
    "EndConferenceOnCustomerExit", "BeepOnCustomerEntrance", "JitterBufferSize",
)  # fmt: skip


#: Instruction parameters that take several values (the spec types them as arrays).
_REPEATED = frozenset(
    {"StatusCallbackEvent", "ConferenceStatusCallbackEvent", "DequeueStatusCallbackEvent"}
)


def snake(wire: str) -> str:
    """``ConferenceStatusCallback`` -> ``conference_status_callback``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", wire).lower()


UPDATE_RESERVATION = Operation(
    name="taskrouter.reservations.update",
    method="POST",
    product="taskrouter",
    path=_WS + "/Tasks/{TaskSid}/Reservations/{Sid}",
    params={
        "reservation_status": Param("ReservationStatus"),
        "worker_activity_sid": Param("WorkerActivitySid"),
        "if_match": _IF_MATCH,
        **{snake(wire): Param(wire, multi=wire in _REPEATED) for wire in INSTRUCTION_PARAMS},
    },
    path_sids={"WorkspaceSid": "WS", "TaskSid": "WT", "Sid": "WR"},
)

DELETE_WORKFLOW = Operation(
    name="taskrouter.workflows.delete",
    method="DELETE",
    product="taskrouter",
    path=_WS + "/Workflows/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WW"},
)

UPDATE_WORKER = Operation(
    name="taskrouter.workers.update",
    method="POST",
    product="taskrouter",
    path=_WS + "/Workers/{Sid}",
    params={
        "activity_sid": Param("ActivitySid"),
        "attributes": Param("Attributes", json=True),
        "friendly_name": Param("FriendlyName"),
        "reject_pending_reservations": Param("RejectPendingReservations"),
        "if_match": _IF_MATCH,
    },
    path_sids={"WorkspaceSid": "WS", "Sid": "WK"},
)

_CHANNELS = _WS + "/Workers/{WorkerSid}/Channels"

LIST_WORKER_CHANNELS = Operation(
    name="taskrouter.worker_channels.list",
    method="GET",
    product="taskrouter",
    path=_CHANNELS,
    list_key="channels",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS", "WorkerSid": "WK"},
)

FETCH_WORKER_CHANNEL = Operation(
    name="taskrouter.worker_channels.fetch",
    method="GET",
    product="taskrouter",
    path=_CHANNELS + "/{Sid}",
    path_sids={"WorkspaceSid": "WS", "WorkerSid": "WK", "Sid": "WC?"},
)

UPDATE_WORKER_CHANNEL = Operation(
    name="taskrouter.worker_channels.update",
    method="POST",
    product="taskrouter",
    path=_CHANNELS + "/{Sid}",
    params={"capacity": Param("Capacity"), "available": Param("Available")},
    path_sids={"WorkspaceSid": "WS", "WorkerSid": "WK", "Sid": "WC?"},
)

LIST_WORKSPACES = Operation(
    name="taskrouter.workspaces.list",
    method="GET",
    product="taskrouter",
    path="/v1/Workspaces",
    params={"friendly_name": Param("FriendlyName")},
    list_key="workspaces",
    max_page_size=1000,
)

FETCH_WORKSPACE = Operation(
    name="taskrouter.workspaces.fetch",
    method="GET",
    product="taskrouter",
    path="/v1/Workspaces/{Sid}",
    path_sids={"Sid": "WS"},
)

UPDATE_WORKSPACE = Operation(
    name="taskrouter.workspaces.update",
    method="POST",
    product="taskrouter",
    path="/v1/Workspaces/{Sid}",
    params={
        "default_activity_sid": Param("DefaultActivitySid"),
        "event_callback_url": Param("EventCallbackUrl"),
        "events_filter": Param("EventsFilter"),
        "friendly_name": Param("FriendlyName"),
        "multi_task_enabled": Param("MultiTaskEnabled"),
        "timeout_activity_sid": Param("TimeoutActivitySid"),
        "prioritize_queue_order": Param("PrioritizeQueueOrder"),
    },
    path_sids={"Sid": "WS"},
)

LIST_ACTIVITIES = Operation(
    name="taskrouter.activities.list",
    method="GET",
    product="taskrouter",
    path=_WS + "/Activities",
    params={"friendly_name": Param("FriendlyName"), "available": Param("Available")},
    list_key="activities",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS"},
)

CREATE_ACTIVITY = Operation(
    name="taskrouter.activities.create",
    method="POST",
    product="taskrouter",
    path=_WS + "/Activities",
    params={
        "friendly_name": Param("FriendlyName", required=True),
        "available": Param("Available"),
    },
    path_sids={"WorkspaceSid": "WS"},
)

FETCH_ACTIVITY = Operation(
    name="taskrouter.activities.fetch",
    method="GET",
    product="taskrouter",
    path=_WS + "/Activities/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WA"},
)

UPDATE_ACTIVITY = Operation(
    name="taskrouter.activities.update",
    method="POST",
    product="taskrouter",
    path=_WS + "/Activities/{Sid}",
    params={"friendly_name": Param("FriendlyName")},
    path_sids={"WorkspaceSid": "WS", "Sid": "WA"},
)

DELETE_ACTIVITY = Operation(
    name="taskrouter.activities.delete",
    method="DELETE",
    product="taskrouter",
    path=_WS + "/Activities/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WA"},
)

_QUEUE_FIELDS = {
    "friendly_name": Param("FriendlyName"),
    "target_workers": Param("TargetWorkers"),
    "max_reserved_workers": Param("MaxReservedWorkers"),
    "task_order": Param("TaskOrder"),
    "reservation_activity_sid": Param("ReservationActivitySid"),
    "assignment_activity_sid": Param("AssignmentActivitySid"),
}

LIST_TASK_QUEUES = Operation(
    name="taskrouter.task_queues.list",
    method="GET",
    product="taskrouter",
    path=_WS + "/TaskQueues",
    params={
        "friendly_name": Param("FriendlyName"),
        "evaluate_worker_attributes": Param("EvaluateWorkerAttributes"),
        "worker_sid": Param("WorkerSid"),
        "ordering": Param("Ordering"),
    },
    list_key="task_queues",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS"},
)

CREATE_TASK_QUEUE = Operation(
    name="taskrouter.task_queues.create",
    method="POST",
    product="taskrouter",
    path=_WS + "/TaskQueues",
    params={**_QUEUE_FIELDS, "friendly_name": Param("FriendlyName", required=True)},
    path_sids={"WorkspaceSid": "WS"},
)

FETCH_TASK_QUEUE = Operation(
    name="taskrouter.task_queues.fetch",
    method="GET",
    product="taskrouter",
    path=_WS + "/TaskQueues/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WQ"},
)

UPDATE_TASK_QUEUE = Operation(
    name="taskrouter.task_queues.update",
    method="POST",
    product="taskrouter",
    path=_WS + "/TaskQueues/{Sid}",
    params=_QUEUE_FIELDS,
    path_sids={"WorkspaceSid": "WS", "Sid": "WQ"},
)

DELETE_TASK_QUEUE = Operation(
    name="taskrouter.task_queues.delete",
    method="DELETE",
    product="taskrouter",
    path=_WS + "/TaskQueues/{Sid}",
    path_sids={"WorkspaceSid": "WS", "Sid": "WQ"},
)
