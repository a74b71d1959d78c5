"""Rule cases of the tile family (TileFusion, micro_codegen/ops/tile.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import tile
from rule_kit import F32, I32, A, K, arity

VALID = {
    "TileFusion": ([A(F32, (2, 3)), K(np.array([2, 1, 3], np.int32))], [A(F32, (2, 2, 9))], {}),
}

REFUSED = [
    ("tile three inputs", "TileFusion", dict(ins={2: K(np.array([1], np.int32))}), arity("TileFusion")),
    ("tile activation multiples", "TileFusion", dict(ins={1: A(I32, (3,))}), tile.constant_multiples),
    ("tile no multiples", "TileFusion", dict(n_ins=1), tile.constant_multiples),
    ("tile output shape", "TileFusion", dict(outs={0: A(F32, (2, 2, 3))}), tile.tiled_output),
    ("tile 7 dims", "TileFusion", dict(ins={0: A(F32, (2, 3, 2, 3, 2, 3, 2)),
                                            1: K(np.array([2] * 7, np.int32))},
                                       outs={0: A(F32, (4, 6, 4, 6, 4, 6, 4))}), tile.tiled_output),
]
