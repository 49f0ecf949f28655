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
    account_sid: str | None = None
    workspace_sid: str | None = None
    unique_name: str | None = None
    friendly_name: str | None = None
    channel_optimized_routing: bool | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    links: dict[str, Any] | None = None
