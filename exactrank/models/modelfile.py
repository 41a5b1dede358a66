"""Model files: the ``exactrank-model`` JSON format, version 1.

::

    {"format": "exactrank-model", "version": 1,
     "kind": "generalized-rnn" | "generalized-shallow",
     "xi": "product" | "relu" | "sum" | "softplus" | "l2",
     "M": 2, "T": 4,                       # optional, checked against the weights
     "F": [[...], ...],                    # optional, M × M, default identity
     # generalized-rnn (seed 001, eq. 16-17):
     "C": [C_0, …, C_{T-1}],               # C_t: L_t × M
     "G": [G_0, …, G_{T-1}],               # G_t: L_t × R_{t-1} × R_t, R_{-1} = R_{T-1} = 1
     "shared": true,                        # optional: C and G then hold three cores
                                            # (first, inner, last) and "T" is required
     # generalized-shallow (seed 001, eq. 14-15):
     "lambda": [λ_0, …, λ_{R-1}], "V": R × T × M}

    {"format": "exactrank-model", "version": 1, "kind": "hierarchical",   # seed 000, §3-4
     "tree": [[0, 1], [2, 3]],             # nested lists of 0-based modes, level-balanced
     "M": 2, "T": 4, "widths": [2, 3],     # optional, checked against the weights
     "F": [[...], ...],                    # optional, M × M, default identity
     "activation": "identity" | "relu" | [one per level, leaves first],
     "pooling": "product" | "max" | "mean" | [one per level, leaves first],
     "shared": false,                      # optional; true: one array per level
     "weights": [[W_mode0, …], [W_node0, …], …],   # per level, leaves first (by mode)
     "output": [a_0, …, a_{r_{L-1}-1}]}

    {"format": "exactrank-model", "version": 1, "kind": "overlapping",    # seed 000, §6
     "shape": [8] | [4, 4],                # N inputs, or an H × W image (row-major modes)
     "strides": [S_0, …, S_{L-1}],         # one per GC layer
     "weights": [W_0, …],                  # W_l: R × C_l × C_{l-1} (2D: R × R × C_l × C_{l-1})
     "biases": [b_0 | null, …],            # optional; b_l: R × C_l (2D: R × R × C_l)
     "output": [a_0, …, a_{C_{L-1}-1}],
     "M": 2, "T": 8, "F": [[...], ...],     # optional, as above
     "receptive_fields": [R_0, …], "widths": [C_0, …]}   # optional, checked

    {"format": "exactrank-model", "version": 1, "kind": "mixed",          # seed 000, §8
     "first": {…a hierarchical model…}, "second": {…a hierarchical model…},
     "mixture": [{"modes": [0, 1, 2, 3],   # a node of both trees (not a leaf, not the root)
                  "into_first": [[...]],   # r_l × r̄_{l̄−1}: the second's pool into the first
                  "into_second": [[...]]}, …],
     "M": 2, "T": 8}                       # optional, checked

Numbers are JSON integers or strings "p/q"; a JSON float is refused anywhere, M, T and
widths included (0.1 is not 1/10; 2.0 is not the integer 2). A repeated key in any object is
refused, and so is a file beyond the limits of :mod:`exactrank.limits` (nesting depth, digits,
T, M, widths, the count of weights).
docs/model-files.md documents every kind with examples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ExactRankError, InvalidModelError, LimitError, ModelFileError, shown
from ..io.files import read_text, write_json
from ..io.json_input import check_numbers, model_limits, parse_json
from ..limits import digits_allowed
from ..numbers.domains import fraction_to_text
from . import Model
from .hierarchical import HierarchicalNetwork
from .mixed import MixedNetwork
from .overlapping import OverlappingNetwork
from .rnn import GeneralizedRNN
from .shallow import GeneralizedShallow

FORMAT = "exactrank-model"
VERSION = 1
KINDS = {  # the keys each kind needs
    "generalized-rnn": ("xi", "C", "G"),
    "generalized-shallow": ("xi", "lambda", "V"),
    "hierarchical": ("tree", "weights", "output"),
    "overlapping": ("shape", "strides", "weights", "output"),
    "mixed": ("first", "second", "mixture"),
}


def load_model(path) -> Model:
    """Read a model file; every problem is a :class:`ModelFileError` naming the file."""
    path = Path(path)
    try:
        text = read_text(path)
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read the model file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ModelFileError(
            f"{path}: not UTF-8 text (byte {exc.start} cannot be decoded); "
            "a model file is UTF-8 JSON"
        ) from None
    return model_from_dict(parse_json(text, str(path), ModelFileError), where=str(path))


def model_from_dict(data, where: str = "model") -> Model:
    """Build a model from the parsed JSON of a model file.

    Every problem is a :class:`ModelFileError` naming ``where``, or a :class:`LimitError`
    beyond a limit of :mod:`exactrank.limits` (checked before anything large is built).
    """
    if not isinstance(data, dict):
        raise ModelFileError(f"{where}: expected a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ModelFileError(
            f'{where}: expected "format": "{FORMAT}", got {shown(data.get("format"))}'
        )
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise ModelFileError(
            f"{where}: unsupported version {shown(version)}; this reader knows {VERSION}"
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ModelFileError(
            f"{where}: unknown kind {shown(kind)}; expected one of {sorted(KINDS)}"
        )
    for key in KINDS[kind]:
        if key not in data:
            raise ModelFileError(f"{where}: missing key {key!r} (a {kind} needs it)")
    check_numbers(data, where)
    model_limits(data, where)  # before anything is built: "T": 100000 is refused at once
    _check_names(data, kind, where)
    try:
        with digits_allowed():  # "p/q" strings of up to MAX_DIGITS digits (checked above)
            model = _build(kind, data, where)
    except ModelFileError:
        raise  # a component's error, already naming the file and the component
    except LimitError as exc:
        raise LimitError(f"{where}: {exc}") from None
    except ExactRankError as exc:
        raise ModelFileError(f"{where}: {exc}") from None
    except (TypeError, ValueError, IndexError, KeyError, RuntimeError, OverflowError) as exc:
        # what no check above foresaw: still one line, naming the file and the kind
        raise ModelFileError(
            f"{where}: not a valid {kind} model ({type(exc).__name__}: {str(exc)[:80]})"
        ) from None
    checked = {"hierarchical": ("widths",), "overlapping": ("widths", "receptive_fields")}
    for key in checked.get(kind, ()):
        if key in data and data[key] != list(getattr(model, key)):
            raise ModelFileError(
                f'{where}: "{key}": {shown(data[key])} disagrees with the weights, which give '
                f"{key} = {shown(list(getattr(model, key)))}"
            )
    for key in ("M", "T"):
        if key in data and data[key] != getattr(model, key):
            raise ModelFileError(
                f'{where}: "{key}": {shown(data[key])} disagrees with the weights, which give '
                f"{key} = {getattr(model, key)}"
            )
    return model


_NAMES = {  # the keys holding operator names, by kind
    "generalized-rnn": ("xi",),
    "generalized-shallow": ("xi",),
    "hierarchical": ("activation", "pooling"),
}


def _check_names(data: dict, kind: str, where: str) -> None:
    """ξ, σ and P are names (σ and P: or one name per level); a long or odd value is not
    echoed whole by the operator lookup. Keys a kind does not read are not looked at."""
    for key in _NAMES.get(kind, ()):
        if key not in data:
            continue
        value = data[key]
        names = value if key != "xi" and isinstance(value, list) else [value]
        if not all(isinstance(name, str) and len(name) <= 40 for name in names):
            raise ModelFileError(f'{where}: "{key}" must be a name, got {shown(value)}')


def _build(kind: str, data: dict, where: str):
    F = data.get("F")
    if kind == "mixed":
        return _mixed(data, where)
    if kind == "overlapping":
        return OverlappingNetwork(
            data["shape"], data["strides"], data["weights"], data["output"], F, data.get("biases")
        )
    if kind == "hierarchical":
        return HierarchicalNetwork(
            data["tree"],
            data["weights"],
            data["output"],
            F,
            data.get("activation", "identity"),
            data.get("pooling", "product"),
            data.get("shared", False),
        )
    if kind == "generalized-shallow":
        return GeneralizedShallow(data["xi"], data["lambda"], data["V"], F)
    shared = data.get("shared", False)
    if type(shared) is not bool:
        raise InvalidModelError(f'"shared" must be true or false, got {shown(shared)}')
    if shared:
        C, G = data["C"], data["G"]
        if not (isinstance(C, list) and isinstance(G, list) and len(C) == len(G) == 3):
            raise InvalidModelError(
                'with "shared": true, C and G must each hold 3 cores (first, inner, last)'
            )
        if not isinstance(data.get("T"), int):
            raise InvalidModelError('with "shared": true the key "T" (an integer) is required')
        return GeneralizedRNN.with_shared_cores(
            data["xi"], (C[0], G[0]), (C[1], G[1]), (C[2], G[2]), data["T"], F
        )
    return GeneralizedRNN(data["xi"], data["C"], data["G"], F)


def _mixed(data: dict, where: str) -> MixedNetwork:
    """Both components are whole hierarchical model objects (a model file each)."""
    components = []
    for name in ("first", "second"):
        component = model_from_dict(data[name], where=f"{where}: {name}")
        if not isinstance(component, HierarchicalNetwork):
            raise ModelFileError(
                f'{where}: "{name}" must be a hierarchical model, got kind {component.kind!r}'
            )
        components.append(component)
    mixture = data["mixture"]
    if not isinstance(mixture, list):
        raise ModelFileError(f'{where}: "mixture" must be a list, got {type(mixture).__name__}')
    entries = []
    for k, item in enumerate(mixture):
        keys = ("modes", "into_first", "into_second")
        if not isinstance(item, dict) or set(item) != set(keys):
            raise ModelFileError(
                f"{where}: mixture[{k}] must be an object with exactly the keys "
                f"{', '.join(keys)}, got {shown(item)}"
            )
        entries.append(tuple(item[key] for key in keys))
    return MixedNetwork(*components, entries)


def _exact_list(A):
    """A nested list of integers and "p/q" strings from an array (or list) of Fraction."""
    if isinstance(A, np.ndarray):
        A = A.tolist()
    if isinstance(A, list):
        return [_exact_list(a) for a in A]
    return fraction_to_text(A)


def model_to_dict(model) -> dict:
    """The JSON-ready dict of an exact model (float models have no file form)."""
    if not model.exact:
        raise InvalidModelError(
            "only exact models can be saved: the file format holds integers and 'p/q' strings"
        )
    if isinstance(model, HierarchicalNetwork):
        return _hierarchical_dict(model)
    if isinstance(model, OverlappingNetwork):
        return _overlapping_dict(model)
    if isinstance(model, MixedNetwork):
        return {
            "format": FORMAT,
            "version": VERSION,
            "kind": model.kind,
            "M": model.M,
            "T": model.T,
            "first": _hierarchical_dict(model.first),
            "second": _hierarchical_dict(model.second),
            "mixture": [
                {
                    "modes": list(node.modes),
                    "into_first": _exact_list(node.into_first),
                    "into_second": _exact_list(node.into_second),
                }
                for node in model.mixture
            ],
        }
    out = {
        "format": FORMAT,
        "version": VERSION,
        "kind": model.kind,
        "xi": model.xi.name,
        "M": model.M,
        "T": model.T,
        "F": _exact_list(model.F),
    }
    if isinstance(model, GeneralizedShallow):
        out["lambda"] = _exact_list(model.lambda_)
        out["V"] = _exact_list(model.V)
    elif model.shared:
        steps = (0, 1, model.T - 1)
        out["shared"] = True
        out["C"] = [_exact_list(model.C[t]) for t in steps]
        out["G"] = [_exact_list(model.G[t]) for t in steps]
    else:
        out["C"] = [_exact_list(c) for c in model.C]
        out["G"] = [_exact_list(g) for g in model.G]
    return out


def _hierarchical_dict(model: HierarchicalNetwork) -> dict:
    """σ and P as one name when every level agrees; one array per level when shared."""

    def names(ops):
        return ops[0].name if len({op.name for op in ops}) == 1 else [op.name for op in ops]

    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": model.kind,
        "tree": _tree_list(model.tree),
        "M": model.M,
        "T": model.T,
        "widths": list(model.widths),
        "F": _exact_list(model.F),
        "activation": names(model.activation),
        "pooling": names(model.pooling),
        "shared": model.shared,
        "weights": [
            [_exact_list(w) for w in (level[:1] if model.shared else level)]
            for level in model.weights
        ],
        "output": _exact_list(model.output),
    }


def _overlapping_dict(model: OverlappingNetwork) -> dict:
    """Biases only when the model has some (a layer without them is null)."""
    out = {
        "format": FORMAT,
        "version": VERSION,
        "kind": model.kind,
        "shape": list(model.shape),
        "M": model.M,
        "T": model.T,
        "receptive_fields": list(model.receptive_fields),
        "widths": list(model.widths),
        "strides": list(model.strides),
        "F": _exact_list(model.F),
        "weights": [_exact_list(W) for W in model.weights],
        "output": _exact_list(model.output),
    }
    if model.biases is not None:
        out["biases"] = [None if b is None else _exact_list(b) for b in model.biases]
    return out


def _tree_list(tree):
    return [_tree_list(node) for node in tree] if isinstance(tree, tuple) else tree


def save_model(model, path) -> None:
    """Write a model file (``-``: stdout) atomically, never replacing anything but a
    regular file (:mod:`exactrank.io.files`): a failure leaves no half-written file behind."""
    write_json(model_to_dict(model), path)
