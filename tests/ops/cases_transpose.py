"""Rule cases of Transpose's quantization (micro_codegen/ops/transpose.py; the valid model and
the other refused variants are in test_rules.py): data moves unchanged, so quantized data
keeps its parameters."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import transpose
from rule_kit import I8, IQ, OQ, A, K

VALID: dict = {}

_PERM = K(np.array([1, 0], np.int32))

REFUSED = [
    ("transpose requantizing", "Transpose", dict(ins={0: A(I8, (2, 3), IQ), 1: _PERM}, outs={0: A(I8, (3, 2), OQ)}),
     transpose.kept_quant),
    ("transpose quantized into plain", "Transpose", dict(ins={0: A(I8, (2, 3), IQ), 1: _PERM},
                                                         outs={0: A(I8, (3, 2))}), transpose.kept_quant),
]
