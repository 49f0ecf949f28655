"""The desired-state types of ``client.account.ensure`` (``flexconv apply``)."""

from __future__ import annotations

from flexconv._core.channels import EnsureError
from flexconv._core.desired import (
    FLEX_DEFAULTS,
    SECTIONS,
    AccountChange,
    AccountPlan,
    AccountSpec,
    AccountState,
)

__all__ = [
    "FLEX_DEFAULTS",
    "SECTIONS",
    "AccountChange",
    "AccountPlan",
    "AccountSpec",
    "AccountState",
    "EnsureError",
]
