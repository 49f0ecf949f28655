"""The emulator's boundaries, checked on the source (AST), not at run time.

- The emulator stands alone: it never imports the flexconv client, httpx, or its optional server
  dependencies outside server.py.
- Products (one package each) talk to each other only through the other product's `api` module
  and its public methods: never by importing another product's state/entities modules, never
  through its dictionaries (`emu.conversations.conversations.get(...)`), never through its
  private names.  A product sees the emulator only through its `host` protocol, never by
  importing the front object.
- Every module stays small enough to read in one sitting.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EMULATOR = Path(__file__).resolve().parents[2] / "flexconv" / "emulator"
PACKAGE = "flexconv.emulator"
PRODUCTS = ("taskrouter", "conversations", "flex", "studio", "messages", "messaging")
FORBIDDEN = (
    "httpx",
    "flexconv._async",
    "flexconv._sync",
    "flexconv._core",
    "flexconv.models",
    "flexconv._transport",
)
#: Emulator modules outside the products that a product must not import (it gets the emulator
#: through its `host` protocol instead).
FRONT_MODULES = ("emulator", "simulation", "scenario", "server")
MAX_LINES = 550

MODULES = sorted(EMULATOR.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(EMULATOR).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def product_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) > 2 and parts[2] in PRODUCTS and module.startswith(PACKAGE + "."):
        return parts[2]
    return None


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute names of the modules `source` (the text of `module`) imports."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, node.module] if node.module else parts)
            found.add(base)
            # `from flexconv.emulator.flex import state` imports a module too
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Imports of another product's internals (anything but its `api`), or of the front."""
    own = product_of(module)
    problems = []
    for name in sorted(imported_modules(source, module, is_package=is_package)):
        other = product_of(name)
        if other is not None and other != own:
            allowed = {f"{PACKAGE}.{other}.api"}
            if own is None:  # the front may also use a product package's re-exports
                allowed.add(f"{PACKAGE}.{other}")
            parent = name.rpartition(".")[0]
            if name not in allowed and parent not in allowed:
                problems.append(f"imports {name}")
        if own is not None and any(name == f"{PACKAGE}.{m}" for m in FRONT_MODULES):
            problems.append(f"imports the front module {name}")
    return problems


def _is_container(value: ast.expr | None, annotation: ast.expr | None) -> bool:
    if annotation is not None:
        head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        if isinstance(head, ast.Name) and head.id in ("dict", "list", "set", "deque"):
            return True
    if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        # dict(), list(), set() or a new mutable state object (ServiceWebhooks(), ...)
        return value.func.id in ("dict", "list", "set") or value.func.id[:1].isupper()
    return False


def containers_of(product: str) -> set[str]:
    """The product's state holders: `self.X` attributes bound to dicts, lists, sets or objects."""
    found: set[str] = set()
    for path in sorted((EMULATOR / product).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            annotation: ast.expr | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign):
                targets, value, annotation = [node.target], node.value, node.annotation
            for t in targets:
                if (
                    isinstance(t, ast.Attribute)
                    and isinstance(t.value, ast.Name)
                    and t.value.id == "self"
                    and _is_container(value, annotation)
                ):
                    found.add(t.attr)
    return found


CONTAINERS = {p: containers_of(p) for p in PRODUCTS}


def _product_ref(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """`Q` when `node` is `<...>.emu.Q` (or a local alias of it) for a product `Q`."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if (
        isinstance(node, ast.Attribute)
        and node.attr in PRODUCTS
        and (
            (isinstance(node.value, ast.Attribute) and node.value.attr == "emu")
            or (isinstance(node.value, ast.Name) and node.value.id == "emu")
        )
    ):
        return node.attr
    return None


def reach_violations(
    source: str, module: str, containers: dict[str, set[str]] = CONTAINERS
) -> list[str]:
    """Uses of another product's private names or state holders through the front object."""
    own = product_of(module)
    if own is None:
        return []
    problems = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        aliases: dict[str, str] = {}
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                ref = _product_ref(node.value, {})
                if isinstance(target, ast.Name) and ref is not None:
                    aliases[target.id] = ref
        for node in ast.walk(func):
            if not isinstance(node, ast.Attribute):
                continue
            other = _product_ref(node.value, aliases)
            if other is None or other == own:
                continue
            if node.attr.startswith("_"):
                problems.append(f"uses {other}.{node.attr} (private) at line {node.lineno}")
            elif node.attr in containers[other]:
                problems.append(f"reaches into {other}.{node.attr} at line {node.lineno}")
    return problems


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(EMULATOR)))
def test_no_client_or_httpx_imports(path: Path) -> None:
    name = module_name(path)
    for module in imported_modules(path.read_text(), name, is_package=path.stem == "__init__"):
        assert not any(module == f or module.startswith(f + ".") for f in FORBIDDEN), (
            path.name,
            module,
        )
        if path.name != "server.py":
            assert module.split(".")[0] not in ("starlette", "uvicorn"), (path.name, module)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(EMULATOR)))
def test_products_import_each_other_only_through_api(path: Path) -> None:
    name = module_name(path)
    assert import_violations(path.read_text(), name, is_package=path.stem == "__init__") == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(EMULATOR)))
def test_products_never_reach_into_each_other(path: Path) -> None:
    assert reach_violations(path.read_text(), module_name(path)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(EMULATOR)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(EMULATOR)} has {lines} lines"


def test_every_product_is_a_package_with_an_api_module() -> None:
    for product in PRODUCTS:
        assert (EMULATOR / product / "api.py").is_file(), product
        assert not (EMULATOR / f"{product}.py").exists(), product


def test_known_state_holders_are_found() -> None:
    assert {"conversations", "addresses", "roles"} <= CONTAINERS["conversations"]
    assert {"workspaces"} <= CONTAINERS["taskrouter"]
    assert {"configuration", "interactions"} <= CONTAINERS["flex"]
    assert {"flows", "executions"} <= CONTAINERS["studio"]
    assert "chat_service_sid" not in CONTAINERS["conversations"]


# The checks catch what they are for (each of these is a violation they must report).


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from flexconv.emulator.conversations.state import ConversationsState", "flex.channels"),
        ("from flexconv.emulator.conversations.entities import Conversation", "flex.channels"),
        ("from ..conversations.entities import Conversation", "flex.channels"),
        ("from ..conversations import entities", "flex.channels"),
        ("import flexconv.emulator.taskrouter.routing", "flex.reactions"),
        ("from flexconv.emulator.taskrouter import Task", "flex.reactions"),
        ("from flexconv.emulator.emulator import Emulator", "studio.state"),
        ("from ..simulation import Simulation", "studio.state"),
        ("from .taskrouter.state import TaskRouterState", "simulation"),
    ],
)
def test_import_check_reports_a_reach_into_another_product(source: str, module: str) -> None:
    assert import_violations(source, f"{PACKAGE}.{module}") != []


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from flexconv.emulator.conversations.api import Conversation", "flex.channels"),
        ("from ..taskrouter.api import Task", "flex.reactions"),
        ("from flexconv.emulator.flex.entities import Interaction", "flex.state"),
        ("from .taskrouter import Worker", "simulation"),
        ("from .flex.api import worker_identity", "simulation"),
    ],
)
def test_import_check_allows_the_api(source: str, module: str) -> None:
    assert import_violations(source, f"{PACKAGE}.{module}") == []


@pytest.mark.parametrize(
    ("body", "module"),
    [
        ("conv = self.emu.conversations.conversations.get(sid)", "flex.channels"),
        (
            "convs = self.emu.conversations\n    conv = convs.conversations.get(sid)",
            "flex.channels",
        ),
        ("tr = self.emu.taskrouter\n    return tr.workspaces", "flex.channels"),
        ("return self.emu.flex.configuration.get('x')", "studio.runner"),
        ("return self.emu.flex._channel_of_task(task)", "studio.runner"),
        ("return emu.studio.flows", "conversations.events"),
    ],
)
def test_reach_check_reports_another_products_state(body: str, module: str) -> None:
    source = f"def f(self, sid, task, emu):\n    {body}\n"
    assert reach_violations(source, f"{PACKAGE}.{module}") != []


def test_reach_check_allows_public_methods_and_own_state() -> None:
    source = (
        "def f(self, sid):\n"
        "    conv = self.emu.conversations.find(sid)\n"
        "    convs = self.emu.conversations\n"
        "    convs.close(conv)\n"
        "    return self.emu.taskrouter.get_task('WS', sid), self.interactions\n"
    )
    assert reach_violations(source, f"{PACKAGE}.flex.channels") == []
