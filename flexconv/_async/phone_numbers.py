"""``client.phone_numbers``: the account's phone numbers (2010 API ``IncomingPhoneNumbers``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import routing_checks as checks
from flexconv._core.errors import ValidationError
from flexconv._core.ops import phone_numbers as ops
from flexconv._core.sids import check_sid
from flexconv.models.phone_numbers import PhoneNumber

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager

__all__ = ["AsyncPhoneNumbers"]

Method = Literal["GET", "POST"]

#: The update's parameters ``extra`` may name: those not typed as keywords.
_EXTRA = {
    wire: key
    for wire, key in ops.UPDATE_PARAMS.items()
    if key
    not in (
        "friendly_name", "sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method",
        "sms_application_sid", "status_callback", "status_callback_method", "voice_url",
        "voice_method",
    )
}  # fmt: skip


class AsyncPhoneNumbers(AsyncResource):
    """The account's phone numbers (``client.phone_numbers``): ``list``, ``fetch``, ``update``
    and ``find`` (by number).

    A number's ``sms_url`` is where Twilio sends its messages when no Conversations address
    captures them; point it at your backend, or leave it empty and let a Conversations address
    (``client.channels``) take the number's messages.
    """

    _path = "phone_numbers"

    def list(
        self,
        *,
        phone_number: str | None = None,
        friendly_name: str | None = None,
        origin: Literal["twilio", "hosted"] | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[PhoneNumber]:
        """The account's numbers; ``phone_number`` matches a part of the number, ``*`` standing
        for any digit (``"+1500555*"``)."""
        if origin is not None and origin not in ("twilio", "hosted"):
            raise ValidationError(f"origin must be 'twilio' or 'hosted', got {origin!r}")
        return self._list(
            ops.LIST_PHONE_NUMBERS,
            PhoneNumber,
            path_params={"AccountSid": self._client.account_sid},
            values={"phone_number": phone_number, "friendly_name": friendly_name, "origin": origin},
            limit=limit,
            page_size=page_size,
        )

    async def fetch(self, phone_number_sid: str) -> PhoneNumber:
        """One number by its ``PN…`` SID."""
        return await self._call(
            ops.FETCH_PHONE_NUMBER,
            PhoneNumber,
            path_params={"AccountSid": self._client.account_sid, "Sid": phone_number_sid},
        )

    async def find(self, phone_number: str) -> PhoneNumber | None:
        """The account's number ``phone_number`` (E.164, ``+15005550006``), or ``None``."""
        if not isinstance(phone_number, str) or not phone_number.startswith("+"):
            raise ValidationError(
                f"phone_number must be E.164 (+15005550006), got {phone_number!r}"
            )
        async for number in self.list(phone_number=phone_number):
            if number.phone_number == phone_number:
                return number
        return None

    async def update(
        self,
        phone_number_sid: str,
        *,
        sms_url: str | None = None,
        sms_method: Method | None = None,
        sms_fallback_url: str | None = None,
        sms_fallback_method: Method | None = None,
        sms_application_sid: str | None = None,
        status_callback: str | None = None,
        status_callback_method: Method | None = None,
        voice_url: str | None = None,
        voice_method: Method | None = None,
        friendly_name: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> PhoneNumber:
        """Change where the number's messages (``sms_url``) and calls go; ``""`` clears a URL.

        The API's other parameters (``VoiceFallbackUrl``, ``TrunkSid``, ...) go in ``extra``
        under their API names; a name the API does not take is refused before sending.
        """
        values: dict[str, Any] = {}
        for name, url in (
            ("sms_url", sms_url),
            ("sms_fallback_url", sms_fallback_url),
            ("status_callback", status_callback),
            ("voice_url", voice_url),
        ):
            values[name] = checks.callback_url(url, name)
        for name, method in (
            ("sms_method", sms_method),
            ("sms_fallback_method", sms_fallback_method),
            ("status_callback_method", status_callback_method),
            ("voice_method", voice_method),
        ):
            if method is not None and method not in ("GET", "POST"):
                raise ValidationError(f"{name} must be 'GET' or 'POST', got {method!r}")
            values[name] = method
        if sms_application_sid:
            check_sid(sms_application_sid, "AP", "sms_application_sid")
        values["sms_application_sid"] = sms_application_sid
        if friendly_name is not None and len(friendly_name) > 64:
            raise ValidationError(
                "friendly_name is at most 64 characters (IncomingPhoneNumber docs)"
            )
        values["friendly_name"] = friendly_name
        if extra is not None:
            if not isinstance(extra, Mapping):
                raise ValidationError("extra must be a mapping of the API's parameter names")
            for wire, value in extra.items():
                key = _EXTRA.get(wire)
                if key is None:
                    raise ValidationError(
                        f"Updating a phone number does not take {wire!r} in extra; it takes "
                        f"{', '.join(_EXTRA)} (the others are keyword arguments)"
                    )
                values[key] = value
        if all(v is None for v in values.values()):
            raise ValidationError("update needs at least one field to change")
        return await self._call(
            ops.UPDATE_PHONE_NUMBER,
            PhoneNumber,
            path_params={"AccountSid": self._client.account_sid, "Sid": phone_number_sid},
            values=values,
        )
