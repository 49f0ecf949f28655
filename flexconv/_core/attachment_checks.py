"""Validating a requested attachment change against its channel's limits, before anything is
sent.  No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flexconv._core.attachment_limits import (
    FIELDS,
    KNOWN_ADDRESS_TYPES,
    LIMITS,
    ChannelLimits,
    format_size,
    parse_size,
)
from flexconv._core.errors import ValidationError

# ------------------------------------------------------------------------------ validation


def normalize_address_type(address_type: str, *, allow_unknown_channel: bool = False) -> str:
    """The address type as ``channel_configs`` spells it (lower case for the known ones).

    Raises:
        ValidationError: not a non-empty string, or an address type flexconv has no limits for
            (unless ``allow_unknown_channel``); the message lists the known ones.
    """
    if not isinstance(address_type, str) or not address_type.strip():
        raise ValidationError(
            f"address_type must be a non-empty string (one of {', '.join(KNOWN_ADDRESS_TYPES)}), "
            f"got {address_type!r}"
        )
    lowered = address_type.strip().lower()
    if lowered in LIMITS:
        return lowered
    if allow_unknown_channel:
        return address_type.strip()
    raise ValidationError(
        f"Unknown address_type {address_type!r}: known ones are "
        f"{', '.join(KNOWN_ADDRESS_TYPES)}; pass allow_unknown_channel=True to change an entry "
        "flexconv has no limits for (only generic checks apply then)"
    )


def normalize_extensions(
    extensions: Iterable[str] | str, *, address_type: str | None = None
) -> list[str]:
    """Extensions in Twilio's form: lower case, no leading dot, no duplicates, order kept.

    A string is split on commas (``"jpg, .PNG"``).  With a known ``address_type`` every
    extension must be one that channel accepts.

    Raises:
        ValidationError: an empty list, an empty or malformed extension, or one the channel does
            not accept (the message lists the accepted ones).
    """
    if isinstance(extensions, str):
        items: list[Any] = extensions.split(",")
    elif isinstance(extensions, Iterable) and not isinstance(extensions, (bytes, Mapping)):
        items = list(extensions)
    else:
        raise ValidationError(
            f"accepted_extensions must be a list of extensions like ['jpg', 'png'], got "
            f"{type(extensions).__name__}"
        )
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(f"accepted_extensions items must be strings, got {item!r}")
        ext = item.strip().lower().lstrip(".")
        if not ext or not re.fullmatch(r"[a-z0-9]+", ext):
            raise ValidationError(
                f"accepted_extensions: {item!r} is not an extension (expected letters and digits "
                "such as 'jpg' or '.png')"
            )
        if ext not in out:
            out.append(ext)
    if not out:
        raise ValidationError("accepted_extensions must name at least one extension")
    limits = LIMITS.get(address_type) if address_type is not None else None
    if limits is not None:
        refused = [e for e in out if e not in limits.accepted_extensions]
        if refused:
            raise ValidationError(
                f"accepted_extensions {refused} are not accepted on {address_type!r}: Twilio "
                f"accepts {', '.join(limits.accepted_extensions)}"
            )
    return out


@dataclass(frozen=True)
class AttachmentChange:
    """The settings to change on one channel; ``None`` leaves a setting as it is.

    Build it directly, or let `check_change()` build a validated one from user values.
    """

    enabled: bool | None = None
    """Allow or forbid attachments on the channel."""
    number_of_attachments: int | None = None
    """Most files one message may carry."""
    max_file_size: int | None = None
    """Largest single file, in bytes."""
    max_total_file_size: int | None = None
    """Largest combined size of one message's files, in bytes."""
    accepted_extensions: tuple[str, ...] | None = None
    """File extensions to accept, lower case without the dot."""

    def values(self) -> dict[str, Any]:
        """The named settings in wire form (extensions as a list)."""
        out: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if name == "accepted_extensions" else value
        return out

    def __bool__(self) -> bool:
        return bool(self.values())


def _count(value: Any, limits: ChannelLimits | None, address_type: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"number_of_attachments must be an int, got {value!r}")
    if value < 1:
        raise ValidationError(f"number_of_attachments must be at least 1, got {value}")
    if limits is not None and value > limits.max_attachments:
        raise ValidationError(
            f"number_of_attachments {value} exceeds {address_type!r}'s limit of "
            f"{limits.max_attachments}"
        )
    return value


def check_change(
    address_type: str,
    change: AttachmentChange | Mapping[str, Any],
    *,
    allow_unknown_channel: bool = False,
) -> tuple[str, AttachmentChange]:
    """Validate and normalise one channel's change, before anything is sent.

    Sizes may be ints or strings such as ``"16MB"``; extensions are normalised.  Each named
    value is checked against the channel's limit, and when both sizes are named the total must
    be at least the single-file size (`check_merged()` repeats that check against the
    current settings once they are known).

    Args:
        address_type: the channel (``web``, ``sms`` ...).
        change: an [`AttachmentChange`][flexconv._core.attachments.AttachmentChange] or a mapping of setting names to values.
        allow_unknown_channel: accept an address type flexconv has no limits for.

    Returns:
        The normalised address type and change.

    Raises:
        ValidationError: an unknown address type or setting, nothing to change, or a value that
            breaks a limit; the message names the value and the limit.
    """
    kind = normalize_address_type(address_type, allow_unknown_channel=allow_unknown_channel)
    if isinstance(change, AttachmentChange):
        raw = {name: getattr(change, name) for name in FIELDS}
    elif isinstance(change, Mapping):
        unknown = sorted(set(change) - set(FIELDS))
        if unknown:
            raise ValidationError(
                f"Unknown attachment settings {unknown} for {kind!r}: expected {', '.join(FIELDS)}"
            )
        raw = dict(change)
    else:
        raise ValidationError(
            f"The change for {kind!r} must be a mapping of settings or an AttachmentChange, "
            f"got {type(change).__name__}"
        )
    raw = {k: v for k, v in raw.items() if v is not None}
    if not raw:
        raise ValidationError(
            f"Nothing to change for {kind!r}: name at least one of {', '.join(FIELDS)}"
        )
    limits = LIMITS.get(kind)
    enabled = raw.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise ValidationError(f"enabled must be True or False, got {enabled!r}")
    count = raw.get("number_of_attachments")
    if count is not None:
        count = _count(count, limits, kind)
    single = raw.get("max_file_size")
    if single is not None:
        single = parse_size(single, name="max_file_size")
        if limits is not None and single > limits.max_file_size:
            raise ValidationError(
                f"max_file_size {single} ({format_size(single)}) exceeds {kind!r}'s limit of "
                f"{limits.max_file_size} ({format_size(limits.max_file_size)})"
            )
    total = raw.get("max_total_file_size")
    if total is not None:
        total = parse_size(total, name="max_total_file_size")
        if limits is not None and total > limits.max_total_file_size:
            raise ValidationError(
                f"max_total_file_size {total} ({format_size(total)}) exceeds {kind!r}'s limit "
                f"of {limits.max_total_file_size} ({format_size(limits.max_total_file_size)})"
            )
    if single is not None and total is not None and total < single:
        raise ValidationError(
            f"max_total_file_size {total} ({format_size(total)}) must be at least max_file_size "
            f"{single} ({format_size(single)}) on {kind!r}"
        )
    exts = raw.get("accepted_extensions")
    if exts is not None:
        exts = tuple(normalize_extensions(exts, address_type=kind))
    return kind, AttachmentChange(
        enabled=enabled,
        number_of_attachments=count,
        max_file_size=single,
        max_total_file_size=total,
        accepted_extensions=exts,
    )


def check_changes(
    changes: Mapping[str, AttachmentChange | Mapping[str, Any]],
    *,
    allow_unknown_channel: bool = False,
) -> dict[str, AttachmentChange]:
    """Validate several channels' changes (see `check_change()`); keys are address types.

    Raises:
        ValidationError: no changes, the same channel named twice (``"SMS"`` and ``"sms"``), or
            any invalid change.
    """
    if not isinstance(changes, Mapping) or not changes:
        raise ValidationError(
            "changes must be a non-empty mapping of address type -> settings, e.g. "
            "{'web': {'enabled': False}}"
        )
    out: dict[str, AttachmentChange] = {}
    for address_type, change in changes.items():
        kind, checked = check_change(
            address_type, change, allow_unknown_channel=allow_unknown_channel
        )
        if kind in out:
            raise ValidationError(f"{kind!r} is named more than once in changes")
        out[kind] = checked
    return out


def default_settings(address_type: str) -> dict[str, Any]:
    """Twilio's default ``cbm_attachments`` for a channel (empty for an unknown one)."""
    limits = LIMITS.get(address_type)
    if limits is None:
        return {}
    return {
        "enabled": True,
        "number_of_attachments": limits.max_attachments,
        "max_file_size": limits.max_file_size,
        "max_total_file_size": limits.max_total_file_size,
        "accepted_extensions": list(limits.accepted_extensions),
    }
