"""The fast paths of the int8 FullConnection, Add / Sub / Mul, AvgPool and MaxPool kernels (SIMD32 on
Cortex-M4, MVE on Cortex-M55) against the reference, over randomized shapes that reach every
tail: FC depths that are and are not multiples of 4 / 16, unit counts around the 4-row blocks,
batches, per-tensor and per-channel weights, nonzero zero points, fused RELU / RELU6, the
generic FC variant (weight zero point, a multiplier >= 0.5); Add / Sub / Mul of same-shape,
scalar and broadcast operands with element counts around the 4-lane blocks; AvgPool with odd
channel counts, strides 1 / 2, SAME padding and a window past the 16-bit sum limit; MaxPool
likewise, with windows CEIL rounding puts past the input.

``family_models()``: model 0 holds all of these as independent branches; it runs on
qemu-mps2-an386 through tests/validate/test_qemu_families.py and on qemu-mps3-an547 here.
On the host the same nodes run the portable loops (the specification), node by node.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from micro_codegen import ops
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import check_family_models_node_by_node, klib, rand_i8, rng  # noqa: F401 (klib: fixture)

I8 = DType.INT8

#: FullConnection branches: rows, depth, units, weight mode, act, bias, weight zero point
FC_CASES = [
    (1, 1, 3, "per_tensor", "NO_ACTIVATION", True, 0),
    (1, 3, 5, "per_channel", "RELU", True, 0),
    (1, 7, 1, "per_tensor", "NO_ACTIVATION", False, 0),
    (1, 16, 8, "per_channel", "RELU6", True, 0),
    (1, 17, 13, "per_tensor", "NO_ACTIVATION", True, 0),
    (3, 33, 7, "per_channel", "NO_ACTIVATION", True, 0),
    (2, 40, 6, "per_tensor", "RELU", False, 0),
    (1, 70, 17, "per_channel", "NO_ACTIVATION", True, 0),
    (2, 19, 5, "per_tensor", "NO_ACTIVATION", True, 3),      # weight zero point: the generic variant
]

#: element-wise branches: op, shape a, shape b, act
ELEM_CASES = [
    ("AddFusion", (1, 7, 5, 13), (1, 7, 5, 13), "NO_ACTIVATION"),
    ("AddFusion", (1, 3), (1, 3), "RELU"),
    ("AddFusion", (33,), (33,), "RELU6"),
    ("AddFusion", (2, 9), (1,), "NO_ACTIVATION"),             # scalar operand
    ("AddFusion", (3, 1, 6), (1, 5, 6), "NO_ACTIVATION"),     # broadcast
    ("SubFusion", (1, 4, 4, 7), (1, 4, 4, 7), "NO_ACTIVATION"),
    ("SubFusion", (1,), (19,), "RELU"),
    ("MulFusion", (1, 5, 3, 11), (1, 5, 3, 11), "NO_ACTIVATION"),
    ("MulFusion", (17,), (1,), "RELU"),
    ("MulFusion", (2, 1, 5), (2, 3, 1), "NO_ACTIVATION"),
]

#: pooling branches: op, shape, kernel, strides, pad mode, round mode, act
POOL_CASES = [
    ("AvgPoolFusion", (1, 9, 7, 19), (3, 3), (2, 2), "SAME", "FLOOR", "NO_ACTIVATION"),
    ("AvgPoolFusion", (1, 6, 5, 8), (2, 2), (1, 1), "VALID", "FLOOR", "RELU"),
    ("AvgPoolFusion", (1, 25, 5, 33), (25, 5), (1, 1), "VALID", "FLOOR", "NO_ACTIVATION"),  # global, 125 taps
    ("AvgPoolFusion", (1, 5, 6, 3), (3, 2), (1, 2), "SAME", "FLOOR", "RELU6"),
    ("AvgPoolFusion", (1, 4, 4, 1), (2, 2), (2, 2), "VALID", "FLOOR", "NO_ACTIVATION"),
    ("AvgPoolFusion", (1, 17, 17, 7), (17, 17), (1, 1), "VALID", "FLOOR", "NO_ACTIVATION"),  # 289 taps
    ("MaxPoolFusion", (1, 9, 9, 19), (3, 3), (2, 2), "VALID", "FLOOR", "NO_ACTIVATION"),
    ("MaxPoolFusion", (1, 6, 7, 5), (2, 3), (1, 2), "SAME", "FLOOR", "RELU"),
    ("MaxPoolFusion", (1, 5, 7, 33), (1, 2), (3, 4), "VALID", "CEIL", "RELU6"),  # windows past the input
    ("MaxPoolFusion", (1, 4, 5, 8), (2, 2), (1, 1), "VALID", "FLOOR", "NO_ACTIVATION"),
]


def _fc(b, gen, k, rows, depth, units, wmode, act, has_bias, w_zp):
    in_scale, in_zp = 0.05, int(gen.integers(-40, 40))
    x = b.input(f"fc{k}_x", I8, (rows, depth), quant=(in_scale, in_zp))
    if wmode == "per_channel":
        scales = list(gen.uniform(0.002, 0.02, units))
        wq = (scales, [0] * units)
    else:
        wq = (0.01, w_zp)
    w = b.const(f"fc{k}_w", gen.integers(-127, 128, (units, depth)).astype(np.int8), quant=wq)
    ins = [x, w]
    if has_bias:
        ins.append(b.const(f"fc{k}_b", gen.integers(-3000, 3000, units).astype(np.int32)))
    out_scale = in_scale * 0.01 * 130 * math.sqrt(depth)       # outputs mostly in range, multipliers < 0.5
    y = b.node("FullConnection", ins, [(f"fc{k}_y", I8, (rows, units), (out_scale, int(gen.integers(-10, 10))))],
               has_bias=has_bias, activation_type=act)
    return y, [x], [rand_i8(gen, (rows, depth))]


def _fc_large_multiplier(b, gen):
    """Output scale below in * w scale / 2: a shift >= -1 takes the generic variant."""
    x = b.input("fcm_x", I8, (1, 9), quant=(0.05, 2))
    w = b.const("fcm_w", gen.integers(-4, 5, (6, 9)).astype(np.int8), quant=(0.01, 0))
    y = b.node("FullConnection", [x, w], [("fcm_y", I8, (1, 6), (0.0006, -3))], has_bias=False,
               activation_type="NO_ACTIVATION")
    return y, [x], [gen.integers(-6, 7, (1, 9)).astype(np.int8)]


def _elem(b, gen, k, op, sa, sb, act):
    qa = (float(gen.uniform(0.02, 0.08)), int(gen.integers(-20, 20)))
    qb = (float(gen.uniform(0.02, 0.08)), int(gen.integers(-20, 20)))
    qo = (float(gen.uniform(0.1, 0.3) if op == "MulFusion" else gen.uniform(0.05, 0.15)), int(gen.integers(-10, 10)))
    a = b.input(f"e{k}_a", I8, sa, quant=qa)
    c = b.input(f"e{k}_b", I8, sb, quant=qb)
    shape = tuple(np.broadcast_shapes(sa, sb))
    y = b.node(op, [a, c], [(f"e{k}_y", I8, shape, qo)], activation_type=act)
    return y, [a, c], [rand_i8(gen, sa), rand_i8(gen, sb)]


def _pool(b, gen, k, op, shape, kernel, strides, mode, round_mode, act):
    q = (0.05, int(gen.integers(-20, 20)))
    x = b.input(f"p{k}_x", I8, shape, quant=q)
    h, w = shape[1:3]
    if mode == "SAME":
        out_hw = (-(-h // strides[0]), -(-w // strides[1]))
    elif round_mode == "CEIL":
        out_hw = (-(-(h - kernel[0]) // strides[0]) + 1, -(-(w - kernel[1]) // strides[1]) + 1)
    else:
        out_hw = ((h - kernel[0]) // strides[0] + 1, (w - kernel[1]) // strides[1] + 1)
    y = b.node(op, [x], [(f"p{k}_y", I8, (shape[0], *out_hw, shape[3]), q)], kernel_size=kernel,
               strides=strides, pad_mode=mode, pad=(0, 0, 0, 0), round_mode=round_mode, format="NHWC",
               activation_type=act, **{"global": False})
    return y, [x], [rand_i8(gen, shape)]


def family_models():
    """``fast_elem``: every FC / element-wise / AvgPool case above as an independent branch of one
    model; ``fast_elem_chain``: FC -> FC -> Add (residual) -> AvgPool-free tail, a small chain."""
    gen = rng("family_fast_elem")
    b = GraphBuilder("fast_elem")
    outs, ins, data = [], [], []

    def add(branch):
        y, xs, arrays = branch
        outs.append(y)
        ins.extend(xs)
        data.extend(arrays)

    for k, case in enumerate(FC_CASES):
        add(_fc(b, gen, k, *case))
    add(_fc_large_multiplier(b, gen))
    for k, case in enumerate(ELEM_CASES):
        add(_elem(b, gen, k, *case))
    for k, case in enumerate(POOL_CASES):
        add(_pool(b, gen, k, *case))
    g = b.build(outs)
    order = {t: i for i, t in enumerate(g.inputs)}
    inputs = [data[ins.index(t)] for t in sorted(order, key=order.get)]
    models = [("fast_elem", g, inputs)]

    gen = rng("family_fast_elem_chain")
    b = GraphBuilder("fast_elem_chain")
    x = b.input("x", I8, (1, 48), quant=(0.04, -5))
    w1 = b.const("w1", gen.integers(-127, 128, (20, 48)).astype(np.int8), quant=(0.01, 0))
    b1 = b.const("b1", gen.integers(-2000, 2000, 20).astype(np.int32))
    h = b.node("FullConnection", [x, w1, b1], [("h", I8, (1, 20), (0.1, -7))], has_bias=True, activation_type="RELU")
    w2 = b.const("w2", gen.integers(-127, 128, (20, 20)).astype(np.int8), quant=([0.01] * 20, [0] * 20))
    h2 = b.node("FullConnection", [h, w2], [("h2", I8, (1, 20), (0.2, 4))], has_bias=False,
                activation_type="NO_ACTIVATION")
    y = b.node("AddFusion", [h, h2], [("y", I8, (1, 20), (0.25, 0))], activation_type="RELU")
    models.append(("fast_elem_chain", b.build([y]), [rand_i8(gen, (1, 48))]))
    return models


# ---------------------------------------------------------------- host: the portable loops

@pytest.mark.host_cc
def test_fast_elem_models_node_by_node(klib):
    check_family_models_node_by_node(klib, family_models())


def test_variants_chosen():
    """The packed FC variant and the Add table where they apply, the generic forms elsewhere."""
    _, g, _ = family_models()[0]
    fc = [ops.prepare(g, i) for i, n in enumerate(g.nodes) if n.op == "FullConnection"]
    names = [p.params["variant"].name for p in fc]
    assert names.count("FC_VARIANT_GENERIC") == 2 and names.count("FC_VARIANT_PACKED") == len(fc) - 2
    for i, n in enumerate(g.nodes):
        if n.op in ("AddFusion", "SubFusion"):
            p = ops.prepare(g, i)
            assert [c.name for c in p.consts] == ["table"] and p.params["out_shift"] <= 0


def test_packed_weights_layout():
    from micro_codegen.ops.fullconnection import packed_weights
    w = np.arange(5 * 18).reshape(5, 18).astype(np.int8)
    p = packed_weights(w).reshape(2, 2, 4, 16)                   # [u // 4][d // 16][u % 4][d % 16]
    assert p.size == 8 * 32
    assert (p[1, 0, 0] == w[4, :16]).all() and (p[0, 1, 3, :2] == w[3, 16:]).all()
    assert not p[0, 1, :, 2:].any() and not p[1, :, 1:].any()
