"""Twilio's Media Content Service (MCS) as Conversations uses it: uploading a file's bytes to
``POST https://mcs.us1.twilio.com/v1/Services/{ChatServiceSid}/Media`` (its ``Content-Type`` is the
media's), fetching the media's metadata and its content.  The answer's ``sid`` (``ME…``) is what a
Conversations message's ``MediaSid`` names.

MCS is not part of Twilio's bundled OpenAPI specs: its routes live under the product ``mcs`` (the
host ``mcs.us1.twilio.com``, or the path prefix ``/mcs/`` on the loopback server) and the
spec-conformance gate lists them as outside the specs (``tests/conftest.py``).
"""

from __future__ import annotations

import re

from flexconv.emulator._base import ApiError, EmuRequest, EmuResponse, bad_request, iso, not_found
from flexconv.emulator.conversations.entities import Media
from flexconv.emulator.conversations.routes_messages import ConversationsMessageRoutes

#: The product key of the Media Content Service.
MCS = "mcs"
#: The largest upload MCS takes (150 MB, Twilio's documented limit for Conversations media).
MAX_MEDIA_BYTES = 150 * 1024 * 1024
_FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.IGNORECASE)


class ConversationsMediaRoutes(ConversationsMessageRoutes):
    """Handles media uploads and reads on the Media Content Service."""

    def _register_media(self) -> None:
        add = self.emu.router.add
        base = "/v1/Services/{ChatServiceSid}/Media"
        add("POST", MCS, base, self._h_upload_media)
        add("GET", MCS, base + "/{Sid}", self._h_fetch_media)
        add("GET", MCS, base + "/{Sid}/Content", self._h_media_content)

    def _mcs_service(self, req: EmuRequest) -> str:
        service = req.params["ChatServiceSid"]
        if service != self.chat_service_sid:
            raise not_found(req.path)
        return service

    def _media_json(self, media: Media, service: str) -> dict[str, object]:
        url = f"/v1/Services/{service}/Media/{media.sid}"
        return {
            "sid": media.sid,
            "service_sid": service,
            "account_sid": self.account_sid,
            "date_created": iso(media.date_created),
            "date_upload_updated": iso(media.date_created),
            "date_updated": iso(media.date_created),
            "links": {"content": f"{url}/Content", "content_direct_temporary": None},
            "size": media.size,
            "content_type": media.content_type,
            "filename": media.filename,
            "author": "system",
            "category": "media",
            "message_sid": None,
            "channel_sid": None,
            "url": url,
        }

    def _h_upload_media(self, req: EmuRequest) -> EmuResponse:
        service = self._mcs_service(req)
        content_type = (req.headers.get("content-type") or "").split(";")[0].strip()
        if not content_type or "/" not in content_type:
            raise bad_request("Content-Type must be the media's MIME type (image/png...)")
        if not req.body:
            raise bad_request("The request body must be the media's bytes")
        if len(req.body) > MAX_MEDIA_BYTES:
            raise ApiError(413, 20001, f"Media larger than {MAX_MEDIA_BYTES} bytes")
        found = _FILENAME.search(req.headers.get("content-disposition") or "")
        media = self.create_media(
            content_type, found.group(1) if found else None, content=bytes(req.body)
        )
        return EmuResponse.json(201, self._media_json(media, service))

    def _uploaded(self, req: EmuRequest) -> Media:
        media = self.media.get(req.params["Sid"])
        if media is None:
            raise not_found(req.path)
        return media

    def _h_fetch_media(self, req: EmuRequest) -> EmuResponse:
        service = self._mcs_service(req)
        return EmuResponse.json(200, self._media_json(self._uploaded(req), service))

    def _h_media_content(self, req: EmuRequest) -> EmuResponse:
        self._mcs_service(req)
        media = self._uploaded(req)
        return EmuResponse(200, {"content-type": media.content_type}, media.content)
