"""The sync codegen (scripts/unasync.py): docstrings are renamed too, stale rules fail the check."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import flexconv

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "unasync.py"


@pytest.fixture
def unasync() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("unasync_under_test", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_sync_client_docstring_speaks_of_close_and_with() -> None:
    doc = flexconv.FlexConv.__doc__ or ""
    assert "close()" in doc
    assert "with FlexConv() as client" in doc
    assert "aclose" not in doc
    assert "async with" not in doc
    assert "await" not in doc
    assert "AsyncFlexConv" not in doc


def test_sync_modules_name_no_async_identifier_in_docs() -> None:
    from flexconv._sync import client, interactions

    assert "AsyncFlexConv" not in (client.__doc__ or "")
    source = Path(interactions.__file__).read_text()
    assert "AsyncInteractions" not in source


def test_docstrings_and_doc_comments_are_renamed(unasync: ModuleType) -> None:
    source = '''"""Module of ``AsyncThing``; see flexconv._async.client.AsyncFlexConv."""

#: Read by :meth:`AsyncThing.aclose`.
LIMIT = 3
# an ordinary comment about aclose stays


class AsyncThing:
    """Use ``async with AsyncThing() as t:`` or ``await t.aclose()``.

    ``async for page in t.pages():`` walks it; the async client awaits.
    """

    label = "aclose"
    text = "async with aclose()"

    async def aclose(self) -> None:
        """Close; ``await thing.aclose()``."""
        await other.aclose()
'''
    out = unasync.transform(source)
    assert '"""Module of ``Thing``; see flexconv._sync.client.FlexConv."""' in out
    assert "#: Read by :meth:`Thing.close`." in out
    assert "# an ordinary comment about aclose stays" in out
    assert "Use ``with Thing() as t:`` or ``t.close()``." in out
    assert "``for page in t.pages():`` walks it; the async client awaits." in out
    assert 'label = "close"' in out  # a string that is exactly one identifier
    assert 'text = "async with aclose()"' in out  # any other string is left alone
    assert "    def close(self) -> None:" in out
    assert '"""Close; ``thing.close()``."""' in out
    assert "        other.close()" in out


def test_the_tree_is_fresh_and_every_rule_matches(
    unasync: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert unasync.main(["--check"]) == 0, capsys.readouterr().out


def test_a_rule_that_never_matches_fails_the_check(
    unasync: ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(unasync.RENAMES, "never_written_anywhere", "something")
    monkeypatch.setitem(unasync.RENAMES, "also_never_written", "other")
    assert unasync.main(["--check"]) == 1
    out = capsys.readouterr().out
    # loud and complete: every stale rule is named
    assert "stale rule: 'never_written_anywhere'" in out
    assert "stale rule: 'also_never_written'" in out
