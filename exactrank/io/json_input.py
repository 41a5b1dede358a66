"""JSON inputs within the limits of :mod:`exactrank.limits` (model files and certificates).

:func:`parse_json` reads text: its nesting is measured before it is parsed, integers are read
up to MAX_DIGITS digits, a repeated key is refused. :func:`check_numbers` and
:func:`model_limits` then measure a parsed model object (a JSON float or a too-long "p/q"
anywhere; every axis of every weight array and the count of numbers), before anything is
built. The stand-alone checker (proofs/verify_certificate.py) applies the same rules with
its own code; tests/test_checker_agreement.py holds the two to one table of files.
"""

from __future__ import annotations

import json
import re
import sys

import numpy as np

from ..errors import LimitError, ModelFileError, shown
from ..limits import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_MODES,
    MAX_TEMPLATES,
    MAX_WEIGHTS,
    MAX_WIDTH,
    digits_allowed,
)
from ..numbers.domains import suggest_rational

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def parse_json(text: str, where: str, error=ModelFileError):
    """JSON within the limits of :mod:`exactrank.limits`, or ``error`` (one line, naming
    the limit): nesting at most MAX_DEPTH deep (found by a scan of the text before parsing,
    so no depth reaches Python's recursion limit), integers of at most MAX_DIGITS digits
    (beyond Python's default 4300, allowed here only), no repeated key in any object.
    """
    depth = json_depth(text)
    if depth > MAX_DEPTH:
        raise error(f"{where}: JSON nested {depth} levels deep, more than MAX_DEPTH = {MAX_DEPTH}")
    try:
        with digits_allowed():
            return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_PARSE_INT)
    except _RepeatedKey as exc:
        raise error(f"{where}: the key {exc.args[0]} appears twice in one JSON object") from None
    except json.JSONDecodeError as exc:
        raise error(
            f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError:  # the only other ValueError of json.loads: Python's digit limit
        raise error(
            f"{where}: a JSON integer has more than MAX_DIGITS = {MAX_DIGITS} digits"
        ) from None


def json_depth(text: str) -> int:
    """The nesting depth of the arrays and objects of JSON text, without parsing it (the
    outermost array or object is depth 1; brackets inside strings do not count)."""
    brackets = re.sub(r"[^\[\]{}]+", "", _STRING.sub("", text))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps, dtype=np.int64).max())


class _RepeatedKey(ValueError):
    pass


def _bounded_int(text: str) -> int:
    """A JSON integer of at most MAX_DIGITS digits (Python 3.10, which has no digit limit)."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(text[:20])
    return int(text)


# Python >= 3.11 refuses longer integers itself, inside digits_allowed (and faster)
_PARSE_INT = None if hasattr(sys, "get_int_max_str_digits") else _bounded_int


def _unique_keys(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(shown(key))
            seen.add(key)
    return out


_LONG_NUMBER = re.compile(r"-?([0-9]*)(?:/([0-9]*))?")


def check_numbers(data: dict, where: str) -> None:
    """Refuse a JSON float (NaN, Infinity) anywhere, and a "p/q" string with more than
    MAX_DIGITS digits in p or q.

    One pass without paths over the whole file; the place is spelled out only when there
    is a problem (:func:`_find`).
    """
    stack = [data]
    while stack:  # a container at a time, its values by type (2^24 numbers are allowed)
        value = stack.pop()
        values = list(value.values()) if isinstance(value, dict) else value
        kinds = set(map(type, values))
        if list in kinds or dict in kinds:
            stack.extend(v for v in values if type(v) in (list, dict))
        if float in kinds:
            path, value = _find(data, lambda v: isinstance(v, float))
            raise ModelFileError(
                f"{where}: {path} is the JSON float {shown(value)}; model files hold integers "
                f'and "p/q" strings only (write "{suggest_rational(value)}")'
            )
        if str in kinds and any(type(v) is str and _too_long(v) for v in values):
            path, _ = _find(data, lambda v: isinstance(v, str) and _too_long(v))
            raise LimitError(
                f"{where}: {path} is a number with more than MAX_DIGITS = {MAX_DIGITS} digits "
                "in its numerator or denominator"
            )


# The limit on each axis of a weight array, outermost first (the structural pass of the
# stand-alone checker, proofs/verify_certificate.py, reads a model object the same way).
_AXES = {
    "C": ("MAX_MODES", "MAX_WIDTH", "MAX_TEMPLATES"),  # T × L_t × M
    "G": ("MAX_MODES", "MAX_WIDTH", "MAX_WIDTH", "MAX_WIDTH"),  # T × L_t × R_{t−1} × R_t
    "lambda": ("MAX_WIDTH",),
    "V": ("MAX_WIDTH", "MAX_MODES", "MAX_TEMPLATES"),  # R × T × M
    "F": ("MAX_TEMPLATES", "MAX_TEMPLATES"),
    "output": ("MAX_WIDTH",),
    "biases": (),  # counted only
}
_LEVEL_AXES = (  # weights[l]: one r_l × M (l = 0) or r_l × r_{l−1} array per node
    ("MAX_MODES", "MAX_WIDTH", "MAX_TEMPLATES"),
    ("MAX_MODES", "MAX_WIDTH", "MAX_WIDTH"),
)
_LIMIT_VALUES = {
    "MAX_MODES": MAX_MODES,
    "MAX_TEMPLATES": MAX_TEMPLATES,
    "MAX_WIDTH": MAX_WIDTH,
    "MAX_WEIGHTS": MAX_WEIGHTS,
}


def _within(count: int, name: str, where: str, what: str) -> None:
    if count > _LIMIT_VALUES[name]:
        got = f"{shown(count)} {what}".strip()
        raise LimitError(f"{where}: {got}, more than {name} = {_LIMIT_VALUES[name]}")


def model_limits(d: dict, where: str = "model", path: str = "") -> int:
    """Refuse (:class:`LimitError`) a model object, as parsed, beyond the limits: "T" and "M"
    and the values of "widths", the modes of "tree", every axis of every weight array (by
    its meaning: MAX_MODES, MAX_TEMPLATES or MAX_WIDTH) and the count of numbers in the
    weights (MAX_WEIGHTS), components and mixture included. Returns that count.

    Values of the wrong type are left alone here (the model reader refuses them), so this
    pass decides only limits, before anything is built.
    """
    parts = [key for key in ("first", "second") if isinstance(d.get(key), dict)]
    count = sum(model_limits(d[key], where, f"{path}{key}.") for key in parts)
    where = f"{where}: {path}"
    for key, name in (("T", "MAX_MODES"), ("M", "MAX_TEMPLATES")):
        _within(d[key] if type(d.get(key)) is int else 0, name, f"{where}{key}", "")
    for width in d.get("widths") if isinstance(d.get("widths"), list) else ():
        _within(width if type(width) is int else 0, "MAX_WIDTH", f"{where}widths", "channels")
    _within(_leaves(d.get("tree")), "MAX_MODES", f"{where}tree", "modes")
    arrays = [(d.get(key), axes, f"{where}{key}") for key, axes in _AXES.items()]
    levels = d.get("weights") if isinstance(d.get("weights"), list) else []
    arrays += [(x, _LEVEL_AXES[l > 0], f"{where}weights[{l}]") for l, x in enumerate(levels)]
    for i, item in enumerate(d.get("mixture") if isinstance(d.get("mixture"), list) else ()):
        for key in ("into_first", "into_second") if isinstance(item, dict) else ():
            w = f"{where}mixture[{i}].{key}"
            arrays.append((item.get(key), ("MAX_WIDTH", "MAX_WIDTH"), w))
    count += sum(_numbers(x, axes, w) for x, axes, w in arrays)
    _within(count, "MAX_WEIGHTS", where.rstrip(": ."), "numbers in its weights")
    return count


def _numbers(x, axes: tuple, where: str, axis: int = 0) -> int:
    """The count of numbers in a nested list, each axis no longer than its limit in axes."""
    if not isinstance(x, list):
        return int(x is not None)
    if axes and len(x) > _LIMIT_VALUES[axes[0]]:
        _within(len(x), axes[0], f"{where} (axis {axis})", "items")
    if list not in set(map(type, x)):  # the innermost axis (fast: 2^24 numbers are allowed)
        return len(x)
    return sum(_numbers(y, axes[1:], where, axis + 1) for y in x)


def _leaves(tree) -> int:
    """The number of modes (leaves) of a tree of nested lists (at most MAX_DEPTH deep)."""
    return sum(map(_leaves, tree)) if isinstance(tree, list) else int(tree is not None)


def _too_long(text: str) -> bool:
    if len(text) <= MAX_DIGITS:
        return False
    match = _LONG_NUMBER.fullmatch(text)
    return match is not None and max(len(match[1]), len(match[2] or "")) > MAX_DIGITS


def _find(data, bad) -> tuple[str, object]:
    """The path (C[0][1], first.weights[0]) and the value of the first ``bad`` value."""
    stack = [(value, key) for key, value in reversed(data.items())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            stack.extend((v, f"{path}.{k}") for k, v in reversed(value.items()))
        elif bad(value):
            return path, value
    raise AssertionError("no such value")  # only called after one was seen
