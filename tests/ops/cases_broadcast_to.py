"""Rule cases of the broadcast_to family (BroadcastTo, micro_codegen/ops/broadcast_to.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import broadcast_to
from rule_kit import F32, I32, A, K, arity

VALID = {
    "BroadcastTo": ([A(F32, (3, 1)), K(np.array([2, 1, 4], np.int32))], [A(F32, (2, 3, 4))], {}),
}

REFUSED = [
    ("broadcast three inputs", "BroadcastTo", dict(ins={2: K(np.array([1], np.int32))}), arity("BroadcastTo")),
    ("broadcast activation shape", "BroadcastTo", dict(ins={1: A(I32, (3,))}), broadcast_to.constant_shape),
    ("broadcast mismatch", "BroadcastTo", dict(ins={1: K(np.array([2, 2, 4], np.int32))}),
     broadcast_to.broadcast_output),
    ("broadcast output shape", "BroadcastTo", dict(outs={0: A(F32, (3, 4))}), broadcast_to.broadcast_output),
]
