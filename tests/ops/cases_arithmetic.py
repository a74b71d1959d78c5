"""Rule cases of the arithmetic family's ops added since test_rules.py's tables (PowFusion,
FloorDiv, FloorMod, Mod, SquaredDifference) and of its rules those tables do not reach."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import _rules, arithmetic
from rule_kit import F32, I8, I16, I32, IQ, OQ, U8, A, K, arity

F16, U64 = DType.FLOAT16, DType.UINT64

VALID = {
    "PowFusion": ([A(F32, (2, 3)), A(I32, (3,))], [A(F32, (2, 3))], dict(scale=2.0, shift=0.5)),
    "FloorDiv": ([A(I16, (2, 3)), K(np.array([2, -3, 5], np.int16))], [A(I16, (2, 3))], {}),
    "FloorMod": ([A(F32, (2, 1)), A(F32, (1, 3))], [A(F32, (2, 3))], {}),
    "Mod": ([A(U64, (4,)), A(U64, (4,))], [A(U64, (4,))], {}),
    "SquaredDifference": ([A(F16, (2, 3)), A(F16, (3,))], [A(F16, (2, 3))], {}),
}

REFUSED = [
    ("pow one input", "PowFusion", dict(n_ins=1), arity("PowFusion")),
    ("pow int32 output", "PowFusion", dict(outs={0: A(I32, (2, 3))}), arithmetic.pow_dtypes),
    ("pow quantized base", "PowFusion", dict(ins={0: A(I8, (2, 3), IQ)}), arithmetic.pow_dtypes),
    ("pow bool exponent", "PowFusion", dict(ins={1: A(DType.BOOL, (3,))}), arithmetic.pow_dtypes),
    ("pow output shape", "PowFusion", dict(outs={0: A(F32, (3,))}), arithmetic.arith_broadcast),
    ("floordiv bool", "FloorDiv", dict(ins={0: A(DType.BOOL, (2, 3)), 1: A(DType.BOOL, (2, 3))},
                                       outs={0: A(DType.BOOL, (2, 3))}), arithmetic.operand_dtypes),
    ("mod quantized uint8", "Mod", dict(ins={0: A(U8, (4,), IQ), 1: A(U8, (4,), IQ)}, outs={0: A(U8, (4,), OQ)}),
     arithmetic.operand_dtypes),
    ("floormod int8 per channel", "FloorMod",
     dict(ins={0: A(I8, (2, 3), IQ), 1: K(np.ones((1, 3), np.int8), ([0.1] * 3, [0] * 3))},
          outs={0: A(I8, (2, 3), OQ)}), arithmetic.quantization),
    ("squared difference quantized", "SquaredDifference",
     dict(ins={0: A(I8, (2, 3), IQ), 1: A(I8, (3,), IQ)}, outs={0: A(I8, (2, 3), OQ)}), arithmetic.quantized_kernel),
    ("max requantizing", "Maximum", dict(ins={0: A(I8, (2, 3), IQ), 1: A(I8, (2, 1), IQ)}, outs={0: A(I8, (2, 3), OQ)}),
     arithmetic.quantized_kernel),
    # quantized operands other than int8 (uint8 in other families) are refused, not computed as plain integers
    ("mul quantized int16", "MulFusion", dict(ins={0: A(I16, (2, 3), IQ), 1: A(I16, (1, 3), IQ)},
                                              outs={0: A(I16, (2, 3), OQ)}), _rules.quantized_8bit),
    ("floordiv quantized int16 output", "FloorDiv", dict(outs={0: A(I16, (2, 3), OQ)}), _rules.quantized_8bit),
    ("max quantized int32 input", "Maximum", dict(ins={0: A(I32, (2, 3), IQ), 1: A(I32, (2, 1))},
                                                 outs={0: A(I32, (2, 3))}), _rules.quantized_8bit),
    ("pow quantized int16 exponent", "PowFusion", dict(ins={1: A(I16, (3,), IQ)}), _rules.quantized_8bit),
    # the output must be the broadcast shape, not just hold as many elements
    ("sub transposed output", "SubFusion", dict(outs={0: A(F32, (3, 2))}), arithmetic.arith_broadcast),
    ("floormod transposed output", "FloorMod", dict(outs={0: A(F32, (3, 2))}), arithmetic.arith_broadcast),
    ("add int32 relu", "AddFusion", dict(ins={0: A(I32, (1, 4)), 1: A(I32, (1, 4))}, outs={0: A(I32, (1, 4))},
                                         activation_type="RELU"), arithmetic.activation_dtype),
]
