"""Conversations operations (``conversations.twilio.com/v1``)."""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

_P = "conversations"
#: Twilio's Conversations limits page documents the attribute sizes.
_LIMITS_DOC = "https://www.twilio.com/docs/conversations/conversations-limits"
_CONVERSATION_ATTRIBUTES = Param(
    "Attributes",
    json=True,
    max_bytes=16 * 1024,
    limit_doc=f"conversation attributes, {_LIMITS_DOC}",
)
_SMALL_ATTRIBUTES = Param(
    "Attributes",
    json=True,
    max_bytes=4 * 1024,
    limit_doc=f"participant and message attributes, {_LIMITS_DOC}",
)
_HOOK = {"webhooks": Param("X-Twilio-Webhook-Enabled", location="header")}
_CONV_FIELDS = {
    "friendly_name": Param("FriendlyName"),
    "unique_name": Param("UniqueName"),
    "messaging_service_sid": Param("MessagingServiceSid"),
    "attributes": _CONVERSATION_ATTRIBUTES,
    "state": Param("State"),
    "timers_inactive": Param("Timers.Inactive"),
    "timers_closed": Param("Timers.Closed"),
    **_HOOK,
}

CREATE_CONVERSATION = Operation(
    "conversations.create", "POST", _P, "/v1/Conversations", params=_CONV_FIELDS
)
FETCH_CONVERSATION = Operation(
    "conversations.fetch", "GET", _P, "/v1/Conversations/{Sid}", path_sids={"Sid": "CH?"}
)
UPDATE_CONVERSATION = Operation(
    "conversations.update",
    "POST",
    _P,
    "/v1/Conversations/{Sid}",
    params=_CONV_FIELDS,
    path_sids={"Sid": "CH?"},
)
DELETE_CONVERSATION = Operation(
    "conversations.delete",
    "DELETE",
    _P,
    "/v1/Conversations/{Sid}",
    params=dict(_HOOK),
    path_sids={"Sid": "CH?"},
)
LIST_CONVERSATIONS = Operation(
    "conversations.list",
    "GET",
    _P,
    "/v1/Conversations",
    params={
        "state": Param("State"),
        "start_date": Param("StartDate"),
        "end_date": Param("EndDate"),
    },
    list_key="conversations",
    max_page_size=100,
)

_PARTICIPANTS = "/v1/Conversations/{ConversationSid}/Participants"
ADD_PARTICIPANT = Operation(
    "conversations.participants.add",
    "POST",
    _P,
    _PARTICIPANTS,
    params={
        "identity": Param("Identity"),
        "address": Param("MessagingBinding.Address"),
        "proxy_address": Param("MessagingBinding.ProxyAddress"),
        "projected_address": Param("MessagingBinding.ProjectedAddress"),
        "attributes": _SMALL_ATTRIBUTES,
        "role_sid": Param("RoleSid"),
        **_HOOK,
    },
    path_sids={"ConversationSid": "CH?"},
)
LIST_PARTICIPANTS = Operation(
    "conversations.participants.list",
    "GET",
    _P,
    _PARTICIPANTS,
    list_key="participants",
    max_page_size=100,
    path_sids={"ConversationSid": "CH?"},
)
FETCH_PARTICIPANT = Operation(
    "conversations.participants.fetch",
    "GET",
    _P,
    _PARTICIPANTS + "/{Sid}",
    path_sids={"ConversationSid": "CH?", "Sid": "MB?"},
)
UPDATE_PARTICIPANT = Operation(
    "conversations.participants.update",
    "POST",
    _P,
    _PARTICIPANTS + "/{Sid}",
    params={
        "attributes": _SMALL_ATTRIBUTES,
        "role_sid": Param("RoleSid"),
        "last_read_message_index": Param("LastReadMessageIndex"),
        **_HOOK,
    },
    path_sids={"ConversationSid": "CH?", "Sid": "MB?"},
)
REMOVE_PARTICIPANT = Operation(
    "conversations.participants.remove",
    "DELETE",
    _P,
    _PARTICIPANTS + "/{Sid}",
    params=dict(_HOOK),
    path_sids={"ConversationSid": "CH?", "Sid": "MB?"},
)

_MESSAGES = "/v1/Conversations/{ConversationSid}/Messages"
SEND_MESSAGE = Operation(
    "conversations.messages.send",
    "POST",
    _P,
    _MESSAGES,
    params={
        "author": Param("Author"),
        "body": Param("Body"),
        "attributes": _SMALL_ATTRIBUTES,
        "media_sid": Param("MediaSid"),
        "content_sid": Param("ContentSid"),
        "content_variables": Param("ContentVariables", json=True),
        "subject": Param("Subject"),
        **_HOOK,
    },
    path_sids={"ConversationSid": "CH?"},
)
LIST_MESSAGES = Operation(
    "conversations.messages.list",
    "GET",
    _P,
    _MESSAGES,
    params={"order": Param("Order")},
    list_key="messages",
    max_page_size=100,
    path_sids={"ConversationSid": "CH?"},
)

LIST_PARTICIPANT_CONVERSATIONS = Operation(
    "conversations.participant_conversations.list",
    "GET",
    _P,
    "/v1/ParticipantConversations",
    params={"identity": Param("Identity"), "address": Param("Address")},
    list_key="conversations",
    max_page_size=50,
)

_WEBHOOKS = "/v1/Conversations/{ConversationSid}/Webhooks"
CREATE_SCOPED_WEBHOOK = Operation(
    "conversations.webhooks.create",
    "POST",
    _P,
    _WEBHOOKS,
    params={
        "target": Param("Target", required=True),
        "url": Param("Configuration.Url"),
        "method": Param("Configuration.Method"),
        "filters": Param("Configuration.Filters", multi=True),
        "triggers": Param("Configuration.Triggers", multi=True),
        "flow_sid": Param("Configuration.FlowSid"),
        "replay_after": Param("Configuration.ReplayAfter"),
    },
    path_sids={"ConversationSid": "CH?"},
)
LIST_SCOPED_WEBHOOKS = Operation(
    "conversations.webhooks.list",
    "GET",
    _P,
    _WEBHOOKS,
    list_key="webhooks",
    max_page_size=5,
    path_sids={"ConversationSid": "CH?"},
)
DELETE_SCOPED_WEBHOOK = Operation(
    "conversations.webhooks.delete",
    "DELETE",
    _P,
    _WEBHOOKS + "/{Sid}",
    path_sids={"ConversationSid": "CH?", "Sid": "WH"},
)
