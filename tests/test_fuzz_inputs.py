"""Fuzzing the front door (issue 10): mutated model files and certificates, in process.

Model files of every kind (examples/*.json and models saved from exactrank.sampling) are
mutated structurally -- keys deleted, duplicated in the raw text, renamed; values replaced
by another JSON type, a huge, negative or zero number, "p/0", a float, NaN, deep nesting;
arrays lengthened, shortened, transposed; sizes pushed past the documented limits; the text
truncated or made invalid UTF-8 -- and each file goes through ``exactrank rank FILE
--partition odd-even`` (or another partition or field, RANK_OPTIONS) and ``exactrank certify
FILE --partition odd-even`` (whose certificate, when one is written, must verify in both
checkers). Certificates from tests/test_certificates.py's pool (made by
exactrank.certify: explicit entries and models, ge/le/eq, QQ and GF(p)) are mutated the same
way, plus the targeted tampering of tests/strategies.py, and go through ``exactrank verify``
and the stand-alone proofs/verify_certificate.py.

What must hold on every file (the limits and exit codes of docs/model-files.md and
docs/certificates.md, decided in issue 10):

- ``rank`` and ``certify`` exit 0 (the mutation kept the file valid) or 2; on 2, stderr is
  one line without a traceback and stdout is empty; a file that must be refused (a repeated
  key, nesting past MAX_DEPTH, an integer past MAX_DIGITS, a float where a number is read,
  a size pushed past its limit, broken JSON) exits 2;
- ``exactrank verify`` and the stand-alone checker exit with the same code, one of 0
  (VERIFIED), 1 (NOT VERIFIED), 2 (not a certificate or outside the limits), 3 (could not
  check); 2 and 3 are one line on stderr; a claim tests/oracles.py finds false is never 0;
  a file that must be refused is 2 in both, a certificate kept valid 0 in both;
- nothing hangs: each command has CASE_SECONDS (a SIGALRM), then the case fails as a hang;
- no command changes Python's int-string digit limit for the rest of the process.

The default run draws 400 cases (about 20 s when nothing fails); ``--run-slow`` adds
10^4 model files and 10^4 certificates.
"""

from __future__ import annotations

import contextlib
import functools
import json
import random
import re
import signal
import sys
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oracles import certificate_claim_truth
from strategies import (
    MUTATIONS,
    is_number_leaf,
    json_copy,
    json_paths,
    mut_any_number,
    mut_drop_key,
    mut_extra,
    mut_list,
    mut_type,
    set_at,
    weird_values,
)
from test_certificates import certificate_pool, run_main, standalone

from exactrank import certify
from exactrank.cli import main as exactrank_main
from exactrank.models import GeneralizedRNN
from exactrank.models.modelfile import model_to_dict
from exactrank.sampling import (
    random_hierarchical,
    random_invertible,
    random_mixed,
    random_overlapping,
    random_rnn,
    random_shallow,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# The limits table of issue 10 (docs/model-files.md, docs/certificates.md), written out
# again here: the fuzzer tests the documented numbers, not whatever exactrank.limits holds.
MAX_DEPTH = 64
MAX_DIGITS = 10_000
MAX_MODES = 4096
MAX_TEMPLATES = 1024
MAX_WIDTH = 4096
MAX_MINOR = 4096

CASE_SECONDS = 30  # per command (the hang bound); every seed file takes under a second
LONGEST_LINE = 2000  # an error line echoes each value in at most 80 characters
MAX_FILE_CHARS = 8_000_000  # mutated files larger than this are not drawn (time, not limits)
HT4 = ((0, 1), (2, 3))


# ---------------------------------------------------------------------------- JSON text


class Raw:
    """JSON text written as it is: integers past Python's 4300-digit str limit, deep nests.

    ``refuse`` says why a model file must be refused while this value stands where a number
    is read ("number": a float, a bool, "p/0", a p or q past MAX_DIGITS) or why a
    certificate must be ("field": GF(p) with p past MAX_DIGITS digits)."""

    def __init__(self, text: str, refuse: str | None = None):
        self.text = text
        self.refuse = refuse

    def __repr__(self):
        return f"Raw({self.text[:30]!r}… {len(self.text)} chars)"


class DupKeys:
    """A JSON object written with these (key, value) pairs in order, a key repeated."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __repr__(self):
        return f"DupKeys({[k for k, _ in self.pairs]})"


def encode(value) -> str:
    """JSON text of a tree that may hold Raw, DupKeys and NaN/Infinity (written as such)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, DupKeys | dict):
        pairs = value.pairs if isinstance(value, DupKeys) else value.items()
        return "{" + ", ".join(f"{json.dumps(k)}: {encode(v)}" for k, v in pairs) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(encode(v) for v in value) + "]"
    return json.dumps(value)


def big_integer(digits: int, sign: str = "") -> Raw:
    return Raw(sign + "9" + "8" * (digits - 1))


def nested(value, depth: int) -> Raw:
    """``value`` inside ``depth`` arrays, as text (so that no Python recursion builds it)."""
    return Raw("[" * depth + encode(value) + "]" * depth)


@contextlib.contextmanager
def unlimited_int_digits():
    """The test's own parsing of accepted files: no digit limit (restored afterwards)."""
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


# ---------------------------------------------------------------------------- mutations
#
# Each takes (draw, doc), changes the JSON tree ``doc`` in place and says what it did, or
# returns None when it does not apply. tests/strategies.py's generic ones are reused.

HUGE_DIGITS = (4300, 4301, 4400, MAX_DIGITS - 1, MAX_DIGITS, MAX_DIGITS + 1, 12_000)
DEPTHS = (MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 100, 5000, 100_000)
SIZE_VALUES = (
    0,
    -1,
    1,
    2,
    63,
    64,
    65,
    70,
    MAX_TEMPLATES,
    MAX_TEMPLATES + 1,
    MAX_MODES,
    MAX_MODES + 1,
    15_000,
    100_000,
    2**63,
    2**64,
    10**30,
)
LENGTHS = (0, 65, MAX_TEMPLATES + 1, MAX_WIDTH + 1)
SAME_CLAIM = "same claim"  # how a mutation that keeps a certificate valid starts its report
SIZE_KEYS = ("M", "T", "widths", "shape", "strides", "receptive_fields", "version", "r")


def _dict_paths(doc):
    return [(p, v) for p, v in json_paths(doc) if isinstance(v, dict) and v]


def _pick(draw, choices):
    return draw(st.sampled_from(choices)) if choices else None


def mut_rename_key(draw, doc):
    picked = _pick(draw, _dict_paths(doc))
    if picked is None:
        return None
    path, d = picked
    key = draw(st.sampled_from(sorted(d)))
    new = draw(
        st.sampled_from([key.upper(), key + " ", "_" + key, key[:-1], key * 2])
        | st.sampled_from(sorted(d))
    )
    value = d.pop(key)
    d[new] = value
    return f"rename key {path + (key,)} -> {new!r}"


def mut_duplicate_key(draw, doc):
    """A key written twice in the raw text (first or last with a changed value)."""
    picked = _pick(draw, _dict_paths(doc))
    if picked is None:
        return None
    path, d = picked
    key = draw(st.sampled_from(sorted(d)))
    other = draw(st.sampled_from(weird_values(d[key]) + [json_copy(d[key])]))
    pairs = list(d.items())
    at = draw(st.integers(0, len(pairs)))
    pairs.insert(at, (key, other))
    replacement = DupKeys(pairs)
    if path:
        set_at(doc, path, replacement)
    else:  # the root: keep the dict object, its text is written from the marker
        doc.clear()
        doc["__dup__"] = replacement
    return f"duplicate key {path + (key,)}: {str(other)[:40]!r} at {at}"


def _leaf_paths(doc):
    return [(p, v) for p, v in json_paths(doc) if p and not isinstance(v, dict | list)]


def mut_huge_number(draw, doc):
    """An integer (or p or q of "p/q") of about MAX_DIGITS digits, either sign."""
    picked = _pick(draw, _leaf_paths(doc))
    if picked is None:
        return None
    path, old = picked
    digits = draw(st.sampled_from(HUGE_DIGITS))
    big = big_integer(digits, draw(st.sampled_from(["", "-"])))
    form = draw(st.sampled_from(["int", "p/q", "q", "field"]))
    too_many = digits > MAX_DIGITS
    if form == "int":  # past MAX_DIGITS it is found by text_refusal, wherever it stands
        value = big
    elif form == "field":
        refuse = "field" if path[-1] == "field" and too_many else None
        value = Raw(f'"GF({big.text.lstrip("-")})"', "number" if is_number_leaf(old) else refuse)
    else:
        text = f'"{big.text}/3"' if form == "p/q" else f'"1/{big.text.lstrip("-")}"'
        value = Raw(text, "number" if too_many and is_number_leaf(old) else None)
    set_at(doc, path, value)
    return f"{digits}-digit number ({form}) at {path}"


SPECIAL = (
    0,
    -1,
    -(2**63),
    2**63,
    2**64,
    0.0,
    -0.0,
    2.0,
    1e308,
    float("nan"),
    float("inf"),
    float("-inf"),
    True,
    None,
    "0/0",
    "3/0",
    "-1/0",
    "1/-0",
    "00",
    "-0",
    "1/2.0",
    "∞",
)
NOT_NUMBERS = {"0/0", "3/0", "-1/0", "1/-0", "1/2.0", "∞"}  # and every float and bool


def mut_special_number(draw, doc):
    picked = _pick(draw, _leaf_paths(doc))
    if picked is None:
        return None
    path, old = picked
    new = draw(st.sampled_from(SPECIAL))
    not_a_number = type(new) in (float, bool) or new is None or new in NOT_NUMBERS
    set_at(doc, path, Raw(encode(new), "number") if is_number_leaf(old) and not_a_number else new)
    return f"special at {path}: {old!r:.30} -> {new!r}"


def mut_deep(draw, doc):
    picked = _pick(draw, [(p, v) for p, v in json_paths(doc) if p])
    if picked is None:
        return None
    path, value = picked
    depth = draw(st.sampled_from(DEPTHS))
    if draw(st.booleans()):
        new = nested(value if not isinstance(value, dict | list) else 0, depth)
    else:
        new = Raw('{"a": ' * depth + "1" + "}" * depth)
    set_at(doc, path, new)
    return f"nesting {depth} deep at {path}"


def _is_matrix(v):
    return (
        isinstance(v, list)
        and len(v) >= 1
        and all(isinstance(row, list) for row in v)
        and len({len(row) for row in v}) == 1
    )


def mut_transpose(draw, doc):
    """Swap the two outer dimensions of a rectangular array."""
    picked = _pick(draw, [(p, v) for p, v in json_paths(doc) if p and _is_matrix(v)])
    if picked is None:
        return None
    path, A = picked
    set_at(doc, path, [list(col) for col in zip(*A, strict=True)])
    return f"transpose at {path}"


def mut_size_value(draw, doc):
    """A size key (M, T, widths, shape, …) anywhere set past or at the documented limits."""
    picked = _pick(draw, [(p, v) for p, v in json_paths(doc) if p and p[-1] in SIZE_KEYS])
    if picked is None:
        return None
    path, old = picked
    size = draw(st.sampled_from(SIZE_VALUES) | st.just(big_integer(12_000)))
    if isinstance(old, list) and old and draw(st.booleans()):
        k = draw(st.integers(0, len(old) - 1))
        old[k] = size
        return f"size {path}[{k}] -> {size!r:.40}"
    set_at(doc, path, size)
    return f"size {path} -> {size!r:.40}"


def mut_lengthen(draw, doc):
    """A list made long (its last element repeated) or emptied."""
    picked = _pick(draw, [(p, v) for p, v in json_paths(doc) if p and isinstance(v, list) and v])
    if picked is None:
        return None
    path, lst = picked
    n = draw(st.sampled_from(LENGTHS))
    set_at(doc, path, (lst + [json_copy(lst[-1]) for _ in range(n)])[:n] if n else [])
    return f"length of {path} {len(lst)} -> {n}"


def _widen_innermost(A, n):
    """Every innermost list of A lengthened to n entries (its last entry repeated)."""
    if isinstance(A, list) and A and not isinstance(A[0], list):
        return A + [A[-1]] * (n - len(A))
    return [_widen_innermost(a, n) for a in A] if isinstance(A, list) else A


def _widen_outer(A, n):
    return A + [json_copy(A[-1]) for _ in range(n - len(A))] if isinstance(A, list) and A else A


def mut_consistent_size(draw, doc):
    """A size pushed past its limit with the weights made to match, so that only the limit
    (not a shape mismatch) can refuse the file: M (templates), a width, or T (modes)."""
    kind = doc.get("kind") if isinstance(doc, dict) else None
    what = draw(st.sampled_from(["M", "width", "T"]))
    n = {"M": MAX_TEMPLATES + 1, "width": MAX_WIDTH + 1, "T": MAX_MODES + 1}[what]
    if what == "T" and doc.get("shared") is True:
        T = draw(st.sampled_from([MAX_MODES, MAX_MODES + 1, 15_000, 100_000, 10**6]))
        doc["T"] = T
        return f"shared T -> {T}" + (" (past MAX_MODES)" if T > MAX_MODES else "")
    if kind == "generalized-rnn" and isinstance(doc.get("C"), list) and doc["C"]:
        C, G = doc["C"], doc.get("G")
        if what == "M":
            doc["C"] = [_widen_innermost(c, n) for c in C]
        elif what == "width" and isinstance(G, list) and G:
            t = draw(st.integers(0, len(C) - 1))
            C[t], G[t] = _widen_outer(C[t], n), _widen_outer(G[t], n)
        elif what == "T" and isinstance(G, list) and G and isinstance(G[-1], list):
            n = draw(st.sampled_from([64, 65, 70, MAX_MODES + 1]))
            last = G[-1]
            R = len(last[0]) if last and isinstance(last[0], list) else 1
            M = len(C[0][0]) if C[0] and isinstance(C[0][0], list) else 1
            # pass-through steps (C = ones, G = identity) inserted before the last one
            step_C = [[1] * M]
            step_G = [[[int(i == j) for j in range(R)] for i in range(R)]]
            extra = max(n - len(C), 0)
            doc["C"] = C[:-1] + [json_copy(step_C) for _ in range(extra)] + C[-1:]
            doc["G"] = G[:-1] + [json_copy(step_G) for _ in range(extra)] + G[-1:]
        else:
            return None
    elif kind == "generalized-shallow" and isinstance(doc.get("V"), list):
        V = doc["V"]
        if what == "M":
            doc["V"] = _widen_innermost(V, n)
        elif what == "width":
            doc["V"], doc["lambda"] = _widen_outer(V, n), _widen_outer(doc.get("lambda"), n)
        else:
            doc["V"] = [_widen_outer(v, n) for v in V]
    elif kind in ("hierarchical", "overlapping", "mixed") and what == "M":
        parts = [doc.get("first"), doc.get("second")] if kind == "mixed" else [doc]
        for part in parts:
            if isinstance(part, dict) and isinstance(part.get("weights"), list) and part["weights"]:
                part["weights"][0] = _widen_innermost(part["weights"][0], n)
                part.pop("F", None)
                part.pop("M", None)
    else:
        return None
    if what == "M":
        doc.pop("F", None)  # M x M: left out rather than grown to a million numbers
    if what in ("M", "T") and what in doc:
        doc[what] = n
    limit = {"M": MAX_TEMPLATES, "width": MAX_WIDTH, "T": MAX_MODES}[what]
    return f"consistent {what} -> {n}" + (f" (past the limit {limit})" if n > limit else "")


mut_lengthen.grows = mut_consistent_size.grows = True

# the generic mutations of tests/strategies.py, then the ones above
TREE_MUTATIONS = (
    [mut_type] * 3
    + [mut_drop_key] * 2
    + [mut_list] * 2
    + [mut_extra]
    + [mut_any_number] * 2
    + [mut_rename_key] * 2
    + [mut_duplicate_key] * 2
    + [mut_huge_number] * 2
    + [mut_special_number] * 2
    + [mut_deep]
    + [mut_transpose]
    + [mut_size_value] * 2
    + [mut_lengthen]
    + [mut_consistent_size] * 2
)

BAD_BYTES = (b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x00", b"\xe2\x82")


@st.composite
def raw_mutation(draw, text: str):
    """The text as bytes, perhaps truncated, with invalid UTF-8, a BOM or garbage; and what
    was done when it is no longer one JSON document in UTF-8 (None otherwise)."""
    data = text.encode("utf-8")
    op = draw(st.sampled_from(["none"] * 6 + ["truncate", "bad-utf8", "bom", "garbage", "empty"]))
    if op == "truncate":
        k = draw(st.integers(0, max(len(data) - 1, 0)))
        return data[:k], f"truncated at byte {k}"
    if op == "bad-utf8":
        k = draw(st.integers(0, len(data)))
        bad = draw(st.sampled_from(BAD_BYTES))
        return data[:k] + bad + data[k:], f"bytes {bad!r} at {k}"
    if op == "bom":  # whether a BOM is refused is not decided: never a reason to refuse
        return b"\xef\xbb\xbf" + data, None
    if op == "garbage":
        tail = draw(st.sampled_from([b" x", b"}", b"]", b" " + data, b"\n{}"]))
        return data + tail, f"trailing {tail[:10]!r}"
    if op == "empty":
        return b"", "empty file"
    return data, None


class Case:
    """A mutated file: its seed's name, its bytes, the mutations done, why it must be
    refused (None when it may be valid), and whether it is still valid (every mutation kept
    the claim and its proof: such a certificate must verify). Not a dataclass: Hypothesis
    prints a failing case by its ``__repr__``, kept short whatever the file's size."""

    def __init__(self, seed: str, data: bytes, done: tuple, refuse: str | None, valid: bool):
        self.seed, self.data, self.done, self.refuse = seed, data, done, refuse
        self.valid = valid

    def __repr__(self):
        head = self.data[:300] + (b"..." if len(self.data) > 300 else b"")
        return (
            f"Case({len(self.data)} bytes {head!r}, mutations {list(self.done)}, "
            f"refuse={self.refuse!r}, valid={self.valid})"
        )


@st.composite
def mutated_text(draw, seeds, extra_mutations=(), scope="number", keeping=()):
    """A Case made from one of ``seeds()``: 1-3 tree mutations (one in eight times, only
    ``keeping`` ones, which keep the file valid), sometimes the whole document replaced,
    then perhaps a raw-text mutation. ``scope``: the reasons of Raw values that count
    ("number" in model files, "field" in certificates)."""
    name, seed = draw(st.sampled_from(seeds()))
    doc = json_copy(seed)
    done = [name]
    pool = list(TREE_MUTATIONS) + list(extra_mutations)
    if keeping and draw(st.sampled_from([False] * 7 + [True])):
        pool = list(keeping)
    last = None
    for _ in range(draw(st.integers(1, 3))):
        mutation = draw(st.sampled_from(pool))
        what = mutation(draw, doc)
        if what is not None:
            done.append(what)
            last = what
            if getattr(mutation, "grows", False):
                break  # the tree may be large now: walking it again costs seconds
    refuse = [last] if last is not None and "(past " in last else []
    valid = all(what.startswith(SAME_CLAIM) for what in done[1:])
    if draw(st.sampled_from([False] * 30 + [True])):
        doc = draw(st.sampled_from([[], "model", 3, None, [doc], nested(doc, MAX_DEPTH + 1)]))
        done.append(f"root replaced by {type(doc).__name__}")
        refuse.append("not a JSON object")
    if isinstance(doc, dict) and "__dup__" in doc:
        doc = doc["__dup__"]
    text = encode(doc)
    assume(len(text) <= MAX_FILE_CHARS)
    data, broken = draw(raw_mutation(text))
    if broken:
        done.append(broken)
        refuse.append(broken)
    refuse += tree_refusals(doc, keys_of(seeds), scope) + text_refusals(text)
    valid = valid and not refuse and data == text.encode("utf-8")
    return Case(name, data, tuple(done), "; ".join(refuse) or None, valid)


@functools.cache
def keys_of(seeds) -> frozenset:
    """Every key of the seed files: a value under these keys only is read by the checkers."""
    keys = set()
    for _, seed in seeds():
        keys.update(p[-1] for p, _ in json_paths(seed) if p and isinstance(p[-1], str))
    return frozenset(keys)


def tree_refusals(doc, keys, scope: str) -> list[str]:
    """Why a mutated tree must be refused: a repeated key anywhere; a Raw value's reason
    (of ``scope``) where it stands under known keys only."""
    out, stack = [], [(doc, True)]
    while stack:
        value, read = stack.pop()
        if isinstance(value, DupKeys):
            out.append(f"repeated key {sorted(k for k, _ in value.pairs)}")
            stack.extend((v, read and k in keys) for k, v in value.pairs)
        elif isinstance(value, dict):
            stack.extend((v, read and k in keys) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, read) for v in value)
        elif isinstance(value, Raw) and read and value.refuse == scope:
            out.append(f"{value.text[:20]} where a {scope} is read")
    return sorted(set(out))


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def text_refusals(text: str) -> list[str]:
    """An integer of more than MAX_DIGITS digits, or nesting deeper than MAX_DEPTH (the
    outermost array or object is depth 1), anywhere in the JSON text."""
    bare = _STRING.sub('""', text)
    out = []
    if re.search(rf"\d{{{MAX_DIGITS + 1}}}", bare):
        out.append(f"an integer of more than {MAX_DIGITS} digits")
    depth = deepest = 0
    for ch in re.findall(r"[\[\]{}]", bare):
        depth += 1 if ch in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        out.append(f"nesting {deepest} deep")
    return out


# ---------------------------------------------------------------------------- running


class Hang(BaseException):
    """Raised by SIGALRM in a command that ran past CASE_SECONDS (not an Exception, so that
    no ``except Exception`` of the code under test swallows it)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    def ring(signum, frame):
        raise Hang

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _where(exc: BaseException) -> str:
    """The innermost frame of exactrank or the checker that an exception went through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/exactrank/" in f.filename or "verify_certificate" in f.filename]
    f = (ours or frames)[-1]
    return f"{Path(f.filename).name}:{f.lineno} {f.name}"


def run(who: str, main, argv) -> tuple[int | None, str, str, list[str]]:
    """(exit code, stdout, stderr, problems) of ``main(argv)`` in process, bounded in time.
    An exception out of main is a traceback for a user; a hang or a changed digit limit
    is a problem too."""
    digits = sys.get_int_max_str_digits()
    problems = []
    try:
        with time_limit(CASE_SECONDS):
            code, out, err = run_main(main, argv)
    except Hang:
        return None, "", "", [f"{who}: hang (no exit after {CASE_SECONDS} s)"]
    except Exception as exc:
        return None, "", "", [f"{who}: traceback {type(exc).__name__} at {_where(exc)}"]
    if sys.get_int_max_str_digits() != digits:
        problems.append(f"{who}: left Python's int digit limit at {sys.get_int_max_str_digits()}")
        sys.set_int_max_str_digits(digits)
    return code, out, err, problems


def one_line_problems(who: str, code, out: str, err: str) -> list[str]:
    """Exit 2 (or 3): nothing on stdout, one short line on stderr, no traceback."""
    problems = []
    lines = err.splitlines()
    if "Traceback" in out + err:
        problems.append(f"{who}: exit {code} with a traceback")
    if out:
        problems.append(f"{who}: exit {code} with output on stdout")
    if len(lines) != 1 or not err.endswith("\n"):
        problems.append(f"{who}: exit {code} with {len(lines)} lines on stderr")
    elif len(lines[0]) > LONGEST_LINE:
        problems.append(f"{who}: exit {code} with a {len(lines[0])}-character error line")
    return problems


# ``rank`` options drawn with each model file (mostly the plain odd-even over QQ), and why
# they must be refused whatever the file
RANK_OPTIONS = (
    *[(("--partition", "odd-even"), None)] * 8,
    (("--partition", "left-right"), None),
    (("--partition", "rows=0,2"), None),
    (("--partition", "odd-even", "--field", "GF(101)"), None),
    (("--partition", "odd-even", "--field", "float"), None),
    (("--partition", "odd-even", "--field", f"GF({'9' * 4400})"), "GF(p) with p not prime"),
    (("--partition", "odd-even", "--field", f"GF({'9' * 12_000})"), "p past MAX_DIGITS"),
    (("--partition", "rows=" + ",".join(["0"] * 100_000)), "mode 0 repeated 10^5 times"),
    (("--partition", "rows=" + ",".join(map(str, range(MAX_MODES + 1)))), "past MAX_MODES"),
)


def rank_problems(path: Path, refuse: str | None = None, options=RANK_OPTIONS[0]) -> list[str]:
    """``rank FILE`` with ``options`` (flags, why they must be refused or None); ``refuse``:
    why the file must be refused."""
    who = "rank"
    flags, bad_flags = options
    refuse = "; ".join(r for r in (refuse, bad_flags) if r) or None
    code, out, err, problems = run(who, exactrank_main, ["rank", str(path), *flags])
    if code == 0:
        if not out.startswith("rank ") or "Traceback" in err:
            problems.append(f"{who}: exit 0 without a rank line or with a traceback")
        if refuse:
            problems.append(f"{who}: exit 0 on a file to refuse ({refuse})")
    elif code == 2:
        problems += one_line_problems(who, code, out, err)
    elif code is not None:
        problems.append(f"{who}: exit {code}")
    return problems


def certify_problems(path: Path, out_dir: Path, refuse: str | None = None) -> list[str]:
    """``certify FILE --partition odd-even -o CERT``; a certificate written must verify in
    both checkers. ``refuse``: why the file must be refused."""
    who = "certify"
    cert = out_dir / "certified.json"
    cert.unlink(missing_ok=True)
    argv = ["certify", str(path), "--partition", "odd-even", "-o", str(cert)]
    code, out, err, problems = run(who, exactrank_main, argv)
    if code == 0:
        if refuse:
            problems.append(f"{who}: exit 0 on a file to refuse ({refuse})")
        if not cert.is_file():
            problems.append(f"{who}: exit 0 but no certificate written")
        else:
            codes, more = checker_codes(cert)
            problems += more
            if codes != (0, 0):
                problems.append(f"{who}: its own certificate gives exit codes {codes}")
    elif code == 2:
        problems += one_line_problems(who, code, out, err)
        if cert.exists():
            problems.append(f"{who}: exit 2 but a certificate was written")
    elif code is not None:
        problems.append(f"{who}: exit {code}")
    return problems


def checker_codes(path: Path) -> tuple[tuple, list[str]]:
    """Both checkers on one file: their exit codes, and every problem of their output."""
    problems, codes = [], []
    for who, main, argv in (
        ("exactrank verify", exactrank_main, ["verify", str(path)]),
        ("verify_certificate.py", standalone().main, [str(path)]),
    ):
        code, out, err, more = run(who, main, argv)
        problems += more
        codes.append(code)
        if code == 0:
            if out != "s VERIFIED\n" or "Traceback" in err:
                problems.append(f"{who}: exit 0 printing {out[:40]!r}")
        elif code == 1:
            lines = out.splitlines()
            if len(lines) != 1 or not lines[0].startswith("s NOT VERIFIED: "):
                problems.append(f"{who}: exit 1 printing {len(lines)} lines")
            if "Traceback" in out + err:
                problems.append(f"{who}: exit 1 with a traceback")
        elif code in (2, 3):
            problems += one_line_problems(who, code, out, err)
            if code == 3 and "could not check" not in err:
                problems.append(f"{who}: exit 3 without 'could not check'")
        elif code is not None:
            problems.append(f"{who}: exit {code}")
    if None not in codes and codes[0] != codes[1]:
        problems.append(f"checkers disagree: exactrank verify {codes[0]}, stand-alone {codes[1]}")
    return tuple(codes), problems


def claim_is_false(data: bytes) -> bool:
    """Whether tests/oracles.py finds the file's claim false (False when it cannot tell)."""
    try:
        with unlimited_int_digits():
            cert = json.loads(data.decode("utf-8"))
        return certificate_claim_truth(cert) is False
    except Exception:  # not something the oracle can read: only the checkers judge it
        return False


def certificate_problems(
    path: Path, data: bytes, refuse: str | None = None, valid: bool = False
) -> list[str]:
    """Both checkers on a certificate file; ``refuse``: why both must exit 2; ``valid``:
    both must exit 0."""
    codes, problems = checker_codes(path)
    if valid and codes != (0, 0):
        problems.append(f"exit codes {codes} on a valid certificate")
    if refuse and codes != (2, 2):
        problems.append(f"exit codes {codes} on a file outside the format or limits ({refuse})")
    if 0 in codes and claim_is_false(data):
        problems.append(f"a false claim verified (exit codes {codes})")
    return problems


# ---------------------------------------------------------------------------- seeds


@functools.cache
def model_seeds() -> tuple[tuple[str, dict], ...]:
    """Valid model files of every kind: the examples and models saved from exactrank.sampling."""
    seeds = [
        (f"examples/{p.name}", json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(EXAMPLES.glob("*.json"))
    ]
    rng = random.Random(20261204)

    def add(name, model):
        seeds.append((name, json.loads(json.dumps(model_to_dict(model)))))

    def shared(xi, M, T):
        base = random_rnn(xi, M, 3, rng, R=(2, 2), den=2)
        cores = [(base.C[t], base.G[t]) for t in range(3)]
        return GeneralizedRNN.with_shared_cores(xi, *cores, T)

    add("rnn relu M=2 T=4", random_rnn("relu", 2, 4, rng, den=3))
    add("rnn product M=3 T=3 with F", random_rnn("product", 3, 3, rng, F=random_invertible(3, rng)))
    # past numpy's 64 dimensions: a 1 x 1 matrix (issue 10)
    add("rnn sum M=1 T=70", random_rnn("sum", 1, 70, rng, L=(1, 1), R=(1, 1)))
    add("shared product M=2 T=5", shared("product", 2, 5))
    add("shared relu M=3 T=4", shared("relu", 3, 4))
    add("shallow relu M=2 T=4 R=3", random_shallow("relu", 2, 4, 3, rng, den=2))
    add("shallow product M=3 T=3 R=2", random_shallow("product", 3, 3, 2, rng))
    add("hierarchical HT4", random_hierarchical(HT4, 2, [2, 2], seed=1))
    add(
        "hierarchical relu/max shared",
        random_hierarchical(HT4, 2, [2, 1], seed=2, activation="relu", pooling="max", shared=True),
    )
    add("overlapping 1D", random_overlapping([4], 2, [(2, 2, 2), (2, 2, 1)], seed=3))
    add("overlapping 1D bias", random_overlapping([4], 2, [(2, 2, 1)], seed=4, bias=True))
    add("overlapping 2D", random_overlapping([2, 2], 2, [(2, 2, 2)], seed=5))
    add("mixed", random_mixed(HT4, ((0, 1), (2,), (3,)), 2, [2, 2], seed=6))
    return tuple(seeds)


@functools.cache
def certificate_seeds() -> tuple[tuple[str, dict], ...]:
    """tests/test_certificates.py's pool, and a product RNN of M = 1 stretched to T = 64,
    65 and 70 modes: a 1 x 1 matrix, which both checkers must verify (issue 10)."""
    seeds = list(certificate_pool())
    rng = random.Random(7)
    one = random_rnn("product", 1, 2, rng, L=(1, 1), R=(1, 1))
    one.C[0][0, 0] = one.C[1][0, 0] = 1  # a nonzero entry: rank 1
    one.G[0][0, 0, 0] = one.G[1][0, 0, 0] = 1
    small = json.loads(json.dumps(certify(one, "odd-even")))
    model = small["tensor"]["model"]
    for T in (64, 65, 70):
        cert = json_copy(small)
        cert["tensor"]["model"]["C"] = [json_copy(model["C"][0]) for _ in range(T)]
        cert["tensor"]["model"]["G"] = [json_copy(model["G"][0]) for _ in range(T)]
        cert["tensor"]["model"]["T"] = T
        cert["claim"]["row_modes"] = list(range(0, T, 2))
        cert["claim"]["col_modes"] = list(range(1, T, 2))
        seeds.append((f"rnn M=1 T={T} eq 1", cert))
    return tuple(seeds)


def _strategies_mutation(mutation):
    """A tests/strategies.py tampering (cert in place) as one of ours."""
    return lambda draw, doc: mutation(draw, doc) if isinstance(doc, dict) else None


def mut_claim_modes(draw, doc):
    """The claim's modes made many (past MAX_MODES: 15,000 as in issue 10), or a shared
    model's T grown with them."""
    claim = doc.get("claim") if isinstance(doc, dict) else None
    if not isinstance(claim, dict) or not isinstance(claim.get("col_modes"), list):
        return None
    n = draw(st.sampled_from([MAX_MODES, MAX_MODES + 1, 15_000, 30_000]))
    start = len(claim.get("row_modes") or []) + len(claim["col_modes"])
    claim["col_modes"] = claim["col_modes"] + list(range(start, n))
    model = doc.get("tensor", {}).get("model") if isinstance(doc.get("tensor"), dict) else None
    past = f" (past MAX_MODES {MAX_MODES})" if n > MAX_MODES else ""
    if isinstance(model, dict) and model.get("shared") is True and draw(st.booleans()):
        model["T"] = n
        return f"{n} modes, shared T -> {n}{past}"
    return f"{n} modes{past}"


def mut_big_minor(draw, doc):
    """A ge minor of more than MAX_MINOR indices (or 10^5), r set to match."""
    witness = doc.get("witness") if isinstance(doc, dict) else None
    minor = witness.get("minor") if isinstance(witness, dict) else None
    if not isinstance(minor, dict):
        return None
    n = draw(st.sampled_from([MAX_MINOR, MAX_MINOR + 1, 100_000]))
    minor["rows"], minor["cols"] = list(range(n)), list(range(n))
    if isinstance(doc.get("claim"), dict) and draw(st.booleans()):
        doc["claim"]["r"] = n
    return f"minor of {n} indices" + (f" (past MAX_MINOR {MAX_MINOR})" if n > MAX_MINOR else "")


def mut_model_size(draw, doc):
    """A certificate's model with M, a width or T pushed as mut_consistent_size does."""
    tensor = doc.get("tensor") if isinstance(doc, dict) else None
    model = tensor.get("model") if isinstance(tensor, dict) else None
    return mut_consistent_size(draw, model) if isinstance(model, dict) else None


def mut_unit_modes(draw, doc):
    """Modes of size 1 added to an explicit tensor (and to the claim's rows or columns): the
    matrix, so the claim and its witness, stay the same -- up to MAX_MODES modes in all,
    past numpy's 64 dimensions (limits table: such a certificate must verify)."""
    tensor, claim = doc.get("tensor"), doc.get("claim")
    if not (isinstance(tensor, dict) and isinstance(claim, dict)):
        return None
    dims, side = tensor.get("dims"), draw(st.sampled_from(["row_modes", "col_modes"]))
    if not isinstance(dims, list) or not isinstance(claim.get(side), list):
        return None
    T = draw(st.sampled_from([len(dims) + 1, 63, 64, 65, 70, 200, MAX_MODES, MAX_MODES + 1]))
    if len(dims) >= T:
        return None
    claim[side] = claim[side] + list(range(len(dims), T))
    tensor["dims"] = dims + [1] * (T - len(dims))
    past = f" (past MAX_MODES {MAX_MODES})" if T > MAX_MODES else ""
    return f"{SAME_CLAIM}: {T - len(dims)} modes of size 1 in {side}, T = {T}{past}"


def mut_field_digits(draw, doc):
    """GF(p) with p of about MAX_DIGITS digits (not prime: 98…8 is even)."""
    claim = doc.get("claim") if isinstance(doc, dict) else None
    if not isinstance(claim, dict):
        return None
    digits = draw(st.sampled_from(HUGE_DIGITS))
    refuse = "field" if digits > MAX_DIGITS else None
    claim["field"] = Raw(f'"GF({big_integer(digits).text})"', refuse)
    return f"field GF(<{digits} digits>)"


mut_claim_modes.grows = mut_big_minor.grows = mut_model_size.grows = True

CERT_MUTATIONS = [_strategies_mutation(m) for m in MUTATIONS] + [
    mut_claim_modes,
    mut_big_minor,
    mut_model_size,
    mut_unit_modes,
    mut_unit_modes,
    mut_field_digits,
]


# ---------------------------------------------------------------------------- the tests

FUZZ = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def check_model_file(case: Case, options, case_dir: Path) -> None:
    path = case_dir / "model.json"
    path.write_bytes(case.data)
    problems = rank_problems(path, case.refuse, options)
    problems += certify_problems(path, case_dir, case.refuse)
    where = f"rank {' '.join(options[0])[:60]}"
    assert not problems, f"{problems}\n  {where}\n  {case!r}"


def check_certificate_file(case: Case, case_dir: Path) -> None:
    path = case_dir / "cert.json"
    path.write_bytes(case.data)
    problems = certificate_problems(path, case.data, case.refuse, case.valid)
    assert not problems, f"{problems}\n  {case!r}"


def test_seeds_are_valid(case_dir):
    """Every seed, unchanged, is accepted: the fuzzer starts from valid files. (``rank``
    may refuse T = 70 modes: it builds grids whole only up to 64 modes, limits table.)"""
    for name, seed in model_seeds():
        path = case_dir / "seed.json"
        path.write_text(json.dumps(seed), encoding="utf-8")
        argv = ["rank", str(path), "--partition", "odd-even"]
        code, _, _, problems = run("rank", exactrank_main, argv)
        allowed = (0, 2) if name == "rnn sum M=1 T=70" else (0,)
        assert problems == [] and code in allowed, name
    for name, cert in certificate_seeds():
        path = case_dir / "seed.json"
        path.write_text(json.dumps(cert), encoding="utf-8")
        assert checker_codes(path) == ((0, 0), []), name


@settings(FUZZ, max_examples=150)
@given(case=mutated_text(model_seeds), options=st.sampled_from(RANK_OPTIONS))
def test_mutated_model_files(case, options, case_dir):
    check_model_file(case, options, case_dir)


@settings(FUZZ, max_examples=250)
@given(case=mutated_text(certificate_seeds, CERT_MUTATIONS * 2, "field", [mut_unit_modes]))
def test_mutated_certificates(case, case_dir):
    check_certificate_file(case, case_dir)


@pytest.mark.slow
@settings(FUZZ, max_examples=10_000)
@given(case=mutated_text(model_seeds), options=st.sampled_from(RANK_OPTIONS))
def test_mutated_model_files_many(case, options, case_dir):
    check_model_file(case, options, case_dir)


@pytest.mark.slow
@settings(FUZZ, max_examples=10_000)
@given(case=mutated_text(certificate_seeds, CERT_MUTATIONS * 2, "field", [mut_unit_modes]))
def test_mutated_certificates_many(case, case_dir):
    check_certificate_file(case, case_dir)
