"""A conversation's scoped webhooks (``client.conversations.webhooks``)."""

from __future__ import annotations

from flexconv._async._base import AsyncResource
from flexconv._async.paging import AsyncPager
from flexconv._core.checks import check_http_url
from flexconv._core.conversations import (
    webhook_method,
)
from flexconv._core.errors import ValidationError
from flexconv._core.ops import conversations as ops
from flexconv._core.sids import check_sid
from flexconv.models.conversations import (
    ScopedWebhook,
)


class AsyncScopedWebhooks(AsyncResource):
    """Conversation-scoped webhooks: what receives a conversation's events."""

    _path = "conversations.webhooks"

    async def create(
        self,
        conversation: str,
        *,
        target: str,
        url: str | None = None,
        method: str | None = None,
        filters: list[str] | None = None,
        triggers: list[str] | None = None,
        flow_sid: str | None = None,
        replay_after: int | None = None,
    ) -> ScopedWebhook:
        """Attach a ``webhook`` (url), ``studio`` (flow_sid) or ``trigger`` (url + triggers).

        ``replay_after`` (a message index) replays the messages after it to the new webhook:
        a Studio flow attached to a running conversation sees the message that started it.
        """
        if replay_after is not None and (
            not isinstance(replay_after, int) or isinstance(replay_after, bool) or replay_after < 0
        ):
            raise ValidationError(
                f"replay_after must be a message index (0 or more), got {replay_after!r}"
            )
        if target not in ("webhook", "studio", "trigger"):
            raise ValidationError(f"target must be webhook, studio or trigger, got {target!r}")
        if target == "studio":
            check_sid(flow_sid, "FW", "flow_sid")
        else:
            check_http_url(url, f"A {target} webhook's url")
        return await self._call(
            ops.CREATE_SCOPED_WEBHOOK,
            ScopedWebhook,
            path_params={"ConversationSid": conversation},
            values={
                "target": target,
                "url": url,
                "method": webhook_method(method),
                "filters": filters,
                "triggers": triggers,
                "flow_sid": flow_sid,
                "replay_after": replay_after,
            },
        )

    def list(self, conversation: str, *, limit: int | None = None) -> AsyncPager[ScopedWebhook]:
        """The conversation's scoped webhooks (max page size 5)."""
        return self._list(
            ops.LIST_SCOPED_WEBHOOKS,
            ScopedWebhook,
            path_params={"ConversationSid": conversation},
            limit=limit,
        )

    async def delete(self, conversation: str, webhook_sid: str) -> None:
        """Remove a scoped webhook."""
        await self._call_raw(
            ops.DELETE_SCOPED_WEBHOOK,
            path_params={"ConversationSid": conversation, "Sid": webhook_sid},
        )
