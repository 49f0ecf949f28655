"""Logging for the send loop, imported lazily: ``import flexconv`` should not load ``logging``.

Records go to the ``flexconv`` logger.  They name the method and URL, never headers or bodies, so
no credential reaches a log.
"""

from __future__ import annotations

from typing import Any


def log_retry(attempt: int, max_retries: int, spec: Any, delay: float, reason: str) -> None:
    """One DEBUG record per retry: the attempt, the request and the delay."""
    import logging

    logging.getLogger("flexconv").debug(
        "flexconv retry %d of %d for %s %s in %.2fs after %s",
        attempt,
        max_retries,
        spec.method,
        spec.url,
        delay,
        reason,
    )
