"""The whole contact centre as desired state: the pure parts of ``client.account.ensure``.

One document (decoded YAML or JSON) describes task channels, activities, task queues,
workflows, Studio flows, addresses, attachment settings, the workspace's event callback and
the Conversations account webhooks.  This module parses and validates it (every error names
its place in the file), compares it with the account's current state (given as plain values),
orders the changes by dependency and turns names into SIDs.  No I/O.

The parts live in submodules: `spec` (the document), `plan` (state and plan types),
`names` (names to SIDs, request values) and `diff` (`plan_account`).
"""

from __future__ import annotations

from flexconv._core.desired.diff import plan_account
from flexconv._core.desired.names import Names, request_values
from flexconv._core.desired.names import settle as settle
from flexconv._core.desired.plan import AccountChange, AccountPlan, AccountState
from flexconv._core.desired.spec import (
    FLEX_DEFAULTS,
    KINDS,
    PROTECTED_TASK_CHANNELS,
    SECTIONS,
    AccountSpec,
    parse_spec,
)

__all__ = [
    "FLEX_DEFAULTS",
    "KINDS",
    "PROTECTED_TASK_CHANNELS",
    "SECTIONS",
    "AccountChange",
    "AccountPlan",
    "AccountSpec",
    "AccountState",
    "Names",
    "parse_spec",
    "plan_account",
    "request_values",
]
