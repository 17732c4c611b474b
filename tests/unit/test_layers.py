"""The package's layers: the data flow as one import order, no cycles, no upward imports, no shared privates.

:data:`LAYERS` is the one declaration of the order (CONTRIBUTING.md explains it). A module may import
from its own layer or from a layer below; imports under ``if TYPE_CHECKING:`` are exempt (types only).
Function-level imports of accordmap modules are allowed only to keep heavy libraries out of a plan or
no-op build, and then with a comment saying so; they must still point down.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "src" / "accordmap"

#: bottom to top: each layer may import only itself and the layers before it
LAYERS = ["paths", "errors", "models", "dataset", "params", "geometry", "load", "analysis", "views", "reports",
          "publish", "cli", "__main__"]


def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__"): p
            for p in ROOT.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, int, bool, str]]:
    """(imported module, line, inside a function, the line's text) for every accordmap import."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.ImportFrom) and (child.module or "").startswith("accordmap") and not child.level:
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    found.append((full if full in modules else child.module, child.lineno, in_function,
                                  lines[child.lineno - 1]))
            elif isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function, lines[child.lineno - 1])
                             for a in child.names if a.name.startswith("accordmap."))
            visit(child, inner)

    visit(ast.parse(text), False)
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # None: the package itself (the lazy analyst API)


MODULES = _modules()
EDGES = {name: _imports(path, MODULES) for name, path in MODULES.items()}


def test_every_module_belongs_to_a_declared_layer():
    assert sorted({_layer(m) for m in MODULES} - {None} - set(LAYERS)) == []


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for source, imports in EDGES.items():
        here = _layer(source)
        if here is None:
            continue
        for target, line, _, _ in imports:
            there = _layer(target)
            if there is None:  # `from accordmap import __version__`: the package's light top
                continue
            if LAYERS.index(there) > LAYERS.index(here):
                upward.append(f"{source}:{line} -> {target} ({here} imports {there})")
    assert upward == []


def test_the_import_graph_has_no_cycle():
    graph = defaultdict(set)
    for source, imports in EDGES.items():
        for target, *_ in imports:
            if target in MODULES and target != source:
                graph[source].add(target)
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def strongconnect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in list(MODULES):
        if v not in index:
            strongconnect(v)
    assert cycles == []


def test_function_level_imports_of_accordmap_say_why():
    """A deferred import is for weight (papermill, pandas, geopandas out of a plan), and says so."""
    silent = [f"{source}:{line}: {text.strip()}" for source, imports in EDGES.items()
              for _, line, in_function, text in imports if in_function and "#" not in text]
    assert silent == []


@pytest.mark.parametrize("source", sorted(MODULES))
def test_no_module_imports_another_modules_private_name(source):
    tree = ast.parse(MODULES[source].read_text(encoding="utf-8"))
    private = [f"{node.module}.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and (node.module or "").startswith("accordmap") for a in node.names if a.name.startswith("_")
               and not a.name.startswith("__")]
    assert private == []


def test_no_module_is_much_longer_than_one_job_needs():
    """About 450 lines at most; the few longer ones are one job each and named here with their reason."""
    allowed = {
        "accordmap.analysis.compliance": "events x zones -> counts, coverage, periods, headline: one computation",
        "accordmap.load.events": "event files -> one checked frame: the column checks are one pass",
        "accordmap.reports.compliance": "the compliance report's sections, one per notebook cell",
        "accordmap.views.tables": "the report tables, each a *_frame and *_html twin",
    }
    long = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    assert {m: n for m, n in long.items() if n > 470 and m not in allowed} == {}
