"""Arithmetic family: the C kernels (fp32/arithmetic*_fp32.c, fp16/arithmetic*_fp16.c,
int8/arithmetic_int8.c, base/arithmetic*_base.c) against the reference
(reference/arithmetic.py), one node at a time on the host.

Randomized data over odd shapes, broadcasting of either or both operands (scalar, 0-d,
inner, outer, 6 dims), every dtype the family takes (float32, float16, int8 .. int64,
uint8 .. uint64 plain; int8 quantized for Maximum / Minimum here, Add / Sub / Mul in
test_kernels_c.py), wrap-around and the ``MIN / -1`` corner of the integer divisions, fused
activations, and PowFusion with mixed base / exponent dtypes. ``family_models()`` offers
three small models for the shared QEMU test; they also run here on the host.
"""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import ops, reference
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401 (klib fixture)
from tiny_models import validate_on_host

pytestmark = pytest.mark.host_cc

F32, F16, I8, I16, I32, I64 = DType.FLOAT32, DType.FLOAT16, DType.INT8, DType.INT16, DType.INT32, DType.INT64
U8, U16, U32, U64 = DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64

SHAPES = [  # a, b: broadcasting of either or both operands
    ((3, 5, 7), (3, 5, 7)),
    ((2, 3, 5), ()),
    ((1,), (4, 3)),
    ((2, 1, 7), (5, 1)),
    ((1, 3, 1, 6), (2, 1, 5, 6)),
    ((2, 1, 3, 1, 2, 3), (1, 2, 1, 2, 1, 3)),
    ((5, 1), (1, 9)),
]
_DIVISIONS = ("DivFusion", "FloorDiv", "FloorMod", "Mod")


def values(gen, dtype: DType, shape, divisor=False):
    """Random data of ``dtype``: floats around 1, integers over the full range with the
    extremes mixed in; a divisor has no zero and many -1 / small values."""
    if dtype in (F32, F16):
        v = rand_f32(gen, shape, 3.0)
        if divisor:
            v = np.where(np.abs(v) < 0.25, np.float32(0.75), v)
        return v.astype(dtype.np)
    info = np.iinfo(dtype.np)
    v = gen.integers(int(info.min), int(info.max), size=shape, dtype=dtype.np, endpoint=True)
    flat = v.reshape(-1)
    if flat.size > 2:
        flat[0], flat[1] = info.min, info.max
    if divisor:
        small = gen.integers(-9 if info.min < 0 else 1, 10, size=flat.shape).astype(dtype.np)
        flat[:] = np.where(gen.random(flat.shape) < 0.6, small, flat)
        if info.min < 0 and flat.size >= 4:
            flat[: flat.size // 4] = -1
        flat[flat == 0] = 1
    return v


def binary_graph(op, dtype, sa, sb, act=None, quant=(None, None, None), name="arith"):
    b = GraphBuilder(name)
    a = b.input("a", dtype, sa, quant=quant[0])
    c = b.input("b", dtype, sb, quant=quant[1])
    attrs = {} if act is None else {"activation_type": act}
    y = b.node(op, [a, c], [("y", dtype, tuple(np.broadcast_shapes(sa, sb)), quant[2])], **attrs)
    return b.build([y])


def _check(klib, op, dtype, shapes, act=None, case=""):
    sa, sb = shapes
    gen = rng(f"{op}-{dtype.short}-{sa}-{sb}-{case}")
    g = binary_graph(op, dtype, sa, sb, act)
    ins = [values(gen, dtype, sa), values(gen, dtype, sb, divisor=op in _DIVISIONS)]
    plan = check_node(klib, g, ins)
    assert plan.kernel.startswith({"AddFusion": "add", "SubFusion": "sub", "MulFusion": "mul", "DivFusion": "div",
                                   "Maximum": "maximum", "Minimum": "minimum", "FloorDiv": "floor_div",
                                   "FloorMod": "floor_mod", "Mod": "mod",
                                   "SquaredDifference": "squared_difference"}[op])
    return plan


FLOAT_CASES = [("AddFusion", "RELU6"), ("SubFusion", "RELU1"), ("MulFusion", "RELU"), ("DivFusion", "NO_ACTIVATION"),
               ("Maximum", None), ("Minimum", None), ("FloorDiv", None), ("FloorMod", None), ("Mod", None),
               ("SquaredDifference", None)]


@pytest.mark.parametrize("k", range(len(FLOAT_CASES)), ids=[c[0] for c in FLOAT_CASES])
def test_float32(klib, k):
    op, act = FLOAT_CASES[k]
    _check(klib, op, F32, SHAPES[k % len(SHAPES)], act)


@pytest.mark.parametrize("k", [0, 3, 4, 7, 9], ids=[FLOAT_CASES[k][0] for k in (0, 3, 4, 7, 9)])
def test_float16(klib, k):
    op, act = FLOAT_CASES[k]
    _check(klib, op, F16, SHAPES[(k + 3) % len(SHAPES)], act)


INTEGER_CASES = [  # dtype, op: each op on signed and unsigned types, the divisions on most widths
    (I32, "DivFusion"), (I32, "FloorDiv"), (I32, "Mod"), (I32, "FloorMod"), (I32, "AddFusion"), (I32, "MulFusion"),
    (I8, "FloorDiv"), (I8, "FloorMod"), (I8, "SubFusion"), (I8, "SquaredDifference"), (I8, "DivFusion"),
    (I16, "MulFusion"), (I16, "Maximum"), (I16, "Mod"),
    (I64, "DivFusion"), (I64, "FloorMod"), (I64, "MulFusion"), (I64, "Minimum"),
    (U8, "AddFusion"), (U8, "DivFusion"), (U8, "Minimum"),
    (U16, "MulFusion"), (U16, "Mod"),
    (U32, "SubFusion"), (U32, "FloorDiv"),
    (U64, "Maximum"), (U64, "SquaredDifference"), (U64, "FloorMod"),
]


@pytest.mark.parametrize("k", range(len(INTEGER_CASES)), ids=[f"{o}_{d.short}" for d, o in INTEGER_CASES])
def test_integer(klib, k):
    dtype, op = INTEGER_CASES[k]
    plan = _check(klib, op, dtype, SHAPES[k % len(SHAPES)], "NO_ACTIVATION" if op.endswith("Fusion") else None)
    assert plan.returns_status


@pytest.mark.parametrize("out_shape", [(1, 2, 3), (2, 3)])
def test_output_with_leading_ones(klib, out_shape):
    """An output declared with extra leading 1s is the broadcast shape (the one the rules
    accept besides it; a (3, 2) output of the same size is refused)."""
    gen = rng(f"lead{out_shape}")
    b = GraphBuilder("arith")
    a, c = b.input("a", F32, (1, 1, 2, 3)), b.input("b", F32, (3,))
    y = b.node("AddFusion", [a, c], [("y", F32, out_shape)])
    check_node(klib, b.build([y]), [values(gen, F32, (1, 1, 2, 3)), values(gen, F32, (3,))])


@pytest.mark.parametrize("op", ["Maximum", "Minimum"])
def test_quantized_int8_minmax(klib, op):
    """Quantized int8 Maximum / Minimum with one quantization compare the raw values."""
    gen = rng(f"q-{op}")
    q = (0.05, -7)
    g = binary_graph(op, I8, (2, 1, 5), (3, 1), quant=(q, q, q))
    plan = check_node(klib, g, [rand_i8(gen, (2, 1, 5)), rand_i8(gen, (3, 1))])
    assert plan.kernel == f"{op.lower()}_s8"


POW_CASES = [  # base dtype, exponent dtype, shapes, scale, shift
    (F32, F32, ((2, 3, 4), (4,)), 0.5, 2.0),
    (F32, I32, ((7,), ()), 1.0, 0.0),
    (I32, F32, ((3, 1), (1, 5)), 1.0, 0.0),
    (F16, U64, ((2, 5), (2, 5)), -1.5, 0.25),
    (U8, I64, ((6,), (6,)), 1.0, -3.0),
]


@pytest.mark.parametrize("case", POW_CASES, ids=[f"{c[0].short}_{c[1].short}" for c in POW_CASES])
def test_pow(klib, case):
    dx, dy, (sx, sy), scale, shift = case
    gen = rng(f"pow-{dx.short}-{dy.short}")
    b = GraphBuilder("pow")
    x = b.input("x", dx, sx)
    e = b.input("e", dy, sy)
    y = b.node("PowFusion", [x, e], [("y", F32, tuple(np.broadcast_shapes(sx, sy)))], scale=scale, shift=shift)
    if dx in (F32, F16):
        xs = np.abs(rand_f32(gen, sx, 2.0)).astype(dx.np)              # positive bases: no NaN from real powers
    else:
        xs = gen.integers(1, 12, size=sx).astype(dx.np)               # no 0 ** negative = inf
    if dy in (F32, F16):
        es = rand_f32(gen, sy, 2.0).astype(dy.np)
    else:
        es = gen.integers(0 if dy.np.kind == "u" else -3, 5, size=sy).astype(dy.np)
    plan = check_node(klib, b.build([y]), [xs, es])
    assert plan.kernel == "pow_fp32" and plan.libm


@pytest.mark.parametrize("op", _DIVISIONS)
def test_integer_division_by_zero_fails(klib, op):
    """A zero integer divisor has no value: the reference refuses, the C kernel returns
    NNACL_ERR_PARAM (which the generated invoke reports)."""
    g = roundtrip(binary_graph(op, I16, (2, 3), (3,), "NO_ACTIVATION" if op == "DivFusion" else None))
    ins = [np.ones((2, 3), np.int16), np.array([1, 0, 3], np.int16)]
    with pytest.raises(Exception, match="division by zero"):
        reference.run(g, ins)
    plan = ops.prepare(g, 0)
    assert plan.returns_status
    with pytest.raises(RuntimeError, match="kernel returned 2"):
        klib.run_node(g, 0, plan, ins)


# ---------------------------------------------------------------- small models, end to end

def family_models():
    """Small models that together use every kernel source of the family: (name, graph, inputs).

    ``arith_fp32``: Add (RELU) -> FloorMod -> PowFusion (int32 exponent) -> SquaredDifference;
    ``arith_int``: quantized int8 Add -> Maximum -> Mul, and an int32 Div -> FloorDiv chain;
    ``arith_fp16``: float16 Sub -> Mod -> Minimum."""
    out = []
    gen = rng("family_arith_fp32")
    b = GraphBuilder("arith_fp32")
    x = b.input("x", F32, (2, 3, 4))
    w = b.const("w", rand_f32(gen, (4,)))
    h = b.node("AddFusion", [x, w], [("h", F32, (2, 3, 4))], activation_type="RELU")
    m = b.const("m", np.array([[0.7], [-1.3], [2.1]], np.float32))
    h2 = b.node("FloorMod", [h, m], [("h2", F32, (2, 3, 4))])
    e = b.input("e", I32, (3, 1))
    p = b.node("PowFusion", [h2, e], [("p", F32, (2, 3, 4))], scale=1.5, shift=0.25)
    y = b.node("SquaredDifference", [p, x], [("y", F32, (2, 3, 4))])
    out.append(("arith_fp32", b.build([y]), [rand_f32(gen, (2, 3, 4)), gen.integers(0, 4, (3, 1)).astype(np.int32)]))

    gen = rng("family_arith_int")
    b = GraphBuilder("arith_int")
    qa, qb, qo = (0.05, 3), (0.04, -2), (0.08, 1)
    a = b.input("a", I8, (3, 5), quant=qa)
    c = b.input("c", I8, (5,), quant=qb)
    s = b.node("AddFusion", [a, c], [("s", I8, (3, 5), qo)], activation_type="NO_ACTIVATION")
    k = b.const("k", rand_i8(gen, (3, 1)), quant=qo)
    mx = b.node("Maximum", [s, k], [("mx", I8, (3, 5), qo)])
    y1 = b.node("MulFusion", [mx, a], [("y1", I8, (3, 5), (0.1, 0))], activation_type="RELU")
    n = b.input("n", I32, (2, 4))
    d = b.const("d", np.array([3, -2, -1, 7], np.int32))
    q = b.node("DivFusion", [n, d], [("q", I32, (2, 4))], activation_type="NO_ACTIVATION")
    y2 = b.node("FloorDiv", [n, q], [("y2", I32, (2, 4))])
    ni = gen.integers(-1000, 1000, (2, 4)).astype(np.int32)
    ni[np.abs(ni) < 10] = 11                            # no zero quotient: q divides next
    out.append(("arith_int", b.build([y1, y2]), [rand_i8(gen, (3, 5)), rand_i8(gen, (5,)), ni]))

    gen = rng("family_arith_fp16")
    b = GraphBuilder("arith_fp16")
    x = b.input("x", F16, (4, 6))
    z = b.input("z", F16, (6,))
    h = b.node("SubFusion", [x, z], [("h", F16, (4, 6))], activation_type="NO_ACTIVATION")
    h2 = b.node("Mod", [h, z], [("h2", F16, (4, 6))])
    y = b.node("Minimum", [h2, x], [("y", F16, (4, 6))])
    zs = values(gen, F16, (6,), divisor=True)
    out.append(("arith_fp16", b.build([y]), [values(gen, F16, (4, 6)), zs]))
    return out


def test_family_models_use_every_kernel_source():
    sources = {s for _, g, _ in family_models() for i in range(len(g.nodes))
               for s in ops.prepare(roundtrip(g), i).kernel_sources}
    assert sources == {"fp32/arithmetic_fp32.c", "fp32/arithmetic_math_fp32.c", "fp16/arithmetic_fp16.c",
                       "fp16/arithmetic_math_fp16.c", "int8/arithmetic_int8.c", "base/arithmetic_base.c",
                       "base/arithmetic_integer_base.c"}


@pytest.mark.parametrize("index", range(3), ids=["arith_fp32", "arith_int", "arith_fp16"])
def test_family_model_on_host(tmp_path, index):
    """Generated project (host gcc) vs the reference, whole model."""
    _, g, ins = family_models()[index]
    validate_on_host(g, [ins], tmp_path)
