"""Twilio's per-channel attachment limits, the conflict error, and sizes as text (``"16MB"`` <->
``16777216``).  No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flexconv._core.errors import ConflictError, ValidationError

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
