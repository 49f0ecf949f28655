"""A request checked and parsed: size, signature, form or JSON body, and the typed event with
its de-duplication key."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlsplit

from flexconv.events._answers import FORBIDDEN, TOO_LARGE, Response, logger, text
from flexconv.events.models import (
    ASSIGNMENT,
    AssignmentCallback,
    ConversationsEvent,
    Event,
    TaskRouterEvent,
)
from flexconv.events.signature import SignatureChecker

__all__ = ["prepare"]


def prepare(
    checker: SignatureChecker,
    max_body: int,
    method: str,
    url: str,
    headers: Mapping[str, str] | Sequence[tuple[str, str]],
    body: bytes,
    client: str | None,
) -> Response | tuple[Event, str]:
    """The typed event and its de-duplication key, or the error response (403, 413, ...)."""
    method = method.upper()
    if method not in ("POST", "GET"):
        return Response(405, [("allow", "POST, GET")], b"")
    if len(body) > max_body:
        return TOO_LARGE
    items = headers.items() if isinstance(headers, Mapping) else headers
    hdrs = {k.lower(): v for k, v in items}
    form: list[tuple[str, str]] | None
    try:
        if method == "GET":
            form = [
                (k, v)
                for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)
                if k != "bodySHA256"
            ]
        elif "json" in hdrs.get("content-type", ""):
            form = None
        else:
            form = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        form = None
    if not checker.check(method, url, hdrs, body, None if method == "GET" else form, client):
        logger().warning(
            "flexconv.events: refused %s %s: bad or missing signature",
            method,
            urlsplit(url).path,
        )
        return FORBIDDEN
    if form is None:
        try:
            decoded = json.loads(body)
        except ValueError:
            return text(400, "Bad Request: expected a form or a JSON object")
        if not isinstance(decoded, dict):
            return text(400, "Bad Request: expected a JSON object")
        form = [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in decoded.items()]
    params = dict(form)
    token = hdrs.get("i-twilio-idempotency-token") or None
    event_type = params.get("EventType")
    event: Event
    if event_type and "." in event_type:
        event = TaskRouterEvent.from_params(params, event_type=event_type, idempotency_token=token)
    elif event_type and event_type.startswith("on"):
        event = ConversationsEvent.from_params(
            params, event_type=event_type, idempotency_token=token
        )
    elif not event_type and "ReservationSid" in params and "TaskSid" in params:
        event = AssignmentCallback.from_params(
            params, event_type=ASSIGNMENT, idempotency_token=token
        )
    else:
        return text(400, "Bad Request: not a TaskRouter or Conversations callback")
    key = f"token:{token}" if token else f"event:{event.dedup_identity()}"
    return event, key
