"""Conversations' Python API inside a conversation: participants, media, messages, scoped
webhooks, and inbound customer messages (simulation)."""

from __future__ import annotations

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
    binding_type,
    json_string,
)
from flexconv.emulator.conversations.lifecycle import ConversationsLifecycle
from flexconv.emulator.conversations.params import _closed_error

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
    ) -> Participant:
        """Add a participant, enforcing one non-closed conversation per messaging binding."""
        self._check_participant(conv, identity, address, proxy_address, projected_address, role_sid)
        now = self.emu.clock.now()
        if role_sid is None and identity is not None:
            role_sid = self.role_by_name("channel user").sid
        p = Participant(
            sid=self.emu.sids.new("MB"),
            conversation_sid=conv.sid,
            identity=identity,
            address=address,
            proxy_address=proxy_address,
            projected_address=projected_address,
            attributes=json_string(attributes),
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
    ) -> Participant:
        if attributes is not None:
            p.attributes = json_string(attributes)
        if role_sid is not None:
            role = self.roles.get(role_sid)
            if role is None or role.type != "conversation":
                raise bad_request(f"RoleSid {role_sid} is not a conversation role")
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
        self, conv: Conversation, p: Participant, *, hooks: bool = False, source: str = "API"
    ) -> None:
        """Remove a participant (no-op when already gone)."""
        if conv.participants.pop(p.sid, None) is None:
            return
        conv.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onParticipantRemoved", self._participant_params(p), hooks=hooks, source=source
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
    ) -> Message:
        """Append a message; an inactive conversation becomes active again, timers restart.

        Messages from anyone but a messaging-binding participant are sent to every
        messaging-binding participant and logged in the 2010 Messages log.
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
        author = author or "system"
        sender: Participant | None = None
        for p in conv.participants.values():
            if author in (p.identity, p.address):
                sender = p
                break
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
            attributes=json_string(attributes),
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

    def inbound(
        self,
        address_to: str,
        from_: str,
        body: str | None,
        media: Sequence[Media] = (),
        *,
        author: str | None = None,
        attributes: str | None = None,
    ) -> tuple[Conversation, Message]:
        """A customer's message arrives at ``address_to`` (what the carrier hands Twilio).

        Goes to the open conversation holding the binding; else, when the address configuration
        has auto-creation enabled, creates a conversation, adds the sender, appends the message
        and attaches the Studio flow or webhook.  Without either: 404 (Twilio would drop it, or
        hand it to the number's messaging webhook, which the emulator does not model).
        ``author`` and ``attributes`` replace the message's own (a pre-action webhook's answer).
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
        held = self.open_binding(from_, address_to)
        if held is not None:
            conv, p = held
        else:
            cfg = self.find_address(address_to)
            if cfg is None or not cfg.auto_creation.enabled:
                raise not_found(f"address configuration with auto-creation for {address_to}")
            conv = self.create(
                friendly_name=None,
                hooks=True,
                source=source,
                extra_params=[
                    ("MessagingBinding.Address", from_),
                    ("MessagingBinding.ProxyAddress", address_to),
                ],
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
            p = self.add_participant(
                conv, address=from_, proxy_address=address_to, hooks=True, source=source
            )
        for m in media:
            self.media.setdefault(m.sid, m)
        msg = self.add_message(
            conv,
            author=author or p.address,
            body=body,
            attributes=attributes,
            media_sids=[m.sid for m in media],
            hooks=True,
            source=source,
        )
        return conv, msg
