"""Layer 4, models: the networks, each beside the evaluation of its grid tensor.

Network models: generalized shallow networks (CP), generalized RNNs (TT) and
hierarchical networks over a mode tree (HT and the other hierarchical decompositions), and
overlapping networks of generalized convolution (GC) layers (seed 000, §6), and mixed
networks of two hierarchical ones (seed 000, §8).

- :mod:`.operators`: ξ, activations σ and poolings P (seed 001, §4.1; seed 000, §4.1).
- :mod:`.rnn` (seed 001, eq. 16–17) with :mod:`.rnn_grid` (eq. 21) and :mod:`.rnn_relu_step`;
  :mod:`.shallow` (eq. 14–15; its grid, eq. 20, in :mod:`.grid`); :mod:`.hierarchical` (seed
  000, §3–4) with :mod:`.hierarchical_grid`; :mod:`.overlapping` (§6) with
  :mod:`.overlapping_grid`; :mod:`.mixed` (§8) with :mod:`.mixed_grid`.
- :mod:`.arithmetic`: the arithmetic of the grid recursions over QQ, GF(p) or float64.
- :mod:`.grid`: :class:`~.grid.GridTensor`, ``grid_tensor``, ``grid_entries`` and the
  brute-force ``score`` (seed 001, eq. 18), dispatching to each kind's evaluation.
- :mod:`.modelfile`: the ``exactrank-model`` JSON format (docs/model-files.md).

The names below are the models themselves; docs/architecture.md: the layers.
"""

from ._weights import require_invertible_features
from .hierarchical import HierarchicalNetwork
from .mixed import MixedNetwork, common_nodes
from .overlapping import OverlappingNetwork, without_overlaps
from .rnn import GeneralizedRNN
from .shallow import GeneralizedShallow

Model = (
    GeneralizedRNN | GeneralizedShallow | HierarchicalNetwork | OverlappingNetwork | MixedNetwork
)

__all__ = [
    "GeneralizedRNN",
    "GeneralizedShallow",
    "HierarchicalNetwork",
    "MixedNetwork",
    "Model",
    "OverlappingNetwork",
    "common_nodes",
    "require_invertible_features",
    "without_overlaps",
]
