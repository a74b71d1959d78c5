"""The real ``micro-codegen validate`` over a faulty link: its verdict and exit code.

``python -m micro_codegen validate ad01_int8.ms --board qemu-mps2-an386 --cases C`` runs as a
subprocess with a ``qemu-system-arm`` stand-in first on PATH (``tests/fault_qemu.py``): the
real QEMU behind the fault proxy (``tests/fault_proxy.py``), so generate, build, the QEMU
runner, the protocol, the comparison and the exit code are all the product's own.

Properties checked on every run
  * never exit 0 with a wrong output: with the right cases file, exit 0 means "N passed,
    0 failed" (every output equal to the reference: int8, bit-exact); a run through a faulty
    link never reports a mismatch (a damaged or stale answer taken as an output) -- it passes
    or fails with one clear line;
  * a cases file whose expected output of one case is wrong always exits 1, naming that case
    FAIL (or failing the link clearly) -- the verdict is not lost under faults;
  * a hopeless link exits 1 with one line, ``error: ... failed after 6 attempt(s) ...``;
  * the proxy's thread never broke (its report), and the faults were injected.

Default tier: every kind at once both ways at a low rate plus stale answers (right and wrong
cases file), and a hopeless link. ``-m slow``: the matrix, 6 kinds x 2 directions x rates 1e-4,
1e-3, 1e-2, stale answers ahead of 25 %, 50 %, 100 % of the answers, and the wrong cases file at every kind x direction at
1e-2; at <= 1e-3 every run must complete with exit 0.
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import MLPERF, needs_shared, require_tool
from fault_proxy import DIRECTIONS, KINDS

MODEL = MLPERF / "ad01_int8.ms"
BOARD = "qemu-mps2-an386"
N_CASES = 3
WRONG_CASE = 1                     # the case whose expected output the wrong cases file changes
RUN_LIMIT = 400.0                  # s per CLI run (the hopeless link takes ~20 s; a stuck run fails)
TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
RUNS = itertools.count()           # names each run's config and report file


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """(dir, cases files, env): a qemu-system-arm stand-in on PATH; the right and the wrong
    cases file (first N_CASES cases of the model's; the wrong one with one byte of case
    WRONG_CASE's expected output changed)."""
    require_tool("arm-none-eabi-gcc")
    real = require_tool("qemu-system-arm")
    d = tmp_path_factory.mktemp("cli_faults")
    (d / "bin").mkdir()
    stand_in = d / "bin" / "qemu-system-arm"
    stand_in.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{TESTS / "fault_qemu.py"}" "$@"\n')
    stand_in.chmod(0o755)
    src = np.load(str(MODEL) + ".npz")
    right = {f"{kind}_{k}": src[f"{kind}_{k}"] for k in range(N_CASES) for kind in ("input", "output")}
    wrong = dict(right)
    bad = right[f"output_{WRONG_CASE}"].copy()
    bad.flat[0] = np.int8(int(bad.flat[0]) ^ 1)
    wrong[f"output_{WRONG_CASE}"] = bad
    np.savez(d / "right.npz", **right)
    np.savez(d / "wrong.npz", **wrong)
    env = dict(os.environ, PATH=f"{d / 'bin'}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=os.pathsep.join([str(ROOT), str(TESTS), os.environ.get("PYTHONPATH", "")]))
    env.pop("MICRO_CODEGEN_DEBUG", None)
    return d, env, real


def validate_through(cli_env, cases: str, to_target: dict, to_host: dict, stale: float = 0.0,
                     seed: int = 0) -> dict:
    """One ``micro-codegen validate`` through the faulty link; checks the properties that
    hold for every run; returns exit code, output lines and the proxy's report."""
    d, env, real = cli_env
    tag = f"run{next(RUNS)}"
    cfg = {"qemu": real, "to_target": dict(to_target, seed=seed), "to_host": dict(to_host, seed=seed + 1),
           "stale": stale, "stale_seed": seed + 2, "report": str(d / f"{tag}.report.json")}
    (d / f"{tag}.json").write_text(json.dumps(cfg))
    p = subprocess.run([sys.executable, "-m", "micro_codegen", "validate", str(MODEL), "--board", BOARD,
                        "--cases", str(d / f"{cases}.npz"), "--no-progress"],
                       env=dict(env, FAULT_QEMU=str(d / f"{tag}.json")), capture_output=True, text=True,
                       timeout=RUN_LIMIT, cwd=d)
    assert Path(cfg["report"]).is_file(), f"the proxy never ran: {p.stderr}"
    report = json.loads(Path(cfg["report"]).read_text())
    out = {"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr, "report": report,
           "verdicts": [line for line in p.stdout.splitlines() if line.startswith("case ")]}
    said = p.stdout.splitlines()[-1] if p.returncode == 0 else p.stderr.strip() or out["verdicts"]
    print(f"\n  validate [{cases}; to target {to_target or 'clean'}, to host {to_host or 'clean'}, stale {stale:g}]: "
          f"exit {p.returncode}; {said}; injected to target {report['to_target']}, to host {report['to_host']}, "
          f"stale {report['stale']}")

    assert report["error"] is None, f"fault proxy broke: {report['error']}"
    assert p.returncode in (0, 1), p.stderr
    link_error = p.returncode == 1 and not out["verdicts"]
    if link_error:                            # a clear one-line error, no traceback
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), p.stderr
    else:
        want = [f"case {k}: {'FAIL' if cases == 'wrong' and k == WRONG_CASE else 'pass'}" for k in range(N_CASES)]
        assert [v.split(" (")[0] for v in out["verdicts"]] == want, p.stdout
        assert p.returncode == (1 if cases == "wrong" else 0), p.stdout + p.stderr
    if cases == "wrong":
        assert p.returncode == 1, "exit 0 with a wrong output"
    out["completed"] = not link_error
    return out


def every_kind(rate: float) -> dict:
    return dict.fromkeys(KINDS, rate)


# ---------------------------------------------------------------- default tier

@needs_shared
@pytest.mark.qemu
@pytest.mark.parametrize("cases", ["right", "wrong"])
def test_validate_completes_through_every_fault_kind_at_a_low_rate(cli_env, cases):
    """3e-4 per byte of each of the six kinds both ways, and a stale answer ahead of a quarter
    of the true ones: the right cases pass with exit 0; the wrong one fails case 1 with exit 1."""
    out = validate_through(cli_env, cases, every_kind(3e-4), every_kind(3e-4), stale=0.25, seed=11)
    assert out["completed"], out["stderr"]
    assert out["report"]["stale"] > 0


@needs_shared
@pytest.mark.qemu
def test_validate_over_a_hopeless_link_exits_1_with_one_line(cli_env):
    faults = dict(drop=0.02, dup=0.02, corrupt=0.02)
    out = validate_through(cli_env, "right", faults, faults, seed=7)
    assert out["rc"] == 1 and not out["completed"]
    assert "failed after 6 attempt(s)" in out["stderr"] and "the link is too noisy" in out["stderr"]


# ---------------------------------------------------------------- slow tier: the matrix

@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("rate", [1e-4, 1e-3, 1e-2])
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_validate_fault_matrix(cli_env, kind, direction, rate):
    """Never exit 0 with a wrong output; at <= 1e-3 the run must also complete with exit 0."""
    hot = {kind: rate}
    out = validate_through(cli_env, "right", hot if direction == "to_target" else {},
                           hot if direction == "to_host" else {}, seed=100 + KINDS.index(kind))
    assert sum(out["report"][direction][k] for k in KINDS) > 0 or rate < 1e-3
    if rate <= 1e-3:
        assert out["rc"] == 0, out["stderr"]


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("rate", [0.25, 0.5, 1.0])
def test_validate_stale_answers_matrix(cli_env, rate):
    """Stale answers ahead of that share of the true ones (about 10 requests a run): skipped,
    exit 0 at every rate."""
    out = validate_through(cli_env, "right", {}, {}, stale=rate, seed=200)
    assert out["rc"] == 0, out["stderr"]
    assert out["report"]["stale"] > 0 or rate < 0.5


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_validate_wrong_expected_output_exits_1_under_faults(cli_env, kind, direction):
    hot = {kind: 1e-2}
    out = validate_through(cli_env, "wrong", hot if direction == "to_target" else {},
                           hot if direction == "to_host" else {}, seed=300 + KINDS.index(kind))
    assert out["rc"] == 1
