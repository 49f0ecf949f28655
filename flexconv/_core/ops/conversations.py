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
        "last_read_timestamp": Param("LastReadTimestamp"),
        "identity": Param("Identity"),
        "proxy_address": Param("MessagingBinding.ProxyAddress"),
        "projected_address": Param("MessagingBinding.ProjectedAddress"),
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

FETCH_CONFIGURATION = Operation("conversations.configuration.fetch", "GET", _P, "/v1/Configuration")
UPDATE_CONFIGURATION = Operation(
    "conversations.configuration.update",
    "POST",
    _P,
    "/v1/Configuration",
    params={
        "default_chat_service_sid": Param("DefaultChatServiceSid"),
        "default_messaging_service_sid": Param("DefaultMessagingServiceSid"),
        "default_inactive_timer": Param("DefaultInactiveTimer"),
        "default_closed_timer": Param("DefaultClosedTimer"),
    },
)
FETCH_CONFIGURATION_WEBHOOKS = Operation(
    "conversations.configuration.webhooks.fetch", "GET", _P, "/v1/Configuration/Webhooks"
)
UPDATE_CONFIGURATION_WEBHOOKS = Operation(
    "conversations.configuration.webhooks.update",
    "POST",
    _P,
    "/v1/Configuration/Webhooks",
    params={
        "method": Param("Method"),
        "filters": Param("Filters", multi=True),
        "pre_webhook_url": Param("PreWebhookUrl"),
        "post_webhook_url": Param("PostWebhookUrl"),
        "target": Param("Target"),
    },
)

#: Account roles (the default Conversation Service's) and one service's roles.
_ROLES = "/v1/Roles"
_SERVICE_ROLES = "/v1/Services/{ChatServiceSid}/Roles"
_ROLE_CREATE = {
    "friendly_name": Param("FriendlyName", required=True),
    "type": Param("Type", required=True),
    "permission": Param("Permission", required=True, multi=True),
}
_ROLE_UPDATE = {"permission": Param("Permission", required=True, multi=True)}
LIST_ROLES = Operation(
    "conversations.roles.list", "GET", _P, _ROLES, list_key="roles", max_page_size=50
)
CREATE_ROLE = Operation("conversations.roles.create", "POST", _P, _ROLES, params=_ROLE_CREATE)
FETCH_ROLE = Operation(
    "conversations.roles.fetch", "GET", _P, _ROLES + "/{Sid}", path_sids={"Sid": "RL"}
)
UPDATE_ROLE = Operation(
    "conversations.roles.update",
    "POST",
    _P,
    _ROLES + "/{Sid}",
    params=_ROLE_UPDATE,
    path_sids={"Sid": "RL"},
)
DELETE_ROLE = Operation(
    "conversations.roles.delete", "DELETE", _P, _ROLES + "/{Sid}", path_sids={"Sid": "RL"}
)
_IS = {"ChatServiceSid": "IS"}
LIST_SERVICE_ROLES = Operation(
    "conversations.service_roles.list",
    "GET",
    _P,
    _SERVICE_ROLES,
    list_key="roles",
    max_page_size=50,
    path_sids=_IS,
)
CREATE_SERVICE_ROLE = Operation(
    "conversations.service_roles.create",
    "POST",
    _P,
    _SERVICE_ROLES,
    params=_ROLE_CREATE,
    path_sids=_IS,
)
FETCH_SERVICE_ROLE = Operation(
    "conversations.service_roles.fetch",
    "GET",
    _P,
    _SERVICE_ROLES + "/{Sid}",
    path_sids={**_IS, "Sid": "RL"},
)
UPDATE_SERVICE_ROLE = Operation(
    "conversations.service_roles.update",
    "POST",
    _P,
    _SERVICE_ROLES + "/{Sid}",
    params=_ROLE_UPDATE,
    path_sids={**_IS, "Sid": "RL"},
)
DELETE_SERVICE_ROLE = Operation(
    "conversations.service_roles.delete",
    "DELETE",
    _P,
    _SERVICE_ROLES + "/{Sid}",
    path_sids={**_IS, "Sid": "RL"},
)
