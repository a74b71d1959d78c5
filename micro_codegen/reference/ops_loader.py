"""Imports every op-family module of this package (all but the interpreter's own) so its kernels register."""
import importlib
import os
import pkgutil

_NOT_FAMILIES = {"registry", "ops_loader"}

for _name in sorted(m.name for m in pkgutil.iter_modules([os.path.dirname(__file__)])):
    if _name not in _NOT_FAMILIES:
        importlib.import_module(f"{__package__}.{_name}")
