"""Rule cases of the gather family (Gather, micro_codegen/ops/gather.py), plus the shared
data-movement rules of ops/transpose.py (movable_dtype, kept_quant) that every
data-movement family lists."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import _rules as rules
from micro_codegen.ops import gather, transpose
from rule_kit import F32, I8, I32, IQ, OQ, A, K, arity

VALID = {
    "Gather": ([A(F32, (4, 3, 5)), A(I32, (2, 2)), K(np.array([-2], np.int32))], [A(F32, (4, 2, 2, 5))], {}),
}

REFUSED = [
    ("gather two outputs", "Gather", dict(outs={1: A(F32, (4, 2, 2, 5))}), rules.one_output),
    ("gather one input", "Gather", dict(n_ins=1), arity("Gather")),
    ("gather float64", "Gather", dict(ins={0: A(DType.FLOAT64, (4, 3, 5))}, outs={0: A(DType.FLOAT64, (4, 2, 2, 5))}),
     transpose.movable_dtype),
    ("gather output dtype", "Gather", dict(outs={0: A(I32, (4, 2, 2, 5))}), transpose.movable_dtype),
    ("gather activation axis", "Gather", dict(ins={2: A(I32, (1,))}), gather.gather_axis),
    ("gather axis range", "Gather", dict(ins={2: K(np.array([3], np.int32))}), gather.gather_axis),
    ("gather float indices", "Gather", dict(ins={1: A(F32, (2, 2))}), gather.gather_indices),
    ("gather constant index range", "Gather", dict(ins={1: K(np.array([[0, 3], [1, -4]], np.int32))}),
     gather.gather_indices),
    ("gather output shape", "Gather", dict(outs={0: A(F32, (4, 4, 5))}), gather.gather_output),
    ("gather requantizing", "Gather", dict(ins={0: A(I8, (4, 3, 5), IQ)}, outs={0: A(I8, (4, 2, 2, 5), OQ)}),
     transpose.kept_quant),
]
