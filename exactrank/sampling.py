"""Random exact networks: the instances of proof checks and experiments.

Weights are integers drawn uniformly from [−high, high] (or fractions with small
denominators), from a ``random.Random`` so that every instance is reproducible from a seed.
Small integer weights are not generic (DESIGN.md): a rank claim about *generic* networks
must use large ``high`` or random elements of GF(p) (:func:`random_hierarchical` does).
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from .errors import InvalidInputError
from .linalg.rank import rank
from .models import (
    GeneralizedRNN,
    GeneralizedShallow,
    HierarchicalNetwork,
    MixedNetwork,
    OverlappingNetwork,
    common_nodes,
)
from .models.hierarchical import parse_tree
from .models.mixed import internal_nodes
from .numbers.domains import parse_field

GENERIC_HIGH = 2**30  # generic QQ weights: uniform integers in [−2^30, 2^30]


def _generic_draw(field, M, who: str):
    """The field (QQ or GF(p)) and a draw(shape, rng) of generic exact weights: uniform
    integers in [−2^30, 2^30] over QQ, uniform residues in [0, p) over GF(p)."""
    field = parse_field(field)
    if field.kind == "float":
        raise InvalidInputError(f"{who} draws exact weights: field 'QQ' or 'GF(p)', not float")
    if not isinstance(M, int | np.integer) or isinstance(M, bool) or M < 1:
        raise InvalidInputError(f"M must be an integer >= 1, got {M!r}")
    lo, hi = (0, field.p - 1) if field.kind == "GF" else (-GENERIC_HIGH, GENERIC_HIGH)

    def draw(shape, rng: random.Random) -> np.ndarray:
        flat = [rng.randint(lo, hi) for _ in range(int(np.prod(shape)))]
        return np.array(flat, dtype=object).reshape(shape)

    return field, draw


def _weights(shape: tuple[int, ...], high: int, rng: random.Random, den: int) -> np.ndarray:
    flat = [
        Fraction(rng.randint(-high, high), rng.randint(1, den)) for _ in range(int(np.prod(shape)))
    ]
    return np.array(flat, dtype=object).reshape(shape)


def random_rnn(
    xi: str,
    M: int,
    T: int,
    rng: random.Random,
    *,
    L=(1, 3),
    R=(1, 3),
    high: int = 9,
    den: int = 1,
    F=None,
) -> GeneralizedRNN:
    """A generalized RNN (seed 001, eq. 16) with L_t and R_t drawn per step from the ranges
    ``L`` and ``R`` (pairs, inclusive) and weights p/q with |p| <= high, 1 <= q <= den."""
    Ls = [rng.randint(*L) for _ in range(T)]
    Rs = [1] + [rng.randint(*R) for _ in range(T - 1)] + [1]
    C = [_weights((Ls[t], M), high, rng, den) for t in range(T)]
    G = [_weights((Ls[t], Rs[t], Rs[t + 1]), high, rng, den) for t in range(T)]
    return GeneralizedRNN(xi, C, G, F=F)


def random_shallow(
    xi: str, M: int, T: int, R: int, rng: random.Random, *, high: int = 9, den: int = 1, F=None
) -> GeneralizedShallow:
    """A width-R generalized shallow network (seed 001, eq. 14) with random weights."""
    return GeneralizedShallow(
        xi, _weights((R,), high, rng, den), _weights((R, T, M), high, rng, den), F=F
    )


def random_invertible(M: int, rng: random.Random, high: int = 5, den: int = 3) -> list:
    """A random M × M rational matrix, drawn again until it is invertible (checked exactly)."""
    while True:
        F = _weights((M, M), high, rng, den)
        if rank(F).rank == M:  # an exact rank: a full-rank QQ result is proven
            return F.tolist()


def random_hierarchical(
    tree,
    M: int,
    widths,
    *,
    field="QQ",
    seed: int = 0,
    activation="identity",
    pooling="product",
    shared: bool = False,
) -> HierarchicalNetwork:
    """A hierarchical network over ``tree`` (seed 000, §3–4) with generic random weights.

    ``widths``: r_0 … r_{L−1}, an int (every level) or one int per level, leaves first.
    Over QQ the weights are uniform integers in [−2^30, 2^30]; over GF(p) uniform residues
    in [0, p), so that ``grid_tensor(model, f"GF({p})")`` computes the grid of generic
    weights mod p. F is the identity. ``activation`` and ``pooling`` are names, or one per
    level; a field they cannot be computed in (relu or max over GF(p)) is refused here.
    Reproducible from ``seed``.
    """
    field, draw = _generic_draw(field, M, "random_hierarchical")
    _, levels = parse_tree(tree)
    L = len(levels) - 1
    widths = _widths(widths, L)
    rng = random.Random(seed)
    inputs = (int(M),) + widths
    weights = [
        [draw((widths[l], inputs[l]), rng) for _ in range(1 if shared else len(levels[l]))]
        for l in range(L)
    ]
    model = HierarchicalNetwork(
        tree, weights, draw((widths[-1],), rng), None, activation, pooling, shared
    )
    model.check_field(field)
    return model


def _widths(widths, L: int) -> tuple[int, ...]:
    """r_0 … r_{L−1} from an int or a sequence of L ints (leaves first), each >= 1."""
    if isinstance(widths, int | np.integer) and not isinstance(widths, bool):
        widths = (int(widths),) * L
    if not isinstance(widths, list | tuple):
        raise InvalidInputError(
            f"widths must be an int or a list of L = {L} ints (leaves first), "
            f"got {type(widths).__name__}"
        )
    if len(widths) != L:
        raise InvalidInputError(
            f"widths has {len(widths)} entries but the tree has L = {L} levels "
            f"(r_0 … r_{L - 1}, leaves first)"
        )
    for l, r in enumerate(widths):
        if not isinstance(r, int | np.integer) or isinstance(r, bool) or r < 1:
            raise InvalidInputError(f"widths[{l}] (r_{l}) must be an integer >= 1, got {r!r}")
    return tuple(int(r) for r in widths)


def random_overlapping(
    shape, M: int, layers, *, field="QQ", seed: int = 0, bias: bool = False
) -> OverlappingNetwork:
    """An overlapping network of GC layers (seed 000, §6) with generic random weights.

    ``shape``: N (a sequence) or (H, W) (an image). ``layers``: one (R, S, C) triple per
    GC layer, bottom first: receptive field, stride, output channels. Over QQ the weights
    (and the biases, with ``bias``) are uniform integers in [−2^30, 2^30]; over GF(p)
    uniform residues in [0, p), so that ``grid_tensor(model, f"GF({p})")`` computes the grid
    of generic weights mod p. F is the identity. Reproducible from ``seed``; sizes that do
    not fit (a stride not dividing its input, R < S) are refused by the model.
    """
    field, draw = _generic_draw(field, M, "random_overlapping")
    if not isinstance(layers, list | tuple) or not layers:
        raise InvalidInputError(
            f"layers must be a non-empty list of (R, S, C) triples, got {layers!r}"
        )
    for l, layer in enumerate(layers):
        if (
            not isinstance(layer, list | tuple)
            or len(layer) != 3
            or not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in layer)
            or min(layer) < 1
        ):
            raise InvalidInputError(
                f"layers[{l}] must be an (R, S, C) triple of integers >= 1, got {layer!r}"
            )
    d = 2 if isinstance(shape, list | tuple) and len(shape) == 2 else 1
    rng = random.Random(seed)
    weights, biases, inputs = [], [], int(M)
    for R, _, C in layers:
        weights.append(draw((R,) * d + (C, inputs), rng))
        biases.append(draw((R,) * d + (C,), rng) if bias else None)
        inputs = C
    strides = [S for _, S, _ in layers]
    return OverlappingNetwork(
        shape, strides, weights, draw((inputs,), rng), None, biases if bias else None
    )


def random_mixed(
    first_tree,
    second_tree,
    M: int,
    widths,
    *,
    mixture=None,
    field="QQ",
    seed: int = 0,
    activation="identity",
    pooling="product",
) -> MixedNetwork:
    """A mixed network of two hierarchical networks (seed 000, §8) with generic weights.

    The components are :func:`random_hierarchical` networks over ``first_tree`` and
    ``second_tree`` with the same ``widths`` (an int, or one per level: then both trees
    need the same number of levels), ``activation`` and ``pooling``; ``mixture`` lists the
    mode sets of the mixture nodes (default: every internal node the two trees share,
    :func:`~exactrank.models.common_nodes`; ``[]`` for none, the sum of the two networks).
    The exchange weights are drawn like the others. Reproducible from ``seed``.
    """
    field, draw = _generic_draw(field, M, "random_mixed")
    rng = random.Random(seed)
    nets = [
        random_hierarchical(
            tree,
            M,
            widths,
            field=field,
            seed=rng.getrandbits(64),
            activation=activation,
            pooling=pooling,
        )
        for tree in (first_tree, second_tree)
    ]
    if mixture is None:
        mixture = common_nodes(first_tree, second_tree)
    if not isinstance(mixture, list | tuple):
        raise InvalidInputError(f"mixture must be a list of mode sets, got {mixture!r}")
    a, b = nets
    entries = []
    places = [internal_nodes(net.levels) for net in nets]
    for modes in mixture:
        l1, l2 = (_level_of(place, modes) for place in places)
        entries.append(
            (
                modes,
                draw((a.widths[l1], b.widths[l2 - 1]), rng),
                draw((b.widths[l2], a.widths[l1 - 1]), rng),
            )
        )
    return MixedNetwork(a, b, entries)


def _level_of(places: dict, modes) -> int:
    """The level of the mixture node over ``modes`` (1 when there is none, so that
    MixedNetwork reports the bad mixture node with the nodes the trees share)."""
    try:
        return places.get(frozenset(int(m) for m in modes), (1, 0))[0]
    except (TypeError, ValueError):
        return 1
