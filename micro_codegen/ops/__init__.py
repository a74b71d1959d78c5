"""Op families for code generation: per family its support rules and its op plan (kernel,
arguments, parameters, constants, scratch).

Importing this package registers every family module (``ops/*.py``; ``base``, ``_common`` and
``_rules`` are the shared machinery).
"""
import importlib
import os
import pkgutil

from .base import REGISTRY, OpImpl, prepare, register  # noqa: F401  (the package's API)

for _name in sorted(m.name for m in pkgutil.iter_modules([os.path.dirname(__file__)])):
    if not _name.startswith("_") and _name != "base":
        importlib.import_module(f"{__package__}.{_name}")
