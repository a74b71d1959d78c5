"""Output safety: `generate` never leaves a half-written or half-replaced project.

A real `python -m micro_codegen generate --force` over an existing project is stopped mid-write
(``MICRO_CODEGEN_WRITE_PAUSE`` slows the writer down so the test can pick the moment: after the
first file, half-way, after the last file just before the swap) with SIGKILL, SIGINT and SIGTERM.
The project folder must then be exactly the old one (or, had the swap already happened, exactly
the new one: never a mix); SIGINT and SIGTERM leave no temporary folder behind, SIGKILL's is
removed by the next run. Output files (`run -o`, `infer -o`, `convert`) are replaced whole.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from micro_codegen import api, atomic
from micro_codegen.emit.writer import PAUSE_ENV
from micro_codegen.errors import CodegenError

from tiny_models import write_tiny_model

PAUSE = 0.1          # seconds per file written (and before the swap)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*"))


def files_in_temp(out: Path) -> int:
    return sum(1 for d in out.parent.glob(f".{out.name}.*.tmp") for p in d.rglob("*") if p.is_file())


def generate_and_stop(model: Path, out: Path, sig: int, after_files: int) -> subprocess.CompletedProcess:
    """Run `generate --force --name other` into ``out``; send ``sig`` once its temporary folder
    holds ``after_files`` files."""
    cmd = [sys.executable, "-m", "micro_codegen", "generate", str(model), "--board", "host", "-o", str(out),
           "--force", "--name", "other"]
    p = subprocess.Popen(cmd, env=dict(os.environ, **{PAUSE_ENV: str(PAUSE)}), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while files_in_temp(out) < after_files:
        if p.poll() is not None or time.monotonic() > deadline:
            p.kill()
            pytest.fail(f"generate ended before writing {after_files} files: {p.communicate()}")
        time.sleep(0.002)
    p.send_signal(sig)
    stdout, stderr = p.communicate(timeout=60)
    return subprocess.CompletedProcess(cmd, p.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """(model, the old project's files, the new project's files, number of files)."""
    root = tmp_path_factory.mktemp("safety")
    model = write_tiny_model(root / "model")
    api.generate(model, "host", root / "old")
    api.generate(model, "host", root / "new", name="other")
    old, new = snapshot(root / "old"), snapshot(root / "new")
    assert old != new and len(old) == len(new)
    return model, old, new, len(new)


FIRST, HALF, LAST = "first", "half", "last"
KILL, INT, TERM = signal.SIGKILL, signal.SIGINT, signal.SIGTERM
STOPS = [(KILL, HALF), (INT, HALF)] + [
    pytest.param(sig, at, marks=pytest.mark.slow) for sig, at in [(KILL, FIRST), (KILL, LAST), (INT, LAST), (TERM, FIRST),
                                                                 (TERM, LAST)]]


@pytest.mark.parametrize("sig, at", STOPS, ids=lambda v: getattr(v, "name", v))
def test_generate_stopped_mid_write_leaves_the_project_as_it_was(projects, tmp_path, sig, at):
    model, old, new, total = projects
    out = tmp_path / "proj"
    api.generate(model, "host", out)
    after = {FIRST: 1, HALF: total // 2, LAST: total}[at]
    r = generate_and_stop(model, out, sig, after)
    now = snapshot(out)
    assert now in (old, new), f"stopped after {after} files: the project is neither the old nor the new one"
    if after < total:       # after the last file the swap may just have happened: then it is the new one
        assert now == old, f"stopped after {after} of {total} files, yet the project changed"
    if sig == KILL:
        assert r.returncode == -KILL or (now == new and r.returncode == 0)
        assert now == new or leftovers(out), "a killed run cannot clean up: its temporary folder stays"
    else:      # Ctrl-C: click's "Aborted!"; SIGTERM: SystemExit(143); both clean up, no traceback
        stopped = 1 if sig == INT else 128 + TERM
        assert r.returncode == stopped or (now == new and r.returncode in (0, stopped)), r.stderr
        assert "Traceback" not in r.stderr and leftovers(out) == []
    api.generate(model, "host", out, name="other", force=True)     # the next run removes dead runs' leftovers
    assert snapshot(out) == new and leftovers(out) == []


def test_force_swaps_in_one_step_and_falls_back_to_two_renames(projects, tmp_path, monkeypatch):
    model, old, new, _ = projects
    out = tmp_path / "proj"
    api.generate(model, "host", out)
    api.generate(model, "host", out, name="other", force=True)
    assert snapshot(out) == new and leftovers(out) == []
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)       # no renameat2 (not Linux)
    api.generate(model, "host", out, force=True)
    assert snapshot(out) == old and leftovers(out) == []


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_next_run_restores_a_project_moved_aside_by_a_killed_run(projects, tmp_path):
    """The fallback swap renames the old project to ``.proj.<pid>.<x>.old`` first; killed right
    then, the project seems gone: the next run puts it back before anything else."""
    model, old, new, _ = projects
    out = tmp_path / "proj"
    api.generate(model, "host", out)
    pid = dead_pid()
    out.rename(tmp_path / f".proj.{pid}.abc.old")
    (tmp_path / f".proj.{pid}.def.tmp").mkdir()
    (tmp_path / f".proj.{os.getpid()}.ghi.tmp").mkdir()       # a live run's: kept
    with pytest.raises(CodegenError, match="not empty"):
        api.generate(model, "host", out)
    assert snapshot(out) == old
    assert [p.name for p in leftovers(out)] == [f".proj.{os.getpid()}.ghi.tmp"]


def test_output_files_are_replaced_whole(tmp_path):
    path = tmp_path / "out.npz"
    api.save_outputs(path, [api.CaseResult(0, [np.arange(3)], None)])

    def interrupted(f):
        f.write(b"PK partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.replace_file(path, interrupted)
    with np.load(path) as z:
        assert list(z["output_0"]) == [0, 1, 2]
    assert leftovers(path) == []
    api.save_outputs(tmp_path / "plain", [api.CaseResult(1, [np.ones(2)], None)])   # np.savez's naming kept
    assert (tmp_path / "plain.npz").is_file()
