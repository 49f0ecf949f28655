"""Form and JSON encoding of request parameters (flexconv._core.encoding)."""

from __future__ import annotations

import enum
import urllib.parse
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexconv import ValidationError
from flexconv._core.encoding import compact_json, encode_form, form_value, format_datetime


def test_dotted_pascal_case_names_are_sent_verbatim() -> None:
    pairs = encode_form(
        {
            "MessagingBinding.Address": "+15550001111",
            "MessagingBinding.ProxyAddress": "+15550002222",
            "Timers.Inactive": "PT5M",
        }
    )
    assert pairs == [
        ("MessagingBinding.Address", "+15550001111"),
        ("MessagingBinding.ProxyAddress", "+15550002222"),
        ("Timers.Inactive", "PT5M"),
    ]
    encoded = urllib.parse.urlencode(pairs)
    assert "MessagingBinding.Address=%2B15550001111" in encoded


@pytest.mark.parametrize(("value", "wire"), [(True, "true"), (False, "false")])
def test_booleans_are_lowercase_words(value: bool, wire: str) -> None:
    assert encode_form({"AutoCreation.Enabled": value}) == [("AutoCreation.Enabled", wire)]
    assert form_value(value) == wire


def test_numbers_and_enums() -> None:
    class Kind(enum.Enum):
        SMS = "sms"

    assert form_value(5) == "5"
    assert form_value(2.5) == "2.5"
    assert form_value(Kind.SMS) == "sms"


@pytest.mark.parametrize("container", [list, tuple])
def test_a_list_becomes_the_key_repeated_in_order(container: type) -> None:
    pairs = encode_form(
        {"Configuration.Filters": container(["onMessageAdded", "onConversationAdded"])}
    )
    assert pairs == [
        ("Configuration.Filters", "onMessageAdded"),
        ("Configuration.Filters", "onConversationAdded"),
    ]


def test_a_set_is_sent_sorted_so_the_wire_is_deterministic() -> None:
    pairs = encode_form({"Permission": {"b", "c", "a"}})
    assert pairs == [("Permission", "a"), ("Permission", "b"), ("Permission", "c")]


def test_list_values_are_each_encoded() -> None:
    assert encode_form({"Flags": [True, False, 3]}) == [
        ("Flags", "true"),
        ("Flags", "false"),
        ("Flags", "3"),
    ]


def test_json_valued_params_are_compact_json_strings() -> None:
    routing = {"properties": {"workspace_sid": "WS1", "attributes": {"lang": "fr", "vip": True}}}
    pairs = encode_form(
        {"Routing": routing, "Channel": {"type": "sms"}, "Name": "x"},
        json_params=("Routing", "Channel"),
    )
    assert pairs == [
        (
            "Routing",
            '{"properties":{"workspace_sid":"WS1","attributes":{"lang":"fr","vip":true}}}',
        ),
        ("Channel", '{"type":"sms"}'),
        ("Name", "x"),
    ]


def test_a_json_param_given_as_a_list_is_one_json_value_not_repeated_keys() -> None:
    assert encode_form({"Attributes": [1, 2]}, json_params=["Attributes"]) == [
        ("Attributes", "[1,2]")
    ]


def test_a_json_param_already_a_string_is_passed_through() -> None:
    assert encode_form({"Attributes": '{"a": 1}'}, json_params=["Attributes"]) == [
        ("Attributes", '{"a": 1}')
    ]


def test_compact_json_keeps_non_ascii_and_has_no_spaces() -> None:
    assert compact_json({"name": "Zoë", "n": [1, 2]}) == '{"name":"Zoë","n":[1,2]}'


def test_compact_json_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(ValidationError, match="not JSON-serialisable"):
        compact_json({"x": object()})


def test_none_is_omitted_but_falsy_values_are_kept() -> None:
    pairs = encode_form({"A": None, "B": 0, "C": "", "D": False, "E": None})
    assert pairs == [("B", "0"), ("C", ""), ("D", "false")]


def test_pairs_input_keeps_order_and_duplicates() -> None:
    assert encode_form([("X", 1), ("X", 2)]) == [("X", "1"), ("X", "2")]


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        encode_form({"DateCreatedAfter": datetime(2024, 1, 2, 3, 4, 5)})
    with pytest.raises(ValidationError):
        format_datetime(datetime(2024, 1, 2))


def test_aware_utc_datetime() -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert encode_form({"StartDate": when}) == [("StartDate", "2024-01-02T03:04:05Z")]


def test_aware_non_utc_datetime_is_converted_not_relabelled() -> None:
    paris_winter = timezone(timedelta(hours=1))
    when = datetime(2024, 1, 2, 0, 30, 0, tzinfo=paris_winter)
    # 00:30 at UTC+1 is 23:30 the previous day in UTC
    assert form_value(when) == "2024-01-01T23:30:00Z"
    behind = timezone(timedelta(hours=-5, minutes=-30))
    assert format_datetime(datetime(2024, 6, 30, 20, 0, tzinfo=behind)) == "2024-07-01T01:30:00Z"


def test_datetimes_inside_json_params_are_utc_strings() -> None:
    when = datetime(2024, 1, 2, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert compact_json({"at": when}) == '{"at":"2024-01-02T10:00:00Z"}'


def test_objects_with_to_dict_serialise_in_json() -> None:
    class Thing:
        def to_dict(self) -> dict[str, int]:
            return {"a": 1}

    assert compact_json([Thing()]) == '[{"a":1}]'


def test_a_mapping_outside_json_params_is_still_sent_as_json() -> None:
    assert form_value({"k": "v"}) == '{"k":"v"}'


def test_unencodable_values_are_refused() -> None:
    with pytest.raises(TypeError, match="Cannot form-encode a bytes"):
        form_value(b"raw")


@given(
    st.dictionaries(
        st.from_regex(r"[A-Z][A-Za-z]{0,8}(\.[A-Z][A-Za-z]{0,8})?", fullmatch=True),
        st.one_of(
            st.text(max_size=20),
            st.integers(),
            st.booleans(),
            st.lists(st.text(max_size=10), max_size=4),
        ),
        max_size=6,
    )
)
def test_form_encoding_survives_the_wire(params: dict[str, object]) -> None:
    wire = urllib.parse.urlencode(encode_form(params))
    decoded = urllib.parse.parse_qsl(wire, keep_blank_values=True)
    expected: list[tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            text = ("true" if v else "false") if isinstance(v, bool) else str(v)
            expected.append((name, text))
    assert decoded == expected
