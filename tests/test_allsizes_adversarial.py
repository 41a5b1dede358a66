"""Adversarial review of the structural ("formula") certificates (issue 14): attempts to make
``exactrank verify`` accept a false all-sizes claim, hang, crash or run code.

Attacks the verifier refuses are regression tests (those marked "H9" in their docstrings
succeeded against the first version and were fixed by H7). Attacks that succeed are marked
xfail(strict=True) with the reason "found by review: …" (a false or ill-formed claim
VERIFIED, no verdict within BUDGET seconds, a forged output line); none is left (the last
three, fixed by H14, say "found by review" in their docstrings). What the verifier proves
is compared with exact ranks and grids in tests/test_allsizes_soundness.py. Hangs are cut by
SIGALRM after BUDGET seconds, so each costs that much and no more. Every tampered
certificate must also be refused by the stand-alone checker as "not supported" (exit 2).
"""

from __future__ import annotations

import copy
import json
import signal
from contextlib import contextmanager

import pytest
from process_cli import run
from test_certificates import standalone

import exactrank as er
from exactrank.allsizes import (
    lemma_a2_family,
    make_certificate,
    make_grid_certificate,
    one_hot_family,
)
from exactrank.errors import CertificateFormatError

BUDGET = 2.0  # seconds: a genuine structural certificate of these sizes verifies in < 0.5 s


class _Overran(BaseException):
    """Raised by the alarm: the verifier gave no verdict within the budget."""


@contextmanager
def _within(seconds: float):
    def stop(*_):
        raise _Overran

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def verdict(cert: dict, seconds: float = BUDGET):
    """er.verify_certificate's verdict, or a test failure when none comes within ``seconds``."""
    try:
        with _within(seconds):
            return er.verify_certificate(cert)
    except _Overran:
        pytest.fail(f"no verdict within {seconds} s (a hang, not 'could not check')")


@pytest.fixture(scope="module")
def a2() -> dict:
    """Seed 001, Lemma A.2 at M = 3, R = 2: rank(A_n) = 2^n + 1 (T = 2n)."""
    return make_certificate(lemma_a2_family(3, 2), "2**(T/2) + 1", "seed 001, Lemma A.2")


def _one_hot_grid(M: int) -> list[dict]:
    e = [[[int(m == ell)] for m in range(M)] for ell in range(M)]
    return [{"name": "e", "pre": e, "base": e, "post": e}]


@pytest.fixture(scope="module")
def one_hot() -> dict:
    """Seed 001, Lemma 5.2 at M = 2: the grid is e_(j_0) ⊗ … ⊗ e_(j_(T−1)), ranks 2."""
    return make_grid_certificate(one_hot_family(2), _one_hot_grid(2), 2, "seed 001, Lemma 5.2")


def _with_formula(cert: dict, formula) -> dict:
    out = copy.deepcopy(cert)
    out["claim"]["formula"] = formula
    return out


def _not_supported_by_the_standalone_checker(cert: dict, tmp_path, capsys) -> None:
    path = tmp_path / "attack.json"
    path.write_text(json.dumps(cert), "utf-8")
    capsys.readouterr()
    code = standalone().main([str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "claim kind 'formula'" in err and "not supported" in err, err


# ------------------------------------------------------------------ formulas: false claims


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("2*n + 1", "they differ at n = 3"),  # = 2^n + 1 at n = 1, 2
        ("2**n + 1 + (n-1)*(n-2)*(n-3)", "they differ at n = 4"),  # = at n = 1, 2, 3
        ("2**n + 1 + (1 - (-1)**n)/2", "they differ at n = 1"),  # true for even n only
        ("2**n + 1 + n - 2*(n//2)", "they differ at n = 1"),  # true for even n only
        ("R**n + 1", "the formula is R**n + 1"),  # R free: not the numeric family's rank
        ("3**(T/2)", "the formula is 3**n"),  # Lemma A.2's R >= M branch at R < M
        ("M**(T/2)", "the formula is M**n"),  # M free, though the family has M = 3
    ],
)
def test_a_formula_wrong_for_some_n_is_not_verified(a2, formula, reason, tmp_path, capsys):
    cert = _with_formula(a2, formula)
    result = verdict(cert)
    assert not result and "formula: the rules give 2**n + 1" in result.reason, result.reason
    assert reason in result.reason, result.reason
    _not_supported_by_the_standalone_checker(cert, tmp_path, capsys)


@pytest.mark.parametrize(
    "formula",
    ["2**(T/2) + 1 + (1 - (-1)**T)/2", "2**n + 1 + M - M", "(2**(T/2 + 2) + 4)/4", "2**n+(n/n)"],
)
def test_an_equal_formula_written_otherwise_is_verified(a2, formula):
    """True for every n >= 1 (T = 2n is even; n >= 1 is not 0): VERIFIED is right."""
    assert verdict(_with_formula(a2, formula))


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('pathlib').Path('PWNED').touch()",
        "lambda: 0",
        "n.__class__",
        "().__class__.__bases__",
        "exec",
        "[n]",
        "n if n else n",
        "1e3",
        "0x10",
        "2**n + 1 # comment",
        "n\n1",
        "n; n",
        "\u2115",
        "n + " * 60 + "1",  # more than 200 characters
        3,
        ["n"],
        None,
    ],
)
def test_the_parser_refuses_code_and_never_runs_it(a2, formula, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = verdict(_with_formula(a2, formula))
    assert not result and "formula: expected integers, n, T, M, R, r_0" in result.reason
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("2**65", "a constant exponent must be an integer of at most 64, got 65"),
        ("9**9**9", "a constant exponent must be an integer of at most 64, got 9**9"),
        ("((n+1)**64)**64", "a power of a power"),
        ("(n**2)**33", "a power of a power"),
        ("(n+1)**64*(n+1)**64", "at most 64, got 128"),
    ],
)
def test_a_large_constant_power_is_refused_before_it_is_computed(a2, formula, reason):
    result = verdict(_with_formula(a2, formula))
    assert not result and reason in result.reason, result.reason


@pytest.mark.parametrize(
    "formula", ["(" * 99 + "n" + ")" * 99, "-" * 199 + "n", "9" * 200, "n*" * 99 + "n"]
)
def test_deep_or_long_formulas_get_a_verdict_in_time(a2, formula):
    assert not verdict(_with_formula(a2, formula))


@pytest.mark.parametrize(
    "formula",
    [
        "3**(n-n+10**9)",  # H9: computed while parsing (a hang), before the exponent check
        "(n-n+9999999)**(n-n+99999999)",
        "2**n + 1 + (n-1)*(n-2)*2**2**2**2**n",  # H9: compare() evaluated it at n = 3
        "2**(n*2**60)",  # H9: the same, over 60 s
        "(M+R+r_0+n+T+1)**64",  # H9: simplify over 60 s
        "(2**n + 1)*(n - 1)/(n - 1)",  # H9: 0/0 at n = 1, cancelled while parsing: VERIFIED
        "2**n + 1 + 0*(1/(n - 1))",
        "2**n + (T-2)/(T-2)",
        "nn",  # H9: other names became free Symbols
        "2**n + 1 + TT - TT",
        "_",
        "0/0",  # a division by the constant 0: refused while parsing (was nan, then zoo)
        "1/0",
        "2**n + (0/0)**0",  # nan**0 is 1 to sympy: VERIFIED had 0/0 been let through
    ],
)
def test_formulas_found_by_review_are_refused_in_time(a2, formula):
    """Attacks of this review that succeeded before H7's fixes (hangs; a formula undefined
    at n = 1 VERIFIED; names other than n, T, M, R, r_0 accepted): now NOT VERIFIED."""
    assert not verdict(_with_formula(a2, formula))


@pytest.mark.parametrize(
    "formula",
    [
        "2**n + 1 + 0*(n-1)**(-n)",
        "(2**n + 1)*(n-1)**n*(n-1)**(-n)",
        "2**n + 1 + 0*0**(1-n)",
        "2**n + 1 + 0*(n-1)**(n-2)",
    ],
)
def test_a_formula_undefined_at_n_1_by_a_negative_power_is_not_verified(a2, formula):
    """Found by review (fixed by H14): an exponent in n negative at some n, on a base that is
    0 there (0·0^(-1) or 0/0 at n = 1 or 2), was cancelled while parsing and VERIFIED; a base
    that may be 0 now needs an exponent >= 1 for every n."""
    result = verdict(_with_formula(a2, formula))
    assert not result and "the base may be 0 and the exponent below 1" in result.reason, result


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("(M+R+r_0+n+T+1)**8*(M+R+r_0+n+T+2)**8", "only n may remain"),
        ("(M+R+r_0+n+T+1)**8*(M+R+r_0+n+T+2)**8*(M+R+r_0+n+T+3)**8", "only n may remain"),
        ("2**n + 1 + (n+1)**4*(n+2)**4 - ((n+1)*(n+2))**4", None),  # true: expanding was slow
        ("(n+2**n+3**n+5**n+7**n+1)**8*(n+2**n+3**n+5**n+7**n+2)**8", "differ at n = 1"),
    ],
)
def test_a_product_of_symbolic_powers_gets_a_verdict_in_time(a2, formula, reason):
    """Found by review (fixed by H14): MAX_SYMBOLIC_EXPONENT bounds each power, not their
    product, and sympy's simplify gave no verdict; the comparison now evaluates at
    n = 1..K (exact, K bounded by MAX_ORDER) and refuses other symbols."""
    result = verdict(_with_formula(a2, formula))
    assert bool(result) is (reason is None), result
    assert reason is None or reason in result.reason, result.reason


# ------------------------------------------------------------ cores, witness, partition


def _fam(cert):
    return cert["tensor"]["family"]


def _terms(cert):
    return cert["witness"]["terms"]


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (  # drop the reachable state (1) from term E
            lambda c: _terms(c)[1]["weights"].pop(),
            "base case: the inputs reaching state (1)",
        ),
        (  # claim an unreachable state, with weight 0 or 1
            lambda c: _terms(c)[0]["weights"].append({"state": [2], "c": 0}),
            "witness: the state (2) is not reachable",
        ),
        (  # E = I_3 (as if R >= M): the 1 ∉ col E side condition of the update is false
            lambda c: _terms(c)[1]["base"][0][2].__setitem__(2, 1),
            "inductive step: term E (1), letter 0, state (0)",
        ),
        (  # b = 1 − R read with R = 3: a state 2 appears that the witness does not know
            lambda c: _fam(c)["block"][0][1]["G"][3][0].__setitem__(0, -2),
            "witness: the state (1) is not reachable",
        ),
        (lambda c: _fam(c).__setitem__("xi", "product"), "base case"),
        (lambda c: _fam(c).__setitem__("xi", "sum"), "more than MAX_STATES = 64"),
        (lambda c: _fam(c).__setitem__("rows", [[], [0, 1], []]), "term J"),
        (lambda c: _fam(c).__setitem__("rows", [[], [], []]), "term J"),
        (lambda c: _fam(c).__setitem__("rows", [[], [0]]), "zip() argument 2 is shorter"),
        (lambda c: _fam(c).__setitem__("rows", [[], [0.0], []]), "TypeError"),
        (lambda c: _fam(c)["block"][0][0]["C"][0].__setitem__(0, 0.0), "not an exact number"),
        (lambda c: _fam(c)["block"][0][0]["C"][0].__setitem__(0, True), "the boolean True"),
        (lambda c: _terms(c)[0]["weights"][0].__setitem__("c", 1.0), "not an exact number"),
        (lambda c: _fam(c)["block"][0][0].__setitem__("C", "x"), "expected an integer or"),
        (lambda c: _fam(c)["block"][0][0]["G"][0].__setitem__(0, [1]), "a rectangular array"),
        (lambda c: _fam(c).__setitem__("M", 2), "expected (L, 2) and (L, R_in, R_out)"),
        (lambda c: c["claim"].__setitem__("T", "2*n + 1"), "claim.T: the family has 2*n"),
        (lambda c: c["claim"].__setitem__("relation", "le"), 'expected "relation": "eq"'),
        (lambda c: c["claim"].__setitem__("field", "GF(2)"), '"field": "QQ"'),
    ],
)
def test_a_tampered_family_or_witness_is_not_verified(a2, tamper, reason, tmp_path, capsys):
    cert = copy.deepcopy(a2)
    tamper(cert)
    result = verdict(cert)
    assert not result and reason in result.reason, result.reason
    _not_supported_by_the_standalone_checker(cert, tmp_path, capsys)


def test_the_rank_one_update_side_condition_decides_the_formula():
    """R >= M: 1 ∈ col E, so the update keeps the rank; the R < M formula is refused."""
    cert = make_certificate(lemma_a2_family(3, 3), "M**(T/2)".replace("M", "3"))
    for wrong in ("3**n + 1", "3**n - 1"):
        result = verdict(_with_formula(cert, wrong))
        assert not result and "the rules give 3**n, the formula is" in result.reason


def test_the_other_partition_of_the_pairs_gives_the_same_rank(a2):
    """Rows the second step of each pair: the transpose of odd-even, the same rank (true)."""
    cert = copy.deepcopy(a2)
    _fam(cert)["rows"] = [[], [1], []]
    assert verdict(cert)


def test_a_state_weighted_twice_is_refused():
    """H9 (fixed by H7): one state listed twice with different c; the last silently won."""
    cert = make_certificate(lemma_a2_family(2, 1), "2")
    _terms(cert)[0]["weights"].insert(0, {"state": [1], "c": 7})  # J: c = 7, then c = 1
    assert not verdict(cert)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            lambda c: _fam(c).__setitem__("block", _fam(c)["block"] * 65),
            "65 letters, more than 64",
        ),
        (
            lambda c: _fam(c)["block"][0].extend(_fam(c)["block"][0] * 10),  # 3^22 inputs
            "M^p = 3^22 inputs, more than 4096",
        ),
    ],
)
def test_beyond_the_limits_is_not_a_certificate(a2, tamper, reason):
    cert = copy.deepcopy(a2)
    tamper(cert)
    with pytest.raises(CertificateFormatError, match=reason.replace("^", r"\^")):
        verdict(cert)


def _slow_family_cert(letters: int = 64, steps: int = 12, width: int = 16) -> dict:
    """Within the limits of the first version (64 letters, M^p = 2^12 inputs, ~100k
    numbers): each letter's 4096 inputs run 12 steps of 16 terms in Fractions, for the
    states and again for the transition tables: about half an hour of work (measured: 4
    letters, 8 steps, width 8 take 2.7 s)."""
    step = {"C": [[0, 0]] * width, "G": [[[0]]] * width}
    zero = [[0] * 2 ** (steps - 1)] * 2
    return {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": {"kind": "formula", "relation": "grid", "field": "QQ", "size": "n",
                  "n_min": 0, "T": f"{steps}*n", "grid": [], "ranks": 1},
        "tensor": {"family": {"kind": "block-rnn", "xi": "relu", "M": 2, "first": [[]],
                              "block": [[step] * steps] * letters, "last": [[]],
                              "rows": [[], [0], []]}},
        "witness": {"terms": [{"name": "z", "base": [zero] * letters,
                               "weights": [{"state": [0], "c": 1}]}]},
    }  # fmt: skip


def test_work_within_the_limits_gets_a_verdict_in_time():
    """H9 (fixed by H7's MAX_PART_WORK): MAX_LETTERS, MAX_BLOCK_INPUTS and MAX_STATES bounded
    each factor, not their product; this certificate ran for tens of minutes."""
    with pytest.raises(CertificateFormatError, match="more than MAX_PART_WORK"):
        verdict(_slow_family_cert())  # beyond a limit at once: exit 2, as it should be


# ----------------------------------------------------------------- grid certificates


def _ill_shaped_grid_cert(one_hot: dict) -> dict:
    """λ_1 = 2 (the unmatched inputs score 2), so the term "1" is live; its Pre given as
    [[1]] (1 × 1) instead of the M × 1 ones, and claim.grid the factors the first version
    proved from it (numpy broadcast (1 × 1) + (M × 1) in the base case Σ_k c_(s,k) Pre_k)."""
    cert = copy.deepcopy(one_hot)
    for letter in _fam(cert)["last"]:
        letter[0]["G"][1][0][0] = 2
    _terms(cert)[1]["pre"] = [[[1]], [[1]]]
    e, ones = _one_hot_grid(2)[0]["pre"], [[[1], [1]]] * 2
    cert["claim"]["grid"] = [
        {"name": "e", "pre": e, "base": e, "post": e},
        {"name": "1", "pre": [[[1]], [[1]]], "base": ones, "post": [[[2], [2]]] * 2},
    ]
    return cert


def test_a_pre_factor_of_the_wrong_shape_is_not_verified(one_hot, tmp_path, capsys):
    """H9 (fixed by H7's shape check): this was VERIFIED, a claim.grid whose terms have
    M^(n+2) and M^(n+1) entries, not a well-formed sum, so not the grid."""
    cert = _ill_shaped_grid_cert(one_hot)
    _not_supported_by_the_standalone_checker(cert, tmp_path, capsys)
    assert not verdict(cert)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (  # the letters' factors swapped: e_1 claimed for the first letter 0
            lambda c: c["claim"]["grid"][0]["pre"].reverse(),
            "term e: the proven pre factors are not the claimed ones",
        ),
        (  # the zero term "1" claimed too (a term the identity drops)
            lambda c: c["claim"]["grid"].append(
                {
                    "name": "1",
                    "pre": [[[1], [1]]] * 2,
                    "base": [[[1], [1]]] * 2,
                    "post": [[[0], [0]]] * 2,
                }  # fmt: skip
            ),
            "claim.grid: 2 terms, the proven identity has 1 nonzero",
        ),
        (lambda c: c["claim"].__setitem__("ranks", True), "claim.ranks: expected an integer"),
        (lambda c: c["claim"].__setitem__("n_min", False), 'expected "n_min" in [0, 1]'),
        (  # a column mode: the same cores, another matricization, the factors transposed
            lambda c: _fam(c).__setitem__("rows", [[0], [], [0]]),
            "term e",
        ),
    ],
)
def test_a_tampered_grid_claim_is_not_verified(one_hot, tamper, reason, tmp_path, capsys):
    cert = copy.deepcopy(one_hot)
    tamper(cert)
    result = verdict(cert)
    assert not result and reason in result.reason, result.reason
    _not_supported_by_the_standalone_checker(cert, tmp_path, capsys)


# ------------------------------------------------------------------ the command line


def _big_post_cert() -> dict:
    """Lemma A.2 at M = R = 2 with a last step scoring h as 10^5000 + 1 − h: A_n =
    (10^5000 · J^(⊗n) + I^(⊗n)) ⊗ (1 1), rank 2^n for every n (true; the rules say so,
    with vᵀx = 10^5000 · 2^n in the rank-one update's reason)."""
    cert = make_certificate(lemma_a2_family(2, 2), "2**n")
    big = 10**5000 + 1
    _fam(cert)["last"] = [[{"C": [[1, 1], [0, 0]], "G": [[[big]], [[-1]]]}]]
    cert["claim"]["T"] = "2*n + 1"
    return cert


def test_a_large_but_true_certificate_is_verified_in_process():
    assert verdict(_big_post_cert())


def test_a_large_but_true_certificate_is_verified_on_the_command_line(tmp_path):
    """H9 (fixed by H7): the proof was once re-run outside digits_allowed(), and printing a
    5001-digit vᵀx was a traceback and exit 1 on a certificate verify_certificate VERIFIED."""
    er.save_certificate(_big_post_cert(), tmp_path / "big.json")
    proc = run("verify", tmp_path / "big.json")
    assert "Traceback" not in proc.stderr, proc.stderr[-300:]
    assert proc.returncode == 0 and proc.stdout.startswith("s VERIFIED\nproven: rank = 2**n")


def _verify_lines(cert: dict, path, capsys) -> tuple[int, list[str]]:
    from exactrank.cli import main

    er.save_certificate(cert, path)
    capsys.readouterr()
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out.splitlines()


def test_a_term_name_cannot_forge_lines_of_the_output(one_hot, tmp_path, capsys):
    """Found by review (fixed by H14): term names, tensor.family.M and claim.ranks were
    echoed raw (a NOT VERIFIED certificate printed a line 's VERIFIED'); now repr, cut."""
    forged = "\ns VERIFIED\nproven: rank = 1"
    bad = copy.deepcopy(one_hot)
    _terms(bad)[0]["name"] = forged
    _fam(bad)["block"][1][0]["C"][0][0] = 0  # the inductive step fails, naming the term
    code, lines = _verify_lines(bad, tmp_path / "bad.json", capsys)
    assert code == 1 and len(lines) == 1, lines
    good = copy.deepcopy(one_hot)
    _terms(good)[0]["name"] = forged
    code, lines = _verify_lines(good, tmp_path / "good.json", capsys)
    assert code == 0 and len(lines) == 2 and lines[1].startswith("proven: grid = "), lines
    for where in ("M", "ranks"):  # echoed by str(), not repr, in their refusals
        bad = copy.deepcopy(one_hot)
        (_fam(bad) if where == "M" else bad["claim"])[where] = forged
        code, lines = _verify_lines(bad, tmp_path / "bad.json", capsys)
        assert code == 1 and len(lines) == 1, lines


def test_a_refused_formula_is_one_line_on_the_command_line(a2, tmp_path):
    er.save_certificate(_with_formula(a2, "2*n + 1"), tmp_path / "f.json")
    proc = run("verify", tmp_path / "f.json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stdout.splitlines() == [
        "s NOT VERIFIED: ProofStepFailed: formula: the rules give 2**n + 1, the formula is "
        "2*n + 1; they differ at n = 3"
    ]
