"""Step 1: did Twilio receive the message?  (The Messages log, by From, To and date.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import check, parse_time

__all__ = ["check_received"]


def check_received(
    messages: Iterable[Mapping[str, Any]],
    *,
    customer: str,
    flex_number: str | None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Check:
    """The newest inbound message from ``customer`` (to ``flex_number`` when known) in the
    window; failed when there is none."""
    found: list[tuple[datetime | None, Mapping[str, Any]]] = []
    for m in messages:
        if m.get("from") != customer or not str(m.get("direction", "inbound")).startswith("in"):
            continue
        if flex_number is not None and m.get("to") != flex_number:
            continue
        when = parse_time(m.get("date_sent") or m.get("date_created"))
        if when is not None and (
            (since is not None and when < since) or (until is not None and when > until)
        ):
            continue
        found.append((when, m))
    where = f" to {flex_number}" if flex_number else ""
    if not found:
        window = ""
        if since or until:
            window = f" between {since.isoformat() if since else '…'} and " + (
                until.isoformat() if until else "now"
            )
        return check(
            "received",
            "failed",
            {"from": customer, "to": flex_number, "messages_found": 0},
            problem=f"No inbound message from {customer}{where} in the Messages log{window}.",
            fix="Check the sender's number and the number they wrote to; look for carrier "
            "errors in Monitor > Logs > Messaging; for WhatsApp, check the sender is approved.",
        )
    found.sort(key=lambda p: p[0].timestamp() if p[0] else 0.0)
    when, newest = found[-1]
    return check(
        "received",
        "ok",
        {
            "message_sid": newest.get("sid"),
            "from": customer,
            "to": newest.get("to"),
            "date_sent": when,
            "status": newest.get("status"),
            "messages_found": len(found),
        },
    )
