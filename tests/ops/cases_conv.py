"""Rule cases added with Conv2DFusion's float32 run-time weights (micro_codegen/ops/conv.py;
its valid model and the other refused variants are in test_rules.py): what stays refused."""
from __future__ import annotations

from micro_codegen.ops import conv
from rule_kit import F32, I8, I32, A

#: Conv2DFusion keeps test_rules.py's valid model (int8); the fp32 run-time weights models are
#: checked against the C kernels in tests/codegen/test_kernels_deconv.py
VALID: dict = {}

REFUSED = [
    ("conv int8 activation bias", "Conv2DFusion", dict(ins={2: A(I32, (4,))}), conv.conv_tensors),
    ("conv hybrid activation weights", "Conv2DFusion",
     dict(ins={0: A(F32, (1, 5, 5, 3)), 1: A(I8, (4, 3, 3, 3), (0.01, 0))}), conv.conv_tensors),
    ("conv fp32 activation weights 3-D", "Conv2DFusion",
     dict(ins={0: A(F32, (1, 5, 5, 3)), 1: A(F32, (4, 3, 9))}), conv.conv_tensors),
    ("conv grouped weights", "Conv2DFusion", dict(group=2), conv.conv_groups),
]
