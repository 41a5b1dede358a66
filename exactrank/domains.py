"""Number domains: the rationals QQ, the prime fields GF(p), and float64.

Every computation in exactrank names its domain explicitly (never global state). Exact
weights are held as :class:`fractions.Fraction`; a weight written as a float is refused in
an exact model, because 0.1 is not one tenth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Rational

import flint
import numpy as np

from .errors import DomainError, InvalidInputError

_GF_PATTERN = re.compile(r"^\s*GF\s*\(\s*(\d+)\s*\)\s*$|^\s*GF\s*(\d+)\s*$", re.IGNORECASE)
_RATIONAL_PATTERN = re.compile(r"-?[0-9]+(/[0-9]+)?")  # "p", "-p", "p/q", "-p/q" (ASCII)


def is_prime(p: int) -> bool:
    """Primality of ``p`` (deterministic for every size python-flint handles)."""
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
            if not isinstance(self.p, int) or not is_prime(self.p):
                raise InvalidInputError(f"GF(p) needs a prime p, got p = {self.p!r}")
        elif self.p is not None:
            raise InvalidInputError(f"field {self.kind} takes no modulus, got p = {self.p!r}")

    @property
    def exact(self) -> bool:
        """True for QQ and GF(p); float64 results are never exact."""
        return self.kind != "float"

    def __str__(self) -> str:
        return f"GF({self.p})" if self.kind == "GF" else self.kind


QQ = Field("QQ")
FLOAT = Field("float")


def parse_field(field: str | Field) -> Field:
    """Read ``"QQ"``, ``"GF(p)"`` (or ``"GFp"``), ``"float"``; a :class:`Field` passes through."""
    if isinstance(field, Field):
        return field
    if not isinstance(field, str):
        raise InvalidInputError(f"field must be 'QQ', 'GF(p)' or 'float', got {field!r}")
    text = field.strip()
    if text.upper() in ("QQ", "Q"):
        return QQ
    if text.lower() in ("float", "float64", "rr"):
        return FLOAT
    match = _GF_PATTERN.match(text)
    if match:
        p = int(match.group(1) or match.group(2))
        if not is_prime(p):
            raise InvalidInputError(f"GF(p) needs a prime p, got GF({p}): {p} is not prime")
        return Field("GF", p)
    raise InvalidInputError(f"field must be 'QQ', 'GF(p)' with p prime, or 'float'; got {field!r}")


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
                f"{where}: expected an integer or a rational written as 'p/q', got {value!r}"
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
