"""The few things that differ between the async and sync worlds beyond a rename.

The codegen maps each ``async_*`` name here to its plain twin; neither lives in a generated tree.
"""

from __future__ import annotations

import time


async def async_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    import asyncio  # imported here so that the sync client never loads asyncio

    await asyncio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Sleep (sync twin of `async_sleep()`)."""
    time.sleep(seconds)
