"""Write a generated tree all at once: into a temporary folder beside the target, then
rename (``atomic.replace_dir``: an existing project is swapped in one step). A failure or an
interrupted run leaves the target as it was; a non-empty target is refused unless ``force``
(and then only if it holds a generated project, i.e. a ``manifest.json``)."""
from __future__ import annotations

import os
import time
from pathlib import Path

from ..atomic import clean_leftovers, remove, replace_dir, temp_sibling, umask
from ..errors import CodegenError
from ..manifest import MANIFEST_FILE

#: seconds to pause after each file and before the swap: lets a test stop a run mid-write
PAUSE_ENV = "MICRO_CODEGEN_WRITE_PAUSE"


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


def write_tree(files: dict[str, bytes], out_dir: str | Path, force: bool = False) -> Path:
    """Write ``files`` (relative POSIX path -> bytes) as the folder ``out_dir``."""
    out_dir = Path(out_dir).absolute()
    for rel in files:
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise CodegenError(f"refusing to write outside the project: {rel}")
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out_dir)
    check_target(out_dir, force)
    pause = float(os.environ.get(PAUSE_ENV) or 0)
    tmp = temp_sibling(out_dir, directory=True)
    mask = umask()
    try:
        for rel in sorted(files):
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[rel])
            os.chmod(path, 0o666 & ~mask)
            time.sleep(pause)
        for d in sorted({p for p in tmp.rglob("*") if p.is_dir()} | {tmp}):
            os.chmod(d, 0o777 & ~mask)
        time.sleep(pause)
        replace_dir(tmp, out_dir)
    except BaseException:
        remove(tmp)
        raise
    return out_dir
