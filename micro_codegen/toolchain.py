"""Compilers and build tools: find them, run make, summarise the built image's sizes.

A missing program raises :class:`ToolchainError` with the command that installs it.
"""
from __future__ import annotations

import os
import shutil
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


def _tail(text: str, lines: int = 30) -> str:
    rows = text.strip().splitlines()
    return "\n".join(rows[-lines:])


def make(project_dir: str | Path, targets: tuple[str, ...] = (), variables: dict[str, str] | None = None,
         jobs: int | None = None, timeout: float = 900.0) -> str:
    """Run ``make`` in ``project_dir``; return its output. Failure -> ToolchainError with the tail of it."""
    make_path = require("make")
    args = [make_path, "-C", str(project_dir), f"-j{jobs or min(os.cpu_count() or 1, 16)}"]
    args += [f"{k}={v}" for k, v in sorted((variables or {}).items())]
    args += list(targets)
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"make in {project_dir} took longer than {timeout:.0f} s") from None
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
    p = subprocess.run([size, "-A", str(image)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise ToolchainError(f"{tc.size} -A {image} failed: {p.stderr.strip()}")
    return parse_size_sysv(p.stdout)
