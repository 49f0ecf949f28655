"""The retry decision table (flexconv._core.retry.retry_delay)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime as http_date

import pytest

from flexconv import ValidationError
from flexconv._core.retry import RetryPolicy, retry_delay

# no jitter, so that delays are exact: 0.5, 1, 2, 4, 8 (capped)
EXACT = RetryPolicy(max_retries=5, initial_delay=0.5, max_delay=8.0, jitter=0.0)
NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


def delay(policy: RetryPolicy = EXACT, *, attempt: int = 0, idempotent: bool = True, **kw: object):  # type: ignore[no-untyped-def]
    return retry_delay(policy, attempt=attempt, idempotent=idempotent, now=NOW, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("idempotent", [True, False])
def test_429_and_503_honour_retry_after_seconds_for_every_method(
    status: int, idempotent: bool
) -> None:
    assert delay(status=status, retry_after="7", idempotent=idempotent) == 7.0
    assert delay(status=status, retry_after="1.5", idempotent=idempotent) == 1.5
    assert delay(status=status, retry_after="0", idempotent=idempotent) == 0.0


def test_retry_after_http_date() -> None:
    when = http_date(NOW + timedelta(seconds=12), usegmt=True)
    assert delay(status=429, retry_after=when) == pytest.approx(12.0)


def test_retry_after_in_the_past_means_now() -> None:
    when = http_date(NOW - timedelta(minutes=3), usegmt=True)
    assert delay(status=503, retry_after=when) == 0.0
    assert delay(status=429, retry_after="-4") == 0.0


def test_retry_after_is_capped() -> None:
    policy = RetryPolicy(max_retries=3, max_retry_after=20.0, jitter=0.0)
    assert delay(policy, status=429, retry_after="3600") == 20.0
    far = http_date(NOW + timedelta(hours=2), usegmt=True)
    assert delay(policy, status=503, retry_after=far) == 20.0


@pytest.mark.parametrize("hint", [None, "", "soon", "  "])
def test_missing_or_garbled_retry_after_falls_back_to_backoff(hint: str | None) -> None:
    assert delay(status=429, retry_after=hint, attempt=0) == 0.5
    assert delay(status=429, retry_after=hint, attempt=2) == 2.0


def test_backoff_doubles_and_is_capped() -> None:
    got = [delay(status=503, attempt=n) for n in range(5)]
    assert got == [0.5, 1.0, 2.0, 4.0, 8.0]
    policy = RetryPolicy(max_retries=10, initial_delay=1.0, max_delay=3.0, jitter=0.0)
    assert delay(policy, status=500, attempt=6) == 3.0


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_only_for_idempotent_methods(status: int) -> None:
    assert delay(status=status, idempotent=True) == 0.5
    assert delay(status=status, idempotent=False) is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 412, 422, 200, 302])
def test_other_statuses_are_never_retried(status: int) -> None:
    assert delay(status=status, idempotent=True) is None


def test_read_timeout_and_dropped_after_send_never_for_post() -> None:
    assert delay(outcome="read_timeout", sent=True, idempotent=False) is None
    assert delay(outcome="dropped", sent=True, idempotent=False) is None
    # even without the sent flag, a read timeout means the request went out
    assert delay(outcome="read_timeout", sent=False, idempotent=False) is None
    assert delay(outcome="dropped", idempotent=False) is None


def test_read_timeout_and_dropped_are_retried_for_get() -> None:
    assert delay(outcome="read_timeout", sent=True, idempotent=True) == 0.5
    assert delay(outcome="dropped", sent=True, idempotent=True, attempt=1) == 1.0


@pytest.mark.parametrize("outcome", ["connect_error", "connect_timeout", "pool_timeout"])
@pytest.mark.parametrize("idempotent", [True, False])
def test_failures_before_sending_are_retried_for_any_method(outcome: str, idempotent: bool) -> None:
    assert delay(outcome=outcome, sent=False, idempotent=idempotent) == 0.5


def test_a_connect_outcome_that_was_sent_is_not_retried_for_post() -> None:
    assert delay(outcome="connect_error", sent=True, idempotent=False) is None


def test_attempts_exhausted() -> None:
    policy = RetryPolicy(max_retries=2, jitter=0.0)
    assert delay(policy, status=429, retry_after="1", attempt=1) == 1.0
    assert delay(policy, status=429, retry_after="1", attempt=2) is None
    assert delay(policy, outcome="connect_error", attempt=2) is None
    zero = RetryPolicy(max_retries=0)
    assert delay(zero, status=503, attempt=0) is None


def test_nothing_happened_means_no_retry() -> None:
    assert delay() is None


@pytest.mark.parametrize("rand", [0.0, 0.1, 0.5, 0.9, 0.999999])
def test_jitter_stays_within_its_fraction(rand: float) -> None:
    policy = RetryPolicy(max_retries=5, initial_delay=2.0, max_delay=100.0, jitter=0.25)
    got = delay(policy, status=503, attempt=1, rand=rand)
    assert got is not None
    assert 4.0 * 0.75 <= got <= 4.0 * 1.25
    assert got == pytest.approx(4.0 * (1 + 0.25 * (2 * rand - 1)))


def test_jitter_spreads_delays() -> None:
    policy = RetryPolicy(jitter=0.5)
    low = delay(policy, status=503, rand=0.0)
    high = delay(policy, status=503, rand=0.99)
    assert low == pytest.approx(0.25)
    assert high is not None
    assert high > 0.7


def test_retry_after_is_not_jittered() -> None:
    policy = RetryPolicy(jitter=1.0)
    assert delay(policy, status=429, retry_after="3", rand=0.0) == 3.0


@pytest.mark.parametrize(
    "kwargs",
    [{"max_retries": -1}, {"jitter": 1.5}, {"jitter": -0.1}, {"initial_delay": -1.0}],
)
def test_policy_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
