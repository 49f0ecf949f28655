"""Conversations address checks: the address types, each type's address form and validating an
address (or a region) before anything is sent.  No I/O.
"""

from __future__ import annotations

import re

from flexconv._core.errors import ValidationError

#: Address types of Conversations address configurations (the spec's enum).
ADDRESS_TYPES: tuple[str, ...] = (
    "sms",
    "whatsapp",
    "messenger",
    "gbm",
    "email",
    "rcs",
    "apple",
    "chat",
)

#: Types Conversations supports in IE1 (chat only).
IE1_ADDRESS_TYPES: frozenset[str] = frozenset({"chat"})

#: Events an auto-creation webhook can subscribe to (the spec's list).
WEBHOOK_FILTERS: tuple[str, ...] = (
    "onMessageAdded",
    "onMessageUpdated",
    "onMessageRemoved",
    "onConversationUpdated",
    "onConversationStateUpdated",
    "onConversationRemoved",
    "onParticipantAdded",
    "onParticipantUpdated",
    "onParticipantRemoved",
    "onDeliveryUpdated",
)

#: E.164: a country code and number of 7 to 15 digits in all (the shortest numbering plans have
#: 7); North American (+1) numbers are exactly +1 and ten digits.
_E164 = r"\+(?:1[2-9]\d{9}|[2-9]\d{6,14})"
_FORMS: dict[str, tuple[re.Pattern[str], str]] = {
    "sms": (
        re.compile(rf"{_E164}|\d{{3,8}}"),
        "an E.164 phone number such as +15551234567 (or a 3-8 digit short code)",
    ),
    "whatsapp": (re.compile(rf"whatsapp:{_E164}"), "whatsapp:+E164, e.g. whatsapp:+15551234567"),
    "messenger": (re.compile(r"messenger:\d{1,32}"), "messenger:<page id> (digits)"),
    "gbm": (re.compile(r"gbm:[A-Za-z0-9_-]{1,128}"), "gbm:<agent id>"),
    "email": (
        re.compile(r"[^@\s:]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
        "an email address such as support@example.com",
    ),
    "rcs": (re.compile(r"rcs:[A-Za-z0-9_.-]{1,128}"), "rcs:<sender id>"),
    "apple": (re.compile(r"apple:[A-Za-z0-9_.-]{1,128}"), "apple:<business id>"),
    "chat": (
        re.compile(r"[^\s\x00-\x1f\x7f]{1,256}"),
        "a non-empty name without spaces (max 256 characters)",
    ),
}

#: The expected form of an address, per type (also shown in error messages).
ADDRESS_FORMS: dict[str, str] = {kind: form for kind, (_, form) in _FORMS.items()}

_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?")


def _check_type(kind: object) -> str:
    if not isinstance(kind, str) or kind not in ADDRESS_TYPES:
        raise ValidationError(f"type must be one of {', '.join(ADDRESS_TYPES)}, got {kind!r}")
    return kind


def infer_type(address: str) -> str:
    """The address type an address implies: ``whatsapp:+1…`` → whatsapp, ``+1…`` → sms, ``a@b.c`` → email.

    Raises:
        ValidationError: the address does not imply a type (pass ``type=`` explicitly).
    """
    if not isinstance(address, str) or not address:
        raise ValidationError(f"address must be a non-empty string, got {address!r}")
    if ":" in address:
        prefix = address.split(":", 1)[0]
        if prefix in ADDRESS_TYPES and prefix not in ("sms", "email", "chat"):
            return prefix
    if "@" in address:
        return "email"
    if re.fullmatch(r"\+\d+|\d{3,8}", address):
        return "sms"
    raise ValidationError(
        f"Cannot tell the address type of {address!r}; pass type= (one of {', '.join(ADDRESS_TYPES)})"
    )


def validate_address(kind: str, address: object) -> str:
    """Return ``address`` when it has the form its type expects.

    Forms: sms E.164 (or a short code), whatsapp ``whatsapp:+E164``, messenger
    ``messenger:<page id>``, gbm ``gbm:<agent id>``, email an address, rcs ``rcs:<sender id>``,
    apple ``apple:<business id>``, chat any name without spaces.

    Raises:
        ValidationError: naming the expected form.
    """
    _check_type(kind)
    pattern, form = _FORMS[kind]
    if not isinstance(address, str):
        raise TypeError(f"A {kind} address must be a string, got {type(address).__name__}")
    if not pattern.fullmatch(address):
        raise ValidationError(f"A {kind} address must be {form}; got {address!r}")
    return address


def check_messaging_address(address: object, name: str = "address") -> str:
    """A participant's messaging address (``+1555…``, ``whatsapp:+1555…``, ``messenger:…``, an
    email address …), checked against its type's form.

    Raises:
        TypeError: not a string.
        ValidationError: no type can be told from it, or it breaks its type's form.
    """
    if not isinstance(address, str):
        raise TypeError(f"{name} must be a string, got {type(address).__name__}")
    try:
        kind = infer_type(address)
    except ValidationError:
        raise ValidationError(
            f"{name} {address!r} is not a messaging address (expected +E164, whatsapp:+E164, "
            "messenger:<page id>, an email address …)"
        ) from None
    pattern, form = _FORMS[kind]
    if not pattern.fullmatch(address):
        raise ValidationError(f"{name}: a {kind} address must be {form}; got {address!r}")
    return address


def check_region(kind: str, region: str) -> None:
    """Refuse an address type the region's Conversations does not support (IE1: chat only).

    Raises:
        ValidationError: before anything is sent.
    """
    if region == "ie1" and kind not in IE1_ADDRESS_TYPES:
        raise ValidationError(
            f"Conversations in region ie1 supports chat addresses only; {kind!r} addresses need "
            "a us1 client (no region)"
        )
