"""The model base class, open string enums and the one cattrs converter."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any, ClassVar, NewType, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from flexconv._core.errors import _hide_userinfo
from flexconv.models._codegen import SPECIAL as _SPECIAL
from flexconv.models._codegen import LazyFields, eager_structure_fn, fast_optional, lazy_hook
from flexconv.models._codegen import optional_inner as _optional_inner

__all__ = [
    "Attributes",
    "Model",
    "OpenStrEnum",
    "converter",
    "make_converter",
    "response_of",
    "wire",
]

Attributes = NewType("Attributes", dict)  # type: ignore[type-arg]
"""A JSON object that Twilio sends as a JSON *string* (``attributes``); decoded to a dict."""

M = TypeVar("M", bound="Model")


class OpenStrEnum(str, Enum):
    """A string enum that also accepts values Twilio adds later.

    Unknown values become members on the fly, so ``State("paused")`` works and compares equal
    to ``"paused"`` rather than failing a whole response.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper().replace("-", "_")
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return repr(self.value)

    @property
    def known(self) -> bool:
        """Whether the value is one flexconv knows (not one added by Twilio later)."""
        member = type(self).__members__.get(self._name_)
        return member is not None and member.value == self._value_


@attrs.define(frozen=True, kw_only=True, repr=False)
class Model(LazyFields):
    """Base of every response model: frozen, keyword-only, typed.

    Keys Twilio sends that the model does not know are kept in ``extra`` and written back by
    [`to_dict()`][flexconv.models._base.Model.to_dict], so nothing is lost when a model round-trips.

    A model a client returns reads each field from the response the first time it is accessed
    (reading two fields of a 49-field configuration costs two field reads).  Fields the model
    requires are checked at the call; a field Twilio sent in a shape the model does not expect
    raises an [`APIStatusError`][flexconv.APIStatusError] naming the field when it is read.
    [`from_dict()`][flexconv.models._base.Model.from_dict] reads and checks every field at once.
    """

    extra: dict[str, Any] = attrs.field(factory=dict)
    """Response keys this version of flexconv does not model, kept verbatim (and sent back by
    `to_dict`)."""
    #: The HTTP exchange this model came from (see [`flexconv.response_of()`][flexconv.response_of]).
    _response: Any = attrs.field(default=None, init=False, eq=False, repr=False)

    #: Fields shown by ``repr``; the rest are summarised as a count.
    _repr_fields: ClassVar[tuple[str, ...]] = ("sid",)

    def to_dict(self) -> dict[str, Any]:
        """The wire representation (JSON-ready), unknown keys included."""
        out: dict[str, Any] = converter().unstructure(self)
        return out

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        """Build the model from a decoded JSON object, tolerating unknown keys."""
        hook = _HOOKS.get(cls)
        if hook is None:
            hook = _HOOKS[cls] = converter().get_structure_hook(cls)
        result: M = hook(data, cls)
        return result

    @classmethod
    def _from_response(cls: type[M], data: Mapping[str, Any], info: Any = None) -> M:
        """Build the model from a response body (`info`: the exchange it came from), reading
        each field on first access (see `flexconv.models._codegen`); what the clients use."""
        result: M = lazy_hook(cls)(data, info)
        return result

    def __repr__(self) -> str:
        shown = [
            f"{name}={getattr(self, name)!r}"
            for name in self._repr_fields
            if getattr(self, name, None) is not None
        ]
        total = sum(1 for f in attrs.fields(type(self)) if f.name not in _SPECIAL)
        hidden = total - len(shown)
        if hidden > 0:
            shown.append(f"…{hidden} more")
        return f"{type(self).__name__}({', '.join(shown)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython: every field that has a value, one per line."""
        if cycle:
            printer.text(repr(self))
            return
        with printer.group(2, f"{type(self).__name__}(", ")"):
            for f in attrs.fields(type(self)):
                if f.name == "_response":
                    continue
                value = getattr(self, f.name)
                if value is None or (value == {} and f.name == "extra"):
                    continue
                printer.breakable()
                printer.text(f"{f.name}=")
                printer.pretty(value)
                printer.text(",")

    def _repr_html_(self) -> str:
        """Jupyter: a small field/value table of the fields that have a value.

        Values are HTML-escaped and long ones truncated; keys that look like secrets (tokens,
        passwords…) and the password part of URLs are never shown.
        """
        return _model_table(self, depth=0)


#: Longest value shown in a model's HTML table; longer ones end with "…".
HTML_VALUE_LIMIT = 120
_SECRET_KEY = re.compile(r"token|secret|passw|authorization|credential|signature|apikey")


def _is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key.lower().replace("_", "").replace("-", "")))


def _hide_secrets(value: Any) -> Any:
    """A copy of JSON-like data with secret-looking keys masked and URL userinfo removed."""
    if isinstance(value, Mapping):
        return {
            k: "***" if isinstance(k, str) and _is_secret_key(k) else _hide_secrets(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_hide_secrets(v) for v in value]
    if isinstance(value, str):
        return _hide_userinfo(value)
    return value


def _cell_text(value: Any) -> str:
    if isinstance(value, Enum):
        text = str(value.value)
    elif isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, Mapping | list | tuple):
        text = json.dumps(_hide_secrets(value), ensure_ascii=False, default=str)
    elif isinstance(value, str):
        text = _hide_secrets(value)
    else:
        text = repr(value)
    if len(text) > HTML_VALUE_LIMIT:
        text = text[: HTML_VALUE_LIMIT - 1] + "…"
    return html.escape(text)


def _model_table(model: Model, *, depth: int) -> str:
    rows: list[str] = []
    # the model's own fields first, the unmodelled ``extra`` keys last
    fields = sorted(attrs.fields(type(model)), key=lambda f: f.name == "extra")
    for f in fields:
        if f.name == "_response":
            continue
        value = getattr(model, f.name)
        if value is None or (f.name == "extra" and not value):
            continue
        if _is_secret_key(f.name):
            cell = "<i>hidden</i>"
        elif isinstance(value, Model) and depth < 2:
            cell = _model_table(value, depth=depth + 1)
        else:
            cell = f"<code>{_cell_text(value)}</code>"
        rows.append(
            f'<tr><th style="text-align:left">{html.escape(f.name)}</th>'
            f'<td style="text-align:left">{cell}</td></tr>'
        )
    name = html.escape(type(model).__name__)
    body = "".join(rows) or '<tr><td colspan="2"><i>no fields set</i></td></tr>'
    return f'<table class="flexconv-model"><caption>{name}</caption>{body}</table>'


def items_table_html(items: list[Any], *, limit: int = 10) -> str:
    """An HTML table of the first ``limit`` items of a page or list (one row per item, the
    columns of the items' short ``repr``); items that are not models are shown escaped."""
    shown = items[:limit]
    models = [item for item in shown if isinstance(item, Model)]
    if len(models) != len(shown) or not shown:
        cells = "".join(f"<li><code>{_cell_text(item)}</code></li>" for item in shown)
        listing = f"<ul>{cells}</ul>" if shown else "<p><i>no items</i></p>"
    else:
        columns = list(type(models[0])._repr_fields)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        rows = "".join(
            "<tr>"
            + "".join(
                "<td>"
                + (
                    ""
                    if getattr(m, c, None) is None
                    else f"<code>{_cell_text(getattr(m, c))}</code>"
                )
                + "</td>"
                for c in columns
            )
            + "</tr>"
            for m in models
        )
        listing = f'<table class="flexconv-items"><tr>{head}</tr>{rows}</table>'
    more = f"<p>… {len(items) - limit} more</p>" if len(items) > limit else ""
    return listing + more


def parse_datetime(value: Any, _: Any = None) -> datetime:
    """ISO 8601 (v1/v2 APIs) or RFC 2822 (2010 API), always timezone-aware."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                dt = parsedate_to_datetime(text)
            except (TypeError, ValueError):
                raise ValueError(f"Unrecognised date {value!r}") from None
    else:
        raise ValueError(f"Expected a date string, got {type(value).__name__}")
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC; a non-UTC datetime is converted, not relabelled."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _structure_attributes(value: Any, _: Any) -> Any:
    if value is None or value == "":
        return {} if value == "" else None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError("attributes is not a JSON document") from None
    if isinstance(value, dict):
        return value
    raise ValueError(f"attributes must be a JSON string or object, got {type(value).__name__}")


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Model) and attrs.has(cls)


def _is_open_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, OpenStrEnum)


def make_converter(*, strict: bool = False) -> cattrs.Converter:
    """Build a converter.  ``strict=True`` refuses unknown keys (for tests that pin the models)."""
    # detailed_validation off: faster generated code; a failure is wrapped in an APIStatusError
    # naming the response anyway
    conv = cattrs.Converter(detailed_validation=False)
    conv.register_structure_hook(datetime, parse_datetime)
    conv.register_unstructure_hook(datetime, format_datetime)
    conv.register_structure_hook(Attributes, _structure_attributes)
    # a predicate, not a class: functools.singledispatch refuses typing.Any on Python 3.10
    conv.register_structure_hook_func(lambda tp: tp is Any, lambda v, _: v)
    conv.register_structure_hook_factory(
        lambda tp: _optional_inner(tp) is not None, lambda tp: fast_optional(conv, tp)
    )
    conv.register_structure_hook_factory(_is_open_enum, lambda cls: lambda v, _: cls(v))
    conv.register_unstructure_hook_factory(_is_open_enum, lambda cls: lambda v: v.value)

    def structure_factory(cls: type[Model]) -> Callable[[Any, Any], Model]:
        return eager_structure_fn(conv, cls, strict=strict)

    def unstructure_factory(cls: type[Model]) -> Callable[[Model], dict[str, Any]]:
        fields = [f for f in attrs.fields(cls) if f.name not in _SPECIAL]
        overrides: dict[str, Any] = {
            f.name: override(rename=f.metadata.get("wire", f.name)) for f in fields
        }
        overrides.update({n: override(omit=True) for n in _SPECIAL})
        fn = make_dict_unstructure_fn(cls, conv, **overrides)

        def hook(inst: Model) -> dict[str, Any]:
            out: dict[str, Any] = fn(inst)
            if inst.extra:
                out.update(inst.extra)
            return out

        return hook

    conv.register_structure_hook_factory(_is_model, structure_factory)
    conv.register_unstructure_hook_factory(_is_model, unstructure_factory)
    return conv


_CONVERTER: cattrs.Converter | None = None


#: The shared converter's structuring hook per model class, looked up once.
_HOOKS: dict[type, Callable[[Any, Any], Any]] = {}


def converter() -> cattrs.Converter:
    """The one shared converter (built on first use, so importing flexconv stays cheap)."""
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = make_converter()
    return _CONVERTER


def response_of(obj: object) -> Any:
    """The [`ResponseInfo`][flexconv.ResponseInfo] (status, headers, request id) behind a model or page."""
    return getattr(obj, "_response", None)


def attach_response(obj: Any, info: Any) -> None:
    """Record the exchange a model came from (frozen models: set once, internally)."""
    if isinstance(obj, Model):
        object.__setattr__(obj, "_response", info)


def wire(name: str) -> dict[str, str]:
    """Field metadata for a field whose wire name is not a Python name (``from``)."""
    return {"wire": name}
