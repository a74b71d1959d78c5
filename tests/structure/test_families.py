"""The contributor checklists of docs/architecture.md stay true: one name per op family across
ops/, reference/ and nnacl_subset/, and every path the document names exists."""
from __future__ import annotations

import pkgutil
import re

from conftest import REPO
from micro_codegen import ops, reference

NNACL = REPO / "nnacl_subset"
DOC = REPO / "docs" / "architecture.md"


def _modules(pkg) -> set[str]:
    return {m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")}


FAMILIES = _modules(ops) - {"base"}
#: headers of inline helpers that several families' kernels share (dot products, requantization)
SHARED_HEADERS = {"int8/dot_int8.h", "int8/requant_mve.h", "fp32/dot_block_fp32.h"}
#: folders of C that is not an op family: the audio feature front end (micro_codegen/audio.py)
NON_OP_DIRS = {"audio"}


def test_every_codegen_family_has_its_reference_module():
    missing = FAMILIES - _modules(reference)
    assert not missing, f"ops/ families without reference/<family>.py: {sorted(missing)}"


def test_kernel_files_are_named_after_a_family():
    for path in sorted(NNACL.glob("*/*.[ch]")):
        if path.parent.name in NON_OP_DIRS:
            continue
        if path.parent.name == "common":
            stem = path.stem.removesuffix("_param")
            ok = stem in FAMILIES or stem == "nnacl_common"
        else:
            ok = (any(path.stem.startswith(f) for f in FAMILIES)
                  or path.relative_to(NNACL).as_posix() in SHARED_HEADERS)
        assert ok, f"{path.relative_to(REPO)} is not named after an op family ({', '.join(sorted(FAMILIES))})"


def test_every_registered_op_belongs_to_a_family_module():
    for op, impl in ops.REGISTRY.items():
        module = impl.prepare.__module__.rsplit(".", 1)[-1]
        assert module in FAMILIES, f"{op} is registered from {impl.prepare.__module__}"


def test_paths_in_the_architecture_doc_exist():
    text = DOC.read_text()
    paths = {p for p in re.findall(r"`([\w./-]+/[\w./-]*|[\w-]+\.(?:py|md|toml|h|c))`", text) if "<" not in p}
    assert paths, "no paths found in docs/architecture.md"
    missing = [p for p in sorted(paths)
               if not any((base / p).exists() for base in (REPO, REPO / "micro_codegen"))]
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"
