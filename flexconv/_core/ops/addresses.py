"""Conversations address configurations (``conversations.twilio.com/v1/Configuration/Addresses``)."""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

_PATH = "/v1/Configuration/Addresses"

_AUTO_CREATION = {
    "friendly_name": Param("FriendlyName"),
    "auto_creation_enabled": Param("AutoCreation.Enabled"),
    "auto_creation_type": Param("AutoCreation.Type"),
    "conversation_service_sid": Param("AutoCreation.ConversationServiceSid"),
    "webhook_url": Param("AutoCreation.WebhookUrl"),
    #: Twilio takes ``get``/``post`` (lowercase); responses say ``GET``/``POST``.
    "webhook_method": Param("AutoCreation.WebhookMethod"),
    #: Repeated key, one per event.
    "webhook_filters": Param("AutoCreation.WebhookFilters", multi=True),
    "studio_flow_sid": Param("AutoCreation.StudioFlowSid"),
    "studio_retry_count": Param("AutoCreation.StudioRetryCount"),
}

LIST_ADDRESSES = Operation(
    name="addresses.list",
    method="GET",
    product="conversations",
    path=_PATH,
    params={"type": Param("Type")},
    list_key="address_configurations",
    max_page_size=50,
)

#: ``Sid`` takes the ``IG…`` SID or the address itself.
FETCH_ADDRESS = Operation(
    name="addresses.fetch",
    method="GET",
    product="conversations",
    path=_PATH + "/{Sid}",
    path_sids={"Sid": "IG?"},
)

CREATE_ADDRESS = Operation(
    name="addresses.create",
    method="POST",
    product="conversations",
    path=_PATH,
    params={
        "type": Param("Type", required=True),
        "address": Param("Address", required=True),
        "address_country": Param("AddressCountry"),
        **_AUTO_CREATION,
    },
)

UPDATE_ADDRESS = Operation(
    name="addresses.update",
    method="POST",
    product="conversations",
    path=_PATH + "/{Sid}",
    params=dict(_AUTO_CREATION),
    path_sids={"Sid": "IG?"},
)

DELETE_ADDRESS = Operation(
    name="addresses.delete",
    method="DELETE",
    product="conversations",
    path=_PATH + "/{Sid}",
    path_sids={"Sid": "IG?"},
)
