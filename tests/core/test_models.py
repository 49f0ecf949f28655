"""Response models: unknown keys kept, attributes decoded, open enums, aware datetimes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from flexconv.models import (
    Attributes,
    ConfigurationStatus,
    FlexConfiguration,
    Model,
    OpenStrEnum,
    make_converter,
)
from flexconv.models._base import attach_response, response_of, wire
from tests.fakes import ACCOUNT_SID

CONFIG_JSON: dict[str, Any] = {
    "account_sid": ACCOUNT_SID,
    "date_created": "2024-01-02T03:04:05Z",
    "date_updated": "2024-02-03T04:05:06Z",
    "status": "ok",
    "ui_version": "2.8.1",
    "service_version": "1.0",
    "taskrouter_workspace_sid": "WS" + "0" * 32,
    "crm_enabled": False,
    "channel_configs": [
        {
            "address_type": "web",
            "cbm_attachments": {"enabled": True, "number_of_attachments": 1},
            "some_future_key": [1, 2],
        }
    ],
    "attributes": {"theme": "dark"},
    "brand_new_twilio_field": {"nested": True},
    "another_one": "x",
}


class Color(OpenStrEnum):
    RED = "red"
    BLUE = "blue"


@attrs.define(frozen=True, kw_only=True, repr=False)
class Widget(Model):
    _repr_fields = ("sid", "color")

    sid: str | None = None
    color: Color | None = None
    attributes: Attributes | None = None
    sender: str | None = attrs.field(default=None, metadata=wire("from"))
    when: datetime | None = None


def test_configuration_parses_known_fields() -> None:
    config = FlexConfiguration.from_dict(CONFIG_JSON)
    assert config.account_sid == ACCOUNT_SID
    assert config.status is ConfigurationStatus.OK
    assert config.status == "ok"
    assert config.ui_version == "2.8.1"
    assert config.crm_enabled is False
    assert config.date_created == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert config.channel_configs is not None
    assert config.channel_configs[0]["some_future_key"] == [1, 2]


def test_unknown_keys_are_kept_in_extra() -> None:
    config = FlexConfiguration.from_dict(CONFIG_JSON)
    assert config.extra == {"brand_new_twilio_field": {"nested": True}, "another_one": "x"}


def test_round_trip_through_to_dict_and_from_dict() -> None:
    config = FlexConfiguration.from_dict(CONFIG_JSON)
    out = config.to_dict()
    assert out["brand_new_twilio_field"] == {"nested": True}
    assert out["another_one"] == "x"
    assert out["status"] == "ok"
    assert out["date_created"] == "2024-01-02T03:04:05Z"
    assert out["channel_configs"] == CONFIG_JSON["channel_configs"]
    assert "extra" not in out
    assert "_response" not in out
    for key, value in CONFIG_JSON.items():
        assert out[key] == value, key
    assert FlexConfiguration.from_dict(out) == config


def test_datetimes_are_timezone_aware() -> None:
    w = Widget.from_dict({"when": "2024-03-04T05:06:07Z"})
    assert w.when is not None
    assert w.when.utcoffset() == timedelta(0)
    naive_looking = Widget.from_dict({"when": "2024-03-04T05:06:07"})
    assert naive_looking.when == datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    rfc2822 = Widget.from_dict({"when": "Mon, 04 Mar 2024 05:06:07 +0000"})
    assert rfc2822.when == datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    offset = Widget.from_dict({"when": "2024-03-04T07:06:07+02:00"})
    assert offset.when == datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    assert offset.to_dict()["when"] == "2024-03-04T05:06:07Z"


def _leaf_messages(exc: BaseException) -> list[str]:
    subs = getattr(exc, "exceptions", None)  # an exception group (cattrs), on 3.10 too
    if subs is not None:
        return [m for sub in subs for m in _leaf_messages(sub)]
    return [str(exc)]


def test_a_bad_date_fails_structuring() -> None:
    with pytest.raises(Exception) as info:  # cattrs wraps it in a group
        Widget.from_dict({"when": "yesterday-ish"})
    assert _leaf_messages(info.value) == ["Unrecognised date 'yesterday-ish'"]


def test_attributes_json_string_is_decoded() -> None:
    w = Widget.from_dict({"attributes": '{"customer": {"name": "Zoë"}, "vip": true}'})
    assert w.attributes == {"customer": {"name": "Zoë"}, "vip": True}
    assert Widget.from_dict({"attributes": {"a": 1}}).attributes == {"a": 1}
    assert Widget.from_dict({"attributes": ""}).attributes == {}
    assert Widget.from_dict({"attributes": None}).attributes is None


def test_attributes_that_are_not_json_fail() -> None:
    with pytest.raises(Exception) as info:  # cattrs wraps it in a group
        Widget.from_dict({"attributes": "{not json"})
    assert _leaf_messages(info.value) == ["attributes is not a JSON document"]


def test_wire_names() -> None:
    w = Widget.from_dict({"from": "+15550001111"})
    assert w.sender == "+15550001111"
    assert w.extra == {}
    assert w.to_dict()["from"] == "+15550001111"
    assert "sender" not in w.to_dict()


def test_open_enum_accepts_unknown_values() -> None:
    w = Widget.from_dict({"color": "ultraviolet"})
    assert w.color == "ultraviolet"
    assert isinstance(w.color, Color)
    assert w.color.known is False
    assert Color("red").known is True
    assert str(w.color) == "ultraviolet"
    assert w.to_dict()["color"] == "ultraviolet"
    status = ConfigurationStatus("paused")
    assert status.value == "paused"
    assert status.known is False


def test_open_enum_refuses_non_strings() -> None:
    with pytest.raises(ValueError):
        Color(3)  # type: ignore[arg-type]


def test_known_is_false_for_a_different_value_with_a_colliding_name() -> None:
    odd = Color("Red")
    assert odd != Color.RED
    assert odd.known is False


def test_strict_converter_refuses_unknown_keys() -> None:
    strict = make_converter(strict=True)
    with pytest.raises(
        ValueError,
        match=r"FlexConfiguration got unknown keys: \['another_one', 'brand_new_twilio_field'\]",
    ):
        strict.structure(CONFIG_JSON, FlexConfiguration)
    known_only = {
        k: v for k, v in CONFIG_JSON.items() if k not in ("another_one", "brand_new_twilio_field")
    }
    assert strict.structure(known_only, FlexConfiguration).account_sid == ACCOUNT_SID


def test_structuring_a_non_object_fails() -> None:
    with pytest.raises(ValueError, match="expects a JSON object"):
        FlexConfiguration.from_dict(["not", "a", "dict"])  # type: ignore[arg-type]


def test_short_repr() -> None:
    config = FlexConfiguration.from_dict(CONFIG_JSON)
    text = repr(config)
    total = len(
        [f for f in attrs.fields(FlexConfiguration) if f.name not in ("extra", "_response")]
    )
    assert text == (
        f"FlexConfiguration(account_sid={ACCOUNT_SID!r}, status='ok', ui_version='2.8.1', "
        f"service_version='1.0', …{total - 4} more)"
    )
    assert "channel_configs" not in text
    assert repr(Widget(sid="X1")) == "Widget(sid='X1', …4 more)"


def test_models_are_frozen() -> None:
    config = FlexConfiguration.from_dict(CONFIG_JSON)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.ui_version = "3"  # type: ignore[misc]


def test_response_is_attached_and_ignored_by_equality() -> None:
    a = FlexConfiguration.from_dict(CONFIG_JSON)
    b = FlexConfiguration.from_dict(CONFIG_JSON)
    assert response_of(a) is None
    attach_response(a, "info")
    assert response_of(a) == "info"
    assert a == b
    assert "_response" not in a.to_dict()


def test_repr_html_is_a_small_escaped_table_without_secrets() -> None:
    from flexconv.models.channels import Address

    address = Address.from_dict(
        {
            "sid": "IG" + "0" * 32,
            "type": "sms",
            "address": "+15551234567",
            "friendly_name": "<script>alert(1)</script>" + "x" * 500,
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "webhook_url": "https://user:hunter2@hooks.example.com/in",
            },
            "auth_token": "tok-should-not-show",
            "url": None,
        }
    )
    table = address._repr_html_()
    assert table.startswith('<table class="flexconv-model"><caption>Address</caption>')
    assert "<th" in table
    assert ">sid<" in table
    assert "IG" + "0" * 32 in table
    assert ">address<" in table
    assert "+15551234567" in table
    # escaped, truncated
    assert "<script>" not in table
    assert "&lt;script&gt;" in table
    assert "x" * 200 not in table
    assert "…" in table
    # nested model as its own table; secrets never shown
    assert "<caption>AutoCreation</caption>" in table
    assert "hunter2" not in table
    assert "tok-should-not-show" not in table
    assert "hooks.example.com/in" in table
    # fields without a value are left out
    assert ">url<" not in table
    # unknown keys come last
    assert table.index(">extra<") > table.index(">auto_creation<")


def test_items_table_html_shows_the_first_items() -> None:
    from flexconv.models._base import items_table_html
    from flexconv.models.channels import Address

    items = [Address(sid=f"IG{i:032d}", address=f"+1555000{i:04d}") for i in range(12)]
    table = items_table_html(items, limit=3)
    assert table.count("<tr>") == 4  # header + 3 rows
    assert "+15550000002" in table
    assert "+15550000003" not in table
    assert "9 more" in table


def test_pages_render_their_first_items_as_a_table() -> None:
    from flexconv._async.paging import AsyncPage
    from flexconv._core.results import ResponseInfo
    from flexconv._sync.paging import Page
    from flexconv.models.channels import Address

    info = ResponseInfo(
        200, {}, "GET", "https://conversations.twilio.com/v1/Configuration/Addresses"
    )
    items = [Address(sid=f"IG{i:032d}", address=f"+1555000{i:04d}") for i in range(3)]
    for page_class in (Page, AsyncPage):
        table = page_class(items, None, info)._repr_html_()
        assert '<table class="flexconv-items">' in table
        assert "+15550000002" in table
