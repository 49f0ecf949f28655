#!/usr/bin/env python3
"""Check the built documentation site (run by ``nox -s docs`` after ``mkdocs build``).

Fails, listing every problem, when:

- a Sphinx role (``:meth:``, ``:class:``…) survived into the HTML instead of becoming a link;
- a field of a documented attrs class or dataclass (every response model, every typed input on
  the reference pages) has no heading on the site or no description under it;
- the documentation of a sync object speaks of ``aclose``, ``async with``, ``await`` or an
  ``Async…`` class;
- a cross reference was left unresolved (autorefs' ``autorefs-internal``/``unresolved`` marks);
- the example notebook is missing from the site, or shows no model table (not executed).

Usage: ``python scripts/check_docs_site.py [SITE_DIR]`` (default ``site``).
"""

from __future__ import annotations

import dataclasses
import html
import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLE = re.compile(r":(?:meth|class|func|attr|exc|mod|data|obj|py:[a-z]+):`")
HEADING_ID = re.compile(r'<h[1-6] id="([A-Za-z0-9_.]+)"[^>]*class="doc doc-heading"')
#: What the documentation of a sync object must not say (the codegen renames it in docstrings).
ASYNC_PHRASES = re.compile(r"\baclose\b|\basync (?:with|for)\b|\bawait |\bAsync[A-Z]\w*")
DIRECTIVE = re.compile(r"^::: ([A-Za-z0-9_.]+)", re.MULTILINE)
#: The pages that must exist besides the reference: the rendered example notebook.
REQUIRED_PAGES = ("notebook/index.html",)


def _fields(obj: object) -> list[str]:
    """The public field names of an attrs class or dataclass (empty for anything else)."""
    if not isinstance(obj, type):
        return []
    try:
        import attrs
    except ImportError:  # pragma: no cover - flexconv depends on attrs
        attrs = None  # type: ignore[assignment]
    if attrs is not None and attrs.has(obj):
        # inherited fields (the models' ``extra``) are documented on the base class
        return [f.name for f in attrs.fields(obj) if not f.name.startswith("_") and not f.inherited]
    if dataclasses.is_dataclass(obj):
        return [f.name for f in dataclasses.fields(obj) if not f.name.startswith("_")]
    return []


def _resolve(path: str) -> object:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(path)


def documented_classes() -> dict[str, type]:
    """Every class the reference renders (directly or as a module member), by identifier."""
    found: dict[str, type] = {}
    for page in sorted((ROOT / "docs" / "reference").glob("*.md")):
        for ident in DIRECTIVE.findall(page.read_text()):
            obj = _resolve(ident)
            if isinstance(obj, type):
                found[ident] = obj
            elif hasattr(obj, "__all__"):
                for name in obj.__all__:
                    member = getattr(obj, name)
                    if isinstance(member, type) and member.__module__ == obj.__name__:
                        found[f"{ident}.{name}"] = member
    return found


def _sections(site: Path) -> dict[str, tuple[str, str]]:
    """Heading id -> (page, the HTML from that heading to the next one)."""
    out: dict[str, tuple[str, str]] = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text()
        marks = list(HEADING_ID.finditer(text))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            out.setdefault(
                mark.group(1), (page.relative_to(site).as_posix(), text[mark.end() : end])
            )
    return out


def check(site: Path) -> list[str]:
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        text = html.unescape(page.read_text())
        for match in ROLE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            snippet = text[match.start() : match.start() + 60].split("\n")[0]
            problems.append(f"{page.relative_to(site)}:{line}: raw Sphinx role {snippet!r}")
        for match in re.finditer(r"autorefs-(?:internal|external)[^>]*>", text):
            if "unresolved" in match.group(0):
                problems.append(f"{page.relative_to(site)}: unresolved cross reference")
    sections = _sections(site)
    for ident, (page, body) in sections.items():
        if "._sync." not in ident:
            continue
        own = html.unescape(re.sub(r"<[^>]+>", "", body.split('class="doc doc-children"')[0]))
        for phrase in ASYNC_PHRASES.findall(own):
            problems.append(f"{page}: the sync {ident} speaks of {phrase!r}")
    for ident, cls in documented_classes().items():
        for name in _fields(cls):
            anchor = f"{ident}.{name}"
            if anchor not in sections:
                problems.append(f"field {anchor} is not on the site")
                continue
            page, body = sections[anchor]
            contents = body.split('class="doc doc-children"')[0]
            if "<p>" not in contents:
                problems.append(f"{page}: field {anchor} has no description")
    for required in REQUIRED_PAGES:
        if not (site / required).is_file():
            problems.append(f"missing page: {required}")
    notebook = site / "notebook" / "index.html"
    if notebook.is_file() and 'class="flexconv-model"' not in notebook.read_text():
        problems.append(
            "notebook/index.html: no model rendered as a table (executed outputs missing)"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0]) if args else ROOT / "site"
    problems = check(site)
    if problems:
        print(f"docs site check failed ({len(problems)} problems):")
        print("\n".join(problems))
        return 1
    print("docs site check: fields documented, cross references resolved, no raw roles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
