"""The certificate file: its header, reading and writing, and the limits checked before anything
else (docs/certificates.md, "Layout" and "Limits and exit codes").

:func:`check_header` refuses what is not a certificate at all (``format``, ``version``, the three
required keys) and, in one scan of the parsed file, anything beyond :mod:`exactrank.limits`:
nesting (MAX_DEPTH), digits (MAX_DIGITS), and the counts the file states (MAX_MODES,
MAX_TEMPLATES, MAX_MINOR, and a model's own limits). Both are exit 2 of ``exactrank verify``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import CertificateFormatError, LimitError, shown
from ..io.files import read_text, write_json
from ..io.json_input import model_limits, parse_json
from ..limits import MAX_DEPTH, MAX_DIGITS, MAX_MINOR, MAX_MODES, MAX_TEMPLATES

FORMAT = "exactrank-certificate"
VERSION = 1
MAX_PRIME = 33 * 10**23  # GF(p) certificates: primality is decided by Miller–Rabin below this


def load_certificate(path) -> dict:
    """Read a certificate file; "not a certificate" is a :class:`CertificateFormatError`."""
    path = Path(path)
    try:
        text = read_text(path)
    except OSError as exc:
        raise CertificateFormatError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise CertificateFormatError(f"{path}: not UTF-8 text") from None
    data = parse_json(text, str(path), CertificateFormatError)  # depth, digits, repeated keys
    check_header(data, str(path))
    return data


def save_certificate(cert: dict, path) -> None:
    """Write a certificate as compact JSON (``-``: stdout) atomically, never replacing
    anything but a regular file (:mod:`exactrank.io.files`): no half-written file on failure."""
    write_json(cert, path, indent=None)


def check_header(cert, where: str = "certificate") -> None:
    """Refuse what is not a certificate at all, or is beyond the limits of
    :mod:`exactrank.limits` (both exit 2 of ``exactrank verify``, before any checking)."""
    if not isinstance(cert, dict):
        raise CertificateFormatError(f"{where}: expected a JSON object, got {type(cert).__name__}")
    if cert.get("format") != FORMAT:
        raise CertificateFormatError(
            f'{where}: expected "format": "{FORMAT}", got {shown(cert.get("format"))}'
        )
    version = cert.get("version")
    if type(version) is not int or version != VERSION:
        raise CertificateFormatError(f"{where}: unsupported version {shown(version)}; expected 1")
    for key in ("claim", "tensor", "witness"):
        if key not in cert:
            raise CertificateFormatError(f"{where}: missing key {key!r}")
    _check_scan(cert, where)
    _check_sizes(cert, where)


# strings holding an integer: a number "p/q" (p and q) or a field "GF(p)"
_TOO_LONG = 10**MAX_DIGITS  # the least integer of more than MAX_DIGITS digits
_DIGIT_STRINGS = re.compile(r"-?([0-9]+)(?:/([0-9]+))?|GF\(([0-9]+)\)")


def _check_scan(cert: dict, where: str) -> None:
    """One walk over the whole certificate (iterative: no recursion limit): nesting at most
    MAX_DEPTH deep, and no integer, nor string spelling one, of more than MAX_DIGITS digits.
    A container at a time, its values by type (a weight array may hold 2^24 numbers)."""
    deepest, stack = 1, [(cert, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        values = list(value.values()) if isinstance(value, dict) else value
        kinds = set(map(type, values))
        if list in kinds or dict in kinds:
            stack.extend((v, depth + 1) for v in values if type(v) in (list, dict))
        if int in kinds:
            ints = values if kinds == {int} else [v for v in values if type(v) is int]
            if max(ints) >= _TOO_LONG or min(ints) <= -_TOO_LONG:
                raise CertificateFormatError(
                    f"{where}: an integer of more than MAX_DIGITS = {MAX_DIGITS} digits"
                )
        for text in values if str in kinds else ():
            if type(text) is str and len(text) > MAX_DIGITS:
                match = _DIGIT_STRINGS.fullmatch(text)
                if match and max(len(part or "") for part in match.groups()) > MAX_DIGITS:
                    raise CertificateFormatError(
                        f"{where}: the string {shown(text)} spells an integer of more than "
                        f"MAX_DIGITS = {MAX_DIGITS} digits"
                    )
    if deepest > MAX_DEPTH:
        raise CertificateFormatError(
            f"{where}: JSON nested {deepest} levels deep, more than MAX_DEPTH = {MAX_DEPTH}"
        )


def _check_sizes(cert: dict, where: str) -> None:
    """The counts the limits bound, read where the file states them (lists of the right
    type only: anything else is left to the checking, which rejects it)."""

    def count(value, *keys):
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return len(value) if isinstance(value, list) else 0

    claim, tensor, witness = cert["claim"], cert["tensor"], cert["witness"]
    sizes = [
        (
            "claim.row_modes + col_modes",
            count(claim, "row_modes") + count(claim, "col_modes"),
            "MAX_MODES",
            MAX_MODES,
        ),
        ("tensor.dims", count(tensor, "dims"), "MAX_MODES", MAX_MODES),
        ("witness.minor.rows", count(witness, "minor", "rows"), "MAX_MINOR", MAX_MINOR),
        ("witness.minor.cols", count(witness, "minor", "cols"), "MAX_MINOR", MAX_MINOR),
        ("witness.basis.rows", count(witness, "basis", "rows"), "MAX_MINOR", MAX_MINOR),
        (
            "witness.factorization.V (its rows)",
            count(witness, "factorization", "V"),
            "MAX_MINOR",
            MAX_MINOR,
        ),
    ]
    U = witness.get("factorization") if isinstance(witness, dict) else None
    U = U.get("U") if isinstance(U, dict) else None
    if isinstance(U, list) and U and isinstance(U[0], list):
        sizes.append(("witness.factorization.U[0]", len(U[0]), "MAX_MINOR", MAX_MINOR))
    dims = tensor.get("dims") if isinstance(tensor, dict) else None
    if isinstance(dims, list):
        sizes.extend(
            (f"tensor.dims[{t}]", d, "MAX_TEMPLATES", MAX_TEMPLATES)
            for t, d in enumerate(dims)
            if type(d) is int
        )
    for what, size, name, limit in sizes:
        if size > limit:
            raise CertificateFormatError(
                f"{where}: {what} has {shown(size)}, more than {name} = {limit}"
            )
    if isinstance(tensor, dict) and isinstance(tensor.get("model"), dict):
        try:
            model_limits(tensor["model"], f"{where}: tensor.model")
        except LimitError as exc:
            raise CertificateFormatError(str(exc)) from None
