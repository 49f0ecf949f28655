"""Conversations' HTTP routes (``/v1/...``): the route table, and the handlers for the
configuration, address configurations, conversations and participants."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import (
    ApiError,
    EmuRequest,
    EmuResponse,
    bad_request,
    is_sid,
    paginate,
)
from flexconv.emulator.conversations.entities import (
    AUTO_CREATION_TYPES,
    POST_EVENTS,
    PRODUCT,
    AutoCreation,
    parse_duration,
)
from flexconv.emulator.conversations.media import ConversationsMediaRoutes
from flexconv.emulator.conversations.params import (
    _check_auto_creation,
    _date_q,
    _dates,
    _hooks,
    _method,
    _stamp,
)

if TYPE_CHECKING:
    pass


class ConversationsRoutes(ConversationsMediaRoutes):
    """Registers Conversations' routes; handlers for configuration, addresses, conversations and participants."""

    def _register(self) -> None:
        add = self.emu.router.add
        p = PRODUCT
        self._register_media()
        add("GET", p, "/v1/Configuration", self._h_get_config)
        add("POST", p, "/v1/Configuration", self._h_update_config)
        add("GET", p, "/v1/Configuration/Webhooks", self._h_get_service_webhooks)
        add("POST", p, "/v1/Configuration/Webhooks", self._h_update_service_webhooks)
        add("GET", p, "/v1/Configuration/Addresses", self._h_list_addresses)
        add("POST", p, "/v1/Configuration/Addresses", self._h_create_address)
        add("GET", p, "/v1/Configuration/Addresses/{Sid}", self._h_fetch_address)
        add("POST", p, "/v1/Configuration/Addresses/{Sid}", self._h_update_address)
        add("DELETE", p, "/v1/Configuration/Addresses/{Sid}", self._h_delete_address)
        add("GET", p, "/v1/Conversations", self._h_list_conversations)
        add("POST", p, "/v1/Conversations", self._h_create_conversation)
        add("GET", p, "/v1/Conversations/{Sid}", self._h_fetch_conversation)
        add("POST", p, "/v1/Conversations/{Sid}", self._h_update_conversation)
        add("DELETE", p, "/v1/Conversations/{Sid}", self._h_delete_conversation)
        add("POST", p, "/v1/ConversationWithParticipants", self._h_create_with_participants)
        cp = "/v1/Conversations/{ConversationSid}"
        add("GET", p, f"{cp}/Participants", self._h_list_participants)
        add("POST", p, f"{cp}/Participants", self._h_add_participant)
        add("GET", p, f"{cp}/Participants/{{Sid}}", self._h_fetch_participant)
        add("POST", p, f"{cp}/Participants/{{Sid}}", self._h_update_participant)
        add("DELETE", p, f"{cp}/Participants/{{Sid}}", self._h_delete_participant)
        add("GET", p, f"{cp}/Messages", self._h_list_messages)
        add("POST", p, f"{cp}/Messages", self._h_add_message)
        add("GET", p, f"{cp}/Messages/{{Sid}}", self._h_fetch_message)
        add("POST", p, f"{cp}/Messages/{{Sid}}", self._h_update_message)
        add("DELETE", p, f"{cp}/Messages/{{Sid}}", self._h_delete_message)
        add("GET", p, f"{cp}/Webhooks", self._h_list_webhooks)
        add("POST", p, f"{cp}/Webhooks", self._h_add_webhook)
        add("GET", p, f"{cp}/Webhooks/{{Sid}}", self._h_fetch_webhook)
        add("POST", p, f"{cp}/Webhooks/{{Sid}}", self._h_update_webhook)
        add("DELETE", p, f"{cp}/Webhooks/{{Sid}}", self._h_delete_webhook)
        add("GET", p, "/v1/ParticipantConversations", self._h_participant_conversations)
        add("GET", p, "/v1/Roles", self._h_list_roles)
        add("POST", p, "/v1/Roles", self._h_create_role)
        add("GET", p, "/v1/Roles/{Sid}", self._h_fetch_role)
        add("POST", p, "/v1/Roles/{Sid}", self._h_update_role)
        add("DELETE", p, "/v1/Roles/{Sid}", self._h_delete_role)

    # configuration
    def _config_json(self, base: str) -> dict[str, Any]:
        return {
            "account_sid": self.account_sid,
            "default_chat_service_sid": self.chat_service_sid,
            "default_messaging_service_sid": self.messaging_service_sid,
            "default_inactive_timer": self.default_inactive_timer,
            "default_closed_timer": self.default_closed_timer,
            "url": f"{base}/v1/Configuration",
            "links": {
                "service": f"{base}/v1/Services/{self.chat_service_sid}",
                "webhooks": f"{base}/v1/Configuration/Webhooks",
            },
        }

    def _h_get_config(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._config_json(req.base_url))

    def _h_update_config(self, req: EmuRequest) -> EmuResponse:
        chat = req.value("DefaultChatServiceSid")
        if chat is not None and chat != self.chat_service_sid:
            # the account has one Conversations service (creating others is not modelled)
            raise ApiError(404, 20404, f"The requested resource /Services/{chat} was not found")
        messaging = req.value("DefaultMessagingServiceSid")
        if messaging is not None and not is_sid(messaging, "MG"):
            raise bad_request("DefaultMessagingServiceSid must be a Messaging Service SID (MG...)")
        for name, attr in (
            ("DefaultInactiveTimer", "default_inactive_timer"),
            ("DefaultClosedTimer", "default_closed_timer"),
        ):
            raw = req.value(name)
            if raw is not None:
                parse_duration(raw)
                setattr(self, attr, raw)
        if messaging is not None:
            self.messaging_service_sid = messaging
        return EmuResponse.json(200, self._config_json(req.base_url))

    def _service_webhooks_json(self, base: str) -> dict[str, Any]:
        s = self.service_webhooks
        return {
            "account_sid": self.account_sid,
            "method": s.method,
            "filters": list(s.filters),
            "pre_webhook_url": s.pre_webhook_url,
            "post_webhook_url": s.post_webhook_url,
            "target": s.target,
            "url": f"{base}/v1/Configuration/Webhooks",
        }

    def _h_get_service_webhooks(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._service_webhooks_json(req.base_url))

    def _h_update_service_webhooks(self, req: EmuRequest) -> EmuResponse:
        s = self.service_webhooks
        s.method = _method(req.value("Method"), s.method)
        if req.has("Filters"):
            filters = [f for f in req.values("Filters") if f]
            for f in filters:
                if f not in POST_EVENTS and not f.startswith("on"):
                    raise bad_request(f"Invalid filter {f!r}")
            s.filters = filters
        if req.has("PreWebhookUrl"):
            s.pre_webhook_url = req.value("PreWebhookUrl") or None
        if req.has("PostWebhookUrl"):
            s.post_webhook_url = req.value("PostWebhookUrl") or None
        target = req.value("Target")
        if target is not None:
            if target not in ("webhook", "flex"):
                raise bad_request("Invalid Target: expected webhook or flex")
            s.target = target
        return EmuResponse.json(200, self._service_webhooks_json(req.base_url))

    # addresses
    def _auto_creation_from(
        self, req: EmuRequest, current: AutoCreation | None = None
    ) -> AutoCreation:
        ac = AutoCreation(**current.__dict__) if current else AutoCreation()
        if current:
            ac.webhook_filters = list(current.webhook_filters)
        enabled = req.bool_value("AutoCreation.Enabled")
        if enabled is not None:
            ac.enabled = enabled
        kind = req.value("AutoCreation.Type")
        if kind is not None:
            if kind not in AUTO_CREATION_TYPES:
                raise bad_request(
                    f"Invalid AutoCreation.Type {kind!r}: expected webhook, studio or default"
                )
            ac.type = kind
        if req.has("AutoCreation.ConversationServiceSid"):
            ac.conversation_service_sid = req.value("AutoCreation.ConversationServiceSid")
        if req.has("AutoCreation.WebhookUrl"):
            ac.webhook_url = req.value("AutoCreation.WebhookUrl")
        if req.has("AutoCreation.WebhookMethod"):
            ac.webhook_method = _method(req.value("AutoCreation.WebhookMethod"))
        if req.has("AutoCreation.WebhookFilters"):
            ac.webhook_filters = [f for f in req.values("AutoCreation.WebhookFilters") if f]
        if req.has("AutoCreation.StudioFlowSid"):
            ac.studio_flow_sid = req.value("AutoCreation.StudioFlowSid")
        if req.has("AutoCreation.StudioRetryCount"):
            raw = req.value("AutoCreation.StudioRetryCount") or "0"
            if not raw.isdigit():
                raise bad_request("AutoCreation.StudioRetryCount must be an integer")
            ac.studio_retry_count = int(raw)
        return ac

    def _h_list_addresses(self, req: EmuRequest) -> EmuResponse:
        kind = req.q("Type")
        items = [
            a.to_json(self.account_sid, req.base_url)
            for a in self.addresses.values()
            if kind is None or a.type == kind
        ]
        return paginate(req, items, "address_configurations", 50, keep_query=("Type",))

    def _h_create_address(self, req: EmuRequest) -> EmuResponse:
        kind = req.value("Type")
        address = req.value("Address")
        if not kind or not address:
            raise bad_request("Type and Address are required")
        cfg = self.create_address(
            kind,
            address,
            friendly_name=req.value("FriendlyName"),
            auto_creation=self._auto_creation_from(req),
            address_country=req.value("AddressCountry"),
        )
        return EmuResponse.json(201, cfg.to_json(self.account_sid, req.base_url))

    def _h_fetch_address(self, req: EmuRequest) -> EmuResponse:
        cfg = self.get_address(req.params["Sid"])
        return EmuResponse.json(200, cfg.to_json(self.account_sid, req.base_url))

    def _h_update_address(self, req: EmuRequest) -> EmuResponse:
        cfg = self.get_address(req.params["Sid"])
        ac = self._auto_creation_from(req, cfg.auto_creation)
        _check_auto_creation(ac)
        if ac.enabled and ac.conversation_service_sid is None:
            ac.conversation_service_sid = self.chat_service_sid
        cfg.auto_creation = ac
        if req.has("FriendlyName"):
            cfg.friendly_name = req.value("FriendlyName")
        cfg.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, cfg.to_json(self.account_sid, req.base_url))

    def _h_delete_address(self, req: EmuRequest) -> EmuResponse:
        cfg = self.get_address(req.params["Sid"])
        del self.addresses[cfg.sid]
        return EmuResponse(204)

    # conversations
    def _h_list_conversations(self, req: EmuRequest) -> EmuResponse:
        state = req.q("State")
        start = _date_q(req, "StartDate")
        end = _date_q(req, "EndDate")
        items = []
        for c in self.conversations.values():
            if state is not None and c.state != state:
                continue
            if start is not None and c.date_created.date() < start:
                continue
            if end is not None and c.date_created.date() > end:
                continue
            items.append(c.to_json(self.account_sid, req.base_url))
        return paginate(
            req, items, "conversations", 100, keep_query=("State", "StartDate", "EndDate")
        )

    def _conv_kwargs(self, req: EmuRequest) -> dict[str, Any]:
        return {
            "friendly_name": req.value("FriendlyName"),
            "unique_name": req.value("UniqueName"),
            "attributes": req.value("Attributes"),
            "state": req.value("State"),
            "timers_inactive": req.value("Timers.Inactive"),
            "timers_closed": req.value("Timers.Closed"),
        }

    def _email_binding(self, req: EmuRequest) -> dict[str, str] | None:
        addr = req.value("Bindings.Email.Address")
        if addr is None:
            return None
        out = {"address": addr}
        name = req.value("Bindings.Email.Name")
        if name is not None:
            out["name"] = name
        return out

    def _h_create_conversation(self, req: EmuRequest) -> EmuResponse:
        dates = _dates(req)
        conv = self.create(
            **self._conv_kwargs(req),
            messaging_service_sid=req.value("MessagingServiceSid"),
            email_binding=self._email_binding(req),
            hooks=_hooks(req),
            pre=_hooks(req),
        )
        _stamp(conv, dates)
        return EmuResponse.json(201, conv.to_json(self.account_sid, req.base_url))

    def _h_fetch_conversation(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(
            200, self.get(req.params["Sid"]).to_json(self.account_sid, req.base_url)
        )

    def _h_update_conversation(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["Sid"])
        dates = _dates(req)
        self.update(conv, **self._conv_kwargs(req), hooks=_hooks(req), pre=_hooks(req))
        _stamp(conv, dates)
        return EmuResponse.json(200, conv.to_json(self.account_sid, req.base_url))

    def _h_delete_conversation(self, req: EmuRequest) -> EmuResponse:
        self.delete(self.get(req.params["Sid"]), hooks=_hooks(req), pre=_hooks(req))
        return EmuResponse(204)

    def _h_create_with_participants(self, req: EmuRequest) -> EmuResponse:
        specs: list[dict[str, Any]] = []
        for raw in req.values("Participant"):
            try:
                spec = json.loads(raw)
            except ValueError:
                raise bad_request("Participant must be a JSON object") from None
            if not isinstance(spec, dict):
                raise bad_request("Participant must be a JSON object")
            specs.append(spec)
        # Check the bindings before creating anything, as Twilio does.
        for spec in specs:
            binding = spec.get("messaging_binding") or {}
            address = binding.get("address")
            if address is not None:
                held = self.open_binding(address, binding.get("proxy_address"))
                if held is not None:
                    raise ApiError(
                        409,
                        50416,
                        "A binding for this participant and proxy address already exists in "
                        f"Conversation {held[0].sid}",
                    )
        hooks = _hooks(req)
        dates = _dates(req)
        conv = self.create(
            **self._conv_kwargs(req),
            messaging_service_sid=req.value("MessagingServiceSid"),
            email_binding=self._email_binding(req),
            hooks=hooks,
            pre=hooks,
        )
        for spec in specs:
            binding = spec.get("messaging_binding") or {}
            self.add_participant(
                conv,
                identity=spec.get("identity"),
                address=binding.get("address"),
                proxy_address=binding.get("proxy_address"),
                projected_address=binding.get("projected_address"),
                attributes=spec.get("attributes"),
                role_sid=spec.get("role_sid"),
                hooks=hooks,
                pre=hooks,
            )
        _stamp(conv, dates)
        return EmuResponse.json(201, conv.to_json(self.account_sid, req.base_url))

    # participants
    def _h_list_participants(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        items = [p.to_json(self.account_sid, req.base_url) for p in conv.participants.values()]
        return paginate(req, items, "participants", 100)

    def _h_add_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        dates = _dates(req)
        p = self.add_participant(
            conv,
            identity=req.value("Identity"),
            address=req.value("MessagingBinding.Address"),
            proxy_address=req.value("MessagingBinding.ProxyAddress"),
            projected_address=req.value("MessagingBinding.ProjectedAddress"),
            attributes=req.value("Attributes"),
            role_sid=req.value("RoleSid"),
            hooks=_hooks(req),
            pre=_hooks(req),
        )
        _stamp(p, dates)
        return EmuResponse.json(201, p.to_json(self.account_sid, req.base_url))

    def _h_fetch_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        p = self.get_participant(conv, req.params["Sid"])
        return EmuResponse.json(200, p.to_json(self.account_sid, req.base_url))

    def _h_update_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        p = self.get_participant(conv, req.params["Sid"])
        raw_index = req.value("LastReadMessageIndex")
        if raw_index is not None and not raw_index.lstrip("-").isdigit():
            raise bad_request("LastReadMessageIndex must be an integer")
        dates = _dates(req)
        self.update_participant(
            conv,
            p,
            attributes=req.value("Attributes"),
            role_sid=req.value("RoleSid"),
            identity=req.value("Identity"),
            proxy_address=req.value("MessagingBinding.ProxyAddress"),
            last_read_message_index=int(raw_index) if raw_index is not None else None,
            last_read_timestamp=req.value("LastReadTimestamp"),
            hooks=_hooks(req),
            pre=_hooks(req),
        )
        _stamp(p, dates)
        return EmuResponse.json(200, p.to_json(self.account_sid, req.base_url))

    def _h_delete_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        p = self.get_participant(conv, req.params["Sid"])
        self.remove_participant(conv, p, hooks=_hooks(req), pre=_hooks(req))
        return EmuResponse(204)
