"""A separate process that flips one channel's attachments many times, for
``tests/test_attachments_processes.py``.

    python -m tests.attachments_worker BASE_URL ACCOUNT_SID AUTH_TOKEN KIND COUNT REDIS_URL|-

Prints ``ready``, waits for a line on stdin (so that both workers start together), then makes
COUNT updates, with a Redis lock unless REDIS_URL is ``-``.
"""

from __future__ import annotations

import sys

from flexconv import FlexConv
from flexconv.locks import RedisLock


def main(argv: list[str]) -> int:
    base_url, account_sid, auth_token, kind, count, redis_url = argv
    lock = RedisLock(redis_url, poll_interval=0.002) if redis_url != "-" else None
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        with FlexConv(account_sid, auth_token, base_url=base_url, env={}) as client:
            for i in range(int(count)):
                client.attachments.update(kind, enabled=i % 2 == 1, lock=lock, max_attempts=100)
    finally:
        if lock is not None:
            lock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
