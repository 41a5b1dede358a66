"""exactrank: exact ranks of the grid tensors of networks seen as tensor decompositions.

Build a generalized shallow network or a generalized RNN (Khrulkov, Hrinchuk & Oseledets,
ICLR 2019, eq. 14-17), a hierarchical (convolutional) network over a mode tree (Cohen et
al. 2017, seed 000, §3-4), an overlapping network of GC layers (seed 000, §6) or the mixed
network of two mode trees (seed 000, §8) from exact weights, compute its grid tensor over
QQ, GF(p) or float64, matricize it by any partition and compute the rank, saying exactly
what is proven.

The package is layered, one folder per layer (numbers, io, models, linalg, geometry, …):
docs/architecture.md.
"""

from .certificates import Verdict, certify, load_certificate, save_certificate, verify_certificate
from .decompositions import from_cp_tensor, from_tt_tensor, to_cp_tensor, to_tt_tensor, tt_ranks
from .errors import (
    CertificateFormatError,
    DomainError,
    ExactRankError,
    InvalidInputError,
    InvalidModelError,
    LimitError,
    ModelFileError,
    ResourceError,
)
from .experiments import list_experiments, run_experiment
from .linalg.partitions import Partition, left_right, matricize, odd_even, parse_partition
from .linalg.rank import RankNotProvenError, RankResult, rank
from .models import (
    GeneralizedRNN,
    GeneralizedShallow,
    HierarchicalNetwork,
    MixedNetwork,
    OverlappingNetwork,
    require_invertible_features,
    without_overlaps,
)
from .models.grid import GridTensor, grid_entries, grid_tensor, score
from .models.modelfile import load_model, model_from_dict, model_to_dict, save_model
from .models.operators import OPERATORS, Xi, generalized_outer, get_xi
from .numbers.domains import FLOAT, QQ, Field, parse_field
from .sampling import random_hierarchical, random_mixed, random_overlapping
from .version import __version__

__all__ = [
    "CertificateFormatError",
    "DomainError",
    "ExactRankError",
    "FLOAT",
    "Field",
    "GeneralizedRNN",
    "GeneralizedShallow",
    "GridTensor",
    "HierarchicalNetwork",
    "InvalidInputError",
    "InvalidModelError",
    "LimitError",
    "MixedNetwork",
    "ModelFileError",
    "OPERATORS",
    "OverlappingNetwork",
    "Partition",
    "QQ",
    "RankNotProvenError",
    "RankResult",
    "ResourceError",
    "Verdict",
    "Xi",
    "__version__",
    "certify",
    "from_cp_tensor",
    "from_tt_tensor",
    "generalized_outer",
    "get_xi",
    "grid_entries",
    "grid_tensor",
    "left_right",
    "list_experiments",
    "load_certificate",
    "load_model",
    "matricize",
    "model_from_dict",
    "model_to_dict",
    "odd_even",
    "parse_field",
    "parse_partition",
    "random_hierarchical",
    "random_mixed",
    "random_overlapping",
    "rank",
    "require_invertible_features",
    "run_experiment",
    "save_certificate",
    "save_model",
    "score",
    "to_cp_tensor",
    "to_tt_tensor",
    "tt_ranks",
    "verify_certificate",
    "without_overlaps",
]
