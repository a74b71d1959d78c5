"""Rule cases of the deconv family (Conv2dTransposeFusion, micro_codegen/ops/deconv.py): one
valid one-op model and one refused variant per rule (merged by test_rules.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import _rules as rules
from micro_codegen.ops import deconv
from rule_kit import F32, I8, I32, IQ, OQ, U8, A, K, arity

_W = K(np.ones((4, 3, 3, 2), np.int8), ([0.01, 0.02], [0, 0]))

#: (inputs, outputs, attributes): int8, stride 2, pads 1, output padding 1 -> 3x3 to 6x6
VALID = {
    "Conv2dTransposeFusion": (
        [A(I8, (1, 3, 3, 4), IQ), _W, K(np.zeros(2, np.int32))], [A(I8, (1, 6, 6, 2), OQ)],
        dict(kernel_size=(3, 3), stride=(2, 2), dilation=(1, 1), pad_mode="PAD", pad_list=(1, 1, 1, 1),
             output_paddings=(1, 1), group=1, format="NHWC", activation_type="RELU")),
}

_OP = "Conv2dTransposeFusion"
REFUSED = [
    ("deconv two outputs", _OP, dict(outs={1: A(I8, (1, 6, 6, 2), OQ)}), rules.one_output),
    ("deconv uint8 input", _OP, dict(ins={0: A(U8, (1, 3, 3, 4), IQ)}), rules.int8_or_float32),
    ("deconv int8 without quant", _OP, dict(ins={0: A(I8, (1, 3, 3, 4))}), rules.int8_quantized),
    ("deconv one input", _OP, dict(n_ins=1), arity(_OP)),
    ("deconv NCHW", _OP, dict(format="NCHW"), rules.nhwc_format),
    ("deconv 3-D input", _OP, dict(ins={0: A(I8, (3, 3, 4), IQ)}), deconv.deconv_tensors),
    ("deconv int8 activation weights", _OP, dict(ins={1: A(I8, (4, 3, 3, 2), (0.01, 0))}), deconv.deconv_tensors),
    ("deconv int8 activation bias", _OP, dict(ins={2: A(I32, (2,))}), deconv.deconv_tensors),
    ("deconv bias size", _OP, dict(ins={2: K(np.zeros(3, np.int32))}), deconv.deconv_tensors),
    ("deconv group", _OP, dict(group=3), deconv.deconv_groups_fit),
    ("deconv weight rows", _OP, dict(ins={1: K(np.ones((2, 3, 3, 2), np.int8), ([0.01, 0.02], [0, 0]))}),
     deconv.deconv_groups_fit),
    ("deconv negative pad", _OP, dict(pad_list=(-1, 1, 1, 1)), rules.pad_mode_known),
    ("deconv zero stride", _OP, dict(stride=(0, 2)), deconv.deconv_window_fits),
    ("deconv negative output padding", _OP, dict(output_paddings=(-1, 0)), deconv.deconv_window_fits),
    ("deconv empty output", _OP, dict(pad_list=(4, 4, 1, 1), output_paddings=(0, 0)), deconv.deconv_window_fits),
    ("deconv output shape", _OP, dict(outs={0: A(I8, (1, 5, 5, 2), OQ)}), deconv.deconv_output_shape),
    ("deconv ONNX output_shape dropped", _OP, dict(output_paddings=(0, 0)), deconv.deconv_output_shape),
    ("deconv sigmoid", _OP, dict(activation_type="SIGMOID"), rules.fused_activation),
    ("deconv hybrid", _OP, dict(ins={0: A(F32, (1, 3, 3, 4)), 2: K(np.zeros(2, np.float32))},
                                outs={0: A(F32, (1, 6, 6, 2))}), deconv.deconv_dtypes),
    ("deconv fp32 bias for int8", _OP, dict(ins={2: K(np.zeros(2, np.float32))}), deconv.deconv_dtypes),
    ("deconv weight zero point", _OP, dict(ins={1: K(np.ones((4, 3, 3, 2), np.int8), ([0.01, 0.02], [0, 1]))}),
     deconv.deconv_weight_quant),
    ("deconv weight quant count", _OP, dict(ins={1: K(np.ones((4, 3, 3, 2), np.int8), ([0.01] * 3, [0] * 3))}),
     deconv.deconv_weight_quant),
]
