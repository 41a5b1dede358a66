"""Number domains: the rationals QQ, the prime fields GF(p), and float64.

Every computation in exactrank names its domain explicitly (never global state). Exact
weights are held as :class:`fractions.Fraction`; a weight written as a float is refused in
an exact model, because 0.1 is not one tenth.

A field is named by a string ("QQ", "GF(p)", "float"), a :class:`Field`, or the objects
users of other libraries already hold: sympy's domains ``QQ`` and ``GF(p)``, and galois's
field classes ``galois.GF(p)``. Only the rationals and the prime fields are exact domains
here: sympy's ``ZZ`` is a ring (the rank of an integer matrix is the same over ZZ and QQ,
so ask for QQ), and a composite modulus or a prime-power field GF(p^k) is refused, never
handed to FLINT (which aborts the process on a composite modulus).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Rational

import flint
import numpy as np

from ..errors import DomainError, InvalidInputError, LimitError, shown
from ..limits import MAX_DIGITS, MAX_FIELD_PRIME_BITS

_GF_PATTERN = re.compile(r"^\s*GF\s*\(\s*([0-9]+)\s*\)\s*$|^\s*GF\s*([0-9]+)\s*$", re.IGNORECASE)
_RATIONAL_PATTERN = re.compile(r"-?[0-9]+(/[0-9]+)?")  # "p", "-p", "p/q", "-p/q" (ASCII)
_ACCEPTED = "'QQ', 'GF(p)' with p prime, 'float', sympy's QQ or GF(p), or galois.GF(p)"


@functools.lru_cache(maxsize=64)
def is_prime(p: int) -> bool:
    """Primality of ``p``, proven (deterministic for every size python-flint handles)."""
    return p >= 2 and bool(flint.fmpz(p).is_prime())


@dataclass(frozen=True)
class Field:
    """A number domain: ``Field("QQ")``, ``Field("GF", p)`` or ``Field("float")``."""

    kind: str
    p: int | None = None

    def __post_init__(self):
        if self.kind not in ("QQ", "GF", "float"):
            raise InvalidInputError(f"field kind must be QQ, GF or float, got {self.kind!r}")
        if self.kind == "GF":
            _check_prime(self.p)
        elif self.p is not None:
            raise InvalidInputError(f"field {self.kind} takes no modulus, got p = {shown(self.p)}")

    @property
    def exact(self) -> bool:
        """True for QQ and GF(p); float64 results are never exact."""
        return self.kind != "float"

    def __str__(self) -> str:
        return f"GF({self.p})" if self.kind == "GF" else self.kind


QQ = Field("QQ")
FLOAT = Field("float")


def _check_prime(p) -> None:
    """Refuse a modulus that is not an int, too large to prove prime, or not prime."""
    if not isinstance(p, int) or isinstance(p, bool):
        raise InvalidInputError(f"GF(p) needs a prime p (an int), got p = {shown(p)}")
    if p.bit_length() > MAX_FIELD_PRIME_BITS:
        raise LimitError(
            f"GF(p): p = {shown(p)} has {p.bit_length()} bits; exactrank proves p prime and "
            f"works in GF(p) for p < 2^{MAX_FIELD_PRIME_BITS} only (MAX_FIELD_PRIME_BITS)"
        )
    if not is_prime(p):
        raise InvalidInputError(
            f"GF(p) needs a prime p, got GF({shown(p)}): {shown(p)} is not prime"
        )


def parse_field(field) -> Field:
    """The :class:`Field` named by ``field``; a :class:`Field` passes through.

    Accepted: the strings ``"QQ"``, ``"GF(p)"`` (or ``"GFp"``, ASCII digits) and
    ``"float"``; sympy's domains ``QQ`` and ``GF(p)`` (``sympy.polys.domains``); galois's
    field classes ``galois.GF(p)``. Refused, each with its own line: ZZ (a ring, not a field:
    ask for QQ, the rank of an integer matrix is the same), a composite modulus (sympy's
    GF(6) is the ring Z/6Z), a prime-power field such as ``galois.GF(2**3)``, a p of more
    than MAX_DIGITS digits, and a p of more than MAX_FIELD_PRIME_BITS bits.
    """
    if isinstance(field, Field):
        return field
    if isinstance(field, str):
        return _field_from_text(field)
    if _is_sympy_domain(field):
        return _field_from_sympy(field)
    if _is_galois_field(field):
        return galois_field(field)
    raise InvalidInputError(f"field must be {_ACCEPTED}; got {shown(field)}")


def _field_from_text(field: str) -> Field:
    text = field.strip()
    if text.upper() in ("QQ", "Q"):
        return QQ
    if text.lower() in ("float", "float64", "rr"):
        return FLOAT
    if text.upper() in ("ZZ", "Z"):
        raise InvalidInputError(_RING_ZZ)
    match = _GF_PATTERN.match(text)
    if match is None:
        raise InvalidInputError(f"field must be {_ACCEPTED}; got {shown(field)}")
    digits = (match.group(1) or match.group(2)).lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:
        raise LimitError(
            f"field GF(p): p has {len(digits)} digits, more than MAX_DIGITS = {MAX_DIGITS}"
        )
    if len(digits) > len(str(2**MAX_FIELD_PRIME_BITS)):  # too large: refused unconverted
        raise LimitError(
            f"field GF(p): p has {len(digits)} digits; exactrank proves p prime and works in "
            f"GF(p) for p < 2^{MAX_FIELD_PRIME_BITS} only (MAX_FIELD_PRIME_BITS)"
        )
    p = int(digits)
    _check_prime(p)
    return Field("GF", p)


_RING_ZZ = (
    "field ZZ: the integers are a ring, not a field; the rank of an integer matrix is the same "
    "over ZZ and QQ, so ask for 'QQ'"
)


def _is_sympy_domain(field) -> bool:
    return type(field).__module__.startswith("sympy.polys.domains.")


def _field_from_sympy(domain) -> Field:
    """sympy's QQ and GF(p) (``sympy.polys.domains``), read without importing sympy."""
    if getattr(domain, "is_QQ", False):
        return QQ
    if getattr(domain, "is_ZZ", False):
        raise InvalidInputError(_RING_ZZ)
    if getattr(domain, "is_FiniteField", False):
        p = int(domain.mod)
        if p.bit_length() <= MAX_FIELD_PRIME_BITS and not is_prime(p):
            raise InvalidInputError(
                f"field: sympy's GF({shown(p)}) is the ring of integers modulo {shown(p)}, "
                "not a field: its modulus is not prime"
            )
        _check_prime(p)
        return Field("GF", p)
    raise InvalidInputError(f"field: the sympy domain {shown(domain)} is not one of {_ACCEPTED}")


def _is_galois_field(field) -> bool:
    return isinstance(field, type) and any(
        cls.__module__.partition(".")[0] == "galois" for cls in field.__mro__
    )


def galois_field(cls) -> Field:
    """The prime field of a galois field class ``galois.GF(p)`` (also the type of its arrays).

    A prime-power field GF(p^k), k > 1, is refused: its elements are not residues modulo p.
    """
    degree, p = int(cls.degree), int(cls.characteristic)
    if degree != 1:
        raise DomainError(
            f"galois.GF({p}**{degree}) is a prime-power field; exactrank computes over QQ and "
            "the prime fields GF(p) only"
        )
    _check_prime(p)
    return Field("GF", p)


def to_fraction(value, where: str = "value") -> Fraction:
    """An exact rational from an int, a Fraction, a flint number or a string ``"p/q"``.

    Floats are refused: an exact model must say exactly which rational it means.
    """
    if isinstance(value, bool):
        raise InvalidInputError(f"{where}: expected a number, got the boolean {value}")
    if isinstance(value, (Integral, np.integer)):
        return Fraction(int(value))
    if isinstance(value, Rational):
        return Fraction(value.numerator, value.denominator)
    if isinstance(value, flint.fmpz):
        return Fraction(int(value))
    if isinstance(value, flint.fmpq):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, str):
        if not _RATIONAL_PATTERN.fullmatch(value):
            raise InvalidInputError(
                f"{where}: expected an integer or a rational written as 'p/q', got {shown(value)}"
            )
        try:
            return Fraction(value)
        except ZeroDivisionError:
            raise InvalidInputError(f"{where}: zero denominator in {value!r}") from None
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise InvalidInputError(f"{where}: a number of {len(value)} characters") from None
    if isinstance(value, (float, np.floating)):
        raise InvalidInputError(
            f"{where}: the float {value!r} is not an exact number; write it as a rational "
            f"string such as {suggest_rational(float(value))!r}"
        )
    raise InvalidInputError(f"{where}: expected an exact number, got {type(value).__name__}")


def suggest_rational(x: float) -> str:
    """The "p/q" string a user most likely meant by the float ``x`` (a hint, never a value)."""
    if not np.isfinite(x):
        return "p/q"
    q = Fraction(x).limit_denominator(10**6)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def fraction_to_residue(q: Fraction, p: int, where: str = "value") -> int:
    """The image of the rational ``q`` in GF(p); refused when p divides its denominator."""
    if q.denominator % p == 0:
        raise DomainError(
            f"{where}: {q} has no image in GF({p}) because {p} divides its denominator"
        )
    return q.numerator * pow(q.denominator, -1, p) % p


def fraction_to_text(q: Fraction) -> str | int:
    """How a rational is written in files: a JSON integer, or the string ``"p/q"``."""
    return int(q) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
