"""Seed 000, Claim 7: separation rank = matricization rank of the grid tensor.

Claim (seed 000, §5; Cohen & Shashua, ICLR 2017, Claim 1): "Let f(·) be a function realized
by a convolutional arithmetic circuit, and let A be its corresponding grid tensor. For any
input partition (I, J), sep(f; I, J) … is equal to rank[A]_{I,J}."

Definitions (standard, ICLR 2017 §3–4): sep(f; I, J) is the least R such that
f(x) = Σ_{k=1}^{R} g_k(x_I) h_k(x_J) for all inputs. The network (COLT 2016 §3; identity
activation, product pooling, :mod:`exactrank.models.hierarchical`) takes scalar inputs
x_i ∈ R through the representation functions f_d(x) = x^d, d = 0 … M−1 (linearly independent,
as ICLR 2017 requires), so f(x) = Σ_d A_coef[d] Π_i x_i^{d_i} with A_coef the *coefficient
tensor* (the grid of the same network with F = I). The templates are x^(m) = m, m = 0 … M−1;
their feature matrix F = [m^d] is an invertible Vandermonde matrix, and the grid tensor is
A = A_coef ×_1 F ⋯ ×_N F (ICLR 2017 states the claim for A_coef; with F invertible the
ranks agree, which the check also verifies).

For each instance and partition the check proves sep(f; I, J) = r := rank[A]_{I,J} exactly:

* *sep ≤ r* (constructive, checked exactly): a rank factorization [A_coef]_{I,J} = U·V with
  r columns (U = A[:, C]·A[R, C]^{−1}, V = A[R, :] on a nonsingular minor R × C) gives the
  r-term decomposition g_k(x_I) = Σ_{d_I} U[d_I, k] Π_{i∈I} x_i^{d_i},
  h_k(x_J) = Σ_{d_J} V[k, d_J] Π_{j∈J} x_j^{d_j}. It is evaluated on every template sequence
  and compared exactly with the network's values there (the grid tensor). Both sides are
  polynomials of degree ≤ M−1 in each x_i, and such a polynomial vanishing on the product
  grid {0, …, M−1}^N is zero, so the decomposition holds for all x ∈ R^N. As a sanity check
  it is also compared with the network on a second grid of random rational points, and on a
  few sequences run through the brute-force evaluator ``exactrank.score``.
* *sep ≥ r* (the standard argument, stated not computed): restricted to the template grid,
  any decomposition with R terms writes [A]_{I,J} as a product of an M^{|I|} × R and an
  R × M^{|J|} matrix, so R ≥ rank[A]_{I,J} = r; the rank is proven exactly (a nonsingular
  r × r minor modulo a prime for the lower bound).

Instances: random generic networks (integers in [−2^30, 2^30]) over several trees — HT over 4
modes, a shallow (CP) network over 5, a ternary-then-binary tree over 6, and the mirror tree
over 8 (a sample of partitions there); every partition up to complement elsewhere; in full
mode also the HT over 8 with all 127 partitions. With ``--certs``: per network, for the
partition of largest rank (every partition in full mode), an "eq" certificate whose
upper-bound witness is the separable decomposition itself, evaluated on the template grid.
A PASS proves sep = rank for these functions and partitions; it says nothing about networks
with ReLU or max/mean pooling, whose functions are not multilinear in the features.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import flint
import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.geometry.trees import contiguous_tree, mirror_tree

NAME = "seed000_claim_7"
CLAIM = "sep(f; I, J) = rank of the grid tensor's (I, J) matricization (seed 000)"
EXPECTED = "PASS"
# (label, tree, M, widths, partitions sampled: None = all up to complement)
QUICK = [
    ("HT over 4", contiguous_tree(4), 3, 2, None),
    ("CP over 5", contiguous_tree(5, 5), 2, 3, None),
    ("3-then-2 tree over 6", contiguous_tree(6, [3, 2]), 2, (2, 2), None),
    ("mirror tree over 8", mirror_tree(8), 2, 2, 8),
]
FULL = QUICK + [("HT over 8", contiguous_tree(8), 2, (2, 3, 2), None)]


def with_features(model: er.HierarchicalNetwork, F) -> er.HierarchicalNetwork:
    """The same weights with the feature matrix F (None: the identity)."""
    weights = [list(level) for level in model.weights]
    return er.HierarchicalNetwork(model.tree, weights, model.output, F)


def vandermonde(points) -> list[list[Fraction]]:
    """F[m][d] = points[m]^d: the features (1, x, …, x^{M−1}) of the templates ``points``."""
    return [[Fraction(x) ** d for d in range(len(points))] for x in points]


def partitions(N: int, sample: int | None, rng: random.Random):
    """Every (I, J) with 0 ∈ I and J non-empty, or odd-even, left-right and random others."""
    if sample is None:
        for k in range(1, N):
            for rest in itertools.combinations(range(1, N), k - 1):
                yield (0, *rest), tuple(m for m in range(N) if m not in (0, *rest))
        return
    chosen = {tuple(range(0, N, 2)), tuple(range(N // 2))}
    while len(chosen) < sample:
        rows = tuple(sorted(rng.sample(range(N), rng.randint(1, N - 1))))
        chosen.add(rows)
    for rows in sorted(chosen):
        yield rows, tuple(m for m in range(N) if m not in rows)


def _fmpq(grid_matrix: er.GridTensor) -> flint.fmpq_mat:
    den = grid_matrix.denominator
    return flint.fmpq_mat([[flint.fmpq(int(v), den) for v in row] for row in grid_matrix.values])


def _fractions(X: flint.fmpq_mat) -> np.ndarray:
    return np.array([[Fraction(int(x.p), int(x.q)) for x in row] for row in X.tolist()], object)


def separable_decomposition(coef_matrix: er.GridTensor):
    """(U, V), [A_coef]_{I,J} = U·V with rank-many columns, from a nonsingular minor."""
    result = er.rank(coef_matrix)
    A = _fmpq(coef_matrix)
    rows, cols = list(result.rows), list(result.cols)
    K = flint.fmpq_mat([[A[i, j] for j in cols] for i in rows])
    A_C = flint.fmpq_mat([[A[i, j] for j in cols] for i in range(A.nrows())])
    A_R = flint.fmpq_mat([[A[i, j] for j in range(A.ncols())] for i in rows])
    return _fractions(A_C * K.inv()), _fractions(A_R)


def evaluate(U, V, F, n_rows: int, n_cols: int):
    """The decomposition on a grid of templates with features F: (F^{⊗|I|} U)(V F^{⊗|J|T})."""
    F = np.array(F, dtype=object)
    left, right = np.ones((1, 1), dtype=object), np.ones((1, 1), dtype=object)
    for _ in range(n_rows):
        left = np.kron(left, F)
    for _ in range(n_cols):
        right = np.kron(right, F)
    return left.dot(U), V.dot(right.T)


def _equal(G, H, target: er.GridTensor) -> bool:
    product = G.dot(H)
    den = target.denominator
    return bool(np.all(product * den == target.values.astype(object)))


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, failures, instances, rng = [], [], 0, 0, random.Random(7)
    largest = (0, "", "")  # grid entries, the network, the claimed quantity there
    for n, (label, tree, M, widths, sample) in enumerate(FULL if full else QUICK):
        base = er.random_hierarchical(tree, M, widths, seed=70 + n)
        F = vandermonde(range(M))
        points = [Fraction(rng.randint(-(10**6), 10**6), rng.randint(1, 1000)) for _ in range(M)]
        off = vandermonde(points)
        model, off_model = with_features(base, F), with_features(base, off)
        grid, off_grid = er.grid_tensor(model), er.grid_tensor(off_model)
        coef_grid = er.grid_tensor(with_features(base, None))
        found = []
        for rows, cols in partitions(model.N, sample, rng):
            instances += 1
            matrix = er.matricize(grid, (rows, cols))
            r = er.rank(matrix).rank
            U, V = separable_decomposition(er.matricize(coef_grid, (rows, cols)))
            G, H = evaluate(U, V, F, len(rows), len(cols))
            problems = []
            if U.shape[1] != r:
                problems.append(f"the coefficient tensor has rank {U.shape[1]}, the grid {r}")
            if not _equal(G, H, matrix):
                problems.append("the decomposition differs from f on the template grid")
            off_matrix = er.matricize(off_grid, (rows, cols))
            if not _equal(*evaluate(U, V, off, len(rows), len(cols)), off_matrix):
                problems.append("the decomposition differs from f at the random points")
            if not _brute_force_agrees(off_model, U, V, off, rows, cols, rng):
                problems.append("the decomposition differs from exactrank.score")
            if problems:
                failures += 1
                details.append(f"{label}, I={rows}: " + "; ".join(problems))
            found.append((r, rows, cols, G, H))
        if certs is not None:
            for _r, rows, cols, G, H in found if full else [max(found, key=lambda f: f[0])]:
                saved += _certificate(grid, rows, cols, G, H, certs, label)
        values = sorted({f[0] for f in found})
        if largest[0] < M**model.N:
            quantity = f"separation rank = rank on {len(found)} partitions, up to {values[-1]}"
            largest = (M**model.N, f"{label}, M = {M}, widths {widths}", quantity)
        details.append(
            f"{label} (M={M}, widths {widths}): sep = rank on {len(found)} partitions, "
            f"values {values}"
        )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=largest[1],
        quantity=largest[2],
    )


def _brute_force_agrees(model, U, V, F, rows, cols, rng, samples: int = 3) -> bool:
    """f at a few template sequences, run node by node, against Σ_k g_k h_k there."""
    F = np.array(F, dtype=object)
    for _ in range(samples):
        seq = [rng.randrange(model.M) for _ in range(model.N)]
        value = er.score(model, seq)
        g = _monomials(F, [seq[i] for i in rows]).dot(U)
        h = V.dot(_monomials(F, [seq[j] for j in cols]))
        if g.dot(h) != value:
            return False
    return True


def _monomials(F, templates) -> np.ndarray:
    """The row of Π_i f_{d_i}(x_i) over the multi-indices d in C-order."""
    out = np.ones(1, dtype=object)
    for m in templates:
        out = np.kron(out, F[m])
    return out


def _certificate(grid, rows, cols, G, H, certs, label) -> list[str]:
    cert = er.certify(
        grid,
        (rows, cols),
        factors=(G, H),
        theorem="seed 000, Claim 7 (the witness is the separable decomposition on the grid)",
    )
    tag = label.replace(" ", "_")
    return keep(certs, f"seed000_claim_7_{tag}_I{''.join(map(str, rows))}.json", cert)


if __name__ == "__main__":
    run_script(check)
