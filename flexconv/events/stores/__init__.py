"""Where a receiver keeps de-duplication records and per-key locks.

One small protocol, in a sync face ([`Store`][flexconv.events.Store]) and an async face
([`AsyncStore`][flexconv.events.AsyncStore]); the stores here implement both:

- [`MemoryStore`][flexconv.events.MemoryStore] (the default): one process;
- [`SQLiteStore`][flexconv.events.SQLiteStore]: the processes of one machine, and it survives a
  restart (stdlib ``sqlite3``);
- [`RedisStore`][flexconv.events.RedisStore]: receivers on several machines behind a load
  balancer (redis-py, ``pip install 'flexconv[redis]'``); its locks are
  [`flexconv.locks.RedisLock`][flexconv.locks.RedisLock] and ``AsyncRedisLock``.

A record goes through ``claim`` (taken, with a lease: a receiver that crashes mid-handler loses
it when the lease expires, so Twilio's redelivery runs the handler again) to ``finish`` (done:
the answer is kept for ``remember`` seconds and given to every duplicate) or ``release``
(the handler failed: the next delivery claims it again).

The protocol is in ``stores.base``, each store in a module of its own (``stores.memory``,
``stores.sqlite``, ``stores.redis``); everything is importable from here.
"""

from flexconv.events.stores.base import AsyncStore, Claim, Store
from flexconv.events.stores.base import ClaimState as ClaimState
from flexconv.events.stores.memory import MemoryStore
from flexconv.events.stores.redis import RedisStore
from flexconv.events.stores.sqlite import SQLiteStore

__all__ = [
    "AsyncStore",
    "Claim",
    "MemoryStore",
    "RedisStore",
    "SQLiteStore",
    "Store",
]
