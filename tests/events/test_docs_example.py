"""The example at the top of docs/reference/events.md runs: mounted in Starlette, served by
uvicorn, with a real Redis store, it accepts an auto-answer assignment and refuses spam."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from tests.events.helpers import ACCOUNT, TOKEN, sid, signed
from tests.events.servers import asgi_server

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "events.md"


def test_reference_example(redis_url: str) -> None:
    block = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert block is not None
    namespace: dict[str, Any] = {"auth_token": TOKEN, "redis_url": redis_url}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await namespace["receiver"].aclose()  # a mounted app gets no lifespan of its own

    app = Starlette(lifespan=lifespan)
    namespace["app"] = app
    exec(compile(block.group(1), str(DOC), "exec"), namespace)
    with asgi_server(app) as base, httpx.Client(timeout=30) as http:
        url = base + "/twilio/hook"
        public = "https://hooks.example.com/twilio/hook"  # what Twilio signs (public_url)
        assignment = [
            ("AccountSid", ACCOUNT),
            ("TaskSid", sid("WT")),
            ("ReservationSid", sid("WR")),
            ("TaskAttributes", '{"autoAnswer": "true"}'),
        ]
        headers, body = signed(assignment, url=public)
        answer = http.post(url, headers=headers, content=body)
        assert answer.json() == {"instruction": "accept"}
        spam = [("EventType", "onMessageAdd"), ("ConversationSid", sid("CH")), ("Body", "spam!")]
        headers, body = signed(spam, url=public)
        assert http.post(url, headers=headers, content=body).status_code == 403
        headers, body = signed([*spam[:2], ("Body", "hello")], url=public)
        assert http.post(url, headers=headers, content=body).status_code == 200
