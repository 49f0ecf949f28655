"""The one way to run flexconv's checks: `nox` runs them all; `nox -s NAME` runs one.

CI runs exactly `nox` (see .ci/run and the README).
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "codegen", "tests", "docs"]
nox.options.error_on_missing_interpreters = True

# No pin: every session runs on the interpreter that runs nox (any CPython 3.10-3.13), so a
# machine with only one Python passes the same checks CI runs.
PYTHON = None
TEST_DEPS = [
    "pytest>=8",
    "pytest-asyncio>=0.24",
    "respx>=0.21",
    "hypothesis>=6.100",
    "jsonschema>=4.20",
    "openapi-schema-validator>=0.6",
    # the events guide's ASGI example mounts the receiver in a Starlette app
    "starlette>=0.37",
    # the FastAPI backend in docs/testing.md, which the docs run executes (forms need multipart)
    "fastapi>=0.115",
    "python-multipart>=0.0.9",
    # the "receive webhooks" guide runs its Flask example
    "flask>=3",
]
LINT_DEPS = ["ruff==0.17.6"]
TYPE_DEPS = ["mypy==2.4.1", "types-PyYAML", "pytest>=8"]
# ruff formats the rendered signatures (mkdocstrings' separate_signature); mkdocs-jupyter
# executes and renders the example notebook on the ipykernel kernel
DOCS_DEPS = [
    "mkdocs-material>=9.5",
    "mkdocstrings[python]>=0.26",
    *LINT_DEPS,
    "mkdocs-jupyter>=0.25",
    "ipykernel>=6.29",
]


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*LINT_DEPS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on flexconv/ (both colours)."""
    session.install("-e", ".[emulator,yaml,redis]", *TYPE_DEPS)
    session.run("mypy", "--strict", "flexconv")


@nox.session(python=PYTHON)
def codegen(session: nox.Session) -> None:
    """Fail when flexconv/_sync or tests/_sync is stale against its async source."""
    session.run("python", "scripts/unasync.py", "--check", external=True)


@nox.session(python=PYTHON, name="codegen-write")
def codegen_write(session: nox.Session) -> None:
    """Regenerate the sync trees from the async sources."""
    session.run("python", "scripts/unasync.py", external=True)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """pytest over both colours, the core, the emulator and the conformance checks."""
    session.install("-e", ".[emulator,yaml,redis]", *TEST_DEPS)
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """mkdocs build --strict, then check the built site (fields, links, no raw Sphinx roles)."""
    session.install("-e", ".[emulator]", *DOCS_DEPS)
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")
    session.run("python", "scripts/check_docs_site.py", "site")
