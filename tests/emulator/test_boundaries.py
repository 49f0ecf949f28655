"""The emulator stands alone: it never imports the flexconv client, httpx, or its optional
server dependencies outside server.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EMULATOR = Path(__file__).resolve().parents[2] / "flexconv" / "emulator"
FORBIDDEN = (
    "httpx",
    "flexconv._async",
    "flexconv._sync",
    "flexconv._core",
    "flexconv.models",
    "flexconv._transport",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted(EMULATOR.glob("*.py")), ids=lambda p: p.name)
def test_no_client_or_httpx_imports(path: Path) -> None:
    for module in imported_modules(path):
        assert not any(module == f or module.startswith(f + ".") for f in FORBIDDEN), (
            path.name,
            module,
        )
        if path.name != "server.py":
            assert module.split(".")[0] not in ("starlette", "uvicorn"), (path.name, module)
