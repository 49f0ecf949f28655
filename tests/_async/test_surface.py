"""The public surface: one verb set in every group, nested groups, the default workspace, pacing
of single calls and list pages alike, the emulated client and its emulator."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import flexconv
from flexconv import AsyncFlexConv
from flexconv._async._base import AsyncResource
from flexconv._core.verbs import VERBS, method_verb
from flexconv.emulator import Emulator
from tests.checked import CheckedEmulator

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference" / "clients.md"
GROUPS = (
    "configuration",
    "attachments",
    "channels",
    "task_channels",
    "interactions",
    "routing",
    "conversations",
    "studio",
    "phone_numbers",
    "messaging",
    "doctor",
    "account",
)


def _walk(group: AsyncResource, path: str) -> Iterator[tuple[str, AsyncResource]]:
    """The group and every group reachable from it through public attributes."""
    yield path, group
    for name in dir(type(group)):
        if name.startswith("_") or name == "client":
            continue
        value = getattr(group, name)
        if isinstance(value, AsyncResource):
            yield from _walk(value, f"{path}.{name}")


def _methods(group: AsyncResource) -> list[str]:
    return [
        name
        for name, member in inspect.getmembers(type(group))
        if not name.startswith("_") and inspect.isfunction(member)
    ]


def _all_groups(client: AsyncFlexConv) -> list[tuple[str, AsyncResource]]:
    found = []
    for name in GROUPS:
        found.extend(_walk(getattr(client, name), name))
    return found


def test_every_public_method_is_named_by_a_documented_verb() -> None:
    client = AsyncFlexConv.emulated(scenario=None)
    groups = _all_groups(client)
    paths = {path for path, _ in groups}
    # the nesting follows the API's
    assert {
        "routing.workflows",
        "routing.workers",
        "routing.tasks",
        "routing.reservations",
        "routing.workspaces",
        "routing.activities",
        "routing.task_queues",
        "routing.workers.channels",
        "studio.flows",
        "messaging.services",
        "messaging.services.phone_numbers",
        "interactions.channels",
        "interactions.participants",
        "interactions.invites",
        "interactions.transfers",
        "conversations.participants",
        "conversations.messages",
        "conversations.webhooks",
    } <= paths
    # every public group attribute of the client was walked
    client_groups = {
        name
        for name in dir(type(client))
        if not name.startswith("_") and isinstance(getattr(client, name), AsyncResource)
    }
    assert client_groups == set(GROUPS)
    offenders = [
        f"client.{path}.{name}"
        for path, group in groups
        for name in _methods(group)
        if method_verb(name) not in VERBS
    ]
    assert offenders == []
    # every group that lists returns a pager from list(), never a coroutine or a dict
    for path, group in groups:
        if "list" in _methods(group):
            assert not inspect.iscoroutinefunction(type(group).list), path


def test_the_docs_list_exactly_the_verbs_in_code() -> None:
    table = re.findall(r"^\| `([a-z]+)` \|", DOCS.read_text(), flags=re.MULTILINE)
    assert table == list(VERBS)


def test_every_group_reprs_its_path_and_client() -> None:
    client = AsyncFlexConv.emulated(scenario=None)
    for path, group in _all_groups(client):
        text = repr(group)
        assert f"client.{path} " in text
        assert client.account_sid in text
        assert group.client is client
    assert "paced=5/s" in repr(client.routing.paced(5).tasks)


def test_every_public_exception_is_importable_from_flexconv() -> None:
    import flexconv._core.attachments
    import flexconv._core.errors
    import flexconv._core.interactions
    import flexconv._core.routing

    modules = (
        flexconv._core.errors,
        flexconv._core.interactions,
        flexconv._core.routing,
        flexconv._core.attachments,
    )
    for module in modules:
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                assert name.endswith("Error"), name
                assert getattr(flexconv, name) is value, name
                assert name in flexconv.__all__
    from flexconv.models.attachments import FieldChange as A
    from flexconv.models.channels import FieldChange as C

    assert A is C is flexconv.FieldChange


async def test_emulated_gives_the_cli_seeded_account_and_its_emulator() -> None:
    async with AsyncFlexConv.emulated() as client:
        emu = client.emulator
        assert isinstance(emu, Emulator)
        assert emu.seeded is not None
        names = {w.friendly_name async for w in client.routing.workers.list()}
        assert names == set(emu.seeded.workers)
        flows = await client.routing.workflows.list().to_list()
        assert {f.friendly_name for f in flows} == set(emu.seeded.workflows)
    async with AsyncFlexConv.emulated(scenario=None) as empty:
        assert empty.emulator is not None
        assert (await empty.configuration.fetch()).taskrouter_workspace_sid is None
        with pytest.raises(flexconv.ConfigurationError, match="workspace_sid"):
            await empty.routing.tasks.list().to_list()
    mine = Emulator()
    async with AsyncFlexConv.emulated(mine) as given:
        assert given.emulator is mine
    with pytest.raises(flexconv.ValidationError, match="scenario"):
        AsyncFlexConv.emulated(scenario="big")
    with pytest.raises(flexconv.ValidationError, match="not both"):
        AsyncFlexConv.emulated(mine, scenario=None)
    assert AsyncFlexConv("AC" + "0" * 32, "token", env={}).emulator is None


async def test_workspace_defaults_to_the_flex_workspace_read_once() -> None:
    checked = CheckedEmulator(Emulator.from_scenario())
    ws = checked.emu.seeded.workspace_sid
    async with AsyncFlexConv.emulated(checked) as client:
        tasks = client.routing.tasks.list()  # nothing sent yet, workspace not known yet
        assert checked.requests == []
        assert await tasks.to_list() == []
        workers = await client.routing.workers.list().to_list()
        assert workers
        worker = await client.routing.workers.resolve("alice")
        assert worker.workspace_sid == ws
        config_reads = [e for e in checked.requests if "/Configuration" in e.url]
        assert len(config_reads) == 1
        assert all(f"/Workspaces/{ws}/" in e.url for e in checked.requests if "Workspaces" in e.url)
        with pytest.raises(flexconv.ValidationError, match="WS SID"):
            client.routing.tasks.list(workspace_sid="nope")


async def test_client_workspace_sid_overrides_the_configuration() -> None:
    checked = CheckedEmulator(Emulator.from_scenario())
    ws = checked.emu.seeded.workspace_sid
    async with AsyncFlexConv.emulated(checked, workspace_sid=ws) as client:
        await client.routing.workflows.list().to_list()
        await client.task_channels.fetch("chat")
    assert not any("/Configuration" in e.url for e in checked.requests)


class _CountingLimiter:
    """Stands in for the rate limiter: records the endpoints it was asked about."""

    def __init__(self) -> None:
        self.rate = 1.0
        self.keys: list[str] = []

    async def acquire(self, key: str) -> None:
        self.keys.append(key)


async def test_pacing_covers_list_pages_and_sub_groups() -> None:
    async with AsyncFlexConv.emulated() as client:
        ws = client.emulator.seeded.workspace_sid
        limiter: Any = _CountingLimiter()
        routing = type(client.routing)(client, limiter=limiter)
        await routing.workers.list(workspace_sid=ws).to_list()
        await routing.workflows.list(workspace_sid=ws, limit=1).to_list()
        seeded_worker = client.emulator.seeded.workers["alice"]
        await routing.workers.fetch(seeded_worker, workspace_sid=ws)
    assert limiter.keys == [
        "taskrouter.workers.list",
        "taskrouter.workflows.list",
        "taskrouter.workers.fetch",
    ]
    paced = client.interactions.paced(7)
    assert paced.channels._limiter is paced._limiter is not None
    assert paced.channels._limiter.rate == 7
