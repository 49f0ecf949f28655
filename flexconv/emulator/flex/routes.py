"""Flex's HTTP routes: ``/v1/Configuration`` and ``/v1/Interactions/...``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import (
    ApiError,
    EmuRequest,
    EmuResponse,
    bad_request,
    not_found,
    paginate,
)
from flexconv.emulator.flex.entities import PARTICIPANT_TYPES, PRODUCT, InteractionChannel
from flexconv.emulator.flex.reactions import FlexReactions

if TYPE_CHECKING:
    pass


def _json_object(req: EmuRequest, name: str, *, required: bool = False) -> dict[str, Any] | None:
    value = req.json_value(name)
    if value is None:
        if required:
            raise bad_request(f"Missing required parameter {name}")
        return None
    if not isinstance(value, dict):
        raise bad_request(f"{name} must be a JSON object")
    return value


class FlexRoutes(FlexReactions):
    """Registers Flex's routes and handles them."""

    def _register(self) -> None:
        add = self.emu.router.add
        p = PRODUCT
        add("GET", p, "/v1/Configuration", self._h_get_configuration)
        add("POST", p, "/v1/Configuration", self._h_update_configuration)
        add("POST", p, "/v1/Interactions", self._h_create)
        add("GET", p, "/v1/Interactions/{Sid}", self._h_fetch)
        add("POST", p, "/v1/Interactions/{Sid}", self._h_update)
        c = "/v1/Interactions/{InteractionSid}/Channels"
        add("GET", p, c, self._h_list_channels)
        add("GET", p, f"{c}/{{Sid}}", self._h_fetch_channel)
        add("POST", p, f"{c}/{{Sid}}", self._h_update_channel)
        add("GET", p, f"{c}/{{ChannelSid}}/Participants", self._h_list_participants)
        add("POST", p, f"{c}/{{ChannelSid}}/Participants", self._h_add_participant)
        add("POST", p, f"{c}/{{ChannelSid}}/Participants/{{Sid}}", self._h_update_participant)
        add("GET", p, f"{c}/{{ChannelSid}}/Invites", self._h_list_invites)
        add("POST", p, f"{c}/{{ChannelSid}}/Invites", self._h_invite)
        add("POST", p, f"{c}/{{ChannelSid}}/Transfers", self._h_transfer)
        add("GET", p, f"{c}/{{ChannelSid}}/Transfers/{{Sid}}", self._h_fetch_transfer)
        add("POST", p, f"{c}/{{ChannelSid}}/Transfers/{{Sid}}", self._h_update_transfer)

    def _h_get_configuration(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self.configuration_json(req.base_url))

    def _h_update_configuration(self, req: EmuRequest) -> EmuResponse:
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        account = body.get("account_sid")
        if not account:
            raise bad_request("Missing required parameter account_sid in the post body")
        if account != self.emu.account_sid:
            raise bad_request(f"account_sid {account} does not match the authenticated account")
        self.update_configuration(body)
        return EmuResponse.json(200, self.configuration_json(req.base_url))

    def _h_create(self, req: EmuRequest) -> EmuResponse:
        channel = _json_object(req, "Channel", required=True)
        assert channel is not None
        inter = self.create_interaction(
            channel,
            _json_object(req, "Routing"),
            interaction_context_sid=req.value("InteractionContextSid"),
            webhook_ttid=req.value("WebhookTtid"),
        )
        return EmuResponse.json(200, inter.to_json(req.base_url))

    def _h_fetch(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self.get(req.params["Sid"]).to_json(req.base_url))

    def _h_update(self, req: EmuRequest) -> EmuResponse:
        inter = self.get(req.params["Sid"])
        if req.has("WebhookTtid"):
            inter.webhook_ttid = req.value("WebhookTtid")
        return EmuResponse.json(200, inter.to_json(req.base_url))

    def _chan(self, req: EmuRequest, key: str = "ChannelSid") -> InteractionChannel:
        inter = self.get(req.params["InteractionSid"])
        ch = inter.channels.get(req.params[key])
        if ch is None:
            raise not_found(req.path)
        return ch

    def _h_list_channels(self, req: EmuRequest) -> EmuResponse:
        inter = self.get(req.params["InteractionSid"])
        items = [c.to_json(req.base_url) for c in inter.channels.values()]
        return paginate(req, items, "channels", 1000)

    def _h_fetch_channel(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._chan(req, "Sid").to_json(req.base_url))

    def _h_update_channel(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req, "Sid")
        status = req.value("Status")
        if status is None:
            raise bad_request("Missing required parameter Status")
        routing = _json_object(req, "Routing")
        routing_status = routing.get("status") if routing else None
        self.close_channel(ch, status, routing_status)
        return EmuResponse.json(200, ch.to_json(req.base_url))

    def _h_list_participants(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        items = [p.to_json(req.base_url) for p in ch.participants.values()]
        return paginate(req, items, "participants", 1000)

    def _h_add_participant(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        kind = req.value("Type")
        if kind not in PARTICIPANT_TYPES:
            raise bad_request(f"Invalid Type {kind!r}")
        media = _json_object(req, "MediaProperties", required=True)
        assert media is not None
        routing = _json_object(req, "RoutingProperties")
        if ch.status not in ("active", "inactive"):
            raise bad_request(f"Interaction channel {ch.sid} is {ch.status}")
        convs = self.emu.conversations
        conv = convs.find(ch.media_channel_sid or "")
        if conv is None or conv.closed:
            raise bad_request(f"The conversation of channel {ch.sid} is closed")
        for p in ch.participants.values():
            if p.status != "closed" and (
                (
                    media.get("identity")
                    and p.media_properties.get("identity") == media.get("identity")
                )
                or (
                    media.get("address")
                    and p.media_properties.get("address") == media.get("address")
                )
            ):
                raise ApiError(409, 80102, "Participant already in interaction")
        try:
            mb = convs.add_participant(
                conv,
                identity=media.get("identity"),
                address=media.get("address"),
                proxy_address=media.get("proxy_address"),
                role_sid=convs.agent_role_sid
                if kind in ("agent", "supervisor") and media.get("identity")
                else None,
                hooks=True,
            )
        except ApiError as err:
            if err.code in (50416, 50433):
                raise ApiError(
                    409, 80102, f"Participant already in interaction: {err.message}"
                ) from None
            raise
        p = self._add_channel_participant(
            ch,
            kind,
            {**media, "conversation_sid": conv.sid},
            routing=routing,
            conversation_participant_sid=mb.sid,
        )
        return EmuResponse.json(200, p.to_json(req.base_url))

    def _h_update_participant(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        p = ch.participants.get(req.params["Sid"])
        if p is None:
            raise not_found(req.path)
        status = req.value("Status")
        if status is None:
            raise bad_request("Missing required parameter Status")
        self.update_participant(ch, p, status)
        return EmuResponse.json(200, p.to_json(req.base_url))

    def _h_list_invites(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        return paginate(
            req, [i.to_json(req.base_url) for i in ch.invites.values()], "invites", 1000
        )

    def _h_invite(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        routing = _json_object(req, "Routing", required=True)
        assert routing is not None
        return EmuResponse.json(200, self.invite(ch, routing).to_json(req.base_url))

    def _h_transfer(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        return EmuResponse.json(201, self._transfer_json(self.transfer(ch, body), req.base_url))

    def _h_fetch_transfer(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        tr = ch.transfers.get(req.params["Sid"])
        if tr is None:
            raise not_found(req.path)
        return EmuResponse.json(200, self._transfer_json(tr, req.base_url))

    def _h_update_transfer(self, req: EmuRequest) -> EmuResponse:
        ch = self._chan(req)
        tr = ch.transfers.get(req.params["Sid"])
        if tr is None:
            raise not_found(req.path)
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        status = body.get("status")
        if status is not None:
            if status not in ("active", "failed", "completed"):
                raise bad_request("status must be active, failed or completed")
            tr.status = status
        for key in ("note_sid", "summary_sid"):
            if key in body:
                setattr(tr, key, body[key])
        tr.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, self._transfer_json(tr, req.base_url))
