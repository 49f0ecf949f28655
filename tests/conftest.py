"""Shared fixtures for every test under tests/."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_twilio_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may pick up real credentials or settings from the developer's environment."""
    for name in list(os.environ):
        if name.startswith("TWILIO_"):
            monkeypatch.delenv(name)


def _whole_suite(config: pytest.Config) -> bool:
    """Whether this run is the full suite (no paths, -k, -m or --deselect narrowing it)."""
    return (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.option.keyword
        and not config.option.markexpr
        and not config.option.deselect
    )


#: Products the emulator models that Twilio's bundled OpenAPI specs do not describe, so the surface
#: check below cannot hold them to a spec: ``mcs``, the Media Content Service that takes media
#: uploads (``flexconv/emulator/conversations/media.py``), and ``monitor``, the account's alerts
#: (``flexconv/emulator/monitor/``); their behaviour is tested in
#: tests/emulator/test_twilio_behaviour_*.py. Every other route must be in the specs.
OUTSIDE_THE_SPECS = frozenset({"mcs", "monitor"})


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On a full run, fail unless every route the emulator models exists in Twilio's spec and
    answered a spec-checked success somewhere in the suite (the emulator's whole surface)."""
    if exitstatus != 0 or not _whole_suite(session.config):
        return
    from flexconv.emulator import Emulator
    from tests.spec_check import CHECKED_SUCCESSES, spec_operation_for_template

    problems = []
    for method, product, template in Emulator().templates():
        if product in OUTSIDE_THE_SPECS:
            continue
        op = spec_operation_for_template(product, method, template)
        if op is None:
            problems.append(f"{method} {product} {template}: not in Twilio's spec")
        elif (op.product, op.method, op.spec_path) not in CHECKED_SUCCESSES:
            problems.append(f"{method} {product} {template}: no spec-checked success in the suite")
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["", "emulator surface check failed:", *(f"  {p}" for p in problems)]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server on 127.0.0.1 for this test session (see tests/redis_helpers.py)."""
    from tests.redis_helpers import redis_server

    with redis_server() as url:
        yield url
