"""Point Twilio's callbacks at a receiver, idempotently, with a dry-run diff: the workspace's
``EventCallbackUrl``/``EventsFilter``, workflows' ``AssignmentCallbackUrl`` (and fallback), and
Conversations webhooks (the account's, or conversation-scoped ones).

Twilio sends a webhook again only as its
[connection overrides](https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides)
say: by default once more when the connection failed or no answer came in time, never after an
answer such as the receiver's 500 (a handler failed) or 503 (the same event or key is busy).
So the TaskRouter URLs are written with a ``#rc=5&rp=ct,rt,5xx`` fragment (`DEFAULT_RETRY_COUNT`,
`DEFAULT_RETRY_ON`).  Twilio neither sends nor signs the fragment.  Conversations webhooks take
no overrides (Twilio never sends them again), so their URL is written without it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from flexconv._core.checks import check_http_url
from flexconv._core.routing_checks import events_filter as check_events_filter
from flexconv.lifecycle.wiring_plan import (
    DEFAULT_RETRY_COUNT,
    DEFAULT_RETRY_ON,
    WiringChange,
    WiringPlan,
    check_retry_count,
    check_retry_on,
    redelivery_url,
)

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv

__all__ = [
    "DEFAULT_CONVERSATIONS_EVENTS",
    "DEFAULT_RETRY_COUNT",
    "DEFAULT_RETRY_ON",
    "DEFAULT_TASKROUTER_EVENTS",
    "AsyncWiring",
]

#: The TaskRouter events the lifecycle policies react to.
DEFAULT_TASKROUTER_EVENTS = (
    "reservation.created",
    "reservation.accepted",
    "reservation.rejected",
    "reservation.timeout",
    "task.wrapup",
    "task.completed",
    "task.canceled",
    "task.deleted",
    "task.system-deleted",
    "workflow.timeout",
)

#: The Conversations post-events the lifecycle policies react to.
DEFAULT_CONVERSATIONS_EVENTS = ("onParticipantRemoved", "onConversationStateUpdated")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


class AsyncWiring:
    """Wires an account's callbacks to a receiver's public URL (see `ensure`).

    ```python
    plan = AsyncWiring(client).ensure("https://hooks.example.com/twilio", dry_run=True)
    print(plan.diff())
    ```

    Args:
        client: the client that reads and writes the settings.
        retry_count: Twilio's ``rc`` override on the TaskRouter callback URLs (0 to 5), or
            ``None`` to write them without overrides.
        retry_on: Twilio's ``rp`` override: some of ``ct``, ``rt``, ``4xx``, ``5xx``, or
            ``all``.

    A URL passed to `ensure` with its own ``#`` fragment is written as it is.
    """

    def __init__(
        self,
        client: AsyncFlexConv,
        *,
        retry_count: int | None = DEFAULT_RETRY_COUNT,
        retry_on: Sequence[str] = DEFAULT_RETRY_ON,
    ) -> None:
        self.retry_count = check_retry_count(retry_count)  # refuse bad values now
        self.retry_on = check_retry_on(retry_on)
        self.client = client

    async def ensure(
        self,
        url: str,
        *,
        events: Iterable[str] | None = DEFAULT_TASKROUTER_EVENTS,
        workflows: Sequence[str] | None = None,
        fallback_url: str | None = None,
        conversations: bool = True,
        conversation_events: Iterable[str] = DEFAULT_CONVERSATIONS_EVENTS,
        conversation_sids: Sequence[str] = (),
        workspace_sid: str | None = None,
        dry_run: bool = False,
    ) -> WiringPlan:
        """Bring the callback settings to ``url``, changing only what differs.

        Args:
            url: the receiver's public URL (what Twilio calls and signs); the TaskRouter URLs
                get the connection overrides (see the class), unless ``url`` has a fragment.
            events: the workspace's ``EventsFilter`` (``None``: every event); event types
                already in the filter are kept.
            workflows: workflow SIDs (``WW…``) whose ``AssignmentCallbackUrl`` becomes ``url``
                (none by default: an assignment callback takes over every reservation's answer).
            fallback_url: their ``FallbackAssignmentCallbackUrl``.
            conversations: point the account's Conversations post-event webhook at ``url`` with
                ``conversation_events`` added to its filters.
            conversation_sids: conversations that get a scoped ``webhook`` to ``url`` (one each;
                an existing one to ``url`` is kept).
            workspace_sid: the workspace (default: the client's).
            dry_run: return the plan without writing.

        Running it twice changes nothing the second time.
        """
        check_http_url(url, "url")
        if fallback_url is not None:
            check_http_url(fallback_url, "fallback_url")
        wanted_events = None if events is None else list(events)
        if wanted_events is not None:
            check_events_filter(wanted_events)
        conv_events = list(conversation_events)
        taskrouter_url = redelivery_url(url, self.retry_count, self.retry_on)
        conversations_url = url.partition("#")[0]  # Conversations webhooks take no overrides
        plan = WiringPlan()
        routing = self.client.routing

        workspace = await routing.workspaces.fetch(workspace_sid=workspace_sid)
        ws_label = f"workspace {workspace.sid}"
        ws_changes: dict[str, str] = {}
        if workspace.event_callback_url != taskrouter_url:
            plan.changes.append(
                WiringChange(
                    ws_label, "event_callback_url", workspace.event_callback_url, taskrouter_url
                )
            )
            ws_changes["event_callback_url"] = taskrouter_url
        current_filter = _split(workspace.events_filter)
        if wanted_events is None:
            if current_filter:
                plan.changes.append(
                    WiringChange(ws_label, "events_filter", workspace.events_filter, "")
                )
                ws_changes["events_filter"] = ""
        elif current_filter or workspace.event_callback_url != taskrouter_url:
            merged = current_filter + [e for e in wanted_events if e not in current_filter]
            if merged != current_filter:
                new = ",".join(merged)
                plan.changes.append(
                    WiringChange(ws_label, "events_filter", workspace.events_filter, new)
                )
                ws_changes["events_filter"] = new

        wf_updates: list[tuple[str, dict[str, str]]] = []
        for workflow_sid in workflows or ():
            workflow = await routing.workflows.fetch(workflow_sid, workspace_sid=workspace_sid)
            label = f"workflow {workflow.sid}"
            change: dict[str, str] = {}
            if workflow.assignment_callback_url != taskrouter_url:
                plan.changes.append(
                    WiringChange(
                        label,
                        "assignment_callback_url",
                        workflow.assignment_callback_url,
                        taskrouter_url,
                    )
                )
                change["assignment_callback_url"] = taskrouter_url
            if (
                fallback_url is not None
                and workflow.fallback_assignment_callback_url != fallback_url
            ):
                plan.changes.append(
                    WiringChange(
                        label,
                        "fallback_assignment_callback_url",
                        workflow.fallback_assignment_callback_url,
                        fallback_url,
                    )
                )
                change["fallback_assignment_callback_url"] = fallback_url
            if change:
                wf_updates.append((workflow_sid, change))

        hooks_update: dict[str, object] = {}
        if conversations:
            hooks = await self.client.conversations.configuration.webhooks.fetch()
            label = "conversations service webhooks"
            if hooks.post_webhook_url != conversations_url:
                plan.changes.append(
                    WiringChange(
                        label, "post_webhook_url", hooks.post_webhook_url, conversations_url
                    )
                )
                hooks_update["post_webhook_url"] = conversations_url
            filters = list(hooks.filters or [])
            merged_filters = filters + [e for e in conv_events if e not in filters]
            if merged_filters != filters:
                plan.changes.append(WiringChange(label, "filters", filters, merged_filters))
                hooks_update["filters"] = merged_filters
            if hooks_update and (hooks.method or "POST").upper() != "POST":
                plan.changes.append(WiringChange(label, "method", hooks.method, "POST"))
                hooks_update["method"] = "POST"

        scoped: list[str] = []
        for conversation_sid in conversation_sids:
            existing = await self.client.conversations.webhooks.list(conversation_sid).to_list()
            if not any(h.target == "webhook" and h.url == conversations_url for h in existing):
                plan.changes.append(
                    WiringChange(
                        f"conversation {conversation_sid}", "webhook", None, conversations_url
                    )
                )
                scoped.append(conversation_sid)

        if dry_run or not plan.changes:
            plan.applied = not plan.changes and not dry_run
            return plan
        if ws_changes:
            await routing.workspaces.update(
                event_callback_url=ws_changes.get("event_callback_url"),
                events_filter=ws_changes.get("events_filter"),
                workspace_sid=workspace.sid,
            )
        for workflow_sid, change in wf_updates:
            await routing.workflows.update(
                workflow_sid,
                assignment_callback_url=change.get("assignment_callback_url"),
                fallback_assignment_callback_url=change.get("fallback_assignment_callback_url"),
                workspace_sid=workspace.sid,
            )
        if hooks_update:
            filters_new = hooks_update.get("filters")
            await self.client.conversations.configuration.webhooks.update(
                post_webhook_url=conversations_url,
                filters=list(filters_new) if isinstance(filters_new, list) else None,
                method="POST" if "method" in hooks_update else None,
            )
        for conversation_sid in scoped:
            await self.client.conversations.webhooks.create(
                conversation_sid,
                target="webhook",
                url=conversations_url,
                method="POST",
                filters=[*conv_events, "onMessageAdded"],
            )
        plan.applied = True
        return plan
