"""The store protocol: what a receiver needs from a store, in a sync and an async face, and the
[`Claim`][flexconv.events.Claim] a store answers with."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Literal, Protocol, runtime_checkable

import attrs

from flexconv.locks import LockTimeoutError

__all__ = ["AsyncStore", "Claim", "ClaimState", "Store", "lock_timeout"]

ClaimState = Literal["claimed", "done", "busy"]


@attrs.frozen
class Claim:
    """The outcome of [`Store.claim`][flexconv.events.Store.claim]."""

    key: str
    """The de-duplication key."""
    state: ClaimState
    """``claimed``: yours to run; ``done``: ran already (``answer`` holds its answer); ``busy``: another receiver holds an unexpired claim."""
    token: str = attrs.field(default="", repr=False)
    """Identifies this claim for ``finish``/``release`` (empty unless ``claimed``)."""
    answer: bytes | None = attrs.field(default=None, repr=False)
    """The stored answer of a ``done`` record."""


@runtime_checkable
class Store(Protocol):
    """What a receiver needs from a store (sync face)."""

    def claim(self, key: str, lease: float) -> Claim:
        """Take ``key`` for ``lease`` seconds unless it is done or claimed by someone else."""
        ...

    def finish(self, claim: Claim, answer: bytes, remember: float) -> None:
        """Mark a claimed key done, keeping ``answer`` for ``remember`` seconds."""
        ...

    def release(self, claim: Claim) -> None:
        """Give a claimed key back (its handler failed) so a redelivery claims it again."""
        ...

    def lock(self, key: str, ttl: float, wait: float) -> AbstractContextManager[Any]:
        """Hold the lock on ``key`` (expiring after ``ttl``) for the block, waiting up to
        ``wait`` seconds (then [`LockTimeoutError`][flexconv.locks.LockTimeoutError])."""
        ...


@runtime_checkable
class AsyncStore(Protocol):
    """What a receiver needs from a store (async face: the same names ending in ``_async``)."""

    async def claim_async(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim]."""
        ...

    async def finish_async(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish]."""
        ...

    async def release_async(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release]."""
        ...

    def lock_async(self, key: str, ttl: float, wait: float) -> AbstractAsyncContextManager[Any]:
        """See [`Store.lock`][flexconv.events.Store.lock]."""
        ...


def lock_timeout(key: str, wait: float) -> LockTimeoutError:
    """The error a store raises when it could not take the lock on ``key`` in time."""
    return LockTimeoutError(
        f"Could not take the event lock {key!r} within {wait:g}s: another event for the same "
        "task or conversation is still running"
    )
