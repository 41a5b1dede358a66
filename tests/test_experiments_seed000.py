"""Seed 000 rank tables as experiments: exactrank.experiments.conv_tables (theorem8,
theorem10, claim12).

Every recorded rank is recomputed here from the drawn weights by tests/oracles.py (Fraction
evaluation of the network on every sequence, elimination mod p or over Fractions, no
exactrank arithmetic); min-cuts by brute force over the cuts of a tensor network built here
from the tree; known generic ranks from a hand-derived table; the CLI's errors exit 2 with
one line.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from oracles import (
    grid,
    hierarchical_score,
    matricize_ref,
    overlapping_score,
    rank_fraction,
    rank_mod_p_ref,
)

import exactrank as er
from exactrank.experiments import (
    conv_tables,
    get_experiment,
    min_cut_table,
    overlap_table,
    run_experiment,
    sample_seed,
)
from exactrank.experiments.registry import merge_parameters
from exactrank.geometry.tn import powers_of_one_integer

ROOT = Path(__file__).resolve().parents[1]
P = 2**61 - 1
# the trees as the docstring defines them, written out (not computed by exactrank.geometry.trees)
TREES = {
    ("contiguous", 4): ((0, 1), (2, 3)),
    ("mirror", 4): ((0, 3), (1, 2)),
    ("mirror-first", 4): ((0, 3), (1, 2)),
    ("contiguous", 8): (((0, 1), (2, 3)), ((4, 5), (6, 7))),
    ("mirror", 8): (((0, 7), (3, 4)), ((1, 6), (2, 5))),
    ("mirror-first", 8): (((0, 7), (1, 6)), ((2, 5), (3, 4))),
    ("windows-of-3", 6): ((0, 1, 2), (3, 4, 5)),
    ("padded", 6): (((0, 1), (2,)), ((3, 4), (5,))),
}


def _nested(A):
    return [_nested(a) for a in A] if isinstance(A, np.ndarray | list | tuple) else A


def _rows(key: str) -> list[int]:
    assert key.startswith("rows=")
    return [int(m) for m in key[5:].split(",")]


def _hierarchical_grid(model, tree) -> dict:
    weights = [[_nested(w) for w in level] for level in model.weights]
    output = _nested(model.output)
    return grid(
        lambda seq: hierarchical_score(tree, weights, output, None, "identity", "product", seq),
        model.M,
        model.N,
    )


def _oracle_rank(tensor: dict, M: int, N: int, rows, field: str) -> int:
    cols = [m for m in range(N) if m not in rows]
    matrix = matricize_ref(tensor, [M] * N, list(rows), cols)
    return rank_fraction(matrix) if field == "QQ" else rank_mod_p_ref(matrix, int(field[3:-1]))


def _strip(records):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in records]


# ---------------------------------------------------------------------------- theorem8

# generic ranks of the balanced partitions of N = 4, M = r = 2, derived by hand: a window
# meeting both I and J contributes min(r_0, M) = 2; a partition splitting the tree at the root
# has rank <= r_1 = 2
GENERIC_N4 = {
    "contiguous": {"rows=0,1": 2, "rows=0,2": 4, "rows=0,3": 4},
    "mirror": {"rows=0,1": 4, "rows=0,2": 4, "rows=0,3": 2},
    "mirror-first": {"rows=0,1": 4, "rows=0,2": 4, "rows=0,3": 2},
}


@pytest.mark.parametrize(
    "params,samples",
    [
        ({"N": 4, "M": 2, "r": 2}, 2),
        ({"N": 4, "M": 2, "r": 2, "field": "QQ"}, 1),
        ({"N": 8, "M": 2, "r": [2, 2, 1], "trees": "contiguous,mirror"}, 1),
    ],
)
def test_theorem8_ranks_match_the_oracle(params, samples):
    doc = run_experiment("theorem8", samples, jobs=1, seed=4, progress=False, params=params)
    full = doc["parameters"]
    N, M, field = full["N"], full["M"], full["field"]
    assert len(doc["samples"]) == samples * len(full["trees"])
    for record in doc["samples"]:
        assert record["sample_seed"] == sample_seed("theorem8", record["tree"], record["index"], 4)
        tree = TREES[record["tree"], N]
        model = er.random_hierarchical(tree, M, full["r"], field=field, seed=record["sample_seed"])
        tensor = _hierarchical_grid(model, tree)
        assert len(record["ranks"]) == math.comb(N - 1, N // 2 - 1)  # balanced, 0 ∈ I
        for key, value in record["ranks"].items():
            assert 0 in _rows(key) and len(_rows(key)) == N // 2
            assert value == _oracle_rank(tensor, M, N, _rows(key), field), key
    summary = doc["summary"]
    for entry in summary["by_tree"]:  # the trees the experiment used are the ones above
        assert json.loads(json.dumps(entry["structure"])) == _nested(TREES[entry["tree"], N])
    assert summary["outside_bounds"] == []
    for entry in summary["partitions"]:
        for name, cell in entry["by_tree"].items():
            values = [r["ranks"][entry["partition"]] for r in doc["samples"] if r["tree"] == name]
            assert (cell["rank_max"], cell["rank_min"]) == (max(values), min(values))
            assert cell["lower"] <= cell["rank_max"] <= cell["upper"] <= cell["paper_upper"]
    if N == 4 and full["r"] == [2, 2]:
        for entry in summary["partitions"]:
            for name, cell in entry["by_tree"].items():
                assert cell["rank_max"] == GENERIC_N4[name][entry["partition"]]
        assert summary["top_rank"] == 4
        counts = {t["tree"]: t["top_rank_partitions"] for t in summary["by_tree"]}
        assert counts == {"contiguous": 2, "mirror": 2, "mirror-first": 2}


def test_theorem8_paper_sizes_favor_the_right_partitions():
    """Corollary 9 at N = 8, M = r = 3 (the defaults): contiguous windows give odd-even the
    top rank 3^4 and left-right at most r_(L-1) = 3; mirror windows give left-right 3^4."""
    doc = run_experiment("theorem8", 1, jobs=1, progress=False)
    by_tree = {t["tree"]: t for t in doc["summary"]["by_tree"]}
    assert doc["summary"]["top_rank"] == 81 and doc["summary"]["partitions_count"] == 35
    assert by_tree["contiguous"]["odd_even_rank"] == 81
    assert by_tree["contiguous"]["left_right_rank"] <= 3
    assert by_tree["mirror"]["left_right_rank"] == 81
    assert by_tree["mirror-first"]["left_right_rank"] == 81
    assert doc["summary"]["outside_bounds"] == []


# ---------------------------------------------------------------------------- theorem10


def _switched_off(model):
    """Seed 000 §6, Proposition (i), written out: kernel positions k outside [o, o + S) get
    weight 0 and bias 1 (o = (R − S) // 2)."""
    weights, biases = [], []
    for W, S in zip(model.weights, model.strides, strict=True):
        R = W.shape[0]
        o = (R - S) // 2
        inside = [o <= k < o + S for k in range(R)]
        W = _nested(W)
        C = len(W[0]) if model.ndim == 1 else len(W[0][0])
        D = len(W[0][0]) if model.ndim == 1 else len(W[0][0][0])
        if model.ndim == 1:
            w = [W[k] if inside[k] else [[0] * D for _ in range(C)] for k in range(R)]
            b = [[0] * C if inside[k] else [1] * C for k in range(R)]
        else:
            w = [
                [
                    W[u][v] if inside[u] and inside[v] else [[0] * D for _ in range(C)]
                    for v in range(R)
                ]
                for u in range(R)
            ]
            b = [
                [[0] * C if inside[u] and inside[v] else [1] * C for v in range(R)]
                for u in range(R)
            ]
        weights.append(w)
        biases.append(b)
    return weights, biases


def _overlapping_grid(model, weights, biases) -> dict:
    output = _nested(model.output)
    return grid(
        lambda seq: overlapping_score(
            model.shape, model.strides, weights, output, None, biases, seq
        ),
        model.M,
        model.N,
    )


def _halves(shape):
    """left-right (and top-bottom) rows, written out: pixel (h, w) is mode h·W + w."""
    if len(shape) == 1:
        return {"left-right": list(range(shape[0] // 2))}
    H, W = shape
    return {
        "left-right": [h * W + w for h in range(H) for w in range(W // 2)],
        "top-bottom": list(range(H // 2 * W)),
    }


def test_theorem10_ranks_match_the_oracle():
    params = {"shapes": [[8], "2x2"], "receptive_fields": [4, 2, 3]}
    doc = run_experiment("theorem10", 1, jobs=1, seed=2, progress=False, params=params)
    full = doc["parameters"]
    assert full["shapes"] == [[8], [2, 2]] and full["receptive_fields"] == [2, 3, 4]
    M, C = full["M"], full["C"]
    for record in doc["samples"]:
        R = record["R"]
        for shape in full["shapes"]:
            model = overlap_table.overlapping_network(full, shape, R, record["sample_seed"])
            assert model.receptive_fields == (R,) * model.L and model.widths == (C,) * model.L
            N = math.prod(shape)
            tensor = _overlapping_grid(model, [_nested(w) for w in model.weights], None)
            flat = _overlapping_grid(model, *_switched_off(model))
            label = "1D N=8" if len(shape) == 1 else "2D 2x2"
            for name, rows in _halves(shape).items():
                (entry,) = [
                    n for n in record["networks"] if (n["network"], n["partition"]) == (label, name)
                ]
                assert entry["rank"] == _oracle_rank(tensor, M, N, rows, full["field"])
                off = _oracle_rank(flat, M, N, rows, full["field"])
                assert entry["rank_without_overlaps"] == off <= C  # the baseline's bound
                if full["S"] == R:  # no overlaps: the same network
                    assert entry["rank"] == off
    for series in doc["summary"]["series"]:
        assert series["baseline_bound"] == C and series["without_overlaps_within_bound"]
        ranks = [g["rank_max"] for g in series["by_R"]]
        assert series["nondecreasing_in_R"] == (ranks == sorted(ranks))
        assert all(g["rank_max"] <= series["ceiling"] for g in series["by_R"])
    (line,) = [s for s in doc["summary"]["series"] if s["network"] == "1D N=8"]
    assert [g["rank_max"] for g in line["by_R"]] == [2, 4, 12]  # measured by the proof check
    assert [g["total_receptive_fields"] for g in line["by_R"]][1] == [3, 7, 15]


# ---------------------------------------------------------------------------- claim12


def _brute_force_min_cut(tree, M: int, widths, rows) -> int:
    """min over cuts of the TN of fig. 6 (built here from the tree) of the product of the
    bonds cut: an input leg (bond M) crossing, or a δ tensor (bond r_{h−1} at a window of
    height h) whose legs — its children's convs and its own conv, the output at the root —
    lie on both sides (a hyperedge: counted once). Every conv node is tried on both sides."""
    convs, deltas = [], []

    def walk(node) -> int:
        convs.append(node)
        if isinstance(node, int):
            return 0
        height = 1 + max(walk(child) for child in node)
        deltas.append((widths[height - 1], [node, *node]))
        return height

    walk(tree)
    best = None
    for sides in itertools.product((True, False), repeat=len(convs)):
        side = dict(zip(convs, sides, strict=True))
        cost = M ** sum(side[j] != (j in rows) for j in convs if isinstance(j, int))
        for bond, legs in deltas:
            if len({side[leg] for leg in legs}) == 2:
                cost *= bond
        best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("field", [f"GF({P})", "QQ"])
def test_claim12_ranks_and_min_cuts_match_the_oracles(field):
    instances = [["contiguous/4", 2, [2, 2]], ["windows-of-3/6", 3, [5, 2]]]
    if field == "QQ":
        instances = [["mirror-first/4", 2, [3, 2]]]
    params = {"instances": instances, "field": field}
    doc = run_experiment("claim12", 2, jobs=1, seed=1, progress=False, params=params)
    cuts = {}
    for record in doc["samples"]:
        tree_name, M, widths = min_cut_table._instances(doc["parameters"])[record["instance"]]
        kind, N = tree_name.split("/")
        tree = TREES[kind, int(N)]
        model = er.random_hierarchical(tree, M, widths, field=field, seed=record["sample_seed"])
        tensor = _hierarchical_grid(model, tree)
        assert len(record["rank"]) == 2 ** (model.N - 1) - 1  # every partition, up to complement
        for key, value in record["rank"].items():
            rows = _rows(key)
            assert value == _oracle_rank(tensor, M, model.N, rows, field), key
            cut = cuts.setdefault(
                (record["instance"], key), _brute_force_min_cut(tree, M, widths, rows)
            )
            assert record["min_cut"][key] == cut >= value
            assert (key in record["cuts"]) == (value < cut)
    summary = doc["summary"]
    assert summary["violations"] == []
    listed = {(d["instance"], d["partition"]) for d in summary["disagreements"]}
    short = {
        (label, key)
        for (label, key), cut in cuts.items()
        if max(r["rank"][key] for r in doc["samples"] if r["instance"] == label) < cut
    }
    assert listed == short
    covered = {i["instance"]: i["powers_of_one_integer"] for i in summary["by_instance"]}
    for group, flag in (("powers_of_one_integer", True), ("other", False)):
        pairs = [k for k in cuts if covered[k[0]] == flag]
        assert summary["totals"][group]["pairs"] == len(pairs)
        assert summary["totals"][group]["disagree"] == sum(k in short for k in pairs)
    assert sum(p["count"] for p in summary["scatter"]) == len(cuts)
    if field != "QQ":
        # footnote 10's exception (proofs/seed000_claim_12.py): rank 14 < min-cut 15
        assert covered == {"contiguous/4 M=2 r=2,2": True, "windows-of-3/6 M=3 r=5,2": False}
        assert short and {(d["rank"], d["min_cut"]) for d in summary["disagreements"]} == {(14, 15)}
        assert all("δ" in d["cut"] for d in summary["disagreements"])


def test_summaries_of_hand_made_records():
    """Draws that differ, a rank above a proven bound, a disagreement: each is reported."""
    params = merge_parameters(get_experiment("theorem8"), {"N": 4, "M": 2, "r": 2})
    params["trees"] = ["contiguous"]
    ranks = [{"rows=0,1": 2, "rows=0,2": 3, "rows=0,3": 4}, {"rows=0,1": 5, "rows=0,2": 4}]
    ranks[1]["rows=0,3"] = 1
    records = [{"tree": "contiguous", "ranks": r} for r in ranks]
    summary = conv_tables.summarize_theorem8(params, records)
    cells = {e["partition"]: e["by_tree"]["contiguous"] for e in summary["partitions"]}
    assert [(c["rank_min"], c["rank_max"]) for c in cells.values()] == [(2, 5), (3, 4), (1, 4)]
    (outside,) = summary["outside_bounds"]  # 5 > upper = 2 for the left-right partition
    assert (outside["partition"], outside["rank_max"], outside["upper"]) == ("rows=0,1", 5, 2)
    (tree,) = summary["by_tree"]
    assert (tree["top_rank_partitions"], tree["lowest_rank"], tree["left_right_rank"]) == (2, 4, 5)

    params = merge_parameters(
        get_experiment("claim12"), {"instances": [["contiguous/4", 2, [3, 2]]]}
    )
    cut = {"rows=0": 2, "rows=0,1": 2, "rows=0,2": 4}
    records = [
        {"instance": "contiguous/4 M=2 r=3,2", "min_cut": cut, "rank": rank, "cuts": short}
        for rank, short in [
            ({"rows=0": 3, "rows=0,1": 1, "rows=0,2": 3}, {"rows=0,1": "a", "rows=0,2": "b"}),
            ({"rows=0": 2, "rows=0,1": 1, "rows=0,2": 4}, {"rows=0,1": "a"}),
        ]
    ]
    summary = min_cut_table.summarize_claim12(params, records)
    assert [(v["partition"], v["rank"]) for v in summary["violations"]] == [("rows=0", 3)]
    (d,) = summary["disagreements"]
    assert (d["partition"], d["rank"], d["ranks_by_draw"], d["cut"]) == ("rows=0,1", 1, [1, 1], "a")
    other = summary["totals"]["other"]  # 3 is not a power of 2
    assert other == {"instances": 1, "pairs": 3, "agree": 1, "disagree": 1}


POWERS = [
    ([2, 4, 8], True),
    ([3, 9, 1], True),
    ([1, 1], True),
    ([16, 64, 2], True),
    ([6, 36], True),
    ([4, 8], True),
    ([2, 3], False),
    ([4, 6], False),
    ([8, 9], False),
    ([3, 5, 2], False),
]


@pytest.mark.parametrize("numbers,expected", POWERS)
def test_powers_of_one_integer_table(numbers, expected):
    assert powers_of_one_integer(numbers) is expected


# ---------------------------------------------------------------------------- runs, files

TINY = {
    "theorem8": {"N": 4, "M": 2, "r": 2},
    "theorem10": {"shapes": [8], "receptive_fields": [2, 3]},
    "claim12": {"instances": [["contiguous/4", 2, [2, 2]], ["mirror/4", 3, [2, 3]]]},
    "theorem13": {"M": 2, "r": 2, "pairs": ["2,1,4/first", "4,2,1/none"]},
}


@pytest.mark.parametrize("name", list(TINY))
def test_results_do_not_depend_on_the_number_of_jobs(name):
    one = run_experiment(name, 2, jobs=1, seed=3, progress=False, params=TINY[name])
    two = run_experiment(name, 2, jobs=2, seed=3, progress=False, params=TINY[name])
    assert _strip(one["samples"]) == _strip(two["samples"])
    assert one["summary"] == two["summary"]


def test_registered_next_to_the_seed_001_figures():
    names = [e["name"] for e in er.list_experiments()]
    assert names[:3] == ["fig3", "fig4", "fig5"]
    assert {"theorem8", "theorem10", "claim12"} <= set(names)
    for name in TINY:
        experiment = get_experiment(name)
        assert experiment.quick_samples < experiment.samples
        assert "seed 000" in experiment.source


@pytest.mark.parametrize(
    "name,params,message",
    [
        ("theorem8", {"N": 6}, "power of 2"),
        ("theorem8", {"N": 16, "M": 3}, "the grid has 3\\^16 entries"),
        ("theorem8", {"r": [3, 3]}, "L = 3"),
        ("theorem8", {"r": 65}, "at most 64"),
        ("theorem8", {"trees": ["oak"]}, "unknown 'oak'"),
        ("theorem8", {"trees": []}, "non-empty"),
        ("theorem8", {"field": "GF(101)"}, "too small"),
        ("theorem8", {"field": "float"}, "exact"),
        ("theorem8", {"field": "GF(2147483648)"}, "not prime"),
        ("theorem10", {"receptive_fields": [1, 2]}, "receptive_fields: expected an integer >= 2"),
        ("theorem10", {"receptive_fields": [2, 2]}, "repeat"),
        ("theorem10", {"shapes": [[6]]}, "S\\^L"),
        ("theorem10", {"shapes": [[4, 8]]}, "H = W"),
        ("theorem10", {"shapes": ["4y4"]}, "shapes"),
        ("theorem10", {"shapes": [[16], [16]]}, "repeat"),
        ("theorem10", {"S": 1}, "parameter S"),
        ("claim12", {"instances": [["oak/4", 2, [2, 2]]]}, "unknown tree 'oak/4'"),
        ("claim12", {"instances": [["mirror/6", 2, [2, 2]]]}, "unknown tree"),
        ("claim12", {"instances": [["contiguous/4", 2, [2, 2, 2]]]}, "L = 2"),
        ("claim12", {"instances": [["contiguous/4", 2]]}, "\\[tree, M, widths\\]"),
        ("claim12", {"instances": [["contiguous/4", 2, 2]] * 2}, "repeat"),
        ("claim12", {"partitions": "some"}, "'all' or 'balanced'"),
        ("theorem13", {"pairs": ["1,2,3/shared"]}, "permutation of \\[1, 2, 4\\]"),
        ("theorem13", {"pairs": ["2,1,4/all"]}, "MIXTURE one of shared, first, none"),
        ("theorem13", {"pairs": ["2,1,4/first"] * 2}, "repeat"),
        ("theorem13", {"pairs": []}, "non-empty"),
        ("theorem13", {"L": 5}, "at most 4"),
        ("theorem13", {"r": 0}, "parameter r"),
    ],
)
def test_bad_parameters_name_what_was_expected(name, params, message):
    with pytest.raises(er.InvalidInputError, match=message):
        merge_parameters(get_experiment(name), params)


def cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "exactrank", "experiment", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(params: dict) -> list[str]:
    return [arg for key, value in params.items() for arg in ("--set", f"{key}={json.dumps(value)}")]


@pytest.mark.parametrize("name", list(TINY))
def test_cli_writes_json_and_png(name, tmp_path):
    proc = cli(
        name, "--samples", 1, "--jobs", 1, *_settings(TINY[name]), "--out", tmp_path, "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    doc = json.loads(proc.stdout)
    assert sorted(os.listdir(tmp_path)) == [f"{name}.json", f"{name}.png"]
    assert json.loads((tmp_path / f"{name}.json").read_text()) == doc
    assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert doc["experiment"] == name and doc["parameters"]["samples"] == 1
    assert all(record["exact"] for record in doc["samples"])
    assert doc["notes"] and doc["software"]["python-flint"]


@pytest.mark.parametrize(
    "args,substring",
    [
        (["theorem8", "--set", "N=6"], "power of 2"),
        (["theorem10", "--set", "receptive_fields=1,2"], "receptive_fields"),
        (["claim12", "--set", 'instances=[["oak/4", 2, [2, 2]]]'], "oak/4"),
        (["theorem8", "--set", "field=GF(7)"], "field"),
    ],
)
def test_cli_bad_parameters_exit_2_with_one_line(args, substring, tmp_path):
    proc = cli(*args, "--out", tmp_path)
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert substring in line
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "name,needle",
    [
        ("theorem8", "contiguous    odd-even "),
        ("theorem10", "(overlaps off: "),
        ("claim12", "channel numbers powers of one integer: rank = min-cut on "),
        ("theorem13", "2,1,4/first    widths needed 4, 4 (both >= r^2 = 4)"),
    ],
)
def test_cli_text_summary(tmp_path, name, needle):
    proc = cli(name, *_settings(TINY[name]), "--samples", 1, "--quiet", "--out", tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{name}: ") and lines[1].startswith("1 samples per ")
    assert needle in proc.stdout
    doc = json.loads((tmp_path / f"{name}.json").read_text("utf-8"))
    if name == "theorem8":
        t = doc["summary"]["by_tree"][0]
        assert f"odd-even {t['odd_even_rank']}, left-right {t['left_right_rank']};" in proc.stdout


# ---------------------------------------------------------------------------- theorem13


def test_theorem13_ranks_and_widths_against_independent_recomputation():
    """Each recorded rank recomputed from the network run sequence by sequence (mod p) and a
    reference elimination; each needed width w checked: the bound at w reaches rho_M, at
    w - 1 it does not."""
    from exactrank.experiments import mixture_table
    from exactrank.geometry.trees import rank_bounds

    params = {**TINY["theorem13"], "pairs": ["2,1,4/first"]}
    doc = run_experiment("theorem13", 1, jobs=1, seed=5, progress=False, params=params)
    (record,) = doc["samples"]
    p = 2**61 - 1
    first, second, nodes = mixture_table._trees(doc["parameters"], record["pair"])
    assert nodes == [(0, 1, 2, 3)]
    model = er.random_mixed(
        first, second, 2, 2, mixture=nodes, field=f"GF({p})", seed=record["sample_seed"]
    )
    grids = [
        grid(lambda seq, net=net: er.score(net, seq, f"GF({p})"), 2, 8)
        for net in (model.first, model.second, model)
    ]
    (summary,) = doc["summary"]["pairs"]
    for row, (key, ranks) in zip(summary["partitions"], record["ranks"].items(), strict=True):
        rows = tuple(int(m) for m in key.split("=")[1].split(","))
        cols = tuple(m for m in range(8) if m not in rows)
        expected = [rank_mod_p_ref(matricize_ref(g, (2,) * 8, rows, cols), p) for g in grids]
        assert ranks == expected == row["ranks"]
        for tree, w in zip((first, second), row["needed_widths"], strict=True):
            assert rank_bounds(tree, (rows, cols), 2, w).upper >= ranks[2]
            assert w == 1 or rank_bounds(tree, (rows, cols), 2, w - 1).upper < ranks[2]
    assert summary["needed_width"] == [4, 4] and summary["quadratic"] == [True, True]
