"""The command line: ``exactrank rank MODEL.json --partition P [--field F] [--json]``.

Usage errors and bad input exit 2 with one line on stderr and no traceback; ``--json``
prints one JSON document on stdout, and prose goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import __version__
from .errors import ExactRankError
from .grid import grid_tensor
from .modelfile import load_model
from .partitions import matricize, parse_partition
from .rank import rank


class UsageError(Exception):
    """A command-line usage error (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="exactrank", description="Exact ranks of the grid tensors of networks.")
    parser.add_argument("--version", action="version", version=f"exactrank {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    p = commands.add_parser("rank", help="rank of a matricization of a model's grid tensor")
    p.add_argument("model", metavar="MODEL.json")
    p.add_argument(
        "--partition", required=True, help="odd-even, left-right, or rows=0,2,5 (0-based modes)"
    )
    p.add_argument("--field", default="QQ", help="QQ (default), GF(p) or float")
    p.add_argument(
        "--prove",
        default="exact",
        choices=("exact", "lower", "monte-carlo"),
        help="over QQ: prove both bounds (default), only the lower one, or Monte-Carlo",
    )
    p.add_argument("--tol", type=float, default=None, help="float field: singular value cut-off")
    p.add_argument("--seed", type=int, default=None, help="seed of the random primes")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=_run_rank)
    return parser


def _run_rank(args) -> int:
    model = load_model(args.model)
    partition = parse_partition(args.partition, model.T)
    grid = grid_tensor(model, args.field)
    matrix = matricize(grid, partition)
    result = rank(matrix, grid.field, prove=args.prove, tol=args.tol, seed=args.seed)
    report = {
        "model": args.model,
        "rank": result.rank,
        "exact": result.exact,
        "field": result.field,
        "row_modes": list(partition.row_modes),
        "col_modes": list(partition.col_modes),
        **{k: v for k, v in result.to_dict().items() if k not in ("rank", "exact", "field")},
        "grid_storage": grid.storage,
    }
    if args.json:
        print(json.dumps(report))
    else:
        status = (
            "exact"
            if result.exact
            else f"NOT exact (proven: {result.lower} <= rank <= {result.upper})"
        )
        if result.field == "float":
            status = f"NOT exact (float64 SVD, tolerance {result.tolerance:.3g})"
        print(f"rank {result.rank} over {result.field}, {status}")
        print(
            f"matrix {result.shape[0]} x {result.shape[1]}: rows = modes {report['row_modes']}, "
            f"columns = modes {report['col_modes']}"
        )
        print(f"method: {result.method}")
    return 0


def main(argv=None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
        return args.run(args)
    except UsageError as exc:
        print(f"exactrank: usage error: {exc} (see exactrank --help)", file=sys.stderr)
    except ExactRankError as exc:
        print(f"exactrank: error: {exc}", file=sys.stderr)
    except MemoryError:
        print(
            "exactrank: error: out of memory (the grid tensor is too large to build)",
            file=sys.stderr,
        )
    return 2


def main_exit() -> None:
    """Console-script entry point: exit with :func:`main`'s code."""
    sys.exit(main())
