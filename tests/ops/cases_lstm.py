"""Rule cases of the lstm family (merged into tests/ops/test_rules.py): LSTM as the converter
writes an ONNX LSTM (x [T, B, I], W [D, 4H, I], R [D, 4H, H], B [D, 8H], h0, c0 -> Y, Y_h, Y_c)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import _rules as rules
from micro_codegen.ops import lstm

from rule_kit import F32, I8, I32, IQ, A, K, arity

_T, _B, _I, _H = 3, 1, 2, 2
_W = K(np.full((1, 4 * _H, _I), 0.1, np.float32))
_R = K(np.full((1, 4 * _H, _H), -0.1, np.float32))
_BIAS = K(np.zeros((1, 8 * _H), np.float32))
_STATE = A(F32, (1, _B, _H))

VALID = {
    "LSTM": ([A(F32, (_T, _B, _I)), _W, _R, _BIAS, _STATE, _STATE],
             [A(F32, (_T, 1, _B, _H)), _STATE, _STATE], dict(hidden_size=_H, num_directions=1)),
}

REFUSED = [
    ("lstm five inputs", "LSTM", dict(n_ins=5), arity("LSTM")),
    ("lstm four outputs", "LSTM", dict(outs={3: _STATE}), lstm.three_outputs),
    ("lstm int8 input", "LSTM", dict(ins={0: A(I8, (_T, _B, _I), IQ)}), lstm.lstm_float32),
    ("lstm int32 state", "LSTM", dict(ins={5: A(I32, (1, _B, _H))}), lstm.lstm_float32),
    ("lstm activation weights", "LSTM", dict(ins={2: A(F32, (1, 4 * _H, _H))}), rules.recurrent_weights),
    ("lstm recurrent shape", "LSTM", dict(ins={2: K(np.zeros((1, 4 * _H, _H + 1), np.float32))}), lstm.lstm_layout),
    ("lstm 2-D input", "LSTM", dict(ins={0: A(F32, (_T, _I))}), lstm.lstm_layout),
    ("lstm bidirectional one direction", "LSTM", dict(bidirectional=True), lstm.lstm_layout),
    ("lstm hidden_size", "LSTM", dict(hidden_size=3), lstm.lstm_layout),
    ("lstm h0 size", "LSTM", dict(ins={4: A(F32, (1, _B, _H + 1))}), lstm.lstm_state_shapes),
    ("lstm Y size", "LSTM", dict(outs={0: A(F32, (_T - 1, 1, _B, _H))}), lstm.lstm_state_shapes),
    ("lstm two layers", "LSTM", dict(num_layers=2), lstm.lstm_single_layer),
    ("lstm projection", "LSTM", dict(proj_size=1), lstm.lstm_single_layer),
]
