"""Seed 000, Proposition (i) of §4, §6 and §8: each larger network reduces to the smaller one.

Claims (seed 000): §4, "the deep network reduces to the shallow one if we set all of its
hidden convolutions but the first to be identity mappings" (and §4.1, for convolutional
rectifier networks, "its second to last hidden convolutions can realize the identity
mapping"); §6, "we can always set the weights of the GC layers to zero in the overlapping
regions, i.e. the positions in each kernel beyond the S × S window defined by the stride S,
effectively reducing them to the non-overlapping case"; §8, "the mixed network M reduces to
one of the networks it comprises (N_1 or N_2) if we set the opposite network's weights to
zero". Each is checked as an exact equality of grid tensors, entry by entry, over QQ and
over GF(p), p = 2^61 − 1, on networks with generic random weights.

Definitions (the models of :mod:`exactrank.models`):

* §4: the deep network is a :class:`exactrank.HierarchicalNetwork` over a binary tree of
  contiguous pairs (N = 2^L) with widths r_0 = r_1 = … = r_{L−1} = r (so that a hidden
  conv can be the identity), every hidden conv (levels 1 … L−1) the r × r identity, the
  leaf convs and the output random. The shallow network it reduces to is the one of fig.
  3(b) / eq. 1 with the deep network's leaf convs and output: width r, one window over
  every mode. It is built twice, as the one-window tree ``(0, …, N−1)`` and as an
  :class:`exactrank.GeneralizedShallow` (seed 001, eq. 14, a different grid code), and with
  shared weights (a^{0,γ} at every mode: eq. 1 itself) as well as unshared. For σ = identity,
  P = product the product over each window composes to the product over all modes; for
  σ = relu, P = max (a rectifier network) σ is the identity on the pooled values (≥ 0) and
  max composes, so the shallow network is ξ_relu = max_j max(a_j, 0) (seed 001, eq. 14);
  for relu with mean pooling over windows of two, the mean of means of equal-size windows
  is the mean over all modes (one-window tree only: GeneralizedShallow has no mean).
* §6: an :class:`exactrank.OverlappingNetwork` (GC layers, receptive field R_l, stride
  S_l; no biases) with R_l > S_l. :func:`exactrank.without_overlaps` sets every position
  of each kernel outside its S × S window to weight 0 and bias 1 (a factor 1 of the block's
  product: weight 0 alone would be a factor 0 and kill the block; see
  :mod:`exactrank.models.overlapping`). Its grid is compared with the R = S network of the
  stride windows of the kernels and with the baseline of §3 (fig. 2): a
  :class:`exactrank.HierarchicalNetwork` over the contiguous tree of windows of S_l
  positions (S_l × S_l squares in 2D), whose node at block position k of its window has
  the conv W_l[k] (a global product pooling of the last layer's positions is one more level
  with the identity conv).
* §8: an :class:`exactrank.MixedNetwork` (definition in :mod:`exactrank.models.mixed`).
  Two readings of "the opposite network's weights set to zero", for each side: (a) the
  exchange into the kept network and the opposite output zero (``first_alone`` of
  seed000_theorem_13, reused), the opposite convs and the exchange into it kept; (b) every
  weight of the opposite network zero (its convs, its output and the exchange into it),
  the exchange into the kept network kept (it then reads zeros). The second side is the
  first of the swapped mixture (first ↔ second, into_first ↔ into_second), whose grid is
  checked to equal the mixture's.

Each instance also checks that the reduction was not vacuous: the network before the
reduction (random hidden convs; the overlapping kernels whole; the mixture with every
weight) has a grid different from the reduced one. The check PASSES when every equality
holds and no instance is vacuous. With ``--certs`` each §4 instance of at most 2^14 grid
entries saves an "le 0" certificate of the odd-even rank of grid(deep with identity hidden
convs) − grid(one-window shallow network), written as one model (the two networks summed,
the shallow output negated: a mixture with no mixture node), so that the stand-alone checker
evaluates every entry of the difference and finds it zero.

Instances (quick): §4 on N = 4, 8 with (M, r) = (2, 2), (3, 2) under identity/product (QQ
and GF(p)), relu/max and relu/mean (QQ); §6 on N = 8 (three layers; two layers and a
global pooling), N = 6 with a stride-1 layer, and a 4 × 4 image, M = 2; §8 at N = 8,
M = r = 2: the dilated tree (1, 2, 4) mixed at every shared node with (2, 1, 4) and with
(1, 4, 2) (identity/product over QQ and GF(p)), and with (((0, 1), (2, 3)), ((4, 6),
(5, 7))), whose shared nodes lie one above another, so that what one network receives from
the other reaches it back (identity/product over GF(p), relu/max over QQ). ``--full`` adds
N = 16 (§4), a 4 × 4 image with a stride-1 layer over QQ (§6) and M = r = 3 (§8).
"""

from __future__ import annotations

import numpy as np

import exactrank as er
from exactrank.checks import theorems
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.geometry.trees import contiguous_tree, dilated_tree
from exactrank.models import MixedNetwork
from exactrank.models.hierarchical import parse_tree

NAME = "seed000_proposition_i"
CLAIM = (
    "proposition (i): the deep network with identity hidden convs is the shallow one (§4), "
    "GC layers zero outside the stride window are the baseline (§6), the mixed network with "
    "one side zeroed is the other network (§8); exact grid equality"
)
EXPECTED = "PASS"
PRIME = 2**61 - 1
GF = f"GF({PRIME})"
# §4: (N, M, r, activation, pooling, field)
DEPTH_QUICK = [
    (4, 2, 2, "identity", "product", "QQ"),
    (8, 3, 2, "identity", "product", "QQ"),
    (8, 2, 2, "identity", "product", GF),
    (8, 3, 2, "relu", "max", "QQ"),
    (8, 2, 3, "relu", "mean", "QQ"),
]
DEPTH_FULL = DEPTH_QUICK + [(16, 2, 2, "identity", "product", GF), (16, 2, 2, "relu", "max", "QQ")]
# §6: (shape, layers (R, S, C), field)
OVERLAP_QUICK = [
    ((8,), [(4, 2, 2), (3, 2, 2), (2, 2, 1)], "QQ"),
    ((8,), [(3, 2, 2), (5, 2, 2)], GF),
    ((6,), [(3, 1, 2), (4, 3, 2), (2, 2, 1)], "QQ"),
    ((4, 4), [(3, 2, 2), (4, 2, 2)], GF),
]
OVERLAP_FULL = OVERLAP_QUICK + [((4, 4), [(3, 1, 2), (3, 2, 2), (3, 2, 1)], "QQ")]
# §8: (second tree, M = r, activation, pooling, field); the first tree is dilations (1, 2, 4);
# NESTED shares (0, 1), (2, 3) and {0…3}, {4…7} with it: mixture nodes one above another
NESTED = (((0, 1), (2, 3)), ((4, 6), (5, 7)))
MIXED_QUICK = [
    (dilated_tree((2, 1, 4)), 2, "identity", "product", "QQ"),
    (dilated_tree((1, 4, 2)), 2, "identity", "product", GF),
    (NESTED, 2, "relu", "max", "QQ"),
    (NESTED, 2, "identity", "product", GF),
]
MAX_CERT = 1 << 14  # grid entries of the largest §4 grid whose equality is certified
MIXED_FULL = MIXED_QUICK + [(dilated_tree((2, 1, 4)), 3, "identity", "product", GF)]

same_grid = theorems.load("seed000_theorem_3").same_grid
first_alone = theorems.load("seed000_theorem_13").first_alone


# --------------------------------------------------------------------------- §4: depth


def identity_hidden(deep: er.HierarchicalNetwork) -> er.HierarchicalNetwork:
    """The deep network with every hidden conv but the first (levels 1 … L−1) the identity."""
    r = deep.widths[0]
    if set(deep.widths) != {r}:
        raise er.InvalidInputError(f"identity hidden convs need equal widths, got {deep.widths}")
    eye = np.identity(r, dtype=int).astype(object)
    weights = [list(deep.weights[0])] + [[eye] * len(level) for level in deep.weights[1:]]
    return er.HierarchicalNetwork(
        deep.tree, weights, deep.output, deep.F, deep.activation, deep.pooling, deep.shared
    )


def shallow_networks(deep: er.HierarchicalNetwork) -> dict:
    """The shallow network of fig. 3(b) with the deep network's leaf convs and output, as
    the one-window tree and (product or max pooling) as a GeneralizedShallow."""
    sigma, pool = deep.activation[0].name, deep.pooling[0].name
    leaves = list(deep.weights[0][:1] if deep.shared else deep.weights[0])
    flat = er.HierarchicalNetwork(
        tuple(range(deep.N)), [leaves], deep.output, deep.F, sigma, pool, deep.shared
    )
    shallow = {"the one-window tree": flat}
    xi = {("identity", "product"): "product", ("relu", "max"): "relu"}.get((sigma, pool))
    if xi is not None:
        V = np.array(
            [[deep.weights[0][j][g] for j in range(deep.N)] for g in range(deep.widths[0])]
        )
        shallow[f"GeneralizedShallow({xi})"] = er.GeneralizedShallow(xi, deep.output, V, deep.F)
    return shallow


def difference(a: er.HierarchicalNetwork, b: er.HierarchicalNetwork) -> MixedNetwork:
    """grid(a) − grid(b) as one model: the mixture of a and b (output negated) with no
    mixture node, which is their sum (:mod:`exactrank.models.mixed`)."""
    negated = er.HierarchicalNetwork(
        b.tree, b.weights, -b.output, b.F, b.activation, b.pooling, b.shared
    )
    return MixedNetwork(a, negated, [])


def _depth(N, M, r, activation, pooling, field, seed, details, certs) -> tuple[int, int, list]:
    instances = failures = 0
    saved = []
    tree = contiguous_tree(N)
    L = N.bit_length() - 1
    for shared in (False, True):
        instances += 1
        where = f"§4 N={N} M={M} r={r} {activation}/{pooling} shared={shared} over {field[:2]}"
        deep = er.random_hierarchical(
            tree,
            M,
            r,
            field=field,
            seed=seed,
            activation=activation,
            pooling=pooling,
            shared=shared,
        )
        reduced = identity_hidden(deep)
        grid = er.grid_tensor(reduced, field)
        shallow = shallow_networks(reduced)
        bad = [n for n, net in shallow.items() if not same_grid(er.grid_tensor(net, field), grid)]
        vacuous = L > 1 and same_grid(er.grid_tensor(deep, field), grid)
        failures += bool(bad) or vacuous
        if bad:
            details.append(f"{where}: identity hidden convs differ from {', '.join(bad)}")
        elif vacuous:
            details.append(f"{where}: vacuous: random hidden convs give the same grid")
        else:
            names = ", ".join(shallow)
            details.append(f"{where}: deep with identity hidden convs = shallow ({names})")
            if certs is not None and M**N <= MAX_CERT:
                zero = difference(reduced, shallow["the one-window tree"])
                theorem = "seed 000, §4, proposition (i): rank of deep − shallow <= 0"
                cert = er.certify(zero, "odd-even", field, claim="le", r=0, theorem=theorem)
                stem = f"N{N}_M{M}_r{r}_{activation}_{pooling}_shared{int(shared)}_{field[:2]}"
                saved += keep(certs, f"seed000_proposition_i_depth_{stem}.json", cert)
    return instances, failures, saved


# ------------------------------------------------------------------------ §6: overlaps


def stride_windows(model: er.OverlappingNetwork) -> er.OverlappingNetwork:
    """The R = S network whose kernels are the stride windows of the model's kernels."""
    weights = []
    for l, W in enumerate(model.weights):
        o, S = model.offsets[l], model.strides[l]
        weights.append(W[(slice(o, o + S),) * model.ndim])
    return er.OverlappingNetwork(model.shape, model.strides, weights, model.output, model.F)


def baseline(model: er.OverlappingNetwork) -> er.HierarchicalNetwork:
    """The baseline of seed 000 §3 computing an R = S network without biases: the tree of
    its windows, each node with the kernel of its position k in its parent's window
    (row-major in 2D); a last layer of several positions adds a level of identity convs
    under a root pooling them all."""
    if model.receptive_fields != model.strides or model.biases is not None:
        raise er.InvalidInputError("the baseline needs R = S everywhere and no biases")
    nodes = np.empty(model.shape, dtype=object)  # positions of the current level → subtrees
    nodes.flat[:] = range(model.N)
    kernel_of = []  # per level: node → its conv
    for l, S in enumerate(model.strides):
        kernels = model.kernel(l)[0]
        parents = np.empty(model.sizes[l + 1], dtype=object)
        kernel_of.append({})
        for index in np.ndindex(*parents.shape):
            block = [
                tuple(i * S + u for i, u in zip(index, offset, strict=True))
                for offset in np.ndindex(*(S,) * model.ndim)
            ]
            children = tuple(nodes[b] for b in block)
            kernel_of[l].update({child: kernels[k] for k, child in enumerate(children)})
            parents[index] = children
        nodes = parents
    top = list(nodes.flat)
    tree = top[0] if len(top) == 1 else tuple(top)
    if len(top) > 1:
        eye = np.identity(model.widths[-1], dtype=int).astype(object)
        kernel_of.append(dict.fromkeys(top, eye))
    levels = parse_tree(tree)[1]
    weights = [[kernel_of[l][node] for node in levels[l]] for l in range(len(kernel_of))]
    return er.HierarchicalNetwork(tree, weights, model.output, model.F)


def _overlap(shape, layers, field, seed, details) -> tuple[int, int]:
    where = f"§6 shape={'x'.join(map(str, shape))} (R,S,C)={layers} over {field[:2]}"
    model = er.random_overlapping(shape, 2, layers, field=field, seed=seed)
    reduced = er.without_overlaps(model)
    grid = er.grid_tensor(reduced, field)
    windows = stride_windows(model)
    bad = [
        name
        for name, net in (("the R = S network", windows), ("the baseline", baseline(windows)))
        if not same_grid(er.grid_tensor(net, field), grid)
    ]
    vacuous = same_grid(er.grid_tensor(model, field), grid)
    if bad:
        details.append(f"{where}: zero outside the stride windows differs from {', '.join(bad)}")
    elif vacuous:
        details.append(f"{where}: vacuous: the whole kernels give the same grid")
    else:
        details.append(f"{where}: zero outside the stride windows = R = S network = baseline")
    return 1, int(bool(bad) or vacuous)


# -------------------------------------------------------------------------- §8: mixing


def swapped(model: MixedNetwork) -> MixedNetwork:
    """The same mixture with first and second exchanged (its grid is the same)."""
    mixture = [(node.modes, node.into_second, node.into_first) for node in model.mixture]
    return MixedNetwork(model.second, model.first, mixture)


def zero_weights(net: er.HierarchicalNetwork) -> er.HierarchicalNetwork:
    """The network with every conv and its output zero."""
    weights = [[0 * w for w in level] for level in net.weights]
    return er.HierarchicalNetwork(
        net.tree, weights, 0 * net.output, net.F, net.activation, net.pooling, net.shared
    )


def first_by_zeroed_second(model: MixedNetwork) -> MixedNetwork:
    """Reading (b): every weight of the second network zero, the exchange into it too; the
    exchange into the first kept (it reads the second network's zeros)."""
    mixture = [(node.modes, node.into_first, 0 * node.into_second) for node in model.mixture]
    return MixedNetwork(model.first, zero_weights(model.second), mixture)


def _mixing(second, Mr, activation, pooling, field, seed, details) -> tuple[int, int]:
    instances = failures = 0
    trees = (dilated_tree((1, 2, 4)), second)
    model = er.random_mixed(
        *trees, Mr, Mr, field=field, seed=seed, activation=activation, pooling=pooling
    )
    full = er.grid_tensor(model, field)
    label = f"§8 (1,2,4) vs {second} M=r={Mr} {activation}/{pooling} over {field[:2]}"
    if not same_grid(er.grid_tensor(swapped(model), field), full):
        details.append(f"{label}: the swapped mixture has another grid")
        return 1, 1
    for side, mixed in (("N_1", model), ("N_2", swapped(model))):
        kept = er.grid_tensor(mixed.first, field)
        for reading, reduce in (
            ("(a) exchange into it and the other output zero", first_alone),
            ("(b) every weight of the other network zero", first_by_zeroed_second),
        ):
            instances += 1
            equal = same_grid(er.grid_tensor(reduce(mixed), field), kept)
            vacuous = same_grid(full, kept)
            failures += not equal or vacuous
            verdict = "=" if equal else "differs from"
            note = " (vacuous: the mixture is already it)" if vacuous else ""
            details.append(f"{label}: {reading}: M {verdict} {side}{note}")
    return instances, failures


# ------------------------------------------------------------------------------ check


def check(full: bool = False, certs=None) -> CheckResult:
    details, instances, failures, saved = [], 0, 0, []
    for seed, row in enumerate(DEPTH_FULL if full else DEPTH_QUICK):
        n, f, s = _depth(*row, seed, details, certs)
        instances, failures, saved = instances + n, failures + f, saved + s
    for run, table in (
        (_overlap, OVERLAP_FULL if full else OVERLAP_QUICK),
        (_mixing, MIXED_FULL if full else MIXED_QUICK),
    ):
        for seed, row in enumerate(table):
            n, f = run(*row, seed, details)
            instances, failures = instances + n, failures + f
    largest = quantity = ""
    depth = DEPTH_FULL if full else DEPTH_QUICK
    if depth:  # the §4 instance of the most grid entries
        N, M, r, activation, pooling, field = max(depth, key=lambda row: row[1] ** row[0])
        largest = f"§4, N = {N}, M = {M}, r = {r}, {activation}/{pooling} over {field[:2]}"
        quantity = f"deep with identity hidden convs = shallow on all {M**N} grid entries"
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=largest,
        quantity=quantity,
    )


if __name__ == "__main__":
    run_script(check)
