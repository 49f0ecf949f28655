"""Monitor's Python API and HTTP routes: `Monitor` (the object behind ``emu.monitor``)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import EmuRequest, EmuResponse, bad_request, not_found, paginate

if TYPE_CHECKING:
    from flexconv.emulator._host import Host

__all__ = ["Monitor"]

#: The product key (``monitor.twilio.com``).
PRODUCT = "monitor"
_LEVELS = ("error", "warning", "notice", "debug")


class Monitor:
    """The account's alerts, oldest first; each is an object with ``to_json()`` in Twilio's
    Monitor alert shape (``sid`` NO…, ``error_code``, ``log_level``, ``alert_text``,
    ``resource_sid``, ``date_created``...)."""

    def __init__(self, emu: Host) -> None:
        self.emu = emu
        #: Every alert raised so far, oldest first.
        self.alerts: list[Any] = []
        emu.bus.subscribe("taskrouter.alert", self._on_alert)
        emu.router.add("GET", PRODUCT, "/v1/Alerts", self._h_list)
        emu.router.add("GET", PRODUCT, "/v1/Alerts/{Sid}", self._h_fetch)

    def _on_alert(self, alert: Any, **_: Any) -> None:
        self.alerts.append(alert)

    def _h_list(self, req: EmuRequest) -> EmuResponse:
        level = req.q("LogLevel")
        if level is not None and level not in _LEVELS:
            raise bad_request(f"LogLevel must be one of {', '.join(_LEVELS)}")
        since, until = _when(req, "StartDate"), _when(req, "EndDate")
        items = []
        for alert in reversed(self.alerts):  # newest first, as Twilio lists them
            if level is not None and alert.log_level != level:
                continue
            if since is not None and alert.date_created < since:
                continue
            if until is not None and alert.date_created > until:
                continue
            body = alert.to_json()
            body.pop("response_body", None)  # only a fetch carries the request and response
            items.append(body)
        keep = ("LogLevel", "StartDate", "EndDate")
        return paginate(req, items, "alerts", 1000, keep_query=keep)

    def _h_fetch(self, req: EmuRequest) -> EmuResponse:
        for alert in self.alerts:
            if alert.sid == req.params["Sid"]:
                return EmuResponse.json(200, alert.to_json())
        raise not_found(req.path)


def _when(req: EmuRequest, name: str) -> datetime | None:
    raw = req.q(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} must be an ISO 8601 date-time, got {raw!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
