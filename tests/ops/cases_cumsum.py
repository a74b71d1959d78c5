"""Rule cases of the cumsum family (CumSum along a constant axis)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import _rules, cumsum
from rule_kit import F32, I8, I32, IQ, A, K, arity

VALID = {
    "CumSum": ([A(F32, (2, 5)), K(np.array(-1, np.int32))], [A(F32, (2, 5))], dict(exclusive=True, reverse=True)),
}

REFUSED = [
    ("cumsum bool", "CumSum", dict(ins={0: A(DType.BOOL, (2, 5))}, outs={0: A(DType.BOOL, (2, 5))}),
     cumsum.cumsum_dtype),
    ("cumsum quantized int8", "CumSum", dict(ins={0: A(I8, (2, 5), IQ)}, outs={0: A(I8, (2, 5), IQ)}),
     cumsum.cumsum_dtype),
    ("cumsum output dtype", "CumSum", dict(outs={0: A(I32, (2, 5))}), _rules.same_as_input),
    ("cumsum run-time axis", "CumSum", dict(ins={1: A(I32, (1,))}), cumsum.cumsum_axis),
    ("cumsum two axes", "CumSum", dict(ins={1: K(np.array([0, 1], np.int32))}), cumsum.cumsum_axis),
    ("cumsum axis range", "CumSum", dict(ins={1: K(np.array(2, np.int32))}), cumsum.cumsum_axis),
    ("cumsum three inputs", "CumSum", dict(ins={2: K(np.array(0, np.int32))}), arity("CumSum")),
]
