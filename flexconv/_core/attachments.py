"""Attachment settings of the Flex Configuration's ``channel_configs``: pure logic, no I/O.

Twilio replaces JSON-valued configuration keys wholesale, so a change to one channel's
``cbm_attachments`` must be made on the whole ``channel_configs`` array and the whole array
written back.  This module holds everything about that which needs no network:

- [`LIMITS`][flexconv._core.attachments.LIMITS]: Twilio's per-channel limits (count, sizes, accepted extensions);
- [`parse_size()`][flexconv._core.attachments.parse_size] and [`format_size()`][flexconv._core.attachments.format_size]: ``"16MB"`` <-> ``16777216`` (binary multiples);
- [`normalize_extensions()`][flexconv._core.attachments.normalize_extensions]: ``[".JPG", "png"]`` -> ``["jpg", "png"]``;
- `check_change()`: validation of one channel's requested change against its limits;
- `apply_changes()`: the lossless merge of changes into a ``channel_configs`` array;
- `diff_channel_configs()`: a readable and a structured diff of two arrays;
- `compare_after_write()`: what a read-back shows that the write did not intend.

The parts live in `flexconv._core.attachment_limits`, `flexconv._core.attachment_checks`,
`flexconv._core.attachment_merge` and `flexconv._core.attachment_diff`; this module re-exports
them.
"""

from __future__ import annotations

from flexconv._core.attachment_checks import (
    AttachmentChange,
    check_change,
    check_changes,
    default_settings,
    normalize_address_type,
    normalize_extensions,
)
from flexconv._core.attachment_diff import ConfigDiff, compare_after_write, diff_channel_configs
from flexconv._core.attachment_limits import (
    FIELDS,
    KNOWN_ADDRESS_TYPES,
    LIMITS,
    AttachmentConflictError,
    ChannelLimits,
    format_size,
    parse_size,
)
from flexconv._core.attachment_merge import apply_changes, change_holds, check_merged
from flexconv._core.results import FieldChange

__all__ = [
    "FIELDS",
    "KNOWN_ADDRESS_TYPES",
    "LIMITS",
    "AttachmentChange",
    "AttachmentConflictError",
    "ChannelLimits",
    "ConfigDiff",
    "FieldChange",
    "apply_changes",
    "change_holds",
    "check_change",
    "check_changes",
    "check_merged",
    "compare_after_write",
    "default_settings",
    "diff_channel_configs",
    "format_size",
    "normalize_address_type",
    "normalize_extensions",
    "parse_size",
]
