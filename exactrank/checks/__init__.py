"""Layer 11, checks: the registry of the papers' proof checks and what ``proofs/*.py`` share.

- :mod:`.theorems`: the registry (one script per result in ``proofs/``), :class:`CheckResult`,
  and the helpers every script uses (``run_script``, ``keep``, ``unverified``).
- :mod:`.check_table`: the table ``exactrank check`` prints.
- :mod:`.check_tasks`: the checks as tasks on the experiments' backends (``--jobs``,
  ``--scheduler``).
- :mod:`.growth`: least-squares growth rates of exact ranks (seed 000, Theorem 10, Claim 11).
- :mod:`.realizability`: which grids a rank-1 shallow relu network realizes (seed 001,
  Theorem 5.3), decided exactly.
- :mod:`.row_boxes`, :mod:`.bracket_points`: Theorem 5.3's certified boxes and the points
  just outside them; :mod:`.collapse_points`: the same for seed 000, Claim 6.
- :mod:`.figure_samples`: the sampled relu RNNs of seed 001's Figures 3 and 4, for checks.

docs/architecture.md: where each paper result lives.
"""
