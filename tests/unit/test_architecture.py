"""The import graph keeps its shape: no cycles, and no arrow the design forbids (each reported as file:line).

Cycles count module-level imports (an import inside a function runs later and cannot deadlock a load);
forbidden arrows count every import, wherever it is written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ROOTS = {  # folder -> the package prefix its modules are imported under
    REPO_ROOT / "layers" / "common" / "python" / "gateway": "gateway",
    REPO_ROOT / "functions": "functions",
    REPO_ROOT / "local_runtime": "local_runtime",
    REPO_ROOT / "bench": "bench",
    REPO_ROOT / "devkit": "devkit",
}
AWS_LIBRARIES = ("boto3", "botocore", "pynamodb", "chalice")
HOSTING = ("local_runtime", "devkit", "tests", "bench")


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    where: str  # file:line
    module_level: bool


def _modules() -> dict[str, Path]:
    found = {}
    for folder, prefix in ROOTS.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((prefix, *parts))] = path
    return found


def _imports(tree: ast.AST, module_level: bool = True) -> Iterator[tuple[ast.stmt, bool]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, module_level
        elif (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)) or isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
        ):
            yield from _imports(node, module_level=False)
        elif isinstance(node, ast.stmt):
            yield from _imports(node, module_level)


def import_graph() -> list[Arrow]:
    modules = _modules()
    arrows = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, module_level in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            where = f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
            arrows += [Arrow(name, target, where, module_level) for target in dict.fromkeys(targets)]
    return arrows


def _within(module: str, *prefixes: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def forbidden(arrow: Arrow) -> str | None:
    """Why the design forbids this arrow, or None."""
    source, target = arrow.source, arrow.target
    if _within(source, "gateway.domain") and _within(
        target, "gateway.data", "gateway.services", *AWS_LIBRARIES
    ):
        return "the domain imports no data layer, services or AWS library"
    if _within(source, "gateway.services", "functions") and _within(target, "pynamodb"):
        return "services and handlers reach tables only through the data layer's named operations"
    if _within(source, "gateway", "functions") and _within(target, *HOSTING):
        return "product code does not know how it is hosted or tested"
    other_function = source.split(".")[:2] != target.split(".")[:2] and target != "functions"
    if _within(source, "functions") and _within(target, "functions") and other_function:
        return "a function does not import another function"
    if _within(source, "bench") and _within(target, "tests"):
        return "the benchmark does not import the tests"
    return None


def cycles(arrows: list[Arrow]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), over module-level imports."""
    graph: dict[str, set[str]] = {}
    for arrow in arrows:
        if arrow.module_level and arrow.source != arrow.target:
            graph.setdefault(arrow.source, set()).add(arrow.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_covers_the_product_the_runtime_and_the_tooling() -> None:
    sources = {arrow.source.split(".")[0] for arrow in import_graph()}
    assert sources == {"gateway", "functions", "local_runtime", "bench", "devkit"}


def test_no_module_level_import_cycle() -> None:
    arrows = import_graph()
    found = cycles(arrows)
    details = [
        f"{' <-> '.join(component)}: "
        + ", ".join(
            f"{a.where} ({a.source} -> {a.target})"
            for a in arrows
            if a.module_level and a.source in component and a.target in component
        )
        for component in found
    ]
    assert not found, "import cycles:\n" + "\n".join(details)


def test_no_forbidden_arrow() -> None:
    offending = [
        f"{arrow.where}: {arrow.source} -> {arrow.target} ({reason})"
        for arrow in import_graph()
        if (reason := forbidden(arrow))
    ]
    assert not offending, "forbidden imports:\n" + "\n".join(offending)


def test_the_checks_catch_what_they_are_for() -> None:
    # GIVEN arrows the design forbids, and a cycle
    bad = [
        Arrow("gateway.domain.payments", "boto3", "a.py:1", True),
        Arrow("gateway.domain.payments", "gateway.data.store", "a.py:2", True),
        Arrow("gateway.services.jobs", "local_runtime.pollers", "b.py:1", False),
        Arrow("functions.api.app", "functions.dispatch_events.app", "c.py:1", True),
        Arrow("bench.run", "tests.live_stack", "d.py:1", True),
        Arrow("gateway.services.payments", "pynamodb.transactions", "h.py:1", True),
        Arrow("local_runtime.cli", "local_runtime.stack", "e.py:1", True),
        Arrow("local_runtime.stack", "local_runtime.cli", "f.py:1", True),
    ]
    # THEN each arrow is refused and the cycle found; a function importing its own modules is fine
    assert all(forbidden(arrow) for arrow in bad[:6])
    assert forbidden(Arrow("functions.api.app", "functions.api.routes", "g.py:1", True)) is None
    assert cycles(bad) == [["local_runtime.cli", "local_runtime.stack"]]
    assert cycles([*bad[6:7], Arrow("local_runtime.stack", "local_runtime.cli", "f.py:1", False)]) == []
