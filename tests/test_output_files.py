"""Files read and written (exactrank.io.files, issue 10): nothing is clobbered or half-written.

Every special file here (FIFOs, symlinks standing in for device nodes, folders) is made
under pytest's tmp_path: no test touches a real /dev path (we may run as root).
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from process_cli import ROOT, one_line, run

import exactrank as er
from exactrank.errors import InvalidInputError
from exactrank.io import files

MODEL = ROOT / "examples" / "pairwise_similarity_M3_R2_T6.json"
DATA = {"format": "test", "numbers": list(range(50))}


@pytest.fixture
def umask():
    """Run with umask 027 (restored after): the files written must be 0640."""
    before = os.umask(0o027)
    yield 0o640
    os.umask(before)


class Reader:
    """A thread reading a FIFO to its end (a writer to a FIFO waits for its reader)."""

    def __init__(self, path: Path):
        self.data = None
        self.thread = threading.Thread(target=self._read, args=(path,), daemon=True)
        self.thread.start()

    def _read(self, path):
        with open(path, "rb") as handle:
            self.data = handle.read()

    def wait(self) -> bytes:
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the FIFO was never closed by its writer"
        return self.data


# ---------------------------------------------------------------------------- regular files


def test_a_new_file_gets_the_umask_mode(tmp_path, umask):
    path = tmp_path / "new.json"
    files.write_json(DATA, path)
    assert json.loads(path.read_text()) == DATA
    assert stat.S_IMODE(path.stat().st_mode) == umask
    assert os.listdir(tmp_path) == ["new.json"]


def test_a_regular_file_is_replaced_atomically_with_the_umask_mode(tmp_path, umask):
    path = tmp_path / "old.json"
    path.write_text("old")
    path.chmod(0o600)
    inode = path.stat().st_ino
    files.write_json(DATA, path)
    assert json.loads(path.read_text()) == DATA
    assert path.stat().st_ino != inode, "replaced by a rename, not rewritten in place"
    assert stat.S_IMODE(path.stat().st_mode) == umask
    assert os.listdir(tmp_path) == ["old.json"]


@pytest.mark.parametrize("save", ["model", "certificate"])
def test_saved_models_and_certificates_get_the_umask_mode(tmp_path, umask, save):
    model = er.load_model(MODEL)
    path = tmp_path / f"{save}.json"
    if save == "model":
        er.save_model(model, path)
        er.load_model(path)
    else:
        er.save_certificate(er.certify(model, "odd-even"), path)
        assert er.verify_certificate(er.load_certificate(path))
    assert stat.S_IMODE(path.stat().st_mode) == umask


def test_a_failure_inside_the_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "keep.json"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="boom"), files.output(path) as handle:
        handle.write('{"half": ')
        raise RuntimeError("boom")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["keep.json"]


def test_a_symlink_to_a_regular_file_stays_a_link_and_its_target_is_replaced(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    files.write_json(DATA, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text()) == DATA
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


def test_a_dangling_symlink_stays_and_its_target_is_created(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "target.json")
    files.write_json(DATA, link)
    assert link.is_symlink() and json.loads((tmp_path / "target.json").read_text()) == DATA


# ---------------------------------------------------------------------------- special files


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    files.write_json(DATA, fifo)
    assert json.loads(reader.wait()) == DATA
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


def test_a_symlink_to_a_device_like_node_is_written_through_and_kept(tmp_path):
    """/dev/stdout is a symlink to a device: the stand-in is a symlink to a FIFO."""
    node = tmp_path / "node"
    os.mkfifo(node)
    link = tmp_path / "stdout"
    link.symlink_to(node)
    reader = Reader(node)
    er.save_model(er.load_model(MODEL), link)
    text = reader.wait()
    assert json.loads(text)["format"] == "exactrank-model"
    assert link.is_symlink() and os.readlink(link) == str(node)
    assert stat.S_ISFIFO(os.lstat(node).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["node", "stdout"]


def test_the_certify_command_writes_through_a_symlink_to_a_fifo(tmp_path):
    node = tmp_path / "node"
    os.mkfifo(node)
    (tmp_path / "out").symlink_to(node)
    reader = Reader(node)
    proc = run("certify", MODEL, "--partition", "odd-even", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert er.verify_certificate(json.loads(reader.wait()))
    assert (tmp_path / "out").is_symlink() and stat.S_ISFIFO(os.lstat(node).st_mode)


@pytest.mark.parametrize("through_link", [False, True])
def test_a_folder_is_refused_and_left_alone(tmp_path, through_link):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "inside.txt").write_text("keep")
    path = folder
    if through_link:
        path = tmp_path / "link"
        path.symlink_to(folder)
    with pytest.raises(InvalidInputError, match="a folder, not a file") as info:
        files.write_json(DATA, path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert folder.is_dir() and os.listdir(folder) == ["inside.txt"]
    assert (folder / "inside.txt").read_text() == "keep"


@pytest.mark.parametrize("name", ["", "missing/x.json", "a-file/x.json", "folder/"])
def test_paths_that_name_no_writable_file_are_refused_in_one_line(tmp_path, name):
    (tmp_path / "a-file").write_text("keep")
    before = sorted(os.listdir(tmp_path))
    proc = run("certify", MODEL, "--partition", "odd-even", "-o", name, cwd=tmp_path)
    line = one_line(proc)
    assert line.startswith("exactrank: error: ") and repr(name)[1:-1] in line
    assert sorted(os.listdir(tmp_path)) == before
    assert (tmp_path / "a-file").read_text() == "keep"


def test_a_missing_folder_is_named(tmp_path):
    line = one_line(
        run("certify", MODEL, "--partition", "odd-even", "-o", "DIR/missing/x.json", cwd=tmp_path)
    )
    assert "the folder DIR/missing does not exist" in line
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------- stdin, stdout


def test_dash_is_stdout_for_outputs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files.write_json(DATA, "-")
    assert json.loads(capsys.readouterr().out) == DATA
    assert os.listdir(tmp_path) == [], "no file named -"


def test_certify_to_stdout_and_verify_from_stdin(tmp_path):
    proc = run("certify", MODEL, "--partition", "odd-even", "-o", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    cert = json.loads(proc.stdout)
    assert cert["format"] == "exactrank-certificate"
    assert proc.stderr == "wrote the certificate to stdout: rank eq 9 over QQ\n"
    assert os.listdir(tmp_path) == []
    verified = run("verify", "-", cwd=tmp_path, stdin=proc.stdout)
    assert (verified.returncode, verified.stdout) == (0, "s VERIFIED\n")


def test_dash_is_stdin_for_model_files(tmp_path):
    text = MODEL.read_text()
    ranked = run("rank", "-", "--partition", "odd-even", "--json", cwd=tmp_path, stdin=text)
    assert ranked.returncode == 0 and json.loads(ranked.stdout)["rank"] == 9
    proc = run("certify", "-", "--partition", "odd-even", "-o", "c.json", cwd=tmp_path, stdin=text)
    assert proc.returncode == 0 and os.listdir(tmp_path) == ["c.json"]


@pytest.mark.parametrize("closed", [0, 1], ids=["stdin", "stdout"])
def test_a_closed_stdin_or_stdout_is_one_line(tmp_path, closed):
    args = {
        0: ["rank", "-", "--partition", "odd-even"],
        1: ["certify", MODEL, "--partition", "odd-even", "-o", "-"],
    }[closed]
    proc = subprocess.run(
        [sys.executable, "-m", "exactrank", *map(str, args)],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(closed),  # the child starts with it closed
    )
    line = one_line(proc)
    assert f"there is no standard {('input to read', 'output to write')[closed]}" in line


# ---------------------------------------------------------------------------- input files


@pytest.mark.parametrize("command", ["rank", "certify", "verify"])
@pytest.mark.parametrize("kind", ["fifo", "folder", "link-to-fifo"])
def test_a_special_input_file_is_refused_at_once(tmp_path, command, kind):
    node = tmp_path / "node"
    if kind == "folder":
        node.mkdir()
    else:
        os.mkfifo(node)
    path = node if kind != "link-to-fifo" else tmp_path / "in.json"
    if kind == "link-to-fifo":
        path.symlink_to(node)
    args = {
        "rank": ["rank", path, "--partition", "odd-even"],
        "certify": ["certify", path, "--partition", "odd-even", "-o", "c.json"],
        "verify": ["verify", path],
    }[command]
    line = one_line(run(*args, cwd=tmp_path, timeout=30))  # a blocking read would time out
    what = "a folder" if kind == "folder" else "a FIFO"
    assert f"{path}: cannot read" in line and f"{what}, not a regular file" in line
    assert not (tmp_path / "c.json").exists()


def test_a_file_over_the_size_limit_is_refused_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"padding": "x" * 200}))
    with pytest.raises(
        er.ModelFileError, match="over the limit MAX_FILE_BYTES = 100 bytes"
    ) as info:
        er.load_model(path)
    assert "big.json" in str(info.value) and "cannot read the model file" in str(info.value)
    with pytest.raises(er.CertificateFormatError, match="MAX_FILE_BYTES"):
        er.load_certificate(path)
    stdin = io.TextIOWrapper(io.BytesIO(path.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(
        er.ModelFileError, match=r"-: cannot read the model file \(more than 100 bytes"
    ):
        er.load_model("-")


def test_the_size_limit_is_the_documented_one():
    assert files.MAX_FILE_BYTES == 268_435_456


# ---------------------------------------------------------------------------- temporary files


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], **_capture())
    return int(proc.stdout)


def _capture() -> dict:
    return {"capture_output": True, "text": True, "check": True}


def test_stale_temporaries_of_the_target_are_removed_live_ones_kept(tmp_path):
    path = tmp_path / "x.json"
    dead = dead_pid()
    stale = tmp_path / f".x.json.{dead}.0123abcd.tmp"
    live = tmp_path / f".x.json.{os.getpid()}.89abcdef.tmp"
    other = tmp_path / f".y.json.{dead}.0123abcd.tmp"  # another target's: not ours to judge
    for temporary in (stale, live, other):
        temporary.write_text("{half")
    files.write_json(DATA, path)
    assert json.loads(path.read_text()) == DATA
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, other.name, "x.json"])


KILLED_WRITER = """
import os, sys
from exactrank.io import files
with files.output(sys.argv[1]) as handle:
    handle.write('{"new": ')
    handle.flush()
    print("writing", flush=True)
    sys.stdin.read()  # the test kills us here, in the middle of the write
"""


def test_kill_9_during_a_write_leaves_the_target_whole_then_the_next_write_cleans_up(tmp_path):
    path = tmp_path / "target.json"
    path.write_text('{"old": 1}')
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert writer.stdout.readline() == "writing\n"
        (temporary,) = [name for name in os.listdir(tmp_path) if name != "target.json"]
        assert temporary.startswith(f".target.json.{writer.pid}.") and temporary.endswith(".tmp")
        writer.kill()
        writer.wait(timeout=30)
    finally:
        writer.kill()
        writer.stdin.close()
        writer.stdout.close()
    assert path.read_text() == '{"old": 1}', "the target is never torn"
    assert sorted(os.listdir(tmp_path)) == sorted([temporary, "target.json"])
    files.write_json(DATA, path)
    assert os.listdir(tmp_path) == ["target.json"]
    assert json.loads(path.read_text()) == DATA


# ---------------------------------------------------------------------------- experiment --out


def experiment(*args, cwd):
    return run("experiment", "fig3", "--samples", "1", "--jobs", "1", "--quiet", *args, cwd=cwd)


def test_experiment_out_must_be_a_folder(tmp_path):
    (tmp_path / "a-file").write_text("keep")
    line = one_line(experiment("--out", "a-file", cwd=tmp_path))
    assert "a-file: a file, not a folder" in line
    for name in ("", "-"):
        line = one_line(experiment("--out", name, cwd=tmp_path))
        assert f"the output folder {name!r} names no folder" in line and "--json" in line
    assert os.listdir(tmp_path) == ["a-file"]


def test_experiment_refuses_a_folder_named_like_its_output_before_running(tmp_path):
    (tmp_path / "fig3.png").mkdir()
    line = one_line(experiment("--out", ".", cwd=tmp_path))
    assert "fig3.png: a folder, not a file" in line
    assert os.listdir(tmp_path) == ["fig3.png"] and os.listdir(tmp_path / "fig3.png") == []


def test_experiment_writes_through_a_fifo_and_creates_a_missing_folder(tmp_path, umask):
    from exactrank.experiments import run_experiment

    folder = tmp_path / "results"
    folder.mkdir()
    os.mkfifo(folder / "fig3.png")
    reader = Reader(folder / "fig3.png")
    tiny = {"M": 2, "T": 2, "ranks": [1]}
    run_experiment("fig3", 1, jobs=1, progress=False, out=folder, params=tiny)
    assert reader.wait()[:8] == b"\x89PNG\r\n\x1a\n"
    assert stat.S_ISFIFO(os.lstat(folder / "fig3.png").st_mode)
    assert stat.S_IMODE((folder / "fig3.json").stat().st_mode) == umask
    assert sorted(os.listdir(folder)) == ["fig3.json", "fig3.png"]
    run_experiment("fig3", 1, jobs=1, progress=False, out=tmp_path / "new" / "deep", params=tiny)
    assert sorted(os.listdir(tmp_path / "new" / "deep")) == ["fig3.json", "fig3.png"]
