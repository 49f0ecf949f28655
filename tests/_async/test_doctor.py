"""client.doctor against the emulator (async source; the sync twin is generated)."""

from __future__ import annotations

import pytest

from flexconv import AsyncFlexConv, ValidationError
from flexconv.emulator import Emulator
from flexconv.emulator.doctor_scenarios import (
    PLANTS,
    SERVICE_URL,
    plant,
    plant_task_conversation_closed,
    scenario_emulator,
    seed_conversations,
)
from flexconv.models.doctor import ScanCursor
from tests.checked import CheckedEmulator


@pytest.mark.parametrize("name", sorted(PLANTS))
async def test_trace_marks_exactly_the_planted_step(name: str) -> None:
    emu = Emulator.from_scenario()
    planted = plant(emu, name)
    async with AsyncFlexConv.emulated(emu) as client:
        report = await client.doctor.trace(planted.customer, flex_number=planted.flex_number)
    failed = [c.key for c in report.checks if c.status == "failed"]
    if planted.step is None:
        assert failed == []
        assert all(c.status == "ok" for c in report.checks)
        assert report.healthy
        return
    assert failed == [planted.step]
    bad = report.check(planted.step)
    assert bad.evidence
    assert bad.problem
    assert bad.fix
    assert bad.docs
    keys = [c.key for c in report.checks]
    after = keys[keys.index(planted.step) + 1 :]
    assert all(report.check(k).status == "skipped" for k in after)
    assert not report.healthy


async def test_trace_names_the_evidence() -> None:
    emu = Emulator.from_scenario()
    planted = plant(emu, "studio_step_failed")
    async with AsyncFlexConv.emulated(emu) as client:
        report = await client.doctor.trace(planted.customer)
    studio = report.check("studio")
    assert studio.evidence["widget"] == "LookupCustomer"
    assert studio.evidence["widget_type"] == "make-http-request"
    assert studio.evidence["status_code"] == 500
    assert str(studio.evidence["execution_sid"]).startswith("FN")
    assert report.flex_number == planted.flex_number
    assert report.conversation_sid == planted.conversation_sid


async def test_trace_by_conversation_sid() -> None:
    emu = CheckedEmulator(Emulator.from_scenario())
    planted = plant(emu.emu, "agent_wrong_role")
    assert planted.conversation_sid is not None
    async with AsyncFlexConv.emulated(emu) as client:
        report = await client.doctor.trace(conversation=planted.conversation_sid)
    assert report.address == planted.customer
    assert [c.key for c in report.checks if c.status == "failed"] == ["agent"]
    assert report.check("agent").evidence["missing_permissions"] == ["editConversationAttributes"]


async def test_trace_refuses_bad_arguments_before_sending() -> None:
    async with AsyncFlexConv.emulated() as client:
        with pytest.raises(ValidationError, match="address or conversation"):
            await client.doctor.trace()
        with pytest.raises(ValidationError, match="CH"):
            await client.doctor.trace(conversation="WT" + "0" * 32)


async def test_scan_reports_exactly_the_orphans_and_rescue_is_idempotent() -> None:
    emu = Emulator.from_scenario()
    orphans = seed_conversations(emu, healthy=23, orphans=7)
    async with AsyncFlexConv.emulated(emu) as client:
        findings = [f async for f in client.doctor.scan(concurrency=4)]
        kinds = [f.kind for f in findings if f.conversation_sid]
        assert sorted(f.sid for f in findings if f.kind == "orphaned") == sorted(orphans)
        assert kinds.count("healthy") == 23
        assert len(kinds) == 30
        plan = await client.doctor.rescue()
        assert not plan.applied
        assert plan.created == 0
        assert sorted(a.conversation_sid for a in plan.actions) == sorted(orphans)
        before = len(emu.flex.interactions)
        first = await client.doctor.rescue(apply=True)
        second = await client.doctor.rescue(apply=True, conversations=orphans)
        assert first.created == 7
        assert second.created == 0
        assert {a.action for a in second.actions} == {"already_rescued"}
        assert len(emu.flex.interactions) - before == 7
        emu.advance(0)
        again = [f async for f in client.doctor.scan()]
        assert [f for f in again if f.kind == "orphaned"] == []


async def test_scan_resumes_from_its_cursor() -> None:
    emu = Emulator.from_scenario()
    seed_conversations(emu, healthy=150, orphans=60)
    async with AsyncFlexConv.emulated(emu) as client:
        scan = client.doctor.scan()
        seen: list[str] = []
        async for f in scan:
            if f.conversation_sid:
                seen.append(f.sid)
            if len(seen) == 100:
                break
        saved = scan.cursor.to_dict()
        assert saved["phase"] == "active"
        assert saved["next_page_url"]
        rest = [
            f.sid
            async for f in client.doctor.scan(resume=ScanCursor.from_dict(saved))
            if f.conversation_sid
        ]
    assert len(seen) + len(rest) == 210
    assert not set(seen) & set(rest)


async def test_scan_classifies_stuck_and_agent_on_closed_task() -> None:
    emu = Emulator.from_scenario()
    plant(emu, "completed_but_open")
    async with AsyncFlexConv.emulated(emu) as client:
        scan = client.doctor.scan(include_healthy=False)
        kinds = [f.kind async for f in scan]
    assert kinds == ["agent_on_closed_task"]
    assert scan.summary.problems == 1


async def test_scan_finds_open_tasks_of_closed_conversations() -> None:
    emu = Emulator.from_scenario()
    plant(emu, "healthy")
    planted = plant_task_conversation_closed(emu)
    async with AsyncFlexConv.emulated(emu) as client:
        found = [f async for f in client.doctor.scan(include_healthy=False)]
    assert [(f.kind, f.conversation_sid) for f in found] == [
        ("task_conversation_closed", planted.conversation_sid)
    ]
    assert str(found[0].task_sid).startswith("WT")


@pytest.mark.parametrize(
    ("name", "kind"), [("conversations", "conversations"), ("legacy", "legacy"), ("mixed", "mixed")]
)
async def test_three_accounts_are_told_apart(name: str, kind: str) -> None:
    emu = scenario_emulator(name)
    async with AsyncFlexConv.emulated(emu) as client:
        setup = await client.doctor.fetch_setup()
    assert setup.kind == kind
    assert "2026-06-01" in setup.advice


async def test_migrate_moves_flex_flow_addresses_one_at_a_time() -> None:
    emu = scenario_emulator("mixed")
    async with AsyncFlexConv.emulated(emu) as client:
        plan = await client.doctor.migrate()
        assert [s.outcome for s in plan.steps] == ["planned", "skipped"]
        assert len(emu.flex.flex_flows.flows) == 2
        done = await client.doctor.migrate(apply=True)
        assert [s.outcome for s in done.steps] == ["moved", "skipped"]
        assert await client.channels.find("+15005550009") is not None
        assert len(emu.flex.flex_flows.flows) == 1


async def test_trace_names_the_messaging_service_running_in_parallel() -> None:
    emu = CheckedEmulator(Emulator.from_scenario())
    planted = plant(emu.emu, "messaging_service")
    service = emu.emu.messaging.service_of(planted.flex_number)
    assert service is not None
    async with AsyncFlexConv.emulated(emu) as client:
        report = await client.doctor.trace(planted.customer, flex_number=planted.flex_number)
    step = report.check("address")
    assert step.status == "failed"
    assert report.check("received").status == "ok"
    assert step.evidence["messaging_service_sid"] == service.sid
    assert step.evidence["inbound_request_url"] == SERVICE_URL
    assert "Defer to sender's webhook" in str(step.fix)
    assert service.sid in str(step.fix)
    emu.recorder.assert_clean()


async def test_a_service_deferring_to_the_number_is_not_a_problem() -> None:
    emu = CheckedEmulator(Emulator.from_scenario())
    planted = plant(emu.emu, "messaging_service")
    service = emu.emu.messaging.service_of(planted.flex_number)
    assert service is not None
    service.use_inbound_webhook_on_number = True
    other = emu.emu.messaging.create("Elsewhere", inbound_request_url="https://x.example.com/in")
    async with AsyncFlexConv.emulated(emu) as client:
        report = await client.doctor.trace(planted.customer, flex_number=planted.flex_number)
        assert report.check("address").status == "ok"
        # only the pools of services that would run in parallel are read
        pools = [r.url for r in emu.requests if r.url.endswith("/PhoneNumbers")]
        assert pools == [f"https://messaging.twilio.com/v1/Services/{other.sid}/PhoneNumbers"]
        listed = [s.sid async for s in client.messaging.services.list()]
        assert listed == [service.sid, other.sid]
        fetched = await client.messaging.services.fetch(service.sid)
        assert fetched.use_inbound_webhook_on_number is True
        members = await client.messaging.services.phone_numbers.list(service.sid).to_list()
        assert [m.phone_number for m in members] == [planted.flex_number]
        with pytest.raises(ValidationError, match="MG"):
            await client.messaging.services.fetch("PN" + "0" * 32)
    emu.recorder.assert_clean()


async def test_setup_counts_legacy_and_conversations_tasks() -> None:
    emu = CheckedEmulator(scenario_emulator("conversations"))
    chat_channel = "CH" + "1" * 32
    with emu.emu.operation():
        emu.emu.taskrouter.create_task(
            emu.emu.seeded.workspace_sid,
            attributes={"channelSid": chat_channel, "channelType": "sms"},
            task_channel="chat",
        )
        # a Conversations task may carry a channelSid too: its conversation makes it current
        emu.emu.taskrouter.create_task(
            emu.emu.seeded.workspace_sid,
            attributes={"channelSid": chat_channel, "conversationSid": "CH" + "2" * 32},
            task_channel="chat",
        )
    async with AsyncFlexConv.emulated(emu) as client:
        setup = await client.doctor.fetch_setup()
    assert (setup.legacy_tasks, setup.conversation_tasks) == (1, 2)
    assert setup.kind == "mixed"
    task_lists = [r for r in emu.requests if r.url.split("?")[0].endswith("/Tasks")]
    assert len(task_lists) == 2
    assert all("PageSize=50" in r.url for r in task_lists)
    emu.recorder.assert_clean()
