"""Parsing responses and mapping Twilio error bodies to exceptions."""

from __future__ import annotations

import json
from typing import Any

from flexconv._core.errors import APIStatusError, status_error_class
from flexconv._core.operation import RawResponse, RequestSpec

__all__ = ["error_from_response", "parse_json", "raise_for_status"]


def parse_json(raw: RawResponse, request: RequestSpec) -> Any:
    """The decoded JSON body of a successful response (``None`` for an empty body)."""
    if not raw.content:
        return None
    try:
        return json.loads(raw.content)
    except ValueError:
        raise APIStatusError(
            "Twilio answered with a body that is not JSON",
            status=raw.status_code,
            method=request.method,
            url=request.url,
            request_id=raw.request_id,
            body=raw.content[:500].decode(errors="replace"),
            headers=dict(raw.headers),
        ) from None


def error_from_response(raw: RawResponse, request: RequestSpec) -> APIStatusError:
    """Build the exception for an error response, classic or RFC 9457."""
    body: Any
    try:
        body = json.loads(raw.content) if raw.content else None
    except ValueError:
        body = raw.content[:500].decode(errors="replace")
    code: int | None = None
    message = f"HTTP {raw.status_code}"
    more_info: str | None = None
    if isinstance(body, dict):
        raw_code = body.get("code")
        if isinstance(raw_code, int) or (isinstance(raw_code, str) and raw_code.isdigit()):
            code = int(raw_code)
        # classic Twilio body: message; RFC 9457: detail and title
        message = str(body.get("message") or body.get("detail") or body.get("title") or message)
        more_info = body.get("more_info") or body.get("type")
    elif isinstance(body, str) and body:
        message = body
    cls = status_error_class(raw.status_code)
    return cls(
        message,
        status=raw.status_code,
        code=code,
        more_info=more_info,
        method=request.method,
        url=request.url,
        request_id=raw.request_id,
        body=body,
        headers=dict(raw.headers),
    )


def raise_for_status(raw: RawResponse, request: RequestSpec) -> None:
    """Raise the mapped error for any non-2xx status (every 2xx is a success)."""
    if not 200 <= raw.status_code < 300:
        raise error_from_response(raw, request)
