"""The project's own files keep a fresh clone on any supported Python working."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _session_pythons(tree: ast.Module) -> list[ast.expr | None]:
    constants = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: list[ast.expr | None] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "nox.session":
                value = next((k.value for k in deco.keywords if k.arg == "python"), None)
                if isinstance(value, ast.Name):
                    value = constants.get(value.id)
                found.append(value)
    return found


def test_nox_sessions_run_on_the_interpreter_present() -> None:
    """No session pins a Python version: a machine with only 3.10, 3.12 or 3.13 runs them all."""
    pythons = _session_pythons(ast.parse((REPO / "noxfile.py").read_text()))
    assert len(pythons) >= 5
    pinned = [ast.unparse(p) for p in pythons if p is not None and ast.unparse(p) != "None"]
    assert pinned == []


def test_supported_pythons_match_the_package_metadata() -> None:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert meta["project"]["requires-python"] == ">=3.10"
    assert meta["tool"]["ruff"]["target-version"] == "py310"
    assert meta["tool"]["mypy"]["python_version"] == "3.10"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text().split("```")[1]
    commands = [line.split("#")[0].strip() for line in readme.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert commands[1] in [line.strip() for line in ci]
