"""Rule cases of the topk family (TopKFusion with a constant k)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import topk
from rule_kit import F32, I8, I32, IQ, OQ, A, K, arity

VALID = {
    "TopKFusion": ([A(F32, (3, 5)), K(np.array([2], np.int32))], [A(F32, (3, 2)), A(I32, (3, 2))],
                   dict(axis=-1, sorted=True, largest=0)),
}

REFUSED = [
    ("topk three outputs", "TopKFusion", dict(outs={2: A(I32, (3, 2))}), topk.two_outputs),
    ("topk three inputs", "TopKFusion", dict(ins={2: K(np.array([2], np.int32))}), arity("TopKFusion")),
    ("topk float64", "TopKFusion", dict(ins={0: A(DType.FLOAT64, (3, 5))}, outs={0: A(DType.FLOAT64, (3, 2))}),
     topk.topk_dtypes),
    ("topk values dtype", "TopKFusion", dict(outs={0: A(I32, (3, 2))}), topk.topk_dtypes),
    ("topk values requantized", "TopKFusion", dict(ins={0: A(I8, (3, 5), IQ)}, outs={0: A(I8, (3, 2), OQ)}),
     topk.topk_dtypes),
    ("topk float indices", "TopKFusion", dict(outs={1: A(F32, (3, 2))}), topk.topk_dtypes),
    ("topk run-time k", "TopKFusion", dict(ins={1: A(I32, (1,))}), topk.topk_k),
    ("topk k too large", "TopKFusion", dict(ins={1: K(np.array([6], np.int32))}), topk.topk_k),
    ("topk axis", "TopKFusion", dict(axis=2), topk.topk_k),
    ("topk output size", "TopKFusion", dict(outs={1: A(I32, (3, 3))}), topk.topk_output),
]
