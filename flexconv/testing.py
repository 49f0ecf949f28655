"""pytest fixtures for testing your own Flex code against the emulator.

Installing flexconv registers them with pytest (a ``pytest11`` entry point): request them in any
test, with no ``conftest.py`` line.  ``-p no:flexconv.testing`` turns them off.

- ``flex_emulator``: a fresh :class:`flexconv.emulator.Emulator` per test.
- ``flex_client``: a :class:`flexconv.FlexConv` wired to it in-process.
- ``async_flex_client``: an :class:`flexconv.AsyncFlexConv` wired to it in-process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from flexconv import AsyncFlexConv, FlexConv
    from flexconv.emulator import Emulator

__all__ = ["async_flex_client", "flex_client", "flex_emulator"]


@pytest.fixture
def flex_emulator() -> Emulator:
    """A new in-process Flex emulator (seed 0: SIDs are the same on every run)."""
    from flexconv.emulator import Emulator

    return Emulator(seed=0)


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
