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
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flexconv._core.errors import ConflictError, ValidationError
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

#: The settings keys of ``cbm_attachments`` that flexconv types (others are kept verbatim).
FIELDS: tuple[str, ...] = (
    "enabled",
    "number_of_attachments",
    "max_file_size",
    "max_total_file_size",
    "accepted_extensions",
)


@dataclass(frozen=True)
class ChannelLimits:
    """Twilio's attachment limits for one address type."""

    #: The ``address_type`` of the ``channel_configs`` entry (``web``, ``sms`` ...).
    address_type: str
    #: Most attachments one message may carry.
    max_attachments: int
    #: Largest single file, in bytes.
    max_file_size: int
    #: Largest total of one message's files, in bytes.
    max_total_file_size: int
    #: Extensions Twilio accepts on this channel, lower case without a dot.
    accepted_extensions: tuple[str, ...]
    #: A note shown with the limits (beta, retired ...).
    note: str = ""


_COMMON = ("jpg", "jpeg", "png", "amr", "mp3", "mp4", "pdf", "heic")

#: Twilio's per-channel attachment limits, from Twilio's Flex attachments documentation.
LIMITS: Mapping[str, ChannelLimits] = {
    limits.address_type: limits
    for limits in (
        ChannelLimits("web", 1, 16_777_216, 67_108_864, (*_COMMON, "txt", "gif")),
        ChannelLimits("sms", 1, 2_097_152, 5_242_880, _COMMON, "MMS"),
        ChannelLimits("whatsapp", 1, 16_777_216, 67_108_864, (*_COMMON, "oga")),
        ChannelLimits("email", 10, 157_286_400, 157_286_400, (*_COMMON, "txt", "gif")),
        ChannelLimits(
            "messenger",
            1,
            26_214_400,
            26_214_400,
            ("jpg", "jpeg", "png", "mp3", "mp4", "pdf"),
            "beta",
        ),
        ChannelLimits("gbm", 1, 5_242_880, 5_242_880, ("jpg", "jpeg", "png"), "beta, retired"),
    )
}

#: Address types whose limits flexconv knows, in Twilio's table order.
KNOWN_ADDRESS_TYPES: tuple[str, ...] = tuple(LIMITS)


class AttachmentConflictError(ConflictError):
    """Another writer kept changing ``channel_configs`` while flexconv tried to apply a change.

    Flex Configuration has no ETag, so flexconv re-reads before writing and reads back after
    writing; when the array keeps moving under it for every allowed attempt, it stops and raises
    this error.  ``differences`` lists what differed from what flexconv expected.
    """

    def __init__(self, message: str, *, differences: Sequence[str] = ()) -> None:
        super().__init__(message, status=409)
        self.differences = list(differences)

    def __str__(self) -> str:
        if not self.differences:
            return self.message
        return self.message + "\n  " + "\n  ".join(self.differences)


# ----------------------------------------------------------------------------------- sizes

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
    "gib": 1024**3,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(value: int | str, *, name: str = "size") -> int:
    """A size in bytes from an int or a human string.

    Units are binary multiples, as in Twilio's limits table: ``"16MB"`` (or ``"16 MiB"``,
    ``"16m"``) is 16,777,216 bytes, ``"512KB"`` is 524,288, ``"1.5GB"`` is 1,610,612,736; a bare
    number is bytes.

    Args:
        value: bytes as an int, or a string such as ``"16MB"``.
        name: the parameter name used in error messages.

    Raises:
        ValidationError: the value is not a positive whole number of bytes.
    """
    if isinstance(value, bool):
        raise ValidationError(
            f"{name} must be a number of bytes or a size like '16MB', got {value!r}"
        )
    if isinstance(value, int):
        size = value
    elif isinstance(value, str):
        match = _SIZE.fullmatch(value)
        unit = match.group(2).lower() if match else ""
        if match is None or unit not in _UNITS:
            raise ValidationError(
                f"{name} must be a number of bytes or a size like '16MB', '512KB', '1GB' "
                f"(binary multiples), got {value!r}"
            )
        scaled = float(match.group(1)) * _UNITS[unit]
        if scaled != int(scaled):
            raise ValidationError(f"{name} {value!r} is not a whole number of bytes")
        size = int(scaled)
    else:
        raise ValidationError(
            f"{name} must be a number of bytes or a size like '16MB', got {type(value).__name__}"
        )
    if size < 1:
        raise ValidationError(f"{name} must be at least 1 byte, got {value!r}")
    return size


def format_size(size: int | None) -> str:
    """A byte count for people: ``16777216`` -> ``"16 MB"``, ``1000`` -> ``"1000 B"``."""
    if size is None:
        return "-"
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


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


# ----------------------------------------------------------------------------------- diffing


@dataclass(frozen=True)
class ConfigDiff:
    """The difference between two ``channel_configs`` arrays, per entry."""

    #: Every changed value, structured.
    changes: tuple[FieldChange, ...] = ()
    #: A unified diff of the changed entries (JSON, two-space indent), empty when unchanged.
    text: str = ""
    #: The changed entries before and after, keyed by address type (``None``: no entry).
    entries: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __str__(self) -> str:
        return self.text or "(no change)"


def _walk(kind: str, path: tuple[str, ...], before: Any, after: Any) -> list[FieldChange]:
    if before == after:
        return []
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        out: list[FieldChange] = []
        for key in [*before, *(k for k in after if k not in before)]:
            out.extend(_walk(kind, (*path, str(key)), before.get(key), after.get(key)))
        return out
    return [FieldChange(kind, path, before, after)]


def _entries_by_type(configs: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, entry in enumerate(configs):
        kind = entry.get("address_type") if isinstance(entry, Mapping) else None
        key = kind if isinstance(kind, str) and kind not in out else f"[{index}]"
        out[key] = entry
    return out


def diff_channel_configs(before: Sequence[Any] | None, after: Sequence[Any] | None) -> ConfigDiff:
    """A readable and a structured diff of two ``channel_configs`` arrays, entry by entry."""
    old = _entries_by_type(list(before or []))
    new = _entries_by_type(list(after or []))
    changes: list[FieldChange] = []
    entries: dict[str, tuple[Any, Any]] = {}
    chunks: list[str] = []
    for kind in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(kind), new.get(kind)
        if a == b:
            continue
        entries[kind] = (copy.deepcopy(a), copy.deepcopy(b))
        if a is None or b is None:
            changes.append(FieldChange(kind, (), a, b))
        else:
            changes.extend(_walk(kind, (), a, b))
        a_lines = json.dumps(a, indent=2).splitlines() if a is not None else []
        b_lines = json.dumps(b, indent=2).splitlines() if b is not None else []
        label = f"channel_configs[address_type={kind}]"
        chunks.extend(
            difflib.unified_diff(
                a_lines,
                b_lines,
                f"{label} (before)" if a is not None else "/dev/null",
                f"{label} (after)" if b is not None else "/dev/null",
                lineterm="",
                n=20,
            )
        )
    return ConfigDiff(tuple(changes), "\n".join(chunks), entries)


def compare_after_write(expected: Sequence[Any], actual: Sequence[Any]) -> list[str]:
    """What a read-back ``actual`` shows that the written ``expected`` did not (readable lines)."""
    if list(expected) == list(actual):
        return []
    lines = [str(c) for c in diff_channel_configs(expected, actual).changes]
    if not lines:
        lines = ["the order of channel_configs entries changed"]
    return lines
