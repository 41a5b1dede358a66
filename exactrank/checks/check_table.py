"""The table ``exactrank check`` prints: one row per check, streamed as each finishes.

Each check (DESIGN.md, theorems) takes two lines: its row (verdict, expected verdict,
instances, seconds and the claim) and, indented and cut to :data:`WIDTH` columns with "…",
the largest instance it ran with the claimed quantity there (issue 12: "every check reports
its largest instance and the value of the claimed quantity there"). With ``-v`` the claim
whole, every detail line and the certificates saved follow. After the table, one line per
REFUTED check gives its counterexample. ``--json`` holds everything uncut.
"""

from __future__ import annotations

import re

WIDTH = 100  # columns of the line of the largest instance (cut there)
COUNTEREXAMPLE_CHARS = 200  # a counterexample line is cut there (--json and -v have it whole)
HEADER = f"{'check':24} {'verdict':8} {'expected':8} {'instances':>9} {'seconds':>8}  claim"


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, its last one "…" when something was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def rows(result, verbose: bool = False) -> list[str]:
    """The table lines of one check: its row and its largest instance (and with
    ``verbose`` the claim, its details, its counterexample and its certificates, uncut)."""
    r = result
    head = f"{r.name:24} {r.verdict:8} {r.expected:8} {r.instances:9d} {r.seconds:8.2f}  "
    lines = [head + r.claim]
    if r.largest or r.quantity:
        lines.append(cut(f"    at {r.largest or '?'}: {r.quantity or '?'}", WIDTH))
    if verbose:
        lines.append(f"    claim: {r.claim}")
        lines += [f"    {line}" for line in r.details]
        text = counterexample(r)
        if text is not None:
            lines.append(f"    counterexample: {text}")
        lines += [f"    saved {path}" for path in r.certificates]
    return lines


def counterexample(result) -> str | None:
    """A REFUTED check's counterexample: its first detail line naming one, else its first
    detail line (each instance of a refutation is a counterexample); None otherwise."""
    if result.verdict != "REFUTED" or not result.details:
        return None
    named = [line for line in result.details if "counterexample" in line]
    return re.sub(r"^counterexample:?\s*", "", (named or result.details)[0].strip())


def counterexample_lines(results, certs) -> list[str]:
    """One line per REFUTED check, after the table: its counterexample, and where its
    certificates were saved (README: "the counterexample is printed")."""
    lines = []
    refuted = [r for r in results if counterexample(r) is not None]
    for r in refuted:
        lines.append(f"{r.name} counterexample: {cut(counterexample(r), COUNTEREXAMPLE_CHARS)}")
        if r.certificates:
            lines.append(f"  saved as {len(r.certificates)} certificates in {certs}")
    if refuted and certs is None:
        lines.append(
            "(--certs DIR saves the counterexamples as certificates; --json prints every detail)"
        )
    return lines
