"""Layer 6, geometry: seed 000's pooling geometry and tensor networks (Cohen et al., §5 and §7).

- :mod:`.trees`: mode trees (contiguous, mirror, dilated, …) and the rank bounds their
  partitions imply (§5, fig. 4, Theorem 8, Corollary 9).
- :mod:`.tn`: the tensor network of a convolutional arithmetic circuit and its min-cut
  rank bounds (§7, fig. 6, Claim 12).

docs/architecture.md: the layers. The mode trees and their bounds are re-exported here
(``from exactrank.geometry import dilated_tree``, as before the layers became folders).
"""

from .trees import (
    RankBounds,
    contiguous_tree,
    dilated_tree,
    mirror_tree,
    mirror_tree_2d,
    rank_bounds,
    square_tree,
    width_for_rank,
)

__all__ = [
    "RankBounds",
    "contiguous_tree",
    "dilated_tree",
    "mirror_tree",
    "mirror_tree_2d",
    "rank_bounds",
    "square_tree",
    "width_for_rank",
]
