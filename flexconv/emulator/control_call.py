"""One control API request (``Call``): its path parameters, query and checked JSON body."""

from __future__ import annotations

from typing import Any

from ._base import bad_request


class Call:
    """One control request: the path parameters, the query and the JSON body."""

    def __init__(self, params: dict[str, str], query: dict[str, str], body: Any) -> None:
        self.params = params
        self.query = query
        self.body: dict[str, Any] = body if isinstance(body, dict) else {}
        self._allowed: set[str] = set()

    def fields(self, *names: str) -> None:
        """Declare the body's keys; anything else is a 400 naming what is expected."""
        unknown = sorted(set(self.body) - set(names))
        if unknown:
            expected = ", ".join(names) if names else "no fields"
            raise bad_request(f"Unknown field(s) {', '.join(unknown)}: expected {expected}")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        """An optional body field of the given JSON type (``None`` passes as absent)."""
        value = self.body.get(name)
        if value is None:
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise bad_request(f"Invalid {name}: expected {_names(kinds)}, got {value!r}")
        if not isinstance(value, kinds):
            raise bad_request(f"Invalid {name}: expected {_names(kinds)}, got {value!r}")
        return value

    def need(self, name: str, kind: type | tuple[type, ...]) -> Any:
        """A required body field."""
        if self.body.get(name) is None:
            raise bad_request(f"Missing required field {name}")
        return self.get(name, kind)


def _names(kinds: tuple[type, ...]) -> str:
    if set(kinds) == {int, float}:
        return "a number"
    table = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    table.update({dict: "an object", list: "a list"})
    return " or ".join(table.get(k, k.__name__) for k in kinds)


NUMBER = (int, float)


def probability(value: float | None) -> float | None:
    """``value`` checked to lie in [0, 1] (``None`` passes)."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise bad_request(f"Invalid probability {value!r}: expected a number from 0 to 1")
    return value
