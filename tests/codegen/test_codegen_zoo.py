"""Generated C vs the reference interpreter on real-converter models beyond MLPerf:
the seed_arch networks (MobileNet v1/v2, SqueezeNet; vs TFLite reference outputs) and every
supported single-op model of the ONNX zoo (vs the reference interpreter's outputs, so each
op family and kernel variant the converter emits is compiled, run over the protocol and
compared: int8 exactly, float within the default tolerance)."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import ONNX_OPS, OP_FAMILIES, SEED_ARCH, needs_shared, reference_cases, shared_models
from micro_codegen import api, reference
from micro_codegen.cases import bound_values, load_cases, save_outputs
from micro_codegen.fold import shape_inputs
from micro_codegen.check import check_graph
from micro_codegen.errors import CodegenError


def _supported_zoo() -> list[str]:
    """Entries `check` accepts once the inputs that set shapes are bound from the .npz (as
    `validate` binds them)."""
    names = []
    for path in shared_models(ONNX_OPS):
        cases = ONNX_OPS / f"{path.name}.npz"
        try:
            g = api.load(path)
            g = api.bind_graph(g, bound_values(cases, g, shape_inputs(g)))
        except CodegenError:
            continue
        if not check_graph(g):
            names.append(path.stem)
    return names


@needs_shared
@pytest.mark.host_cc
@pytest.mark.parametrize("model", [p.stem for p in shared_models(SEED_ARCH)])
def test_seed_arch_on_host(model, tmp_path):
    r = api.validate(SEED_ARCH / f"{model}.ms", "host", out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 3, r.report.to_json()
    if model.endswith("int8"):
        assert all(c.max_abs_diff == 0 for c in r.report.cases)


@needs_shared
@pytest.mark.host_cc
@pytest.mark.parametrize("model", [p.stem for p in shared_models(OP_FAMILIES)])
def test_op_family_model_on_host(model, tmp_path):
    """The official converter's encodings of MatMul/attention, LSTM with state I/O, PReLU,
    BatchNorm -> Scale, reflect Pad + StridedSlice spectrogram, Gather, ConvTranspose + Resize
    and shape chains (op_families/SOURCES.md) generate, build and validate."""
    cases = reference_cases(OP_FAMILIES / f"{model}.ms", tmp_path)
    r = api.validate(OP_FAMILIES / f"{model}.ms", "host", cases_path=cases, out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == len(r.report.cases) > 0, r.report.to_json()


ZOO = _supported_zoo()


@needs_shared
@pytest.mark.host_cc
def test_zoo_has_supported_models():
    assert len(ZOO) >= 80, len(ZOO)


@needs_shared
@pytest.mark.host_cc
@pytest.mark.parametrize("model", ZOO)
def test_onnx_zoo_op_on_host(model, tmp_path):
    path = ONNX_OPS / f"{model}.ms"
    g = api.load(path)
    with np.load(ONNX_OPS / f"{model}.ms.npz") as z:        # inputs only: the expected values
        arrays = {k: z[k] for k in z.files if k.startswith("input_")}  # are the reference's
    cases_path = tmp_path / "cases.npz"
    np.savez(cases_path, **arrays)
    cases = load_cases(cases_path, g)
    expected = [(c.index, reference.run(g, c.inputs)) for c in cases]
    save_outputs(tmp_path / "expected.npz", expected)
    with np.load(tmp_path / "expected.npz") as z:
        np.savez(cases_path, **arrays, **{k: z[k] for k in z.files})
    r = api.validate(path, "host", cases_path=cases_path, out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == len(cases), r.report.to_json()
