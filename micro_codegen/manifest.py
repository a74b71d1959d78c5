"""``manifest.json``: what a generated project was built from and for (model sha256, board,
executable, node list). ``generate`` writes it into the project folder; ``build``, ``run``,
``flash`` and ``validate`` read it back, so a project folder is all they need.

A leaf module: it imports only the standard library and ``errors``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import CodegenError

MANIFEST_FILE = "manifest.json"


# ---------------------------------------------------------------- writing

def manifest_document(fields: dict, files: dict[str, bytes]) -> dict:
    """The manifest of a generated project: ``fields`` plus every file (path, sha256, bytes)."""
    listing = [{"path": p, "sha256": hashlib.sha256(files[p]).hexdigest(), "bytes": len(files[p])}
               for p in sorted(files)]
    return dict(fields, files=listing)


def manifest_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- reading

def read_manifest(project_dir: str | Path) -> dict:
    """The manifest of the project in ``project_dir``; CodegenError if it is missing or unreadable."""
    path = Path(project_dir) / MANIFEST_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodegenError(f"{project_dir}: no {MANIFEST_FILE}; not a project written by `micro-codegen generate`") \
            from None
    except (OSError, ValueError) as e:
        raise CodegenError(f"{path}: unreadable manifest: {e}") from None
