"""Network models: generalized shallow networks (CP) and generalized RNNs (TT)."""

from ._weights import require_invertible_features
from .rnn import GeneralizedRNN
from .shallow import GeneralizedShallow

Model = GeneralizedRNN | GeneralizedShallow

__all__ = ["GeneralizedRNN", "GeneralizedShallow", "Model", "require_invertible_features"]
