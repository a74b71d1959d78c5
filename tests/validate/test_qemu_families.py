"""Every op family's kernels on a Cortex-M in QEMU: the small models each
``tests/codegen/test_kernels_<family>.py`` offers through ``family_models()`` (name, graph,
inputs) are written with the project's .ms writer, generated, cross-built and validated
against the reference interpreter over the serial protocol (int exactly, float within the
default tolerance).

Default run: the first model of each family on qemu-mps2-an386 (Cortex-M4F), and of the
fast-path families (``test_kernels_fast_*.py``) also on qemu-mps3-an547 (Cortex-M55, Helium).
``-m slow``: every model on qemu-mps2-an386 and qemu-mps3-an547.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from big_models import write_case
from conftest import require_tool
from micro_codegen import api

pytestmark = pytest.mark.qemu

CODEGEN_TESTS = Path(__file__).resolve().parents[1] / "codegen"


def _family_models():
    if str(CODEGEN_TESTS) not in sys.path:
        sys.path.insert(0, str(CODEGEN_TESTS))
    out = []
    for path in sorted(CODEGEN_TESTS.glob("test_kernels_*.py")):
        module = importlib.import_module(path.stem)
        models = getattr(module, "family_models", None)
        if models is None:
            continue
        family = path.stem[len("test_kernels_"):]
        for k, (name, graph, inputs) in enumerate(models()):
            out.append((family, k, name, graph, inputs))
    return out


MODELS = _family_models()


def _default_run(model, board: str) -> bool:
    """Model 0 of every family on the M4; of the fast-path families (test_kernels_fast_*.py:
    SIMD32 and Helium paths) also on the M55."""
    family, k = model[0], model[1]
    return k == 0 and (board == "qemu-mps2-an386" or family.startswith("fast_"))


CASES = [pytest.param(board, m, id=f"{board.rsplit('-', 1)[-1]}-{m[0]}-{m[2]}",
                      marks=() if _default_run(m, board) else pytest.mark.slow)
         for board in ("qemu-mps2-an386", "qemu-mps3-an547") for m in MODELS]


def test_every_new_family_offers_models():
    assert MODELS, "no tests/codegen/test_kernels_<family>.py defines family_models()"


@pytest.mark.parametrize("board, model", CASES)
def test_family_model_on_qemu(board, model, tmp_path):
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    family, _, name, graph, inputs = model
    path = write_case(tmp_path, name, graph, inputs)
    r = api.validate(path, board, out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 1, r.report.to_json()
