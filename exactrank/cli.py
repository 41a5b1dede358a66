"""The command line: ``exactrank rank | certify | verify | check | experiment`` (see the README).

Usage errors and bad input exit 2 with one line on stderr and no traceback; ``--json``
prints one JSON document on stdout, and prose goes to stderr. ``-`` as a file read (MODEL.json,
CERT.json) is stdin, as a file written (``certify -o``) stdout; files are read and written by
the rules of :mod:`exactrank.io.files`. Ctrl-C exits 130 with one line, a closed stdout (``|
head``) ends the command quietly with 0; ``verify`` exits 3 when it could not check (out of
memory), never 1.

It implements no paper result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .certificates import certify, load_certificate, save_certificate, verify_certificate
from .checks import check_table, theorems
from .checks.check_tasks import run_checks
from .errors import ExactRankError, InvalidInputError, ResourceError
from .experiments import list_experiments, merge_runs, run_experiment
from .experiments.report import print_shard, print_summary
from .experiments.runner import TasksFailed
from .io.files import check_output
from .io.progress import Progress
from .linalg.partitions import matricize, parse_partition
from .linalg.rank import rank
from .models.grid import grid_tensor
from .models.modelfile import load_model
from .version import __version__


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
    p.add_argument("model", metavar="MODEL.json", help="a model file (- reads stdin)")
    p.add_argument(
        "--partition",
        required=True,
        help="odd-even, left-right, rows=0,2,5 (0-based modes), top-bottom:HxW or left-right:HxW",
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

    c = commands.add_parser("certify", help="write a certificate of a rank claim")
    c.add_argument("model", metavar="MODEL.json", help="a model file (- reads stdin)")
    c.add_argument(
        "--partition",
        required=True,
        help="odd-even, left-right, rows=0,2,5, top-bottom:HxW or left-right:HxW",
    )
    c.add_argument("--field", default="QQ", help="QQ (default) or GF(p)")
    c.add_argument(
        "--claim",
        choices=("ge", "le", "eq"),
        default=None,
        help="default: the strongest claim provable (eq when the grid can be built)",
    )
    c.add_argument("--r", type=int, default=None, help="the rank claimed")
    c.add_argument("--rows", type=_indices, default=None, help="a ge minor's rows: 0,5,7")
    c.add_argument("--cols", type=_indices, default=None, help="a ge minor's columns: 1,2,3")
    c.add_argument("--seed", type=int, default=None, help="seed of the random primes")
    c.add_argument("--theorem", default=None, help="recorded in the provenance")
    c.add_argument(
        "-o", "--output", required=True, metavar="CERT.json", help="the certificate (- is stdout)"
    )
    c.add_argument("--json", action="store_true", help="print a JSON summary of what was written")
    c.set_defaults(run=_run_certify)

    k = commands.add_parser("check", help="run proof checks of the papers' results (proofs/)")
    k.add_argument("names", nargs="*", metavar="NAME", help="default: every check")
    k.add_argument("--full", action="store_true", help="run the large instances too")
    k.add_argument("--json", action="store_true", help="print one JSON object")
    k.add_argument("--certs", default=None, metavar="DIR", help="save certificates here")
    k.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print each check's claim, details, counterexample and certificates",
    )
    k.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        help="run the checks in this many processes here (default 1: this process)",
    )
    k.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the checks on the Dask cluster of this scheduler (tcp://HOST:8786; "
        "default: $DASK_SCHEDULER_ADDRESS if set and --jobs is not given)",
    )
    k.set_defaults(run=_run_check)

    v = commands.add_parser(
        "verify", help="check a certificate: exit 0 verified, 1 not, 2 bad file, 3 could not check"
    )
    v.add_argument("certificate", metavar="CERT.json", help="a certificate (- reads stdin)")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.set_defaults(run=_run_verify)

    about = (
        "run a paper's experiment (seed 001 Figures 3-5 and seed 000 tables, see --list): "
        "writes DIR/NAME.json and DIR/NAME.png; 'experiment merge DIR...' combines shards. "
        "Exit 0, or 1 when some tasks failed (counted in the summary)"
    )
    e = commands.add_parser("experiment", help=about, description=about)
    e.add_argument(
        "name", nargs="?", metavar="NAME", help="fig3, theorem8, … (see --list), or merge"
    )
    e.add_argument(
        "folders", nargs="*", metavar="DIR", help="merge: the folders of the shards' records"
    )
    e.add_argument("--list", action="store_true", help="list the experiments and exit")
    e.add_argument(
        "--samples", type=_positive, default=None, help="instances per group (per R, per tree, …)"
    )
    e.add_argument("--quick", action="store_true", help="a few instances per group (a smoke run)")
    e.add_argument("--jobs", type=_positive, default=None, help="processes (default: CPUs)")
    e.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the tasks on the Dask cluster of this scheduler (tcp://HOST:8786; "
        "default: $DASK_SCHEDULER_ADDRESS if set, else this machine)",
    )
    e.add_argument(
        "--resume",
        action="store_true",
        help="continue the run whose DIR/NAME.records.jsonl is there: only missing or failed tasks",
    )
    e.add_argument(
        "--shard",
        default=None,
        metavar="K/N",
        help="run the K-th of every N tasks (1 <= K <= N) into DIR/NAME.shard-K-of-N.records.jsonl",
    )
    e.add_argument("--seed", type=_natural, default=0, help="base seed of every instance")
    e.add_argument(
        "--out",
        default=".",
        metavar="DIR",
        help="folder of NAME.json, NAME.png and the records (created if missing)",
    )
    e.add_argument(
        "--set",
        action="append",
        default=[],
        type=_setting,
        metavar="KEY=VALUE",
        help="override a parameter: M=3, ranks=1,2, shared=false, prove=exact",
    )
    e.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    e.add_argument("--json", action="store_true", help="print the result document on stdout")
    e.set_defaults(run=_run_experiment)
    return parser


def _positive(text: str) -> int:
    return _integer_at_least(text, 1)


def _natural(text: str) -> int:
    return _integer_at_least(text, 0)


def _integer_at_least(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {text!r}")
    return value


def _setting(text: str) -> tuple[str, object]:
    """KEY=VALUE with VALUE read as JSON (3, true, null, [1, 2]), a comma list of
    integers (1,2,4) or else a string (exact)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE such as M=3, got {text!r}")
    raw = raw.strip()
    try:
        value = json.loads(raw)
    except ValueError:
        parts = raw.split(",")
        if not all(v.strip().lstrip("-").isdigit() for v in parts):
            return key.strip(), raw
        try:
            value = [int(v) for v in parts]
        except ValueError:  # past Python's limit of 4300 digits
            raise argparse.ArgumentTypeError(
                f"{key.strip()}: an integer of {max(map(len, parts))} digits is too large"
            ) from None
    return key.strip(), value


def _indices(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated indices such as 0,5,7, got {text!r}"
        ) from None


def _run_rank(args) -> int:
    model = load_model(args.model)
    partition = parse_partition(args.partition, model.T)
    with Progress("rank") as progress:
        progress.stage(f"building the grid tensor ({model.M}^{model.T} entries)")
        grid = grid_tensor(model, args.field)
        matrix = matricize(grid, partition)
        progress.stage(f"the rank of the {matrix.shape[0]} x {matrix.shape[1]} matrix")
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


def _run_certify(args) -> int:
    if args.json and args.output == "-":
        raise UsageError(
            "certify: -o - and --json would both print on stdout; "
            "give -o a file name or drop --json"
        )
    check_output(args.output)  # before the work: a path that cannot be written is refused now
    model = load_model(args.model)
    with Progress("certify") as progress:
        progress.stage("evaluating the grid, proving the claim and checking the certificate")
        cert = certify(
            model,
            args.partition,
            args.field,
            claim=args.claim,
            r=args.r,
            rows=args.rows,
            cols=args.cols,
            seed=args.seed,
            theorem=args.theorem,
        )
    save_certificate(cert, args.output)
    claim = cert["claim"]
    if args.json:
        print(
            json.dumps(
                {"certificate": args.output, "claim": claim, "witness": list(cert["witness"])}
            )
        )
    else:
        where = "the certificate to stdout" if args.output == "-" else args.output
        print(
            f"wrote {where}: rank {claim['kind']} {claim['r']} over {claim['field']}",
            file=sys.stderr,
        )
    return 0


def _run_check(args) -> int:
    names = args.names or list(theorems.available())
    if not names:
        raise ExactRankError(
            f"no proof checks found in {theorems.PROOFS}: they ship with a checkout of the "
            "repository (install it with pip install -e .)"
        )
    theorems.require(names)  # an unknown name is refused before anything runs
    scheduler = _scheduler("check", args)
    if args.certs is not None:  # refused here, in one line, before any check runs
        if not args.certs or (os.path.exists(args.certs) and not os.path.isdir(args.certs)):
            raise InvalidInputError(f"--certs {args.certs!r}: expected a folder to save into")
        os.makedirs(args.certs, exist_ok=True)
    results = []
    if not args.json:
        print(check_table.HEADER, flush=True)
    finished = run_checks(
        names, full=args.full, certs=args.certs, jobs=args.jobs or 1, scheduler=scheduler
    )
    for result in finished:
        results.append(result)
        if not args.json:  # each row as its check finishes
            print("\n".join(check_table.rows(result, args.verbose)), flush=True)
    results.sort(key=lambda r: names.index(r.name))
    if args.json:
        checks = [{**r.to_dict(), "counterexample": check_table.counterexample(r)} for r in results]
        print(json.dumps({"checks": checks}))
    else:
        for line in check_table.counterexample_lines(results, args.certs):
            print(line)
    return 0 if all(r.as_expected for r in results) else 1


def _scheduler(command: str, args) -> str | None:
    """The Dask scheduler to send the tasks to: --scheduler, else $DASK_SCHEDULER_ADDRESS
    unless --jobs keeps the work on this machine; None runs them here."""
    if args.scheduler is not None and args.jobs is not None:
        raise UsageError(
            f"{command}: --jobs counts this machine's processes; with --scheduler the "
            "cluster's workers run the tasks"
        )
    if args.scheduler is None and args.jobs is None:
        return os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    return args.scheduler


def _run_verify(args) -> int:
    cert = load_certificate(args.certificate)
    verdict = verify_certificate(cert)
    proven = verdict.proven
    if args.json:
        document = {"verified": verdict.verified, "reason": verdict.reason, "claim": cert["claim"]}
        print(json.dumps({**document, "proven": proven} if proven else document))
    else:
        print("s VERIFIED" if verdict else f"s NOT VERIFIED: {verdict.reason}")
        if proven:
            print(f"proven: {proven}")
    return 0 if verdict else 1


def _run_experiment(args) -> int:
    if args.list:
        experiments = list_experiments()
        if args.json:
            print(json.dumps({"experiments": experiments}))
        else:
            for e in experiments:
                print(
                    f"{e['name']:9} {e['title']}\n          {e['source']}; {e['samples']} "
                    f"samples per {e['group']} by default; parameters "
                    f"{json.dumps(e['parameters'])}"
                )
        return 0
    if args.name is None:
        names = ", ".join(e["name"] for e in list_experiments())
        raise UsageError(f"experiment: give a NAME ({names}), merge DIR..., or --list")
    if args.name == "merge":
        return _run_merge(args)
    if args.folders:
        raise UsageError(
            f"experiment {args.name}: unexpected {' '.join(args.folders)!r}; folders are "
            "given to 'experiment merge DIR...' only (the output folder is --out DIR)"
        )
    scheduler = _scheduler("experiment", args)
    try:
        document = run_experiment(
            args.name,
            args.samples,
            jobs=args.jobs,
            seed=args.seed,
            out=args.out,
            progress=not (args.quiet or args.json),
            quick=args.quick,
            params=dict(args.set),
            scheduler=scheduler,
            resume=args.resume,
            shard=args.shard,
        )
    except TasksFailed as exc:  # the exit code of failed tasks, not of bad input
        print(f"exactrank: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(document))
    elif "shard" in document:
        print_shard(document, args.out)
    else:
        print_summary(document, args.out)
    return 1 if document["failed"] else 0


def _run_merge(args) -> int:
    given = [a for a in ("samples", "jobs", "scheduler", "shard") if getattr(args, a) is not None]
    given += [a for a in ("quick", "resume") if getattr(args, a)] + (["set"] if args.set else [])
    if given:
        raise UsageError(
            f"experiment merge: --{given[0]} does not apply; merge takes the folders of the "
            "shards' records (DIR...), --out, --json, --quiet"
        )
    if not args.folders:
        raise UsageError("experiment merge: give the folders of the shards' records (DIR...)")
    try:
        documents = merge_runs(args.folders, out=args.out)
    except TasksFailed as exc:
        print(f"exactrank: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(documents[0] if len(documents) == 1 else {"merged": documents}))
    else:
        for document in documents:
            print_summary(document, args.out)
    return 1 if any(d["failed"] for d in documents) else 0


def main(argv=None) -> int:
    """Run the command line; returns the exit code."""
    command = None
    try:
        args = _parser().parse_args(argv)
        command = args.command
        code = args.run(args)
        if sys.stdout is not None:  # None: started with stdout closed (print skips it)
            sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        return code
    except BrokenPipeError:
        # stdout's reader is gone (exactrank check --json | head -1): stop quietly, with
        # stdout pointed at devnull so that the interpreter's final flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("exactrank: interrupted", file=sys.stderr)
        return 130
    except UsageError as exc:
        print(f"exactrank: usage error: {exc} (see exactrank --help)", file=sys.stderr)
    except (ResourceError, MemoryError) as exc:
        reason = str(exc) if isinstance(exc, ResourceError) else "out of memory"
        if command == "verify":  # never NOT VERIFIED: nothing was decided
            print(f"exactrank: could not check: {reason}", file=sys.stderr)
            return 3
        if isinstance(exc, MemoryError):
            reason = "out of memory (the grid tensor is too large to build)"
        print(f"exactrank: error: {reason}", file=sys.stderr)
    except ExactRankError as exc:
        print(f"exactrank: error: {exc}", file=sys.stderr)
    except OSError as exc:  # the system refused a file: no permission, disk full, …
        where = f"{exc.filename}: " if exc.filename is not None else ""
        print(f"exactrank: error: {where}{exc.strerror or exc}", file=sys.stderr)
    return 2


def main_exit() -> None:
    """Console-script entry point: exit with :func:`main`'s code."""
    sys.exit(main())
