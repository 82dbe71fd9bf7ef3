"""The shape of the code: data flows one way, the CLI only delegates, only renderers print.

Layers, lowest first (a module may import its own layer or any below it, never one above):

    base (model, cjk, conventions, env, errors, paths, settings, cache, regions, lexicon)
    → ingest → parse → corpus, indicators → compare, search, export → workspace, render → cli

The matcher's core (compare/) is pure: it takes documents, statistics, settings and a
calibration and returns values; the corpus, the caches and the environment are the workspace's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "planctl"
LAYERS = {
    "planctl": 0, "planctl.model": 0, "planctl.cjk": 0, "planctl.conventions": 0, "planctl.env": 0,
    "planctl.errors": 0, "planctl.paths": 0,
    "planctl.settings": 0, "planctl.cache": 0, "planctl.regions": 0, "planctl.lexicon": 0,
    "planctl.workers": 0,
    "planctl.ingest": 1, "planctl.parse": 2, "planctl.corpus": 3, "planctl.indicators": 3,
    "planctl.compare": 4, "planctl.search": 4, "planctl.export": 4, "planctl.workspace": 5, "planctl.render": 5,
    "planctl.engine": 5,
    "planctl.cli": 6,
}
# Modules that may write to stdout/stderr: the environment, the renderers and the command line.
MAY_PRINT = ("planctl.env", "planctl.render", "planctl.cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    name = module
    while name not in LAYERS:
        if "." not in name:
            raise AssertionError(f"{module} has no layer: add it to LAYERS")
        name = name.rsplit(".", 1)[0]
    return LAYERS[name]


def _imports(module: str) -> set[str]:
    """planctl modules that ``module`` imports anywhere in its code (lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # "from planctl.parse import rules" names a module; "from planctl.parse import parse" a function
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                     for a in node.names]
        else:
            continue
        found.update(n for n in names if n.split(".")[0] == "planctl" and n != module)
    return found


GRAPH = {m: _imports(m) for m in MODULES}


CORE_MAY_NOT_IMPORT = ("planctl.corpus", "planctl.workspace", "planctl.cache", "planctl.env", "planctl.paths")


def _compare_imports_of(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    return {m: sorted(t for t in targets if t.startswith(CORE_MAY_NOT_IMPORT))
            for m, targets in graph.items() if m.startswith("planctl.compare") and
            any(t.startswith(CORE_MAY_NOT_IMPORT) for t in targets)}


def test_the_matcher_core_imports_no_corpus_cache_or_environment() -> None:
    found = _compare_imports_of(GRAPH)
    assert not found, f"compare/ reaches for the corpus, a cache or the environment: {found}"


def test_the_core_check_can_fail() -> None:
    assert _compare_imports_of({"planctl.compare.diff": {"planctl.corpus"}}) == {
        "planctl.compare.diff": ["planctl.corpus"]}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_import(module: str) -> None:
    upward = sorted(t for t in GRAPH[module] if _layer(t) > _layer(module))
    assert not upward, f"{module} (layer {_layer(module)}) imports from a layer above: {upward}"


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in MODULES:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checks_can_fail() -> None:
    """An edge from parse up to cli is upward; an edge back from clean to rules closes a cycle."""
    added = [("planctl.parse.rules", "planctl.cli"), ("planctl.parse.clean", "planctl.parse.rules")]
    for module, target in added:
        GRAPH[module].add(target)
    try:
        with pytest.raises(AssertionError, match="layer above"):
            test_no_upward_import("planctl.parse.rules")
        with pytest.raises(AssertionError, match="cycles"):
            test_no_import_cycles()
    finally:
        for module, target in added:
            GRAPH[module].discard(target)


def _calls_print(module: str) -> list[int]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.startswith(MAY_PRINT)))
def test_library_modules_do_not_print(module: str) -> None:
    assert not _calls_print(module), f"{module} prints (lines {_calls_print(module)}): warn through the Environment"


def _command_bodies() -> dict[str, int]:
    """Lines of each CLI command's body (after its docstring)."""
    tree = ast.parse(MODULES["planctl.cli"].read_text(encoding="utf-8"))
    sizes: dict[str, int] = {}
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        if not any(isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "command" for d in fn.decorator_list):
            continue
        body = fn.body[1:] if isinstance(fn.body[0], ast.Expr) else fn.body  # skip the docstring
        sizes[fn.name] = (body[-1].end_lineno or 0) - body[0].lineno + 1
    return sizes


def test_commands_only_delegate() -> None:
    sizes = _command_bodies()
    assert len(sizes) >= 6
    long = {name: n for name, n in sizes.items() if n > 25}
    assert not long, f"command bodies longer than 25 lines: {long}"


def test_commands_do_not_reach_into_storage() -> None:
    source = MODULES["planctl.cli"].read_text(encoding="utf-8")
    assert "sqlite3" not in source and ".execute(" not in source


def test_the_graph_sees_lazy_imports() -> None:
    assert "planctl.ingest.pdf" in GRAPH["planctl.ingest"]  # imported inside read_source
    assert sum(len(t) for t in GRAPH.values()) > 80
