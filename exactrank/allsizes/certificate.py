"""Structural certificates: claim kind "formula", a rank formula for every size n (issue 14).

The file (docs/certificates.md, "Structural certificates"; docs/schemas/
structural-certificate.schema.json) holds the family's cores (tensor.family: a
:class:`~exactrank.allsizes.automaton.BlockFamily`, first part, block and last part, F = I),
the identity's witness (witness.terms: per term its X per letter, optional Pre per letter and
the coefficient of each state) and the claim (claim.T says how the number of steps depends on
n, e.g. "2*n"), one of two relations:

- "eq": rank(A_n) = claim.formula for every n >= 1 (one letter; :func:`make_certificate`);
- "grid": for every n >= n_min (0 or 1) and every word of letters, the grid is the
  Kronecker expression claim.grid, Σ_k Pre_k(ℓ_0) ⊗ X_k(ℓ_1) ⊗ … ⊗ X_k(ℓ_n) ⊗ Post_k(ℓ_last),
  and every core has hidden sizes at most claim.ranks (:func:`make_grid_certificate`; seed
  001, Lemma 5.2: the one-hot tensor e_(j_0) ⊗ … ⊗ e_(j_(T−1)) with ranks 2).

:func:`verify_structural` trusts nothing else: it recomputes the reachable states from the
cores, checks the base case and the inductive step, and then derives the rank by the rules
and compares it with the formula ("eq"), or compares the proven identity's terms, those not
zero for every word dropped, factor by factor with claim.grid ("grid"). A family of kind
"ht-levels" (a tree: seed 000, Theorem 3) is checked by :mod:`.tree_certificate` instead. The
stand-alone checker proofs/verify_certificate.py does not read this kind (it says so and exits
2).

It implements no paper result: the families and formulas it certifies come from :mod:`.families` and
the proof scripts, which cite theirs.
"""

from __future__ import annotations

import re

from ..errors import ExactRankError, LimitError, shown
from ..numbers.domains import fraction_to_text, to_fraction
from .automaton import BlockFamily
from .cert_json import KIND, _numbers, _provenance, _text
from .identity import IdentityTerm, ProofStepFailed, pre_factor, prove_identity
from .rules import exact_matrix, n
from .sequences import same_for_every_n
from .structural import parse_formula, prove_rank_formula
from .tree_certificate import TREE_KIND, verify_tree

FAMILY_KIND = "block-rnn"
MAX_BLOCK_INPUTS = 1 << 12  # M^p: the inputs of one part, each run from every state
MAX_LETTERS = 64  # the block variants of one part
MAX_PART_WORK = 1 << 15  # Σ over letters of M^p × the entries of the part's cores


def make_certificate(family: BlockFamily, formula: str, theorem: str = "") -> dict:
    """A structural certificate of rank(A_n) = formula (in n or T) for every n >= 1, with
    the family's witness, checked before it is returned (a failing proof raises, naming
    the step)."""
    cert = {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": {
            "kind": KIND,
            "relation": "eq",
            "field": "QQ",
            "size": "n",
            "n_min": 1,
            "T": str(family.length(n)),
            "formula": formula,
        },
        "tensor": {"family": _family_json(family)},
        "witness": {"terms": [_term_json(t) for t in family.witness]},
        "provenance": _provenance(theorem),
    }
    verify_structural(cert)
    return cert


def make_grid_certificate(family: BlockFamily, grid, ranks: int, theorem: str = "") -> dict:
    """A structural certificate that for every n >= 0 and every word the family's grid is
    Σ_k Pre_k(ℓ_0) ⊗ X_k(ℓ_1) ⊗ … ⊗ Post_k(ℓ_last), ``grid`` the terms as dicts with "name"
    and "pre", "base", "post" (one matrix per letter each), with hidden sizes at most
    ``ranks``; checked before it is returned."""
    cert = {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": {
            "kind": KIND,
            "relation": "grid",
            "field": "QQ",
            "size": "n",
            "n_min": 0,
            "T": str(family.length(n)),
            "grid": [
                {"name": t["name"], **{f: [_text(X) for X in t[f]] for f in _FACTORS}} for t in grid
            ],
            "ranks": ranks,
        },
        "tensor": {"family": _family_json(family)},
        "witness": {"terms": [_term_json(t) for t in family.witness]},
        "provenance": _provenance(theorem),
    }
    verify_structural(cert)
    return cert


_FACTORS = ("pre", "base", "post")


def verify_structural(cert: dict) -> str:
    """Check a structural certificate; returns what was proven, raises
    :class:`ProofStepFailed` (or a rule's refusal) when its claim does not follow and
    :class:`LimitError` when it is beyond the limits."""
    claim, tensor, witness = (_object(cert.get(k), k) for k in ("claim", "tensor", "witness"))
    data = _object(tensor.get("family"), "tensor.family")
    if data.get("kind") == TREE_KIND:  # a tree: seed 000, Theorem 3
        return verify_tree(claim, data)
    relation = claim.get("relation")
    n_min = (0, 1) if relation == "grid" else (1,)
    if relation not in ("eq", "grid") or claim.get("field") != "QQ":
        raise ProofStepFailed('claim: expected "relation": "eq" or "grid", "field": "QQ"')
    if type(claim.get("n_min")) is not int or claim["n_min"] not in n_min:
        raise ProofStepFailed(f'claim: expected "n_min" in {list(n_min)} for "{relation}"')
    family = _family(data)
    terms = [
        _term(_object(t, "witness.terms[]")) for t in _list(witness.get("terms"), "witness.terms")
    ]
    T = parse_formula(claim.get("T"))
    if not same_for_every_n(T, family.length(n)):
        raise ProofStepFailed(
            f"claim.T: the family has {family.length(n)} steps at size n, not {T}"
        )
    if relation == "grid":
        return _verify_grid(claim, family, terms)
    formula = parse_formula(claim.get("formula"))
    return prove_rank_formula(family, formula, terms).describe()


def _verify_grid(claim: dict, family: BlockFamily, terms) -> str:
    """The identity proven by induction (for every n >= 0), its terms that are zero for every
    word (a zero Pre or Post for every letter) dropped, equal factor by factor to claim.grid;
    and every core's hidden sizes at most claim.ranks."""
    ranks = claim.get("ranks")
    if type(ranks) is not int or ranks < 1:
        raise ProofStepFailed(f"claim.ranks: expected an integer >= 1, got {shown(ranks, 40)}")
    widest = max(
        max(G.shape[1:])
        for part in (family.first, family.block, family.last)
        for steps in part
        for _, G in steps
    )
    if widest > ranks:
        raise ProofStepFailed(f"claim.ranks: a core has a hidden size {widest} > {ranks}")
    identity = prove_identity(family, terms)
    letters = (len(family.first), family.letters, len(family.last))
    proven = [
        (t.name, tuple(pre_factor(t, ell) for ell in range(letters[0])), t.base, post)
        for t, post in zip(identity.terms, identity.post, strict=True)
    ]
    live = [p for p in proven if not (_all_zero(p[1]) or _all_zero(p[3]))]
    claimed = [
        _claimed_term(_object(t, "claim.grid[]"), letters)
        for t in _list(claim.get("grid"), "claim.grid")
    ]
    if len(live) != len(claimed):
        raise ProofStepFailed(
            f"claim.grid: {len(claimed)} terms, the proven identity has {len(live)} nonzero"
        )
    for (name, *factors), want in zip(live, claimed, strict=True):
        for f, got, expected in zip(_FACTORS, factors, want, strict=True):
            if tuple(got) != expected:
                raise ProofStepFailed(
                    f"claim.grid: term {name}: the proven {f} factors are not the claimed ones"
                )
    named = " + ".join(f"{name} ⊗ …" for name, *_ in live)
    return (
        f"grid = {named} (Pre_k(ℓ_0) ⊗ X_k(ℓ_1) ⊗ … ⊗ Post_k(ℓ_last), as claimed) for every "
        f"n >= 0 and every word of {family.letters} letters; hidden sizes <= {ranks}; "
        f"reachable states {len(identity.states)}, closed"
    )


def _all_zero(matrices) -> bool:
    return all(v == 0 for X in matrices for row in X for v in row)


def _claimed_term(data: dict, letters) -> tuple:
    out = []
    for f, count in zip(_FACTORS, letters, strict=True):
        matrices = _list(data.get(f), f"claim.grid[].{f}")
        if len(matrices) != count:
            raise ProofStepFailed(
                f"claim.grid[].{f}: expected one matrix per letter ({count}), got {len(matrices)}"
            )
        arrays = [_numbers(X, f"claim.grid[].{f}") for X in matrices]
        if any(A.ndim != 2 or 0 in A.shape for A in arrays):
            raise ProofStepFailed(f"claim.grid[].{f}: expected matrices (non-empty lists of rows)")
        out.append(tuple(exact_matrix(A, f) for A in arrays))
    return tuple(out)


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ProofStepFailed(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise ProofStepFailed(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _family_json(family: BlockFamily) -> dict:
    def part(steps_per_letter):
        return [[{"C": _text(C), "G": _text(G)} for C, G in steps] for steps in steps_per_letter]

    return {
        "kind": FAMILY_KIND,
        "xi": family.xi,
        "M": family.M,
        "first": part(family.first),
        "block": part(family.block),
        "last": part(family.last),
        "rows": [list(r) for r in family.rows],
    }


def _family(data: dict) -> BlockFamily:
    if data.get("kind") != FAMILY_KIND or data.get("xi") not in ("relu", "product", "sum"):
        raise ProofStepFailed(
            f'tensor.family: expected "kind": "{FAMILY_KIND}" and an exact ξ, got '
            f"{shown(data.get('kind'), 40)}, {shown(data.get('xi'), 40)}"
        )
    M = data.get("M")
    if type(M) is not int or M < 1:
        raise ProofStepFailed(f"tensor.family.M: expected an integer >= 1, got {shown(M, 40)}")
    parts = []
    for name in ("first", "block", "last"):
        letters = _list(data.get(name), f"tensor.family.{name}")
        if len(letters) > MAX_LETTERS:
            raise LimitError(
                f"tensor.family.{name}: {len(letters)} letters, more than {MAX_LETTERS}"
            )
        parts.append(
            tuple(
                tuple(
                    (_numbers(s.get("C"), f"{name}.C"), _numbers(s.get("G"), f"{name}.G"))
                    for s in (_object(x, f"tensor.family.{name}[][]") for x in _list(steps, name))
                )
                for steps in letters
            )
        )
        length = len(parts[-1][0]) if parts[-1] else 0
        if M**length > MAX_BLOCK_INPUTS:
            raise LimitError(
                f"tensor.family.{name}: M^p = {M}^{length} inputs, more than {MAX_BLOCK_INPUTS}"
            )
    for steps in (s for part in parts for letter in part for s in letter):
        C, G = steps
        if C.ndim != 2 or G.ndim != 3 or C.shape[1] != M or C.shape[0] != G.shape[0]:
            raise ProofStepFailed(
                f"tensor.family: a step has C of shape {C.shape} and G of shape {G.shape}; "
                f"expected (L, {M}) and (L, R_in, R_out)"
            )
    for name, part in zip(("first", "block", "last"), parts, strict=True):
        work = sum(M ** len(steps) * sum(G.size for _, G in steps) for steps in part)
        if work > MAX_PART_WORK:
            raise LimitError(
                f"tensor.family.{name}: {work} products per state (letters × inputs × core "
                f"entries), more than MAX_PART_WORK = {MAX_PART_WORK}"
            )
    rows = tuple(tuple(r) for r in _list(data.get("rows"), "tensor.family.rows"))
    try:
        return BlockFamily(data["xi"], M, *parts, rows=rows)
    except (ExactRankError, TypeError) as exc:
        raise ProofStepFailed(f"tensor.family: {exc}") from None


def _term_json(term: IdentityTerm) -> dict:
    out = {
        "name": term.name,
        "base": [_text(X) for X in term.base],
        "weights": [
            {"state": [fraction_to_text(v) for v in s], "c": fraction_to_text(c)}
            for s, c in term.weights.items()
        ],
    }
    if term.pre is not None:
        out["pre"] = [_text(X) for X in term.pre]
    return out


def _term(data: dict) -> IdentityTerm:
    weights = {}
    for w in _list(data.get("weights"), "witness.terms[].weights"):
        w = _object(w, "witness.terms[].weights[]")
        state = tuple(to_fraction(v, "state") for v in _list(w.get("state"), "state"))
        if state in weights:
            raise ProofStepFailed(
                f"witness.terms[].weights: the state ({', '.join(map(str, state))}) is listed twice"
            )
        weights[state] = to_fraction(w.get("c"), "witness.terms[].weights[].c")
    pre = data.get("pre")
    return IdentityTerm(
        _name(data.get("name", "?")),
        tuple(_numbers(X, "base").tolist() for X in _list(data.get("base"), "base")),
        weights,
        None if pre is None else tuple(_numbers(X, "pre").tolist() for X in _list(pre, "pre")),
    )


def _name(value) -> str:
    """A witness term's name as printed in every message and in the "proven:" line: itself
    when it is a plain name (letters, digits, _), else :func:`~exactrank.errors.shown` (its
    repr, cut), so that untrusted text cannot start a line of the output."""
    if isinstance(value, str) and _PLAIN_NAME.fullmatch(value):
        return value
    return shown(value, 40)


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]{1,40}")
