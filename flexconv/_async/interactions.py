"""``client.interactions``: Flex Interactions with typed Channel/Routing values, waiting for the
asynchronous channel creation, safe agent-initiated outbound, invites, transfers and pacing.

The sub-groups live in `interactions_channels`, `interactions_participants`,
`interactions_invites` and `interactions_transfers`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._async.interactions_channels import AsyncInteractionChannels
from flexconv._async.interactions_invites import AsyncInteractionInvites
from flexconv._async.interactions_participants import AsyncInteractionParticipants
from flexconv._async.interactions_transfers import AsyncInteractionTransfers
from flexconv._core import interactions as core
from flexconv._core.errors import ValidationError
from flexconv._core.interactions import check_wait
from flexconv._core.ops import interactions as ops
from flexconv._core.sids import check_sid, is_sid
from flexconv.models.interactions import (
    ChannelSpec,
    CustomerAddress,
    Interaction,
    InteractionChannel,
    InteractionInvite,
    RoutingSpec,
)

__all__ = [
    "AsyncInteractionChannels",
    "AsyncInteractionInvites",
    "AsyncInteractionParticipants",
    "AsyncInteractionTransfers",
    "AsyncInteractions",
]

#: How often [`AsyncInteractions.wait_for_channel()`][flexconv._async.interactions.AsyncInteractions.wait_for_channel] re-reads the channel by default.
DEFAULT_POLL_INTERVAL = 0.5


class AsyncInteractions(AsyncResource):
    """Flex Interactions (``client.interactions``), with the sub-groups ``channels``,
    ``participants``, ``invites`` and ``transfers`` nested as in the API.

    Creating an interaction answers 2xx before its channel exists: pass ``wait=True`` (or call
    `wait_for_channel`) to wait until the channel is ``active``; a ``failed`` channel raises
    `ChannelFailedError` with Twilio's error code and message.  The API allows 20 requests per
    second per endpoint: ``client.interactions.paced()`` keeps bulk work under it.
    """

    _path = "interactions"

    @cached_property
    def channels(self) -> AsyncInteractionChannels:
        """An interaction's channels: ``list``, ``fetch``, ``close``, ``deactivate``."""
        return self._group(AsyncInteractionChannels)

    @cached_property
    def participants(self) -> AsyncInteractionParticipants:
        """A channel's participants: ``list``, ``create``, ``update``."""
        return self._group(AsyncInteractionParticipants)

    @cached_property
    def invites(self) -> AsyncInteractionInvites:
        """A channel's invites: ``list``, ``create``."""
        return self._group(AsyncInteractionInvites)

    @cached_property
    def transfers(self) -> AsyncInteractionTransfers:
        """A channel's transfers: ``create``, ``fetch``, ``update``."""
        return self._group(AsyncInteractionTransfers)

    # ------------------------------------------------------------------ interactions

    async def create(
        self,
        channel: ChannelSpec,
        routing: RoutingSpec | None = None,
        *,
        interaction_context_sid: str | None = None,
        webhook_ttid: str | None = None,
        wait: bool = False,
        timeout: float = 30.0,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_poll: Callable[[], object] | None = None,
    ) -> Interaction:
        """Create an interaction from typed ``Channel`` and ``Routing`` values.

        Twilio accepts the request (2xx) before the channel exists.  With ``wait=True`` this
        waits (see [`wait_for_channel()`][flexconv._async.interactions.AsyncInteractions.wait_for_channel]) until the channel is ``active`` and raises
        [`ChannelFailedError`][flexconv.ChannelFailedError] if it fails, [`ChannelWaitTimeoutError`][flexconv.ChannelWaitTimeoutError] after ``timeout``.
        """
        if not isinstance(channel, ChannelSpec):
            raise ValidationError(f"channel must be a ChannelSpec, got {type(channel).__name__}")
        if routing is not None and not isinstance(routing, RoutingSpec):
            raise ValidationError(f"routing must be a RoutingSpec, got {type(routing).__name__}")
        if interaction_context_sid is not None:
            check_sid(interaction_context_sid, "HQ", "interaction_context_sid")
        if wait:
            check_wait(timeout, poll_interval)
        inter = await self._call(
            ops.CREATE_INTERACTION,
            Interaction,
            values={
                "channel": channel.to_wire(),
                "routing": routing.to_wire() if routing is not None else None,
                "interaction_context_sid": interaction_context_sid,
                "webhook_ttid": webhook_ttid,
            },
        )
        if wait:
            await self.wait_for_channel(
                inter, timeout=timeout, poll_interval=poll_interval, on_poll=on_poll
            )
        return inter

    async def create_for_conversation(
        self,
        conversation_sid: str,
        routing: RoutingSpec,
        *,
        channel_type: str = "sms",
        wait: bool = False,
        timeout: float = 30.0,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_poll: Callable[[], object] | None = None,
    ) -> Interaction:
        """A customer-initiated interaction bound to an existing conversation (``CH…``)."""
        return await self.create(
            ChannelSpec(type=channel_type, media_channel_sid=conversation_sid),
            routing,
            wait=wait,
            timeout=timeout,
            poll_interval=poll_interval,
            on_poll=on_poll,
        )

    async def fetch(self, interaction_sid: str) -> Interaction:
        """One interaction."""
        return await self._call(
            ops.FETCH_INTERACTION, Interaction, path_params={"Sid": interaction_sid}
        )

    async def update(self, interaction_sid: str, *, webhook_ttid: str) -> Interaction:
        """Change an interaction: ``webhook_ttid`` names its interaction-level webhook."""
        if not isinstance(webhook_ttid, str) or not webhook_ttid.strip():
            raise ValidationError(f"webhook_ttid must be a non-empty string, got {webhook_ttid!r}")
        return await self._call(
            ops.UPDATE_INTERACTION,
            Interaction,
            path_params={"Sid": interaction_sid},
            values={"webhook_ttid": webhook_ttid},
        )

    async def start_outbound(
        self,
        customer: CustomerAddress | str,
        *,
        worker: str,
        workflow_sid: str,
        workspace_sid: str | None = None,
        channel_type: str = "sms",
        proxy_address: str | None = None,
        task_channel_unique_name: str = "chat",
        attributes: Mapping[str, Any] | None = None,
        on_existing: Literal["reuse", "refuse"] = "reuse",
        wait: bool = False,
        timeout: float = 30.0,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_poll: Callable[[], object] | None = None,
    ) -> Interaction:
        """Start an agent-initiated (outbound) interaction to ``customer`` for ``worker``.

        Before creating, the customer's address is looked up in ``ParticipantConversations``: if
        they are still in a non-closed conversation, ``on_existing="reuse"`` binds the interaction
        to it (``media_channel_sid``) and ``"refuse"`` raises [`ExistingConversationError`][flexconv.ExistingConversationError]
        naming it.  So the agent never gets an empty second conversation.  ``worker`` is a WK SID
        or a friendly name (resolved in ``workspace_sid``, by default the client's workspace).
        """
        if on_existing not in ("reuse", "refuse"):
            raise ValidationError(f'on_existing must be "reuse" or "refuse", got {on_existing!r}')
        if isinstance(customer, str):
            customer = CustomerAddress(address=customer, proxy_address=proxy_address)
        elif not isinstance(customer, CustomerAddress):
            raise ValidationError("customer must be an address string or a CustomerAddress")
        check_sid(workflow_sid, "WW", "workflow_sid")
        core.ChannelSpec(type=channel_type, initiated_by="agent", participants=(customer,))
        workspace_sid = await self._workspace(workspace_sid)
        worker_sid = await self._worker_sid(workspace_sid, worker)
        existing = await self._client.conversations.find_open(
            customer.address, proxy_address=customer.proxy_address
        )
        if existing:
            first = existing[0]
            assert first.conversation_sid is not None
            if on_existing == "refuse":
                raise core.ExistingConversationError(
                    customer.address, first.conversation_sid, first.conversation_state
                )
            channel = ChannelSpec(
                type=channel_type, initiated_by="agent", media_channel_sid=first.conversation_sid
            )
        else:
            channel = ChannelSpec(type=channel_type, initiated_by="agent", participants=(customer,))
        task_attrs: dict[str, Any] = {
            "customerAddress": customer.address,
            "from": customer.address,
            "name": customer.address,
        }
        task_attrs.update(attributes or {})
        routing = RoutingSpec(
            workspace_sid=workspace_sid,
            workflow_sid=workflow_sid,
            task_channel_unique_name=task_channel_unique_name,
            worker_sid=worker_sid,
            attributes=task_attrs,
        )
        return await self.create(
            channel,
            routing,
            wait=wait,
            timeout=timeout,
            poll_interval=poll_interval,
            on_poll=on_poll,
        )

    async def _worker_sid(self, workspace_sid: str, worker: str) -> str:
        if is_sid(worker, "WK"):
            return worker
        found = await self._client.routing.workers.resolve(worker, workspace_sid=workspace_sid)
        assert found.sid is not None
        return found.sid

    # ------------------------------------------------------------------ waiting

    async def wait_for_channel(
        self,
        interaction: Interaction | str,
        channel_sid: str | None = None,
        *,
        timeout: float = 30.0,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_poll: Callable[[], object] | None = None,
    ) -> InteractionChannel:
        """Wait until an interaction's channel is ``active``; return it.

        Polls the channel every ``poll_interval`` seconds.  A ``failed``
        channel raises [`ChannelFailedError`][flexconv.ChannelFailedError] (Twilio's ``error_code``/``error_message``);
        still not active after ``timeout`` seconds raises [`ChannelWaitTimeoutError`][flexconv.ChannelWaitTimeoutError].  ``timeout``
        counts both the time slept and the wall time, whichever is larger.  ``on_poll`` is
        called before each re-read.  A client for an in-process emulator
        ([`emulated()`][flexconv._async.client.AsyncFlexConv.emulated]) waits on the emulator's virtual clock:
        each pause advances it by the poll interval, so the channel's set-up runs and no real
        time passes.  A served emulator runs what is due before each request (``auto_tick``).
        """
        if isinstance(interaction, Interaction):
            interaction_sid = interaction.sid or ""
            channel_sid = channel_sid or interaction.channel_sid
        else:
            interaction_sid = interaction
        check_sid(interaction_sid, "KD", "interaction_sid")
        check_wait(timeout, poll_interval)
        started = time.monotonic()
        slept = 0.0
        while True:
            if on_poll is not None:
                on_poll()
            channel = await self._current_channel(interaction_sid, channel_sid)
            if channel is not None:
                channel_sid = channel.sid
                outcome = core.channel_outcome(str(channel.status) if channel.status else None)
                if outcome == "active":
                    return channel
                if outcome == "failed":
                    raise core.ChannelFailedError(
                        interaction_sid,
                        channel.sid or "",
                        channel.error_code,
                        channel.error_message,
                    )
                if outcome == "ended":
                    return channel
            elapsed = max(slept, time.monotonic() - started)
            if elapsed >= timeout:
                status = str(channel.status) if channel is not None else "not created yet"
                raise core.ChannelWaitTimeoutError(
                    interaction_sid, channel_sid or "?", status, timeout
                )
            step = min(poll_interval, max(timeout - elapsed, 0.0))
            await self._client._pause(step)
            slept += step

    async def _current_channel(
        self, interaction_sid: str, channel_sid: str | None
    ) -> InteractionChannel | None:
        if channel_sid is not None:
            return await self.channels.fetch(interaction_sid, channel_sid)
        channels = await self.channels.list(interaction_sid).to_list()
        return channels[0] if channels else None

    async def invite_worker(
        self,
        interaction_sid: str,
        channel_sid: str,
        worker: str,
        *,
        workspace_sid: str | None = None,
        workflow_sid: str | None = None,
        task_channel_unique_name: str = "chat",
        known_worker_attribute: str = "last_agent_sid",
        attributes: Mapping[str, Any] | None = None,
        allow_orphan: bool = False,
    ) -> InteractionInvite:
        """Invite one agent (``worker``: a WK SID or a friendly name, resolved to its SID).

        An agent who declines a worker-targeted invite leaves the conversation without anyone.
        So this needs ``workflow_sid`` of a known-agent workflow (see
        [`last_agent_then_queue()`][flexconv.models.routing.last_agent_then_queue]): the worker's SID is also put in
        the task attribute ``known_worker_attribute``, so a decline or timeout falls back to the
        workflow's queue.  Pass ``allow_orphan=True`` to invite without that safety net.
        """
        if workflow_sid is None and not allow_orphan:
            raise ValidationError(
                "A worker-targeted invite that the agent declines leaves the conversation "
                "orphaned: pass workflow_sid= of a known-agent workflow (last_agent_then_queue) so "
                "a decline falls back to a queue, or allow_orphan=True to accept the risk"
            )
        workspace_sid = await self._workspace(workspace_sid)
        worker_sid = await self._worker_sid(workspace_sid, worker)
        task_attrs = dict(attributes or {})
        task_attrs[known_worker_attribute] = worker_sid
        routing = RoutingSpec(
            workspace_sid=workspace_sid,
            workflow_sid=workflow_sid,
            task_channel_unique_name=task_channel_unique_name,
            worker_sid=worker_sid,
            attributes=task_attrs,
        )
        return await self.invites.create(interaction_sid, channel_sid, routing)

    async def invite_queue(
        self,
        interaction_sid: str,
        channel_sid: str,
        queue_sid: str,
        *,
        workspace_sid: str | None = None,
        workflow_sid: str | None = None,
        task_channel_unique_name: str = "chat",
        attributes: Mapping[str, Any] | None = None,
    ) -> InteractionInvite:
        """Invite a queue (``WQ…``): any of its agents may take the new task."""
        check_sid(queue_sid, "WQ", "queue_sid")
        routing = RoutingSpec(
            workspace_sid=await self._workspace(workspace_sid),
            workflow_sid=workflow_sid,
            task_channel_unique_name=task_channel_unique_name,
            queue_sid=queue_sid,
            attributes=dict(attributes) if attributes is not None else None,
        )
        return await self.invites.create(interaction_sid, channel_sid, routing)
