"""The verdict on a `validate --json` report of a shared MLPerf Tiny model (QEMU sweeps, hardware tier):
every case of MODEL.ms.npz passed, int8 models bit-exact, fp32 ones within 1e-3."""
from __future__ import annotations

import re

import numpy as np

from conftest import MLPERF

INT8_MODELS = {"ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_int8"}


def case_count(model: str) -> int:
    """Cases in the model's .npz (``input_k`` or ``input_k_t`` keys)."""
    with np.load(MLPERF / f"{model}.ms.npz") as z:
        return len({m.group(1) for k in z.files if (m := re.fullmatch(r"input_(\d+)(?:_\d+)?", k))})


def check_all_passed(model: str, doc: dict) -> None:
    n = case_count(model)
    assert doc["failed"] == 0 and doc["passed"] == n == len(doc["cases"]), doc
    assert all(c["passed"] for c in doc["cases"]), doc
    worst = max(c["max_abs_diff"] for c in doc["cases"])
    if model in INT8_MODELS:
        assert worst == 0, f"{model}: int8 outputs must be bit-exact, max |diff| {worst}"
    else:
        assert worst < 1e-3, f"{model}: max |diff| {worst}"
