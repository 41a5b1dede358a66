"""The package's import graph: no cycle among its modules, no import from a lower layer to a
higher one, and docs/architecture.md shows the same layers (issue 15).

The graph is read from the source with :mod:`ast` (nothing is imported): every ``import`` and
``from … import`` of every module under exactrank/, at the top of a module or inside a
function (a lazy import still makes the importer depend on the imported at run time; such
edges are named "lazy" in the messages). ``from . import x`` is an edge to the module
``pkg.x`` when x is a module, else to the package ``pkg`` (its ``__init__``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "exactrank"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# The layers, lowest first: a module may import modules of its own layer and of the layers
# below it, never of a layer above. A module belongs to the layer of the longest prefix
# (a module or a package) that names it. docs/architecture.md shows this table.
LAYERS = [
    ("core", ["exactrank.errors", "exactrank.limits", "exactrank.version"]),
    ("numbers", ["exactrank.numbers"]),
    ("io", ["exactrank.io"]),
    ("models", ["exactrank.models"]),
    ("linalg", ["exactrank.linalg"]),
    ("geometry", ["exactrank.geometry"]),
    ("builders", ["exactrank.sampling", "exactrank.decompositions", "exactrank.constructions"]),
    ("allsizes", ["exactrank.allsizes"]),
    ("certificates", ["exactrank.certificates"]),
    ("experiments", ["exactrank.experiments"]),
    ("checks", ["exactrank.checks"]),
    ("front ends", ["exactrank.testing", "exactrank.cli", "exactrank.__main__"]),
    ("api", ["exactrank"]),
]
MAX_LINES = 500


def modules(package: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name → (file, is a package's __init__) for every .py under ``package``."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_package)
    return out


def import_edges(name: str, source: str, is_package: bool, known) -> list[tuple[str, bool]]:
    """(imported module, lazy) for each module of ``known`` that module ``name`` imports."""
    top = name.split(".")[0]
    here = name.split(".") if is_package else name.split(".")[:-1]
    edges = []

    def visit(node, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == top:
                        edges.append((_longest_known(alias.name, known), inner))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = here[: len(here) - (child.level - 1)]
                    base = ".".join(base + ([child.module] if child.module else []))
                else:
                    base = child.module or ""
                if base.split(".")[0] != top:
                    continue
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    module = target if target in known else _longest_known(base, known)
                    edges.append((module, inner))
            elif _string_import(child, top):  # importlib.import_module("top.x"), __import__
                edges.append((_longest_known(child.args[0].value, known), inner))
            visit(child, inner)

    visit(ast.parse(source), False)
    return edges


def _string_import(node, top: str) -> bool:
    """A call of import_module or __import__ whose first argument names a module of ``top``."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0]
    return (
        name in ("import_module", "__import__")
        and isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and first.value.split(".")[0] == top
    )


def _longest_known(dotted: str, known) -> str:
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        if ".".join(parts[:k]) in known:
            return ".".join(parts[:k])
    raise AssertionError(f"{dotted} is not a module of the package")


def graph(package: Path = PACKAGE) -> dict[str, dict[str, bool]]:
    """module → {imported module: lazy (True when every import of it is inside a function)}."""
    found = modules(package)
    out = {}
    for name, (path, is_package) in found.items():
        edges: dict[str, bool] = {}
        for target, lazy in import_edges(name, path.read_text(encoding="utf-8"), is_package, found):
            if target != name:
                edges[target] = edges.get(target, True) and lazy
        out[name] = edges
    return out


def cycles(edges: dict[str, dict[str, bool]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                connect(w)
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
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return sorted(out)


def layer_of(module: str, layers=LAYERS) -> int:
    """The index of the layer of the longest prefix naming ``module``."""
    best, found = -1, None
    for i, (_, prefixes) in enumerate(layers):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), i
    if found is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return found


def upward(edges: dict[str, dict[str, bool]], layers=LAYERS) -> list[str]:
    """Every import from a lower layer to a higher one, one line each."""
    out = []
    for source, targets in sorted(edges.items()):
        for target, lazy in sorted(targets.items()):
            low, high = layer_of(source, layers), layer_of(target, layers)
            if high > low:
                kind = "a lazy import" if lazy else "an import"
                out.append(
                    f"{source} ({layers[low][0]}) has {kind} of {target} ({layers[high][0]})"
                )
    return out


def test_no_cycle_among_the_modules():
    assert cycles(graph()) == []


def test_no_import_from_a_lower_layer_to_a_higher_one():
    assert upward(graph()) == []


def test_every_module_is_in_a_layer_and_short_and_says_what_it_holds():
    for name, (path, _) in modules(PACKAGE).items():
        layer_of(name)
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= MAX_LINES, f"{path.relative_to(ROOT)}: {lines} lines > {MAX_LINES}"
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), name


def test_the_architecture_page_shows_these_layers():
    """docs/architecture.md's table of layers: one row per layer, lowest first, with its
    modules in backquotes, exactly as LAYERS."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+?) \| ([^|]+?) \|", text, flags=re.M)
    shown = [(name.strip(), re.findall(r"`([\w.]+)`", mods)) for _, name, mods in rows]
    assert shown == [(name, prefixes) for name, prefixes in LAYERS]
    assert [int(number) for number, _, _ in rows] == list(range(1, len(LAYERS) + 1))


# ---------------------------------------------------------------- the checker can fail

FAKE = {
    "p/__init__.py": '"""p."""\nfrom .low import f\n',
    "p/low.py": '"""low."""\n\ndef f():\n    from . import high  # lazy, upward\n    return high\n',
    "p/high.py": '"""high."""\nfrom . import low\nfrom .sub import g\nimport p.sub.leaf\n',
    "p/sub/__init__.py": '"""sub."""\ng = 1\n',
    "p/sub/leaf.py": '"""leaf."""\nfrom ..low import f\nfrom .. import sub\n',
    "p/str.py": (
        '"""str."""\nimport importlib\n\ndef f():\n    return importlib.import_module("p.high")\n'
    ),
}
FAKE_LAYERS = [("bottom", ["p.low", "p.sub", "p.str"]), ("top", ["p.high"]), ("api", ["p"])]


@pytest.fixture
def fake(tmp_path) -> dict[str, dict[str, bool]]:
    for name, text in FAKE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return graph(tmp_path / "p")


def test_relative_imports_resolve_to_modules_and_packages(fake):
    assert fake == {
        "p": {"p.low": False},
        "p.low": {"p.high": True},  # `from . import high`: the module, not the package
        "p.high": {"p.low": False, "p.sub": False, "p.sub.leaf": False},
        "p.sub": {},
        "p.sub.leaf": {"p.low": False, "p.sub": False},  # `from .. import sub`: a package
        "p.str": {"p.high": True},  # importlib.import_module("p.high"), in a function
    }


def test_a_planted_cycle_is_found(fake):
    assert cycles(fake) == [["p.high", "p.low", "p.sub.leaf"]]  # through the lazy import
    assert cycles({"a": {"b": False}, "b": {"c": True}, "c": {"a": False}, "d": {}}) == [
        ["a", "b", "c"]
    ]
    assert cycles({"a": {"b": False}, "b": {}}) == []


def test_a_planted_upward_import_is_found(fake):
    assert upward(fake, FAKE_LAYERS) == [
        "p.low (bottom) has a lazy import of p.high (top)",
        "p.str (bottom) has a lazy import of p.high (top)",
    ]
    assert upward({"exactrank.numbers.kernels": {"exactrank.models.grid": False}}) == [
        "exactrank.numbers.kernels (numbers) has an import of exactrank.models.grid (models)"
    ]
    assert upward({"exactrank.models.grid": {"exactrank.numbers.kernels": False}}) == []
