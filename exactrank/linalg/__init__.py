"""Layer 5, linalg: matricizations of grid tensors and their ranks, saying exactly what is proven.

- :mod:`.partitions`: partitions of the modes and matricizations (seed 001, App. A).
- :mod:`.matrices`: user matrices (numpy, flint, galois, grid tensors) in exact integer form.
- :mod:`.rank`: the rank front end over QQ, GF(p) and float64: lower bound mod p, upper bound
  proven, ``exact`` only when they meet.
- :mod:`.modular`: rank, rank profile, solve and det over GF(p).
- :mod:`.upper_bound`, :mod:`.bordered`, :mod:`.padic`: proofs that rank <= r over QQ.
- :mod:`.minor_search`: a nonsingular minor of a matricization evaluated lazily.
- :mod:`.balls`: certified rank lower bounds for irrational grids, in ball arithmetic.

Above :mod:`exactrank.models` (a matricization takes a grid tensor), below everything that
asks for a rank (docs/architecture.md).
"""
