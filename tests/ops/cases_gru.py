"""Rule cases of the gru family (merged into tests/ops/test_rules.py): MindSpore Lite's GRU
(x [T, B, I], W [D, 3H, I], R [D, 3H, H], B [D, 6H], h0[, seq_len] -> Y, Y_h)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import _rules as rules
from micro_codegen.ops import gru

from rule_kit import F32, I32, A, K, arity

_T, _B, _I, _H = 3, 2, 2, 2
_W = K(np.full((2, 3 * _H, _I), 0.1, np.float32))
_R = K(np.full((2, 3 * _H, _H), -0.1, np.float32))
_BIAS = K(np.zeros((2, 6 * _H), np.float32))
_STATE = A(F32, (2, _B, _H))

VALID = {
    "GRU": ([A(F32, (_T, _B, _I)), _W, _R, _BIAS, _STATE, K(np.array([2, 2], np.int32))],
            [A(F32, (_T, 2, _B, _H)), _STATE], dict(bidirectional=True)),
}

REFUSED = [
    ("gru four inputs", "GRU", dict(n_ins=4), arity("GRU")),
    ("gru three outputs", "GRU", dict(outs={2: _STATE}), gru.two_outputs),
    ("gru int32 input", "GRU", dict(ins={0: A(I32, (_T, _B, _I))}), gru.gru_dtypes),
    ("gru float seq_len", "GRU", dict(ins={5: K(np.array([2, 2], np.float32))}), gru.gru_dtypes),
    ("gru activation weights", "GRU", dict(ins={1: A(F32, (2, 3 * _H, _I))}), rules.recurrent_weights),
    ("gru bias shape", "GRU", dict(ins={3: K(np.zeros((2, 3 * _H), np.float32))}), gru.gru_layout),
    ("gru one direction bidirectional", "GRU",
     dict(ins={1: K(np.zeros((1, 3 * _H, _I), np.float32)), 2: K(np.zeros((1, 3 * _H, _H), np.float32)),
               3: K(np.zeros((1, 6 * _H), np.float32))}), gru.gru_layout),
    ("gru h0 size", "GRU", dict(ins={4: A(F32, (1, _B, _H))}), gru.gru_state_shapes),
    ("gru seq_len size", "GRU", dict(ins={5: K(np.array([2], np.int32))}), gru.gru_state_shapes),
    ("gru unequal seq_len", "GRU", dict(ins={5: K(np.array([2, 3], np.int32))}), gru.gru_state_shapes),
]
