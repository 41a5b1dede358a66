"""Rank certificates (``exactrank-certificate`` v1, see docs/certificates.md): make and check.

A certificate states rank ≥ r, ≤ r or = r for a matricization of a tensor over QQ or GF(p),
gives the tensor (explicit entries, or the model, evaluated lazily: a generalized RNN or
shallow network, seed 001, eq. 14–18; a hierarchical or mixed network, seed 000, §3–4 and
§8) and a witness: a nonsingular minor for "≥"; for "≤" a basis of rows with the exact coefficients
of every other row, or a factorization U·V. :func:`verify_certificate` recomputes every entry
it uses and trusts no other number in the file; :func:`certify` checks what it wrote with it.
"""

from __future__ import annotations

import datetime
import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import flint
import numpy as np

from . import __version__
from .domains import (
    QQ,
    Field,
    fraction_to_residue,
    fraction_to_text,
    is_prime,
    parse_field,
    to_fraction,
)
from .errors import (
    CertificateFormatError,
    ExactRankError,
    InvalidInputError,
    LimitError,
    ResourceError,
    shown,
)
from .files import read_text, write_json
from .grid import GridTensor, grid_entries, grid_tensor
from .json_input import model_limits, parse_json
from .kernels import INT64_SAFE, align, exact_matmul, max_abs, reduce_mod, to_storage
from .limits import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_GRID_ENTRIES,
    MAX_MINOR,
    MAX_MODES,
    MAX_TEMPLATES,
    WHOLE_GRID_MODES,
    digits_allowed,
)
from .minor_search import search_minor
from .modelfile import model_from_dict, model_to_dict
from .models import (
    GeneralizedRNN,
    GeneralizedShallow,
    HierarchicalNetwork,
    MixedNetwork,
    OverlappingNetwork,
)
from .modular import matmul_mod_p, random_prime, rank_mod_p, rank_profile_mod_p, solve_mod_p
from .partitions import Partition, parse_partition
from .progress import Progress
from .rank import rank

FORMAT = "exactrank-certificate"
VERSION = 1
MAX_PRIME = 33 * 10**23  # GF(p) certificates: primality is decided by Miller–Rabin below this
EXACT_XI = ("product", "relu", "sum")
# models a certificate holds as such (tensor.model); others go in as their grid's entries
MODEL_FORMS = (GeneralizedRNN, GeneralizedShallow, HierarchicalNetwork, MixedNetwork)
# what malformed content inside a certificate can raise while it is checked
_CHECK_ERRORS = (
    ExactRankError,
    ValueError,
    TypeError,
    ArithmeticError,
    RuntimeError,
    IndexError,
    KeyError,
)
_INDEX_BLOCK = 1 << 24  # index-tuple entries formed at once when evaluating a minor


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a certificate: ``verified`` and, if not, the reason."""

    verified: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.verified


class _Rejected(Exception):
    """A certificate whose claim does not follow (verdict NOT VERIFIED)."""


# ----------------------------------------------------------------------------- files


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
    anything but a regular file (:mod:`exactrank.files`): no half-written file on failure."""
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


# ----------------------------------------------------------------------------- checking


def verify_certificate(cert: dict) -> Verdict:
    """Check a certificate (a dict, as loaded) and say whether its claim is proven.

    Never a verdict: :class:`CertificateFormatError` for what is not a certificate at all or
    is beyond a limit of :mod:`exactrank.limits` (``exactrank verify`` exits 2), and
    :class:`ResourceError` when memory ran out while checking a well-formed one (exit 3).
    """
    check_header(cert)
    try:
        with digits_allowed(), Progress("checking") as progress:
            _verify(cert, progress)
    except LimitError as exc:
        raise CertificateFormatError(str(exc)) from None
    except (MemoryError, RecursionError) as exc:
        raise ResourceError(
            f"{type(exc).__name__} while checking the certificate (not a verdict on its claim)"
        ) from None
    except _Rejected as exc:
        return Verdict(False, str(exc))
    except _CHECK_ERRORS as exc:
        return Verdict(False, f"{type(exc).__name__}: {str(exc)[:200]}")
    return Verdict(True)


def _verify(cert: dict, progress) -> None:
    """Raises :class:`_Rejected` (or what malformed content raises) unless the claim holds."""
    if isinstance(cert["claim"], dict) and cert["claim"].get("kind") == "formula":
        from .allsizes.certificate import verify_structural  # a rank for every size (issue 14)

        verify_structural(cert)
        return
    kind, r, field, partition = _claim(cert["claim"])
    tensor = _Tensor.from_json(cert["tensor"], field, partition.T, progress)
    if kind in ("le", "eq") and tensor.model is not None:
        entries = math.prod(tensor.shape(partition))
        if entries > MAX_GRID_ENTRIES:
            raise LimitError(
                f"an upper bound needs all {shown(entries)} entries of the matrix, more than "
                f"MAX_GRID_ENTRIES = 2^30"
            )
    witness = _expect(cert["witness"], dict, "witness")
    if kind in ("ge", "eq"):
        _check_minor(tensor, partition, field, r, _expect(witness.get("minor"), dict, "minor"))
    if kind in ("le", "eq"):
        _check_upper(tensor, partition, field, r, witness)


def _expect(value, kind, where: str):
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Rejected(f"{where}: expected {getattr(kind, '__name__', kind)}, got {shown(value)}")
    return value


def _index_list(value, bound: int, where: str) -> list[int]:
    items = _expect(value, list, where)
    for i in items:
        if type(i) is not int or not 0 <= i < bound:
            raise _Rejected(f"{where}: {shown(i, 40)} is not an index in 0 … {shown(bound - 1)}")
    if len(set(items)) != len(items):
        raise _Rejected(f"{where}: an index is repeated")
    return items


def _claim(claim) -> tuple[str, int, Field, Partition]:
    claim = _expect(claim, dict, "claim")
    kind = claim.get("kind")
    if kind not in ("ge", "le", "eq"):
        raise _Rejected(f"claim.kind: expected 'ge', 'le' or 'eq', got {shown(kind, 40)}")
    r = claim.get("r")
    if type(r) is not int or r < 0:
        raise _Rejected(f"claim.r: expected an integer >= 0, got {shown(r, 40)}")
    field = _field(claim.get("field"))
    rows, cols = claim.get("row_modes"), claim.get("col_modes")
    T = len(_expect(rows, list, "claim.row_modes")) + len(_expect(cols, list, "claim.col_modes"))
    modes = _index_list(rows + cols, T, "claim.row_modes + col_modes")
    return kind, r, field, Partition(tuple(modes[: len(rows)]), tuple(modes[len(rows) :]))


def _field(text) -> Field:
    """Exactly "QQ" or "GF(p)" (decimal p, a prime below 3.3e24), as the format says.

    A p of more than MAX_DIGITS digits never gets here (:func:`check_header` refuses it).
    """
    match = re.fullmatch(r"GF\(([1-9][0-9]{0,24})\)", text) if isinstance(text, str) else None
    if text == "QQ":
        return QQ
    if match is None or int(match.group(1)) >= MAX_PRIME or not is_prime(int(match.group(1))):
        raise _Rejected(f"claim.field: {shown(text, 40)} is not QQ or GF(p) with p prime < 3.3e24")
    return Field("GF", int(match.group(1)))


@dataclass(frozen=True)
class _Tensor:
    """The tensor of a certificate: a model (entries evaluated on demand) or all entries."""

    dims: tuple[int, ...]
    field: Field
    model: GeneralizedRNN | GeneralizedShallow | HierarchicalNetwork | MixedNetwork | None = None
    values: GridTensor | None = None  # the entries, flat in C order over dims
    progress: object = None  # called as progress(done, total, what) during long work

    @classmethod
    def from_json(cls, data, field: Field, T: int, progress=None) -> _Tensor:
        data = _expect(data, dict, "tensor")
        if ("model" in data) == ("entries" in data):
            raise _Rejected("tensor: expected exactly one of 'model' and 'entries'")
        if "model" in data:
            kind = _expect(data["model"], dict, "tensor.model").get("kind")
            if kind == OverlappingNetwork.kind:  # refused before it is built, as by the
                raise _Rejected(  # stand-alone checker, which does not read this kind
                    f"tensor.model: a {kind!r} model has no certificate form in version "
                    f"{VERSION}; certify its grid tensor (explicit entries) instead"
                )
            model = model_from_dict(data["model"], "tensor.model")
            if isinstance(model, HierarchicalNetwork | MixedNetwork):
                model.check_field(field)  # σ and P per level: relu, max need QQ; mean, p ∤ k
                if field.kind == "GF":
                    for where, A in _tree_arrays(model):
                        _check_residues(A.tolist(), field.p, f"tensor.model.{where}")
            else:
                if model.xi.name not in EXACT_XI:
                    raise _Rejected(
                        f"tensor.model: xi must be one of {EXACT_XI}, got {model.xi.name}"
                    )
                model.xi.check_field(field)
                if field.kind == "GF":
                    for key in ("F", "C", "G", "lambda", "V"):
                        _check_residues(data["model"].get(key), field.p, f"tensor.model.{key}")
            dims = (model.M,) * model.T
            tensor = cls(dims, field, model=model, progress=progress)
        else:
            dims = tuple(_expect(data.get("dims"), list, "tensor.dims"))
            if any(type(d) is not int or d < 1 for d in dims):
                raise _Rejected("tensor.dims: expected integers >= 1")
            entries = _expect(data["entries"], list, "tensor.entries")
            if len(entries) != math.prod(dims):
                raise _Rejected(f"tensor.entries: {len(entries)} entries for dims {list(dims)}")
            values, den = _exact_values(entries, field, "tensor.entries")
            # flat, in C order over dims: any number of modes (numpy arrays have at most 64)
            tensor = cls(dims, field, values=GridTensor(values, den, field), progress=progress)
        if len(dims) != T:
            raise _Rejected(f"the partition has {T} modes but the tensor has {len(dims)}")
        return tensor

    def shape(self, partition: Partition) -> tuple[int, int]:
        return (
            math.prod(self.dims[m] for m in partition.row_modes),
            math.prod(self.dims[m] for m in partition.col_modes),
        )

    def submatrix(self, partition: Partition, rows: list[int], cols: list[int]):
        """(integers, denominator) of the matrix entries at rows × cols, evaluated lazily.

        Index tuples are formed for a block of rows at a time, which bounds the memory.
        """
        if not rows or not cols:
            return np.zeros((len(rows), len(cols)), dtype=np.int64), 1
        if not self.dims:  # an order-0 tensor: one entry, a 1 × 1 matrix
            return self.values.values.reshape(1, 1), self.values.denominator
        r_digits = _digits(rows, [self.dims[m] for m in partition.row_modes])
        c_digits = _digits(cols, [self.dims[m] for m in partition.col_modes])
        step = max(1, _INDEX_BLOCK // (len(cols) * max(1, len(self.dims))))
        if self.values is not None:  # explicit entries: at most the file's count, int64
            strides = np.array(_strides(self.dims), dtype=np.int64)
        blocks, den = [], 1
        for start in range(0, len(rows), step):
            if self.progress is not None:
                self.progress(start, len(rows), "rows of the matrix evaluated")
            block = r_digits[start : start + step]
            index = np.empty((len(block), len(cols), len(self.dims)), dtype=np.int64)
            index[:, :, list(partition.row_modes)] = block[:, None, :]
            index[:, :, list(partition.col_modes)] = c_digits[None, :, :]
            index = index.reshape(-1, len(self.dims))
            if self.model is not None:
                grid = grid_entries(self.model, index, self.field)
                values, den = grid.values, grid.denominator
            else:
                values, den = self.values.values[index @ strides], self.values.denominator
            blocks.append(values.reshape(len(block), len(cols)))
        return np.concatenate(align(blocks, 0)), den

    def matrix(self, partition: Partition):
        """(integers, denominator) of the whole matrix: through the whole grid when it can be
        built (:func:`~exactrank.limits.whole_grid`), else entry by entry (more than 64
        modes: a 1 × 1 matrix of 64 modes of size 1 is still a matrix)."""
        m, n = self.shape(partition)
        if len(self.dims) > WHOLE_GRID_MODES or m * n > MAX_GRID_ENTRIES:
            return self.submatrix(partition, list(range(m)), list(range(n)))
        values = self.values if self.model is None else grid_tensor(self.model, self.field)
        order = partition.row_modes + partition.col_modes
        grid = values.values.reshape(self.dims)
        return np.transpose(grid, order).reshape(m, n), values.denominator


def _tree_arrays(model):
    """(where, array) of every weight of a hierarchical or mixed model, F included."""
    if isinstance(model, MixedNetwork):
        for name, net in (("first", model.first), ("second", model.second)):
            yield from ((f"{name}.{where}", A) for where, A in _tree_arrays(net))
        for k, node in enumerate(model.mixture):
            yield f"mixture[{k}].into_first", node.into_first
            yield f"mixture[{k}].into_second", node.into_second
        return
    yield "F", model.F
    for l, level in enumerate(model.weights):
        yield from ((f"weights[{l}][{k}]", A) for k, A in enumerate(level))
    yield "output", model.output


def _check_residues(value, p: int, where: str) -> None:
    """Every weight has an image in GF(p), even one that cancels out or is never used."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif value is not None:
            fraction_to_residue(to_fraction(value, where), p, where)


def _strides(dims) -> list[int]:
    """The C-order strides of a flat array of shape ``dims``, in entries."""
    out, step = [], 1
    for d in reversed(dims):
        out.append(step)
        step *= d
    return out[::-1]


def _digits(indices: list[int], dims: list[int]) -> np.ndarray:
    """The mode indices of matricization rows (C order over ``dims``), one row per index."""
    out = np.zeros((len(indices), len(dims)), dtype=np.int64)
    for row, i in enumerate(indices):
        for k in range(len(dims) - 1, -1, -1):
            i, out[row, k] = divmod(i, dims[k])
    return out


def _exact_values(items: list, field: Field, where: str) -> tuple[np.ndarray, int]:
    """Numbers of a certificate as (integer array, denominator) over QQ, residues over GF(p)."""
    if all(type(item) is int for item in items):  # the common case, without Fractions
        X = _narrow(np.array(items, dtype=object))
        return (reduce_mod(X, field.p) if field.kind == "GF" else X), 1
    fractions = []
    for i, item in enumerate(items):
        if type(item) is not int and not isinstance(item, str):
            raise _Rejected(
                f"{where}[{i}]: expected an integer or a 'p/q' string, got {item!r:.40}"
            )
        fractions.append(to_fraction(item, f"{where}[{i}]"))
    if field.kind == "GF":
        flat, den = [fraction_to_residue(q, field.p, where) for q in fractions], 1
    else:
        den = math.lcm(*(q.denominator for q in fractions)) if fractions else 1
        flat = [q.numerator * (den // q.denominator) for q in fractions]
    return _narrow(np.array(flat, dtype=object)), den


def _narrow(X: np.ndarray) -> np.ndarray:
    """Integers as int64 when they fit (fast paths), else as Python integers."""
    try:
        Y = np.array(X, dtype=np.int64)
    except OverflowError:
        return np.asarray(X, dtype=object)
    return Y if max_abs(Y) < INT64_SAFE else np.asarray(X, dtype=object)


def _json_numbers(X) -> list:
    """The entries of an exact array, flat in C order, as JSON integers and "p/q" strings."""
    X = np.asarray(X) if not isinstance(X, np.ndarray) else X
    if X.dtype.kind in "iu":
        return X.ravel().tolist()
    return [fraction_to_text(to_fraction(v, "an exact number")) for v in X.flat]


def _check_minor(tensor: _Tensor, partition, field: Field, r: int, minor: dict) -> None:
    m, n = tensor.shape(partition)
    rows = _index_list(minor.get("rows"), m, "minor.rows")
    cols = _index_list(minor.get("cols"), n, "minor.cols")
    if len(rows) != r or len(cols) != r:
        raise _Rejected(f"minor: {len(rows)} rows and {len(cols)} columns for r = {shown(r)}")
    if r and not _nonsingular(tensor.submatrix(partition, rows, cols)[0], field):
        raise _Rejected(f"the {r} × {r} minor is singular over {field}")


def _nonsingular(K: np.ndarray, field: Field) -> bool:
    """Whether the square integer matrix K is nonsingular over QQ (or mod p over GF(p)).

    Over QQ: a nonzero determinant modulo any prime proves it nonzero; a few random 62-bit
    primes are tried, and only if all divide it does an exact FLINT rank decide.
    """
    r = K.shape[0]
    if field.kind == "GF":
        return rank_mod_p(K, field.p) == r
    rng = random.Random()
    for _ in range(3):
        if rank_mod_p(K, random_prime(62, rng)) == r:
            return True
    return flint.fmpz_mat(K.tolist()).rank() == r


def _check_upper(tensor: _Tensor, partition, field: Field, r: int, witness: dict) -> None:
    if "basis" in witness:
        _check_basis(tensor, partition, field, r, _expect(witness["basis"], dict, "basis"))
    elif "factorization" in witness:
        _check_factorization(tensor, partition, field, r, witness["factorization"])
    else:
        raise _Rejected("witness: an upper bound needs 'basis' or 'factorization'")


def _check_basis(tensor: _Tensor, partition, field: Field, r: int, basis: dict) -> None:
    m, _ = tensor.shape(partition)
    rows = _index_list(basis.get("rows"), m, "basis.rows")
    if len(rows) > r:
        raise _Rejected(f"basis: {len(rows)} rows for r = {shown(r)}")
    others, coefficients = [], []
    for pair in _expect(basis.get("coefficients"), list, "basis.coefficients"):
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Rejected(f"basis.coefficients: expected [row, terms], got {pair!r:.60}")
        terms = _expect(pair[1], list, "basis.coefficients terms")
        if not all(isinstance(t, list) and len(t) == 2 for t in terms):
            raise _Rejected("basis.coefficients: a term is not a pair [k, c]")
        slots = _index_list([t[0] for t in terms], len(rows), "basis.coefficients k")
        others.append(pair[0])
        coefficients.append((slots, [t[1] for t in terms]))
    others = _index_list(others, m, "basis.coefficients rows")
    if set(others) & set(rows) or len(others) + len(rows) != m:
        raise _Rejected("basis: the basis and coefficient rows must cover every row exactly once")
    A, _ = tensor.matrix(partition)
    N = np.zeros((len(others), len(rows)), dtype=object)
    scale = np.ones((len(others), 1), dtype=object)
    for i, (slots, numbers) in enumerate(coefficients):
        values, den = _exact_values(numbers, field, f"coefficients of row {others[i]}")
        N[i, slots], scale[i] = values, den
    Z = A[others] if np.all(scale == 1) else scale * to_storage(A[others], object)
    if not _product_equals(_narrow(N), A[rows], Z, field):
        raise _Rejected("basis: a row is not the stated combination of the basis rows")


def _check_factorization(tensor: _Tensor, partition, field: Field, r: int, fac) -> None:
    fac = _expect(fac, dict, "factorization")
    m, n = tensor.shape(partition)
    U, du = _exact_matrix(fac.get("U"), m, "U", field)
    V, dv = _exact_matrix(fac.get("V"), None, "V", field)
    s = U.shape[1]
    if s == 0 and V.shape[0] == 0:  # V = []: an s = 0 factorization, of the zero matrix
        V = np.zeros((0, n), dtype=np.int64)
    if V.shape != (s, n) or s > r:
        raise _Rejected(
            f"factorization: U is {U.shape}, V is {V.shape}, matrix {m} × {n}, r = {shown(r)}"
        )
    A, den = tensor.matrix(partition)
    if not _product_equals(U, V, (du * dv) * to_storage(A, object), field, den):
        raise _Rejected("factorization: U·V differs from the matrix")


def _exact_matrix(value, rows: int | None, where: str, field: Field):
    value = _expect(value, list, where)
    if rows is not None and len(value) != rows:
        raise _Rejected(f"{where}: {len(value)} rows, expected {rows}")
    widths = {len(_expect(row, list, where)) for row in value}
    if len(widths) > 1:
        raise _Rejected(f"{where}: rows of different lengths")
    width = widths.pop() if widths else 0
    values, den = _exact_values([x for row in value for x in row], field, where)
    return values.reshape(len(value), width), den


def _product_equals(X, Y, Z, field: Field, scale: int = 1) -> bool:
    """Whether scale·(X @ Y) == Z exactly (over GF(p): modulo p); integer arrays."""
    if field.kind == "GF":
        p = field.p
        return bool(np.all((matmul_mod_p(X, Y, p).astype(object) * scale - Z) % p == 0))
    product, _ = exact_matmul(X, Y)
    if scale == 1 and product.dtype != object and Z.dtype != object:
        return bool(np.array_equal(to_storage(product, np.int64), Z))
    return bool(np.array_equal(to_storage(product, object) * scale, to_storage(Z, object)))


# ----------------------------------------------------------------------------- making


def certify(
    source,
    partition,
    field: str | Field = "QQ",
    *,
    claim: str | None = None,
    r: int | None = None,
    rows=None,
    cols=None,
    seed: int | None = None,
    theorem: str | None = None,
    factors=None,
) -> dict:
    """A certificate of the rank of a matricization of ``source`` (a model or exact tensor).

    ``claim`` None gives the strongest claim: "eq" with the exact rank. "le" and "eq" need
    the whole grid. "ge" needs only a minor: ``rows`` and ``cols`` (matricization indices)
    if given, else the exact minor of the whole matrix when it can be built, else a search
    (:mod:`exactrank.minor_search`): pools of rows and columns (first 2r + 8 each, r = 64
    when none is given) that keep the pivots of their rank profile modulo a prime, carry the
    rows' digits over to columns (principal minors), change one digit of a pivot, and keep
    a random quarter; an r above MAX_MINOR is refused before searching. The result is
    checked with :func:`verify_certificate` before it is returned.

    A generalized RNN, shallow, hierarchical or mixed network is written as its model
    (``tensor.model``, as :func:`~exactrank.modelfile.model_to_dict` writes it), so the
    checkers evaluate the entries they need; an overlapping network as its grid's entries.

    ``factors`` = (U, V), exact matrices with U·V equal to the matrix, replaces the basis
    witness of the upper bound (a construction often knows one with small entries, where
    the basis coefficients of a generic matrix are ratios of large minors).

    Numbers of up to MAX_DIGITS digits are written; a certificate that would hold a larger
    one, or be beyond another limit of :mod:`exactrank.limits`, is a :class:`LimitError`.
    """
    try:
        with digits_allowed():
            return _certify(source, partition, field, claim, r, rows, cols, seed, theorem, factors)
    except ValueError as exc:  # Python's int/str limit, set to MAX_DIGITS
        if isinstance(exc, ExactRankError) or "integer string conversion" not in str(exc):
            raise
        raise LimitError(
            f"the certificate would hold an integer of more than MAX_DIGITS = {MAX_DIGITS} digits"
        ) from None


def _certify(source, partition, field, claim, r, rows, cols, seed, theorem, factors) -> dict:
    field = parse_field(field)
    if field.kind == "float" or (field.kind == "GF" and field.p >= MAX_PRIME):
        raise InvalidInputError(f"certificates are over QQ or GF(p) with p < 3.3e24, not {field}")
    if claim not in (None, "ge", "le", "eq"):
        raise InvalidInputError(f"claim must be 'ge', 'le' or 'eq', got {shown(claim)}")
    if r is not None and (type(r) is not int or r < 0):
        raise InvalidInputError(f"r must be an integer >= 0, got {shown(r)}")
    tensor_json, dims = _tensor_json(source, field)
    partition = parse_partition(partition, len(dims))
    try:
        tensor = _Tensor.from_json(tensor_json, field, len(dims))
    except _Rejected as exc:
        raise InvalidInputError(str(exc)) from None
    rng = random.Random(seed)
    lazy = rows is not None or cols is not None or math.prod(dims) > MAX_GRID_ENTRIES
    if claim == "ge" and lazy:
        r, witness = _lazy_minor(tensor, partition, field, r, rows, cols, rng)
    else:
        if lazy:
            raise InvalidInputError(
                f"a '{claim or 'eq'}' certificate needs all {shown(math.prod(dims))} entries; only "
                "'ge' certificates are made from a minor (give --rows/--cols or let it search)"
            )
        claim, r, witness = _whole_matrix(tensor, partition, field, claim, r, seed, factors)
    cert = {
        "format": FORMAT,
        "version": VERSION,
        "claim": {
            "kind": claim,
            "r": r,
            "field": str(field),
            "row_modes": list(partition.row_modes),
            "col_modes": list(partition.col_modes),
        },
        "tensor": tensor_json,
        "witness": witness,
        "provenance": {
            "tool": f"exactrank {__version__}",
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            **({"theorem": theorem} if theorem else {}),
        },
    }
    try:
        verdict = verify_certificate(cert)
    except CertificateFormatError as exc:
        raise LimitError(f"the certificate made is beyond the limits: {exc}") from None
    if not verdict and (rows is not None or factors is not None):
        raise InvalidInputError(f"the witness given does not prove the claim: {verdict.reason}")
    if not verdict:
        raise ExactRankError(f"the certificate made does not verify: {verdict.reason}")
    return cert


def _tensor_json(source, field: Field) -> tuple[dict, tuple[int, ...]]:
    if isinstance(source, OverlappingNetwork):  # no model form in version 1: its entries
        source = grid_tensor(source, field)
    if isinstance(source, MODEL_FORMS):
        if not source.exact:
            raise InvalidInputError(
                f"{type(source).__name__} has float weights: a certificate holds an exact "
                "model (integers, Fractions or 'p/q' strings)"
            )
        return {"model": model_to_dict(source)}, (source.M,) * source.T
    if isinstance(source, GridTensor):
        if source.field != field:
            raise InvalidInputError(f"a grid over {source.field} has no certificate over {field}")
        if field.kind == "GF":
            flat = [int(v) for v in source.values.flat]
        else:
            flat = [
                fraction_to_text(Fraction(int(v), source.denominator)) for v in source.values.flat
            ]
        return {"dims": list(source.shape), "entries": flat}, source.shape
    array = source if isinstance(source, np.ndarray) else np.asarray(source, dtype=object)
    return {"dims": list(array.shape), "entries": _json_numbers(array)}, array.shape


def _whole_matrix(tensor: _Tensor, partition, field: Field, claim, r, seed, factors):
    """Claim, r and witness from the rank of the whole matrix (and the factors, if given)."""
    A, _ = tensor.matrix(partition)
    exact = claim != "ge" and factors is None
    result = rank(A, field, seed=seed, prove="exact" if exact else "lower")
    lower = result.lower
    if factors is not None:
        factorization = _factorization_json(factors, field)
        upper = len(factorization["V"])
    else:
        upper = result.upper if result.exact else None
    if claim in ("le", "eq") and upper is None:
        raise ExactRankError(f"the rank could not be proven exactly ({result.method})")
    if claim is None:
        claim = "eq" if lower == upper else "le"
    if r is None:
        r = lower if claim in ("ge", "eq") else upper
    holds = {"ge": r <= lower, "le": upper is not None and r >= upper}
    holds["eq"] = holds["ge"] and holds["le"]
    if not holds[claim]:
        raise InvalidInputError(
            f"the claim rank {claim} {shown(r)} does not follow: proven {lower} <= rank <= {upper}"
        )
    witness = {}
    if claim in ("ge", "eq"):
        witness["minor"] = _sub_minor(A, list(result.rows), list(result.cols), r, field)
    if claim in ("le", "eq"):
        if factors is not None:
            witness["factorization"] = factorization
        else:
            witness["basis"] = _basis(A, list(result.rows), list(result.cols), field)
    return claim, r, witness


def _factorization_json(factors, field: Field) -> dict:
    """A user's factorization (U, V) as the witness: exact numbers, checked like the rest."""
    try:
        U, V = factors
    except (TypeError, ValueError):
        raise InvalidInputError("factors must be a pair (U, V) of exact matrices") from None
    out = {}
    for name, X in (("U", U), ("V", V)):
        X = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
        if X.ndim != 2:
            raise InvalidInputError(f"factors: {name} must be 2-D, got shape {X.shape}")
        numbers = _json_numbers(X)
        width = X.shape[1]
        out[name] = [numbers[i * width : (i + 1) * width] for i in range(X.shape[0])]
    return out


def _sub_minor(A: np.ndarray, rows: list, cols: list, r: int, field: Field) -> dict:
    """An r × r nonsingular minor inside the nonsingular minor rows × cols (r <= its size)."""
    rows = rows[:r]  # any r rows of a nonsingular matrix are independent
    return {"rows": rows, "cols": _independent_cols(A[np.ix_(rows, cols)], cols, field)}


def _basis(A: np.ndarray, rows: list, cols: list, field: Field) -> dict:
    """Every other row as an exact combination of the pivot rows (solved on the pivot columns)."""
    chosen = set(rows)
    others = [i for i in range(A.shape[0]) if i not in chosen]
    if not (others and rows):
        return {"rows": rows, "coefficients": [[i, []] for i in others]}
    K, B = A[np.ix_(rows, cols)].T, A[np.ix_(others, cols)].T
    if field.kind == "GF":
        X = solve_mod_p(K, B, field.p).tolist()
    else:
        solution = flint.fmpz_mat(K.tolist()).solve(flint.fmpz_mat(B.tolist()))
        X = [[Fraction(int(x.p), int(x.q)) for x in row] for row in solution.tolist()]
    coefficients = [
        [i, [[k, fraction_to_text(Fraction(X[k][j]))] for k in range(len(rows)) if X[k][j]]]
        for j, i in enumerate(others)
    ]
    return {"rows": rows, "coefficients": coefficients}


def _lazy_minor(tensor: _Tensor, partition, field: Field, r, rows, cols, rng):
    """A 'ge' witness from the given minor, or from the documented search (:func:`_search`)."""
    if rows is None or cols is None:
        if rows is not None or cols is not None:
            raise InvalidInputError("give both rows and cols of the minor, or neither")
        rows, cols = _search(tensor, partition, field, r, rng)
    m, n = tensor.shape(partition)
    for name, items, bound in (("rows", rows, m), ("cols", cols, n)):
        try:
            _index_list(list(items), bound, name)
        except _Rejected as exc:
            raise InvalidInputError(str(exc)) from None
    rows, cols = [int(i) for i in rows], [int(j) for j in cols]
    if len(rows) != len(cols) or (r is not None and r != len(rows)):
        raise InvalidInputError(
            f"the minor has {len(rows)} rows and {len(cols)} cols for r = {shown(r)}"
        )
    return len(rows), {"minor": {"rows": rows, "cols": cols}}  # checked by verify_certificate


def _search(tensor: _Tensor, partition, field: Field, r, rng) -> tuple[list, list]:
    """A minor found by :func:`~exactrank.minor_search.search_minor` (random, principal and
    perturbed pools of rows and columns); with a target r, r rows and r independent columns.
    """
    if r is not None and r > MAX_MINOR:  # refused before pools of 2r + 8 are evaluated
        raise LimitError(f"r = {shown(r)} is more than MAX_MINOR = {MAX_MINOR} rows of a minor")
    p = field.p if field.kind == "GF" else None
    best = search_minor(tensor, partition, p, r, rng)
    if r is None:
        return best
    if len(best[0]) >= r:
        K, _ = tensor.submatrix(partition, best[0][:r], best[1])
        return best[0][:r], _independent_cols(K, best[1], field)
    raise InvalidInputError(
        f"the search found a nonsingular minor of size {len(best[0])} only, fewer than "
        f"r = {shown(r)}; give the minor's rows and cols"
    )


def _independent_cols(K: np.ndarray, cols: list, field: Field) -> list:
    """Columns of ``cols`` on which the full-row-rank K (its rows × cols) is nonsingular.

    The rank profile is taken modulo a prime: independent there, independent over QQ.
    """
    p = field.p if field.kind == "GF" else random_prime(62, random.Random(len(cols)))
    return [cols[j] for j in rank_profile_mod_p(K, p).cols]
