"""TaskRouter expression syntax: parsing, evaluation and errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexconv.emulator.expressions import Expression, ExpressionError, evaluate, parse

TASK = {
    "language": "es",
    "priority": 5,
    "vip": True,
    "type": "support",
    "customer": {"tier": "gold", "name": "Ana Lopez"},
    "tags": ["billing", "urgent"],
    "agent_sid": "WK00000000000000000000000000000001",
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1==1", True),
        ("1 == 2", False),
        ("language == 'es'", True),
        ('language == "es"', True),
        ("language = 'es'", True),
        ("language != 'es'", False),
        ("language != 'en'", True),
        ("priority > 4", True),
        ("priority >= 5", True),
        ("priority < 5", False),
        ("priority <= 5", True),
        ("priority > 4.5", True),
        ("vip == true", True),
        ("vip == false", False),
        ("vip", True),
        ("customer.tier == 'gold'", True),
        ("customer.tier IN ['gold', 'platinum']", True),
        ("customer.tier in ('silver', 'bronze')", False),
        ("customer.tier NOT IN ['silver']", True),
        ("tags HAS 'urgent'", True),
        ("tags has 'sales'", False),
        ("tags IN ['urgent']", True),
        ("customer.name CONTAINS 'Lopez'", True),
        ("customer.name contains 'Smith'", False),
        ("tags CONTAINS 'billing'", True),
        ("language == 'es' AND priority > 1", True),
        ("language == 'en' OR priority > 1", True),
        ("language == 'en' || priority > 10", False),
        ("language == 'es' && vip == true", True),
        ("NOT language == 'en'", True),
        ("NOT (language == 'es' AND vip == true)", False),
        ("(language == 'en' OR language == 'es') AND type == 'support'", True),
        ("language == 'en' OR language == 'es' AND type == 'sales'", False),
        ("priority == '5'", True),
        ("priority > '4'", True),
        ("'es' == language", True),
        ("language IN []", False),
        ("TRUE", True),
        ("false", False),
        ("null", False),
    ],
)
def test_evaluates_against_bare_attributes(source: str, expected: bool) -> None:
    assert parse(source).evaluate(TASK) is expected


@pytest.mark.parametrize(
    "source",
    [
        "missing == 'x'",
        "missing != 'x'",
        "missing > 1",
        "missing IN ['a']",
        "missing NOT IN ['a']",
        "missing HAS 'a'",
        "missing CONTAINS 'a'",
        "customer.missing.deeper == 1",
        "language.sub == 'es'",
        "missing",
    ],
)
def test_missing_keys_are_false_not_errors(source: str) -> None:
    assert parse(source).evaluate(TASK) is False


def test_not_of_a_missing_key_comparison_is_true() -> None:
    assert evaluate("NOT missing == 'x'", TASK) is True


def test_type_mismatches_are_false() -> None:
    assert evaluate("customer > 1", TASK) is False
    assert evaluate("language HAS 'e'", TASK) is False
    assert evaluate("vip == 1", TASK) is False
    assert evaluate("priority CONTAINS 5", TASK) is False


def test_target_expressions_see_task_and_worker_prefixes() -> None:
    worker = {"languages": ["en", "es"], "skills": ["support"], "level": 3, "language": "es"}
    assert evaluate("worker.languages HAS task.language", worker, task=TASK, worker=worker)
    assert evaluate("task.language IN worker.languages", worker, task=TASK, worker=worker)
    assert evaluate("worker.language == task.language", worker, task=TASK, worker=worker)
    assert evaluate("worker.level >= 3 AND task.vip == true", worker, task=TASK, worker=worker)
    assert not evaluate(
        "worker.skills HAS task.type", worker, task={"type": "sales"}, worker=worker
    )
    # Bare keys in a target expression are the worker's.
    assert evaluate("skills HAS 'support'", worker, task=TASK, worker=worker)


def test_queue_target_workers_see_bare_worker_attributes() -> None:
    worker = {"skills": ["sales", "support"], "routing": {"skills": ["billing"]}}
    assert evaluate("skills HAS 'sales'", worker)
    assert evaluate("routing.skills HAS 'billing'", worker)
    assert not evaluate("skills HAS 'billing'", worker)


def test_prefix_without_a_mapping_falls_back_to_attributes() -> None:
    attrs = {"task": {"x": 1}}
    assert evaluate("task.x == 1", attrs)


def test_expressions_are_cached_and_reusable() -> None:
    expr = parse("language == 'es'")
    assert isinstance(expr, Expression)
    assert parse("language == 'es'") is expr
    assert expr.evaluate({"language": "es"})
    assert not expr.evaluate({"language": "en"})
    assert expr.source == "language == 'es'"
    assert "language" in repr(expr)


def test_string_escapes() -> None:
    assert evaluate(r"name == 'O\'Brien'", {"name": "O'Brien"})
    assert evaluate(r'name == "say \"hi\""', {"name": 'say "hi"'})


def test_negative_numbers() -> None:
    assert evaluate("balance < -1", {"balance": -5})
    assert evaluate("balance > -10.5", {"balance": -5})


@pytest.mark.parametrize(
    ("source", "position", "fragment"),
    [
        ("", 0, "Empty expression"),
        ("language ==", 11, "Unexpected end"),
        ("language == 'es", 12, "Unterminated string"),
        ("first-name == 'x'", 5, "Hyphens"),
        ("(language == 'es'", 17, "Expected ')'"),
        ("language == 'es' vip", 17, "Unexpected 'vip'"),
        ("tags HAS ['a', 'b'", 18, "Expected ',' or ']'"),
        ("language == @", 12, "Unexpected character '@'"),
        ("language == 'es' AND", 20, "Unexpected end"),
        ("== 1", 0, "Unexpected '=='"),
        ("1abc == 1", 0, "Unexpected character"),
    ],
)
def test_malformed_expressions_report_the_position(
    source: str, position: int, fragment: str
) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    err = info.value
    assert err.position == position
    assert fragment in str(err)
    assert f"position {position}" in str(err)
    assert err.source == source
    assert isinstance(err, ValueError)


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse(42)  # type: ignore[arg-type]


_keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda k: k not in {"and", "or", "not", "in", "has", "contains", "true", "false", "null"}
)
_scalars = st.one_of(
    st.integers(-1000, 1000), st.text(alphabet="abcxyz ", max_size=6), st.booleans()
)


@given(key=_keys, value=_scalars)
def test_equality_with_own_value_holds(key: str, value: Any) -> None:
    literal = (
        ("true" if value else "false")
        if isinstance(value, bool)
        else repr(value)
        if isinstance(value, str)
        else str(value)
    )
    attrs = {key: value}
    assert evaluate(f"{key} == {literal}", attrs)
    assert not evaluate(f"{key} != {literal}", attrs)
    assert evaluate(f"{key} IN [{literal}]", attrs)
    assert not evaluate(f"{key} NOT IN [{literal}]", attrs)
    assert not evaluate(f"other_{key} == {literal}", attrs)


@given(a=st.integers(-50, 50), b=st.integers(-50, 50))
def test_numeric_comparisons_agree_with_python(a: int, b: int) -> None:
    attrs = {"a": a, "b": b}
    assert evaluate("a > b", attrs) is (a > b)
    assert evaluate("a >= b", attrs) is (a >= b)
    assert evaluate("a < b", attrs) is (a < b)
    assert evaluate("a <= b", attrs) is (a <= b)
    assert evaluate("NOT a == b", attrs) is (a != b)
