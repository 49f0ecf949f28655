"""Pure attachment logic: limits, sizes, extensions, validation, the lossless merge, diffs."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flexconv._core.attachments import (
    FIELDS,
    KNOWN_ADDRESS_TYPES,
    LIMITS,
    AttachmentChange,
    AttachmentConflictError,
    apply_changes,
    change_holds,
    check_change,
    check_changes,
    check_merged,
    compare_after_write,
    default_settings,
    diff_channel_configs,
    format_size,
    normalize_address_type,
    normalize_extensions,
    parse_size,
)
from flexconv._core.errors import ConflictError, FlexConvError, ValidationError

MB = 1024 * 1024


def entry(kind: str, **settings: Any) -> dict[str, Any]:
    return {"address_type": kind, "cbm_attachments": {**default_settings(kind), **settings}}


# ------------------------------------------------------------------------------ limits, sizes


def test_limits_table_matches_twilio() -> None:
    assert KNOWN_ADDRESS_TYPES == ("web", "sms", "whatsapp", "email", "messenger", "gbm")
    assert LIMITS["web"].max_file_size == 16_777_216
    assert LIMITS["web"].max_total_file_size == 67_108_864
    assert LIMITS["sms"].max_file_size == 2_097_152
    assert LIMITS["sms"].max_total_file_size == 5_242_880
    assert LIMITS["email"].max_attachments == 10
    assert LIMITS["email"].max_file_size == 157_286_400
    assert LIMITS["messenger"].max_file_size == 26_214_400
    assert LIMITS["gbm"].accepted_extensions == ("jpg", "jpeg", "png")
    assert "oga" in LIMITS["whatsapp"].accepted_extensions
    assert "txt" not in LIMITS["sms"].accepted_extensions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16MB", 16_777_216),
        ("16 MiB", 16_777_216),
        ("16m", 16_777_216),
        ("64MB", 67_108_864),
        ("512KB", 524_288),
        ("1GB", 1024**3),
        ("1.5MB", 1_572_864),
        ("2048", 2048),
        (" 5mb ", 5 * MB),
        (2_097_152, 2_097_152),
    ],
)
def test_parse_size(text: Any, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("bad", ["", "MB", "16 parsecs", "-1MB", "0", 0, -5, True, 1.5, "1.3B"])
def test_parse_size_rejects(bad: Any) -> None:
    with pytest.raises(ValidationError, match="max_file_size"):
        parse_size(bad, name="max_file_size")


def test_format_size() -> None:
    assert format_size(16_777_216) == "16 MB"
    assert format_size(157_286_400) == "150 MB"
    assert format_size(1024**3) == "1 GB"
    assert format_size(1536) == "1.5 KB"
    assert format_size(10) == "10 B"
    assert format_size(None) == "-"


# ------------------------------------------------------------------------------ extensions


def test_normalize_extensions() -> None:
    assert normalize_extensions([".JPG", "png", "jpg", " Pdf "]) == ["jpg", "png", "pdf"]
    assert normalize_extensions("jpg, .PNG") == ["jpg", "png"]
    assert normalize_extensions(["oga"], address_type="whatsapp") == ["oga"]


@pytest.mark.parametrize(
    ("exts", "kind", "message"),
    [
        ([], None, "at least one"),
        (["jp g"], None, "not an extension"),
        (["."], None, "not an extension"),
        ([3], None, "must be strings"),
        (["txt"], "sms", "not accepted on 'sms'"),
        (["gif", "exe"], "web", r"\['exe'\] are not accepted"),
        (42, None, "list of extensions"),
    ],
)
def test_normalize_extensions_rejects(exts: Any, kind: str | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        normalize_extensions(exts, address_type=kind)


# ------------------------------------------------------------------------------ validation


def test_address_types() -> None:
    assert normalize_address_type("SMS") == "sms"
    with pytest.raises(ValidationError, match="known ones are web, sms, whatsapp, email"):
        normalize_address_type("fax")
    assert normalize_address_type("rcs", allow_unknown_channel=True) == "rcs"
    with pytest.raises(ValidationError, match="non-empty string"):
        normalize_address_type("  ")


def test_check_change_normalises() -> None:
    kind, change = check_change(
        "Web",
        {"max_file_size": "8MB", "max_total_file_size": "16MB", "accepted_extensions": ".PNG,jpg"},
    )
    assert kind == "web"
    assert change == AttachmentChange(
        max_file_size=8 * MB, max_total_file_size=16 * MB, accepted_extensions=("png", "jpg")
    )
    assert change.values() == {
        "max_file_size": 8 * MB,
        "max_total_file_size": 16 * MB,
        "accepted_extensions": ["png", "jpg"],
    }


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("sms", {"max_file_size": "3MB"}, r"max_file_size 3145728 \(3 MB\) exceeds 'sms'"),
        ("web", {"max_total_file_size": "65MB"}, "max_total_file_size .* exceeds 'web'"),
        (
            "web",
            {"max_file_size": "8MB", "max_total_file_size": "4MB"},
            "must be at least max_file_size",
        ),
        ("web", {"number_of_attachments": 2}, "number_of_attachments 2 exceeds 'web'"),
        ("email", {"number_of_attachments": 11}, "limit of 10"),
        ("email", {"number_of_attachments": 0}, "at least 1"),
        ("email", {"number_of_attachments": True}, "must be an int"),
        ("web", {"enabled": "yes"}, "True or False"),
        ("sms", {"accepted_extensions": ["gif"]}, "not accepted on 'sms'"),
        ("web", {}, "Nothing to change"),
        ("web", {"enabled": None}, "Nothing to change"),
        ("web", {"max_files": 3}, "Unknown attachment settings"),
        ("fax", {"enabled": True}, "Unknown address_type 'fax'"),
        ("web", ["enabled"], "must be a mapping"),
    ],
)
def test_check_change_rejects(kind: str, change: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_change(kind, change)


def test_unknown_channel_opt_in_keeps_generic_checks() -> None:
    kind, change = check_change(
        "rcs", {"max_file_size": "1GB", "number_of_attachments": 50}, allow_unknown_channel=True
    )
    assert kind == "rcs"
    assert change.max_file_size == 1024**3
    with pytest.raises(ValidationError, match="at least max_file_size"):
        check_change(
            "rcs", {"max_file_size": 10, "max_total_file_size": 5}, allow_unknown_channel=True
        )


def test_check_changes() -> None:
    out = check_changes({"web": {"enabled": False}, "SMS": AttachmentChange(enabled=True)})
    assert list(out) == ["web", "sms"]
    with pytest.raises(ValidationError, match="more than once"):
        check_changes({"sms": {"enabled": False}, "SMS": {"enabled": True}})
    with pytest.raises(ValidationError, match="non-empty mapping"):
        check_changes({})


def test_check_merged_against_current_settings() -> None:
    configs = [entry("web", max_file_size=16 * MB)]
    changes = check_changes({"web": {"max_total_file_size": "8MB"}})
    with pytest.raises(ValidationError, match="total is at least the single-file size"):
        check_merged(apply_changes(configs, changes), changes)
    ok = check_changes({"web": {"max_total_file_size": "16MB"}})
    check_merged(apply_changes(configs, ok), ok)


# ------------------------------------------------------------------------------ merging

START: list[Any] = [
    entry("web"),
    {"address_type": "sms", "future": {"x": [1, 2]}, "cbm_attachments": {"enabled": True}},
    {
        "address_type": "whatsapp",
        "cbm_attachments": {**default_settings("whatsapp"), "new_twilio_key": "kept"},
    },
    "not-an-entry",
    {"no_address_type": True},
]


def test_apply_changes_is_lossless() -> None:
    start = copy.deepcopy(START)
    after = apply_changes(start, check_changes({"web": {"enabled": False}}))
    assert start == START  # input untouched
    assert after[0]["cbm_attachments"] == {**default_settings("web"), "enabled": False}
    assert after[1:] == START[1:]
    assert [e.get("address_type") if isinstance(e, dict) else e for e in after] == [
        "web",
        "sms",
        "whatsapp",
        "not-an-entry",
        None,
    ]


def test_apply_changes_keeps_unknown_keys_inside_the_entry() -> None:
    after = apply_changes(START, check_changes({"whatsapp": {"accepted_extensions": ["oga"]}}))
    assert after[2]["cbm_attachments"]["new_twilio_key"] == "kept"
    assert after[2]["cbm_attachments"]["accepted_extensions"] == ["oga"]
    after = apply_changes(START, check_changes({"sms": {"max_file_size": "1MB"}}))
    assert after[1] == {
        "address_type": "sms",
        "future": {"x": [1, 2]},
        "cbm_attachments": {"enabled": True, "max_file_size": MB},
    }


def test_apply_changes_builds_missing_entries_from_defaults() -> None:
    after = apply_changes([entry("web")], check_changes({"email": {"number_of_attachments": 5}}))
    assert after[1] == {
        "address_type": "email",
        "cbm_attachments": {**default_settings("email"), "number_of_attachments": 5},
    }
    after = apply_changes(
        [{"address_type": "gbm", "other": 1}], check_changes({"gbm": {"enabled": False}})
    )
    assert after == [
        {
            "address_type": "gbm",
            "other": 1,
            "cbm_attachments": entry("gbm", enabled=False)["cbm_attachments"],
        }
    ]
    assert apply_changes(
        None, check_changes({"rcs": {"enabled": True}}, allow_unknown_channel=True)
    ) == [{"address_type": "rcs", "cbm_attachments": {"enabled": True}}]


def test_change_holds() -> None:
    changes = check_changes({"web": {"enabled": False}})
    assert not change_holds(START, changes)
    assert change_holds(apply_changes(START, changes), changes)


# ------------------------------------------------------------------------------ diffs


def test_diff_text_and_structure() -> None:
    after = apply_changes(
        START, check_changes({"web": {"enabled": False}, "email": {"enabled": True}})
    )
    diff = diff_channel_configs(START, after)
    assert [str(c) for c in diff.changes] == [
        "web: cbm_attachments.enabled: True -> False",
        f"email: (entry): None -> {after[-1]!r}",
    ]
    assert diff.changes[0].path == ("cbm_attachments", "enabled")
    assert "--- channel_configs[address_type=web] (before)" in diff.text
    assert "+++ channel_configs[address_type=web] (after)" in diff.text
    assert '-    "enabled": true,' in diff.text
    assert '+    "enabled": false,' in diff.text
    assert "+++ channel_configs[address_type=email] (after)" in diff.text
    assert set(diff.entries) == {"web", "email"}
    assert diff.entries["email"][0] is None
    assert not diff_channel_configs(START, START)
    assert str(diff_channel_configs(START, START)) == "(no change)"


def test_compare_after_write() -> None:
    assert compare_after_write(START, copy.deepcopy(START)) == []
    moved = apply_changes(START, check_changes({"sms": {"enabled": False}}))
    assert compare_after_write(START, moved) == ["sms: cbm_attachments.enabled: True -> False"]
    assert compare_after_write(START[:2], START[1::-1]) == [
        "the order of channel_configs entries changed"
    ]


def test_conflict_error_is_a_conflict_error() -> None:
    err = AttachmentConflictError("kept changing", differences=["sms: x: 1 -> 2"])
    assert isinstance(err, ConflictError)
    assert isinstance(err, FlexConvError)
    assert str(err) == "kept changing\n  sms: x: 1 -> 2"


# ------------------------------------------------------------------------------ property

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
unknown_keys = st.dictionaries(
    st.text(min_size=1, max_size=8).filter(lambda k: k not in FIELDS and k != "address_type"),
    json_value,
    max_size=3,
)
other_types = st.text(min_size=1, max_size=8).filter(lambda t: t.lower() not in LIMITS)


@st.composite
def settings_for(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    limits = LIMITS.get(kind)
    out: dict[str, Any] = draw(unknown_keys)
    if limits is not None:
        for name, value in default_settings(kind).items():
            if draw(st.booleans()):
                out[name] = value
    return out


@st.composite
def channel_entry(draw: st.DrawFn, kind: str) -> Any:
    out: dict[str, Any] = {"address_type": kind, **draw(unknown_keys)}
    if draw(st.integers(0, 4)):
        out["cbm_attachments"] = draw(settings_for(kind))
    return out


@st.composite
def channel_configs(draw: st.DrawFn) -> list[Any]:
    kinds = draw(
        st.lists(
            st.one_of(st.sampled_from(KNOWN_ADDRESS_TYPES), other_types), unique=True, max_size=8
        )
    )
    entries: list[Any] = [draw(channel_entry(kind)) for kind in kinds]
    entries.extend(draw(st.lists(json_leaf, max_size=2)))  # malformed entries are kept too
    return draw(st.permutations(entries))


@st.composite
def valid_change(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind = draw(st.sampled_from(KNOWN_ADDRESS_TYPES))
    limits = LIMITS[kind]
    single = draw(st.integers(1, limits.max_file_size))
    exts = draw(
        st.lists(st.sampled_from(limits.accepted_extensions), min_size=1, unique=True).map(
            lambda xs: [x.upper() if len(x) % 2 else "." + x for x in xs]
        )
    )
    values = {
        "enabled": draw(st.none() | st.booleans()),
        "number_of_attachments": draw(st.none() | st.integers(1, limits.max_attachments)),
        "max_file_size": draw(st.none() | st.just(single)),
        "max_total_file_size": draw(
            st.none() | st.integers(single, max(single, limits.max_total_file_size))
        ),
        "accepted_extensions": draw(st.none() | st.just(exts)),
    }
    if all(v is None for v in values.values()):
        values["enabled"] = draw(st.booleans())
    return kind, values


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(start=channel_configs(), request=valid_change())
def test_result_is_start_with_exactly_that_change(
    start: list[Any], request: tuple[str, dict[str, Any]]
) -> None:
    kind, values = request
    checked = check_changes({kind: values})
    wanted = checked[kind].values()
    snapshot = copy.deepcopy(start)

    after = apply_changes(start, checked)

    assert start == snapshot
    assert isinstance(after, list)
    targets = [i for i, e in enumerate(start) if isinstance(e, dict) and e["address_type"] == kind]
    if not targets:
        assert after[:-1] == start
        assert after[-1] == {
            "address_type": kind,
            "cbm_attachments": {**default_settings(kind), **wanted},
        }
        return
    assert len(after) == len(start)
    for index, (old, new) in enumerate(zip(start, after, strict=True)):
        if index not in targets:
            assert new == old
            continue
        assert {k: v for k, v in new.items() if k != "cbm_attachments"} == {
            k: v for k, v in old.items() if k != "cbm_attachments"
        }
        base = old.get("cbm_attachments", default_settings(kind))
        assert new["cbm_attachments"] == {**base, **wanted}
        assert list(new["cbm_attachments"])[: len(base)] == list(base)  # key order kept
    assert change_holds(after, checked)
    assert apply_changes(after, checked) == after  # idempotent
    diff = diff_channel_configs(start, after)
    assert {c.address_type for c in diff.changes} <= {kind}


@st.composite
def valid_changes(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    requests = draw(st.lists(valid_change(), min_size=1, max_size=4, unique_by=lambda r: r[0]))
    return dict(requests)


def expected_after(start: list[Any], changes: dict[str, dict[str, Any]]) -> list[Any]:
    """An independent oracle: the start with each named setting replaced, nothing else."""
    checked = check_changes(changes)
    out: list[Any] = []
    present = set()
    for old in start:
        kind = old.get("address_type") if isinstance(old, dict) else None
        if kind not in checked:
            out.append(old)
            continue
        present.add(kind)
        base = old.get("cbm_attachments", default_settings(kind))
        out.append({**old, "cbm_attachments": {**base, **checked[kind].values()}})
    for kind, change in checked.items():
        if kind not in present:
            settings = {**default_settings(kind), **change.values()}
            out.append({"address_type": kind, "cbm_attachments": settings})
    return out


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(start=channel_configs(), changes=valid_changes())
def test_several_channels_at_once_change_exactly_those(
    start: list[Any], changes: dict[str, dict[str, Any]]
) -> None:
    after = apply_changes(start, check_changes(changes))
    assert after == expected_after(start, changes)
    changed = {c.address_type for c in diff_channel_configs(start, after).changes}
    assert changed <= set(changes)
