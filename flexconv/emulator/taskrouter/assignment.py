"""TaskRouter's assignment instructions: the workflow's assignment callback (and its fallback)
with Twilio acting on the answer, the reservation `Instruction` values of the REST API, and the
alerts (Twilio's Monitor warnings) raised on the way.

The callback is POSTed to the workflow's ``AssignmentCallbackUrl`` when a reservation is created.
The answer is acted on once it arrives (after the operation that created the reservation):
``{"instruction": "accept"}`` accepts, ``reject`` rejects (``activity_sid`` moves the worker),
``dequeue`` / ``conference`` accept a voice task (its attributes need ``call_sid``), ``call`` and
``redirect`` accept when ``accept`` is true; ``{}`` or an empty body leave the reservation pending
("decide later"); JSON without ``instruction`` raises warning 40005, a body that is not JSON
warning 40001, an unknown instruction error 40151.  A failed callback (no 2xx) raises error 11200
and, when the workflow has one, the ``FallbackAssignmentCallbackUrl`` is called instead.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from flexconv.emulator._base import ApiError, bad_request
from flexconv.emulator.taskrouter.entities import _dumps
from flexconv.emulator.taskrouter.lifecycle import TaskRouterLifecycle
from flexconv.emulator.taskrouter.task_entities import Alert, Reservation, Workflow

#: The reservation instructions Twilio documents (REST `Instruction` and callback answers).
INSTRUCTIONS = ("accept", "reject", "dequeue", "call", "redirect", "conference")


class TaskRouterAssignment(TaskRouterLifecycle):
    """Assignment callbacks, reservation instructions and alerts."""

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        operation = getattr(self.emu, "operation", None)
        with operation() if operation is not None else contextlib.nullcontext():
            yield

    def _alert(
        self,
        code: int,
        level: str,
        text: str,
        resource_sid: str,
        *,
        url: str | None = None,
        response_body: bytes | None = None,
    ) -> Alert:
        alert = Alert(
            sid=self._sid("NO"),
            account_sid=self.emu.account_sid,
            error_code=code,
            log_level=level,
            alert_text=text,
            resource_sid=resource_sid,
            date_created=self._now(),
            request_url=url,
            request_method="POST" if url else None,
            response_body=None
            if response_body is None
            else response_body.decode("utf-8", "replace"),
        )
        self.alerts.append(alert)
        self._emit("taskrouter.alert", alert=alert)
        return alert

    def _assignment_callback(
        self, workflow: Workflow, reservation: Reservation, *, fallback: bool = False
    ) -> None:
        task = reservation.task
        params = [
            ("AccountSid", task.workspace.account_sid),
            ("WorkspaceSid", task.workspace.sid),
            ("WorkflowSid", workflow.sid),
            ("TaskQueueSid", task.task_queue_sid or ""),
            ("TaskSid", task.sid),
            ("TaskAge", str(task.age(self._now()))),
            ("TaskPriority", str(task.priority)),
            ("TaskAttributes", _dumps(task.attributes)),
            ("WorkerSid", reservation.worker.sid),
            ("WorkerAttributes", _dumps(reservation.worker.attributes)),
            ("ReservationSid", reservation.sid),
            ("Timestamp", str(int(self._now().timestamp()))),
        ]
        url = (
            workflow.fallback_assignment_callback_url
            if fallback
            else workflow.assignment_callback_url
        )
        assert url is not None
        self.emu.webhooks.deliver(
            url,
            params,
            kind="taskrouter.assignment",
            on_result=lambda d: self._assignment_answer(workflow, reservation, d, fallback),
        )

    def _assignment_answer(
        self, workflow: Workflow, reservation: Reservation, delivery: Any, fallback: bool
    ) -> None:
        if delivery.duplicate:
            return  # an at-least-once repeat: the first copy's answer was acted on
        with self._locked():
            url = delivery.endpoint or delivery.url
            if delivery.outcome != "delivered":
                self._alert(
                    11200,
                    "error",
                    f"Assignment callback {url} failed: "
                    f"{delivery.error or f'HTTP {delivery.status}'}",
                    reservation.sid,
                    url=url,
                    response_body=delivery.response_body,
                )
                if not fallback and workflow.fallback_assignment_callback_url:
                    self._assignment_callback(workflow, reservation, fallback=True)
                return
            body = bytes(delivery.response_body or b"").strip()
            if not body:
                return  # no answer: decide later
            try:
                answer = json.loads(body)
            except ValueError:
                answer = None
            if not isinstance(answer, dict):
                self._alert(
                    40001,
                    "warning",
                    "Could not parse Assignment Instruction response as JSON",
                    reservation.sid,
                    url=url,
                    response_body=body,
                )
                return
            if not answer:
                return  # {}: decide later
            instruction = answer.get("instruction")
            if instruction is None:
                self._alert(
                    40005,
                    "warning",
                    "Assignment Callback response does not contain 'instruction'",
                    reservation.sid,
                    url=url,
                    response_body=body,
                )
                return
            if reservation.reservation_status != "pending":
                return
            try:
                self._instruct(
                    reservation,
                    str(instruction),
                    from_=answer.get("from"),
                    to=answer.get("to"),
                    url=answer.get("url"),
                    call_sid=answer.get("call_sid"),
                    accept=_truthy(answer.get("accept")),
                    activity_sid=answer.get("activity_sid") or answer.get("post_work_activity_sid"),
                )
            except ApiError as err:
                self._alert(
                    40151 if err.code == 20001 else err.code,
                    "error",
                    err.message,
                    reservation.sid,
                    url=url,
                    response_body=body,
                )

    def _instruct(
        self,
        reservation: Reservation,
        instruction: str,
        *,
        from_: str | None = None,
        to: str | None = None,
        url: str | None = None,
        call_sid: str | None = None,
        accept: bool = False,
        activity_sid: str | None = None,
        if_match: str | None = None,
    ) -> None:
        """Carry out one of Twilio's reservation instructions (see the module docs)."""
        kind = instruction.lower()
        if kind not in INSTRUCTIONS:
            raise bad_request(
                f"Invalid Instruction {instruction!r}; expected one of {', '.join(INSTRUCTIONS)}"
            )
        if reservation.reservation_status != "pending":
            raise bad_request(
                f"Reservation {reservation.sid} is {reservation.reservation_status}, not pending"
            )
        attributes = reservation.task.attributes
        if kind in ("dequeue", "conference") and not attributes.get("call_sid"):
            raise ApiError(
                400,
                40140,
                f"Failed to issue {kind.title()} instruction due to missing 'call_sid' property "
                "in the task's attributes",
            )
        if kind == "call":
            for name, value in (("CallFrom", from_), ("CallTo", to), ("CallUrl", url)):
                if not value:
                    raise ApiError(
                        400, 40112 if name == "CallUrl" else 40110, f"{name} is required"
                    )
        if kind == "redirect":
            for name, value in (("RedirectCallSid", call_sid), ("RedirectUrl", url)):
                if not value:
                    raise bad_request(f"{name} is required for the redirect instruction")
        if kind == "reject":
            status = "rejected"
        elif kind in ("call", "redirect") and not accept:
            return  # the call is placed or redirected; the reservation waits
        else:
            status = "accepted"
        self._answer(
            reservation,
            status,
            worker_activity_sid=activity_sid if kind == "reject" else None,
            if_match=if_match,
        )


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)
