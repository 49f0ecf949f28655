"""A Griffe extension for the API reference: attribute descriptions from the two other places
flexconv writes them.

Griffe reads an attribute's docstring from the string right after it.  flexconv also documents
attributes with ``#:`` comments above them and in the ``Attributes:`` section of a class
docstring; this extension gives such an attribute that text as its docstring, so every field is
rendered with its type and meaning.  Loaded by mkdocstrings (``extensions:`` in mkdocs.yml).
"""

from __future__ import annotations

import ast
import re
from typing import Any

import griffe

_SECTION = re.compile(r"^(\s*)Attributes:\s*$")


def _doc_comment(attr: griffe.Attribute) -> str | None:
    """The ``#:`` comment lines right above the attribute, joined."""
    if attr.lineno is None:
        return None
    lines = attr.module.lines
    texts: list[str] = []
    row = attr.lineno - 2
    while row >= 0 and lines[row].strip().startswith("#:"):
        texts.insert(0, lines[row].strip()[2:].strip())
        row -= 1
    return " ".join(texts) or None


def _attributes_section(cls: griffe.Class) -> dict[str, str]:
    """``name: text`` entries of a Google-style ``Attributes:`` section in the class docstring."""
    if cls.docstring is None:
        return {}
    entries: dict[str, str] = {}
    lines = cls.docstring.value.splitlines()
    inside, indent, current = False, -1, ""
    for line in lines:
        match = _SECTION.match(line)
        if match:
            inside, indent, current = True, -1, ""
            continue
        if not inside:
            continue
        if not line.strip():
            continue
        width = len(line) - len(line.lstrip())
        if indent < 0:
            indent = width
        if width < indent:
            inside = False
            continue
        entry = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s*\([^)]*\))?:\s*(.*)$", line)
        if width == indent and entry:
            current = entry.group(1)
            entries[current] = entry.group(2)
        elif current:
            entries[current] += " " + line.strip()
    return entries


class FieldDocs(griffe.Extension):
    """Fill in attribute docstrings from ``#:`` comments and ``Attributes:`` sections."""

    def on_attribute_instance(
        self, *, node: ast.AST | griffe.ObjectNode, attr: griffe.Attribute, **kwargs: Any
    ) -> None:
        if attr.docstring is not None:
            return
        text = _doc_comment(attr)
        if text is None and isinstance(attr.parent, griffe.Class):
            text = _attributes_section(attr.parent).get(attr.name)
        if text:
            attr.docstring = griffe.Docstring(text, lineno=attr.lineno, parent=attr)
