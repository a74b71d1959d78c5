"""Shared test fixtures: where the reference models live (``../shared`` beside the repo)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# MICRO_CODEGEN_SHARED: the shared folder elsewhere (e.g. from a git worktree)
SHARED = Path(os.environ.get("MICRO_CODEGEN_SHARED", REPO.parent / "shared"))
MLPERF = SHARED / "models" / "mlperf_tiny"
SEED_ARCH = SHARED / "models" / "seed_arch"
ONNX_OPS = SHARED / "models" / "onnx_ops"
OP_FAMILIES = SHARED / "models" / "op_families"

MLPERF_MODELS = ["ad01_fp32", "ad01_int8", "kws_ref_model", "kws_ref_model_float32", "pretrainedResnet",
                 "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_float", "vww_96_int8"]

#: every shared model set the tests read: a test skips without its set, except in CI (CI=true),
#: where a missing set fails it (.ci/run also checks them all before running pytest)
SHARED_SETS = {"mlperf_tiny": MLPERF, "seed_arch": SEED_ARCH, "onnx_ops": ONNX_OPS, "op_families": OP_FAMILIES}
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def skip_unless_shared(path: Path, module: bool = False) -> None:
    """Skip the calling test (``module``: the whole test module, at import) when ``path``, a
    shared model set or a file in one, is missing; in CI fail instead, with the same reason."""
    if path.exists():
        return
    reason = f"shared models not found: {path} (../shared beside the repo, or set MICRO_CODEGEN_SHARED)"
    if IN_CI:
        pytest.fail(f"{reason}; CI needs every shared set ({', '.join(SHARED_SETS)})", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


@pytest.fixture
def mlperf_models() -> Path:
    """The MLPerf Tiny folder (skip without it; fail in CI)."""
    skip_unless_shared(MLPERF)
    return MLPERF


#: decorator / ``pytestmark`` of the tests that read the MLPerf Tiny models
needs_shared = pytest.mark.usefixtures("mlperf_models")


def shared_models(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ms")) if folder.is_dir() else []


#: op_families models whose .ms encodes other semantics than the ONNX graph: checked against the
#: official runtime's outputs (ms_output_k) instead of onnxruntime's
OP_FAMILIES_MS_TARGET = {"misc_shapes": "the converter deleted the float -> int32 -> float Cast pair"}


def reference_cases(model: Path, tmp_path: Path) -> Path:
    """The cases to validate a shared model against: ``<model>.ms.npz``, or for the models of
    OP_FAMILIES_MS_TARGET a copy whose expected outputs are the official runtime's."""
    cases = Path(str(model) + ".npz")
    if model.stem not in OP_FAMILIES_MS_TARGET:
        return cases
    import numpy as np
    with np.load(cases) as z:
        arrays = {k: z[k] for k in z.files if k.startswith("input_")}
        arrays.update({k[len("ms_"):]: z[k] for k in z.files if k.startswith("ms_output_")})
    out = tmp_path / "cases.npz"
    np.savez(out, **arrays)
    return out


def require_tool(name: str) -> str:
    """Path of a required external tool; fail (not skip) in CI when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: run scripts/setup.sh")
    return path


# ---------------------------------------------------------------- golden trees (tests/golden/)

GOLDEN = Path(__file__).resolve().parent / "codegen" / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/codegen/golden/, README's supported-operators table and "
                          "nnacl_subset/README.md's kernel table from the current code (review the diff, then commit)")
    hw = parser.getgroup("hardware", "hardware tier (pytest -m hardware; tests/hardware/, README "
                                     "'Testing on a real board')")
    hw.addoption("--board", default=None, metavar="B",
                 help="board to flash and validate on: a real board (nrf52840dk, stm32f746g-disco) with --port, "
                      "or a QEMU board (no --port); without it the hardware tests are skipped")
    hw.addoption("--port", default=None, metavar="P",
                 help="the real board's serial port (/dev/ttyACM0) or a pyserial URL (rfc2217://host:4000)")
    hw.addoption("--runner", default=None, metavar="R",
                 help="flash tool for the real board (openocd, pyocd; default: the board's runner)")


@pytest.fixture
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))
