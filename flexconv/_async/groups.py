"""The resource groups of the client (``client.routing``, ``client.conversations``, ...), each
built on first use and kept for the client."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from flexconv._async.account import AsyncAccount
    from flexconv._async.attachments import AsyncAttachments
    from flexconv._async.channels import AsyncChannels
    from flexconv._async.client import AsyncFlexConv
    from flexconv._async.configuration import AsyncConfiguration
    from flexconv._async.conversations import AsyncConversations
    from flexconv._async.doctor import AsyncDoctor
    from flexconv._async.interactions import AsyncInteractions
    from flexconv._async.messaging import AsyncMessaging
    from flexconv._async.phone_numbers import AsyncPhoneNumbers
    from flexconv._async.routing import AsyncRouting
    from flexconv._async.studio import AsyncStudio
    from flexconv._async.task_channels import AsyncTaskChannels

__all__ = ["AsyncResourceGroups"]


class AsyncResourceGroups:
    """The resource groups of [`AsyncFlexConv`][flexconv._async.client.AsyncFlexConv], which
    inherits them."""

    @cached_property
    def configuration(self) -> AsyncConfiguration:
        """The Flex Configuration."""
        from flexconv._async.configuration import AsyncConfiguration

        return AsyncConfiguration(cast("AsyncFlexConv", self))

    @cached_property
    def attachments(self) -> AsyncAttachments:
        """Attachment settings per channel (``channel_configs[].cbm_attachments``), changed safely."""
        from flexconv._async.attachments import AsyncAttachments

        return AsyncAttachments(cast("AsyncFlexConv", self))

    @cached_property
    def channels(self) -> AsyncChannels:
        """Conversations addresses (sms, whatsapp, messenger, chat, ...) and their Flex setups."""
        from flexconv._async.channels import AsyncChannels

        return AsyncChannels(cast("AsyncFlexConv", self))

    @cached_property
    def task_channels(self) -> AsyncTaskChannels:
        """TaskRouter task channels, including custom chat-capable ones."""
        from flexconv._async.task_channels import AsyncTaskChannels

        return AsyncTaskChannels(cast("AsyncFlexConv", self))

    @cached_property
    def interactions(self) -> AsyncInteractions:
        """Flex Interactions: channels, participants, invites, transfers."""
        from flexconv._async.interactions import AsyncInteractions

        return AsyncInteractions(cast("AsyncFlexConv", self))

    @cached_property
    def routing(self) -> AsyncRouting:
        """TaskRouter workflows (known-agent routing), workers and tasks."""
        from flexconv._async.routing import AsyncRouting

        return AsyncRouting(cast("AsyncFlexConv", self))

    @cached_property
    def conversations(self) -> AsyncConversations:
        """Conversations, participants, messages and conversation-scoped webhooks."""
        from flexconv._async.conversations import AsyncConversations

        return AsyncConversations(cast("AsyncFlexConv", self))

    @cached_property
    def studio(self) -> AsyncStudio:
        """Studio flows (Flex's Messaging Flow and your own)."""
        from flexconv._async.studio import AsyncStudio

        return AsyncStudio(cast("AsyncFlexConv", self))

    @cached_property
    def phone_numbers(self) -> AsyncPhoneNumbers:
        """The account's phone numbers (2010 API ``IncomingPhoneNumbers``)."""
        from flexconv._async.phone_numbers import AsyncPhoneNumbers

        return AsyncPhoneNumbers(cast("AsyncFlexConv", self))

    @cached_property
    def messaging(self) -> AsyncMessaging:
        """Messaging Services and the phone numbers in them (the Messaging API; reads)."""
        from flexconv._async.messaging import AsyncMessaging

        return AsyncMessaging(cast("AsyncFlexConv", self))

    @cached_property
    def doctor(self) -> AsyncDoctor:
        """Trace one inbound flow, scan the account, rescue orphans, tell legacy from Conversations."""
        from flexconv._async.doctor import AsyncDoctor

        return AsyncDoctor(cast("AsyncFlexConv", self))

    @cached_property
    def account(self) -> AsyncAccount:
        """The whole contact centre as desired state: ``ensure`` (``flexconv apply``)."""
        from flexconv._async.account import AsyncAccount

        return AsyncAccount(cast("AsyncFlexConv", self))
