"""Signed requests as Twilio sends them, for the receiver tests."""

from __future__ import annotations

import hashlib
import itertools
import json
import urllib.parse
import uuid
from collections.abc import Sequence
from typing import Any

from twilio.request_validator import RequestValidator

TOKEN = "0123456789abcdef0123456789abcdef"
OTHER_TOKEN = "fedcba9876543210fedcba9876543210"
ACCOUNT = "AC" + "a" * 32
WORKSPACE = "WS" + "b" * 32
URL = "https://hooks.example.com/twilio/events"

_counter = itertools.count(1)


def sid(prefix: str, n: int | None = None) -> str:
    """A well-formed SID with a running number."""
    return f"{prefix}{(n if n is not None else next(_counter)):032x}"


def signed(
    params: Sequence[tuple[str, str]],
    *,
    url: str = URL,
    token: str = TOKEN,
    idempotency_token: str | None = "auto",
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a form POST signed for ``url``."""
    validator = RequestValidator(token)

    class Multi(dict[str, list[str]]):
        def getlist(self, key: str) -> list[str]:
            return self[key]

    multi = Multi()
    for k, v in params:
        multi.setdefault(k, []).append(v)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": validator.compute_signature(url, multi),
    }
    if idempotency_token == "auto":
        headers["I-Twilio-Idempotency-Token"] = str(uuid.uuid4())
    elif idempotency_token is not None:
        headers["I-Twilio-Idempotency-Token"] = idempotency_token
    return headers, urllib.parse.urlencode(list(params)).encode()


def signed_json(
    payload: Any, *, url: str = URL, token: str = TOKEN
) -> tuple[str, dict[str, str], bytes]:
    """URL (with bodySHA256), headers and body of a JSON POST signed the way Twilio signs it."""
    body = json.dumps(payload).encode()
    full = url + "?bodySHA256=" + hashlib.sha256(body).hexdigest()
    sig = RequestValidator(token).compute_signature(full, {})
    return full, {"Content-Type": "application/json", "X-Twilio-Signature": sig}, body


def taskrouter_event(
    event_type: str, *, task: str | None = None, n: int | None = None, **extra: str
) -> list[tuple[str, str]]:
    """The form of a workspace event callback."""
    number = n if n is not None else next(_counter)
    task = task or sid("WT", number)
    params = [
        ("Sid", sid("EV", number)),
        ("EventType", event_type),
        ("AccountSid", ACCOUNT),
        ("WorkspaceSid", WORKSPACE),
        ("WorkspaceName", "Flex Task Assignment"),
        ("EventDescription", f"{event_type} happened"),
        ("ResourceType", "task"),
        ("ResourceSid", task),
        ("Timestamp", "1700000000"),
        ("TaskSid", task),
        ("TaskAttributes", json.dumps({"autoAnswer": "true", "conversationSid": sid("CH", 1)})),
        ("TaskAge", "3"),
        ("TaskPriority", "0"),
        ("TaskAssignmentStatus", "reserved"),
        ("TaskChannelUniqueName", "chat"),
    ]
    params.extend(extra.items())
    return params
