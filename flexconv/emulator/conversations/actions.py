"""Conversations' Python API for message changes (update, remove) and for what customers send
through a messaging channel (`ConversationsActions.inbound`, with auto-creation)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from flexconv.emulator._base import not_found
from flexconv.emulator.conversations.entities import (
    Conversation,
    Media,
    Message,
    binding_type,
    json_string,
)
from flexconv.emulator.conversations.messaging import ConversationsMessaging
from flexconv.emulator.conversations.pre_events import (
    PreEventRefused,
    message_changes,
    message_params,
    send_pre_event,
)


class ConversationsActions(ConversationsMessaging):
    """Message changes and inbound customer messages."""

    def update_message(
        self,
        conv: Conversation,
        msg: Message,
        *,
        author: str | None = None,
        body: str | None = None,
        attributes: Any = None,
        hooks: bool = False,
        source: str = "API",
        pre: bool = False,
    ) -> Message:
        """Change a message; with ``pre`` the ``onMessageUpdate`` pre-action webhook sees it as
        it would be and may refuse the change or change ``body``, ``author``, ``attributes``."""
        if attributes is not None:
            attributes = json_string(attributes)
        if pre:
            proposed = dataclasses.replace(
                msg,
                author=author or msg.author,
                body=msg.body if body is None else body,
                attributes=msg.attributes if attributes is None else attributes,
                date_updated=self.emu.clock.now(),
            )
            params = message_params(self, conv, proposed)
            changes = send_pre_event(
                self, "onMessageUpdate", params, source=source, identity=proposed.author
            )
            body, author, attributes = message_changes(changes, body, author, attributes)
            self._still_there(conv)
            self._message_still_there(conv, msg)
        if author:
            msg.author = author
        if body is not None:
            msg.body = body
        if attributes is not None:
            msg.attributes = attributes
        msg.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onMessageUpdated", self._message_params(msg), hooks=hooks, source=source
        )
        return msg

    @staticmethod
    def _message_still_there(conv: Conversation, msg: Message) -> None:
        """The message is still in the conversation (a pre-action webhook, answered with the
        lock released, may have seen it removed)."""
        if msg not in conv.messages:
            raise not_found(f"/v1/Conversations/{conv.sid}/Messages/{msg.sid}")

    def remove_message(
        self,
        conv: Conversation,
        msg: Message,
        *,
        hooks: bool = False,
        source: str = "API",
        pre: bool = False,
    ) -> None:
        """Delete a message; with ``pre`` the ``onMessageRemove`` pre-action webhook may refuse
        it first."""
        if pre:
            params = message_params(self, conv, msg)
            send_pre_event(self, "onMessageRemove", params, source=source, identity=msg.author)
            self._still_there(conv)
        self._message_still_there(conv, msg)
        conv.messages.remove(msg)
        self._post_event(
            conv,
            "onMessageRemoved",
            [*self._message_params(msg), self._removed()],
            hooks=hooks,
            source=source,
        )

    def inbound(
        self, address_to: str, from_: str, body: str | None, media: Sequence[Media] = ()
    ) -> tuple[Conversation | None, Message | None]:
        """A customer's message arrives at ``address_to`` (what the carrier hands Twilio).

        Goes to the open conversation holding the binding; else, when the address configuration
        has auto-creation enabled, creates a conversation, adds the sender, appends the message
        and attaches the Studio flow or webhook.  Without either: 404 (Twilio would drop it, or
        hand it to the number's messaging webhook, which the emulator does not model).

        Each step first goes to its pre-action webhook when one is configured:
        ``onConversationAdd`` (with the binding, ``MessageBody`` and ``Media``),
        ``onParticipantAdd``, then ``onMessageAdd``.  A refusal stops there: the result is the
        conversation, if it was created, and ``None`` for the message.
        """
        channel = binding_type(from_)
        source = channel.upper()
        self.emu.messages.record(
            direction="inbound",
            from_=from_,
            to=address_to,
            body=body or "",
            num_media=len(media),
            messaging_service_sid=self.messaging_service_sid,
        )
        for m in media:
            self.media.setdefault(m.sid, m)
        conv: Conversation | None = None
        try:
            held = self.open_binding(from_, address_to)
            if held is not None:
                conv, p = held
            else:
                conv = self._auto_create(address_to, from_, body, media, source)
                p = self.add_participant(
                    conv,
                    address=from_,
                    proxy_address=address_to,
                    hooks=True,
                    source=source,
                    pre=True,
                )
            msg = self.add_message(
                conv,
                author=p.address,
                body=body,
                media_sids=[m.sid for m in media],
                hooks=True,
                source=source,
                pre=True,
            )
        except PreEventRefused:
            return conv, None
        return conv, msg

    def _auto_create(
        self, address_to: str, from_: str, body: str | None, media: Sequence[Media], source: str
    ) -> Conversation:
        cfg = self.find_address(address_to)
        if cfg is None or not cfg.auto_creation.enabled:
            raise not_found(f"address configuration with auto-creation for {address_to}")
        binding = [
            ("MessagingBinding.Address", from_),
            ("MessagingBinding.ProxyAddress", address_to),
        ]
        first = [*binding, ("MessageBody", body or "")]
        if media:
            first.append(("Media", json.dumps([m.to_json() for m in media])))
        conv = self.create(
            friendly_name=None,
            hooks=True,
            source=source,
            extra_params=binding,
            pre=True,
            first_message=first,
        )
        ac = cfg.auto_creation
        if ac.type == "studio":
            self.add_webhook(
                conv, "studio", flow_sid=ac.studio_flow_sid, filters=["onMessageAdded"]
            )
        elif ac.type == "webhook":
            self.add_webhook(
                conv,
                "webhook",
                url=ac.webhook_url,
                method=ac.webhook_method or "POST",
                filters=ac.webhook_filters or ["onMessageAdded"],
            )
        return conv
