"""Every program micro_codegen starts runs in its own process group with a time limit and is
killed with the whole group on a timeout or an interrupt (toolchain.run_tool / kill_group):
a hung fake tool that started a child of its own leaves no process behind."""
from __future__ import annotations

import os
import signal
import stat
import threading
import time
from pathlib import Path

import pytest

from micro_codegen.errors import ToolchainError
from micro_codegen.toolchain import KILL_GRACE, make, run_tool

# a tool that hangs: starts a child (sleep) and waits for it; writes both process ids to $PIDFILE
HANG = """#!/bin/sh
{trap}
sleep 300 &
echo $! >> "$PIDFILE"
echo $$ >> "$PIDFILE"
wait
"""


def fake_tool(tmp_path: Path, name: str = "hang", ignore_term: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(HANG.format(trap="trap '' TERM" if ignore_term else ""))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def pidfile(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "pids"
    monkeypatch.setenv("PIDFILE", str(path))
    return path


def started(pidfile: Path, n: int = 2, limit: float = 10.0) -> list[int]:
    """The ``n`` process ids the fake tool wrote (waits for them)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if pidfile.is_file():
            pids = [int(x) for x in pidfile.read_text().split()]
            if len(pids) >= n:
                return pids
        time.sleep(0.02)
    pytest.fail(f"the fake tool did not start ({pidfile})")


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that does not reap it counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def assert_all_dead(pids: list[int], limit: float = 3.0) -> None:
    deadline = time.monotonic() + limit
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not [p for p in pids if alive(p)], f"left running: {[p for p in pids if alive(p)]}"


@pytest.mark.parametrize("ignore_term", [False, True], ids=["plain", "ignores-SIGTERM"])
def test_a_hung_tool_is_killed_with_its_children_on_timeout(tmp_path, pidfile, ignore_term):
    tool = fake_tool(tmp_path, ignore_term=ignore_term)
    start = time.monotonic()
    with pytest.raises(ToolchainError, match=r"hang took longer than 0.5 s: stopped it and every process it started"):
        run_tool([str(tool)], 0.5)
    took = time.monotonic() - start
    assert_all_dead(started(pidfile))
    assert took < 0.5 + 2 * KILL_GRACE + 5.0          # generous: the machine may be loaded


def test_make_timeout_kills_the_commands_it_runs(tmp_path, pidfile):
    tool = fake_tool(tmp_path)
    (tmp_path / "Makefile").write_text(f"all:\n\t{tool}\n")
    with pytest.raises(ToolchainError, match="make in .* took longer than 0.5 s"):
        make(tmp_path, timeout=0.5)
    assert_all_dead(started(pidfile))


def test_an_interrupt_kills_the_tool_and_its_children(tmp_path, pidfile):
    tool = fake_tool(tmp_path)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_tool([str(tool)], 60.0)
    finally:
        timer.cancel()
    assert_all_dead(started(pidfile))


def test_host_runner_kills_a_firmware_that_does_not_exit(tmp_path, pidfile):
    from micro_codegen.boards import load_board
    from micro_codegen.runners.host import HostRunner
    runner = HostRunner(load_board("host"), tmp_path, fake_tool(tmp_path))
    runner.stop_timeout = 0.2
    with runner:
        pids = started(pidfile)
    assert_all_dead(pids)


def test_qemu_runner_kills_a_qemu_that_never_listens(tmp_path, pidfile, monkeypatch):
    from micro_codegen.boards import load_board
    from micro_codegen.runners.qemu import QemuRunner
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_tool(bin_dir, "qemu-system-arm")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    image = tmp_path / "fw.elf"
    image.write_bytes(b"\x7fELF")
    runner = QemuRunner(load_board("qemu-mps2-an386"), tmp_path, image)
    runner.connect_timeout = 0.5
    with pytest.raises(ToolchainError, match="did not start"):
        with runner:
            pass
    assert_all_dead(started(pidfile))
