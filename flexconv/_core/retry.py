"""The retry decision, as a pure function of what happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from flexconv._core.checks import check_seconds
from flexconv._core.errors import ValidationError

__all__ = [
    "Outcome",
    "RetryPolicy",
    "already_done",
    "jitter_sample",
    "may_have_been_processed",
    "retry_delay",
]


def jitter_sample() -> float:
    """A number in [0, 1) for `retry_delay()`'s jitter (``random`` loads on first failure)."""
    import random

    return random.random()


#: The most retries a policy may ask for (more is a loop, not a retry).
MAX_RETRIES = 100

#: What a failed attempt looked like at the network level.
Outcome = Literal["connect_error", "connect_timeout", "read_timeout", "dropped", "pool_timeout"]


@dataclass(frozen=True)
class RetryPolicy:
    """How to retry.

    Connection failures before the request was sent are retried for every method; 429 and 503
    for every method, honouring ``Retry-After`` up to ``max_retry_after`` seconds (Twilio did not
    process those); other 5xx, read timeouts and connections dropped after sending only for
    idempotent methods (GET, DELETE).  A POST that may have reached Twilio is never resent.
    """

    max_retries: int = 2
    """Retries after the first attempt (0 disables retrying)."""
    initial_delay: float = 0.5
    """Seconds before the first retry; the delay doubles each time."""
    max_delay: float = 8.0
    """Cap on the delay between retries, in seconds."""
    max_retry_after: float = 60.0
    """Longest wait taken from a `Retry-After` header, in seconds; a longer hint is capped to it."""
    #: Fraction of the delay that is randomised (0 disables jitter).
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise TypeError(f"max_retries must be an int, got {type(self.max_retries).__name__}")
        if not 0 <= self.max_retries <= MAX_RETRIES:
            raise ValidationError(
                f"max_retries must be between 0 and {MAX_RETRIES}, got {self.max_retries}"
            )
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            check_seconds(getattr(self, name), name)
        if isinstance(self.jitter, bool) or not isinstance(self.jitter, (int, float)):
            raise TypeError(f"jitter must be a number, got {type(self.jitter).__name__}")
        if not 0 <= self.jitter <= 1:  # also refuses NaN
            raise ValidationError(f"jitter must be between 0 and 1, got {self.jitter}")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); ``None`` if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # rare path: keep `import flexconv` light

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def retry_delay(
    policy: RetryPolicy,
    *,
    attempt: int,
    idempotent: bool,
    status: int | None = None,
    retry_after: str | None = None,
    outcome: Outcome | None = None,
    sent: bool = False,
    rand: float = 0.5,
    now: datetime | None = None,
) -> float | None:
    """Seconds to wait before the next attempt, or ``None`` not to retry.

    ``attempt`` counts retries already made (0 after the first failure).  ``rand`` is a number
    in [0, 1) used for jitter, passed in so that the function stays pure.
    """
    if attempt >= policy.max_retries:
        return None
    if outcome is not None:
        may_have_arrived = sent or outcome in ("read_timeout", "dropped")
        if may_have_arrived and not idempotent:
            return None
    elif status is not None:
        if status in (429, 503):
            hinted = parse_retry_after(retry_after, now)
            if hinted is not None:
                return float(min(hinted, policy.max_retry_after))
        elif status >= 500:
            if not idempotent:
                return None
        else:
            return None
    else:
        return None
    base: float = min(policy.max_delay, policy.initial_delay * 2.0**attempt)
    return max(0.0, base * (1 + policy.jitter * (2 * rand - 1)))


def may_have_been_processed(
    *, outcome: Outcome | None = None, sent: bool = False, status: int | None = None
) -> bool:
    """Whether a failed attempt may still have taken effect at Twilio.

    A connection lost after sending, or a read timeout, may have; so may a 5xx other than 503
    (the server failed somewhere, possibly after acting).  A connect failure, a 429 or a 503 did
    not: Twilio refused those before processing.
    """
    if outcome is not None:
        return sent or outcome in ("read_timeout", "dropped")
    if status is not None:
        return status >= 500 and status != 503
    return False


def already_done(method: str, status: int, *, maybe_processed_before: bool) -> bool:
    """Whether an error answer to a retry means the earlier attempt succeeded.

    A DELETE retried after an attempt that may have reached Twilio, answered 404: the resource
    is gone, most likely deleted by that first attempt, so the delete counts as done.  A 404 on
    the first attempt is still an error (``maybe_processed_before`` is false then).
    """
    return method == "DELETE" and status == 404 and maybe_processed_before
