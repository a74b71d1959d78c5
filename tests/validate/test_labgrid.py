"""`--runner labgrid`: a labgrid farm on localhost runs `validate` on a QEMU board.

The module's fixture starts a labgrid coordinator (gRPC, on a free port) and an exporter that
exports a ``RawSerialPort`` at ``/dev/shm/micro-codegen-test-<pid>/qemu-1``; ser2net (started by
the exporter when the place is acquired) serves it over RFC 2217. The places are made with
``labgrid-client``, as on a real farm: ``qemu-1`` matches that serial port, ``no-serial`` matches
nothing. The runner's "flash" of the QEMU board boots the ELF in ``qemu-system-arm -serial pty``
and points the exported path at the pty (see runners/farm.py).

Checked: `validate` through the place passes bit-exact and leaves the place released; clear
errors naming the place and the coordinator (coordinator unreachable, place unknown, acquired
by another user, no serial resource, a real board's place without a debug probe); the place is
released after an error and after Ctrl-C; a place this user acquired beforehand stays acquired;
(``-m slow``) `debug` runs through a place too.
About 20 s; needs labgrid and ser2net (scripts/setup.sh). Flashing a real board through
OpenOCD on an exporter needs the hardware: only the command (dry run) is checked here.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from micro_codegen import api
from micro_codegen.boards import load_board
from micro_codegen.cli import main
from micro_codegen.errors import BoardConfigError, CasesFileError, ValidationError
from micro_codegen.runners.farm import LabgridRunner, openocd_commands
from micro_codegen.runners.qemu import free_tcp_port

from conftest import MLPERF, needs_shared, require_tool

MODEL = MLPERF / "ad01_int8.ms"          # small and int8: bit-exact in a few seconds
PLACE = "qemu-1"
OTHER_USER = {"LG_USERNAME": "alice", "LG_HOSTNAME": "bench-pc"}


# ---------------------------------------------------------------- without a farm

def test_openocd_commands_from_board_data():
    """nrf52840dk's [runner_args] openocd as the OpenOCD commands labgrid's OpenOCDDriver runs."""
    assert openocd_commands(load_board("nrf52840dk")) == [
        "source [find interface/jlink.cfg]", "transport select swd", "source [find target/nrf52.cfg]",
        "program {{{filename}}} verify reset exit"]
    runner = LabgridRunner(load_board("nrf52840dk"), "/p", "/p/build/fw.elf", place="watch-1")
    assert runner.dry_run()[-2:] == ["--command", "program {/p/build/fw.elf} verify reset exit"]


def test_runner_choice_is_checked_before_the_work(tmp_path):
    with pytest.raises(BoardConfigError, match="needs --place"):
        api.validate(tmp_path / "none.ms", runner="labgrid")
    with pytest.raises(BoardConfigError, match="--place needs --runner labgrid"):
        api.validate(tmp_path / "none.ms", place="watch-1")
    with pytest.raises(BoardConfigError, match="cannot run on a labgrid place"):
        api.validate(tmp_path / "none.ms", board="host", runner="labgrid", place="watch-1")
    with pytest.raises(BoardConfigError, match="--port is not used with --runner labgrid"):
        api.validate(tmp_path / "none.ms", board="nrf52840dk", runner="labgrid", place="w", port="/dev/ttyACM0")


# ---------------------------------------------------------------- a farm on localhost

def _lg(module: str, *args: str, cwd=None, env=None, **kw) -> subprocess.Popen:
    """``python -m labgrid.remote.MODULE ARGS`` in a process group of its own, terminated if this
    process dies (setpriv --pdeathsig, as QEMU)."""
    setpriv = shutil.which("setpriv")
    prefix = [setpriv, "--pdeathsig", "TERM"] if setpriv else []
    return subprocess.Popen(prefix + [sys.executable, "-m", f"labgrid.remote.{module}", *args], cwd=cwd,
                            env=dict(os.environ, **(env or {})), stdin=subprocess.DEVNULL,
                            start_new_session=True, **kw)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the process group we started (the exporter's ser2net too), SIGKILL if it hangs."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


class Farm:
    def __init__(self, address: str):
        self.address = address

    def client(self, *args: str, env=None, check=True) -> str:
        """``labgrid-client -x ADDRESS ARGS`` -> its stdout."""
        p = _lg("client", "-x", self.address, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True)
        out = p.communicate(timeout=60)[0]
        assert not check or p.returncode == 0, out
        return out

    def state(self, read):
        """``read(session)`` on a labgrid client session (in-process: faster than labgrid-client)."""
        from labgrid.remote.client import start_session
        session = start_session(self.address)
        try:
            return read(session)
        finally:
            session.loop.run_until_complete(session.stop())
            session.loop.run_until_complete(session.close())

    def holder(self, place: str) -> str | None:
        """Who holds ``place`` ("host/user"; None when idle)."""
        return self.state(lambda s: s.places[place].acquired) or None


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    if importlib.util.find_spec("labgrid") is None:
        pytest.fail("labgrid not installed: run scripts/setup.sh (pip install -e '.[test,labgrid]')")
    if not shutil.which("ser2net", path=f"{os.environ.get('PATH', '')}:/usr/sbin"):   # where the exporter looks
        pytest.fail("ser2net not found: run scripts/setup.sh")
    require_tool("qemu-system-arm")
    require_tool("arm-none-eabi-gcc")
    tmp = tmp_path_factory.mktemp("farm")
    dev = Path(f"/dev/shm/micro-codegen-test-{os.getpid()}")      # a RawSerialPort path must be under /dev
    address = f"127.0.0.1:{free_tcp_port()}"
    (tmp / "exporter.yaml").write_text(f"{PLACE}:\n  RawSerialPort:\n    port: {dev}/{PLACE}\n    speed: 115200\n")
    log = open(tmp / "farm.log", "w")
    procs = [_lg("coordinator", "-l", address, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)]
    try:
        f = Farm(address)
        deadline = time.monotonic() + 30
        while "listening on" not in (tmp / "farm.log").read_text():
            assert procs[0].poll() is None and time.monotonic() < deadline, (tmp / "farm.log").read_text()
            time.sleep(0.1)
        procs.append(_lg("exporter", "-c", address, "-n", "mc-test", "--hostname", "127.0.0.1",
                         str(tmp / "exporter.yaml"), cwd=tmp, stdout=log, stderr=subprocess.STDOUT))
        while PLACE not in f.state(lambda s: s.resources.get("mc-test", {})):
            assert procs[1].poll() is None and time.monotonic() < deadline, (tmp / "farm.log").read_text()
            time.sleep(0.2)
        f.client("-p", PLACE, "create")
        f.client("-p", PLACE, "add-match", f"mc-test/{PLACE}/*")
        f.client("-p", "no-serial", "create")
        yield f
    finally:
        for p in reversed(procs):
            _stop(p)
        log.close()
        shutil.rmtree(dev, ignore_errors=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """ad01_int8 generated and built for the default QEMU board."""
    out = tmp_path_factory.mktemp("lg") / "ad01"
    api.generate(MODEL, "qemu-mps2-an386", out)
    api.build(out)
    return out


def _run(farm, project, **kw):
    args = dict(runner="labgrid", place=PLACE, coordinator=farm.address)
    args.update(kw)
    return api.run(project, f"{MODEL}.npz", **args)


def on_farm(test):
    """The marks of a test that uses the farm."""
    for mark in (needs_shared, pytest.mark.qemu, pytest.mark.labgrid):
        test = mark(test)
    return test


@on_farm
def test_validate_through_a_labgrid_place(farm):
    r = CliRunner().invoke(main, ["validate", str(MODEL), "--runner", "labgrid", "--place", PLACE,
                                  "--coordinator", farm.address, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["failed"] == 0 and doc["passed"] == len(doc["cases"]) > 0, doc
    assert all(c["max_abs_diff"] == 0 for c in doc["cases"]), doc          # int8: bit-exact
    assert farm.holder(PLACE) is None                                     # released


@on_farm
def test_errors_name_the_place_and_the_coordinator(farm, project):
    with pytest.raises(ValidationError) as e:
        _run(farm, project, coordinator=f"127.0.0.1:{free_tcp_port()}")
    assert "coordinator 127.0.0.1:" in str(e.value) and "unreachable" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _run(farm, project, place="watch-9")
    assert f"coordinator {farm.address} has no place 'watch-9'" in str(e.value) and PLACE in str(e.value)
    with pytest.raises(ValidationError) as e:
        _run(farm, project, place="no-serial")
    assert "labgrid place 'no-serial'" in str(e.value) and "no serial port resource" in str(e.value)
    assert farm.holder("no-serial") is None
    nrf = project.parent / "ad01-nrf"          # a real board: flashed through the place's debug probe
    api.generate(MODEL, "nrf52840dk", nrf)
    image = nrf / json.loads((nrf / "manifest.json").read_text())["executable"]
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(b"")                     # never flashed: the place has no probe
    with pytest.raises(ValidationError) as e:
        api.flash(nrf, runner="labgrid", place=PLACE, coordinator=farm.address)
    assert f"labgrid place '{PLACE}'" in str(e.value) and "no debug probe resource" in str(e.value)
    assert farm.holder(PLACE) is None
    farm.client("-p", PLACE, "acquire", env=OTHER_USER)
    try:
        with pytest.raises(ValidationError) as e:
            _run(farm, project)
        assert f"labgrid place '{PLACE}' (coordinator {farm.address}) is acquired by bench-pc/alice" in str(e.value)
    finally:
        farm.client("-p", PLACE, "release", env=OTHER_USER)


@on_farm
def test_place_is_released_after_an_error_and_ctrl_c(farm, project, tmp_path, monkeypatch):
    import numpy as np
    bad = tmp_path / "bad.npz"
    np.savez(bad, input_0=np.zeros((1, 3), np.int8))          # the wrong shape: refused once the firmware said HELLO
    with pytest.raises(CasesFileError):
        api.run(project, bad, runner="labgrid", place=PLACE, coordinator=farm.address)
    assert farm.holder(PLACE) is None

    from micro_codegen.validate.protocol import ProtocolClient

    def interrupted(self, *a, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(ProtocolClient, "invoke", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run(farm, project)
    assert farm.holder(PLACE) is None
    assert not any(Path(f"/dev/shm/micro-codegen-test-{os.getpid()}").iterdir())   # the pty link is gone


@on_farm
def test_a_place_acquired_beforehand_stays_acquired(farm, project):
    farm.client("-p", PLACE, "acquire")
    try:
        report = _run(farm, project)
        assert report.failed == 0 and report.passed > 0
        assert farm.holder(PLACE) is not None
    finally:
        farm.client("-p", PLACE, "release")


@pytest.mark.slow
@on_farm
def test_debug_through_a_labgrid_place(farm):
    """`debug` (node by node over the place's serial port)."""
    report = api.debug(MODEL, runner="labgrid", place=PLACE, coordinator=farm.address)
    assert report.passed and len(report.nodes) > 0
    assert farm.holder(PLACE) is None
