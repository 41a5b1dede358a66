"""Overlapping convolutional arithmetic circuits: a stack of generalized convolution (GC)
layers (seed 000, §6, fig. 5; Sharir & Shashua, "On the expressive power of overlapping
architectures of deep learning", ICLR 2018, arXiv:1703.02065).

Seed 000 §6 replaces each conv-pool pair of the baseline network (§3, fig. 2) by a *GC
layer* with receptive field R, stride S and C output channels: it "extracts R × R × D-blocks
in strides of S" from its input and maps each block to a 1 × 1 × C fiber by a sub-network
of "a 1 × 1-convolution layer and global [product] pooling" (fig. 5). R > S makes the blocks
overlap; R = S is "exactly equivalent to the convolution-pooling pairs" of the baseline.
Sharir & Shashua's full text was not available to this implementation, so each choice
below is stated, and the tests pin it:

* **Input.** 1D: N positions (modes 0 … N−1). 2D: an H × W image, pixel (h, w) is mode
  h·W + w (row-major), so the grid tensor has N = H·W modes in the usual C-order.
  Template m has the features f(x^(m)) = F[m] (M × M, identity by default; DESIGN.md).
* **Representation.** Folded into the first GC layer, as in :class:`HierarchicalNetwork`:
  its 1×1 convs act on f(x) ∈ R^M directly (C_{−1} = M). A separate representation conv to
  r_0 channels followed by the first layer's convs is one linear map per block position,
  the special case W_0[k] = A_k·B with B of rank ≤ r_0.
* **GC layer l** (R_l, S_l, C_l), input of P positions (per axis) and D channels (C_{l−1}),
  output of P / S_l positions (per axis). Output position j's block is the input positions
  j·S_l − o_l + k, k = 0 … R_l − 1, with the offset o_l = ⌊(R_l − S_l)/2⌋ (centred, as
  "same" padding; when R_l − S_l is odd the extra position is on the right / bottom). In
  2D the block is the R_l × R_l square of rows and columns so placed, k = (u, v).
  Each block position k has its own 1×1 conv W_l[k] (C_l × D) and bias b_l[k] (C_l), shared
  by all blocks (a convolution: translation invariant) but not across the positions of a
  block: this is what makes "the weights of the GC layers ... in the overlapping regions,
  i.e. the positions in each kernel beyond the S × S window" of seed 000 §6 a meaningful
  notion. Then the global product pooling over the block, channel by channel:

      Y[j, c] = Π_{k : j·S − o + k inside} ( Σ_d W_l[k][c, d] · X[j·S − o + k, d] + b_l[k][c] ).

* **Padding.** A block position outside the input contributes the factor 1, the unit of
  the product (it is skipped). This is zero padding in the log-space implementation of
  convolutional arithmetic circuits (SimNets, where product pooling is a sum); zero
  padding of the linear values would make every boundary block 0 in a bias-free layer.
  S_l must divide the input size of layer l (each axis), and R_l ≥ S_l (a stride larger
  than the receptive field would skip inputs); other sizes are refused, naming the layer.
* **Biases** are optional (default none: the bias-free 1×1 conv of fig. 5(b)). They exist
  for Proposition (i) of seed 000 §6 ("set the weights of the GC layers to zero in the
  overlapping regions"): with product pooling a zero factor kills the block, so the
  overlapping positions must contribute the factor 1, which is weight 0 with bias 1
  (:func:`without_overlaps`). Whether Sharir & Shashua's layer carries biases could not be
  checked against their text here.
* **Output.** If the last layer leaves more than one position, a global product pooling
  over all of them, channel by channel (an implicit non-overlapping layer whose conv is the
  identity); then one dense linear output y = ⟨a, ·⟩ (``output``, C_{L−1} entries). No
  activation anywhere (σ = identity, P = product: a convolutional arithmetic circuit).

With R_l = S_l everywhere, zero biases and W_l[k] the same for every k, the network is
the shared-weights baseline of §3 over the contiguous tree of windows of S_l positions
(S_l × S_l squares in 2D): :class:`HierarchicalNetwork` with ``shared=True`` (and, with
W_l[k] depending on k, the unshared one whose node weights repeat with the window
position). The tests check both.

Weights per layer, leaves first: ``weights[l]`` has shape (R_l, C_l, C_{l−1}) in 1D and
(R_l, R_l, C_l, C_{l−1}) in 2D; ``biases`` is None or one entry per layer, each None or of
shape (R_l, C_l) / (R_l, R_l, C_l).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidModelError, shown
from ..numbers.domains import Field
from ._weights import as_array, check_limit, check_ndim, convert, feature_matrix, is_float_array


@dataclass(frozen=True, eq=False)
class OverlappingNetwork:
    """An input shape (N,) or (H, W), GC layers (weights, strides, optional biases), a dense
    output and F (seed 000, §6). Exact (object arrays of Fraction) unless some weight is a
    float, which makes a float model (``exact`` False), as for the other kinds.
    """

    shape: tuple
    strides: tuple
    weights: tuple
    output: np.ndarray
    F: np.ndarray | None = None
    biases: tuple | None = None
    exact: bool = field(init=False)
    sizes: tuple = field(init=False, repr=False)

    kind = "overlapping"

    def __post_init__(self):
        shape = _shape(self.shape)
        d = len(shape)
        strides = _strides(self.strides)
        L = len(strides)
        weights = _layer_list(self.weights, L, "weights")
        weights = [as_array(w, f"weights[{l}]") for l, w in enumerate(weights)]
        for l, W in enumerate(weights):
            meaning = "(R, C_l, C_{l-1})" if d == 1 else "(R, R, C_l, C_{l-1})"
            check_ndim(W, d + 2, f"weights[{l}]", f"{meaning} for a {d}D input")
        output = as_array(self.output, "output")
        check_ndim(output, 1, "output", "(C_{L-1},) (one dense output y)")
        M = weights[0].shape[-1]
        sizes = _validate_layers(shape, strides, weights, output, M)
        biases = None
        if self.biases is not None:
            biases = _layer_list(self.biases, L, "biases")
            biases = [
                None if b is None else as_array(b, f"biases[{l}]") for l, b in enumerate(biases)
            ]
            _validate_biases(biases, weights, d)
        F = self.F if self.F is None else as_array(self.F, "F")
        arrays = weights + [output] + [b for b in biases or () if b is not None]
        exact = not any(is_float_array(A) for A in arrays + ([] if F is None else [F]))
        weights = tuple(convert(W, f"weights[{l}]", exact) for l, W in enumerate(weights))
        if biases is not None:
            biases = tuple(
                None if b is None else convert(b, f"biases[{l}]", exact)
                for l, b in enumerate(biases)
            )
            if all(b is None for b in biases):
                biases = None
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "strides", strides)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "output", convert(output, "output", exact))
        object.__setattr__(self, "F", feature_matrix(F, M, exact))
        object.__setattr__(self, "biases", biases)
        object.__setattr__(self, "exact", exact)
        object.__setattr__(self, "sizes", sizes)

    @property
    def ndim(self) -> int:
        """1 for a sequence of N positions, 2 for an H × W image."""
        return len(self.shape)

    @property
    def N(self) -> int:
        """The number of input modes: N (1D) or H·W (2D, row-major)."""
        return int(np.prod(self.shape))

    @property
    def T(self) -> int:
        """N, under the name the rest of exactrank (files, CLI, partitions) uses."""
        return self.N

    @property
    def M(self) -> int:
        return self.weights[0].shape[-1]

    @property
    def L(self) -> int:
        """The number of GC layers."""
        return len(self.strides)

    @property
    def receptive_fields(self) -> tuple[int, ...]:
        """R_0 … R_{L−1} (blocks of R × R in 2D)."""
        return tuple(W.shape[0] for W in self.weights)

    @property
    def widths(self) -> tuple[int, ...]:
        """C_0 … C_{L−1}: the output channels of each GC layer."""
        return tuple(W.shape[-2] for W in self.weights)

    @property
    def offsets(self) -> tuple[int, ...]:
        """o_l = ⌊(R_l − S_l)/2⌋: block j starts at input position j·S_l − o_l."""
        return tuple((R - S) // 2 for R, S in zip(self.receptive_fields, self.strides, strict=True))

    @property
    def total_strides(self) -> tuple[int, ...]:
        """S_0·…·S_l for each layer l: input positions per step of layer l's output."""
        return tuple(int(np.prod(self.strides[: l + 1])) for l in range(self.L))

    @property
    def total_receptive_fields(self) -> tuple[int, ...]:
        """The input positions one output of layer l sees per axis, padding ignored:
        TR_l = TR_{l−1} + (R_l − 1)·TS_{l−1}, TR_{−1} = TS_{−1} = 1."""
        out, span, step = [], 1, 1
        for R, S in zip(self.receptive_fields, self.strides, strict=True):
            span, step = span + (R - 1) * step, step * S
            out.append(span)
        return tuple(out)

    def blocks(self, l: int) -> np.ndarray:
        """Layer l's blocks as a (positions out, R_l or R_l²) int64 array of input positions
        (flattened row-major), −1 where the block position falls outside (padding)."""
        R, S, o = self.receptive_fields[l], self.strides[l], self.offsets[l]
        size_in, size_out = self.sizes[l], self.sizes[l + 1]
        per_axis = []
        for n_in, n_out in zip(size_in, size_out, strict=True):
            pos = np.arange(n_out)[:, None] * S - o + np.arange(R)[None, :]
            per_axis.append(np.where((pos >= 0) & (pos < n_in), pos, -1))
        if self.ndim == 1:
            return per_axis[0]
        rows, cols = per_axis
        W_in = size_in[1]
        flat = rows[:, None, :, None] * W_in + cols[None, :, None, :]
        valid = (rows[:, None, :, None] >= 0) & (cols[None, :, None, :] >= 0)
        flat = np.where(valid, flat, -1)
        return flat.reshape(size_out[0] * size_out[1], R * R)

    def kernel(self, l: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Layer l's 1×1 convs as (R_l or R_l², C_l, C_{l−1}) and its biases as
        (R_l or R_l², C_l) (None without biases), block positions row-major."""
        W = self.weights[l]
        W = W.reshape(-1, *W.shape[-2:])
        b = None if self.biases is None else self.biases[l]
        return W, (None if b is None else b.reshape(-1, b.shape[-1]))

    def check_field(self, field: Field) -> None:
        """Every field is fine: σ = identity and P = product are exact over QQ and GF(p)."""

    def __repr__(self) -> str:
        layers = ", ".join(
            f"(R={R}, S={S}, C={C})"
            for R, S, C in zip(self.receptive_fields, self.strides, self.widths, strict=True)
        )
        shape = "×".join(str(n) for n in self.shape)
        bias = ", biases" if self.biases is not None else ""
        return (
            f"OverlappingNetwork(shape={shape}, M={self.M}, layers=[{layers}]{bias}, "
            f"exact={self.exact})"
        )


def without_overlaps(model: OverlappingNetwork) -> OverlappingNetwork:
    """Seed 000 §6, Proposition (i): the overlapping part of every kernel switched off.

    Block positions outside the stride window (k ∉ [o_l, o_l + S_l) on some axis) get
    weights 0 and bias 1, so they contribute the factor 1; the others keep their weights and
    biases. The result computes the non-overlapping network with R_l = S_l whose kernels are
    the stride windows of the original ones (the baseline of §3 when those are equal).
    """
    if not model.exact:
        raise InvalidModelError("without_overlaps needs a model with exact weights")
    weights, biases = [], []
    for l, W in enumerate(model.weights):
        R, S, o = model.receptive_fields[l], model.strides[l], model.offsets[l]
        inside = np.zeros(R, dtype=bool)
        inside[o : o + S] = True
        mask = inside if model.ndim == 1 else inside[:, None] & inside[None, :]
        b = model.biases[l] if model.biases is not None else None
        if b is None:
            b = np.zeros(W.shape[:-1], dtype=object)
        W, b = W.copy(), b.copy()
        W[~mask] = 0
        b[~mask] = 1
        weights.append(W)
        biases.append(b)
    return OverlappingNetwork(model.shape, model.strides, weights, model.output, model.F, biases)


def _shape(shape) -> tuple[int, ...]:
    if _is_int(shape):
        shape = (shape,)
    if not isinstance(shape, list | tuple) or len(shape) not in (1, 2):
        raise InvalidModelError(
            f"shape must be (N,) for a sequence or (H, W) for an image, got {shown(shape)}"
        )
    for n in shape:
        if not _is_int(n) or n < 1:
            raise InvalidModelError(f"shape {shown(tuple(shape))}: sizes must be integers >= 1")
    shape = tuple(int(n) for n in shape)
    check_limit(math.prod(shape), "MAX_MODES", f"T (the inputs of shape {shape_text(shape)})")
    return shape


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _strides(strides) -> tuple[int, ...]:
    if not isinstance(strides, list | tuple) or not strides:
        raise InvalidModelError(
            "strides must be a non-empty list with one stride S_l per GC layer, got "
            f"{shown(strides)}"
        )
    for l, S in enumerate(strides):
        if not _is_int(S) or S < 1:
            raise InvalidModelError(f"strides[{l}] must be an integer >= 1, got {shown(S)}")
    return tuple(int(S) for S in strides)


def _layer_list(value, L: int, name: str) -> list:
    if isinstance(value, np.ndarray) or not isinstance(value, list | tuple):
        raise InvalidModelError(
            f"{name} must be a list with one array per GC layer (L = {L}), "
            f"got {type(value).__name__}"
        )
    if len(value) != L:
        raise InvalidModelError(
            f"{name} has {len(value)} entries but strides gives L = {L} GC layers"
        )
    return list(value)


def _validate_layers(shape, strides, weights, output, M: int) -> tuple:
    """Shapes layer by layer; the sizes (per axis) of every layer's input and of the last
    output. Every error names the layer and both sizes."""
    if M < 1:
        raise InvalidModelError(
            f"weights[0] must have M >= 1 input channels, got {weights[0].shape}"
        )
    check_limit(M, "MAX_TEMPLATES", "M (the last axis of weights[0])")
    d = len(shape)
    size, sizes = shape, [shape]
    inputs, source = M, "M"
    for l, (W, S) in enumerate(zip(weights, strides, strict=True)):
        R = W.shape[0]
        check_limit(R, "MAX_WIDTH", f"R_{l} (the receptive field of weights[{l}])")
        check_limit(W.shape[-2], "MAX_WIDTH", f"C_{l} (the channels of weights[{l}])")
        if d == 2 and W.shape[1] != R:
            raise InvalidModelError(
                f"weights[{l}] has shape {W.shape}: a 2D GC layer has a square R × R block, "
                f"got {W.shape[0]} × {W.shape[1]}"
            )
        if R < S:
            raise InvalidModelError(
                f"layer {l}: receptive field R = {R} is smaller than the stride S = {S}; a GC "
                "layer needs R >= S (a larger stride would skip inputs)"
            )
        if W.shape[-1] != inputs:
            raise InvalidModelError(
                f"weights[{l}] has shape {W.shape}: layer {l} takes {source} = {inputs} input "
                f"channels, so its last axis needs {inputs}"
            )
        if W.shape[-2] < 1:
            raise InvalidModelError(f"weights[{l}] has shape {W.shape}: C_{l} must be >= 1")
        for axis, n in enumerate(size):
            if n % S:
                where = "" if d == 1 else (" rows" if axis == 0 else " columns")
                raise InvalidModelError(
                    f"layer {l}: stride S = {S} does not divide the {n}{where} of its input "
                    f"(input shape {shape_text(shape)}, layer {l} input {shape_text(size)}); "
                    "every stride must divide the size it steps over"
                )
        size = tuple(n // S for n in size)
        sizes.append(size)
        inputs, source = W.shape[-2], f"C_{l}"
    if output.shape[0] != inputs:
        raise InvalidModelError(
            f"output has {output.shape[0]} entries but the last layer has {source} = {inputs} "
            "channels"
        )
    return tuple(sizes)


def shape_text(size) -> str:
    """(8,) as "8", (4, 6) as "4×6"."""
    return "×".join(str(n) for n in size)


def _validate_biases(biases, weights, d: int) -> None:
    for l, (b, W) in enumerate(zip(biases, weights, strict=True)):
        if b is None:
            continue
        expected = W.shape[:-1]
        if b.shape != expected:
            meaning = "(R, C_l)" if d == 1 else "(R, R, C_l)"
            raise InvalidModelError(
                f"biases[{l}] has shape {b.shape} but layer {l} needs {meaning} = {expected} "
                f"(one bias per block position and output channel; weights[{l}] is {W.shape})"
            )
