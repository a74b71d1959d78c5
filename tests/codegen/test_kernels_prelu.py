"""C kernels of PReLUFusion (fp32/prelu_fp32.c, int8/prelu_int8.c) against the reference: scalar,
per-channel (last axis, also a [C, 1, 1] slope as the converter writes it, with channel_shared
either way), numpy-broadcast and full-shape slopes."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401 (klib: fixture)

pytestmark = pytest.mark.host_cc

I8, F32 = DType.INT8, DType.FLOAT32

CASES = [  # id, x shape, slope shape, channel_shared
    ("scalar", (2, 5, 7), (1,), False),
    ("per_channel", (1, 4, 5, 3), (3,), False),
    ("chw_slope", (1, 6, 5, 8), (8, 1, 1), False),
    ("chw_slope_shared_flag", (1, 6, 5, 8), (8, 1, 1), True),
    ("mid_broadcast", (2, 3, 4, 5), (3, 1, 5), False),
    ("full", (3, 4, 5), (3, 4, 5), False),
    ("leading_broadcast", (3, 4, 5), (4, 1), False),
]


def _graph(dtype, xs, ss, shared, gen):
    b = GraphBuilder("prelu")
    if dtype == I8:
        x = b.input("x", I8, xs, quant=(0.05, -4))
        a = b.const("a", rand_i8(gen, ss), quant=(0.004, 3))
        y = b.node("PReLUFusion", [x, a], [("y", I8, xs, (0.04, 6))], channel_shared=shared)
        return b.build([y]), [rand_i8(gen, xs)]
    x = b.input("x", F32, xs)
    a = b.const("a", rand_f32(gen, ss, 0.5))
    y = b.node("PReLUFusion", [x, a], [("y", F32, xs)], channel_shared=shared)
    return b.build([y]), [rand_f32(gen, xs)]


@pytest.mark.parametrize("dtype", [F32, I8], ids=["fp32", "int8"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_prelu(klib, case, dtype):
    cid, xs, ss, shared = case
    g, inputs = _graph(dtype, xs, ss, shared, rng(cid + dtype.short))
    check_node(klib, g, inputs)


def family_models():
    """prelu_fp32 (a [C, 1, 1] slope on NHWC data) and prelu_int8 (per channel)."""
    gen = rng("prelu_models")
    return [("prelu_fp32", *_graph(F32, (1, 4, 4, 6), (6, 1, 1), False, gen)),
            ("prelu_int8", *_graph(I8, (1, 3, 3, 5), (5,), False, gen))]
