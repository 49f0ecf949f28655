"""Diffs of ``channel_configs`` arrays: readable and structured, and what a read-back shows that
the write did not intend.  No I/O.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flexconv._core.results import FieldChange

# ----------------------------------------------------------------------------------- diffing


@dataclass(frozen=True)
class ConfigDiff:
    """The difference between two ``channel_configs`` arrays, per entry."""

    #: Every changed value, structured.
    changes: tuple[FieldChange, ...] = ()
    #: A unified diff of the changed entries (JSON, two-space indent), empty when unchanged.
    text: str = ""
    #: The changed entries before and after, keyed by address type (``None``: no entry).
    entries: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __str__(self) -> str:
        return self.text or "(no change)"


def _walk(kind: str, path: tuple[str, ...], before: Any, after: Any) -> list[FieldChange]:
    if before == after:
        return []
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        out: list[FieldChange] = []
        for key in [*before, *(k for k in after if k not in before)]:
            out.extend(_walk(kind, (*path, str(key)), before.get(key), after.get(key)))
        return out
    return [FieldChange(kind, path, before, after)]


def _entries_by_type(configs: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, entry in enumerate(configs):
        kind = entry.get("address_type") if isinstance(entry, Mapping) else None
        key = kind if isinstance(kind, str) and kind not in out else f"[{index}]"
        out[key] = entry
    return out


def diff_channel_configs(before: Sequence[Any] | None, after: Sequence[Any] | None) -> ConfigDiff:
    """A readable and a structured diff of two ``channel_configs`` arrays, entry by entry."""
    old = _entries_by_type(list(before or []))
    new = _entries_by_type(list(after or []))
    changes: list[FieldChange] = []
    entries: dict[str, tuple[Any, Any]] = {}
    chunks: list[str] = []
    for kind in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(kind), new.get(kind)
        if a == b:
            continue
        entries[kind] = (copy.deepcopy(a), copy.deepcopy(b))
        if a is None or b is None:
            changes.append(FieldChange(kind, (), a, b))
        else:
            changes.extend(_walk(kind, (), a, b))
        a_lines = json.dumps(a, indent=2).splitlines() if a is not None else []
        b_lines = json.dumps(b, indent=2).splitlines() if b is not None else []
        label = f"channel_configs[address_type={kind}]"
        chunks.extend(
            difflib.unified_diff(
                a_lines,
                b_lines,
                f"{label} (before)" if a is not None else "/dev/null",
                f"{label} (after)" if b is not None else "/dev/null",
                lineterm="",
                n=20,
            )
        )
    return ConfigDiff(tuple(changes), "\n".join(chunks), entries)


def compare_after_write(expected: Sequence[Any], actual: Sequence[Any]) -> list[str]:
    """What a read-back ``actual`` shows that the written ``expected`` did not (readable lines)."""
    if list(expected) == list(actual):
        return []
    lines = [str(c) for c in diff_channel_configs(expected, actual).changes]
    if not lines:
        lines = ["the order of channel_configs entries changed"]
    return lines
