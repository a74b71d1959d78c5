"""The reference interpreter on the shared real models vs. the TFLite reference outputs.

For every ``.ms`` of ``shared/models/mlperf_tiny`` (9) and ``shared/models/seed_arch`` (6),
every case of ``<model>.ms.npz`` is run; ``output_k`` there comes from the TFLite
reference kernels (BUILTIN_REF) on the source ``.tflite``. int8 outputs must be
bit-exact, fp32 outputs within ``1e-5 + 1e-5*|ref|``, and the hybrid KWS model
(int8 conv weights, fp32 activations) within 1e-3 absolute.
"""
from __future__ import annotations

import numpy as np
import pytest

from conftest import SHARED, skip_unless_shared
from micro_codegen.cases import compare, load_cases
from micro_codegen.ms_model import read_model
from micro_codegen.reference import run

MODELS = SHARED / "models"

MLPERF = ["ad01_fp32", "ad01_int8", "kws_ref_model", "kws_ref_model_float32", "pretrainedResnet",
          "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_float", "vww_96_int8"]
SEED_ARCH = ["mobilenet_v1_025_96_float", "mobilenet_v1_025_96_int8", "mobilenet_v2_035_96_float",
             "mobilenet_v2_035_96_int8", "squeezenet_mini_float", "squeezenet_mini_int8"]
HYBRID = {"kws_ref_model_float32": 1e-3}          # absolute tolerance

PARAMS = [("mlperf_tiny", m) for m in MLPERF] + [("seed_arch", m) for m in SEED_ARCH]


@pytest.mark.parametrize("folder,name", PARAMS, ids=[p[1] for p in PARAMS])
def test_model_matches_tflite_reference(folder, name):
    path = MODELS / folder / f"{name}.ms"
    skip_unless_shared(path)
    graph = read_model(path)
    cases = load_cases(str(path) + ".npz", graph)
    assert cases
    failures = []
    for case in cases:
        assert case.expected is not None, f"case {case.index} has no output"
        outs = run(graph, case.inputs)
        for pos, (got, exp) in enumerate(zip(outs, case.expected)):
            if name in HYBRID:
                r = compare(got, exp, atol=HYBRID[name], rtol=0.0)
            else:
                r = compare(got, exp)
            if np.issubdtype(exp.dtype, np.integer):
                assert got.dtype == exp.dtype
            if not r.passed:
                failures.append(f"case {case.index} output {pos}: {r.mismatches} mismatches, max |diff| "
                                f"{r.max_abs_diff:g}, worst (index, expected, got) {r.worst}")
    assert not failures, f"{name}:\n" + "\n".join(failures)
