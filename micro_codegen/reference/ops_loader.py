"""Imports every ``op_*.py`` module of this package so its kernels register."""
import importlib
import os
import pkgutil

for _name in sorted(m.name for m in pkgutil.iter_modules([os.path.dirname(__file__)])):
    if _name.startswith("op_"):
        importlib.import_module(f"{__package__}.{_name}")
