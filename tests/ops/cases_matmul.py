"""Rule cases of the linear-algebra and normalisation families: matmul (MatMulFusion), scale
(ScaleFusion), batchnorm (BatchNorm, FusedBatchNorm), layer_norm (LayerNormFusion),
instance_norm (InstanceNorm) and local_response_norm (LRN). Merged by test_rules.py."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import batchnorm, instance_norm, layer_norm, local_response_norm, matmul, scale
from micro_codegen.ops import _rules as rules

from rule_kit import F32, I8, I16, I32, IQ, OQ, A, K, arity

_W8 = K(np.ones((4, 3), np.int8), ([0.02] * 3, [0] * 3))          # [deep 4, col 3], per-column scales
_V4 = K(np.ones(4, np.float32))

VALID = {
    "MatMulFusion": ([A(I8, (2, 5, 4), IQ), _W8, K(np.zeros(3, np.int32))], [A(I8, (2, 5, 3), OQ)],
                     dict(transpose_a=False, transpose_b=False, activation_type="RELU1")),
    "ScaleFusion": ([A(F32, (1, 3, 3, 4)), _V4, _V4], [A(F32, (1, 3, 3, 4))], dict(axis=-1, activation_type="RELU")),
    "BatchNorm": ([A(F32, (2, 3, 4)), _V4, _V4], [A(F32, (2, 3, 4))], dict(epsilon=1e-3)),
    "FusedBatchNorm": ([A(F32, (2, 3, 4)), _V4, _V4, _V4, _V4], [A(F32, (2, 3, 4))], dict(epsilon=1e-3)),
    "LayerNormFusion": ([A(F32, (2, 3, 4)), K(np.ones((3, 4), np.float32)), K(np.zeros((3, 4), np.float32))],
                        [A(F32, (2, 3, 4))], dict(begin_norm_axis=-1, begin_params_axis=1, epsilon=1e-5)),
    "InstanceNorm": ([A(F32, (2, 3, 4)), _V4, A(F32, (4,))], [A(F32, (2, 3, 4))], dict(epsilon=1e-5)),
    "LRN": ([A(F32, (1, 2, 2, 6))], [A(F32, (1, 2, 2, 6))], dict(depth_radius=2, bias=1.0, alpha=1e-3, beta=0.75)),
}

REFUSED = [
    # MatMulFusion
    ("matmul one input", "MatMulFusion", dict(n_ins=1), arity("MatMulFusion")),
    ("matmul float b", "MatMulFusion", dict(ins={1: K(np.ones((4, 3), np.float32))}), matmul.matmul_dtypes),
    ("matmul float bias", "MatMulFusion", dict(ins={2: K(np.zeros(3, np.float32))}), matmul.matmul_dtypes),
    ("matmul deep mismatch", "MatMulFusion", dict(ins={0: A(I8, (2, 5, 3), IQ)}), matmul.matmul_shapes),
    ("matmul batch mismatch", "MatMulFusion",
     dict(ins={1: K(np.ones((3, 4, 3), np.int8), (0.02, 0))}), matmul.matmul_shapes),
    ("matmul output shape", "MatMulFusion", dict(outs={0: A(I8, (2, 5, 4), OQ)}), matmul.matmul_shapes),
    ("matmul 1-D transposed", "MatMulFusion",
     dict(ins={1: K(np.ones(4, np.int8), (0.02, 0))}, n_ins=2, outs={0: A(I8, (2, 5), OQ)}, transpose_b=True),
     matmul.matmul_shapes),
    ("matmul bias size", "MatMulFusion", dict(ins={2: K(np.zeros(2, np.int32))}), matmul.matmul_bias),
    ("matmul activation scalar bias", "MatMulFusion", dict(ins={2: A(I32, (1,))}), matmul.matmul_bias),
    ("matmul b quant count", "MatMulFusion", dict(ins={1: K(np.ones((4, 3), np.int8), ([0.02] * 2, [0] * 2))}),
     matmul.matmul_b_quant),
    ("matmul b zero points", "MatMulFusion", dict(ins={1: K(np.ones((4, 3), np.int8), ([0.02] * 3, [0, 1, 0]))}),
     matmul.matmul_b_quant),
    ("matmul gelu", "MatMulFusion", dict(activation_type="GELU"), rules.fused_activation),
    ("matmul int16", "MatMulFusion", dict(ins={0: A(I16, (2, 5, 4))}),
     rules.int8_or_float32),
    # ScaleFusion
    ("scale one input", "ScaleFusion", dict(n_ins=1), arity("ScaleFusion")),
    ("scale int8 with float scale", "ScaleFusion",
     dict(ins={0: A(I8, (1, 3, 3, 4), IQ)}, outs={0: A(I8, (1, 3, 3, 4), IQ)}), scale.scale_dtypes),
    ("scale int8 per-channel scale", "ScaleFusion",
     dict(ins={0: A(I8, (1, 3, 3, 4), IQ), 1: K(np.ones(4, np.int8), ([0.1] * 4, [0] * 4)),
               2: K(np.ones(4, np.int8), (0.1, 0))}, outs={0: A(I8, (1, 3, 3, 4), IQ)}), scale.scale_dtypes),
    ("batchnorm int8", "BatchNorm", dict(ins={0: A(I8, (2, 3, 4), IQ)}, outs={0: A(I8, (2, 3, 4), IQ)}),
     batchnorm.float32_data),
    ("scale shape", "ScaleFusion", dict(ins={1: K(np.ones(3, np.float32)), 2: K(np.ones(3, np.float32))}),
     scale.scale_fits),
    ("scale axis", "ScaleFusion", dict(axis=4), scale.scale_fits),
    ("scale offset size", "ScaleFusion", dict(ins={2: K(np.ones(1, np.float32))}), scale.scale_fits),
    ("scale tanh", "ScaleFusion", dict(activation_type="TANH"), rules.fused_activation),
    # BatchNorm / FusedBatchNorm
    ("batchnorm two inputs", "BatchNorm", dict(n_ins=2), arity("BatchNorm")),
    ("batchnorm channels", "BatchNorm", dict(ins={2: K(np.ones(3, np.float32))}), batchnorm.statistics_per_channel),
    ("fused batchnorm three inputs", "FusedBatchNorm", dict(n_ins=3), arity("FusedBatchNorm")),
    ("fused batchnorm output", "FusedBatchNorm", dict(outs={0: A(F32, (2, 3, 3))}), rules.same_as_input),
    # LayerNormFusion
    ("layer norm four inputs", "LayerNormFusion", dict(ins={3: _V4}), arity("LayerNormFusion")),
    ("layer norm axis", "LayerNormFusion", dict(begin_norm_axis=3), layer_norm.norm_axes),
    ("layer norm params axis", "LayerNormFusion", dict(begin_params_axis=-4), layer_norm.norm_axes),
    ("layer norm gamma", "LayerNormFusion", dict(ins={1: _V4}), layer_norm.params_fit),
    # InstanceNorm
    ("instance norm two inputs", "InstanceNorm", dict(n_ins=2), arity("InstanceNorm")),
    ("instance norm rank 2", "InstanceNorm", dict(ins={0: A(F32, (3, 4))}, outs={0: A(F32, (3, 4))}),
     instance_norm.rank_3_or_more),
    ("instance norm channels", "InstanceNorm", dict(ins={2: A(F32, (3,))}), instance_norm.scale_bias_per_channel),
    # LRN
    ("lrn two inputs", "LRN", dict(ins={1: _V4}), arity("LRN")),
    ("lrn within channel", "LRN", dict(norm_region="WITHIN_CHANNEL"), local_response_norm.across_channels),
    ("lrn negative radius", "LRN", dict(depth_radius=-1), local_response_norm.across_channels),
]
