"""SID checks: a SID is two capital letters naming its resource type and 32 hex digits."""

from __future__ import annotations

import re

from flexconv._core.errors import ValidationError

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")


def is_sid(value: object, prefix: str) -> bool:
    """Whether ``value`` is a SID with ``prefix``."""
    return (
        isinstance(value, str)
        and len(value) == 34
        and value[:2] == prefix
        and _HEX32.fullmatch(value[2:]) is not None
    )


def check_sid(value: object, prefix: str, name: str) -> str:
    """Return ``value`` when it is a ``prefix`` SID; raise [`ValidationError`][flexconv._core.errors.ValidationError] otherwise."""
    if is_sid(value, prefix):
        assert isinstance(value, str)
        return value
    shown = (
        repr(value) if not isinstance(value, str) or len(value) <= 40 else repr(value[:40] + "…")
    )
    raise ValidationError(
        f"{name} must be a {prefix} SID ({prefix} followed by 32 hex digits), got {shown}"
    )


def check_sid_or_name(value: object, prefix: str, name: str) -> str:
    """For path values that take a SID or a name (unique name, identity, address)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} must be a {prefix} SID or a non-empty name, got {value!r}")
    looks_like_sid = len(value) == 34 and value[:2].isalpha() and value[:2].isupper()
    if looks_like_sid and value[:2] != prefix and _HEX32.fullmatch(value[2:]):
        raise ValidationError(f"{name} must be a {prefix} SID, got a {value[:2]} SID")
    if _CONTROLS.search(value):
        raise ValidationError(
            f"{name} must not contain control characters (CR, LF, NUL ...), got {value[:40]!r}"
        )
    return value
