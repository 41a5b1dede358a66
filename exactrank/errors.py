"""One exception hierarchy for exactrank.

Every message says what was expected, what was got, and where, so that the command line can
print it as a single line and a user can fix the input without reading a traceback.

It implements no paper result.
"""

from fractions import Fraction


class ExactRankError(Exception):
    """Base class of every error exactrank raises on purpose."""


class InvalidModelError(ExactRankError, ValueError):
    """A model's weights, shapes or operator do not fit together."""


class ModelFileError(InvalidModelError):
    """A model file cannot be read: not JSON, wrong format or version, a missing key."""


class InvalidInputError(ExactRankError, ValueError):
    """An argument other than a model is malformed: a matrix, a partition, a field, an index."""


class DomainError(ExactRankError, ValueError):
    """An operation is not exact (or not meaningful) in the requested number domain."""


class CertificateFormatError(ExactRankError, ValueError):
    """A file is not a certificate at all: unreadable, not JSON, wrong format or version, or
    without its claim, tensor or witness (``exactrank verify`` exits 2)."""


class LimitError(InvalidInputError):
    """An input beyond one of the documented limits (:mod:`exactrank.limits`): the message
    names the limit and the place (the command line exits 2)."""


class ResourceError(ExactRankError):
    """A well-formed input could not be checked: memory (or another resource) ran out.

    Never a verdict: ``exactrank verify`` exits 3 with "could not check: …"."""


SHOWN = 80  # characters of an echoed value in an error line, at most


def shown(value, limit: int = SHOWN) -> str:
    """``repr(value)`` cut to ``limit`` characters (then "…"), for an error line.

    Only the part shown is formatted (a 1 MB list costs nothing), and a huge integer is
    described by its size: a string of more than Python's 4300 digits cannot even be made.
    """
    parts: list[str] = []
    _render(value, parts, limit + 1, 0)
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _render(value, parts: list, budget: int, depth: int) -> int:
    """Append pieces of repr(value) to ``parts`` until ``budget`` characters; the rest."""
    if budget <= 0:
        return 0
    if isinstance(value, list | tuple | dict) and depth < 16:
        items = value.items() if isinstance(value, dict) else value
        opening, closing = {dict: "{}", tuple: "()"}.get(type(value), "[]")
        parts.append(opening)
        budget -= 1
        for k, item in enumerate(items):
            if budget <= 0:
                return 0
            if k:
                parts.append(", ")
                budget -= 2
            if isinstance(value, dict):
                budget = _render(item[0], parts, budget, depth + 1)
                parts.append(": ")
                budget = _render(item[1], parts, budget - 2, depth + 1)
            else:
                budget = _render(item, parts, budget, depth + 1)
        parts.append(closing)
        return budget - 1
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        text = f"<an integer of {_digits(value)} digits>"
    elif isinstance(value, Fraction) and abs(value.numerator) * value.denominator > 1 << 256:
        text = f"<a rational of {_digits(value.numerator)}/{_digits(value.denominator)} digits>"
    elif isinstance(value, str) and len(value) > budget:
        text = repr(value[:budget])
    elif isinstance(value, list | tuple | dict):
        text = "…"
    else:
        text = repr(value)
    parts.append(text[:budget])
    return budget - len(text)


def _digits(n: int) -> int:
    """The decimal digits of ``n``, without formatting it (which Python may refuse)."""
    e = int(max(abs(n).bit_length() - 1, 0) * 0.30102999566398)  # floor(log10 n) or one less
    return e + 1 + (abs(n) >= 10 ** (e + 1))
