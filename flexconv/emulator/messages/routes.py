"""The 2010 Messages log's HTTP routes: list (2010-style pages) and fetch."""

from __future__ import annotations

import urllib.parse
from datetime import date, datetime
from typing import TYPE_CHECKING

from flexconv.emulator._base import ApiError, EmuRequest, EmuResponse, bad_request, not_found
from flexconv.emulator.messages.entities import _PREFIX, LoggedMessage
from flexconv.emulator.messages.state import MessageLogState

if TYPE_CHECKING:
    pass


class MessageLogRoutes(MessageLogState):
    """Handles the Messages list and fetch routes."""

    def _check_account(self, req: EmuRequest) -> None:
        if req.params["AccountSid"] != self.emu.account_sid:
            raise ApiError(404, 20404, f"The requested resource {req.path} was not found")

    def _h_list(self, req: EmuRequest) -> EmuResponse:
        self._check_account(req)
        to = req.q("To")
        from_ = req.q("From")
        on = _date_query(req, "DateSent")
        until = _date_query(req, "DateSent<")
        since = _date_query(req, "DateSent>")

        def sent_day(m: LoggedMessage) -> date | None:
            return m.date_sent.date() if m.date_sent else None

        items = [
            m
            for m in reversed(self.messages)
            if (to is None or m.to == to)
            and (from_ is None or m.from_ == from_)
            and (on is None or sent_day(m) == on)
            and (until is None or ((d := sent_day(m)) is not None and d <= until))
            and (since is None or ((d := sent_day(m)) is not None and d >= since))
        ]
        try:
            size = min(int(req.q("PageSize") or 50), 1000)
            page = int(req.q("Page") or 0)
        except ValueError:
            raise bad_request("PageSize and Page must be integers") from None
        if size < 1 or page < 0:
            raise bad_request("PageSize must be at least 1 and Page at least 0")
        token = req.q("PageToken")
        start = page * size
        if token:
            if not token.startswith("PT") or not token[2:].isdigit():
                raise bad_request(f"Invalid PageToken {token!r}")
            start = int(token[2:])
        chunk = items[start : start + size]
        path = f"{_PREFIX}/{self.emu.account_sid}/Messages.json"
        filters = [
            (k, v)
            for k, v in req.query
            if k in ("To", "From", "DateSent", "DateSent<", "DateSent>")
        ]

        def uri(pg: int, tok: str | None) -> str:
            q = [*filters, ("PageSize", str(size)), ("Page", str(pg))]
            if tok:
                q.append(("PageToken", tok))
            return f"{path}?{urllib.parse.urlencode(q)}"

        body = {
            "messages": [m.to_json(self.emu.account_sid) for m in chunk],
            "end": start + max(len(chunk) - 1, 0),
            "first_page_uri": uri(0, None),
            "next_page_uri": uri(page + 1, f"PT{start + size}")
            if start + size < len(items)
            else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": uri(page - 1, f"PT{max(start - size, 0)}") if page > 0 else None,
            "start": start,
            "uri": uri(page, token),
        }
        return EmuResponse.json(200, body)

    def _h_fetch(self, req: EmuRequest) -> EmuResponse:
        self._check_account(req)
        for m in self.messages:
            if m.sid == req.params["Sid"]:
                return EmuResponse.json(200, m.to_json(self.emu.account_sid))
        raise not_found(req.path)


def _date_query(req: EmuRequest, name: str) -> date | None:
    raw = req.q(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise bad_request(f"{name} must be a date (YYYY-MM-DD), got {raw!r}") from None
