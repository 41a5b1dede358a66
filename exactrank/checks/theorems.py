"""The registry of proof checks: one script per result in ``proofs/`` (DESIGN.md, theorems).

A check script defines ``NAME``, ``CLAIM`` (the statement checked, quoted or reconstructed),
``EXPECTED`` (the verdict a correct paper and a correct exactrank give: "PASS", or
"REFUTED" for a literal statement that is false), ``check(full=False, certs=None)``
returning a :class:`CheckResult`, and ends with ``if __name__ == "__main__":
run_script(check)`` (:func:`run_script`: its command line). ``exactrank check`` runs them; the
test suite runs every one in quick mode.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NoReturn

from ..certificates import certify, save_certificate, verify_certificate
from ..errors import InvalidInputError
from ..models import GeneralizedRNN

PROOFS = Path(__file__).resolve().parents[2] / "proofs"
VERDICTS = ("PASS", "REFUTED", "FAIL")


@dataclass(frozen=True)
class CheckResult:
    """What one check found: its verdict, on how many instances, and the evidence saved."""

    name: str
    claim: str
    verdict: str
    expected: str
    instances: int
    seconds: float = 0.0
    details: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    largest: str = ""  # the largest instance run, e.g. "M = 2, R = 2, T = 64"
    quantity: str = ""  # the claimed quantity there, e.g. "bound 4096, rank 4097 (ratio 1.0)"

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected

    def to_dict(self) -> dict:
        return {**asdict(self), "as_expected": self.as_expected}


def available() -> dict[str, Path]:
    """Check name → script, for every ``proofs/*.py`` that defines a check."""
    if not PROOFS.is_dir():
        return {}
    scripts = {}
    for path in sorted(PROOFS.glob("*.py"), key=_natural):
        if "\nEXPECTED = " in path.read_text(encoding="utf-8"):
            scripts[path.stem] = path
    return scripts


def _natural(path: Path) -> list:
    """Sort key: claim_2 before claim_11."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.stem)]


def require(names) -> dict[str, Path]:
    """:func:`available`, after refusing the first of ``names`` that is not a check."""
    scripts = available()
    for name in names:
        if name not in scripts:
            known = ", ".join(scripts) or "none"
            raise InvalidInputError(f"unknown check {name!r}; known: {known}")
    return scripts


def load(name: str):
    """The module of check ``name`` (its script imported by path)."""
    scripts = require([name])
    spec = importlib.util.spec_from_file_location(f"exactrank_proofs_{name}", scripts[name])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look their module up here
    spec.loader.exec_module(module)
    return module


def run(name: str, full: bool = False, certs=None) -> CheckResult:
    """Run one check, timing it. A check that raises (a bug, not a verdict) is a FAIL whose
    detail names the exception, so that the checks after it still run; an unknown name,
    running out of memory and a system error (e.g. ``certs`` not a writable folder: the
    user's to fix, not the check's) still raise."""
    start = time.perf_counter()
    module = None
    try:
        module = load(name)
        result = module.check(full=full, certs=certs)
    except (MemoryError, OSError):
        raise
    except Exception as exc:
        if module is None and name not in available():
            raise
        claim, expected = getattr(module, "CLAIM", "?"), getattr(module, "EXPECTED", "?")
        where = traceback.extract_tb(exc.__traceback__)[-1]
        detail = (
            f"the check raised {type(exc).__name__}: {exc} "
            f"({Path(where.filename).name}, line {where.lineno})"
        )
        result = CheckResult(name, claim, "FAIL", expected, 0, details=[detail])
    if result.verdict not in VERDICTS:
        raise InvalidInputError(f"check {name} returned the verdict {result.verdict!r}")
    return CheckResult(**{**asdict(result), "seconds": time.perf_counter() - start})


def run_script(check, argv=None) -> NoReturn:
    """A check script run as a program, ``python proofs/NAME.py [--full] [--certs DIR]``: the
    one line its ``if __name__ == "__main__":`` holds. Runs ``check``, prints its result and
    exits 0 when the verdict is the one expected, else 1."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="run the large instances too")
    parser.add_argument("--certs", default=None, help="save the certificates in this folder")
    args = parser.parse_args(argv)
    result = check(full=args.full, certs=args.certs)
    print(
        f"{result.name}: {result.verdict} (expected {result.expected}) on {result.instances} "
        f"instances\n  claim: {result.claim}"
    )
    if result.largest or result.quantity:
        print(f"  largest instance {result.largest}: {result.quantity}")
    for line in result.details:
        print(f"  {line}")
    sys.exit(0 if result.as_expected else 1)


def keep(certs, filename: str, cert: dict) -> list[str]:
    """Save ``cert`` as ``certs/filename`` when a folder is given: the paths saved (0 or 1)."""
    if certs is None:
        return []
    path = Path(certs) / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    save_certificate(cert, path)
    return [str(path)]


def unverified(cert: dict) -> str | None:
    """None when exactrank's certificate checker verifies ``cert``, else its reason.

    The checker re-evaluates from the model every entry the witness uses and re-proves the
    claim from them, apart from the code that made the certificate: a check that passes its
    certificates through it fails when the certifier is broken (issue 12).
    """
    verdict = verify_certificate(cert)
    return None if verdict.verified else verdict.reason or "not verified"


def difference_certificate(model_a, model_b, claim: str, theorem: str) -> dict:
    """A certificate about grid(model_a) − grid(model_b), RNNs or shallow networks (exact).

    The difference is one RNN (Lemma 5.1, shallow networks through Prop. A.4), so the
    stand-alone checker evaluates it like any model: claim "le" (rank <= 0: the grids are
    equal, every entry checked) or "ge" (rank >= 1: a nonzero entry, they differ).
    """
    from ..constructions import linear_combination, shallow_as_rnn

    rnns = [m if isinstance(m, GeneralizedRNN) else shallow_as_rnn(m) for m in (model_a, model_b)]
    r = {"le": 0, "ge": 1}[claim]
    difference = linear_combination(rnns, [1, -1])
    return certify(difference, "odd-even", claim=claim, r=r, theorem=theorem)


BITE = 8  # issue 12: a separation's --full table shows its bound >= 8 on >= 3 growing sizes


def bites(bounds) -> bool:
    """Whether a separation's bounds, listed by growing size, show at least three sizes
    where the bound is >= :data:`BITE`, growing strictly from each to the next."""
    big = [b for b in bounds if b >= BITE]
    return len(big) >= 3 and all(a < b for a, b in zip(big, big[1:], strict=False))


def separation_table(title: str, rows) -> tuple[list[str], int]:
    """The detail lines of a --full separation table, and its failures (0 or 1).

    ``rows`` are (size, bound, evidence) in growing size: the instance, the proven value of
    the separation's bound there (an int) and how it was proven. One failure when the
    table does not :func:`bite <bites>`: then --full has not shown the separation.
    """
    rows = list(rows)
    lines = [f"where the bound bites: {title}"]
    lines += [f"  {size}: {bound} ({evidence})" for size, bound, evidence in rows]
    if bites([bound for _, bound, _ in rows]):
        return lines, 0
    lines.append(f"  the bound does not reach {BITE} and grow along three sizes here")
    return lines, 1


def refutation(
    name, claim, expected, instances, refuted, broken, details, certificates=(), **largest
):
    """The result of a check of a literal statement: REFUTED when some instance contradicts
    it, FAIL when the check's own construction broke (so nothing can be concluded).
    ``largest`` takes the optional ``largest`` and ``quantity`` of :class:`CheckResult`."""
    verdict = "FAIL" if broken else ("REFUTED" if refuted else "PASS")
    return CheckResult(
        name,
        claim,
        verdict,
        expected,
        instances,
        details=list(details),
        certificates=list(certificates),
        **largest,
    )


def outcome(
    name, claim, expected, instances, failures, details, certificates=(), **largest
) -> CheckResult:
    """The result of a check of a statement held true: PASS when no instance failed.
    ``largest`` takes the optional ``largest`` and ``quantity`` of :class:`CheckResult`."""
    details = [*details, f"{instances} instances, {failures} failing"]
    verdict = "FAIL" if failures else "PASS"
    return CheckResult(
        name,
        claim,
        verdict,
        expected,
        instances,
        details=details,
        certificates=list(certificates),
        **largest,
    )
