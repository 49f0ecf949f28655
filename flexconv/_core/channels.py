"""Pure logic for Conversations addresses and custom task channels.

Address validation per type, typed auto-creation targets, the desired-state plan (what
``ensure`` creates, updates, leaves alone or prunes) and the task attributes that make the Flex
UI render a custom channel's tasks as chat.  No I/O: everything here works on plain values.

This module holds the custom task channel helpers and re-exports the rest from
`flexconv._core.address_checks`, `flexconv._core.address_targets`,
`flexconv._core.address_plan` and `flexconv._core.ensure_results`.
"""

from __future__ import annotations

import re

from flexconv._core.address_checks import (
    ADDRESS_FORMS,
    ADDRESS_TYPES,
    IE1_ADDRESS_TYPES,
    WEBHOOK_FILTERS,
    check_messaging_address,
    check_region,
    infer_type,
    validate_address,
)
from flexconv._core.address_plan import (
    DesiredAddress,
    desired_from_mapping,
    plan_addresses,
)
from flexconv._core.address_targets import (
    AutoCreationTarget,
    DefaultTarget,
    StudioTarget,
    WebhookTarget,
    auto_creation_values,
)
from flexconv._core.ensure_results import AddressPlan, EnsureError, PlanItem
from flexconv._core.errors import ValidationError
from flexconv._core.results import FieldChange
from flexconv._core.sids import is_sid

__all__ = [
    "ADDRESS_FORMS",
    "ADDRESS_TYPES",
    "IE1_ADDRESS_TYPES",
    "WEBHOOK_FILTERS",
    "AddressPlan",
    "AutoCreationTarget",
    "DefaultTarget",
    "DesiredAddress",
    "EnsureError",
    "FieldChange",
    "PlanItem",
    "StudioTarget",
    "WebhookTarget",
    "auto_creation_values",
    "check_messaging_address",
    "check_region",
    "desired_from_mapping",
    "flex_ui_snippet",
    "infer_type",
    "plan_addresses",
    "validate_address",
]


# ----------------------------------------------------------------------------- custom task channels

_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def check_unique_name(value: object, what: str = "unique_name") -> str:
    """A task channel unique name: 1-64 letters, digits, ``_``, ``.`` or ``-``."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValidationError(
            f"{what} must be 1-64 letters, digits, '_', '.' or '-' (like 'chat' or 'custom1'), got {value!r}"
        )
    return value


def flex_ui_snippet(task_channel_unique_name: str, *, channel_type: str | None = None) -> str:
    """The Flex UI plugin code that renders the custom channel's tasks as chat.

    Register it in your plugin's ``init(flex, manager)``.  The predicate matches the task
    channel's unique name, or the ``channelType`` attribute when ``channel_type`` is given.
    """
    check_unique_name(task_channel_unique_name, "task_channel_unique_name")
    if channel_type is not None:
        check_unique_name(channel_type, "channel_type")
        predicate = (
            f'task.taskChannelUniqueName === "{task_channel_unique_name}" || '
            f'task.attributes.channelType === "{channel_type}"'
        )
    else:
        predicate = f'task.taskChannelUniqueName === "{task_channel_unique_name}"'
    return (
        "const channel = flex.DefaultTaskChannels.createChatTaskChannel(\n"
        f'  "{task_channel_unique_name}",\n'
        f"  (task) => {predicate}\n"
        ");\n"
        "flex.TaskChannels.register(channel);\n"
    )


def looks_like_address_sid(value: str) -> bool:
    """Whether a path value is an ``IG…`` SID rather than an address."""
    return is_sid(value, "IG")
