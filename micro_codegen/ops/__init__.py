"""Op families for code generation: constraints, scratch, kernel files, parameters.

Importing this package registers every family module (``ops/*.py`` except ``base``).
"""
import importlib
import os
import pkgutil

from .base import REGISTRY, ConstArray, OpImpl, OpPlan, prepare, register  # noqa: F401

for _name in sorted(m.name for m in pkgutil.iter_modules([os.path.dirname(__file__)])):
    if _name != "base":
        importlib.import_module(f"{__package__}.{_name}")
