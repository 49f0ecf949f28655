"""Find the Python examples in README.md and docs/, and run them the way a reader would.

A page's fenced ``python`` blocks run in order in one namespace, as if pasted into one script.
Blocks inside mkdocs-material content tabs (``=== "Sync"`` / ``=== "Async"``, their content
indented by four spaces; a tab group may itself be indented, e.g. inside a list item) make variants: the page runs once per tab label, each run taking the untabbed blocks and
the blocks of that tab. A block followed directly by a fenced ``output`` block must print exactly
that (doctest's rules: ``...`` matches anything, runs of white space are equal). An HTML comment
``<!-- docs-test: skip REASON -->`` on the line before a block leaves it out, with the reason.

The runner (tests/test_docs.py) points ``FlexConv()`` at a freshly seeded emulator served on
loopback through ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``FLEXCONV_BASE_URL``, so the
examples run exactly as written.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_TAB = re.compile(r'^(\s*)=== "([^"]+)"\s*$')
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
_SKIP = re.compile(r"<!--\s*docs-test:\s*skip\b\s*(.*?)\s*-->")
_PYTHON = frozenset({"python", "py", "python3"})


@dataclass(frozen=True)
class Block:
    """One fenced Python block of a page."""

    path: Path
    line: int  # 1-based line of the block's first code line
    code: str
    tab: str | None
    output: str | None
    skip: str | None

    @property
    def page(self) -> str:
        """The page's path relative to the repository (or as given, for a page elsewhere)."""
        return (
            str(self.path.relative_to(REPO)) if self.path.is_relative_to(REPO) else str(self.path)
        )

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass(frozen=True)
class Fence:
    start: int  # index of the opening fence line
    end: int  # index of the closing fence line
    lang: str
    body: list[str]
    tab: str | None


def doc_files() -> list[Path]:
    """README.md and every Markdown page under docs/, in a stable order."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def _fences(lines: list[str]) -> Iterator[Fence]:
    tab: str | None = None
    tab_indent = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        tab_match = _TAB.match(line)
        if tab_match:
            tab = tab_match.group(2).strip().lower()
            tab_indent = len(tab_match.group(1).expandtabs())
            i += 1
            continue
        indent_width = len(line) - len(line.lstrip())
        if tab is not None and line.strip() and indent_width <= tab_indent:
            tab = None  # a line no deeper than the tab marker ends the tab group
        fence = _FENCE.match(line)
        if not fence:
            i += 1
            continue
        indent, marker, lang = fence.group(1), fence.group(2), fence.group(3).lower()
        end = i + 1
        while end < len(lines) and not (
            lines[end].strip().startswith(marker) and lines[end].strip().strip(marker[0]) == ""
        ):
            end += 1
        if end >= len(lines):
            raise ValueError(f"unclosed code fence opened at line {i + 1}")
        body = [
            raw[len(indent) :] if raw.startswith(indent) else raw.lstrip()
            for raw in lines[i + 1 : end]
        ]
        yield Fence(i, end, lang, body, tab)
        i = end + 1


def page_blocks(path: Path) -> list[Block]:
    """The Python blocks of one Markdown page, with their expected output and skip reasons."""
    lines = path.read_text(encoding="utf-8").splitlines()
    fences = list(_fences(lines))
    blocks = []
    for n, fence in enumerate(fences):
        if fence.lang not in _PYTHON:
            continue
        output = None
        after = fences[n + 1] if n + 1 < len(fences) else None
        if (
            after is not None
            and after.lang == "output"
            and all(not x.strip() for x in lines[fence.end + 1 : after.start])
        ):
            output = "\n".join(after.body) + "\n"
        before = next((x for x in reversed(lines[: fence.start]) if x.strip()), "")
        skip = _SKIP.search(before)
        blocks.append(
            Block(
                path=path,
                line=fence.start + 2,
                code="\n".join(fence.body) + "\n",
                tab=fence.tab,
                output=output,
                skip=(skip.group(1) or "no reason given") if skip else None,
            )
        )
    return blocks


def variants(path: Path) -> list[str]:
    """The runs a page needs: one per tab label, or ``page`` when it has no tabs."""
    tabs = sorted({b.tab for b in page_blocks(path) if b.tab is not None})
    return tabs or ["page"]


def blocks_for(path: Path, variant: str) -> list[Block]:
    """The blocks one run of a page executes, in page order."""
    return [b for b in page_blocks(path) if b.tab is None or b.tab == variant]


class DocExampleError(AssertionError):
    """A documentation example failed or printed something else than its page says."""


_CHECKER = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _failing_line(exc: BaseException, block: Block) -> int:
    """The page line where ``exc`` was raised: the innermost frame of the block's own code."""
    if isinstance(exc, SyntaxError) and exc.filename == block.page and exc.lineno:
        return exc.lineno
    line = block.line
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == block.page:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def run_blocks(blocks: list[Block]) -> dict[str, object]:
    """Execute blocks in order in one namespace and return it; raise DocExampleError naming the
    failing block."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    for block in blocks:
        if block.skip is not None:
            continue
        # Pad with blank lines so tracebacks point at the page's own line numbers.
        source = "\n" * (block.line - 1) + block.code
        printed = io.StringIO()
        try:
            # dont_inherit: the page runs as a reader's script would, without this module's
            # `from __future__ import annotations`.
            code = compile(source, block.page, "exec", dont_inherit=True)
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
        except BaseException as exc:
            raise DocExampleError(
                f"the example at {block.page}:{_failing_line(exc, block)} (block from line "
                f"{block.line}) raised {type(exc).__name__}: {exc}\n"
                f"it printed:\n{printed.getvalue()}"
            ) from exc
        if block.output is not None and not _CHECKER.check_output(
            block.output, printed.getvalue(), _FLAGS
        ):
            raise DocExampleError(
                f"the example at {block.where} printed something else than its page shows:\n"
                + _CHECKER.output_difference(
                    doctest.Example("", block.output), printed.getvalue(), _FLAGS
                )
            )
    return namespace
