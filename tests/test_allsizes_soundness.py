"""Soundness of the structural certificates against independent computation (issue 14;
the adversarial review of helper H9, with tests/test_allsizes_adversarial.py): for mutated
Lemma A.2 families, Lemma 5.2 cores and seed 000 tree weights, whatever the verifier proves
(a rank formula for every n, a grid identity for every word) is compared with exact ranks
and grids that exactrank.rank and exactrank.grid_tensor compute on the networks themselves;
and tampered tree certificates (seed 000, Theorem 3) are refused.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from test_allsizes_adversarial import _not_supported_by_the_standalone_checker, verdict

import exactrank as er
from exactrank.allsizes import (
    AllSizesError,
    BlockFamily,
    IdentityTerm,
    derive_rank,
    make_certificate,
    make_grid_certificate,
    make_tree_certificate,
    n,
    one_hot_witness,
    prove_identity,
)
from exactrank.allsizes.automaton import first_tables, reachable_states, transition_tables
from exactrank.allsizes.families import lemma_a2_cores, one_hot_cores
from exactrank.allsizes.hierarchical import proof_network, proof_weights, prove_ht_rank
from exactrank.allsizes.identity import pre_factor

# ------------------------------------- soundness: what is proven, the exact ranks confirm


@st.composite
def lemma_a2_mutants(draw) -> BlockFamily:
    """The Lemma A.2 pair of steps with one or two core entries changed, maybe ξ = product or
    another partition of the pair: families whose rank may or may not follow a formula."""
    M, R = draw(st.sampled_from([(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3)]))
    cores = [A.copy() for step in lemma_a2_cores(M, R) for A in step]
    for _ in range(draw(st.integers(1, 2))):
        A = cores[draw(st.integers(0, 3))]
        at = tuple(draw(st.integers(0, d - 1)) for d in A.shape)
        A[at] = draw(st.sampled_from([-1, 0, 1, 2, Fraction(1, 2)]))
    xi = draw(st.sampled_from(["relu", "relu", "relu", "product"]))  # sum: > 64 states
    rows = draw(st.sampled_from([((), (0,), ()), ((), (1,), ()), ((), (), ())]))
    block = (((cores[0], cores[1]), (cores[2], cores[3])),)
    return BlockFamily(xi, M, ((),), block, ((),), rows)


def _searched_witness(family: BlockFamily) -> tuple | None:
    """An identity witness found by search, not the family's own: weight vectors c over the
    states, entries in {-1, 0, 1, 2}, with Σ_s c_s P(s → s') = c_(s') X for one X ≠ 0 and
    every s'; as many independent ones as states, and Pre_k from the first part's tables
    through the inverse of the matrix (c_(s,k)). None when there is no such basis."""
    _, states = reachable_states(family)
    if len(states) > 4:
        return None
    P = transition_tables(family, states)
    found, basis = [], []
    for c in itertools.product([-1, 0, 1, 2], repeat=len(states)):
        X, holds = None, any(c)
        for t, target in enumerate(states):
            parts = [
                P[(0, s, target)] * w
                for s, w in zip(states, c, strict=True)
                if w and (0, s, target) in P
            ]
            total = sum(parts) if parts else None
            if c[t] == 0:
                holds &= total is None or not np.any(total != 0)
            elif total is None or (X is not None and not (total * Fraction(1, c[t]) == X).all()):
                holds = False
            elif X is None:
                X = total * Fraction(1, c[t])
        independent = holds and sympy.Matrix([*basis, list(c)]).rank() == len(basis) + 1
        if independent and X is not None and np.any(X != 0):
            basis.append(list(c))
            found.append((c, X))
    if len(found) < len(states):
        return None
    inverse = sympy.Matrix(basis[: len(states)]).T.inv()
    start = {s: table for (_, _, s), table in first_tables(family).items()}
    terms = []
    for k, (c, X) in enumerate(found[: len(states)]):
        pre = sum(
            start[s] * Fraction(str(inverse[k, i])) for i, s in enumerate(states) if s in start
        )
        weights = {s: w for s, w in zip(states, c, strict=True) if w}
        terms.append(IdentityTerm(f"t{k}", (X.tolist(),), weights, (pre.tolist(),)))
    return tuple(terms)


def _exact_rank(family: BlockFamily, size: int) -> int:
    """The rank of the matricization of the family's network at ``size``, computed on its
    grid by exactrank.rank (nothing of exactrank.allsizes but the model)."""
    rows, cols = family.modes(size)
    grid = er.grid_tensor(family.model(size)).to_fractions()
    return er.rank(er.matricize(grid, rows, cols)).rank


@settings(max_examples=30, deadline=None, derandomize=True)
@given(lemma_a2_mutants())
def test_what_the_verifier_proves_the_exact_ranks_confirm(family):
    """A formula VERIFIED for a mutant (with a searched witness and the formula the rules
    derive) equals the exact rank of its grid at n = 1, 2, 3 (while M^T <= 4096)."""
    try:
        witness = _searched_witness(family)
        if witness is None:
            return
        family = dataclasses.replace(family, witness=witness)
        formula = derive_rank(prove_identity(family).kronecker_terms()).rank
        cert = make_certificate(family, str(formula))
    except AllSizesError:
        return  # no proof: nothing claimed
    assert verdict(cert)
    for size in (k for k in (1, 2, 3) if family.M ** family.length(k) <= 4096):
        assert _exact_rank(family, size) == formula.subs(n, size), (size, formula)


# ------------------------------------------------------------- tree certificates (seed 000)


@pytest.fixture(scope="module")
def tree() -> dict:
    """Seed 000, Theorem 3 at M = 3, r_0 = r = 2: odd-even rank 2^(N/2) for every N = 2^L."""
    return make_tree_certificate(proof_weights(3, 2, 2), "2**(T/2)", "seed 000, Theorem 3")


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda f: f.__setitem__("output", [1, -1]), "κ = Σ out_α c_α² is 0"),  # c_0 = c_1
        (lambda f: f["leaf"][1].__setitem__(2, 1), "base case: the level-1 conv output 0"),
        (lambda f: f.__setitem__("inner", [[2, 0], [2, 0]]), "a coefficient past 1024 bits"),
        (lambda f: f.__setitem__("M", 2), "tensor.family.M: the leaf has M = 3"),
        (lambda f: f.__setitem__("inner", [[1, 0, 0]] * 2), "tensor.family.inner: r = 3"),
        (lambda f: f.__setitem__("output", [[1, 1]]), "tensor.family.output: expected r"),
        (lambda f: f["level1"][0].__setitem__(0, 0.5), "not an exact number"),
    ],
)
def test_a_tampered_tree_is_not_verified(tree, tamper, reason, tmp_path, capsys):
    cert = copy.deepcopy(tree)
    tamper(cert["tensor"]["family"])
    result = verdict(cert)
    assert not result and reason in result.reason, result.reason
    _not_supported_by_the_standalone_checker(cert, tmp_path, capsys)


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ({"formula": "3**(T/2)"}, "the rules give 2**n, the formula is 3**n"),
        ({"formula": "2**(T/2) + (n-1)*(n-2)*(n-4)"}, "the formula is"),  # = at n = 1, 2, 4
        ({"size": "n"}, 'a tree family expects "relation": "eq"'),
        ({"n_min": 1}, 'a tree family expects "relation": "eq"'),
        ({"T": "n"}, 'claim.T: a tree family has N = 2n leaves, "T": "2*n"'),
    ],
)
def test_a_tampered_tree_claim_is_not_verified(tree, claim, reason):
    cert = copy.deepcopy(tree)
    cert["claim"].update(claim)
    result = verdict(cert)
    assert not result and reason in result.reason, result.reason


@st.composite
def tree_mutants(draw) -> tuple:
    """The proof's per-level weights with one to three entries changed (mostly above the
    leaves, so that the level-1 outputs often stay multiples of D)."""
    M, r0, r = draw(st.sampled_from([(2, 2, 2), (2, 3, 2), (3, 2, 2), (2, 2, 3)]))
    weights = [w.copy() for w in proof_weights(M, r0, r)]
    for _ in range(draw(st.integers(1, 3))):
        w = weights[draw(st.sampled_from([0, 1, 1, 2, 2, 3]))]
        at = tuple(draw(st.integers(0, d - 1)) for d in w.shape)
        w[at] = Fraction(draw(st.integers(-2, 3)))
    return M, r0, r, tuple(weights)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(tree_mutants())
def test_what_the_tree_verifier_proves_the_exact_ranks_confirm(mutant):
    """A tree formula VERIFIED (the rank the rules derive) equals the exact odd-even rank of
    the network with those weights at N = 4 and 8 (while M^N <= 6561)."""
    M, r0, r, weights = mutant
    try:
        formula = prove_ht_rank(lambda *_: weights, M, r0, r)[0].rank
        cert = make_tree_certificate(weights, str(formula))
    except AllSizesError:
        return
    assert verdict(cert)
    for N in (N for N in (4, 8) if M**N <= 6561):
        network = proof_network(M, r0, r, N, weights=lambda *_: weights)
        grid = er.grid_tensor(network).to_fractions()
        assert er.rank(er.matricize(grid, "odd-even")).rank == formula.subs(n, N // 2)


@st.composite
def one_hot_mutants(draw) -> BlockFamily:
    """Lemma 5.2's cores at M = 2 with one or two entries changed (any letter, any part)."""
    parts = [
        [[(C.copy(), G.copy()) for C, G in steps] for steps in part] for part in one_hot_cores(2)
    ]
    for _ in range(draw(st.integers(1, 2))):
        part = parts[draw(st.integers(0, 2))]
        steps = part[draw(st.integers(0, 1))]
        A = steps[0][draw(st.integers(0, 1))]
        at = tuple(draw(st.integers(0, d - 1)) for d in A.shape)
        A[at] = draw(st.sampled_from([-1, 0, 1, 2]))
    frozen = [tuple(tuple(steps) for steps in part) for part in parts]
    return BlockFamily("relu", 2, *frozen, rows=((0,), (0,), (0,)), witness=one_hot_witness(2))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(one_hot_mutants())
def test_what_the_grid_verifier_proves_the_grids_confirm(family):
    """A grid claim VERIFIED for a mutant (claim.grid: the live terms of the identity its
    witness proves) is the network's grid for every word at n = 0, 1, 2, computed by
    exactrank.grid_tensor and compared with the Kronecker expression built by np.kron."""
    try:
        identity = prove_identity(family)
        grid = [
            {"name": t.name, "pre": [pre_factor(t, ell) for ell in range(2)],
             "base": list(t.base), "post": list(post)}
            for t, post in zip(identity.terms, identity.post, strict=True)
            if any(v != 0 for P in post for row in P for v in row)
        ]  # fmt: skip
        cert = make_grid_certificate(family, grid, 2)
    except AllSizesError:
        return
    assert verdict(cert)
    for size in (0, 1, 2):
        for word in itertools.product(range(2), repeat=size + 2):
            want = 0
            for t in grid:
                factors = [
                    t["pre"][word[0]],
                    *(t["base"][w] for w in word[1:-1]),
                    t["post"][word[-1]],
                ]
                term = np.array([[1]], dtype=object)
                for F in factors:
                    term = np.kron(term, np.array(F, dtype=object))
                want = want + term
            rows, cols = family.modes(size)
            got = er.matricize(er.grid_tensor(family.model(size, word)).to_fractions(), rows, cols)
            assert (np.asarray(got) == want).all(), (size, word)
