"""Generated structuring code for response models.

Two ways to build a model from decoded JSON:

- **eager** (`Model.from_dict`, the converter's hook): every field is read and checked now;
- **lazy** (what the clients use for responses): the instance keeps the decoded object and each
  field is read, checked and stored the first time it is accessed.  A 49-field Flex
  Configuration of which the caller reads two fields then costs two field reads, not 49; a page
  of fifty tasks of which a loop reads three fields each costs 150, not 1,250.

Both run the same generated per-field code, so a field reads the same either way.  What differs
is *when* a malformed field is reported: eagerly at the call, lazily when it is first read (as
an `APIStatusError` naming the field and the response, see `field_error()`).  Fields the
response must contain are checked at the call in both modes.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import cattrs

if TYPE_CHECKING:
    from flexconv.models._base import Model

#: Model fields that are not response keys: unknown keys, and the exchange the model came from.
SPECIAL = ("extra", "_response")
SCALARS = (str, int, float, bool)
#: The slot holding the decoded response of a lazily built model.
RAW_SLOT = "_lazy_raw"
#: The slot counting how many more fields are read one by one before the rest are read at once.
LEFT_SLOT = "_lazy_left"
#: Fields read one by one before the rest of the model is read in one go: a caller that wants
#: one or two fields pays for those only, one that walks the model pays about an eager build.
READS_ONE_BY_ONE = 4

Hook = Callable[[Any, Any], Any]


def optional_inner(tp: Any) -> Any:
    """``X`` for ``X | None`` (``Optional[X]``), else ``None``."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = typing.get_args(tp)
    if len(args) != 2 or type(None) not in args:
        return None
    return args[0] if args[1] is type(None) else args[1]


def json_container(tp: Any) -> type | None:
    """``dict`` or ``list`` for the JSON shapes models pass through as decoded."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is dict and args == (str, Any):
        return dict
    if origin is list and args in ((Any,), (dict[str, Any],)):
        return list
    return None


def fast_optional(conv: cattrs.Converter, tp: Any) -> Hook:
    """A direct hook for ``X | None``: the main cost of structuring was cattrs' generic
    Optional dispatch, paid on nearly every field.

    The response is freshly decoded JSON, so scalars and JSON containers of the right type are
    kept as they are; scalars of another type are converted as cattrs would; a container of the
    wrong kind is an error; any other ``X`` goes straight to its own hook.
    """
    inner = optional_inner(tp)
    container = json_container(inner)
    if inner not in SCALARS and container is None:
        hook = conv.get_structure_hook(inner)

        def other(value: Any, _: Any) -> Any:
            return None if value is None else hook(value, inner)

        return other
    if container is not None:

        def keep(value: Any, _: Any) -> Any:
            if value is None or isinstance(value, container):
                return value
            raise ValueError(f"expected a JSON {container.__name__}, got {type(value).__name__}")

        return keep

    def scalar(value: Any, _: Any) -> Any:
        if value is None or type(value) is inner:
            return value
        return inner(value)

    return scalar


class LazyFields:
    """Base of [`Model`][flexconv.models._base.Model]: the slot a lazily built model keeps its
    decoded response in, and the hook that reads a field from it on first access."""

    __slots__ = (RAW_SLOT, LEFT_SLOT)

    if not TYPE_CHECKING:  # type checkers must still see a misspelt field as an error

        def __getattr__(self, name: str) -> Any:
            return _materialize(self, name)


_raw_of = LazyFields._lazy_raw.__get__  # type: ignore[attr-defined]
_set_raw = LazyFields._lazy_raw.__set__  # type: ignore[attr-defined]
_left_of = LazyFields._lazy_left.__get__  # type: ignore[attr-defined]
_set_left = LazyFields._lazy_left.__set__  # type: ignore[attr-defined]


def slot_setters(cls: type[Model]) -> dict[str, Callable[[Any, Any], None]] | None:
    """Each field's slot setter, when instances can be filled slot by slot exactly as attrs'
    `__init__` would fill them (a slotted class without validators, converters, init hooks or
    hidden slots); `None` otherwise."""
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        return None
    fields = attrs.fields(cls)
    names = {f.name for f in fields} | {"__weakref__", RAW_SLOT, LEFT_SLOT}
    for klass in cls.__mro__[:-1]:  # every class but object: slotted, with field slots only
        slots = klass.__dict__.get("__slots__")
        if slots is None:
            return None
        own = {slots} if isinstance(slots, str) else set(slots)
        if not own <= names:
            return None
    setters: dict[str, Callable[[Any, Any], None]] = {}
    for f in fields:
        if f.validator is not None or f.converter is not None:
            return None
        if isinstance(f.default, attrs.Factory) and f.default.takes_self:  # type: ignore[arg-type]
            return None
        descriptor = getattr(cls, f.name, None)
        if not isinstance(descriptor, types.MemberDescriptorType):
            return None
        setters[f.name] = descriptor.__set__
    return setters


def _response_fields(cls: type[Model]) -> list[tuple[int, attrs.Attribute[Any]]]:
    return [(i, f) for i, f in enumerate(attrs.fields(cls)) if f.name not in SPECIAL]


def _wire(f: attrs.Attribute[Any]) -> str:
    return str(f.metadata.get("wire", f.name))


def _missing(cls: type[Model], wire_name: str) -> str:
    message = f"{cls.__name__} needs {wire_name!r}, which the response lacks"
    return f"raise ValueError({message!r})"


def _field_lines(
    conv: cattrs.Converter, cls: type[Model], i: int, f: attrs.Attribute[Any], names: dict[str, Any]
) -> list[str]:
    """Code (unindented) that sets ``v`` to field ``f``'s value read from the object ``o``.

    ``Any`` fields are taken as decoded; optional scalars and JSON containers are type-checked
    inline (no call per field); every other type goes to the converter's own hook.
    """
    wire_name = _wire(f)
    inner = optional_inner(f.type)
    target = inner if inner is not None else f.type
    checks: list[str] = []
    if target is Any:
        pass
    elif inner is not None and inner in SCALARS:
        names[f"t{i}"] = inner
        checks.append(f"if v is not None and type(v) is not t{i}: v = t{i}(v)")
    elif inner is not None and json_container(inner) is not None:
        names[f"t{i}"] = json_container(inner)
        checks += [
            f"if v is not None and not isinstance(v, t{i}):",
            f"    raise ValueError('{f.name}: expected a JSON ' + t{i}.__name__)",
        ]
    else:
        names[f"h{i}"], names[f"t{i}"] = conv.get_structure_hook(target), target
        call = f"v = h{i}(v, t{i})"
        checks.append(f"if v is not None: {call}" if inner is not None else call)
    if f.default is None and (inner is not None or target is Any):
        # absent and null are the same here: both leave the default None
        return [f"v = o.get({wire_name!r})", *checks]
    lines = [f"if {wire_name!r} in o:", f"    v = o[{wire_name!r}]"]
    lines += [f"    {c}" for c in checks]
    lines.append("else:")
    if f.default is attrs.NOTHING:
        lines.append(f"    {_missing(cls, wire_name)}")
    elif isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
        factory: Any = f.default
        names[f"d{i}"] = factory.factory
        lines.append(f"    v = d{i}()")
    else:
        names[f"d{i}"] = f.default
        lines.append(f"    v = d{i}")
    return lines


_OBJECT_CHECK = [
    "    if type(o) is not dict and not isinstance(o, Mapping):",
    "        raise ValueError(f'{cls.__name__} expects a JSON object, got {type(o).__name__}')",
]


def _compile(lines: list[str], names: dict[str, Any], what: str, cls: type) -> None:
    code = compile("\n".join(lines), f"<flexconv {what} {cls.__qualname__}>", "exec")
    exec(code, names)


def _indented(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


def eager_structure_fn(conv: cattrs.Converter, cls: type[Model], *, strict: bool) -> Hook:
    """Generate the eager structuring function of one model class.

    Straight-line code, one block per field (see `_field_lines`).  Keys the model does not know
    are kept in ``extra`` (refused when ``strict``).

    For a plain slotted model (all of flexconv's) the instance is filled slot by slot, as attrs'
    own `__init__` does, without first gathering keyword arguments: calling a fifty-parameter
    `__init__` with `**kwargs` cost as much as reading every field.
    """
    attrs.resolve_types(cls)
    setters = slot_setters(cls)
    names: dict[str, Any] = {"cls": cls, "Mapping": Mapping, "new": object.__new__}
    lines = ["def structure(o, _):", *_OBJECT_CHECK]
    lines.append("    inst = new(cls)" if setters is not None else "    kw = {}")
    fields = _response_fields(cls)
    names["known"] = frozenset(_wire(f) for _, f in fields)
    for i, f in fields:
        lines += _indented(_field_lines(conv, cls, i, f, names))
        if setters is None:
            lines.append(f"    kw[{f.alias!r}] = v")
        else:
            names[f"s{i}"] = setters[f.name]
            lines.append(f"    s{i}(inst, v)")
    if setters is not None:
        for special in SPECIAL[1:]:  # fields outside the response: their defaults
            default = attrs.fields_dict(cls)[special].default
            names[f"s_{special}"], names[f"d_{special}"] = setters[special], default
            lines.append(f"    s_{special}(inst, d_{special})")
        names["s_extra"] = setters["extra"]
        lines += ["    if o.keys() <= known:", "        s_extra(inst, {})", "        return inst"]
    else:
        lines += ["    inst = cls(**kw)", "    if o.keys() <= known:", "        return inst"]
    lines.append("    extra = {k: v for k, v in o.items() if k not in known}")
    if strict:
        lines.append("    raise ValueError(f'{cls.__name__} got unknown keys: {sorted(extra)}')")
    elif setters is not None:
        lines += ["    s_extra(inst, extra)", "    return inst"]
    else:
        lines += ["    object.__setattr__(inst, 'extra', extra)", "    return inst"]
    _compile(lines, names, "structure", cls)
    fn: Hook = names["structure"]
    return fn


# ------------------------------------------------------------------------------------ lazy

_LAZY_HOOKS: dict[type, Hook] = {}


def lazy_hook(cls: type[Model]) -> Hook:
    """The function the clients build models of ``cls`` from responses with (cached):
    ``hook(decoded_body, response_info)``.

    It checks that the response is an object holding the fields the model requires, and keeps
    it; the fields are read on first access.  A class that cannot be filled slot by slot is
    built eagerly instead.
    """
    hook = _LAZY_HOOKS.get(cls)
    if hook is not None:
        return hook
    from flexconv.models._base import converter

    setters = slot_setters(cls)
    if setters is None:
        eager = converter().get_structure_hook(cls)

        def hook(o: Any, info: Any) -> Any:
            inst = eager(o, cls)
            object.__setattr__(inst, "_response", info)
            return inst

    else:
        attrs.resolve_types(cls)
        names: dict[str, Any] = {
            "cls": cls,
            "Mapping": Mapping,
            "new": object.__new__,
            "set_raw": _set_raw,
            "set_left": _set_left,
            "left": READS_ONE_BY_ONE,
            "set_response": setters["_response"],
        }
        lines = ["def structure(o, info):", *_OBJECT_CHECK]
        for _, f in _response_fields(cls):
            if f.default is attrs.NOTHING:
                lines += [f"    if {_wire(f)!r} not in o:", f"        {_missing(cls, _wire(f))}"]
        lines += ["    inst = new(cls)", "    set_raw(inst, o)", "    set_left(inst, left)"]
        lines += ["    set_response(inst, info)", "    return inst"]
        _compile(lines, names, "lazy structure", cls)
        hook = names["structure"]
    _LAZY_HOOKS[cls] = hook
    return hook


class _Readers:
    """The generated readers of one lazily built class."""

    __slots__ = ("fill", "one")

    def __init__(
        self,
        one: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], None]]],
        fill: Callable[[Any, Any], int],
    ) -> None:
        #: field name -> (read its value from the response, store it in its slot)
        self.one = one
        #: fill(inst, o): store every field that reads without error; returns how many failed
        self.fill = fill


_READERS: dict[type, _Readers] = {}


def _readers(cls: type[Model]) -> _Readers:
    """One generated reader per field of ``cls``, and one that reads them all."""
    from flexconv.models._base import converter

    setters = slot_setters(cls)
    if setters is None:  # never built lazily (see lazy_hook): nothing to read later
        return _Readers({}, lambda inst, o: 0)
    conv = converter()
    fields = _response_fields(cls)
    names: dict[str, Any] = {"cls": cls, "known": frozenset(_wire(f) for _, f in fields)}
    lines: list[str] = []
    fill = ["def fill(inst, o):", "    failed = 0"]
    for i, f in fields:
        body = _field_lines(conv, cls, i, f, names)
        lines += [f"def r{i}(o):", *_indented(body), "    return v"]
        names[f"s{i}"] = setters[f.name]
        fill += ["    try:", *_indented(_indented(body)), f"        s{i}(inst, v)"]
        fill += ["    except Exception:", "        failed += 1"]
    lines += [
        "def r_extra(o):",
        "    if o.keys() <= known:",
        "        return {}",
        "    return {k: v for k, v in o.items() if k not in known}",
    ]
    names["s_extra"] = setters["extra"]
    fill += ["    s_extra(inst, r_extra(o))", "    return failed"]
    _compile(lines + fill, names, "readers", cls)
    one = {f.name: (names[f"r{i}"], setters[f.name]) for i, f in fields}
    one["extra"] = (names["r_extra"], setters["extra"])
    return _Readers(one, names["fill"])


def _materialize(obj: Any, name: str) -> Any:
    """``obj.name`` for a field not read yet: read it from the kept response and store it.

    The first `READS_ONE_BY_ONE` fields read are read alone; the next read reads every field
    (those that fail stay unread, to fail when they are read), and drops the response.
    """
    cls = type(obj)
    readers = _READERS.get(cls)
    if readers is None:
        readers = _READERS[cls] = _readers(cls)
    entry = readers.one.get(name)
    if entry is not None:
        try:
            raw = _raw_of(obj, cls)
        except AttributeError:  # built eagerly: every field is set already
            raw = None
        if raw is not None:
            left = _left_of(obj, cls)
            if left > 0:
                _set_left(obj, left - 1)
            elif readers.fill(obj, raw) == 0:
                _set_raw(obj, None)
                return getattr(obj, name)
            else:  # some fields cannot be read: each fails when read, one by one
                _set_left(obj, len(readers.one))
            read, store = entry
            try:
                value = read(raw)
            except Exception as exc:
                raise field_error(obj, name, raw, exc) from exc
            store(obj, value)
            return value
    raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}", name=name, obj=obj)


def field_error(obj: Any, name: str, raw: Any, exc: Exception) -> Exception:
    """The error for a field of a lazily built model that cannot be read: an `APIStatusError`
    naming the field and the response it came from (a `ValueError` without a response)."""
    from flexconv._core.errors import APIStatusError

    info = getattr(obj, "_response", None)
    message = f"Could not read {type(obj).__name__}.{name} from Twilio's response: {exc}"
    if info is None:
        return ValueError(message)
    return APIStatusError(
        message,
        status=info.status_code,
        method=info.method,
        url=info.url,
        request_id=info.request_id,
        body=raw,
        headers=dict(info.headers),
    )
