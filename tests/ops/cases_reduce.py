"""Rule cases of the reduce family (ReduceFusion over any axes, float32 / int8 / bool / integers)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import reduce
from rule_kit import F32, I8, I32, IQ, OQ, A, K

VALID = {
    "ReduceFusion": ([A(F32, (2, 3, 4)), K(np.array([1], np.int32))], [A(F32, (2, 4))], dict(mode="ReduceMean")),
}

REFUSED = [
    ("reduce float16", "ReduceFusion", dict(ins={0: A(DType.FLOAT16, (2, 3, 4))}, outs={0: A(DType.FLOAT16, (2, 4))}),
     reduce.reduce_dtype),
    ("reduce int32 to float", "ReduceFusion", dict(ins={0: A(I32, (2, 3, 4))}), reduce.reduce_dtype),
    ("reduce quantized int32", "ReduceFusion", dict(ins={0: A(I32, (2, 3, 4), IQ)}, outs={0: A(I32, (2, 4), IQ)},
                                                    mode="ReduceSum"), reduce.reduce_dtype),
    ("reduce axis out of range", "ReduceFusion", dict(ins={1: K(np.array([3], np.int32))}), reduce.constant_axes),
    ("reduce empty axes", "ReduceFusion", dict(ins={1: K(np.zeros(0, np.int32))}), reduce.constant_axes),
    ("reduce int32 coeff", "ReduceFusion", dict(ins={0: A(I32, (2, 3, 4))}, outs={0: A(I32, (2,))}, mode="ReduceSum",
                                                reduce_to_end=True, coeff=2.0), reduce.coeff_one),
    ("reduce fp32 all", "ReduceFusion", dict(mode="ReduceAll"), reduce.reduce_mode),
    ("reduce int8 l2", "ReduceFusion", dict(ins={0: A(I8, (2, 3, 4), IQ)}, outs={0: A(I8, (2, 4), OQ)},
                                            mode="ReduceL2"), reduce.reduce_mode),
    ("reduce bool sum", "ReduceFusion", dict(ins={0: A(DType.BOOL, (2, 3, 4))}, outs={0: A(DType.BOOL, (2, 4))},
                                             mode="ReduceSum"), reduce.reduce_mode),
    ("reduce int8 prod huge rescale", "ReduceFusion", dict(ins={0: A(I8, (2, 3, 4), (1000.0, 0))},
                                                           outs={0: A(I8, (2, 4), (1e-3, 0))}, mode="ReduceProd"),
     reduce.prod_scale),
    ("reduce 13 alternating dims", "ReduceFusion", dict(ins={0: A(F32, (2,) * 13), 1: K(np.arange(1, 13, 2, np.int32))},
                                                       outs={0: A(F32, (2,) * 7)}), reduce.reduce_dims),
]
