"""Pure channel logic: address forms, targets, wire values, plans, task attributes."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest

from flexconv._core import channels as core
from flexconv._core.errors import ValidationError
from flexconv._core.operation import build_request
from flexconv._core.ops import addresses as ops
from flexconv.cli import main
from flexconv.emulator import Emulator
from flexconv.models.channels import Address
from tests.fakes import make_config

FLOW = "FW" + "ab" * 16
SERVICE = "IS" + "cd" * 16
CONV = "CH" + "12" * 16
HOOK = "https://backend.example.com/hook"


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        ("sms", "+15551234567"),
        ("sms", "12345"),
        ("whatsapp", "whatsapp:+447700900123"),
        ("messenger", "messenger:106754058"),
        ("gbm", "gbm:my_agent-1"),
        ("email", "support@example.com"),
        ("rcs", "rcs:brand.agent_1"),
        ("apple", "apple:0f6e-11aa"),
        ("chat", "web-chat-1"),
    ],
)
def test_good_addresses(kind: str, address: str) -> None:
    assert core.validate_address(kind, address) == address


@pytest.mark.parametrize(
    ("kind", "address", "hint"),
    [
        ("sms", "5551234567890123456", "E.164"),
        ("sms", "+0155", "E.164"),
        ("whatsapp", "+15551234567", "whatsapp:\\+E164"),
        ("messenger", "messenger:page", "page id"),
        ("gbm", "gbm", "agent id"),
        ("email", "not-an-email", "email address"),
        ("rcs", "rcs:", "sender id"),
        ("apple", "+1555", "business id"),
        ("chat", "", "without spaces"),
    ],
)
def test_bad_addresses_name_the_expected_form(kind: str, address: str, hint: str) -> None:
    with pytest.raises(ValidationError, match=hint):
        core.validate_address(kind, address)


def test_every_type_has_a_documented_form() -> None:
    assert set(core.ADDRESS_FORMS) == set(core.ADDRESS_TYPES)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("+15551234567", "sms"),
        ("whatsapp:+15551234567", "whatsapp"),
        ("messenger:1", "messenger"),
        ("gbm:x", "gbm"),
        ("rcs:x", "rcs"),
        ("apple:x", "apple"),
        ("a@b.io", "email"),
    ],
)
def test_infer_type(address: str, kind: str) -> None:
    assert core.infer_type(address) == kind


def test_infer_type_asks_for_type_when_unsure() -> None:
    with pytest.raises(ValidationError, match="pass type="):
        core.infer_type("support-chat")


def test_region() -> None:
    core.check_region("sms", "us1")
    core.check_region("chat", "ie1")
    with pytest.raises(ValidationError, match="chat addresses only"):
        core.check_region("whatsapp", "ie1")


def test_targets_validate() -> None:
    with pytest.raises(ValidationError, match="FW SID"):
        core.StudioTarget("FW123")
    with pytest.raises(ValidationError, match="non-negative"):
        core.StudioTarget(FLOW, -1)
    with pytest.raises(ValidationError, match="http"):
        core.WebhookTarget("backend.example.com")
    with pytest.raises(ValidationError, match="GET or POST"):
        core.WebhookTarget(HOOK, "PATCH")
    with pytest.raises(ValidationError, match="onMessageSent"):
        core.WebhookTarget(HOOK, filters=("onMessageSent",))
    assert core.WebhookTarget(HOOK, "get").method == "GET"
    assert core.WebhookTarget(HOOK, filters="onMessageAdded").filters == ("onMessageAdded",)  # type: ignore[arg-type]


def _form(values: dict[str, object]) -> list[tuple[str, str]]:
    spec = build_request(
        ops.CREATE_ADDRESS, make_config(), values={k: v for k, v in values.items() if v is not None}
    )
    assert spec.content is not None
    return urllib.parse.parse_qsl(spec.content.decode())


def test_webhook_wire_values() -> None:
    want = core.DesiredAddress(
        "+15551234567",
        auto_creation=core.WebhookTarget(HOOK, "POST", ("onMessageAdded", "onMessageUpdated")),
        conversation_service_sid=SERVICE,
    )
    pairs = _form(want.create_values())
    assert ("Type", "sms") in pairs
    assert ("AutoCreation.Enabled", "true") in pairs
    assert ("AutoCreation.Type", "webhook") in pairs
    assert ("AutoCreation.WebhookMethod", "post") in pairs
    assert ("AutoCreation.ConversationServiceSid", SERVICE) in pairs
    assert [v for k, v in pairs if k == "AutoCreation.WebhookFilters"] == [
        "onMessageAdded",
        "onMessageUpdated",
    ]


def test_studio_wire_values() -> None:
    pairs = _form(
        core.DesiredAddress(
            "whatsapp:+15551234567", auto_creation=core.StudioTarget(FLOW, 1)
        ).create_values()
    )
    assert ("AutoCreation.Type", "studio") in pairs
    assert ("AutoCreation.StudioFlowSid", FLOW) in pairs
    assert ("AutoCreation.StudioRetryCount", "1") in pairs
    assert not any(k.startswith("AutoCreation.Webhook") for k, _ in pairs)


def test_disabled_update_values() -> None:
    assert core.DesiredAddress("+15551234567").update_values() == {
        "friendly_name": None,
        "auto_creation_enabled": False,
    }
    assert core.auto_creation_values(None) == {}


def _address(**auto: object) -> Address:
    return Address.from_dict(
        {
            "sid": "IG" + "0" * 32,
            "type": "sms",
            "address": "+15551234567",
            "friendly_name": "Main",
            "auto_creation": auto or None,
        }
    )


def test_plan_unchanged_ignores_unpinned_fields() -> None:
    have = _address(
        enabled=True,
        type="webhook",
        webhook_url=HOOK,
        webhook_method="POST",
        webhook_filters=["onMessageUpdated", "onMessageAdded"],
        conversation_service_sid=SERVICE,
    )
    want = core.DesiredAddress(
        "+15551234567",
        auto_creation=core.WebhookTarget(HOOK, "post", ("onMessageAdded", "onMessageUpdated")),
    )
    plan = core.plan_addresses([want], [have])
    assert [i.action for i in plan.items] == ["unchanged"]
    assert plan.items[0].result is have
    assert not plan.changed


def test_plan_update_lists_field_diffs() -> None:
    have = _address(enabled=True, type="studio", studio_flow_sid=FLOW)
    want = core.DesiredAddress(
        "+15551234567", auto_creation=core.WebhookTarget(HOOK), friendly_name="New"
    )
    [item] = core.plan_addresses([want], [have]).items
    assert item.action == "update"
    assert item.changes["friendly_name"] == core.FieldChange(
        "sms", ("friendly_name",), "Main", "New"
    )
    assert item.changes["auto_creation.type"] == core.FieldChange(
        "sms", ("auto_creation", "type"), "studio", "webhook"
    )
    assert item.changes["auto_creation.webhook_url"] == core.FieldChange(
        "sms", ("auto_creation", "webhook_url"), None, HOOK
    )
    assert "auto_creation.studio_flow_sid" not in item.changes
    assert "friendly_name: 'Main' -> 'New'" in item.describe()


def test_plan_disable_and_create_and_prune() -> None:
    have = _address(enabled=True, type="default")
    other = Address.from_dict({"sid": "IG" + "1" * 32, "type": "chat", "address": "web"})
    plan = core.plan_addresses(
        [core.DesiredAddress("+15551234567"), core.DesiredAddress("whatsapp:+15551234567")],
        [have, other],
        prune=True,
    )
    assert [(i.action, i.address) for i in plan.items] == [
        ("update", "+15551234567"),
        ("create", "whatsapp:+15551234567"),
        ("delete", "web"),
    ]
    assert plan.items[0].changes == {
        "auto_creation.enabled": core.FieldChange("sms", ("auto_creation", "enabled"), True, False)
    }
    assert "1 to create, 1 to update, 0 unchanged, 1 to delete" in plan.describe()
    assert not core.plan_addresses([], [have]).items


def test_plan_refuses_duplicates_and_type_changes() -> None:
    want = core.DesiredAddress("+15551234567")
    with pytest.raises(ValidationError, match="more than once"):
        core.plan_addresses([want, want], [])
    chat = Address.from_dict({"sid": "IG" + "1" * 32, "type": "chat", "address": "+15551234567"})
    with pytest.raises(ValidationError, match="type cannot change"):
        core.plan_addresses([want], [chat])


def test_desired_from_mapping() -> None:
    doc = {
        "addresses": [
            {"address": "+15551234567", "auto_creation": {"type": "studio", "flow_sid": FLOW}},
            {
                "address": "whatsapp:+15551234567",
                "friendly_name": "WA",
                "auto_creation": {
                    "type": "webhook",
                    "url": HOOK,
                    "method": "get",
                    "filters": ["onMessageAdded"],
                },
            },
            {"address": "messenger:1", "auto_creation": {"type": "default"}},
            {"address": "web", "type": "chat", "auto_creation": None},
            {"address": "+15550000000", "auto_creation": {"enabled": False, "type": "default"}},
        ]
    }
    out = core.desired_from_mapping(doc)
    assert out[0].auto_creation == core.StudioTarget(FLOW)
    assert out[1].auto_creation == core.WebhookTarget(HOOK, "GET", ("onMessageAdded",))
    assert out[2].auto_creation == core.DefaultTarget()
    assert out[3].auto_creation is None
    assert out[4].auto_creation is None
    assert core.desired_from_mapping([{"address": "+15551234567"}])[0].kind == "sms"


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ({"nope": []}, "expected a list"),
        ([1], "must be a mapping"),
        ([{"type": "sms"}], "needs an address"),
        ([{"address": "+15551234567", "colour": "red"}], "does not take colour"),
        (
            [{"address": "+15551234567", "auto_creation": {"type": "flex"}}],
            "studio, webhook or default",
        ),
        (
            [{"address": "+15551234567", "auto_creation": {"type": "studio", "url": HOOK}}],
            "does not take url",
        ),
        ([{"address": "+15551234567", "auto_creation": {"type": "studio"}}], "flow_sid"),
        ([{"address": "+15551234567", "auto_creation": "studio"}], "mapping"),
    ],
)
def test_desired_from_mapping_errors(doc: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        core.desired_from_mapping(doc)


def test_flex_ui_snippet() -> None:
    js = core.flex_ui_snippet("custom1")
    assert 'createChatTaskChannel(\n  "custom1"' in js
    assert "flex.TaskChannels.register(channel);" in js
    assert "channelType" not in js
    with pytest.raises(ValidationError):
        core.flex_ui_snippet('x"; alert(1); "')


# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def cli_emulator(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """One emulator (default scenario) shared by every CLI call of a test."""
    emu = Emulator.from_scenario()
    monkeypatch.setattr(Emulator, "from_scenario", classmethod(lambda cls, *a, **k: emu))
    return emu


def test_cli_list_and_show(cli_emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["channels", "list", "--emulator"]) == 0
    out = capsys.readouterr().out
    assert "+15005550006" in out
    assert "studio FW" in out
    assert main(["channels", "show", "+15005550006", "--emulator", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["address"] == "+15005550006"
    assert main(["channels", "show", "--emulator", "+15005550006"]) == 0
    assert "auto-creation:" in capsys.readouterr().out


def test_cli_ensure_yaml_and_json(
    cli_emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip(
        "yaml", reason="YAML files need the 'yaml' extra: pip install 'flexconv[yaml]'"
    )
    yaml_file = tmp_path / "channels.yaml"
    yaml_file.write_text(
        "addresses:\n"
        "  - address: '+15005550006'\n"
        "    auto_creation: {type: webhook, url: 'https://backend.example.com/hook'}\n"
        "  - address: 'whatsapp:+15005550006'\n"
    )
    assert main(["channels", "ensure", str(yaml_file), "--emulator", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out
    assert "auto_creation.type: 'studio' -> 'webhook'" in out
    assert cli_emulator.conversations.find_address("whatsapp:+15005550006") is None

    assert main(["channels", "ensure", str(yaml_file), "--emulator"]) == 0
    assert "1 created, 1 updated, 0 unchanged" in capsys.readouterr().out
    assert main(["channels", "ensure", str(yaml_file), "--emulator"]) == 0
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out

    json_file = tmp_path / "channels.json"
    json_file.write_text(json.dumps([{"address": "+15005550006"}]))
    assert main(["channels", "ensure", str(json_file), "--emulator", "--prune"]) == 0
    out = capsys.readouterr().out
    assert "1 updated, 0 unchanged, 1 deleted" in out


def test_cli_ensure_bad_file(
    cli_emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"address": "whatsapp:15551234567"}]))
    assert main(["channels", "ensure", str(bad), "--emulator"]) == 2  # refused, nothing sent
    assert "whatsapp:+E164" in capsys.readouterr().err
    assert main(["channels", "ensure", str(tmp_path / "missing.yaml"), "--emulator"]) == 2
    assert "missing.yaml: no such file" in capsys.readouterr().err
