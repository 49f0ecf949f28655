"""Every Python example in README.md and docs/ runs against a seeded emulator, in every tab.

One test per page and tab (``tests/test_docs.py::test_doc_page[docs/guides/attachments.md-sync]``);
see tests/docs_blocks.py for the rules. The examples run exactly as written: ``FlexConv()`` finds
the emulator through the environment.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs_blocks import (
    REPO,
    DocExampleError,
    blocks_for,
    doc_files,
    page_blocks,
    run_blocks,
    variants,
)

PAGES = [
    pytest.param(path, variant, id=f"{path.relative_to(REPO)}-{variant}")
    for path in doc_files()
    if page_blocks(path)
    for variant in variants(path)
]


@pytest.fixture
def served_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A seeded emulator on loopback that ``FlexConv()`` reaches through the environment."""
    pytest.importorskip("uvicorn", reason="the docs run needs the 'emulator' extra")
    from flexconv.emulator import Emulator
    from flexconv.emulator.server import ServerThread

    emu = Emulator.from_scenario()
    with ServerThread(emu, auto_tick=True) as server:
        for name in ("TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_REGION", "TWILIO_EDGE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", emu.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", emu.auth_token)
        monkeypatch.setenv("FLEXCONV_BASE_URL", server.url)
        monkeypatch.chdir(tmp_path)
        yield server.url


@pytest.mark.parametrize(("path", "variant"), PAGES)
def test_doc_page(path: Path, variant: str, served_account: str) -> None:
    namespace = run_blocks(blocks_for(path, variant))
    _close_clients(namespace)
    del namespace
    # A script's end closes what it left open (a client rebound by a later example) silently;
    # collect it here, so that its sockets do not warn in whichever test runs next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _close_clients(namespace: dict[str, object]) -> None:
    """Close the clients a page left open, as the end of a reader's script would."""
    from flexconv import AsyncFlexConv, FlexConv

    for value in namespace.values():
        if isinstance(value, FlexConv):
            value.close()
        elif isinstance(value, AsyncFlexConv):
            asyncio.run(value.aclose())


def test_pages_with_examples_are_collected() -> None:
    collected = {p.values[0] for p in PAGES}
    assert REPO / "README.md" in collected
    assert any(p.parent.name == "guides" for p in collected)


# ------------------------------------------------------------------------------------------
# The runner itself: a broken example, a wrong output and a tabbed page are caught.

PAGE = """# A page

```python
x = 2
```

=== "Sync"

    ```python
    print(x * 3)
    ```

    ```output
    6
    ```

=== "Async"

    ```python
    import asyncio

    async def main() -> None:
        print(x * 4)

    asyncio.run(main())
    ```

Back at column 0.

<!-- docs-test: skip needs a real account -->
```python
raise SystemExit("never runs")
```

```bash
echo not python
```
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "probe.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_tabs_make_variants_and_skips_are_kept(page: Path) -> None:
    assert variants(page) == ["async", "sync"]
    blocks = page_blocks(page)
    assert [b.tab for b in blocks] == [None, "sync", "async", None]
    assert blocks[1].output == "6\n"
    assert blocks[1].line == 10
    assert blocks[3].skip == "needs a real account"
    assert [b.line for b in blocks_for(page, "sync")] == [4, 10, 32]
    run_blocks(blocks_for(page, "sync"))
    run_blocks(blocks_for(page, "async"))


def test_a_wrong_output_fails(page: Path) -> None:
    page.write_text(PAGE.replace("    6\n", "    7\n"), encoding="utf-8")
    with pytest.raises(
        DocExampleError,
        match=r"probe\.md:10 printed something else[^\n]*\nExpected:\n\s+7\nGot:\n\s+6",
    ):
        run_blocks(blocks_for(page, "sync"))


def test_a_broken_example_fails_with_the_page_line(page: Path) -> None:
    page.write_text(PAGE.replace("print(x * 4)", "print(y * 4)"), encoding="utf-8")
    with pytest.raises(
        DocExampleError, match=r"probe\.md:23 \(block from line 20\) raised NameError"
    ):
        run_blocks(blocks_for(page, "async"))


def test_a_page_runs_without_the_runners_future_imports(tmp_path: Path) -> None:
    page = tmp_path / "annotations.md"
    page.write_text(
        "```python\ndef f(x: int) -> None: ...\nprint(f.__annotations__['x'] is int)\n```\n\n"
        "```output\nTrue\n```\n",
        encoding="utf-8",
    )
    run_blocks(blocks_for(page, "page"))


def test_tabs_inside_a_list_item_are_tabs(tmp_path: Path) -> None:
    page = tmp_path / "nested.md"
    page.write_text(
        "1. A step:\n\n"
        '    === "Sync"\n\n'
        "        ```python\n        print('sync')\n        ```\n\n"
        '    === "Async"\n\n'
        "        ```python\n        print('async')\n        ```\n\n"
        "2. Next step.\n\n"
        "```python\nprint('both')\n```\n",
        encoding="utf-8",
    )
    assert variants(page) == ["async", "sync"]
    assert [b.tab for b in page_blocks(page)] == ["sync", "async", None]
    assert [b.code for b in blocks_for(page, "sync")] == ["print('sync')\n", "print('both')\n"]
