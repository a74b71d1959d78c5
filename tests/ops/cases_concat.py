"""Rule cases of Concat's requantizing int8 path (micro_codegen/ops/concat.py; the valid model
and the other refused variants are in test_rules.py)."""
from __future__ import annotations

from micro_codegen.ops import concat
from rule_kit import I8, I16, IQ, OQ, U8, A

VALID: dict = {}

REFUSED = [
    ("concat per-channel input", "Concat", dict(ins={0: A(I8, (1, 2), ([0.1, 0.2], [0, 0])), 1: A(I8, (1, 3), OQ)},
                                                outs={0: A(I8, (1, 5), OQ)}), concat.concat_quant),
    ("concat requantizing int16", "Concat", dict(ins={0: A(I16, (1, 2), IQ), 1: A(I16, (1, 3), OQ)},
                                                 outs={0: A(I16, (1, 5), OQ)}), concat.concat_quant),
    # a quantized int8 / uint8 input is not copied raw into an unquantized output
    ("concat quantized into plain", "Concat", dict(ins={0: A(I8, (1, 2), IQ), 1: A(I8, (1, 3), IQ)},
                                                   outs={0: A(I8, (1, 5))}), concat.concat_quant),
    ("concat quantized uint8 into plain", "Concat", dict(ins={0: A(U8, (1, 2)), 1: A(U8, (1, 3), OQ)},
                                                         outs={0: A(U8, (1, 5))}), concat.concat_quant),
]
