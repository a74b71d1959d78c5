"""Real-world-shaped models (tests/realistic_models.py: MLP classifier with MatMul, landmark CNN
with PReLU, embedding net with folded batch norms and LayerNorm, keyword spotter with an STFT
front end and a streaming LSTM) generate, build and validate against the reference
interpreter: on the host, and on QEMU Cortex-M boards (the LSTM model by default, every model
on two boards with ``-m slow``)."""
from __future__ import annotations

import pytest

from conftest import require_tool
from micro_codegen import api
from realistic_models import MODELS
from tiny_models import write_tiny_model


@pytest.mark.host_cc
@pytest.mark.parametrize("name", sorted(MODELS))
def test_real_world_model_on_host(name, tmp_path):
    require_tool("gcc")
    model = write_tiny_model(tmp_path, MODELS[name](), name)
    r = api.validate(model, "host", out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 3, r.report.to_json()


QEMU_CASES = [pytest.param(b, m, marks=[pytest.mark.qemu] + ([] if (b, m) == ("qemu-mps2-an386", "speech_lstm")
                                                             else [pytest.mark.slow]))
              for b in ("qemu-mps2-an386", "qemu-mps3-an547") for m in sorted(MODELS)]


@pytest.mark.parametrize("board, name", QEMU_CASES)
def test_real_world_model_on_qemu(board, name, tmp_path):
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    model = write_tiny_model(tmp_path, MODELS[name](), name)
    r = api.validate(model, board, out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 3, r.report.to_json()
