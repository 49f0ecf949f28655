"""Check HTTP exchanges against Twilio's official OpenAPI 3.0 specs.

Every test that talks to the emulator or inspects what the client sends uses this module to make
sure both sides stay inside what Twilio documents.  The specs are read from
``$FLEXCONV_TWILIO_OAI`` or, when that is unset, from ``tests/data/twilio-oai`` (Twilio's files,
gzip-compressed, with their licence and source commit); they are loaded on first use and cached for
the session. A folder may hold each spec as ``NAME.json`` or ``NAME.json.gz``.

Public API (all values are plain Python values, so any transport can feed it)::

    check_request(method, url, headers=None, body=None) -> list[str]
    assert_request(method, url, headers=None, body=None) -> None
    check_response(method, url, status, headers=None, body=None, *,
                   allow_extra_fields=False, require_all_fields=False) -> list[str]
    assert_response(...same...) -> None
    operation_for(method, url) -> Operation          # raises UnknownOperation
    spec_operations(product) -> list[tuple[str, str]]  # every (METHOD, spec path)
    spec_operation_for_template(product, method, template) -> Operation | None
    SpecRecorder(...).record(...) / .wrap(handler) / .wrap_async(handler) / .assert_clean()

A URL reaches a product either through its Twilio host (``conversations.twilio.com``, also with
edge/region labels such as ``conversations.ashburn.us1.twilio.com``) or, for any other origin,
through a path prefix (``http://127.0.0.1:8080/conversations/v1/Conversations``).
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import json
import math
import os
import re
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeAlias, cast

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError

__all__ = [
    "PAGING_PARAMS",
    "PRODUCTS",
    "SPEC_DIR_ENV",
    "SPEC_FILES",
    "Operation",
    "SpecNotFoundError",
    "SpecRecorder",
    "UnknownOperation",
    "assert_request",
    "assert_response",
    "check_request",
    "check_response",
    "load_spec",
    "operation_for",
    "resolve_url",
    "spec_dir",
    "spec_operation_for_template",
    "spec_operations",
]

#: Environment variable naming the folder with Twilio's spec files.
SPEC_DIR_ENV = "FLEXCONV_TWILIO_OAI"

#: Product key (first label of the Twilio host, or the path prefix) -> spec file name.
SPEC_FILES: dict[str, str] = {
    "flex-api": "twilio_flex_v1.json",
    "conversations": "twilio_conversations_v1.json",
    "taskrouter": "twilio_taskrouter_v1.json",
    "studio": "twilio_studio_v2.json",
    "messaging": "twilio_messaging_v1.json",
    "api": "twilio_api_v2010.json",
}
PRODUCTS: tuple[str, ...] = tuple(SPEC_FILES)

#: Query parameters Twilio accepts on every list operation.
PAGING_PARAMS: tuple[str, ...] = ("PageSize", "Page", "PageToken")

#: Request headers that carry API semantics; sending one to an operation whose spec does not list
#: it is a problem.  Any other header (Authorization, User-Agent, ...) is not checked.
_API_HEADERS = frozenset({"x-twilio-webhook-enabled", "if-match", "flex-metadata"})

_HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
_VERSION_SEGMENT = re.compile(r"^(v\d+|\d{4}-\d{2}-\d{2})$")

Schema: TypeAlias = dict[str, Any]
HeadersLike: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]] | None
FormLike: TypeAlias = Mapping[str, Any]
BodyLike: TypeAlias = bytes | bytearray | str | FormLike | Sequence[Any] | None


class SpecNotFoundError(RuntimeError):
    """The folder with Twilio's spec files (or one of the files) is missing."""


class UnknownOperation(LookupError):
    """No operation in the specs matches a request's product, path and method."""


# --------------------------------------------------------------------------------------------
# Spec location and loading


def spec_dir() -> Path:
    """The folder holding Twilio's spec files (``$FLEXCONV_TWILIO_OAI`` or the in-repo copy)."""
    env = os.environ.get(SPEC_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parent / "data" / "twilio-oai"


_LOCK = threading.RLock()
_RAW_SPECS: dict[tuple[str, str], dict[str, Any]] = {}
_PRODUCT_SPECS: dict[tuple[str, str], _ProductSpec] = {}


def load_spec(product: str) -> dict[str, Any]:
    """The parsed spec document of ``product`` (cached; do not mutate it)."""
    if product not in SPEC_FILES:
        raise UnknownOperation(
            f"unknown product {product!r}; known products: {', '.join(PRODUCTS)}"
        )
    folder = spec_dir()
    key = (str(folder), product)
    with _LOCK:
        cached = _RAW_SPECS.get(key)
        if cached is not None:
            return cached
        if not folder.is_dir():
            raise SpecNotFoundError(
                f"Twilio OpenAPI spec folder not found: {folder} "
                f"(set ${SPEC_DIR_ENV} to the folder holding {SPEC_FILES[product]} and the others)"
            )
        file = folder / SPEC_FILES[product]
        packed = folder / f"{SPEC_FILES[product]}.gz"
        if file.is_file():
            raw = file.read_bytes()
        elif packed.is_file():
            raw = gzip.decompress(packed.read_bytes())
        else:
            raise SpecNotFoundError(
                f"spec file for {product!r} not found: {file} (or {packed.name})"
            )
        doc: dict[str, Any] = json.loads(raw)
        _RAW_SPECS[key] = doc
        return doc


def _product_spec(product: str) -> _ProductSpec:
    folder = str(spec_dir())
    key = (folder, product)
    with _LOCK:
        spec = _PRODUCT_SPECS.get(key)
        if spec is None:
            spec = _ProductSpec(product, load_spec(product))
            _PRODUCT_SPECS[key] = spec
        return spec


# --------------------------------------------------------------------------------------------
# Schema preparation: inline $refs, OAS 3.0 nullable enums, strict additional properties


def _pointer(doc: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    node: Any = doc
    for raw in ref[2:].split("/"):
        node = node[raw.replace("~1", "/").replace("~0", "~")]
    return node


_DROP_KEYS = frozenset({"description", "example", "examples", "title", "externalDocs"})


class _Inliner:
    """Copies schemas with every ``$ref`` replaced by the (shared, memoised) target.

    ``strict`` adds ``additionalProperties: false`` to object schemas that list properties;
    ``require_all`` marks every listed property as required.  Enums that are ``nullable`` also
    accept ``null`` (the OAS 3.0 intent; the validator would otherwise reject it), and with
    ``null_enum_refs`` (responses) so do properties that are a ``$ref`` to an enum.
    """

    def __init__(
        self,
        doc: Mapping[str, Any],
        *,
        strict: bool,
        require_all: bool,
        null_enum_refs: bool = False,
    ) -> None:
        self._doc = doc
        self._strict = strict
        self._require_all = require_all
        self._null_enum_refs = null_enum_refs
        self._memo: dict[str, Schema] = {}

    def inline(self, schema: Any, *, as_property: bool = False) -> Any:
        if isinstance(schema, list):
            return [self.inline(item) for item in schema]
        if not isinstance(schema, Mapping):
            return schema
        ref = schema.get("$ref")
        if isinstance(ref, str):
            done = self._memo.get(ref)
            if done is None:
                done = {}
                self._memo[ref] = done  # placeholder first: cycles end up as shared dicts
                done.update(self._copy(_pointer(self._doc, ref)))
            if (
                as_property
                and self._null_enum_refs
                and isinstance(done.get("enum"), list)
                and None not in done["enum"]
            ):
                # OAS 3.0 ignores siblings of $ref, so Twilio's specs cannot mark an enum-valued
                # field nullable; Twilio returns null there (its own examples do), so allow it.
                key = ref + "#nullable"
                nullable = self._memo.get(key)
                if nullable is None:
                    nullable = {**done, "nullable": True, "enum": [*done["enum"], None]}
                    self._memo[key] = nullable
                return nullable
            return done
        return self._copy(schema)

    def _copy(self, schema: Mapping[str, Any]) -> Schema:
        if "$ref" in schema:
            return dict(self.inline(schema))
        out: Schema = {}
        for key, value in schema.items():
            if key in _DROP_KEYS or key.startswith("x-"):
                continue
            if key == "properties" and isinstance(value, Mapping):
                out[key] = {name: self.inline(sub, as_property=True) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not") and isinstance(value, Mapping):
                out[key] = self.inline(value)
            elif key in ("allOf", "oneOf", "anyOf") and isinstance(value, list):
                out[key] = [self.inline(sub) for sub in value]
            else:
                out[key] = value
        enum = out.get("enum")
        if out.get("nullable") is True and isinstance(enum, list) and None not in enum:
            out["enum"] = [*out["enum"], None]
        props = out.get("properties")
        if isinstance(props, dict) and props:
            if self._strict and "additionalProperties" not in out:
                out["additionalProperties"] = False
            if self._require_all:
                out["required"] = sorted(set(out.get("required", [])) | set(props))
        return out


# --------------------------------------------------------------------------------------------
# Formats: OAS 3.0's own plus the ones Twilio's specs use

_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
_METHODS_UPPER = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_WHITESPACE = re.compile(r"\s")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_rfc2822(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC2822.match(value):
        return False
    try:
        email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_uri(value: object) -> bool:
    """An absolute URL, an absolute path (the 2010 API's ``*_uri`` fields) or "" (unset)."""
    if not isinstance(value, str):
        return True
    if _WHITESPACE.search(value):
        return False
    if value == "" or value.startswith("/"):  # Twilio sends "" for unset URLs
        return True
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme not in ("http", "https"))


def _is_uri_map(value: object) -> bool:
    if not isinstance(value, dict):
        return True
    return all(isinstance(v, str) and _is_uri(v) for v in value.values())


def _is_http_method(value: object) -> bool:
    return not isinstance(value, str) or value in _METHODS_UPPER


def _matches(pattern: re.Pattern[str]) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        return not isinstance(value, str) or bool(pattern.match(value))

    return check


def _format_checker() -> FormatChecker:
    from openapi_schema_validator._format import oas30_format_checker

    checker = FormatChecker(formats=())
    for name, (func, raises) in oas30_format_checker.checkers.items():
        checker.checks(name, raises)(func)
    checker.checks("date-time")(_is_date_time)
    checker.checks("date")(_is_date)
    checker.checks("date-time-rfc-2822")(_is_rfc2822)
    checker.checks("uri")(_is_uri)
    checker.checks("uri-map")(_is_uri_map)
    checker.checks("http-method")(_is_http_method)
    checker.checks("currency")(_matches(_CURRENCY))
    checker.checks("iso-country-code")(_matches(_COUNTRY))
    return checker


@functools.cache
def _oas30() -> tuple[Any, FormatChecker]:
    # imported on first use: openapi_schema_validator takes about a second to import
    from openapi_schema_validator import OAS30Validator

    return OAS30Validator, _format_checker()


def _validator(schema: Schema) -> Any:
    validator_class, format_checker = _oas30()
    return validator_class(schema, format_checker=format_checker)


def _where(error: ValidationError) -> str:
    out = "$"
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _messages(validator: Any, instance: Any, label: str) -> list[str]:
    """Readable problems, one per (location, cause): a failed pattern hides the length errors
    it implies, and a null where none is allowed is reported once."""
    by_path: dict[str, list[ValidationError]] = {}
    for error in validator.iter_errors(instance):
        by_path.setdefault(_where(error), []).append(error)
    problems = []
    for loc in sorted(by_path):
        errors = by_path[loc]
        kinds = {e.validator for e in errors}
        if any(e.instance is None and e.validator in ("type", "enum") for e in errors):
            errors = [
                e for e in errors if not (e.instance is None and e.validator in ("type", "enum"))
            ]
            errors.insert(0, ValidationError("null is not allowed here (not nullable)"))
        elif "pattern" in kinds:
            errors = [e for e in errors if e.validator not in ("minLength", "maxLength")]
        prefix = label if loc == "$" else f"{label} at {loc}"
        seen = set()
        for error in errors:
            if error.message not in seen:
                seen.add(error.message)
                problems.append(f"{prefix}: {error.message}")
    return problems


# --------------------------------------------------------------------------------------------
# Operations


@dataclass(frozen=True)
class Param:
    """One path, query or header parameter of an operation."""

    name: str
    location: str
    required: bool
    schema: Schema


@dataclass(frozen=True, eq=False)
class Operation:
    """One (method, path template) of a product's spec.

    ``list_key`` is the name of the array in a list response (``conversations``, ``messages``)
    and ``max_page_size`` the ``maximum`` of its ``PageSize`` parameter, when those exist.
    """

    product: str
    method: str
    spec_path: str
    operation_id: str
    path_params: Mapping[str, Param]
    query_params: Mapping[str, Param]
    #: Keyed by lower-cased header name.
    header_params: Mapping[str, Param]
    #: Content type -> inlined schema of the request body.
    request_bodies: Mapping[str, Schema]
    request_body_required: bool
    #: Status code (as a string) -> whether the response documents a JSON body.
    response_statuses: Mapping[str, bool]
    list_key: str | None = None
    max_page_size: int | None = None
    _raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_list(self) -> bool:
        return self.list_key is not None

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.spec_path)


@dataclass
class _Template:
    path: str
    #: Per segment: a literal string or a compiled regex with named groups.
    segments: list[str | re.Pattern[str]]
    names: list[str]
    #: Sort key: literal segments first, left to right (more literal = more specific).
    rank: tuple[int, ...]
    operations: dict[str, Operation]


def _segment_matcher(segment: str) -> tuple[str | re.Pattern[str], list[str]]:
    names = re.findall(r"\{([^{}]+)\}", segment)
    if not names:
        return segment, []
    regex = ""
    pos = 0
    for m in re.finditer(r"\{([^{}]+)\}", segment):
        regex += re.escape(segment[pos : m.start()]) + "(.+?)"
        pos = m.end()
    regex += re.escape(segment[pos:])
    return re.compile(f"^{regex}$"), names


class _ProductSpec:
    def __init__(self, product: str, doc: dict[str, Any]) -> None:
        self.product = product
        self.doc = doc
        self._lax = _Inliner(doc, strict=False, require_all=False)
        self._inliners: dict[tuple[bool, bool], _Inliner] = {}
        self._validators: dict[tuple[int, str, bool, bool], Any] = {}
        self.templates: dict[int, list[_Template]] = {}
        self.operations: list[Operation] = []
        for path, item in doc.get("paths", {}).items():
            self._add_path(path, item)
        for bucket in self.templates.values():
            bucket.sort(key=lambda t: t.rank, reverse=True)

    def _param(self, raw: Mapping[str, Any]) -> Param:
        if "$ref" in raw:
            raw = _pointer(self.doc, raw["$ref"])
        return Param(
            name=str(raw["name"]),
            location=str(raw["in"]),
            required=bool(raw.get("required", False)),
            schema=self._lax.inline(raw.get("schema", {})),
        )

    def _add_path(self, path: str, item: Mapping[str, Any]) -> None:
        segments: list[str | re.Pattern[str]] = []
        names: list[str] = []
        for seg in path.strip("/").split("/"):
            matcher, seg_names = _segment_matcher(seg)
            segments.append(matcher)
            names.extend(seg_names)
        template = _Template(
            path=path,
            segments=segments,
            names=names,
            rank=tuple(int(isinstance(s, str)) for s in segments),
            operations={},
        )
        shared = [self._param(p) for p in item.get("parameters", [])]
        for method in _HTTP_METHODS:
            raw = item.get(method)
            if not isinstance(raw, Mapping):
                continue
            op = self._operation(path, method.upper(), raw, shared)
            template.operations[op.method] = op
            self.operations.append(op)
        self.templates.setdefault(len(segments), []).append(template)

    def _operation(
        self, path: str, method: str, raw: Mapping[str, Any], shared: list[Param]
    ) -> Operation:
        params = {(p.location, p.name): p for p in shared}
        for p in raw.get("parameters", []):
            prm = self._param(p)
            params[(prm.location, prm.name)] = prm
        bodies: dict[str, Schema] = {}
        body_required = False
        rb = raw.get("requestBody")
        if isinstance(rb, Mapping):
            if "$ref" in rb:
                rb = _pointer(self.doc, rb["$ref"])
            body_required = bool(rb.get("required", False))
            for ctype, content in rb.get("content", {}).items():
                bodies[ctype] = self._lax.inline(content.get("schema", {}))
        statuses: dict[str, bool] = {}
        for status, resp in raw.get("responses", {}).items():
            if "$ref" in resp:
                resp = _pointer(self.doc, resp["$ref"])
            content = resp.get("content") or {}
            statuses[str(status)] = any("json" in ct for ct in content)
        query = {n: p for (loc, n), p in params.items() if loc == "query"}
        list_key = None
        if method == "GET" and "200" in raw.get("responses", {}):
            list_key = self._list_key(raw["responses"]["200"])
        max_page = None
        page_size = query.get("PageSize")
        if page_size is not None and isinstance(page_size.schema.get("maximum"), int):
            max_page = int(page_size.schema["maximum"])
        return Operation(
            product=self.product,
            method=method,
            spec_path=path,
            operation_id=str(raw.get("operationId", f"{method} {path}")),
            path_params={n: p for (loc, n), p in params.items() if loc == "path"},
            query_params=query,
            header_params={n.lower(): p for (loc, n), p in params.items() if loc == "header"},
            request_bodies=bodies,
            request_body_required=body_required,
            response_statuses=statuses,
            list_key=list_key,
            max_page_size=max_page,
            _raw=raw,
        )

    def _list_key(self, response: Mapping[str, Any]) -> str | None:
        schema = self._lax.inline(
            (response.get("content") or {}).get("application/json", {}).get("schema", {})
        )
        props = schema.get("properties") or {}
        arrays = [name for name, sub in props.items() if sub.get("type") == "array"]
        paging = {"meta", "page", "page_size", "first_page_uri", "next_page_uri", "uri"}
        if len(arrays) == 1 and (paging & set(props)):
            return str(arrays[0])
        return None

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        segs = path.strip("/").split("/")
        segs = [urllib.parse.unquote(s) for s in segs]
        candidates: list[tuple[_Template, dict[str, str]]] = []
        for template in self.templates.get(len(segs), []):
            values: dict[str, str] = {}
            names = iter(template.names)
            for seg, matcher in zip(segs, template.segments, strict=True):
                if isinstance(matcher, str):
                    if seg != matcher:
                        break
                    continue
                m = matcher.match(seg)
                if m is None:
                    break
                for group in m.groups():
                    values[next(names)] = group
            else:
                candidates.append((template, values))
        if not candidates:
            raise UnknownOperation(f"no path in the {self.product} spec matches {path!r}")
        for template, values in candidates:  # most literal first
            op = template.operations.get(method)
            if op is not None:
                return op, values
        allowed = sorted({m for t, _ in candidates for m in t.operations})
        templates = ", ".join(t.path for t, _ in candidates)
        raise UnknownOperation(
            f"method {method} is not defined for {templates} in the {self.product} spec "
            f"(allowed: {', '.join(allowed)})"
        )

    def response_validator(
        self, op: Operation, status: str, strict: bool, require_all: bool
    ) -> Any:
        key = (id(op), status, strict, require_all)
        validator = self._validators.get(key)
        if validator is None:
            with _LOCK:
                inliner = self._inliners.get((strict, require_all))
                if inliner is None:
                    inliner = _Inliner(
                        self.doc, strict=strict, require_all=require_all, null_enum_refs=True
                    )
                    self._inliners[(strict, require_all)] = inliner
                resp = op._raw["responses"][status]
                if "$ref" in resp:
                    resp = _pointer(self.doc, resp["$ref"])
                raw_schema = (resp.get("content") or {}).get("application/json", {}).get("schema")
                validator = _validator(inliner.inline(raw_schema or {}))
                self._validators[key] = validator
        return validator

    def schema_validator(self, schema: Schema, *, strict: bool = False) -> Any:
        """A validator for an already inlined schema (parameters, request bodies)."""
        key = (id(schema), "", strict, False)
        validator = self._validators.get(key)
        if validator is None:
            if strict and schema.get("properties") and "additionalProperties" not in schema:
                schema = {**schema, "additionalProperties": False}
            validator = _validator(schema)
            self._validators[key] = validator
        return validator


# --------------------------------------------------------------------------------------------
# URL -> operation


def resolve_url(url: str, host: str | None = None) -> tuple[str, str, str]:
    """Split ``url`` into (product, spec-relative path, raw query string).

    ``host`` (e.g. a ``Host`` header) is used when ``url`` carries no host of its own.
    """
    parts = urllib.parse.urlsplit(url)
    hostname = (parts.hostname or (host or "").split(":")[0]).lower()
    path = parts.path or "/"
    if hostname == "twilio.com" or hostname.endswith(".twilio.com"):
        label = hostname.split(".")[0]
        if label not in SPEC_FILES:
            raise UnknownOperation(f"unknown Twilio host {hostname!r} in {url!r}")
        return label, path, parts.query
    segs = path.strip("/").split("/")
    for i, seg in enumerate(segs[:-1]):
        if seg in SPEC_FILES and _VERSION_SEGMENT.match(segs[i + 1]):
            return seg, "/" + "/".join(segs[i + 1 :]), parts.query
    raise UnknownOperation(
        f"cannot tell the product of {url!r}: neither a *.twilio.com host nor a path prefix "
        f"'/<product>/<version>/' with product one of {', '.join(PRODUCTS)}"
    )


def _lookup(
    method: str, url: str, host: str | None = None
) -> tuple[Operation, dict[str, str], str]:
    product, path, query = resolve_url(url, host)
    op, values = _product_spec(product).match(method.upper(), path)
    return op, values, query


def operation_for(method: str, url: str) -> Operation:
    """The spec operation a request goes to; raises :class:`UnknownOperation` when none does."""
    return _lookup(method, url)[0]


def spec_operations(product: str) -> list[tuple[str, str]]:
    """Every (METHOD, spec path) the product's spec defines, sorted by path then method."""
    return sorted(
        ((op.method, op.spec_path) for op in _product_spec(product).operations),
        key=lambda k: (k[1], k[0]),
    )


def _template_key(product: str, template: str) -> str:
    key = re.sub(r"\{[^{}]*\}", "{}", template.rstrip("/") or "/")
    return key.removesuffix(".json") if product == "api" else key


#: (product, METHOD, spec path) of every operation whose 2xx response was checked in this process:
#: the run-wide record behind the emulator surface check in tests/conftest.py.
CHECKED_SUCCESSES: set[tuple[str, str, str]] = set()


def spec_operation_for_template(product: str, method: str, template: str) -> Operation | None:
    """The spec operation behind a route template such as ``/v1/Conversations/{ConversationSid}``.

    Parameter names are ignored (the emulator may call ``{Sid}`` ``{ConversationSid}``) and, for
    the 2010 API, so is the ``.json`` suffix.  None when the spec has no such operation: use it for
    "every route the emulator models exists in the spec".
    """
    wanted = _template_key(product, template)
    method = method.upper()
    for op in _product_spec(product).operations:
        if op.method == method and _template_key(product, op.spec_path) == wanted:
            return op
    return None


# --------------------------------------------------------------------------------------------
# Requests


def _header_items(headers: HeadersLike) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        items: Iterable[tuple[str, str]] = headers.items()
        multi = getattr(headers, "multi_items", None)  # httpx.Headers keeps repeated headers
        if callable(multi):
            items = multi()
        return [(str(k), str(v)) for k, v in items]
    return [(str(k), str(v)) for k, v in headers]


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _form_value(value: Any) -> str:
    # httpx's encoding of form values
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _form_fields(body: BodyLike) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if body is None:
        return fields
    if isinstance(body, Mapping):
        for name, value in body.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            fields.setdefault(str(name), []).extend(_form_value(v) for v in values)
        return fields
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body).decode("utf-8")
    elif isinstance(body, str):
        text = body
    else:  # a sequence of (name, value) pairs
        for name, value in cast("Iterable[tuple[Any, Any]]", body):
            fields.setdefault(str(name), []).append(_form_value(value))
        return fields
    for name, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return fields


def _schema_type(schema: Schema) -> str | None:
    t = schema.get("type")
    return t if isinstance(t, str) else None


def _coerce(schema: Schema, raw: str) -> tuple[Any, str | None]:
    """Turn a form/query/path string into the value the schema describes, or explain why not."""
    kind = _schema_type(schema)
    if kind == "integer":
        if re.fullmatch(r"-?\d+", raw):
            return int(raw), None
        return raw, f"{raw!r} is not an integer"
    if kind == "number":
        try:
            number = float(raw)
        except ValueError:
            return raw, f"{raw!r} is not a number"
        if not math.isfinite(number):
            return raw, f"{raw!r} is not a finite number"
        return number, None
    if kind == "boolean":
        if raw in ("true", "false"):
            return raw == "true", None
        return raw, f"{raw!r} is not a boolean (expected 'true' or 'false')"
    if kind is None and not schema.get("enum") and "properties" not in schema:
        # Untyped parameters carry JSON documents (Routing, Definition, Parameters, ...).
        try:
            json.loads(raw)
        except ValueError:
            return raw, f"{raw!r} is not a JSON document"
    return raw, None


def _check_values(spec: _ProductSpec, schema: Schema, values: list[str], label: str) -> list[str]:
    if _schema_type(schema) == "array":
        items = schema.get("items") or {}
        coerced: Any = []
        for raw in values:
            value, err = _coerce(items, raw)
            if err:
                return [f"{label}: {err}"]
            coerced.append(value)
    else:
        if len(values) > 1:
            return [f"{label}: given {len(values)} times but it is not an array parameter"]
        coerced, err = _coerce(schema, values[0])
        if err:
            return [f"{label}: {err}"]
    return _messages(spec.schema_validator(schema), coerced, label)


def check_request(
    method: str, url: str, headers: HeadersLike = None, body: BodyLike = None
) -> list[str]:
    """Problems with a request as the client sends it (empty when it matches the spec).

    ``body`` may be the raw bytes/str, a mapping of form fields (values: str or list for
    repeated keys; ``True``/``False`` are encoded as httpx does), a parsed JSON value, or None.
    """
    hdrs = _header_items(headers)
    try:
        op, path_values, query = _lookup(method, url, _header(hdrs, "host"))
    except UnknownOperation as exc:
        return [f"{method.upper()} {url}: {exc}"]
    spec = _product_spec(op.product)
    label = f"{op.method} {op.spec_path} ({op.operation_id})"
    problems: list[str] = []

    for name, value in path_values.items():
        param = op.path_params.get(name)
        if param is None:
            problems.append(f"{label}: path parameter {name!r} is not documented")
            continue
        problems.extend(
            _check_values(spec, param.schema, [value], f"{label}: path parameter {name!r}")
        )

    query_fields: dict[str, list[str]] = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        query_fields.setdefault(name, []).append(value)
    for name, values in query_fields.items():
        param = op.query_params.get(name)
        if param is None and op.is_list and name in PAGING_PARAMS:
            schema: Schema = (
                {"type": "string"}
                if name == "PageToken"
                else {"type": "integer", "minimum": 0 if name == "Page" else 1}
            )
            param = Param(name, "query", False, schema)
        if param is None:
            known = sorted(set(op.query_params) | (set(PAGING_PARAMS) if op.is_list else set()))
            problems.append(
                f"{label}: unknown query parameter {name!r} (known: {', '.join(known) or 'none'})"
            )
            continue
        problems.extend(
            _check_values(spec, param.schema, values, f"{label}: query parameter {name!r}")
        )
    for param in op.query_params.values():
        if param.required and param.name not in query_fields:
            problems.append(f"{label}: required query parameter {param.name!r} is missing")

    seen_headers = set()
    for name, value in hdrs:
        lower = name.lower()
        seen_headers.add(lower)
        param = op.header_params.get(lower)
        if param is None:
            if lower in _API_HEADERS:
                problems.append(f"{label}: header {name!r} is not accepted by this operation")
            continue
        problems.extend(_check_values(spec, param.schema, [value], f"{label}: header {name!r}"))
    for lower, param in op.header_params.items():
        if param.required and lower not in seen_headers:
            problems.append(f"{label}: required header {param.name!r} is missing")

    problems.extend(_check_request_body(spec, op, label, hdrs, body))
    return problems


def _is_empty(body: BodyLike) -> bool:
    return body is None or (isinstance(body, (bytes, bytearray, str, Mapping)) and len(body) == 0)


def _check_request_body(
    spec: _ProductSpec, op: Operation, label: str, hdrs: list[tuple[str, str]], body: BodyLike
) -> list[str]:
    declared = op.request_bodies
    if _is_empty(body):
        if declared and op.request_body_required:
            return [f"{label}: request body is required"]
        required = [
            n for s in declared.values() for n in s.get("required", []) if isinstance(n, str)
        ]
        if required:
            return [f"{label}: missing required form parameter {n!r}" for n in required]
        return []
    if not declared:
        return [f"{label}: operation takes no request body but one was sent"]
    ctype_header = _header(hdrs, "content-type")
    ctype = ctype_header.split(";")[0].strip().lower() if ctype_header else None
    if ctype is None:
        if isinstance(body, Mapping) and "application/x-www-form-urlencoded" in declared:
            ctype = "application/x-www-form-urlencoded"
        elif len(declared) == 1:
            ctype = next(iter(declared))
        else:
            ctype = "application/json"
    if ctype not in declared:
        return [f"{label}: content type {ctype!r} not accepted (spec: {', '.join(declared)})"]
    schema = declared[ctype]
    if ctype == "application/x-www-form-urlencoded":
        return _check_form(spec, schema, label, _form_fields(body))
    return _check_json_body(spec, schema, label, body)


def _check_form(
    spec: _ProductSpec, schema: Schema, label: str, fields: dict[str, list[str]]
) -> list[str]:
    problems: list[str] = []
    props: Mapping[str, Schema] = schema.get("properties") or {}
    for name, values in fields.items():
        prop = props.get(name)
        if prop is None:
            problems.append(
                f"{label}: unknown form parameter {name!r} (known: {', '.join(sorted(props)) or 'none'})"
            )
            continue
        problems.extend(_check_values(spec, prop, values, f"{label}: form parameter {name!r}"))
    for name in schema.get("required", []):
        if name not in fields:
            problems.append(f"{label}: missing required form parameter {name!r}")
    return problems


def _check_json_body(spec: _ProductSpec, schema: Schema, label: str, body: BodyLike) -> list[str]:
    if isinstance(body, (bytes, bytearray, str)):
        try:
            value = json.loads(body)
        except ValueError as exc:
            return [f"{label}: JSON request body does not parse: {exc}"]
    else:
        value = body
    if _schema_type(schema) == "object" and not isinstance(value, dict):
        return [f"{label}: JSON request body must be an object, got {type(value).__name__}"]
    if not schema.get("properties"):
        return []  # the spec lists no properties (Flex Configuration, Transfers): any object
    return _messages(spec.schema_validator(schema, strict=True), value, f"{label}: JSON body")


def assert_request(
    method: str, url: str, headers: HeadersLike = None, body: BodyLike = None
) -> None:
    """Raise AssertionError listing every problem :func:`check_request` finds."""
    problems = check_request(method, url, headers, body)
    if problems:
        raise AssertionError("request does not match Twilio's spec:\n  " + "\n  ".join(problems))


# --------------------------------------------------------------------------------------------
# Responses


def _check_error_body(status: int, body: Any, label: str) -> list[str]:
    if not isinstance(body, dict):
        return [
            f"{label}: error status {status} needs a JSON object body, got {type(body).__name__}"
        ]
    if "code" in body or "more_info" in body:
        expect: dict[str, type] = {"code": int, "message": str, "more_info": str, "status": int}
        shape = "Twilio error"
    else:
        expect = {"title": str, "status": int}
        shape = "RFC 9457 problem"
        for opt in ("type", "detail", "instance"):
            if opt in body and not isinstance(body[opt], str):
                return [f"{label}: {shape} field {opt!r} must be a string, got {body[opt]!r}"]
    problems = []
    for name, kind in expect.items():
        value = body.get(name)
        if name not in body:
            problems.append(f"{label}: {shape} body lacks {name!r}")
        elif not isinstance(value, kind) or isinstance(value, bool):
            problems.append(
                f"{label}: {shape} field {name!r} must be {kind.__name__}, got {value!r}"
            )
    if isinstance(body.get("status"), int) and body["status"] != status:
        problems.append(
            f"{label}: error body says status {body['status']} but HTTP status is {status}"
        )
    return problems


def check_response(
    method: str,
    url: str,
    status: int,
    headers: HeadersLike = None,
    body: Any = None,
    *,
    allow_extra_fields: bool = False,
    require_all_fields: bool = False,
) -> list[str]:
    """Problems with a response (empty when it matches the spec).

    ``body`` may be raw bytes/str (parsed as JSON) or an already parsed JSON value.  Fields the
    schema does not list are problems unless ``allow_extra_fields``; with ``require_all_fields``
    every field the schema lists must be present (Twilio sends them all, null when unset; the spec
    itself marks none as required).
    """
    try:
        op, _, _ = _lookup(method, url)
    except UnknownOperation as exc:
        return [f"{method.upper()} {url}: {exc}"]
    label = f"{op.method} {op.spec_path} ({op.operation_id}) -> {status}"
    key = str(status)
    raw_text: str | None = None
    if isinstance(body, (bytes, bytearray)):
        raw_text = bytes(body).decode("utf-8", errors="replace")
    elif isinstance(body, str):
        raw_text = body
    empty = body is None or (raw_text is not None and raw_text.strip() == "")
    parsed: Any = body
    if raw_text is not None and not empty:
        try:
            parsed = json.loads(raw_text)
        except ValueError as exc:
            return [f"{label}: body is not JSON: {exc}: {raw_text[:200]!r}"]

    hdrs = _header_items(headers)
    problems: list[str] = []
    ctype = _header(hdrs, "content-type")
    if not empty and ctype is not None and "json" not in ctype.lower():
        problems.append(f"{label}: content type {ctype!r} is not JSON")

    if key not in op.response_statuses:
        if status >= 400:
            if empty:
                return [*problems, f"{label}: error status {status} without a body"]
            return problems + _check_error_body(status, parsed, label)
        documented = ", ".join(sorted(op.response_statuses)) or "none"
        return [*problems, f"{label}: status {status} is not documented (spec: {documented})"]

    if 200 <= status < 300:
        CHECKED_SUCCESSES.add((op.product, op.method, op.spec_path))
    if not op.response_statuses[key]:
        if not empty:
            problems.append(f"{label}: the spec documents no body for {status} but one was sent")
        return problems
    if empty:
        return [*problems, f"{label}: the spec documents a JSON body for {status}; none was sent"]
    validator = _product_spec(op.product).response_validator(
        op, key, not allow_extra_fields, require_all_fields
    )
    problems.extend(_messages(validator, parsed, f"{label}: body"))
    return problems


def assert_response(
    method: str,
    url: str,
    status: int,
    headers: HeadersLike = None,
    body: Any = None,
    *,
    allow_extra_fields: bool = False,
    require_all_fields: bool = False,
) -> None:
    """Raise AssertionError listing every problem :func:`check_response` finds."""
    problems = check_response(
        method,
        url,
        status,
        headers,
        body,
        allow_extra_fields=allow_extra_fields,
        require_all_fields=require_all_fields,
    )
    if problems:
        raise AssertionError("response does not match Twilio's spec:\n  " + "\n  ".join(problems))


# --------------------------------------------------------------------------------------------
# Recorder

Handler = Callable[[str, str, Any, Any], tuple[int, Any, Any]]
AsyncHandler = Callable[[str, str, Any, Any], Awaitable[tuple[int, Any, Any]]]


class SpecRecorder:
    """Checks every exchange it is shown and keeps the problems and the operations seen.

    Feed it with :meth:`record`, or wrap a handler ``(method, url, headers, body) ->
    (status, headers, body)`` with :meth:`wrap` / :meth:`wrap_async`.
    """

    def __init__(
        self,
        *,
        check_requests: bool = True,
        check_responses: bool = True,
        allow_extra_fields: bool = False,
        require_all_fields: bool = False,
    ) -> None:
        self.check_requests = check_requests
        self.check_responses = check_responses
        self.allow_extra_fields = allow_extra_fields
        self.require_all_fields = require_all_fields
        self.problems: list[str] = []
        #: (METHOD, spec path) of every operation seen.
        self.operations_seen: set[tuple[str, str]] = set()
        #: (product, METHOD, spec path): unambiguous across products.
        self.product_operations_seen: set[tuple[str, str, str]] = set()
        self.exchanges = 0
        self._lock = threading.Lock()

    def record(
        self,
        method: str,
        url: str,
        headers: HeadersLike,
        body: BodyLike,
        status: int,
        resp_headers: HeadersLike,
        resp_body: Any,
    ) -> list[str]:
        """Check one exchange; returns (and keeps) its problems."""
        found: list[str] = []
        op: Operation | None
        try:
            op = _lookup(method, url, _header(_header_items(headers), "host"))[0]
        except UnknownOperation:
            op = None
        if self.check_requests:
            found.extend(check_request(method, url, headers, body))
        if self.check_responses and (op is not None or not self.check_requests):
            found.extend(
                check_response(
                    method,
                    url,
                    status,
                    resp_headers,
                    resp_body,
                    allow_extra_fields=self.allow_extra_fields,
                    require_all_fields=self.require_all_fields,
                )
            )
        with self._lock:
            self.exchanges += 1
            if op is not None:
                self.operations_seen.add(op.key)
                self.product_operations_seen.add((op.product, op.method, op.spec_path))
            self.problems.extend(found)
        return found

    def wrap(self, handler: Handler) -> Handler:
        """A handler that forwards to ``handler`` and records every exchange."""

        def wrapped(method: str, url: str, headers: Any, body: Any) -> tuple[int, Any, Any]:
            status, resp_headers, resp_body = handler(method, url, headers, body)
            self.record(method, url, headers, body, status, resp_headers, resp_body)
            return status, resp_headers, resp_body

        return wrapped

    def wrap_async(self, handler: AsyncHandler) -> AsyncHandler:
        """Like :meth:`wrap`, for a coroutine handler."""

        async def wrapped(method: str, url: str, headers: Any, body: Any) -> tuple[int, Any, Any]:
            status, resp_headers, resp_body = await handler(method, url, headers, body)
            self.record(method, url, headers, body, status, resp_headers, resp_body)
            return status, resp_headers, resp_body

        return wrapped

    def reset(self) -> None:
        with self._lock:
            self.problems.clear()
            self.operations_seen.clear()
            self.product_operations_seen.clear()
            self.exchanges = 0

    def assert_clean(self) -> None:
        """Raise AssertionError listing every problem recorded so far."""
        if self.problems:
            raise AssertionError(
                f"{len(self.problems)} spec problem(s) in {self.exchanges} exchange(s):\n  "
                + "\n  ".join(self.problems)
            )
