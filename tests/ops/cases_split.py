"""Rule cases of the split family (Split, micro_codegen/ops/split.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import split, transpose
from rule_kit import F32, I8, IQ, OQ, A, K, arity

VALID = {
    "Split": ([A(I8, (2, 7, 3), IQ)], [A(I8, (2, 2, 3), IQ), A(I8, (2, 5, 3), IQ)],
              dict(axis=-2, output_num=2, size_splits=(2, -1))),
}

REFUSED = [
    ("split three inputs", "Split", dict(ins={1: K(np.array([2, 5], np.int32)), 2: K(np.array([1], np.int32))}),
     arity("Split")),
    ("split axis", "Split", dict(axis=3), split.split_axis),
    ("split sizes", "Split", dict(size_splits=(2, 4)), split.split_parts),
    ("split output shape", "Split", dict(outs={1: A(I8, (2, 5, 1), IQ)}), split.split_parts),
    ("split output dtype", "Split", dict(outs={1: A(F32, (2, 5, 3))}), transpose.movable_dtype),
    ("split requantizing", "Split", dict(outs={1: A(I8, (2, 5, 3), OQ)}), transpose.kept_quant),
    ("split quantized into plain", "Split", dict(outs={1: A(I8, (2, 5, 3))}), transpose.kept_quant),
]
