"""pytest fixtures for testing your own Flex code against the emulator.

Installing flexconv registers them with pytest (a ``pytest11`` entry point): request them in any
test, with no ``conftest.py`` line.  ``-p no:flexconv.testing`` turns them off.

- ``flex_emulator``: a fresh [`Emulator`][flexconv.emulator.Emulator] per test, seeded with the
  default small contact centre (the account [`FlexConv.emulated()`][flexconv._sync.client.FlexConv.emulated]
  and the CLI's ``--emulator`` give).
- ``flex_client``: a [`flexconv.FlexConv`][flexconv.FlexConv] wired to it in-process.
- ``async_flex_client``: an [`flexconv.AsyncFlexConv`][flexconv.AsyncFlexConv] wired to it
  in-process.
- ``flex_server``: ``flex_emulator`` served over HTTP on 127.0.0.1 (a free port), for an app
  under test that calls the emulator over the network or receives its webhooks: a
  `FlexServer` with the `url`, the credentials, the emulator and helpers to build clients and
  to serve your own ASGI app on loopback.  Needs the ``emulator`` extra.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flexconv import AsyncFlexConv, FlexConv
    from flexconv.emulator import Emulator
    from flexconv.emulator.server import ServerThread

__all__ = ["FlexServer", "async_flex_client", "flex_client", "flex_emulator", "flex_server"]


@pytest.fixture
def flex_emulator() -> Emulator:
    """A new in-process Flex emulator seeded with the default contact centre.

    The same account as `FlexConv.emulated()`: a Flex workspace with the ``Everyone`` queue, the
    ``Assign to Anyone`` workflow, agents ``alice`` and ``bob``, the ``Messaging Flow`` and the SMS
    address ``+15005550006``; ``flex_emulator.seeded`` holds their SIDs by name.  Seed 0: SIDs and
    credentials are the same on every run.
    """
    from flexconv.emulator import Emulator

    return Emulator.from_scenario(seed=0)


@pytest.fixture
def flex_client(flex_emulator: Emulator) -> Iterator[FlexConv]:
    """A sync client talking to ``flex_emulator`` with no sockets."""
    from flexconv import FlexConv

    with FlexConv.emulated(flex_emulator) as client:
        yield client


@pytest.fixture
async def async_flex_client(flex_emulator: Emulator) -> AsyncIterator[AsyncFlexConv]:
    """An async client talking to ``flex_emulator`` with no sockets."""
    from flexconv import AsyncFlexConv

    async with AsyncFlexConv.emulated(flex_emulator) as client:
        yield client


class FlexServer:
    """A seeded emulator served on loopback: what the ``flex_server`` fixture hands back.

    Point the code under test at `url` with `account_sid` and `auth_token` (or use `env`, the
    ``TWILIO_*`` and ``FLEXCONV_BASE_URL`` variables `FlexConv()` reads); seed, simulate and
    inspect through `emulator`, whose state the server shares.  The server runs pending timers
    before every request (``auto_tick``), so an interaction polled over HTTP leaves ``setup``.
    """

    def __init__(self, server: ServerThread) -> None:
        self._server = server
        self._apps: list[_AppThread] = []

    @classmethod
    def start(cls, emulator: Emulator | None = None) -> FlexServer:
        """Serve ``emulator`` (default: a new one seeded like ``flex_emulator``) on loopback.

        What the ``flex_server`` fixture does, for code outside pytest (unittest, scripts): use
        the result in a ``with`` block, or call `close`.  Needs the ``emulator`` extra.
        """
        from flexconv.emulator import Emulator
        from flexconv.emulator.server import ServerThread

        emu = emulator if emulator is not None else Emulator.from_scenario(seed=0)
        return cls(ServerThread(emu, auto_tick=True).start())

    def __enter__(self) -> FlexServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def emulator(self) -> Emulator:
        """The emulator behind the server (the ``flex_emulator`` fixture)."""
        return self._server.emu

    @property
    def url(self) -> str:
        """The server's origin, ``http://127.0.0.1:<port>``: pass it as ``base_url``."""
        return self._server.url

    @property
    def account_sid(self) -> str:
        """The emulated account's SID."""
        return str(self._server.emu.account_sid)

    @property
    def auth_token(self) -> str:
        """The emulated account's auth token (the emulator signs its webhooks with it)."""
        return str(self._server.emu.auth_token)

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that point `FlexConv()` at this server."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "FLEXCONV_BASE_URL": self.url,
        }

    def client(self, **options: Any) -> FlexConv:
        """A new sync client for this server over HTTP (close it, or use it in ``with``)."""
        from flexconv import FlexConv

        return FlexConv(self.account_sid, self.auth_token, base_url=self.url, **options)

    def async_client(self, **options: Any) -> AsyncFlexConv:
        """A new async client for this server over HTTP (use it in ``async with``)."""
        from flexconv import AsyncFlexConv

        return AsyncFlexConv(self.account_sid, self.auth_token, base_url=self.url, **options)

    def serve_app(self, app: Any) -> str:
        """Serve an ASGI app (FastAPI, Starlette ...) on a free loopback port until the test ends.

        Returns its origin (``http://127.0.0.1:<port>``), for the webhook URLs you configure on
        the emulator.
        """
        thread = _AppThread(app)
        thread.start()
        self._apps.append(thread)
        return thread.url

    def close(self) -> None:
        """Stop the apps started with `serve_app`, then the emulator's server."""
        while self._apps:
            self._apps.pop().stop()
        self._server.stop()

    def __repr__(self) -> str:
        return f"FlexServer(url={self._server.url!r}, account_sid={self.account_sid!r})"


@pytest.fixture
def flex_server(flex_emulator: Emulator) -> Iterator[FlexServer]:
    """``flex_emulator`` served on 127.0.0.1 (a free port) for the length of the test.

    For an app under test that must reach the emulator, or receive its webhooks, over HTTP.
    Needs the ``emulator`` extra (uvicorn); the test is skipped with the reason without it.
    """
    pytest.importorskip("uvicorn", reason="flex_server needs the 'emulator' extra (uvicorn)")
    with FlexServer.start(flex_emulator) as served:
        yield served


class _AppThread:
    """An ASGI app under uvicorn on 127.0.0.1, in a daemon thread."""

    def __init__(self, app: Any, *, startup_timeout: float = 10.0) -> None:
        self._app = app
        self._startup_timeout = startup_timeout
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> None:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
        config = uvicorn.Config(self._app, log_level="warning", lifespan="auto", access_log=False)
        server = uvicorn.Server(config)
        self._server = server
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="flexconv-app", daemon=True
        )
        thread.start()
        self._thread = thread
        deadline = time.monotonic() + self._startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the app under test did not start on 127.0.0.1")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
