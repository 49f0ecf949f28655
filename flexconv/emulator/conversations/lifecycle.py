"""Conversations' Python API for address configurations and conversations: create, update,
state changes, close and delete."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError, bad_request, not_found
from flexconv.emulator.conversations.entities import (
    ADDRESS_TYPES,
    STATES,
    AddressConfig,
    AutoCreation,
    Conversation,
    json_string,
)
from flexconv.emulator.conversations.params import (
    _check_address,
    _check_auto_creation,
    _closed_error,
    _dur,
)
from flexconv.emulator.conversations.pre_events import (
    conversation_add_params,
    conversation_params,
    send_pre_event,
)
from flexconv.emulator.conversations.timers import ConversationsTimers

if TYPE_CHECKING:
    pass


class ConversationsLifecycle(ConversationsTimers):
    """Creates and changes address configurations and conversations."""

    def create_address(
        self,
        type: str,
        address: str,
        *,
        friendly_name: str | None = None,
        auto_creation: AutoCreation | None = None,
        address_country: str | None = None,
    ) -> AddressConfig:
        """Create an address configuration (``IG…``)."""
        if type not in ADDRESS_TYPES:
            raise bad_request(f"Invalid Type {type!r}: expected one of {', '.join(ADDRESS_TYPES)}")
        _check_address(type, address)
        if self.find_address(address) is not None:
            raise bad_request(f"An address configuration for {address} already exists")
        ac = auto_creation or AutoCreation()
        _check_auto_creation(ac)
        if ac.enabled and ac.conversation_service_sid is None:
            ac.conversation_service_sid = self.chat_service_sid
        now = self.emu.clock.now()
        cfg = AddressConfig(
            self.emu.sids.new("IG"), type, address, friendly_name, ac, address_country, now, now
        )
        self.addresses[cfg.sid] = cfg
        return cfg

    # ------------------------------------------------------------------ conversations
    def create(
        self,
        *,
        friendly_name: str | None = None,
        unique_name: str | None = None,
        attributes: Any = None,
        state: str | None = None,
        timers_inactive: str | None = None,
        timers_closed: str | None = None,
        messaging_service_sid: str | None = None,
        email_binding: dict[str, str] | None = None,
        hooks: bool = False,
        source: str = "API",
        extra_params: Sequence[tuple[str, str]] = (),
        pre: bool = False,
        first_message: Sequence[tuple[str, str]] = (),
    ) -> Conversation:
        """Create a conversation; webhooks go out only when ``hooks`` is true.

        With ``pre``, the ``onConversationAdd`` pre-action webhook decides first (it may refuse,
        raising `PreEventRefused`, or change ``friendly_name``); ``first_message`` adds the
        binding and first message of a conversation auto-created for an inbound message.
        """
        state = state or "active"
        self._check_new(unique_name, state)
        attributes = json_string(attributes)
        messaging_service_sid = messaging_service_sid or self.messaging_service_sid
        if pre:
            params = conversation_add_params(
                self,
                friendly_name=friendly_name,
                unique_name=unique_name,
                attributes=attributes,
                state=state,
                messaging_service_sid=messaging_service_sid,
                first_message=first_message,
            )
            changes = send_pre_event(self, "onConversationAdd", params, source=source)
            friendly_name = changes.get("friendly_name", friendly_name)
            self._check_new(unique_name, state)  # the lock was released meanwhile
        now = self.emu.clock.now()
        conv = Conversation(
            sid=self.emu.sids.new("CH"),
            chat_service_sid=self.chat_service_sid,
            messaging_service_sid=messaging_service_sid,
            friendly_name=friendly_name,
            unique_name=unique_name,
            attributes=attributes,
            state=state,
            date_created=now,
            date_updated=now,
            email_binding=email_binding,
        )
        self._set_timers(
            conv,
            timers_inactive if timers_inactive is not None else self.default_inactive_timer,
            timers_closed if timers_closed is not None else self.default_closed_timer,
        )
        self.conversations[conv.sid] = conv
        self._schedule(conv)
        self._post_event(
            conv,
            "onConversationAdded",
            [*self._conv_params(conv), *extra_params],
            hooks=hooks,
            source=source,
        )
        self.emu.bus.emit("conversations.conversation.added", conversation=conv)
        return conv

    def _still_there(self, conv: Conversation) -> None:
        """After a pre-action webhook (the lock was released): the conversation still exists."""
        if self.find(conv.sid) is not conv:
            raise not_found(f"/v1/Conversations/{conv.sid}")

    def _check_new(self, unique_name: str | None, state: str) -> None:
        if unique_name is not None:
            self._check_unique_name(unique_name)
        if state not in STATES:
            raise bad_request(f"Invalid State {state!r}")

    def update(
        self,
        conv: Conversation,
        *,
        friendly_name: str | None = None,
        unique_name: str | None = None,
        attributes: Any = None,
        state: str | None = None,
        timers_inactive: str | None = None,
        timers_closed: str | None = None,
        hooks: bool = False,
        source: str = "API",
        pre: bool = False,
    ) -> Conversation:
        """Update a conversation; a closed conversation's state never changes.

        With ``pre``, the ``onConversationUpdate`` pre-action webhook sees the conversation as it
        would be and decides first (it may refuse, or change ``friendly_name``).
        """
        self._check_update(conv, unique_name, state)
        if attributes is not None:
            attributes = json_string(attributes)
        if pre:
            proposed = dataclasses.replace(
                conv,
                friendly_name=conv.friendly_name if friendly_name is None else friendly_name,
                unique_name=conv.unique_name if unique_name is None else unique_name,
                attributes=conv.attributes if attributes is None else attributes,
                state=conv.state if state is None else state,
                date_updated=self.emu.clock.now(),
            )
            params = conversation_params(self, proposed)
            changes = send_pre_event(self, "onConversationUpdate", params, source=source)
            friendly_name = changes.get("friendly_name", friendly_name)
            self._still_there(conv)
            self._check_update(conv, unique_name, state)  # the lock was released meanwhile
        if unique_name is not None:
            conv.unique_name = unique_name
        if friendly_name is not None:
            conv.friendly_name = friendly_name
        if attributes is not None:
            conv.attributes = attributes
        if timers_inactive is not None or timers_closed is not None:
            self._set_timers(
                conv,
                timers_inactive if timers_inactive is not None else _dur(conv.timer_inactive),
                timers_closed if timers_closed is not None else _dur(conv.timer_closed),
            )
        conv.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onConversationUpdated", self._conv_params(conv), hooks=hooks, source=source
        )
        if state is not None and state != conv.state:
            self.set_state(conv, state, hooks=hooks, source=source, reason="API")
        else:
            self._schedule(conv)
        return conv

    def _check_update(self, conv: Conversation, unique_name: str | None, state: str | None) -> None:
        if state is not None and state not in STATES:
            raise bad_request(f"Invalid State {state!r}")
        if state is not None and conv.closed and state != "closed":
            raise _closed_error(conv)
        if unique_name is not None and unique_name != conv.unique_name:
            self._check_unique_name(unique_name, besides=conv)

    def _check_unique_name(self, name: str, besides: Conversation | None = None) -> None:
        """No conversation but ``besides`` has the unique name ``name`` (409 otherwise)."""
        for other in self.conversations.values():
            if other is not besides and other.unique_name == name:
                raise ApiError(409, 50353, "Conversation with provided unique name already exists")

    def set_state(
        self,
        conv: Conversation,
        state: str,
        *,
        hooks: bool = True,
        source: str = "API",
        reason: str = "API",
    ) -> None:
        """Move a conversation to ``state`` (``closed`` is terminal) and tell everyone.

        ``reason`` is Twilio's: ``API`` (a REST change), ``TIMER`` or ``EVENT`` (a message).
        """
        if state == conv.state:
            return
        if conv.closed:
            raise _closed_error(conv)
        previous = conv.state
        conv.state = state
        conv.date_updated = self.emu.clock.now()
        if state != "active":
            conv.date_inactive = None
        self._schedule(conv)
        self._post_event(
            conv,
            "onConversationStateUpdated",
            [
                *self._conv_params(conv),
                ("StateFrom", previous),
                ("StateTo", state),
                (
                    "StateUpdated",
                    conv.date_updated.strftime("%Y-%m-%dT%H:%M:%S.")
                    + f"{conv.date_updated.microsecond // 1000:03d}Z",
                ),
                ("Reason", reason),
            ],
            hooks=hooks,
            source=source,
        )
        self.emu.bus.emit(
            "conversations.conversation.state_updated", conversation=conv, previous=previous
        )

    def close(
        self, conv: Conversation, *, hooks: bool = True, source: str = "API", reason: str = "API"
    ) -> None:
        """Close a conversation (no-op when already closed)."""
        if not conv.closed:
            self.set_state(conv, "closed", hooks=hooks, source=source, reason=reason)

    def delete(
        self, conv: Conversation, *, hooks: bool = False, source: str = "API", pre: bool = False
    ) -> None:
        """Delete a conversation; with ``pre`` the ``onConversationRemove`` pre-action webhook
        may refuse it first."""
        if pre:
            params = conversation_params(self, conv)
            send_pre_event(self, "onConversationRemove", params, source=source)
            self._still_there(conv)
        for timer in conv._timers:
            self.emu.clock.cancel(timer)
        del self.conversations[conv.sid]
        self._post_event(
            conv,
            "onConversationRemoved",
            [*self._conv_params(conv), self._removed()],
            hooks=hooks,
            source=source,
        )
        self.emu.bus.emit("conversations.conversation.removed", conversation=conv)
