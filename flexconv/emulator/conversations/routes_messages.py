"""Conversations' HTTP handlers for messages, scoped webhooks, participant conversations and
roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import EmuRequest, EmuResponse, bad_request, iso, not_found, paginate
from flexconv.emulator.conversations.actions import ConversationsActions
from flexconv.emulator.conversations.entities import (
    POST_EVENTS,
    Conversation,
    Participant,
    Role,
    ScopedWebhook,
)
from flexconv.emulator.conversations.params import _dates, _hooks, _method, _stamp

if TYPE_CHECKING:
    pass


class ConversationsMessageRoutes(ConversationsActions):
    """HTTP handlers for messages, webhooks, participant conversations and roles."""

    def _h_list_messages(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        order = req.q("Order", "asc")
        if order not in ("asc", "desc"):
            raise bad_request("Order must be asc or desc")
        msgs = conv.messages if order == "asc" else list(reversed(conv.messages))
        items = [m.to_json(self.account_sid, req.base_url) for m in msgs]
        return paginate(req, items, "messages", 100, keep_query=("Order",))

    def _h_add_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        dates = _dates(req)
        msg = self.add_message(
            conv,
            author=req.value("Author"),
            body=req.value("Body"),
            media_sids=req.values("MediaSid"),
            attributes=req.value("Attributes"),
            content_sid=req.value("ContentSid"),
            hooks=_hooks(req),
            pre=_hooks(req),
        )
        _stamp(msg, dates)
        return EmuResponse.json(201, msg.to_json(self.account_sid, req.base_url))

    def _h_fetch_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        msg = self.get_message(conv, req.params["Sid"])
        return EmuResponse.json(200, msg.to_json(self.account_sid, req.base_url))

    def _h_update_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        msg = self.get_message(conv, req.params["Sid"])
        dates = _dates(req)
        self.update_message(
            conv,
            msg,
            author=req.value("Author"),
            body=req.value("Body"),
            attributes=req.value("Attributes"),
            hooks=_hooks(req),
            pre=_hooks(req),
        )
        _stamp(msg, dates)
        return EmuResponse.json(200, msg.to_json(self.account_sid, req.base_url))

    def _h_delete_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        msg = self.get_message(conv, req.params["Sid"])
        self.remove_message(conv, msg, hooks=_hooks(req), pre=_hooks(req))
        return EmuResponse(204)

    # scoped webhooks
    def _h_list_webhooks(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        items = [w.to_json(self.account_sid, req.base_url) for w in conv.webhooks.values()]
        return paginate(req, items, "webhooks", 5)

    def _h_add_webhook(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        target = req.value("Target")
        if not target:
            raise bad_request("Target is required")
        replay = req.value("Configuration.ReplayAfter")
        hook = self.add_webhook(
            conv,
            target,
            url=req.value("Configuration.Url"),
            method=_method(req.value("Configuration.Method")),
            filters=[f for f in req.values("Configuration.Filters") if f],
            triggers=[t for t in req.values("Configuration.Triggers") if t],
            flow_sid=req.value("Configuration.FlowSid"),
            replay_after=int(replay) if replay and replay.isdigit() else None,
        )
        return EmuResponse.json(201, hook.to_json(self.account_sid, req.base_url))

    def _webhook(self, req: EmuRequest) -> tuple[Conversation, ScopedWebhook]:
        conv = self.get(req.params["ConversationSid"])
        hook = conv.webhooks.get(req.params["Sid"])
        if hook is None:
            raise not_found(req.path)
        return conv, hook

    def _h_fetch_webhook(self, req: EmuRequest) -> EmuResponse:
        _, hook = self._webhook(req)
        return EmuResponse.json(200, hook.to_json(self.account_sid, req.base_url))

    def _h_update_webhook(self, req: EmuRequest) -> EmuResponse:
        _, hook = self._webhook(req)
        if req.has("Configuration.Url"):
            hook.url = req.value("Configuration.Url")
        if req.has("Configuration.Method"):
            hook.method = _method(req.value("Configuration.Method"))
        if req.has("Configuration.Filters"):
            filters = [f for f in req.values("Configuration.Filters") if f]
            for f in filters:
                if f not in POST_EVENTS:
                    raise bad_request(f"Invalid filter {f!r}")
            hook.filters = filters
        if req.has("Configuration.Triggers"):
            hook.triggers = [t for t in req.values("Configuration.Triggers") if t]
        if req.has("Configuration.FlowSid"):
            hook.flow_sid = req.value("Configuration.FlowSid")
        hook.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, hook.to_json(self.account_sid, req.base_url))

    def _h_delete_webhook(self, req: EmuRequest) -> EmuResponse:
        conv, hook = self._webhook(req)
        del conv.webhooks[hook.sid]
        return EmuResponse(204)

    # participant conversations
    def _h_participant_conversations(self, req: EmuRequest) -> EmuResponse:
        identity = req.q("Identity")
        address = req.q("Address")
        if identity is None and address is None:
            raise bad_request("Either Identity or Address is required")
        items: list[dict[str, Any]] = []
        for conv in self.conversations.values():
            for p in conv.participants.values():
                if (identity is not None and p.identity == identity) or (
                    address is not None and p.address == address
                ):
                    items.append(self._participant_conversation(conv, p, req.base_url))
        return paginate(req, items, "conversations", 50, keep_query=("Identity", "Address"))

    def _participant_conversation(
        self, conv: Conversation, p: Participant, base: str
    ) -> dict[str, Any]:
        curl = f"{base}/v1/Conversations/{conv.sid}"
        return {
            "account_sid": self.account_sid,
            "chat_service_sid": conv.chat_service_sid,
            "participant_sid": p.sid,
            "participant_user_sid": None,
            "participant_identity": p.identity,
            "participant_messaging_binding": p.binding,
            "conversation_sid": conv.sid,
            "conversation_unique_name": conv.unique_name,
            "conversation_friendly_name": conv.friendly_name,
            "conversation_attributes": conv.attributes,
            "conversation_date_created": iso(conv.date_created),
            "conversation_date_updated": iso(conv.date_updated),
            "conversation_created_by": conv.created_by,
            "conversation_state": conv.state,
            "conversation_timers": conv.timers_json(),
            "links": {"participant": f"{curl}/Participants/{p.sid}", "conversation": curl},
        }

    # roles
    def _role(self, sid: str) -> Role:
        role = self.roles.get(sid)
        if role is None:
            raise not_found(f"/v1/Roles/{sid}")
        return role

    def _h_list_roles(self, req: EmuRequest) -> EmuResponse:
        items = [
            r.to_json(self.account_sid, self.chat_service_sid, req.base_url)
            for r in self.roles.values()
        ]
        return paginate(req, items, "roles", 50)

    def _h_create_role(self, req: EmuRequest) -> EmuResponse:
        name = req.value("FriendlyName")
        kind = req.value("Type")
        perms = [p for p in req.values("Permission") if p]
        if not name or not kind or not perms:
            raise bad_request("FriendlyName, Type and Permission are required")
        if kind not in ("conversation", "service"):
            raise bad_request("Type must be conversation or service")
        if any(r.friendly_name == name for r in self.roles.values()):
            raise bad_request(f"A role named {name!r} already exists")
        now = self.emu.clock.now()
        role = Role(self.emu.sids.new("RL"), name, kind, perms, now, now)
        self.roles[role.sid] = role
        return EmuResponse.json(
            201, role.to_json(self.account_sid, self.chat_service_sid, req.base_url)
        )

    def _h_fetch_role(self, req: EmuRequest) -> EmuResponse:
        role = self._role(req.params["Sid"])
        return EmuResponse.json(
            200, role.to_json(self.account_sid, self.chat_service_sid, req.base_url)
        )

    def _h_update_role(self, req: EmuRequest) -> EmuResponse:
        role = self._role(req.params["Sid"])
        perms = [p for p in req.values("Permission") if p]
        if not perms:
            raise bad_request("Permission is required")
        role.permissions = perms
        role.date_updated = self.emu.clock.now()
        return EmuResponse.json(
            200, role.to_json(self.account_sid, self.chat_service_sid, req.base_url)
        )

    def _h_delete_role(self, req: EmuRequest) -> EmuResponse:
        role = self._role(req.params["Sid"])
        del self.roles[role.sid]
        return EmuResponse(204)
