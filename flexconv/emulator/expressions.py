"""TaskRouter's SQL-like expression language: a parser and an evaluator.

The syntax covers what TaskRouter documents for workflow filters, workflow targets and task
queues' ``TargetWorkers``:

* constants: strings in single or double quotes, integers and decimals, ``true``, ``false``,
  ``null``; lists ``['a', 'b']`` (also ``('a', 'b')``);
* JSON keys with dots: ``language``, ``task.language``, ``worker.routing.skills``;
* comparisons ``==`` (also ``=``), ``!=``, ``>``, ``>=``, ``<``, ``<=``;
* ``IN``, ``NOT IN``, ``HAS``, ``CONTAINS``;
* ``AND`` / ``&&``, ``OR`` / ``||``, ``NOT``, parentheses; ``1==1`` matches everything.

Keywords are case-insensitive.  A key that does not exist makes the comparison that uses it
false (never an error).  How keys resolve depends on where the expression lives:

* a workflow *target* expression sees ``task.<key>`` and ``worker.<key>``;
* a workflow *filter* expression and a queue's ``TargetWorkers`` see the bare keys of the object
  they test (``language == "es"`` on a task, ``skills HAS "sales"`` on a worker).

`parse()` returns an `Expression`; its `Expression.evaluate()` takes the bare
attributes plus, optionally, the ``task`` and ``worker`` attributes for the prefixed forms.
Malformed input raises `ExpressionError` carrying the 0-based character position.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Expression", "ExpressionError", "evaluate", "parse"]


class ExpressionError(ValueError):
    """A malformed expression; ``position`` is the 0-based offset where parsing failed."""

    def __init__(self, message: str, source: str, position: int) -> None:
        self.reason = message
        self.source = source
        self.position = position
        super().__init__(f"{message} at position {position} in expression {source!r}")


class _Missing:
    """The value of a key that does not exist."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()

# --------------------------------------------------------------------------------------------
# Tokens

_KEYWORDS = {"and", "or", "not", "in", "has", "contains", "true", "false", "null"}
_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<op>==|!=|>=|<=|&&|\|\||=|>|<|!)
  | (?P<punct>[()\[\],])
  | (?P<name>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$0-9][\w$]*)*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, op, punct, name, kw, end
    text: str
    value: Any
    pos: int


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", r"\1", body)


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN_RE.match(source, pos)
        if match is None:
            char = source[pos]
            if char in "'\"":
                raise ExpressionError("Unterminated string", source, pos)
            if char == "-":
                raise ExpressionError("Hyphens are not allowed in keys", source, pos)
            raise ExpressionError(f"Unexpected character {char!r}", source, pos)
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "number":
            value: Any = float(text) if "." in text else int(text)
            tokens.append(_Token("number", text, value, pos))
        elif kind == "string":
            tokens.append(_Token("string", text, _unescape(text[1:-1]), pos))
        elif kind == "name":
            end = match.end()
            if end < len(source) and source[end] == "-":
                raise ExpressionError("Hyphens are not allowed in keys", source, end)
            if text.lower() in _KEYWORDS:
                tokens.append(_Token("kw", text, text.lower(), pos))
            else:
                tokens.append(_Token("name", text, text, pos))
        elif kind in ("op", "punct"):
            tokens.append(_Token(kind, text, text, pos))
        pos = match.end()
    tokens.append(_Token("end", "", None, len(source)))
    return tokens


# --------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True)
class _Const:
    value: Any


@dataclass(frozen=True)
class _Key:
    path: tuple[str, ...]


@dataclass(frozen=True)
class _List:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Compare:
    op: str  # == != > >= < <= in has contains, "not in", "not has", "not contains"
    left: _Node
    right: _Node


@dataclass(frozen=True)
class _Not:
    operand: _Node


@dataclass(frozen=True)
class _Bool:
    op: str  # and / or
    left: _Node
    right: _Node


_Node = _Const | _Key | _List | _Compare | _Not | _Bool

_COMPARISONS = {"==": "==", "=": "==", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.i = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def error(self, message: str, token: _Token | None = None) -> ExpressionError:
        return ExpressionError(message, self.source, (token or self.tok).pos)

    def at_kw(self, *words: str) -> bool:
        return self.tok.kind == "kw" and self.tok.value in words

    def at(self, kind: str, *texts: str) -> bool:
        return self.tok.kind == kind and (not texts or self.tok.text in texts)

    def take(self) -> _Token:
        token = self.tok
        self.i += 1
        return token

    def parse(self) -> _Node:
        if self.at("end"):
            raise self.error("Empty expression")
        node = self.parse_or()
        if not self.at("end"):
            raise self.error(f"Unexpected {self.tok.text!r}")
        return node

    def parse_or(self) -> _Node:
        node = self.parse_and()
        while self.at_kw("or") or self.at("op", "||"):
            self.take()
            node = _Bool("or", node, self.parse_and())
        return node

    def parse_and(self) -> _Node:
        node = self.parse_not()
        while self.at_kw("and") or self.at("op", "&&"):
            self.take()
            node = _Bool("and", node, self.parse_not())
        return node

    def parse_not(self) -> _Node:
        if self.at_kw("not") or self.at("op", "!"):
            self.take()
            return _Not(self.parse_not())
        return self.parse_comparison()

    def parse_comparison(self) -> _Node:
        left = self.parse_operand()
        tok = self.tok
        if tok.kind == "op" and tok.text in _COMPARISONS:
            self.take()
            return _Compare(_COMPARISONS[tok.text], left, self.parse_operand())
        if self.at_kw("in"):
            self.take()
            return _Compare("in", left, self.parse_operand())
        if self.at_kw("has"):
            self.take()
            return _Compare("has", left, self.parse_operand())
        if self.at_kw("contains"):
            self.take()
            return _Compare("contains", left, self.parse_operand())
        if self.at_kw("not") and self.tokens[self.i + 1].kind == "kw":
            nxt = self.tokens[self.i + 1]
            if nxt.value in ("in", "has", "contains"):
                self.i += 2
                return _Compare("not " + nxt.value, left, self.parse_operand())
        return left

    def parse_operand(self) -> _Node:
        tok = self.tok
        if tok.kind in ("number", "string"):
            self.take()
            return _Const(tok.value)
        if tok.kind == "kw" and tok.value in ("true", "false", "null"):
            self.take()
            return _Const({"true": True, "false": False, "null": None}[tok.value])
        if tok.kind == "name":
            self.take()
            return _Key(tuple(tok.text.split(".")))
        if self.at("punct", "["):
            self.take()
            items = self.parse_items("]")
            return _List(items)
        if self.at("punct", "("):
            self.take()
            inner = self.parse_or()
            if self.at("punct", ","):
                self.take()
                rest = self.parse_items(")")
                return _List((inner, *rest))
            if not self.at("punct", ")"):
                raise self.error("Expected ')'")
            self.take()
            return inner
        if tok.kind == "end":
            raise self.error("Unexpected end of expression")
        raise self.error(f"Unexpected {tok.text!r}")

    def parse_items(self, closer: str) -> tuple[_Node, ...]:
        items: list[_Node] = []
        if self.at("punct", closer):
            self.take()
            return ()
        while True:
            items.append(self.parse_operand())
            if self.at("punct", ","):
                self.take()
                continue
            if self.at("punct", closer):
                self.take()
                return tuple(items)
            raise self.error(f"Expected ',' or {closer!r} in list")


# --------------------------------------------------------------------------------------------
# Evaluation


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _walk(root: Any, path: Sequence[str]) -> Any:
    current = root
    for part in path:
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        else:
            return MISSING
    return current


def _mixed(a: Any, b: Any) -> bool:
    """A number against a string (compared numerically when the string is one)."""
    return (_is_number(a) and isinstance(b, str)) or (isinstance(a, str) and _is_number(b))


def _equal(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if _mixed(a, b):
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    return bool(a == b)


def _member(item: Any, collection: Any) -> bool:
    if isinstance(collection, (list, tuple)):
        return any(_equal(item, x) for x in collection)
    if isinstance(collection, Mapping):
        return isinstance(item, str) and item in collection
    return _equal(item, collection)


class _Scope:
    def __init__(
        self,
        attributes: Mapping[str, Any] | None,
        task: Mapping[str, Any] | None,
        worker: Mapping[str, Any] | None,
    ) -> None:
        self.attributes = attributes
        self.task = task
        self.worker = worker

    def lookup(self, path: tuple[str, ...]) -> Any:
        head = path[0]
        if head == "task" and self.task is not None and len(path) > 1:
            return _walk(self.task, path[1:])
        if head == "worker" and self.worker is not None and len(path) > 1:
            return _walk(self.worker, path[1:])
        if self.attributes is None:
            return MISSING
        return _walk(self.attributes, path)


def _value(node: _Node, scope: _Scope) -> Any:
    if isinstance(node, _Const):
        return node.value
    if isinstance(node, _Key):
        return scope.lookup(node.path)
    if isinstance(node, _List):
        return [_value(item, scope) for item in node.items]
    return _truth(node, scope)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is MISSING or right is MISSING:
        return False
    if op.startswith("not "):
        return not _compare(op[4:], left, right)
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op in (">", ">=", "<", "<="):
        same_kind = (_is_number(left) and _is_number(right)) or (
            isinstance(left, str) and isinstance(right, str)
        )
        if same_kind:
            pass
        elif _mixed(left, right):
            try:
                left, right = float(left), float(right)
            except ValueError:
                return False
        else:
            return False
        if op == ">":
            return bool(left > right)
        if op == ">=":
            return bool(left >= right)
        if op == "<":
            return bool(left < right)
        return bool(left <= right)
    if op == "in":
        if isinstance(left, (list, tuple)):
            return any(_member(x, right) for x in left)
        return _member(left, right)
    if op == "has":
        if isinstance(left, (list, tuple, Mapping)):
            if isinstance(right, (list, tuple)):
                return any(_member(x, left) for x in right)
            return _member(right, left)
        return False
    if op == "contains":
        if isinstance(left, str) and isinstance(right, str):
            return right in left
        if isinstance(left, (list, tuple)):
            return _member(right, left)
        return False
    raise AssertionError(op)  # pragma: no cover


def _truth(node: _Node, scope: _Scope) -> bool:
    if isinstance(node, _Bool):
        if node.op == "and":
            return _truth(node.left, scope) and _truth(node.right, scope)
        return _truth(node.left, scope) or _truth(node.right, scope)
    if isinstance(node, _Not):
        return not _truth(node.operand, scope)
    if isinstance(node, _Compare):
        return _compare(node.op, _value(node.left, scope), _value(node.right, scope))
    value = _value(node, scope)
    if value is MISSING or value is None:
        return False
    return bool(value)


class Expression:
    """A parsed TaskRouter expression; evaluate it with `evaluate()`."""

    __slots__ = ("_tree", "source")

    def __init__(self, source: str, tree: _Node) -> None:
        self.source = source
        self._tree = tree

    def evaluate(
        self,
        attributes: Mapping[str, Any] | None = None,
        *,
        task: Mapping[str, Any] | None = None,
        worker: Mapping[str, Any] | None = None,
    ) -> bool:
        """Whether the expression holds.

        ``attributes`` serve bare keys; ``task`` and ``worker`` serve ``task.<key>`` and
        ``worker.<key>`` (when given, otherwise such keys are looked up in ``attributes``).
        """
        return _truth(self._tree, _Scope(attributes, task, worker))

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


@functools.lru_cache(maxsize=1024)
def parse(source: str) -> Expression:
    """Parse ``source``; raises `ExpressionError` when it is malformed."""
    if not isinstance(source, str):
        raise TypeError("an expression must be a string")
    return Expression(source, _Parser(source).parse())


def evaluate(
    source: str,
    attributes: Mapping[str, Any] | None = None,
    *,
    task: Mapping[str, Any] | None = None,
    worker: Mapping[str, Any] | None = None,
) -> bool:
    """Parse (cached) and evaluate ``source`` in one step."""
    return parse(source).evaluate(attributes, task=task, worker=worker)
