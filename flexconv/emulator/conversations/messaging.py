"""Conversations' Python API inside a conversation: participants, media, new messages and
scoped webhooks."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError, bad_request, is_sid, not_found
from flexconv.emulator.conversations.entities import (
    POST_EVENTS,
    SCOPED_TARGETS,
    Conversation,
    Media,
    Message,
    Participant,
    ScopedWebhook,
    json_string,
)
from flexconv.emulator.conversations.lifecycle import ConversationsLifecycle
from flexconv.emulator.conversations.params import _closed_error
from flexconv.emulator.conversations.pre_events import (
    message_add_params,
    message_changes,
    participant_add_params,
    participant_params,
    send_pre_event,
)

if TYPE_CHECKING:
    pass


class ConversationsMessaging(ConversationsLifecycle):
    """Participants, messages and scoped webhooks of a conversation."""

    def add_participant(
        self,
        conv: Conversation,
        *,
        identity: str | None = None,
        address: str | None = None,
        proxy_address: str | None = None,
        projected_address: str | None = None,
        attributes: Any = None,
        role_sid: str | None = None,
        hooks: bool = False,
        source: str = "API",
        pre: bool = False,
    ) -> Participant:
        """Add a participant, enforcing one non-closed conversation per messaging binding;
        with ``pre`` the ``onParticipantAdd`` pre-action webhook may refuse it first."""
        self._check_participant(conv, identity, address, proxy_address, projected_address, role_sid)
        if role_sid is None and identity is not None:
            role_sid = self.role_by_name("channel user").sid
        attributes = json_string(attributes)
        if pre:
            params = participant_add_params(
                self,
                conv,
                identity=identity,
                address=address,
                proxy_address=proxy_address,
                projected_address=projected_address,
                attributes=attributes,
                role_sid=role_sid,
            )
            send_pre_event(self, "onParticipantAdd", params, source=source, identity=identity)
            self._still_there(conv)
            self._check_participant(
                conv, identity, address, proxy_address, projected_address, role_sid
            )
        now = self.emu.clock.now()
        p = Participant(
            sid=self.emu.sids.new("MB"),
            conversation_sid=conv.sid,
            identity=identity,
            address=address,
            proxy_address=proxy_address,
            projected_address=projected_address,
            attributes=attributes,
            role_sid=role_sid,
            date_created=now,
            date_updated=now,
        )
        conv.participants[p.sid] = p
        conv.date_updated = now
        self._post_event(
            conv, "onParticipantAdded", self._participant_params(p), hooks=hooks, source=source
        )
        self.emu.bus.emit("conversations.participant.added", conversation=conv, participant=p)
        return p

    def _check_participant(
        self,
        conv: Conversation,
        identity: str | None,
        address: str | None,
        proxy_address: str | None,
        projected_address: str | None,
        role_sid: str | None,
    ) -> None:
        if conv.closed:
            raise _closed_error(conv)
        if identity is None and address is None and projected_address is None:
            raise bad_request("Either Identity or MessagingBinding.Address is required")
        if identity is not None and address is not None:
            raise bad_request("Identity and MessagingBinding.Address are mutually exclusive")
        if address is not None and proxy_address is None:
            raise bad_request(
                "MessagingBinding.ProxyAddress is required with MessagingBinding.Address"
            )
        if role_sid is not None:
            role = self.roles.get(role_sid)
            if role is None or role.type != "conversation":
                raise bad_request(f"RoleSid {role_sid} is not a conversation role")
        if identity is not None:
            for p in conv.participants.values():
                if p.identity == identity:
                    raise ApiError(409, 50433, "Participant already exists")
        if address is not None:
            held = self.open_binding(address, proxy_address)
            if held is not None:
                raise ApiError(
                    409,
                    50416,
                    "A binding for this participant and proxy address already exists in "
                    f"Conversation {held[0].sid}",
                )

    def update_participant(
        self,
        conv: Conversation,
        p: Participant,
        *,
        attributes: Any = None,
        role_sid: str | None = None,
        identity: str | None = None,
        proxy_address: str | None = None,
        last_read_message_index: int | None = None,
        last_read_timestamp: str | None = None,
        hooks: bool = False,
        source: str = "API",
        pre: bool = False,
    ) -> Participant:
        """Update a participant; with ``pre`` the ``onParticipantUpdate`` pre-action webhook
        sees it as it would be and may refuse the change first."""
        if attributes is not None:
            attributes = json_string(attributes)
        if role_sid is not None:
            role = self.roles.get(role_sid)
            if role is None or role.type != "conversation":
                raise bad_request(f"RoleSid {role_sid} is not a conversation role")
        if pre:
            proposed = dataclasses.replace(
                p,
                attributes=p.attributes if attributes is None else attributes,
                role_sid=p.role_sid if role_sid is None else role_sid,
                identity=p.identity if identity is None else identity,
                proxy_address=p.proxy_address if proxy_address is None else proxy_address,
                date_updated=self.emu.clock.now(),
            )
            params = participant_params(self, conv, proposed)
            if last_read_message_index is not None:
                params.append(("LastReadMessageIndex", str(last_read_message_index)))
            send_pre_event(self, "onParticipantUpdate", params, source=source, identity=p.identity)
            self._still_there(conv)
            if self.find_participant(conv, p.sid) is not p:
                raise not_found(f"/v1/Conversations/{conv.sid}/Participants/{p.sid}")
        if attributes is not None:
            p.attributes = attributes
        if role_sid is not None:
            p.role_sid = role_sid
        if identity is not None:
            p.identity = identity
        if proxy_address is not None:
            p.proxy_address = proxy_address
        if last_read_message_index is not None:
            p.last_read_message_index = last_read_message_index
        if last_read_timestamp is not None:
            p.last_read_timestamp = last_read_timestamp
        p.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onParticipantUpdated", self._participant_params(p), hooks=hooks, source=source
        )
        return p

    def remove_participant(
        self,
        conv: Conversation,
        p: Participant,
        *,
        hooks: bool = False,
        source: str = "API",
        pre: bool = False,
    ) -> None:
        """Remove a participant (no-op when already gone); with ``pre`` the
        ``onParticipantRemove`` pre-action webhook may refuse it first."""
        if pre and p.sid in conv.participants:
            params = participant_params(self, conv, p)
            send_pre_event(self, "onParticipantRemove", params, source=source, identity=p.identity)
            self._still_there(conv)
        if conv.participants.pop(p.sid, None) is None:
            return
        conv.date_updated = self.emu.clock.now()
        self._post_event(
            conv,
            "onParticipantRemoved",
            [*self._participant_params(p), self._removed()],
            hooks=hooks,
            source=source,
        )
        self.emu.bus.emit("conversations.participant.removed", conversation=conv, participant=p)

    def create_media(
        self,
        content_type: str,
        filename: str | None = None,
        size: int = 0,
        *,
        content: bytes | None = None,
    ) -> Media:
        """Register media (what the Media Content Service holds after an upload) and return it;
        with ``content`` the size is its length."""
        media = Media(
            self.emu.sids.new("ME"),
            content_type,
            filename,
            len(content) if content is not None else size,
            content or b"",
            self.emu.clock.now(),
        )
        self.media[media.sid] = media
        return media

    def add_message(
        self,
        conv: Conversation,
        *,
        author: str | None = None,
        body: str | None = None,
        media_sids: Sequence[str] = (),
        attributes: Any = None,
        content_sid: str | None = None,
        hooks: bool = False,
        source: str = "API",
        pre: bool = False,
    ) -> Message:
        """Append a message; an inactive conversation becomes active again, timers restart.

        Messages from anyone but a messaging-binding participant are sent to every
        messaging-binding participant and logged in the 2010 Messages log.  With ``pre`` the
        ``onMessageAdd`` pre-action webhook decides first: it may refuse the message
        (`PreEventRefused`) or change its ``body``, ``author`` and ``attributes``.
        """
        if conv.closed:
            raise _closed_error(conv)
        if not body and not media_sids and not content_sid:
            raise bad_request("Either Body, MediaSid or ContentSid is required")
        media: list[Media] = []
        for sid in media_sids:
            if not is_sid(sid, "ME"):
                raise bad_request(f"Invalid MediaSid {sid!r}")
            found = self.media.get(sid)
            if found is None:
                raise bad_request(
                    f"MediaSid {sid} names no uploaded media (upload it to the Media Content "
                    "Service first)"
                )
            media.append(found)
        attributes = json_string(attributes)
        if pre:
            asked_author = author or "system"
            params = message_add_params(
                self,
                conv,
                author=asked_author,
                body=body,
                attributes=attributes,
                participant_sid=self._sender_sid(conv, asked_author),
                media=media,
            )
            changes = send_pre_event(
                self, "onMessageAdd", params, source=source, identity=asked_author
            )
            body, author, attributes = message_changes(changes, body, author, attributes)
            self._still_there(conv)
            if conv.closed:
                raise _closed_error(conv)
        author = author or "system"
        sender = conv.participants.get(self._sender_sid(conv, author) or "")
        now = self.emu.clock.now()
        recipients = [
            p for p in conv.participants.values() if p.address is not None and p is not sender
        ]
        delivery = None
        if recipients:
            delivery = {
                "total": len(recipients),
                "sent": "all",
                "delivered": "none",
                "read": "none",
                "undelivered": "none",
                "failed": "none",
            }
        msg = Message(
            sid=self.emu.sids.new("IM"),
            conversation_sid=conv.sid,
            index=conv.next_index,
            author=author,
            body=body,
            media=media,
            attributes=attributes,
            participant_sid=sender.sid if sender else None,
            date_created=now,
            date_updated=now,
            content_sid=content_sid,
            delivery=delivery,
        )
        conv.messages.append(msg)
        conv.next_index += 1
        conv.date_updated = now
        for p in recipients:
            assert p.address is not None
            self.emu.messages.record(
                direction="outbound-api",
                from_=p.proxy_address or "",
                to=p.address,
                body=body or "",
                num_media=len(media),
                messaging_service_sid=conv.messaging_service_sid,
            )
        if conv.state == "inactive":
            self.set_state(conv, "active", hooks=hooks, source=source, reason="EVENT")
        else:
            self._schedule(conv)
        self._post_event(
            conv,
            "onMessageAdded",
            self._message_params(msg),
            hooks=hooks,
            source=source,
            message=msg,
        )
        self.emu.bus.emit("conversations.message.added", conversation=conv, message=msg)
        return msg

    @staticmethod
    def _sender_sid(conv: Conversation, author: str) -> str | None:
        """The participant whose identity or address is ``author``, if any."""
        for p in conv.participants.values():
            if author in (p.identity, p.address):
                return p.sid
        return None

    def get_message(self, conv: Conversation, sid: str) -> Message:
        for m in conv.messages:
            if m.sid == sid or (sid.isdigit() and m.index == int(sid)):
                return m
        raise not_found(f"/v1/Conversations/{conv.sid}/Messages/{sid}")

    def remove_studio_webhooks(self, conv: Conversation) -> None:
        """Remove the conversation's Studio webhooks (Send to Flex hands the conversation over)."""
        for hook in list(conv.webhooks.values()):
            if hook.target == "studio":
                del conv.webhooks[hook.sid]

    def add_webhook(
        self,
        conv: Conversation,
        target: str,
        *,
        url: str | None = None,
        method: str = "POST",
        filters: Sequence[str] = (),
        triggers: Sequence[str] = (),
        flow_sid: str | None = None,
        replay_after: int | None = None,
    ) -> ScopedWebhook:
        """Attach a conversation-scoped webhook (target ``webhook``, ``trigger`` or ``studio``)."""
        if target not in SCOPED_TARGETS:
            raise bad_request(f"Invalid Target {target!r}: expected webhook, trigger or studio")
        if target in ("webhook", "trigger") and not url:
            raise bad_request("Configuration.Url is required for this target")
        if target == "trigger" and not triggers:
            raise bad_request("Configuration.Triggers is required for target trigger")
        if target == "studio" and not is_sid(flow_sid, "FW"):
            raise bad_request("Configuration.FlowSid is required for target studio")
        for f in filters:
            if f not in POST_EVENTS:
                raise bad_request(f"Invalid filter {f!r}")
        now = self.emu.clock.now()
        hook = ScopedWebhook(
            self.emu.sids.new("WH"),
            conv.sid,
            target,
            url,
            method.upper(),
            list(filters),
            list(triggers),
            flow_sid,
            replay_after,
            now,
            now,
        )
        conv.webhooks[hook.sid] = hook
        return hook
