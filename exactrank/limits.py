"""The input limits of exactrank (issue 10): one table, enforced identically by ``exactrank
verify`` and the stand-alone checker ``proofs/verify_certificate.py`` (which keeps its own
copy of these numbers; a test asserts the two copies are equal). Beyond a limit an input is
refused with one line naming the limit and the place (the command line exits 2).

====================  =====================  ===================================================
limit                 value                  where it applies
====================  =====================  ===================================================
MAX_FILE_BYTES        256 MiB                size of a model file or certificate file read
MAX_DEPTH             64                     JSON nesting depth of arrays and objects (the
                                             outermost one is depth 1), found by a scan of the
                                             raw text before it is parsed
MAX_DIGITS            10_000                 decimal digits of any integer: a JSON integer, each
                                             of p and q in "p/q", the p of "GF(p)"
MAX_MODES             4096                   T (modes, inputs) of any model; row_modes plus
                                             col_modes of a claim or a partition
MAX_TEMPLATES         1024                   M (templates, the size of every mode); F is M × M
MAX_WIDTH             4096                   every width, rank, channel count, L_t, R_t, r_l,
                                             length of λ: any dimension of a weight array other
                                             than M and T
MAX_WEIGHTS           2^24                   numbers in one model's weights, counted as stored
                                             in the file (shared cores once)
MAX_MINOR             4096                   rows of a "ge" minor; rows of a basis witness; the
                                             inner size s of a factorization U·V
MAX_GRID_ENTRIES      2^30                   entries of a grid built whole; an upper-bound claim
                                             on a model whose matrix is larger is refused
MAX_FIELD_PRIME_BITS  1024                   the p of GF(p) for exactrank's rank, grid and
                                             certify (p < 2^1024, 309 digits): p is proven
                                             prime first, which takes about a second at 1024
                                             bits and minutes beyond (46 s at 800 digits); a
                                             GF(p) certificate has its own bound, p < 3.3·10^24
WHOLE_GRID_MODES      64                     numpy arrays have at most 64 dimensions: a grid is
                                             built whole only when M^T <= MAX_GRID_ENTRIES and
                                             T <= 64 (:func:`whole_grid`); beyond that entries
                                             are evaluated lazily
====================  =====================  ===================================================

Also refused, in any object anywhere in a model file or certificate: a repeated key. In a
model file a JSON float (or NaN, Infinity) is refused wherever a number is read, M, T,
widths, strides and shape included. An echoed value in an error line is at most 80
characters (:func:`exactrank.errors.shown`).

It implements no paper result.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64
MAX_DIGITS = 10_000
MAX_MODES = 4096
MAX_TEMPLATES = 1024
MAX_WIDTH = 4096
MAX_WEIGHTS = 1 << 24
MAX_MINOR = 4096
MAX_GRID_ENTRIES = 1 << 30
WHOLE_GRID_MODES = 64
MAX_FIELD_PRIME_BITS = 1024


def whole_grid(M: int, T: int) -> bool:
    """Whether the M^T grid is built whole (else its entries are evaluated lazily)."""
    return T <= WHOLE_GRID_MODES and M**T <= MAX_GRID_ENTRIES


@contextmanager
def digits_allowed():
    """Python's int/str conversion limit set to :data:`MAX_DIGITS` digits, then restored.

    Python refuses by default integers of more than 4300 digits; exactrank reads them up
    to MAX_DIGITS, and only while it reads: inside, a JSON integer of more digits is a
    ValueError of ``json.loads`` (the limit counts digits, not the sign).
    """
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:  # Python without the limit (before 3.11)
        yield
        return
    before = get()
    sys.set_int_max_str_digits(MAX_DIGITS)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(before)
