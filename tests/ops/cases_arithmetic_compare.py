"""Rule cases of the arithmetic_compare family: comparisons, LogicalAnd / LogicalOr, Where."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import _rules, arithmetic, arithmetic_compare
from rule_kit import F32, I8, I16, I32, IQ, OQ, U8, A, K, arity

B, F16 = DType.BOOL, DType.FLOAT16

VALID = {
    "Equal": ([A(I32, (3, 4)), A(I32, (4,))], [A(B, (3, 4))], {}),
    "NotEqual": ([A(F16, (2, 3)), A(F16, (2, 3))], [A(B, (2, 3))], {}),
    "Less": ([A(I8, (2, 3), IQ), A(I8, (1, 3), (0.02, 3))], [A(B, (2, 3))], {}),
    "LessEqual": ([A(U8, (2, 3)), K(np.array([1], np.uint8))], [A(B, (2, 3))], {}),
    "Greater": ([A(F32, (2, 3)), A(F32, (3,))], [A(B, (2, 3))], {}),
    "GreaterEqual": ([A(B, (2, 3)), A(B, (2, 1))], [A(B, (2, 3))], {}),
    "LogicalAnd": ([A(B, (3, 4)), A(B, (4,))], [A(B, (3, 4))], {}),
    "LogicalOr": ([A(B, (1, 4)), A(B, (3, 1))], [A(B, (3, 4))], {}),
    "Where": ([A(B, (2, 1)), A(F32, (2, 3)), A(F32, (3,))], [A(F32, (2, 3))], {}),
}

REFUSED = [
    ("equal one input", "Equal", dict(n_ins=1), arity("Equal")),
    ("equal mixed dtypes", "Equal", dict(ins={1: A(F32, (4,))}), arithmetic_compare.compare_dtypes),
    ("greater float output", "Greater", dict(outs={0: A(F32, (2, 3))}), arithmetic_compare.compare_dtypes),
    ("less half quantized", "Less", dict(ins={1: A(I8, (1, 3))}), arithmetic_compare.compare_dtypes),
    ("less scale 1", "Less", dict(ins={1: A(I8, (1, 3), (1.0, 0))}), arithmetic_compare.compare_scales),
    ("less per channel", "Less", dict(ins={1: K(np.ones((1, 3), np.int8), ([0.1] * 3, [0] * 3))}),
     arithmetic_compare.compare_scales),
    ("greater no broadcast", "Greater", dict(ins={1: A(F32, (2,))}), arithmetic.arith_broadcast),
    ("equal quantized int32", "Equal", dict(ins={0: A(I32, (3, 4), IQ), 1: A(I32, (4,), IQ)}), _rules.quantized_8bit),
    ("greater quantized int16 constant", "Greater",
     dict(ins={0: A(I16, (2, 3)), 1: K(np.array([1, 2, 3], np.int16), IQ)}), _rules.quantized_8bit),
    ("greater transposed output", "Greater", dict(outs={0: A(B, (3, 2))}), arithmetic.arith_broadcast),
    ("and one input", "LogicalAnd", dict(n_ins=1), arity("LogicalAnd")),
    ("or int32", "LogicalOr", dict(ins={0: A(I32, (1, 4))}), arithmetic_compare.bool_operands),
    ("where two inputs", "Where", dict(n_ins=2), arity("Where")),
    ("where float condition", "Where", dict(ins={0: A(F32, (2, 1))}), arithmetic_compare.where_operands),
    ("where mixed dtypes", "Where", dict(ins={2: A(I32, (3,))}), arithmetic_compare.where_operands),
    ("where requantizing", "Where", dict(ins={1: A(I8, (2, 3), IQ), 2: A(I8, (3,), IQ)}, outs={0: A(I8, (2, 3), OQ)}),
     arithmetic_compare.where_operands),
    ("where no broadcast", "Where", dict(ins={2: A(F32, (2,))}), arithmetic_compare.where_broadcast),
    ("where output shape", "Where", dict(outs={0: A(F32, (3, 3))}), arithmetic_compare.where_broadcast),
    ("where requantizing int16", "Where", dict(ins={1: A(I16, (2, 3), IQ), 2: A(I16, (3,), IQ)},
                                               outs={0: A(I16, (2, 3), OQ)}), arithmetic_compare.where_operands),
    ("where transposed output", "Where", dict(outs={0: A(F32, (3, 2))}), arithmetic_compare.where_broadcast),
    ("where 7 dims", "Where", dict(ins={0: A(B, (2, 1, 2, 1, 2, 1, 2)), 1: A(F32, (1, 2, 1, 2, 1, 2, 1)),
                                        2: A(F32, (1,))}, outs={0: A(F32, (2, 2, 2, 2, 2, 2, 2))}),
     arithmetic_compare.where_broadcast),
]
