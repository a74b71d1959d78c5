"""Rule cases of the resize family (Resize, micro_codegen/ops/resize.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import _rules as rules
from micro_codegen.ops import resize
from rule_kit import F32, I8, I32, IQ, OQ, A, K, arity

_SIZES = K(np.array([4, 4], np.int32))

VALID = {
    "Resize": ([A(F32, (1, 2, 2, 3)), _SIZES], [A(F32, (1, 4, 4, 3))],
               dict(method="NEAREST", coordinate_transform_mode="HALF_PIXEL", nearest_mode="CEIL", format="NHWC")),
}

REFUSED = [
    ("resize two outputs", "Resize", dict(outs={1: A(F32, (1, 4, 4, 3))}), rules.one_output),
    ("resize three inputs", "Resize", dict(ins={2: _SIZES}), arity("Resize")),
    ("resize NCHW", "Resize", dict(format="NCHW"), rules.nhwc_format),
    ("resize 3-D", "Resize", dict(ins={0: A(F32, (2, 2, 3))}, outs={0: A(F32, (4, 4, 3))}), resize.resize_shapes),
    ("resize dtypes", "Resize", dict(outs={0: A(I32, (1, 4, 4, 3))}), resize.resize_shapes),
    ("resize channels", "Resize", dict(outs={0: A(F32, (1, 4, 4, 2))}), resize.resize_shapes),
    ("resize unknown method", "Resize", dict(method="UNKNOWN"), resize.resize_method),
    ("resize int32 linear", "Resize", dict(ins={0: A(I32, (1, 2, 2, 3))}, outs={0: A(I32, (1, 4, 4, 3))},
                                           method="LINEAR"), resize.resize_method),
    ("resize int8 cubic", "Resize", dict(ins={0: A(I8, (1, 2, 2, 3), IQ)}, outs={0: A(I8, (1, 4, 4, 3), IQ)},
                                         method="CUBIC"), resize.resize_method),
    ("resize unknown mode", "Resize", dict(coordinate_transform_mode=3), resize.resize_mode),
    ("resize requantizing", "Resize", dict(ins={0: A(I8, (1, 2, 2, 3), IQ)}, outs={0: A(I8, (1, 4, 4, 3), OQ)}),
     resize.resize_quant),
]
