"""Rule cases of the strided_slice family (StridedSlice, SliceFusion;
micro_codegen/ops/strided_slice.py)."""
from __future__ import annotations

import numpy as np

from micro_codegen.ops import _rules as rules
from micro_codegen.ops import strided_slice as ss
from rule_kit import F32, I8, I32, IQ, A, K, arity


def _k(*v):
    return K(np.array(v, np.int32))


VALID = {
    "StridedSlice": ([A(F32, (4, 6, 5)), _k(0, -1, 1), _k(4, 0, 5), _k(2, -2, 3)], [A(F32, (2, 3, 2))],
                     dict(shrink_axis_mask=0, begin_mask=0, end_mask=0)),
    "SliceFusion": ([A(I8, (4, 6, 5), IQ), _k(1, 2), _k(2, -1)], [A(I8, (4, 2, 3), IQ)], dict(axes=(1, 2))),
}

REFUSED = [
    ("strided slice two outputs", "StridedSlice", dict(outs={1: A(F32, (2, 3, 2))}), rules.one_output),
    ("strided slice two inputs", "StridedSlice", dict(n_ins=2), arity("StridedSlice")),
    ("slice four inputs", "SliceFusion", dict(ins={3: _k(0)}), arity("SliceFusion")),
    ("strided slice activation end", "StridedSlice", dict(ins={2: A(I32, (3,))}), ss.constant_spec),
    ("strided slice zero stride", "StridedSlice", dict(ins={3: _k(2, 0, 3)}), ss.slice_spec),
    ("slice size out of range", "SliceFusion", dict(ins={2: _k(2, 4)}), ss.slice_spec),
    ("strided slice output shape", "StridedSlice", dict(outs={0: A(F32, (2, 3, 1))}), ss.sliced_output),
]
