"""Layer 2, numbers: exact numbers and exact arrays of them, the ground every other layer stands on.

- :mod:`.domains`: the number domains QQ, GF(p) and float64, named explicitly everywhere.
- :mod:`.kernels`: integer array arithmetic that never wraps (proven bounds pick the storage).
- :mod:`.ple`: arithmetic modulo a prime p < 2^23 on float64 BLAS, and the PLE decomposition.
- :mod:`.residues`, :mod:`.residue_products`: arrays of residues mod p < 2^62, their products.
- :mod:`.multimodular`: exact integer arrays rebuilt from residues (CRT, Garner).
- :mod:`.intervals`: exact interval arithmetic over QQ (the certified boxes of seed 001,
  Theorem 5.3 and seed 000, Claim 6).

Nothing here knows of networks, grids or ranks (docs/architecture.md).
"""
