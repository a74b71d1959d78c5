"""Rule cases of the depth_to_space family (DepthToSpace, SpaceToDepth;
micro_codegen/ops/depth_to_space.py)."""
from __future__ import annotations

from micro_codegen.ops import depth_to_space as d2s
from rule_kit import F32, I8, IQ, A, arity

VALID = {
    "DepthToSpace": ([A(F32, (1, 2, 3, 8))], [A(F32, (1, 4, 6, 2))], dict(block_size=2, mode="CRD", format="NHWC")),
    "SpaceToDepth": ([A(I8, (2, 6, 4, 3), IQ)], [A(I8, (2, 3, 2, 12), IQ)], dict(block_size=2, format="NHWC")),
}

REFUSED = [
    ("depth to space two inputs", "DepthToSpace", dict(ins={1: A(F32, (1, 2, 3, 8))}), arity("DepthToSpace")),
    ("depth to space block", "DepthToSpace", dict(block_size=3), d2s.block_fits),
    ("space to depth 3-D", "SpaceToDepth", dict(ins={0: A(I8, (6, 4, 3), IQ)}), d2s.block_fits),
    ("depth to space output", "DepthToSpace", dict(mode="DCR", outs={0: A(F32, (1, 2, 3, 8))}),
     d2s.rearranged_output),
]
