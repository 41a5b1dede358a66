"""docs/certificates.md, "Reviewer's map", cannot go stale: every function of
proofs/verify_certificate.py it names exists there, every top-level function and class there
is named in it, and every ``exactrank verify`` counterpart it names resolves under exactrank/.

The stand-alone checker is read with :mod:`ast` (not imported: it must stay importable on its
own, and its names are what an auditor sees in the file).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "certificates.md"
CHECKER = ROOT / "proofs" / "verify_certificate.py"
HEADING = "## Reviewer's map"
NAME = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")
PATH = re.compile(r"`([A-Za-z_][A-Za-z0-9_.]*)`")


def section(doc: str) -> str:
    """The text of the map, from its heading to the next heading of its level."""
    start = doc.index(HEADING)
    end = doc.find("\n## ", start + len(HEADING))
    return doc[start : end if end >= 0 else len(doc)]


def rows(doc: str) -> list[tuple[str, str, str]]:
    """(rule, stand-alone checker cell, exactrank cell) of each table row of the map."""
    out = []
    for line in section(doc).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and not set(cells[0]) <= {"-"}:
            out.append(tuple(cells))
    return out[1:]  # the header row


def top_level(source: str) -> set[str]:
    """The functions and classes defined at the top level of a module."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {node.name for node in ast.parse(source).body if isinstance(node, kinds)}


def resolve(path: str):
    """exactrank.<path>: the longest prefix that is a module, then attributes."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(["exactrank", *parts[:k]]))
        except ModuleNotFoundError:
            continue
        for name in parts[k:]:
            found = getattr(found, name)
        return found
    raise ModuleNotFoundError(f"no module of exactrank.{path}")


def problems(doc: str, source: str) -> list[str]:
    """What makes the map stale, one line each (nothing when it is current)."""
    defined, table = top_level(source), rows(doc)
    if not table:
        return ["the map has no table rows"]
    named = {name for _, cell, _ in table for name in NAME.findall(cell)}
    paragraphs = section(doc).split("\n\n")
    reading = next((text for text in paragraphs if "reading order" in text), "")
    out = [
        f"the map names {name!r}, not defined in the checker" for name in sorted(named - defined)
    ]
    out += [f"the checker defines {name!r}, not in the map" for name in sorted(defined - named)]
    out += [
        f"the reading order names {name!r}, not defined in the checker"
        for name in NAME.findall(reading)
        if name not in defined
    ]
    for _, _, cell in table:
        for path in PATH.findall(cell):
            try:
                target = resolve(path)
            except (ImportError, AttributeError) as exc:
                out.append(f"exactrank.{path} does not resolve: {exc}")
                continue
            if not callable(target):
                out.append(f"exactrank.{path} is not a function or class")
    return out


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def source() -> str:
    return CHECKER.read_text(encoding="utf-8")


def test_the_map_is_current(doc, source):
    assert problems(doc, source) == []


def test_the_map_covers_every_rule_row_with_a_function(doc):
    table = rows(doc)
    assert len(table) >= 25
    for rule, checker, exactrank in table:
        assert NAME.search(checker) and PATH.search(exactrank), rule


def test_a_new_checker_function_makes_the_map_stale(doc, source):
    grown = source + "\n\ndef audit_me(cert):\n    return cert\n"
    assert problems(doc, grown) == ["the checker defines 'audit_me', not in the map"]


def test_a_renamed_checker_function_makes_the_map_stale(doc, source):
    renamed = source.replace("def upper_bound(", "def upper_bounds(")
    assert problems(doc, renamed) == [
        "the map names 'upper_bound', not defined in the checker",
        "the checker defines 'upper_bounds', not in the map",
        "the reading order names 'upper_bound', not defined in the checker",
    ]


def test_a_stale_exactrank_name_makes_the_map_stale(doc, source):
    stale = doc.replace("`certificates.verify._check_basis`", "`certificates.verify._basis`")
    assert problems(stale, source) == [
        "exactrank.certificates.verify._basis does not resolve: "
        "module 'exactrank.certificates.verify' has no attribute '_basis'"
    ]


def test_a_row_dropped_from_the_map_makes_it_stale(doc, source):
    row = next(line for line in doc.splitlines() if line.startswith("| only a regular file"))
    assert problems(doc.replace(row + "\n", ""), source) == [
        "the checker defines 'read', not in the map"
    ]
