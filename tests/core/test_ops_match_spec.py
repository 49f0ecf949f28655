"""Every operation flexconv declares exists in Twilio's spec, with parameters the spec names.

A parameter the spec types as an array must be declared ``multi`` (sent as a repeated key) and one
the spec types as a single value must not be: a mismatch either refuses a valid call or sends a
malformed one, and nothing else would notice until a user hit it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import flexconv._core.ops as ops_package
from flexconv._core.operation import Operation
from tests.spec_check import spec_operation_for_template

FORM = "application/x-www-form-urlencoded"


def declared_operations() -> list[Operation]:
    found: dict[str, Operation] = {}
    for info in pkgutil.iter_modules(ops_package.__path__, ops_package.__name__ + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Operation):
                found[f"{value.method} {value.product} {value.path}"] = value
    return [found[k] for k in sorted(found)]


OPERATIONS = declared_operations()


def _is_array(schema: dict[str, Any] | None) -> bool:
    return bool(schema) and schema.get("type") == "array"  # type: ignore[union-attr]


def test_operations_are_found() -> None:
    assert len(OPERATIONS) > 90


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.product}{op.path}")
def test_operation_and_parameters_match_the_spec(op: Operation) -> None:
    spec = spec_operation_for_template(op.product, op.method, op.path)
    assert spec is not None, f"{op.name}: {op.method} {op.path} is not in Twilio's spec"
    form = spec.request_bodies.get(FORM, {}).get("properties", {})
    problems = []
    for name, param in op.params.items():
        if param.location == "header" or (param.location == "auto" and param.wire.startswith("X-")):
            header = spec.header_params.get(param.wire.lower())
            if header is None:
                problems.append(f"{name}: header {param.wire} not in the spec")
            continue
        in_query = (
            op.method in ("GET", "DELETE")
            if param.location == "auto"
            else param.location == "query"
        )
        if in_query:
            query = spec.query_params.get(param.wire)
            schema = query.schema if query is not None else None
        else:
            schema = form.get(param.wire)
        if schema is None:
            problems.append(f"{name}: {param.wire} is not a parameter of this operation")
        elif _is_array(schema) != param.multi and not param.json:
            want = "repeated (multi=True)" if _is_array(schema) else "single-valued"
            problems.append(f"{name}: the spec makes {param.wire} {want}")
    assert problems == [], f"{op.name}: {problems}"
