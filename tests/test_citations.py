"""Every module says what it holds and which paper sections it implements; every public
function of the modules that implement paper results cites the equation, definition or result
it implements, or says that it implements none (issue 15).

Read from the source with :mod:`ast` (nothing is imported). The markers:

- a module docstring names a seed ("seed 000": Cohen et al., hierarchical tensor
  decompositions; "seed 001": Khrulkov, Hrinchuk & Oseledets, generalized tensor models for
  RNNs) or says that it implements "no paper result";
- in :data:`PAPER_MODULES`, the docstring of every public function, public class and public
  method (not a property, not a dunder) names a seed or says "no paper equation" (a helper of
  the construction, a validation, a conversion).

Every citation anywhere in the package's source, in proofs/, docs/ and the README ("seed 001,
eq. 16", "seed 000, §5, Theorem 8") names an equation, section or result that exists in that
paper: :data:`SEED_LABELS` lists them, read off the two papers (/work/shared/seeds/). A citation
runs from "seed 00X" to the first bracket, semicolon or colon, so a label of another paper
inside brackets ("Cohen & Shashua 2016, Claim 4") is not read as the seed's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "exactrank"

# The modules that implement paper results: the networks and their grids, the geometry of
# seed 000, the builders and the proofs for every size. Every public function here cites.
PAPER_MODULES = [
    "exactrank/models/__init__.py",
    "exactrank/models/grid.py",
    "exactrank/models/hierarchical.py",
    "exactrank/models/hierarchical_grid.py",
    "exactrank/models/mixed.py",
    "exactrank/models/mixed_grid.py",
    "exactrank/models/operators.py",
    "exactrank/models/overlapping.py",
    "exactrank/models/overlapping_grid.py",
    "exactrank/models/rnn.py",
    "exactrank/models/rnn_grid.py",
    "exactrank/models/rnn_relu_step.py",
    "exactrank/models/shallow.py",
    "exactrank/geometry/__init__.py",
    "exactrank/geometry/tn.py",
    "exactrank/geometry/trees.py",
    "exactrank/constructions.py",
    "exactrank/decompositions.py",
    "exactrank/sampling.py",
    "exactrank/allsizes/__init__.py",
    "exactrank/allsizes/automaton.py",
    "exactrank/allsizes/cp.py",
    "exactrank/allsizes/families.py",
    "exactrank/allsizes/hierarchical.py",
    "exactrank/allsizes/shallow_relu.py",
    "exactrank/allsizes/symbolic.py",
    "exactrank/allsizes/tree_certificate.py",
]
# The other modules of those folders, and why they implement no paper result (their module
# docstrings say so): their public functions need not cite.
MACHINERY = {
    "exactrank/models/_weights.py": "validation and conversion of user arrays",
    "exactrank/models/arithmetic.py": "QQ / GF(p) / float64 arithmetic the recursions run on",
    "exactrank/models/modelfile.py": "the model-file format",
    "exactrank/allsizes/cert_json.py": "JSON parts of structural certificates",
    "exactrank/allsizes/certificate.py": "the structural certificate format and its checker",
    "exactrank/allsizes/deltas.py": "sympy sums over Kronecker deltas",
    "exactrank/allsizes/identity.py": "the induction over n for any block family",
    "exactrank/allsizes/rules.py": "rank rules of linear algebra (Kronecker powers, updates)",
    "exactrank/allsizes/sequences.py": "equality of exponential polynomials for every n",
    "exactrank/allsizes/structural.py": "chaining identity, rules and formula comparison",
}
CITING_FOLDERS = ("models", "geometry", "allsizes")
CITING_FILES = ("constructions.py", "decompositions.py", "sampling.py")

SEED = re.compile(r"\bseed\s+00[01]\b", re.IGNORECASE)
NO_RESULT = re.compile(r"\bno\s+paper\s+result\b", re.IGNORECASE)
NO_EQUATION = re.compile(r"\bno\s+paper\s+equation\b", re.IGNORECASE)


def _range(lo: int, hi: int) -> set[str]:
    return {str(k) for k in range(lo, hi + 1)}


# What each paper numbers: kind → labels. Sections with their subsections; equations as
# numbered in the paper (seed 000 numbers three; seed 001 twenty-one, eq. 21 in Appendix A).
SEED_LABELS = {
    "000": {
        "eq": _range(1, 3),
        "§": _range(1, 9) | {"2.1", "4.1"},
        "claim": {"2", "5", "6", "7", "11", "12"},
        "theorem": {"3", "8", "10", "13"},
        "corollary": {"4", "9", "14"},
        "definition": {"1"},
        "example": {"1", "2"},
        "fig": _range(1, 8),
        "footnote": _range(1, 10),
    },
    "001": {
        "eq": _range(1, 21),
        "§": _range(1, 7) | {"3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "5.2"},
        "lemma": {"3.1", "5.1", "5.2", "A.1", "A.2"},
        "theorem": {"5.1", "5.2", "5.3"},
        "prop": {"A.1", "A.2", "A.3", "A.4", "A.5"},
        "appendix": {"A", "B"},
        "fig": _range(1, 5),
        "table": {"1"},
        "assumption": {"1"},
    },
}
_KINDS = {
    "eq": "eq",
    "eqs": "eq",
    "§": "§",
    "claim": "claim",
    "claims": "claim",
    "theorem": "theorem",
    "theorems": "theorem",
    "thm": "theorem",
    "corollary": "corollary",
    "lemma": "lemma",
    "lemmas": "lemma",
    "prop": "prop",
    "proposition": "prop",
    "definition": "definition",
    "def": "definition",
    "example": "example",
    "fig": "fig",
    "figs": "fig",
    "figure": "fig",
    "figures": "fig",
    "footnote": "footnote",
    "table": "table",
    "appendix": "appendix",
    "app": "appendix",
    "assumption": "assumption",
}
_LABEL = r"(?:[A-B]\.\d+|\d+(?:\.\d+)?|[AB]\b)"
CITED = re.compile(
    r"(?P<kind>§|\b(?:" + "|".join(k for k in _KINDS if k != "§") + r")\b\.?)\s*"
    r"(?P<labels>" + _LABEL + r"(?:\s*(?:[–,-]|and|\+)\s*" + _LABEL + r")*)",
    re.IGNORECASE,
)
# A citation runs from "seed 00X" to the first bracket, semicolon, colon, blank line or the
# next "seed": what lies in between is that paper's.
CITATION = re.compile(
    r"\bseed\s+(00[01])\b(?P<span>[^();:]*?)(?=[();:]|\n\s*\n|\bseed\s+00|$)",
    re.IGNORECASE | re.DOTALL,
)


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _public_defs(tree: ast.Module):
    """(qualified name, node) of every public function, class and method (not a property or
    a dunder) at the top of a module or in a public class."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not node.name.startswith("_"):
                yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            yield node.name, node
            for item in node.body:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                decorators = {ast.unparse(d) for d in item.decorator_list}
                if item.name.startswith("_") or decorators & {"property", "cached_property"}:
                    continue
                yield f"{node.name}.{item.name}", item


def uncited(source: str, name: str) -> list[str]:
    """What :func:`_public_defs` of ``source`` lacks: a docstring, or a seed or the marker."""
    missing = []
    for qualname, node in _public_defs(ast.parse(source)):
        doc = ast.get_docstring(node) or ""
        if not doc:
            missing.append(f"{name}: {qualname} has no docstring")
        elif not (SEED.search(doc) or NO_EQUATION.search(doc)):
            missing.append(f"{name}: {qualname} names no seed, nor 'no paper equation'")
    return missing


def cited_labels(text: str):
    """(seed, kind, label) for every label cited after a "seed 00X" in ``text``."""
    for citation in CITATION.finditer(text):
        seed = citation.group(1)
        for hit in CITED.finditer(citation.group("span")):
            kind = _KINDS[hit.group("kind").rstrip(".").lower()]
            for label in re.findall(_LABEL, hit.group("labels")):
                yield seed, kind, label


def test_every_module_of_the_citing_layers_is_listed_once():
    """A new module of models/, geometry/, allsizes/ or the builders is sorted by hand."""
    present = {
        _rel(path) for folder in CITING_FOLDERS for path in (PACKAGE / folder).glob("*.py")
    } | {f"exactrank/{name}" for name in CITING_FILES}
    assert not set(PAPER_MODULES) & set(MACHINERY)
    assert present == set(PAPER_MODULES) | set(MACHINERY)


@pytest.mark.parametrize("name", sorted(MACHINERY))
def test_machinery_says_it_implements_no_paper_result(name):
    doc = ast.get_docstring(ast.parse((ROOT / name).read_text(encoding="utf-8"))) or ""
    assert NO_RESULT.search(doc), f"{name}: its docstring must say 'no paper result'"


def test_every_module_has_a_docstring_naming_its_paper_or_none():
    missing = []
    for path in _files():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if not doc:
            missing.append(f"{_rel(path)}: no module docstring")
        elif not (SEED.search(doc) or NO_RESULT.search(doc)):
            missing.append(f"{_rel(path)}: names no seed and does not say 'no paper result'")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name", PAPER_MODULES)
def test_every_public_function_cites_or_says_it_implements_none(name):
    missing = uncited((ROOT / name).read_text(encoding="utf-8"), name)
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param(lambda: _files(), id="exactrank"),
        pytest.param(
            lambda: (
                sorted((ROOT / "proofs").glob("*.py"))
                + sorted((ROOT / "docs").glob("*.md"))
                + [ROOT / "README.md"]
            ),
            id="proofs-docs-readme",
        ),
    ],
)
def test_every_citation_names_what_the_paper_numbers(paths):
    wrong = []
    for path in paths():
        text = path.read_text(encoding="utf-8")
        for seed, kind, label in cited_labels(text):
            if label not in SEED_LABELS[seed].get(kind, set()):
                wrong.append(f"{_rel(path)}: seed {seed} has no {kind} {label}")
    assert not wrong, "\n".join(sorted(set(wrong)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "(seed 001, eq. 16–17 and 21)",
            {("001", "eq", "16"), ("001", "eq", "17"), ("001", "eq", "21")},
        ),
        ("seed 000, §5, Theorem 8", {("000", "§", "5"), ("000", "theorem", "8")}),
        ("seed 001, Lemma A.2 + Prop. A.4", {("001", "lemma", "A.2"), ("001", "prop", "A.4")}),
        ("seed 000, fig. 4(b); ICLR 2017, Theorem 1", {("000", "fig", "4")}),
        (
            "seed 001, eq. 18, 20, 21; seed 000, §3",
            {("001", "eq", "18"), ("001", "eq", "20"), ("001", "eq", "21"), ("000", "§", "3")},
        ),
    ],
)
def test_citations_are_read_as_written(text, expected):
    assert set(cited_labels(text)) == expected


@pytest.mark.parametrize(
    "text", ["seed 001, eq. 22", "seed 000, Theorem 5.2", "seed 001, Claim 2", "seed 000, §10"]
)
def test_a_citation_of_nothing_is_caught(text):
    assert any(
        label not in SEED_LABELS[seed].get(kind, set()) for seed, kind, label in cited_labels(text)
    )


def test_an_uncited_function_is_caught():
    source = '''
class Net:
    """The network (seed 001, eq. 16)."""

    @property
    def T(self):
        return 3

    def step(self):
        """One step."""

    def _private(self):
        pass


def grid():
    """The grid, eq. 21."""


def helper():
    """A helper (no paper
    equation)."""


def bare():
    pass
'''
    assert uncited(source, "m.py") == [
        "m.py: Net.step names no seed, nor 'no paper equation'",
        "m.py: grid names no seed, nor 'no paper equation'",
        "m.py: bare has no docstring",
    ]
