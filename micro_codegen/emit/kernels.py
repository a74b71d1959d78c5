"""Which files of ``nnacl_subset/`` a generated project needs: the kernel sources its
OpPlans name, their public headers, and every header those include (``#include "..."``,
resolved against the nnacl root, transitively). Nothing else is copied."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from ..errors import CodegenError

_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def included_files(text: str) -> list[str]:
    return _INCLUDE.findall(text)


def resolve_kernel_files(root: Path, wanted: Iterable[str]) -> list[str]:
    """Paths (relative to ``root``, sorted) of ``wanted`` plus everything they include."""
    todo = list(dict.fromkeys(wanted))
    seen: set[str] = set()
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        path = root / rel
        if not path.is_file():
            raise CodegenError(f"kernel file '{rel}' not found under {root}")
        seen.add(rel)
        base = Path(rel).parent
        for inc in included_files(path.read_text(encoding="utf-8")):
            if (root / inc).is_file():
                todo.append(Path(inc).as_posix())
            elif (root / base / inc).is_file():
                todo.append((base / inc).as_posix())
            # else: a header of the generated project itself or a system header
    return sorted(seen)
