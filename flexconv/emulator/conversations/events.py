"""Conversations' post-event webhooks (``onMessageAdded``, ...) to the account-level and
conversation-scoped targets, including Studio triggers.

Parameters follow "Post Action Webhooks request parameters" of
https://www.twilio.com/docs/conversations/conversations-webhooks (the pre-action webhooks in
``pre_events`` reuse the builders here).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flexconv.emulator._base import iso
from flexconv.emulator.conversations.entities import (
    Conversation,
    Message,
    Participant,
    binding_type,
)
from flexconv.emulator.conversations.state import ConversationsState

if TYPE_CHECKING:
    pass


class ConversationsEvents(ConversationsState):
    """Builds and sends post-event webhooks."""

    def _common(self, conv: Conversation) -> list[tuple[str, str]]:
        return [
            ("AccountSid", self.account_sid),
            ("ChatServiceSid", conv.chat_service_sid),
            ("ConversationSid", conv.sid),
            ("MessagingServiceSid", conv.messaging_service_sid or ""),
        ]

    def _conv_params(self, conv: Conversation) -> list[tuple[str, str]]:
        out = [
            ("FriendlyName", conv.friendly_name or ""),
            ("UniqueName", conv.unique_name or ""),
            ("Attributes", conv.attributes),
            ("DateCreated", iso(conv.date_created) or ""),
            ("DateUpdated", iso(conv.date_updated) or ""),
            ("State", conv.state),
        ]
        return [(k, v) for k, v in out if v != "" or k in ("Attributes", "State")]

    def _participant_params(self, p: Participant) -> list[tuple[str, str]]:
        out = [
            ("ParticipantSid", p.sid),
            ("Attributes", p.attributes),
            ("DateCreated", iso(p.date_created) or ""),
            ("DateUpdated", iso(p.date_updated) or ""),
        ]
        if p.identity is not None:
            out.append(("Identity", p.identity))
        if p.role_sid is not None:
            out.append(("RoleSid", p.role_sid))
        if p.address is not None:
            out.append(("MessagingBinding.Address", p.address))
            out.append(("MessagingBinding.ProxyAddress", p.proxy_address or ""))
        if p.projected_address is not None:
            out.append(("MessagingBinding.ProjectedAddress", p.projected_address))
        # SMS, WHATSAPP, ... for a messaging binding; CHAT for a chat (identity) participant
        kind = binding_type(p.address).upper() if p.address is not None else "CHAT"
        out.append(("MessagingBinding.Type", kind))
        if p.last_read_message_index is not None:
            out.append(("LastReadMessageIndex", str(p.last_read_message_index)))
        return out

    def _message_params(self, m: Message) -> list[tuple[str, str]]:
        out = [
            ("MessageSid", m.sid),
            ("Index", str(m.index)),
            ("Author", m.author),
            ("Body", m.body or ""),
            ("Attributes", m.attributes),
            ("DateCreated", iso(m.date_created) or ""),
            ("DateUpdated", iso(m.date_updated) or ""),
        ]
        if m.participant_sid is not None:
            out.append(("ParticipantSid", m.participant_sid))
        if m.media:
            out.append(("Media", json.dumps([x.to_json() for x in m.media])))
        return out

    def _removed(self) -> tuple[str, str]:
        """``DateRemoved`` of an ``on…Removed`` post-event: now."""
        return ("DateRemoved", iso(self.emu.clock.now()) or "")

    def _post_event(
        self,
        conv: Conversation,
        event: str,
        params: list[tuple[str, str]],
        *,
        hooks: bool,
        source: str,
        message: Message | None = None,
    ) -> None:
        if not hooks:
            return
        full = [
            ("EventType", event),
            *self._common(conv),
            *params,
            ("Source", source),
            ("RetryCount", "0"),
        ]
        svc = self.service_webhooks
        if svc.target == "webhook" and svc.post_webhook_url and event in svc.filters:
            self.emu.webhooks.deliver(
                svc.post_webhook_url, full, kind="conversations", method=svc.method
            )
        for hook in list(conv.webhooks.values()):
            if (
                hook.target == "webhook"
                and hook.url
                and (not hook.filters or event in hook.filters)
            ):
                self.emu.webhooks.deliver(
                    hook.url,
                    [*full, ("WebhookSid", hook.sid)],
                    kind="conversations",
                    method=hook.method,
                )
            elif hook.target == "trigger" and hook.url and event == "onMessageAdded" and message:
                text = (message.body or "").strip().lower()
                if any(text == t.strip().lower() for t in hook.triggers):
                    self.emu.webhooks.deliver(
                        hook.url,
                        [*full, ("WebhookSid", hook.sid)],
                        kind="conversations",
                        method=hook.method,
                    )
            elif (
                hook.target == "studio" and event == "onMessageAdded" and message and hook.flow_sid
            ):
                self.emu.studio.on_conversation_message(hook.flow_sid, conv, message)
