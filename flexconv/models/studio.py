"""Studio flows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Model, OpenStrEnum

__all__ = ["Flow", "FlowStatus"]


class FlowStatus(OpenStrEnum):
    """A flow's status: a ``draft`` revision, or the ``published`` one that runs."""

    DRAFT = "draft"
    PUBLISHED = "published"


@attrs.define(frozen=True, kw_only=True, repr=False)
class Flow(Model):
    """A Studio flow (``FW…``), such as Flex's ``Messaging Flow``."""

    _repr_fields = ("sid", "friendly_name", "status", "revision")

    sid: str | None = None
    """The flow's SID (``FW…``)."""
    account_sid: str | None = None
    """The account the flow belongs to (``AC…``)."""
    author_sid: str | None = None
    """Who last changed the flow, when Twilio knows."""
    friendly_name: str | None = None
    """The flow's name."""
    definition: Any = None
    """The flow definition (a JSON object: ``states``, ``initial_state``, ...)."""
    status: FlowStatus | None = None
    """``draft`` or ``published``."""
    revision: int | None = None
    """The revision number, raised by every update."""
    commit_message: str | None = None
    """The message given with the latest revision."""
    valid: bool | None = None
    """Whether Studio found the definition valid."""
    errors: list[Any] | None = None
    """What Studio found wrong with the definition."""
    warnings: list[Any] | None = None
    """What Studio warns about in the definition."""
    date_created: datetime | None = None
    """When the flow was created."""
    date_updated: datetime | None = None
    """When the flow last changed."""
    webhook_url: str | None = None
    """The URL that starts an execution of the flow (a phone number's webhook)."""
    url: str | None = None
    """The flow's absolute URL."""
    links: dict[str, Any] | None = None
    """URLs of the flow's revisions, executions and test users."""
