"""The doctor's checks as pure functions: plain values in, checks and findings out."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from flexconv._core.doctor.account import check_conversations_config, iso_duration
from flexconv._core.doctor.address import check_address, check_number_wiring
from flexconv._core.doctor.agent import check_agent
from flexconv._core.doctor.completion import check_completion
from flexconv._core.doctor.conversation import pick_conversation
from flexconv._core.doctor.legacy import detect_setup, plan_migration
from flexconv._core.doctor.received import check_received
from flexconv._core.doctor.report import ScanCursor
from flexconv._core.doctor.rescue import MARKER, decide_rescue, marked_attributes
from flexconv._core.doctor.scan import classify_conversation, stale_reservation
from flexconv._core.doctor.studio import check_studio
from flexconv._core.doctor.values import AGENT_PERMISSIONS
from flexconv._core.doctor.webhook import check_webhook
from flexconv._core.errors import ValidationError

CH = "CH" + "1" * 32
T0 = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


def test_received_filters_by_sender_number_and_window() -> None:
    msgs = [
        {"sid": "SM1", "from": "+1555", "to": "+1500", "direction": "inbound",
         "date_sent": "Thu, 01 Jan 2026 11:00:00 +0000"},
        {"sid": "SM2", "from": "+1555", "to": "+1999", "direction": "inbound",
         "date_sent": "Thu, 01 Jan 2026 12:30:00 +0000"},
        {"sid": "SM3", "from": "+1555", "to": "+1500", "direction": "outbound-api",
         "date_sent": "Thu, 01 Jan 2026 12:30:00 +0000"},
    ]  # fmt: skip
    ok = check_received(msgs, customer="+1555", flex_number="+1500")
    assert ok.status == "ok"
    assert ok.evidence["message_sid"] == "SM1"
    late = check_received(msgs, customer="+1555", flex_number="+1500", since=T0)
    assert late.status == "failed"
    assert "between" in str(late.problem)


def test_address_checks_in_the_faq_order() -> None:
    base = {"sid": "IG1", "type": "sms", "address": "+1500"}
    assert check_address(None, address="+1500").status == "failed"
    off = check_address({**base, "auto_creation": {"enabled": False}}, address="+1500")
    assert "Auto-creation is off" in str(off.problem)
    default = {**base, "auto_creation": {"enabled": True, "type": "default"}}
    assert "'default'" in str(check_address(default, address="+1500").problem)
    studio = {
        **base,
        "auto_creation": {"enabled": True, "type": "studio", "studio_flow_sid": "FW1"},
    }
    assert check_address(studio, address="+1500", flow_exists=True).status == "ok"
    assert check_address(studio, address="+1500", flow_exists=False).status == "failed"
    wired = check_address(studio, address="+1500", number={"sid": "PN1", "sms_url": "https://x/y"})
    assert wired.status == "failed"
    assert wired.evidence["sms_url"] == "https://x/y"


def test_number_wiring_ignores_the_demo_url() -> None:
    assert check_number_wiring({"sms_url": "https://demo.twilio.com/welcome/sms/reply"}) is None
    assert check_number_wiring({"sms_url": ""}) is None
    found = check_number_wiring({"sid": "PN1", "sms_application_sid": "AP1"})
    assert found is not None
    assert found[0]["sms_application_sid"] == "AP1"


def test_pick_conversation_prefers_open_then_newest_through_the_number() -> None:
    rows = [
        {"conversation_sid": "CHa", "conversation_state": "active",
         "conversation_date_created": "2026-01-01T10:00:00Z",
         "participant_messaging_binding": {"proxy_address": "+1500"}},
        {"conversation_sid": "CHb", "conversation_state": "closed",
         "conversation_date_created": "2026-01-01T11:00:00Z",
         "participant_messaging_binding": {"proxy_address": "+1500"}},
        {"conversation_sid": "CHc", "conversation_state": "active",
         "conversation_date_created": "2026-01-01T12:00:00Z",
         "participant_messaging_binding": {"proxy_address": "+1999"}},
    ]  # fmt: skip
    picked = pick_conversation(rows, flex_number="+1500")
    assert picked is not None
    assert picked["conversation_sid"] == "CHa"
    assert pick_conversation(rows, flex_number="+1777") is None


def test_webhook_orphaned_only_without_webhook_and_task() -> None:
    ac = {"type": "studio", "studio_flow_sid": "FW1"}
    hook = {"sid": "WH1", "target": "studio", "configuration": {"flow_sid": "FW1"}}
    assert check_webhook([hook], auto_creation=ac).status == "ok"
    assert check_webhook([], auto_creation=ac, task_sids=["WT1"]).status == "ok"
    other = {"sid": "WH2", "target": "webhook", "configuration": {"url": "https://x"}}
    assert check_webhook([other], auto_creation=ac).status == "warning"
    orphan = check_webhook([], auto_creation=ac)
    assert orphan.status == "failed"
    assert "Orphaned" in str(orphan.problem)


def test_studio_names_the_failing_widget() -> None:
    steps = [
        {"sid": "FT1", "name": "Trigger", "type": "trigger",
         "context": {"event": "incomingConversationMessage", "widgets": {}}},
        {"sid": "FT2", "name": "Lookup", "type": "run-function",
         "context": {"event": "fail", "widgets": {"Lookup": {"status_code": 502, "error": "boom"}}}},
    ]  # fmt: skip
    found = check_studio("FW1", {"sid": "FN1", "status": "ended"}, steps)
    assert found.status == "failed"
    assert found.evidence["widget"] == "Lookup"
    assert found.evidence["error"] == "boom"
    assert check_studio("FW1", None, []).status == "failed"
    assert check_studio("FW1", {"sid": "FN1"}, steps[:1]).status == "ok"


def test_agent_role_must_carry_exactly_the_standard_permissions() -> None:
    task = {"sid": "WT1", "assignment_status": "assigned"}
    res = [{"sid": "WR1", "reservation_status": "accepted", "worker_sid": "WK1"}]
    member = {"sid": "MB1", "role_sid": "RL1"}
    good = {"friendly_name": "agent", "permissions": sorted(AGENT_PERMISSIONS)}
    assert check_agent(task, res, identity="a", participant=member, role=good).status == "ok"
    more = {
        "friendly_name": "agent",
        "permissions": [*sorted(AGENT_PERMISSIONS), "deleteAnyMessage"],
    }
    bad = check_agent(task, res, identity="a", participant=member, role=more)
    assert bad.status == "failed"
    assert bad.evidence["extra_permissions"] == ["deleteAnyMessage"]
    missing = check_agent(task, res, identity="a", participant=None, role=None)
    assert "not a participant" in str(missing.problem)
    waiting = [{"sid": "WR2", "reservation_status": "pending"}]
    pending = {"sid": "WT1", "assignment_status": "reserved"}
    assert check_agent(pending, waiting, identity=None, participant=None, role=None).status == (
        "warning"
    )


def test_completion() -> None:
    done = {"sid": "WT1", "assignment_status": "completed"}
    assert check_completion(done, {"state": "closed"}, []).status == "ok"
    stuck = check_completion(done, {"state": "active"}, ["alice"])
    assert stuck.status == "failed"
    assert "alice" in str(stuck.problem)
    active = {"sid": "WT1", "assignment_status": "assigned"}
    assert check_completion(active, {"state": "active"}, ["alice"]).status == "ok"


def test_conversations_timers() -> None:
    assert iso_duration("PT10M") == timedelta(minutes=10)
    assert iso_duration("P1DT1H") == timedelta(days=1, hours=1)
    assert iso_duration("10 minutes") is None
    good = {"default_chat_service_sid": "IS1", "default_closed_timer": "P1D",
            "default_inactive_timer": "PT5M"}  # fmt: skip
    assert check_conversations_config(good).status == "ok"
    short = check_conversations_config({**good, "default_closed_timer": "PT5M"})
    assert short.status == "warning"
    assert check_conversations_config({}).status == "failed"


def test_classify_each_kind() -> None:
    conv = {"sid": CH, "state": "active"}
    customer = {"messaging_binding": {"address": "+1555"}}
    agent = {"identity": "alice"}
    hook = {"sid": "WH1"}

    def kind(hooks: list, people: list, statuses: list[str]) -> str:  # type: ignore[type-arg]
        tasks = [{"sid": f"WT{i}", "assignment_status": s} for i, s in enumerate(statuses)]
        return classify_conversation(conv, hooks, people, tasks).kind

    assert kind([], [customer], []) == "orphaned"
    assert kind([hook], [customer], []) == "healthy"
    assert kind([], [customer, agent], ["assigned"]) == "healthy"
    assert kind([], [customer], ["completed"]) == "stuck"
    assert kind([], [customer, agent], ["canceled"]) == "agent_on_closed_task"
    assert kind([], [customer], ["assigned"]) == "customer_alone"
    assert kind([], [customer], ["pending"]) == "healthy"


def test_stale_reservation() -> None:
    old = {"sid": "WR1", "reservation_status": "pending", "date_created": "2026-01-01T11:00:00Z"}
    assert stale_reservation(old, now=T0, timeout_seconds=120) is not None
    assert stale_reservation(old, now=T0, timeout_seconds=3600) is None
    assert stale_reservation({**old, "reservation_status": "accepted"}, now=T0,
                             timeout_seconds=1) is None  # fmt: skip


def test_rescue_decision_and_marker() -> None:
    conv = {"sid": CH, "attributes": json.dumps({"keep": 1})}
    assert decide_rescue(conv, []).action == "create_interaction"
    assert decide_rescue(conv, [{"sid": "WT1"}]).action == "has_task"
    assert decide_rescue({**conv, "state": "closed"}, []).action == "closed"
    marked = marked_attributes(conv, interaction_sid="KD1", when="now")
    assert marked["keep"] == 1
    assert marked[MARKER]["interaction_sid"] == "KD1"
    again = decide_rescue({"sid": CH, "attributes": json.dumps(marked)}, [])
    assert again.action == "already_rescued"
    assert again.interaction_sid == "KD1"


def test_setup_detection_and_migration_plan() -> None:
    addr = [{"sid": "IG1", "address": "+1500"}]
    flows = [
        {"sid": "FO1", "channel_type": "sms", "contact_identity": "+1501", "enabled": True,
         "integration_type": "studio", "integration": {"flow_sid": "FW1"}},
        {"sid": "FO2", "channel_type": "whatsapp", "contact_identity": "+1502",
         "integration_type": "external", "integration": {"url": "https://x"}},
        {"sid": "FO3", "channel_type": "sms", "contact_identity": "+1500",
         "integration_type": "studio", "integration": {"flow_sid": "FW1"}},
        {"sid": "FO4", "channel_type": "sms", "contact_identity": "+1503",
         "integration_type": "task", "integration": {}},
    ]  # fmt: skip
    flex = {"chat_service_instance_sid": "IS1"}
    assert detect_setup(addr, [], flex, conversations_service_sid="IS1").kind == "conversations"
    assert detect_setup([], flows, flex, conversations_service_sid="IS1").kind == "legacy"
    assert detect_setup(addr, flows, flex, conversations_service_sid="IS1").kind == "mixed"
    chat_only = detect_setup([], [], flex, conversations_service_sid="IS2")
    assert chat_only.kind == "legacy"
    assert chat_only.chat_service_sid == "IS1"
    steps = plan_migration(flows, addr)
    assert [s.outcome for s in steps] == ["planned", "planned", "skipped", "skipped"]
    assert steps[1].address == "whatsapp:+1502"
    assert steps[1].auto_creation == {"type": "webhook", "webhook_url": "https://x"}
    assert "already" in str(steps[2].reason)
    assert "task" in str(steps[3].reason)


def test_scan_cursor_round_trip_and_refusal() -> None:
    cursor = ScanCursor(phase="active", next_page_url="https://x/next", seen=100)
    assert ScanCursor.from_dict(cursor.to_dict()) == cursor
    with pytest.raises(ValidationError, match="phase"):
        ScanCursor.from_dict({"phase": "later"})


def test_tasks_alone_tell_the_setup() -> None:
    flex = {"chat_service_instance_sid": "IS1"}
    only = {"conversations_service_sid": "IS1"}
    assert detect_setup([], [], flex, **only).kind == "none"
    assert detect_setup([], [], flex, legacy_tasks=3, **only).kind == "legacy"
    assert detect_setup([], [], flex, conversation_tasks=2, **only).kind == "conversations"
    both = detect_setup([], [], flex, legacy_tasks=1, conversation_tasks=2, **only)
    assert both.kind == "mixed"
    assert (both.legacy_tasks, both.conversation_tasks) == (1, 2)
