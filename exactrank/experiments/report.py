"""How a run reports: a progress bar on stderr (tqdm) and the summary the command line prints
(the PNGs: :mod:`.rnn_plots`, :mod:`.conv_plots`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .registry import get_experiment


class Progress:
    """tqdm's bar ``fig3: 37%|███▋      | 740/2000 [02:01<03:27, 6.1 task/s, R=4]`` on stderr,
    with its rate and time left; in a Jupyter notebook (``tqdm.autonotebook``) a widget.

    Shown only when ``enabled`` and stderr is a terminal or a notebook: a pipe, a log file
    or ``--quiet`` get nothing. ``initial``: tasks already done (a resumed run).
    """

    def __init__(self, name: str, total: int, enabled: bool = True, initial: int = 0, stream=None):
        from tqdm.autonotebook import tqdm as auto_bar  # a widget in a Jupyter kernel
        from tqdm.std import tqdm as text_bar

        stream = sys.stderr if stream is None else stream
        notebook = auto_bar is not text_bar
        tty = bool(getattr(stream, "isatty", lambda: False)())
        options = {"total": total, "initial": initial, "desc": name, "unit": "task"}
        on = enabled and (tty or notebook)
        try:
            self.bar = (auto_bar if notebook else text_bar)(
                **options, file=stream, disable=not on, dynamic_ncols=True
            )
        except ImportError:  # a notebook without ipywidgets: the text bar
            self.bar = text_bar(**options, file=stream, disable=not on, dynamic_ncols=True)

    def update(self, label: str = "") -> None:
        """One more task done; ``label`` (``R=4``) shown after the rate."""
        if label:
            self.bar.set_postfix_str(label, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def print_summary(document: dict, out: str) -> None:
    """What ``exactrank experiment`` prints after a run: its summary on stdout, the files
    written on stderr."""
    experiment = get_experiment(document["experiment"])
    run = document["run"]
    jobs = run["jobs"]
    where = (f"{jobs} jobs" if jobs > 1 else "1 job") if jobs else run["backend"]
    print(f"{document['experiment']}: {document['title']}")
    print(
        f"{document['parameters']['samples']} samples per {experiment.group_key}, "
        f"{run['seconds']:.0f} s on {where}"
        + (f" ({run['resumed']} tasks from the records file)" if run["resumed"] else "")
    )
    for line in experiment.describe(document):
        print(line)
    print_failed(document)
    for key in ("json", "png", "records"):
        if key in document["files"]:
            print(f"wrote {Path(out) / document['files'][key]}", file=sys.stderr)


def print_shard(document: dict, out: str) -> None:
    """What ``exactrank experiment --shard K/N`` prints after its shard."""
    k, n = document["shard"]
    done = len(document["samples"]) + len(document["failed"])
    print(f"{document['experiment']}: shard {k}/{n}, {done} tasks")
    print_failed(document)
    print(
        f"wrote {Path(out) / document['files']['records']}; when every shard is done: "
        "exactrank experiment merge DIR...",
        file=sys.stderr,
    )


def print_failed(document: dict) -> None:
    """How many tasks failed and the first error (every error is in the JSON)."""
    failed = document["failed"]
    if failed:
        first = failed[0]
        print(
            f"FAILED: {len(failed)} tasks raised; the first (group {json.dumps(first['group'])}, "
            f"index {first['index']}): {first['error']}"
        )
        print("their errors are under 'failed' in the JSON; --resume runs them again")
