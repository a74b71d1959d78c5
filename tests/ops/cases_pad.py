"""Rule cases of PadFusion's REFLECT / SYMMETRIC modes and axes input (micro_codegen/ops/pad.py;
the valid model and the other refused variants are in test_rules.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import _rules, pad
from rule_kit import F32, I8, I16, IQ, A, K

VALID: dict = {}

REFUSED = [
    ("pad edge mode", "PadFusion", dict(padding_mode="MODE_RESERVED"), pad.pad_mode),
    ("pad reflect too wide", "PadFusion", dict(padding_mode="REFLECT", ins={1: K(np.array([[0, 0], [3, 0]], np.int32))},
                                               outs={0: A(F32, (1, 6))}), pad.mirror_fits),
    ("pad axes out of range", "PadFusion", dict(ins={2: K(np.zeros(1, np.float32)), 3: K(np.array([2], np.int32))},
                                                outs={0: A(F32, (1, 6))}), pad.pad_shapes),
    ("pad quantized int16", "PadFusion", dict(ins={0: A(I16, (1, 3), IQ)}, outs={0: A(I16, (1, 6), IQ)}),
     _rules.quantized_8bit),
    ("pad per-channel constant value", "PadFusion",
     dict(ins={0: A(I8, (1, 3), IQ), 2: K(np.zeros(1, np.int8), ([0.1, 0.2], [0, 0]))}, outs={0: A(I8, (1, 6), IQ)}),
     pad.pad_constant_inputs),
    ("pad float64", "PadFusion", dict(ins={0: A(DType.FLOAT64, (1, 3))}, outs={0: A(DType.FLOAT64, (1, 6))}),
     pad.pad_dtype),
]
