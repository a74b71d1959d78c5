"""Rule cases of the pooling family added since test_rules.py's own rows (MaxPoolFusion with
an argmax output, other dtypes); MaxPoolFusion's VALID model stays test_rules.py's."""
from __future__ import annotations

from micro_codegen.ir import DType
from micro_codegen.ops import pooling
from rule_kit import F32, I16, I32, A

_Y = (1, 2, 2, 3)

VALID: dict = {}

REFUSED = [
    ("maxpool three outputs", "MaxPoolFusion", dict(outs={1: A(F32, _Y), 2: A(F32, _Y)}), pooling.max_pool_outputs),
    ("maxpool int16 argmax", "MaxPoolFusion", dict(outs={1: A(I16, _Y)}), pooling.max_pool_outputs),
    ("maxpool argmax shape", "MaxPoolFusion", dict(outs={1: A(I32, (1, 2, 2, 1))}), pooling.max_pool_outputs),
    ("maxpool bool", "MaxPoolFusion", dict(ins={0: A(DType.BOOL, (1, 4, 4, 3))}, outs={0: A(DType.BOOL, _Y)}),
     pooling.max_pool_dtype),
    ("maxpool int32 relu", "MaxPoolFusion", dict(ins={0: A(I32, (1, 4, 4, 3))}, outs={0: A(I32, _Y)},
                                                 activation_type="RELU"), pooling.pool_activation_input),
]
