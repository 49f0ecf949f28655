"""Requests built once per operation and arguments, for operations called again and again."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flexconv._core.config import ClientConfig
from flexconv._core.operation import Operation, RequestSpec, build_request, new_request_spec

__all__ = ["SpecCache"]


#: Argument types whose value alone decides the request (exact types: ``True`` and ``1`` are
#: different keys, and a subclass such as a str-valued Enum is not cached).
_KEYABLE = (str, int, bool)


class SpecCache:
    """Requests already built for one client, by operation and arguments.

    Building a request checks every argument and formats the URL; a call repeated with the
    same operation and the same plain arguments (str, int, bool) gets the same request, so it
    is built once.  What is kept leaves the ``Authorization`` header out (the client's
    credentials are added per request, never stored here); anything else (a JSON body, extra
    headers, a list or a mapping argument) is built afresh every time.
    """

    def __init__(self, limit: int = 256) -> None:
        self._built: dict[tuple[Any, ...], tuple[Operation, RequestSpec]] = {}
        self.limit = limit

    def build(
        self,
        op: Operation,
        config: ClientConfig,
        path_params: Mapping[str, Any] | None,
        values: Mapping[str, Any],
    ) -> RequestSpec:
        """The request for ``op`` with these arguments: `build_request`'s, built once."""
        key = _cache_key(op, path_params, values)
        found = self._built.get(key) if key is not None else None
        if found is not None and found[0] is op:
            kept = found[1]
            return new_request_spec(
                kept.method,
                kept.url,
                {"Authorization": config.auth_header, **kept.headers},
                kept.content,
                kept.idempotent,
                kept.operation,
            )
        spec = build_request(op, config, path_params=path_params, values=values)
        if key is not None:
            if len(self._built) >= self.limit:
                self._built.clear()
            headers = {k: v for k, v in spec.headers.items() if k != "Authorization"}
            self._built[key] = (op, dataclasses.replace(spec, headers=headers))
        return spec

    def __len__(self) -> int:
        return len(self._built)


def _cache_key(
    op: Operation, path_params: Mapping[str, Any] | None, values: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """A key naming the operation and every argument with its exact type, or ``None`` when an
    argument is of another type (it is not cached)."""
    if not path_params and not values:
        return (id(op),)
    key: list[Any] = [id(op)]
    for args in (path_params, values):
        if args:
            for name, value in args.items():
                kind = type(value)
                if kind not in _KEYABLE:
                    return None
                key += (name, kind, value)
        key.append(None)
    return tuple(key)
