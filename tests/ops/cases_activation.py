"""Rule cases of the activation family beyond test_rules.py's (Activation on more dtypes and
types, Clip; micro_codegen/ops/activation.py), of PReLUFusion (ops/prelu.py), Cast (ops/cast.py),
LogSoftmax (ops/softmax.py) and the arithmetic_self family (ops/arithmetic_self.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from micro_codegen.ops import _rules, activation, arithmetic_self, cast, prelu, softmax
from rule_kit import F32, I8, I16, I32, IQ, OQ, A, K, arity

F16, BOOL, U64 = DType.FLOAT16, DType.BOOL, DType.UINT64
X = (2, 5)

VALID = {
    "Clip": ([A(F32, (2, 3)), K(np.array([-1.0], np.float32)), K(np.array([1.0], np.float32))], [A(F32, (2, 3))], {}),
    "PReLUFusion": ([A(F32, (1, 4, 4, 3)), K(np.array([0.1, 0.2, 0.3], np.float32))], [A(F32, (1, 4, 4, 3))], {}),
    "Cast": ([A(F32, (2, 3)), K(np.array([34], np.int32))], [A(I32, (2, 3))], {}),
    "LogSoftmax": ([A(F32, X)], [A(F32, X)], dict(axis=-1)),
    "Abs": ([A(I8, X, IQ)], [A(I8, X, OQ)], {}),
    "Neg": ([A(I16, X)], [A(I16, X)], {}),
    "Square": ([A(I32, X)], [A(I32, X)], {}),
    "ExpFusion": ([A(F32, X)], [A(F32, X)], dict(base=2.0, scale=0.5, shift=1.0)),
    "LogicalNot": ([A(BOOL, X)], [A(BOOL, X)], {}),
    **{op: ([A(F32, X)], [A(F32, X)], {}) for op in ("Sqrt", "Rsqrt", "Log", "Log1p", "Erf", "Sin", "Cos", "Floor",
                                                      "Ceil", "Round", "Reciprocal")},
}

_Q8 = dict(ins={0: A(I8, (1, 8), IQ)}, outs={0: A(I8, (1, 8), OQ)})

REFUSED = [
    # Activation (VALID in test_rules.py: float32 (1, 8) HSWISH)
    ("activation float16", "Activation", dict(ins={0: A(F16, (1, 8))}, outs={0: A(F16, (1, 8))}),
     activation.activation_dtype),
    ("activation uint64", "Activation", dict(ins={0: A(U64, (1, 8))}, outs={0: A(U64, (1, 8))}),
     activation.activation_dtype),
    ("activation int8 half quantized", "Activation", dict(ins={0: A(I8, (1, 8), IQ)}, outs={0: A(I8, (1, 8))}),
     activation.quant_pairing),
    ("activation int8 per channel", "Activation", dict(ins={0: A(I8, (1, 8), ([0.1, 0.2], [0, 0]))},
                                                       outs={0: A(I8, (1, 8), OQ)}), activation.quant_pairing),
    ("activation quantized int16", "Activation", dict(ins={0: A(I16, (1, 8), IQ)}, outs={0: A(I16, (1, 8), OQ)},
                                                      activation_type="RELU6"), _rules.quantized_8bit),
    ("activation fp32 thresholdrelu", "Activation", dict(activation_type="THRESHOLDRELU"), activation.kernel_for_type),
    ("activation int8 softplus", "Activation", dict(activation_type="SOFTPLUS", **_Q8), activation.kernel_for_type),
    ("activation int16 sigmoid", "Activation", dict(ins={0: A(I16, (1, 8))}, outs={0: A(I16, (1, 8))},
                                                    activation_type="SIGMOID"), activation.kernel_for_type),
    ("activation int8 hswish scales", "Activation", dict(ins={0: A(I8, (1, 8), (0.5, 0))},
                                                         outs={0: A(I8, (1, 8), (0.001, 0))}),
     activation.int8_multipliers),
    # Clip
    ("clip four inputs", "Clip", dict(ins={3: K(np.array([1.0], np.float32))}), arity("Clip")),
    ("clip float16", "Clip", dict(ins={0: A(F16, (2, 3))}, outs={0: A(F16, (2, 3))}), activation.activation_dtype),
    ("clip half quantized", "Clip", dict(ins={0: A(I8, (2, 3), IQ), 1: K(np.array([-1], np.int8)),
                                              2: K(np.array([1], np.int8))}, outs={0: A(I8, (2, 3))}),
     activation.quant_pairing),
    ("clip quantized int32", "Clip", dict(ins={0: A(I32, (2, 3), IQ), 1: K(np.array([-1], np.int32)),
                                               2: K(np.array([1], np.int32))}, outs={0: A(I32, (2, 3), IQ)}),
     _rules.quantized_8bit),
    ("clip two minimums", "Clip", dict(ins={1: K(np.array([-1.0, 0.0], np.float32))}), activation.clip_bounds),
    ("clip int32 bound", "Clip", dict(ins={1: K(np.array([-1], np.int32))}), activation.clip_bounds),
    ("clip quantized activation bound", "Clip", dict(ins={0: A(I8, (2, 3), IQ), 1: A(F32, (1,))},
                                                     outs={0: A(I8, (2, 3), OQ)}, n_ins=2), activation.clip_bounds),
    ("clip int8 scale ratio", "Clip", dict(ins={0: A(I8, (2, 3), (3e38, 0))}, outs={0: A(I8, (2, 3), (1e-30, 0))},
                                           n_ins=1), activation.int8_multipliers),
    # PReLUFusion
    ("prelu one input", "PReLUFusion", dict(n_ins=1), arity("PReLUFusion")),
    ("prelu slope dtype", "PReLUFusion", dict(ins={1: K(np.array([1, 2, 3], np.int8), IQ)}), prelu.prelu_slope),
    ("prelu slope shape", "PReLUFusion", dict(ins={1: K(np.array([0.1, 0.2], np.float32))}), prelu.prelu_slope),
    ("prelu int8 scale ratio", "PReLUFusion", dict(ins={0: A(I8, (1, 4, 4, 3), (3e38, 0)),
                                                       1: K(np.array([1, 2, 3], np.int8), (1.0, 0))},
                                                  outs={0: A(I8, (1, 4, 4, 3), (1e-30, 0))}),
     prelu.prelu_multipliers),
    # Cast
    ("cast three inputs", "Cast", dict(ins={2: K(np.array([1], np.int32))}), arity("Cast")),
    ("cast float64", "Cast", dict(outs={0: A(DType.FLOAT64, (2, 3))}), cast.cast_dtypes),
    ("cast size", "Cast", dict(outs={0: A(I32, (2, 2))}), cast.cast_dtypes),
    ("cast quantized", "Cast", dict(outs={0: A(I8, (2, 3), IQ)}), cast.cast_not_quantized),
    ("cast quantized int16", "Cast", dict(ins={0: A(I16, (2, 3), IQ)}), _rules.quantized_8bit),
    ("cast quantized uint16 output", "Cast", dict(outs={0: A(DType.UINT16, (2, 3), OQ)}), _rules.quantized_8bit),
    # LogSoftmax
    ("log softmax two inputs", "LogSoftmax", dict(ins={1: A(F32, X)}), arity("LogSoftmax")),
    ("log softmax int8", "LogSoftmax", dict(ins={0: A(I8, X, IQ)}), softmax.float32_data),
    ("log softmax axis", "LogSoftmax", dict(axis=2), softmax.one_axis),
    # arithmetic_self
    ("sqrt two inputs", "Sqrt", dict(ins={1: A(F32, X)}), arity("Sqrt")),
    ("sqrt int32", "Sqrt", dict(ins={0: A(I32, X)}, outs={0: A(I32, X)}), arithmetic_self.self_dtype),
    ("square int8 quantized", "Square", dict(ins={0: A(I8, X, IQ)}, outs={0: A(I8, X, OQ)}),
     arithmetic_self.self_dtype),
    ("logical not float", "LogicalNot", dict(ins={0: A(F32, X)}, outs={0: A(F32, X)}), arithmetic_self.self_dtype),
    ("abs per channel", "Abs", dict(ins={0: A(I8, X, ([0.1, 0.2], [0, 0]))}), arithmetic_self.self_quant),
    ("neg int8 scale ratio", "Neg", dict(ins={0: A(I8, X, (3e38, 0))}, outs={0: A(I8, X, (1e-30, 0))}),
     arithmetic_self.self_quant),
    ("neg quantized int16", "Neg", dict(ins={0: A(I16, X, IQ)}, outs={0: A(I16, X, OQ)}), _rules.quantized_8bit),
    ("exp negative base", "ExpFusion", dict(base=-2.0), arithmetic_self.exp_base),
]
