"""The QEMU instruction-count plugin (``mc_insn_count.c`` beside this file), built on demand.

``plugin_path()`` compiles the plugin with the host gcc the first time it is needed into the
user's cache folder (``$MICRO_CODEGEN_CACHE`` or ``$XDG_CACHE_HOME/micro_codegen`` or
``~/.cache/micro_codegen``), named after the source's hash, so an installed wheel works too and
an edited source is rebuilt. ``scripts/setup.sh`` builds it once with
``python -m micro_codegen.qemu_plugin``.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..errors import ToolchainError
from ..toolchain import require, run_tool

SOURCE = Path(__file__).with_name("mc_insn_count.c")
BUILD_TIMEOUT = 120.0       # s for gcc to build the plugin


def cache_dir() -> Path:
    env = os.environ.get("MICRO_CODEGEN_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "micro_codegen"


def plugin_path() -> Path:
    """Path of the built plugin (``.so``); builds it if needed. ToolchainError if gcc is missing
    or the build fails."""
    source = SOURCE.read_bytes()
    out = cache_dir() / f"mc_insn_count-{hashlib.sha256(source).hexdigest()[:12]}.so"
    if out.is_file():
        return out
    gcc = require("gcc")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ToolchainError(f"cannot create {out.parent} for the QEMU plugin: {e.strerror or e}") from None
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        tmp_so = Path(tmp) / out.name
        p = run_tool([gcc, "-shared", "-fPIC", "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror",
                      "-o", str(tmp_so), str(SOURCE)], BUILD_TIMEOUT, what="gcc building the QEMU plugin",
                     merge_stderr=True)
        if p.returncode != 0:
            raise ToolchainError(f"building the QEMU instruction-count plugin failed:\n{p.stdout.strip()}")
        os.replace(tmp_so, out)            # atomic: a concurrent build leaves one good file
    return out

