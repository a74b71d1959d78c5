"""Runners: start a built project (host process, QEMU, board) and give a byte-stream link to it.

Every runner module registers its classes on import (``base.register``); the board's
``runner`` key (``boards/<name>/board.toml``) picks one by name:

    host      runners/host.py   the validation firmware as a host process (stdin/stdout)
    qemu      runners/qemu.py   qemu-system-arm, UART over TCP (pyserial socket://)
    openocd   runners/flash.py  flash with OpenOCD, then the board's UART (--port)
    pyocd     runners/flash.py  flash with pyOCD, then the board's UART (--port)
    labgrid   runners/farm.py   any QEMU or real board on a labgrid place (--place; not in board.toml)

``runners/transport.py`` holds the byte-stream links a runner's ``start()`` returns (a
subprocess pipe, any pyserial port); the validation protocol talks over them. Nothing here
imports ``validate``: validate depends on runners, not the reverse.
"""
from . import farm, flash, host, qemu  # noqa: F401  (importing them registers the runners)
from .base import RUNNERS, Runner, get_runner, register

__all__ = ["RUNNERS", "Runner", "get_runner", "register", "farm", "flash", "host", "qemu"]
