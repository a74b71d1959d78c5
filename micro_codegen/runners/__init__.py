"""Runners: start a built project (host process, QEMU, board) and give a byte-stream link to it.

Importing this package registers every runner module (``runners/*.py`` except ``base``).
"""
import importlib
import os
import pkgutil

from .base import RUNNERS, Runner, get_runner, register  # noqa: F401

for _name in sorted(m.name for m in pkgutil.iter_modules([os.path.dirname(__file__)])):
    if _name != "base":
        importlib.import_module(f"{__package__}.{_name}")
