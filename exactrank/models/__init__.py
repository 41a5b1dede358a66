"""Network models: generalized shallow networks (CP), generalized RNNs (TT) and
hierarchical networks over a mode tree (HT and the other hierarchical decompositions)."""

from ._weights import require_invertible_features
from .hierarchical import HierarchicalNetwork
from .rnn import GeneralizedRNN
from .shallow import GeneralizedShallow

Model = GeneralizedRNN | GeneralizedShallow | HierarchicalNetwork

__all__ = [
    "GeneralizedRNN",
    "GeneralizedShallow",
    "HierarchicalNetwork",
    "Model",
    "require_invertible_features",
]
