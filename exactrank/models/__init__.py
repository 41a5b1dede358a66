"""Network models: generalized shallow networks (CP), generalized RNNs (TT) and
hierarchical networks over a mode tree (HT and the other hierarchical decompositions), and
overlapping networks of generalized convolution (GC) layers (seed 000, §6), and mixed
networks of two hierarchical ones (seed 000, §8)."""

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
