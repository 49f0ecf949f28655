"""TaskRouter task channels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Model

__all__ = ["TaskChannel"]


@attrs.define(frozen=True, kw_only=True, repr=False)
class TaskChannel(Model):
    """A TaskRouter task channel (``TC…``): ``voice``, ``chat``, ``sms``… or a custom one."""

    _repr_fields = ("sid", "unique_name")

    sid: str | None = None
    """The task channel's SID (`TC…`)."""
    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    workspace_sid: str | None = None
    """SID (`WS…`) of the TaskRouter workspace that holds this resource."""
    unique_name: str | None = None
    """The channel's unique name, such as `voice`, `sms` or a custom one."""
    friendly_name: str | None = None
    """A readable name chosen by whoever created the resource."""
    channel_optimized_routing: bool | None = None
    """Whether workers idle longest on this channel get its tasks first."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    url: str | None = None
    """Absolute API URL of this task channel."""
    links: dict[str, Any] | None = None
    """Absolute API URLs of related resources, by name."""
