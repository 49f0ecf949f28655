"""Flex API operations (``flex-api.twilio.com/v1``)."""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

FETCH_CONFIGURATION = Operation(
    name="configuration.fetch",
    method="GET",
    product="flex-api",
    path="/v1/Configuration",
    params={"ui_version": Param("UiVersion")},
)

#: Takes a JSON body: ``account_sid`` plus the keys to change, each replaced wholesale.
UPDATE_CONFIGURATION = Operation(
    name="configuration.update",
    method="POST",
    product="flex-api",
    path="/v1/Configuration",
    body="json",
)
