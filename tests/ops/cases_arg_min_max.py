"""Rule cases of the arg_min_max family (ArgMaxFusion, ArgMinFusion)."""
from __future__ import annotations

from micro_codegen.ir import DType
from micro_codegen.ops import _rules, arg_min_max
from rule_kit import F32, I8, I32, IQ, OQ, A, arity

VALID = {
    "ArgMaxFusion": ([A(F32, (2, 3, 4))], [A(I32, (2, 4))], dict(axis=1, top_k=1, keep_dims=False,
                                                                 out_max_value=False)),
    "ArgMinFusion": ([A(I8, (2, 3, 4), IQ)], [A(I8, (2, 3, 2), IQ)], dict(axis=-1, top_k=2, keep_dims=True,
                                                                          out_max_value=True)),
}

REFUSED = [
    ("argmax float64", "ArgMaxFusion", dict(ins={0: A(DType.FLOAT64, (2, 3, 4))}), arg_min_max.arg_dtypes),
    ("argmax float indices", "ArgMaxFusion", dict(outs={0: A(F32, (2, 4))}), arg_min_max.arg_dtypes),
    ("argmax values of another dtype", "ArgMaxFusion", dict(outs={0: A(I32, (2, 4))}, out_max_value=True),
     arg_min_max.arg_dtypes),
    ("argmin values requantized", "ArgMinFusion", dict(outs={0: A(I8, (2, 3, 2), OQ)}), arg_min_max.arg_dtypes),
    ("argmax axis", "ArgMaxFusion", dict(axis=3), arg_min_max.arg_axis),
    ("argmin top_k", "ArgMinFusion", dict(top_k=5), arg_min_max.arg_axis),
    ("argmax output size", "ArgMaxFusion", dict(outs={0: A(I32, (2, 3))}), arg_min_max.arg_output),
    ("argmax two inputs", "ArgMaxFusion", dict(ins={1: A(F32, (2, 3, 4))}), arity("ArgMaxFusion")),
    ("argmin two outputs", "ArgMinFusion", dict(outs={1: A(I32, (2, 3, 2))}), _rules.one_output),
]
