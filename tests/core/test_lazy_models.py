"""Models built from responses read their fields on first access, and read them exactly as
`Model.from_dict` does: checked here for every response model flexconv defines."""

from __future__ import annotations

import copy
import enum
import importlib
import pickle
import pkgutil
import typing
from datetime import datetime
from typing import Any

import attrs
import pytest

import flexconv.models as models_pkg
from flexconv.models import Model
from flexconv.models._base import Attributes, converter, wire
from flexconv.models._codegen import READS_ONE_BY_ONE, SPECIAL, LazyFields, optional_inner

SAMPLE_DATE = "2024-05-06T07:08:09Z"


def _all_models() -> list[type[Model]]:
    """Every response model class defined in a ``flexconv.models`` module."""
    found: dict[str, type[Model]] = {}
    for info in pkgutil.iter_modules(models_pkg.__path__):
        module = importlib.import_module(f"flexconv.models.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Model)
                and value is not Model
                and value.__module__ == module.__name__
            ):
                found[value.__qualname__] = value
    return [found[name] for name in sorted(found)]


def _sample(tp: Any, depth: int = 0) -> Any:
    """A JSON value the field type accepts (nested models get their own sample)."""
    inner = optional_inner(tp)
    tp = inner if inner is not None else tp
    if tp is Any:
        return {"free": ["form", 1]}
    if tp is Attributes:
        return '{"autoAnswer": "true"}'
    if tp is datetime:
        return SAMPLE_DATE
    if tp in (str, int, float, bool):
        return {str: "text", int: 7, float: 1.5, bool: True}[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp)).value
    if isinstance(tp, type) and attrs.has(tp):
        return _body(tp, depth + 1) if depth < 3 else {}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list:
        return [_sample(args[0], depth)] if args else []
    if origin is dict:
        return {"key": _sample(args[1], depth)} if args else {}
    return None


def _body(cls: type[Model], depth: int = 0) -> dict[str, Any]:
    attrs.resolve_types(cls)
    body = {
        f.metadata.get("wire", f.name): _sample(f.type, depth)
        for f in attrs.fields(cls)
        if f.name not in SPECIAL
    }
    body["a_key_from_the_future"] = {"kept": True}
    return body


MODELS = _all_models()


def test_every_model_module_is_covered() -> None:
    modules = {m.__module__ for m in MODELS}
    assert len(MODELS) >= 25
    assert {"flexconv.models.configuration", "flexconv.models.routing"} <= modules


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__qualname__)
def test_lazy_reads_every_field_as_the_eager_path_does(cls: type[Model]) -> None:
    body = _body(cls)
    eager = cls.from_dict(body)
    for f in attrs.fields(cls):  # one fresh lazy model per field: each read on its own
        if f.name != "_response":
            assert getattr(cls._from_response(body), f.name) == getattr(eager, f.name), f.name
    lazy = cls._from_response(body)
    assert lazy == eager
    assert lazy.to_dict() == eager.to_dict()
    assert repr(lazy) == repr(eager)
    assert lazy.extra == {"a_key_from_the_future": {"kept": True}}
    assert pickle.loads(pickle.dumps(cls._from_response(body))) == eager
    assert copy.copy(cls._from_response(body)) == eager


def test_unread_fields_are_not_read() -> None:
    """Structuring a response reads nothing: a bad value is reported only when its field is."""
    cls = next(c for c in MODELS if c.__name__ == "FlexConfiguration")
    body = dict(_body(cls), date_created="not a date", status=12)
    lazy = cls._from_response(body)
    assert lazy.account_sid == "text"
    with pytest.raises(ValueError, match=r"FlexConfiguration\.date_created .*not a date"):
        lazy.date_created  # noqa: B018
    with pytest.raises(ValueError):
        cls.from_dict(body)


def _kept_response(model: Model) -> Any:
    return LazyFields._lazy_raw.__get__(model)  # type: ignore[attr-defined]


def test_after_a_few_reads_the_rest_is_read_at_once_and_bad_fields_still_fail_alone() -> None:
    cls = next(c for c in MODELS if c.__name__ == "FlexConfiguration")
    good = _body(cls)
    eager = cls.from_dict(good)
    names = [f.name for f in attrs.fields(cls) if f.name != "_response"]
    model = cls._from_response(good)
    for name in names[: READS_ONE_BY_ONE + 1]:
        assert getattr(model, name) == getattr(eager, name)
    assert _kept_response(model) is None  # everything read: the response is let go
    assert model == eager

    bad = dict(good, date_created="not a date")
    model = cls._from_response(bad)
    readable = [n for n in names if n != "date_created"]
    for name in readable:  # walking the model past the bad field's neighbours
        assert getattr(model, name) == getattr(eager, name)
    for _ in range(2):
        with pytest.raises(ValueError, match=r"FlexConfiguration\.date_created"):
            model.date_created  # noqa: B018
    assert _kept_response(model) is bad  # kept for the field that cannot be read


@attrs.define(frozen=True, kw_only=True, repr=False)
class Needy(Model):
    sid: str
    sender: str | None = attrs.field(default=None, metadata=wire("from"))
    tags: list[str] = attrs.field(factory=list)
    when: datetime | None = None


def test_required_fields_are_checked_at_once() -> None:
    with pytest.raises(ValueError, match="Needy needs 'sid', which the response lacks"):
        Needy._from_response({"from": "+15550001111"})
    needy = Needy._from_response({"sid": "X1", "from": "+15550001111"})
    assert (needy.sid, needy.sender, needy.tags) == ("X1", "+15550001111", [])
    with pytest.raises(ValueError, match="expects a JSON object"):
        Needy._from_response(["sid"])  # type: ignore[arg-type]


def test_a_misspelt_attribute_is_an_attribute_error_with_a_suggestion() -> None:
    needy = Needy._from_response({"sid": "X1"})
    with pytest.raises(AttributeError) as info:
        needy.sendr  # type: ignore[attr-defined]  # noqa: B018
    assert info.value.name == "sendr"
    assert info.value.obj is needy
    assert not hasattr(needy, "_ipython_canary_method_should_not_exist_")
    built = Needy(sid="X2")  # built by the user: every field set, nothing lazy
    with pytest.raises(AttributeError, match="'Needy' object has no attribute 'sendr'"):
        built.sendr  # type: ignore[attr-defined]  # noqa: B018


def test_lazy_models_stay_frozen() -> None:
    needy = Needy._from_response({"sid": "X1"})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        needy.sender = "+1"  # type: ignore[misc]
    assert needy.sender is None


def test_the_converter_hook_stays_eager() -> None:
    """cattrs users (and nested models) get every field checked at once."""
    with pytest.raises(ValueError):
        converter().structure({"sid": "X1", "when": "not a date"}, Needy)


def test_every_models_module_is_imported() -> None:
    assert models_pkg.FlexConfiguration in MODELS
