"""Flex Interactions operations (``flex-api.twilio.com/v1/Interactions``) and the one
Conversations lookup the agent-initiated flow needs (``ParticipantConversations``).

Several creates here answer 200 rather than 201 (Interaction, Invite, Channel Participant); the
client accepts any 2xx.  Transfers take a JSON body.
"""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

_I = "/v1/Interactions"
_CH = _I + "/{InteractionSid}/Channels"
_ONE_CH = _CH + "/{ChannelSid}"

CREATE_INTERACTION = Operation(
    name="interactions.create",
    method="POST",
    product="flex-api",
    path=_I,
    params={
        "channel": Param("Channel", json=True, required=True),
        "routing": Param("Routing", json=True),
        "interaction_context_sid": Param("InteractionContextSid"),
        "webhook_ttid": Param("WebhookTtid"),
    },
)

FETCH_INTERACTION = Operation(
    name="interactions.fetch",
    method="GET",
    product="flex-api",
    path=_I + "/{Sid}",
    path_sids={"Sid": "KD"},
)

UPDATE_INTERACTION = Operation(
    name="interactions.update",
    method="POST",
    product="flex-api",
    path=_I + "/{Sid}",
    params={"webhook_ttid": Param("WebhookTtid", required=True)},
    path_sids={"Sid": "KD"},
)

LIST_CHANNELS = Operation(
    name="interactions.channels.list",
    method="GET",
    product="flex-api",
    path=_CH,
    list_key="channels",
    max_page_size=1000,
    path_sids={"InteractionSid": "KD"},
)

FETCH_CHANNEL = Operation(
    name="interactions.channels.fetch",
    method="GET",
    product="flex-api",
    path=_CH + "/{Sid}",
    path_sids={"InteractionSid": "KD", "Sid": "UO"},
)

#: ``Status`` is ``closed`` or ``inactive``; ``inactive`` needs ``Routing={"status": "closed"}``.
UPDATE_CHANNEL = Operation(
    name="interactions.channels.update",
    method="POST",
    product="flex-api",
    path=_CH + "/{Sid}",
    params={"status": Param("Status", required=True), "routing": Param("Routing", json=True)},
    path_sids={"InteractionSid": "KD", "Sid": "UO"},
)

LIST_PARTICIPANTS = Operation(
    name="interactions.participants.list",
    method="GET",
    product="flex-api",
    path=_ONE_CH + "/Participants",
    list_key="participants",
    max_page_size=1000,
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO"},
)

ADD_PARTICIPANT = Operation(
    name="interactions.participants.create",
    method="POST",
    product="flex-api",
    path=_ONE_CH + "/Participants",
    params={
        "type": Param("Type", required=True),
        "media_properties": Param("MediaProperties", json=True, required=True),
        "routing_properties": Param("RoutingProperties", json=True),
    },
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO"},
)

UPDATE_PARTICIPANT = Operation(
    name="interactions.participants.update",
    method="POST",
    product="flex-api",
    path=_ONE_CH + "/Participants/{Sid}",
    params={"status": Param("Status", required=True)},
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO", "Sid": "UT"},
)

LIST_INVITES = Operation(
    name="interactions.invites.list",
    method="GET",
    product="flex-api",
    path=_ONE_CH + "/Invites",
    list_key="invites",
    max_page_size=1000,
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO"},
)

CREATE_INVITE = Operation(
    name="interactions.invites.create",
    method="POST",
    product="flex-api",
    path=_ONE_CH + "/Invites",
    params={"routing": Param("Routing", json=True, required=True)},
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO"},
)

#: JSON body: ``type`` (warm|cold|external), ``from``, ``to``, optional ``note_sid``/``summary_sid``.
CREATE_TRANSFER = Operation(
    name="interactions.transfers.create",
    method="POST",
    product="flex-api",
    path=_ONE_CH + "/Transfers",
    body="json",
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO"},
)

FETCH_TRANSFER = Operation(
    name="interactions.transfers.fetch",
    method="GET",
    product="flex-api",
    path=_ONE_CH + "/Transfers/{Sid}",
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO", "Sid": "UX"},
)

UPDATE_TRANSFER = Operation(
    name="interactions.transfers.update",
    method="POST",
    product="flex-api",
    path=_ONE_CH + "/Transfers/{Sid}",
    body="json",
    path_sids={"InteractionSid": "KD", "ChannelSid": "UO", "Sid": "UX"},
)
