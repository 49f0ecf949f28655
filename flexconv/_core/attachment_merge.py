"""The lossless merge of attachment changes into a whole ``channel_configs`` array (Twilio
replaces the array wholesale).  No I/O.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from flexconv._core.attachment_checks import AttachmentChange, default_settings
from flexconv._core.attachment_limits import format_size
from flexconv._core.errors import ValidationError

# ----------------------------------------------------------------------------------- merging


def _matches(entry: Any, address_type: str) -> bool:
    return isinstance(entry, Mapping) and entry.get("address_type") == address_type


def apply_changes(
    channel_configs: Sequence[Any] | None, changes: Mapping[str, AttachmentChange]
) -> list[Any]:
    """The ``channel_configs`` array with ``changes`` applied, and nothing else changed.

    The input is not modified.  For each changed channel, only the named settings of every
    entry with that ``address_type`` change; unknown keys inside the entry or its
    ``cbm_attachments``, all other entries (even malformed ones) and the order are kept.  An
    entry without ``cbm_attachments`` gets Twilio's defaults first; a channel without an entry
    gets a new entry, built from Twilio's defaults, appended at the end.

    Args:
        channel_configs: the array as read (``None`` counts as empty).
        changes: validated changes (from `check_changes()`), keyed by address type.
    """
    result = copy.deepcopy(list(channel_configs or []))
    for address_type, change in changes.items():
        values = change.values()
        found = False
        for index, entry in enumerate(result):
            if not _matches(entry, address_type):
                continue
            found = True
            new_entry = dict(entry)
            settings = new_entry.get("cbm_attachments")
            if isinstance(settings, Mapping):
                settings = dict(settings)
            else:
                settings = default_settings(address_type)
            settings.update(copy.deepcopy(values))
            new_entry["cbm_attachments"] = settings
            result[index] = new_entry
        if not found:
            settings = default_settings(address_type)
            settings.update(copy.deepcopy(values))
            result.append({"address_type": address_type, "cbm_attachments": settings})
    return result


def check_merged(channel_configs: Sequence[Any], changes: Mapping[str, AttachmentChange]) -> None:
    """Check the settings a change produces together with the settings it keeps.

    A change naming only ``max_total_file_size`` must still be at least the current
    ``max_file_size`` (and the other way round).

    Raises:
        ValidationError: the resulting total is below the resulting single-file size.
    """
    for entry in channel_configs:
        if not isinstance(entry, Mapping):
            continue
        kind = entry.get("address_type")
        if not isinstance(kind, str) or kind not in changes:
            continue
        change = changes[kind]
        if change.max_file_size is None and change.max_total_file_size is None:
            continue
        settings = entry.get("cbm_attachments")
        if not isinstance(settings, Mapping):
            continue
        single, total = settings.get("max_file_size"), settings.get("max_total_file_size")
        if isinstance(single, int) and isinstance(total, int) and total < single:
            named = "max_total_file_size" if change.max_total_file_size else "max_file_size"
            raise ValidationError(
                f"On {kind!r}, max_total_file_size would be {total} ({format_size(total)}) but "
                f"max_file_size {single} ({format_size(single)}); the {named} you asked for "
                "breaks the rule that the total is at least the single-file size"
            )


def change_holds(channel_configs: Sequence[Any], changes: Mapping[str, AttachmentChange]) -> bool:
    """Whether every change is already in effect in ``channel_configs``."""
    return apply_changes(channel_configs, changes) == list(channel_configs)
