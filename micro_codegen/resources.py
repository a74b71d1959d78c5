"""Locate the data folders (templates/c, nnacl_subset, boards).

In a source checkout they are at the repository top level; in an installed wheel
they are package data under ``micro_codegen/_data/`` (see setup.py).
"""
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``name`` ("templates", "nnacl_subset" or "boards")."""
    for base in (_PKG / "_data", _PKG.parent):
        p = base / name
        if p.is_dir():
            return p
    raise FileNotFoundError(f"micro_codegen data folder '{name}' not found (broken install?)")
