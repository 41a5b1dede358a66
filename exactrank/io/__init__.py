"""Layer 3, io: reading inputs and writing outputs safely, and the status line.

- :mod:`.files`: outputs written atomically, nothing clobbered; inputs read within limits.
- :mod:`.json_input`: JSON read within :mod:`exactrank.limits` (model files, certificates).
- :mod:`.progress`: the status line on a terminal's stderr.

No paper result lives here (docs/architecture.md).
"""
