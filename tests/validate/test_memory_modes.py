"""Every memory mode of issue 14 on every shared model, on host and in QEMU: the generated C
still matches the reference with every tensor whole (``--whole-tensors``), with the default
sharing (in-place window ops, zero-copy Concat / Split / slice) and patched (``--patch auto``).

Default run (the CI subset): a few (model, mode) pairs on host and KWS patched on
qemu-mps2-an386. ``-m slow``: every shared model (MLPerf Tiny, seed_arch, op_families) in every
mode on host and on qemu-mps2-an386 (``benchmarks/memory_modes.py`` prints the figures).
"""
from __future__ import annotations

import pytest

from conftest import MLPERF, OP_FAMILIES, SEED_ARCH, needs_shared, reference_cases, require_tool, shared_models
from micro_codegen import api

MODES = {"whole": dict(share=False), "default": dict(), "patched": dict(patch="auto")}
MODELS = shared_models(MLPERF) + shared_models(SEED_ARCH) + shared_models(OP_FAMILIES)
QUICK_HOST = {("squeezenet_mini_int8", "default"), ("mobilenet_v2_035_96_int8", "patched"),
              ("spectral", "default"), ("kws_ref_model", "whole")}
QUICK_QEMU = {("kws_ref_model", "patched")}

pytestmark = needs_shared


def _cases(quick: set) -> list:
    return [pytest.param(path, mode, id=f"{path.stem}-{mode}",
                         marks=() if (path.stem, mode) in quick else pytest.mark.slow)
            for path in MODELS for mode in MODES]


def _validate(path, mode: str, board: str, tmp_path) -> None:
    opts = MODES[mode]
    mp, patch = api.patched_memory_plan(api.load(path), **opts)
    if mode == "patched" and patch is None:
        pytest.skip(f"{path.name}: --patch auto keeps the model unpatched (same as the default mode)")
    r = api.validate(path, board, cases_path=reference_cases(path, tmp_path), out_dir=tmp_path / "proj", **opts)
    assert r.report.failed == 0 and r.report.passed >= 1, r.report.to_json()
    assert r.arena_bytes == mp.arena_size
    if mode != "whole":
        assert mp.arena_size <= api.memory_plan(api.load(path), share=False).arena_size


@pytest.mark.host_cc
@pytest.mark.parametrize("path, mode", _cases(QUICK_HOST))
def test_memory_mode_on_host(path, mode, tmp_path):
    _validate(path, mode, "host", tmp_path)


@pytest.mark.qemu
@pytest.mark.parametrize("path, mode", _cases(QUICK_QEMU))
def test_memory_mode_on_qemu(path, mode, tmp_path):
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    _validate(path, mode, "qemu-mps2-an386", tmp_path)
