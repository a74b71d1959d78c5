"""Write a generated tree all at once: into a temporary folder beside the target, then
rename. A failure leaves nothing half-written; a non-empty target is refused unless
``force`` (and then only if it holds a generated project, i.e. a ``manifest.json``)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import CodegenError
from ..manifest import MANIFEST_FILE


def check_target(out_dir: Path, force: bool) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise CodegenError(f"{out_dir}: exists and is not a directory")
        if any(out_dir.iterdir()):
            if not force:
                raise CodegenError(f"{out_dir}: directory is not empty", hint="use --force to replace it")
            if not (out_dir / MANIFEST_FILE).is_file():
                raise CodegenError(f"{out_dir}: refusing to replace a non-empty directory that is not a generated "
                                   f"project (no {MANIFEST_FILE})")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_tree(files: dict[str, bytes], out_dir: str | Path, force: bool = False) -> Path:
    """Write ``files`` (relative POSIX path -> bytes) as the folder ``out_dir``."""
    out_dir = Path(out_dir).absolute()
    check_target(out_dir, force)
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
    mask = _umask()
    try:
        for rel in sorted(files):
            if rel.startswith("/") or ".." in Path(rel).parts:
                raise CodegenError(f"refusing to write outside the project: {rel}")
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[rel])
            os.chmod(path, 0o666 & ~mask)
        for d in sorted({p for p in tmp.rglob("*") if p.is_dir()} | {tmp}):
            os.chmod(d, 0o777 & ~mask)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=parent))
            os.rmdir(old)
            os.rename(out_dir, old)
            try:
                os.rename(tmp, out_dir)
            except OSError:
                os.rename(old, out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
