"""The package's layering, checked on the source: which unit may import which.

A *unit* is a sub-package or a top-level module of ``micro_codegen`` (``runners``, ``validate``,
``api``, ``cli``, ...; ``__init__`` for the package itself). Every ``import`` of every module is
collected with ``ast`` (also those inside functions; relative imports resolved; ``from X import
name`` counts as an import of the sub-module ``X.name`` when there is one), except in the
flatc-generated ``ms_model/schema/``. Imports within one unit are not edges.
"""
from __future__ import annotations

import ast
from collections import defaultdict, deque
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "micro_codegen"
GENERATED = PKG / "ms_model" / "schema"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _unit(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != PKG.name:
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _imported_modules(path: Path):
    """(imported module, line) for every import statement of the file at ``path``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                yield (sub if _is_module(sub) else module), node.lineno


@lru_cache(maxsize=None)
def unit_edges() -> dict[str, dict[str, list[str]]]:
    """unit -> {imported unit: ["runners/flash.py:24", ...]}."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PKG.rglob("*.py")):
        if GENERATED in path.parents:
            continue
        src = _unit(_module_name(path))
        for module, line in _imported_modules(path):
            dst = _unit(module)
            where = f"{path.relative_to(PKG)}:{line}"
            if dst is not None and dst != src and where not in edges[src][dst]:
                edges[src][dst].append(where)
    return edges


def _assert_imports(src: str, allowed=None, forbidden=()) -> None:
    """Fail with ``src -> dst (file:line, ...)`` for each import of ``src`` outside ``allowed``
    or inside ``forbidden``."""
    bad = [f"{src} -> {dst} ({', '.join(where)})" for dst, where in sorted(unit_edges()[src].items())
           if dst in forbidden or (allowed is not None and dst not in allowed)]
    if bad:
        pytest.fail("imports that break the layering:\n" + "\n".join(bad), pytrace=False)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle per strongly connected component with more than one unit (Tarjan + BFS)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for comp in components:
        start = min(comp)
        paths = {start: [start]}
        queue = deque([start])
        while queue:                          # breadth first: the first way back is the shortest
            v = queue.popleft()
            if start in graph[v]:
                cycles.append(paths[v] + [start])
                break
            for w in sorted(graph[v] & comp):
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
    return cycles


def test_scanner_sees_relative_and_function_level_imports():
    edges = unit_edges()
    assert "api" in edges["cli"]                 # from . import __version__, api (module level)
    assert "runners" in edges["api"]             # from .runners import get_runner (inside api.flash)
    assert "__init__" in edges["cli"]            # from . import __version__ (not a module: the package)


def test_unit_graph_has_no_cycle():
    edges = unit_edges()
    graph = {src: set(dsts) for src, dsts in edges.items()}
    problems = []
    for cycle in _cycles(graph):
        where = "; ".join(f"{a} -> {b}: {', '.join(edges[a][b])}" for a, b in zip(cycle, cycle[1:]))
        problems.append(f"{' -> '.join(cycle)}  ({where})")
    if problems:
        pytest.fail("import cycles between units:\n" + "\n".join(problems), pytrace=False)


def test_runners_do_not_import_validate():
    """validate runs cases over a runner's transport; runners know nothing of the protocol."""
    _assert_imports("runners", forbidden={"validate"})


def test_emit_imports_no_pipeline_stage():
    """emit turns a compiled model into files; it may use compiled, ir, errors, resources,
    boards, manifest and the package's version, not the stages before it."""
    _assert_imports("emit", forbidden={"check", "schedule", "planner", "ops", "toolchain", "pipeline", "ms_model"})


def test_ops_do_not_import_reference():
    """The C-emitting ops and the numpy reference share arithmetic through numerics, not each other."""
    _assert_imports("ops", forbidden={"reference"})


def test_cli_imports_only_api_errors_and_version():
    """The CLI is a thin layer: everything it needs comes through api."""
    _assert_imports("cli", allowed={"api", "errors", "__init__"})
