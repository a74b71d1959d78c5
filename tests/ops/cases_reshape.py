"""Rule cases of the reshape family's internal ConstantOutput (a folded graph output)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import reshape
from rule_kit import F32, A, K, arity

VALID = {
    "ConstantOutput": ([K(np.ones((2, 3), np.float32))], [A(F32, (2, 3))], {}),
}

REFUSED = [
    ("constant output from an activation", "ConstantOutput", dict(ins={0: A(F32, (2, 3))}), reshape.constant_input),
    ("constant output two inputs", "ConstantOutput", dict(ins={1: K(np.ones((2, 3), np.float32))}),
     arity("ConstantOutput")),
]
