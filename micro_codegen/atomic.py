"""Outputs that appear all at once or not at all: a project folder, a ``.npz``, a ``.ms``.

Everything is written into a temporary sibling of the target, ``.<name>.<pid>.<random>.tmp``
(same folder, so same file system), and renamed into place at the end. An existing folder is
swapped with the new one in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two
renames), so it is never half overwritten: a reader sees the old tree or the new one. A run
stopped by an exception, Ctrl-C (KeyboardInterrupt) or SIGTERM (the CLI turns it into
SystemExit) removes its temporary sibling; a run that cannot clean up (SIGKILL, power loss)
leaves it behind, and the next run writing the same target removes the siblings of runs whose
process is gone (the pid in the name), restoring a folder a fallback swap had moved aside.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from .errors import CodegenError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _process_alive(pid: int) -> bool:
    """Is process ``pid`` running (this one included)?"""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:      # someone else's process
        return True
    return True


def _leftover(path: Path) -> re.Pattern:
    return re.compile(rf"^\.{re.escape(path.name)}\.(\d+)\.[^.]+\.(tmp|old)$")


def clean_leftovers(path: str | Path) -> None:
    """Remove the temporary siblings of ``path`` left by runs whose process has died; if such a
    run had moved the old ``path`` aside (``.old``, the fallback swap) and ``path`` is missing,
    put it back first."""
    path = Path(path).absolute()
    pattern = _leftover(path)
    with contextlib.suppress(FileNotFoundError):
        for entry in sorted(path.parent.iterdir()):
            m = pattern.match(entry.name)
            if m is None or _process_alive(int(m.group(1))):
                continue
            if m.group(2) == "old" and not os.path.lexists(path):
                with contextlib.suppress(OSError):      # cannot: keep it where it is, never delete it
                    os.rename(entry, path)
                continue
            remove(entry)


def remove(path: Path) -> None:
    """Delete a file, a symbolic link or a folder tree; never raises."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def temp_sibling(path: Path, directory: bool) -> Path:
    """A new, empty temporary file or folder beside ``path`` (see the module docstring)."""
    prefix, suffix = f".{path.name}.{os.getpid()}.", ".tmp"
    if directory:
        return Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=path.parent))
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    os.close(fd)
    return Path(name)


def _exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` in one step; False where the system cannot."""
    fn = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if fn is None:
        return False
    fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_dir(tmp: Path, out_dir: Path) -> None:
    """Move the finished folder ``tmp`` to ``out_dir``, replacing an existing one (see the module
    docstring); the old tree is deleted afterwards."""
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return
    if _exchange(tmp, out_dir):
        remove(tmp)                                     # now the old tree
        return
    old = Path(str(tmp)[:-len(".tmp")] + ".old")
    os.rename(out_dir, old)
    try:
        os.rename(tmp, out_dir)
    except OSError:
        os.rename(old, out_dir)
        raise
    remove(old)


def replace_file(path: str | Path, write: Callable[[BinaryIO], None], error=CodegenError) -> None:
    """Write the file ``path`` with ``write(binary file)`` into a temporary sibling, then rename
    it into place: ``path`` is the old file or the whole new one, never a part. An OSError
    becomes ``error`` ("PATH: cannot write: why"); the temporary file is removed."""
    shown, path = path, Path(path).absolute()
    try:
        clean_leftovers(path)
        tmp = temp_sibling(path, directory=False)
    except OSError as e:
        raise error(f"{shown}: cannot write: {e.strerror or e}") from None
    try:
        with open(tmp, "wb") as f:
            write(f)
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise error(f"{shown}: cannot write: {e.strerror or e}") from None
        raise


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
