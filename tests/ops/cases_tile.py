"""Rule cases of the tile family (TileFusion, micro_codegen/ops/tile.py). MindSpore Lite's
TileFusion takes its multiples from input 1 and applies them to the axes ``dims`` lists
(default: the first axes, in order), never adding dims."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import tile, transpose
from rule_kit import F32, I32, IQ, U8, A, K, arity

VALID = {
    "TileFusion": ([A(F32, (2, 3)), K(np.array([2, 3], np.int32))], [A(F32, (4, 9))], {}),
}

REFUSED = [
    ("tile three inputs", "TileFusion", dict(ins={2: K(np.array([1], np.int32))}), arity("TileFusion")),
    ("tile no multiples", "TileFusion", dict(n_ins=1, dims=(0, 1)), arity("TileFusion")),
    ("tile activation multiples", "TileFusion", dict(ins={1: A(I32, (2,))}), tile.constant_multiples),
    ("tile more multiples than dims", "TileFusion", dict(ins={1: K(np.array([2, 1, 3], np.int32))},
                                                         outs={0: A(F32, (2, 2, 9))}), tile.constant_multiples),
    ("tile negative multiple", "TileFusion", dict(ins={1: K(np.array([-1, 3], np.int32))}), tile.constant_multiples),
    ("tile dims fewer than multiples", "TileFusion", dict(dims=(1,)), tile.constant_multiples),
    ("tile dims out of range", "TileFusion", dict(dims=(0, 2)), tile.constant_multiples),
    ("tile dims repeated", "TileFusion", dict(dims=(1, 1)), tile.constant_multiples),
    ("tile output shape", "TileFusion", dict(outs={0: A(F32, (2, 2, 3))}), tile.tiled_output),
    # dims (1, 0) puts multiple 2 on axis 1 and 3 on axis 0: (6, 6), not the (4, 9) of dims read as nothing
    ("tile dims swap the axes", "TileFusion", dict(dims=(1, 0)), tile.tiled_output),
    # fewer multiples than dims apply to the first axes (not numpy's last ones): (4, 3), not (2, 6)
    ("tile short multiples are leading", "TileFusion", dict(ins={1: K(np.array([2], np.int32))},
                                                            outs={0: A(F32, (2, 6))}), tile.tiled_output),
    ("tile quantized uint8 into plain", "TileFusion", dict(ins={0: A(U8, (2, 3), IQ)}, outs={0: A(U8, (4, 9))}),
     transpose.kept_quant),
    ("tile 7 dims", "TileFusion", dict(ins={0: A(F32, (2, 3, 2, 3, 2, 3, 2)),
                                            1: K(np.array([2] * 7, np.int32))},
                                       outs={0: A(F32, (4, 6, 4, 6, 4, 6, 4))}), tile.tiled_output),
]
