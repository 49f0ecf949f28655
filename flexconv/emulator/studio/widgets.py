"""Studio widgets that call out: ``make-http-request`` (HTTP Request) and ``run-function``
(Run Function).

The call goes through the emulator's webhook emitter (a receiver registered for the URL with
``emu.webhooks.register(url, receiver)``, or the URL itself over HTTP).  A 2xx answer takes the
``success`` transition; anything else, or no answer, takes ``failed`` (HTTP Request) or ``fail``
(Run Function), and the step's context records the status code and the error, as Studio's step
logs do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flexconv.emulator.studio.host import StudioHost

__all__ = ["CALLOUT_WIDGETS", "run_callout"]

#: widget type -> the event its failure takes.
CALLOUT_WIDGETS = {"make-http-request": "failed", "run-function": "fail"}


def run_callout(emu: StudioHost, kind: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Run one call-out widget; returns the event it ends with and its widget context."""
    url = str(props.get("url") or "")
    failed = CALLOUT_WIDGETS[kind]
    if not url:
        return failed, {"status_code": None, "error": f"{kind} widget has no url"}
    params = props.get("parameters") or []
    pairs = [
        (str(p.get("key", "")), str(p.get("value", ""))) for p in params if isinstance(p, dict)
    ]
    method = str(props.get("method") or "POST").upper()
    delivery = emu.webhooks.deliver(url, pairs, kind="studio", method=method, sync=True)
    status = delivery.status
    body = delivery.response_body.decode("utf-8", "replace")
    if status is not None and 200 <= status < 300:
        return "success", {"status_code": status, "body": body}
    error = delivery.error or f"{url} answered HTTP {status}"
    return failed, {"status_code": status, "body": body, "error": error}
