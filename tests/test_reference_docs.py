"""The API reference shows every field with its meaning and renders links, not Sphinx roles.

The full check runs on the built site in ``nox -s docs`` (scripts/check_docs_site.py); these
tests cover the sources it renders from, and the checker itself.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROLE = re.compile(r":(?:meth|class|func|attr|exc|mod|data|obj):`")


def _fields_without_docstring(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for i, stmt in enumerate(node.body):
            if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
                continue
            name = stmt.target.id
            if name.startswith("_") or "ClassVar" in ast.unparse(stmt.annotation):
                continue
            following = node.body[i + 1] if i + 1 < len(node.body) else None
            documented = (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
                and following.value.value.strip()
            )
            if not documented:
                yield f"{path.relative_to(ROOT)}: {node.name}.{name}"


def test_every_model_field_has_a_docstring() -> None:
    missing = [
        field
        for path in sorted((ROOT / "flexconv" / "models").glob("*.py"))
        for field in _fields_without_docstring(path)
    ]
    assert missing == []


def test_the_channels_model_documents_studio_flow_sid() -> None:
    source = (ROOT / "flexconv" / "models" / "channels.py").read_text()
    assert re.search(r'studio_flow_sid: str \| None = None\n\s+"""SID \(`FW…`\)', source)


def test_no_sphinx_role_in_the_package() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted((ROOT / "flexconv").rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE.search(line)
    ]
    assert found == []


@pytest.fixture
def site_check() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location(
        "check_docs_site_under_test", ROOT / "scripts" / "check_docs_site.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_site_check_catches_raw_roles_and_undocumented_fields(
    site_check: ModuleType, tmp_path: Path
) -> None:
    page = tmp_path / "reference" / "channels" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<p>Call :meth:`close` when done.</p>\n"
        '<h2 id="flexconv._sync.client.FlexConv" class="doc doc-heading">FlexConv</h2>'
        "<p>Call <code>aclose()</code> when done.</p>\n"
        '<h3 id="flexconv.models.channels.AutoCreation.studio_flow_sid" class="doc doc-heading">'
        "studio_flow_sid</h3><div class='doc doc-contents'><p>The flow.</p></div>\n"
        '<h3 id="flexconv.models.channels.AutoCreation.webhook_url" class="doc doc-heading">'
        "webhook_url</h3><div class='doc doc-contents'></div>\n"
    )
    problems = site_check.check(tmp_path)
    assert any("raw Sphinx role" in p and ":meth:`close`" in p for p in problems)
    assert any("AutoCreation.webhook_url has no description" in p for p in problems)
    assert not any("AutoCreation.studio_flow_sid" in p for p in problems)
    assert any(
        "field flexconv.models.channels.Address.address is not on the site" in p for p in problems
    )
    assert "missing page: notebook/index.html" in problems
    assert any("the sync flexconv._sync.client.FlexConv speaks of 'aclose'" in p for p in problems)
