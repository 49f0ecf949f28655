"""The 2010 Messages log's entity: one logged SMS/MMS/WhatsApp message."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import rfc2822

if TYPE_CHECKING:
    pass


PRODUCT = "api"
_PREFIX = "/2010-04-01/Accounts"


@dataclass
class LoggedMessage:
    """One SMS/MMS/WhatsApp message in the log (``SM…`` or ``MM…`` with media)."""

    sid: str
    direction: str
    from_: str
    to: str
    body: str
    num_media: int
    status: str
    messaging_service_sid: str | None
    date_created: datetime
    date_sent: datetime | None = None
    date_updated: datetime | None = None
    status_callback: str | None = None
    num_segments: int = 1

    def to_json(self, account_sid: str) -> dict[str, Any]:
        uri = f"{_PREFIX}/{account_sid}/Messages/{self.sid}.json"
        return {
            "body": self.body,
            "num_segments": str(self.num_segments),
            "direction": self.direction,
            "from": self.from_,
            "to": self.to,
            "date_updated": rfc2822(self.date_updated or self.date_created),
            "price": None,
            "error_message": None,
            "uri": uri,
            "account_sid": account_sid,
            "num_media": str(self.num_media),
            "status": self.status,
            "messaging_service_sid": self.messaging_service_sid,
            "sid": self.sid,
            "date_sent": rfc2822(self.date_sent) if self.date_sent else None,
            "date_created": rfc2822(self.date_created),
            "error_code": None,
            "price_unit": "USD",
            "api_version": "2010-04-01",
            "subresource_uris": {
                "media": f"{_PREFIX}/{account_sid}/Messages/{self.sid}/Media.json",
                "feedback": f"{_PREFIX}/{account_sid}/Messages/{self.sid}/Feedback.json",
            },
        }


def _segments(body: str) -> int:
    """SMS segments: 160 GSM-7 characters (153 when split), 70 UCS-2 (67 when split)."""
    single, multi = (160, 153) if all(ord(c) < 128 for c in body) else (70, 67)
    return 1 if len(body) <= single else math.ceil(len(body) / multi)
