"""Compilers and build tools: find them, run make, summarise the built image's sizes.

A missing program raises :class:`ToolchainError` with the command that installs it.

Every program micro_codegen starts (make and the compilers under it, size, nm, gcc for the
QEMU plugin, QEMU, OpenOCD/pyOCD, the host build of a project) runs in its own process
group (session) with a time limit; on a timeout, an error or an interrupt (Ctrl-C) the whole
group is stopped -- SIGTERM, then SIGKILL after :data:`KILL_GRACE` seconds -- so no compiler
or emulator a tool started outlives it. :func:`run_tool` does it for programs that run to
completion, :func:`kill_group` for the long-lived ones (runners).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolchainError

INSTALL_HINTS = {
    "gcc": "sudo apt-get install gcc (or run scripts/setup.sh)",
    "make": "sudo apt-get install make (or run scripts/setup.sh)",
    "size": "sudo apt-get install binutils",
    "arm-none-eabi-gcc": "sudo apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi (or run scripts/setup.sh)",
    "arm-none-eabi-size": "sudo apt-get install binutils-arm-none-eabi (or run scripts/setup.sh)",
    "nm": "sudo apt-get install binutils",
    "arm-none-eabi-nm": "sudo apt-get install binutils-arm-none-eabi (or run scripts/setup.sh)",
    "qemu-system-arm": "sudo apt-get install qemu-system-arm (or run scripts/setup.sh)",
    "openocd": "sudo apt-get install openocd",
    "pyocd": "pip install pyocd (in the micro-codegen venv: .venv/bin/pip install pyocd); "
             "some targets also need their pack: pyocd pack install <target>",
}


@dataclass(frozen=True)
class Toolchain:
    name: str
    cc: str
    size: str
    nm: str


TOOLCHAINS = {
    "gcc": Toolchain("gcc", "gcc", "size", "nm"),
    "arm-none-eabi": Toolchain("arm-none-eabi", "arm-none-eabi-gcc", "arm-none-eabi-size", "arm-none-eabi-nm"),
}


def toolchain(name: str) -> Toolchain:
    try:
        return TOOLCHAINS[name]
    except KeyError:
        raise ToolchainError(f"unknown toolchain '{name}' (known: {', '.join(TOOLCHAINS)})") from None


def require(program: str) -> str:
    """Absolute path of ``program`` on PATH, or ToolchainError with an install hint."""
    path = shutil.which(program)
    if path is None:
        raise ToolchainError(f"'{program}' not found on PATH",
                             hint=INSTALL_HINTS.get(program, f"install {program}"))
    return path


KILL_GRACE = 2.0        # s between SIGTERM and SIGKILL for a process group
TOOL_TIMEOUT = 60.0     # s for a quick tool (size, nm)


def kill_group(proc: subprocess.Popen, grace: float = KILL_GRACE) -> None:
    """Stop ``proc`` (started with ``start_new_session=True``) and every process of its group:
    SIGTERM to the group, up to ``grace`` seconds for ``proc`` to exit, then SIGKILL to whatever
    is left of the group; ``proc`` is reaped. Nothing is signalled if ``proc`` had already been
    reaped (its id may belong to another process by then)."""
    if proc.returncode is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break                                  # the group is gone
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass


def run_tool(argv: list[str], timeout: float, what: str | None = None, merge_stderr: bool = False,
             hint: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``argv`` to completion in its own process group, stdout/stderr captured as text
    (stderr into stdout with ``merge_stderr``), stdin closed. After ``timeout`` seconds, or on
    any exception (KeyboardInterrupt included), the whole group is killed; a timeout raises
    ToolchainError naming ``what`` (default: the program), with ``hint``."""
    stderr = subprocess.STDOUT if merge_stderr else subprocess.PIPE
    with subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True,
                          start_new_session=True, **kwargs) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            try:
                proc.communicate(timeout=KILL_GRACE)    # a process that left the group may hold the pipes
            except subprocess.TimeoutExpired:
                pass
            raise ToolchainError(f"{what or os.path.basename(argv[0])} took longer than {timeout:g} s: "
                                 f"stopped it and every process it started", hint=hint) from None
        except BaseException:
            kill_group(proc)
            raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def _tail(text: str, lines: int = 30) -> str:
    rows = text.strip().splitlines()
    return "\n".join(rows[-lines:])


def make(project_dir: str | Path, targets: tuple[str, ...] = (), variables: dict[str, str] | None = None,
         jobs: int | None = None, timeout: float = 900.0) -> str:
    """Run ``make`` in ``project_dir`` (killed with its compilers after ``timeout`` s); return its
    output. Failure -> ToolchainError with the tail of it."""
    make_path = require("make")
    args = [make_path, "-C", str(project_dir), f"-j{jobs or min(os.cpu_count() or 1, 16)}"]
    args += [f"{k}={v}" for k, v in sorted((variables or {}).items())]
    args += list(targets)
    p = run_tool(args, timeout, what=f"make in {project_dir}", merge_stderr=True)
    if p.returncode != 0:
        raise ToolchainError(f"make in {project_dir} failed (exit {p.returncode}):\n{_tail(p.stdout)}")
    return p.stdout


@dataclass(frozen=True)
class SizeSummary:
    text: int
    rodata: int
    data: int
    bss: int
    weights: int = 0     # the .weights section (boards with a "weights" memory region)

    @property
    def flash(self) -> int:
        return self.text + self.rodata + self.data

    @property
    def ram(self) -> int:
        return self.data + self.bss

    def line(self) -> str:
        weights = f"  weights {self.weights:,} B" if self.weights else ""
        return (f"text {self.text:,} B  rodata {self.rodata:,} B  data {self.data:,} B  bss {self.bss:,} B{weights}  "
                f"(flash {self.flash:,} B, static RAM {self.ram:,} B)")

    def to_json(self) -> dict:
        doc = {"text_bytes": self.text, "rodata_bytes": self.rodata, "data_bytes": self.data, "bss_bytes": self.bss}
        if self.weights:
            doc["weights_bytes"] = self.weights
        return doc


_TEXT = (".text", ".init", ".fini", ".plt", ".isr_vector", ".vectors")
_RODATA = (".rodata", ".srodata")
_DATA = (".data", ".sdata", ".init_array", ".fini_array", ".preinit_array")
_BSS = (".bss", ".sbss", ".noinit", "COMMON")
_WEIGHTS = (".weights",)


def _kind(section: str) -> str | None:
    for kind, names in (("text", _TEXT), ("rodata", _RODATA), ("data", _DATA), ("bss", _BSS),
                        ("weights", _WEIGHTS)):
        for n in names:
            if section == n or section.startswith(n + "."):
                return kind
    return None


def parse_size_sysv(output: str) -> SizeSummary:
    """Sum ``size -A`` section lines into text / rodata / data / bss."""
    totals = {"text": 0, "rodata": 0, "data": 0, "bss": 0, "weights": 0}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            kind = _kind(parts[0])
            if kind:
                totals[kind] += int(parts[1])
    return SizeSummary(**totals)


def size_summary(image: str | Path, tc: Toolchain) -> SizeSummary:
    size = require(tc.size)
    p = run_tool([size, "-A", str(image)], TOOL_TIMEOUT)
    if p.returncode != 0:
        raise ToolchainError(f"{tc.size} -A {image} failed: {p.stderr.strip()}")
    return parse_size_sysv(p.stdout)
