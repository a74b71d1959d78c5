"""arithmetic_compare family: the C kernels (base/arithmetic_compare_base.c,
int8/arithmetic_compare_int8.c) against the reference (reference/arithmetic_compare.py), one
node at a time on the host: the six comparisons over every input dtype (float32 with ties and
signed zeros, float16, bool, int8 .. uint64, quantized int8 of equal and of different
quantization), LogicalAnd / LogicalOr and Where (three-way broadcasting, 1- to 8-byte
elements). ``family_models()`` offers two small models for the shared QEMU test; they also
run here on the host.
"""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import ops
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401 (klib fixture)
from tiny_models import validate_on_host

pytestmark = pytest.mark.host_cc

B, F32, F16 = DType.BOOL, DType.FLOAT32, DType.FLOAT16
I8, I16, I32, I64 = DType.INT8, DType.INT16, DType.INT32, DType.INT64
U8, U16, U32, U64 = DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64

SHAPES = [((3, 5, 7), (3, 5, 7)), ((2, 3, 5), ()), ((1,), (4, 3)), ((2, 1, 7), (5, 1)),
          ((1, 3, 1, 6), (2, 1, 5, 6)), ((2, 1, 3, 1, 2, 3), (1, 2, 1, 2, 1, 3))]
OPS = ["Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"]


def values(gen, dtype: DType, shape):
    """Few distinct values (many ties): floats with +-0, integers with both extremes."""
    if dtype == B:
        return gen.random(shape) < 0.5
    if dtype in (F32, F16):
        return gen.choice(np.array([-1.5, -0.0, 0.0, 0.5, 2.0, 65504.0], np.float32), size=shape).astype(dtype.np)
    info = np.iinfo(dtype.np)
    return gen.choice(np.array([info.min, info.min + 1, 0, 1, info.max], dtype.np), size=shape)


def compare_graph(op, dtype, sa, sb, quant=(None, None)):
    b = GraphBuilder("cmp")
    a = b.input("a", dtype, sa, quant=quant[0])
    c = b.input("b", dtype, sb, quant=quant[1])
    y = b.node(op, [a, c], [("y", B, tuple(np.broadcast_shapes(sa, sb)))])
    return b.build([y])


DTYPES = {F32: "fp32", F16: "fp16", B: "u8", I8: "s8", I16: "s16", I32: "s32", I64: "s64", U8: "u8", U16: "u16",
          U32: "u32", U64: "u64"}
#: two ops per dtype, every op on several dtypes
CASES = [(OPS[(d + j) % len(OPS)], dt) for d, dt in enumerate(DTYPES) for j in (0, 3)]
C_NAMES = dict(zip(OPS, ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]))


@pytest.mark.parametrize("k", range(len(CASES)), ids=[f"{o}_{d.short}" for o, d in CASES])
def test_compare(klib, k):
    op, dtype = CASES[k]
    sa, sb = SHAPES[k % len(SHAPES)]
    gen = rng(f"{op}-{dtype.short}-{k}")
    plan = check_node(klib, compare_graph(op, dtype, sa, sb), [values(gen, dtype, sa), values(gen, dtype, sb)])
    assert plan.kernel == f"{C_NAMES[op]}_{DTYPES[dtype]}"


QUANT = [("same", (0.05, 3), (0.05, 3)), ("scales", (0.05, 3), (0.02, -10)), ("coarse", (0.9, -128), (0.003, 127))]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("q", QUANT, ids=[q[0] for q in QUANT])
def test_compare_quantized_int8(klib, op, q):
    """TFLite rescaling: equal real values compare equal across quantizations."""
    _, qa, qb = q
    gen = rng(f"q-{op}-{q[0]}")
    a = rand_i8(gen, (3, 4))
    # b: a's real values requantized where possible (ties), random elsewhere
    real = (a.astype(np.float64) - qa[1]) * qa[0]
    b = np.clip(np.round(real / qb[0]) + qb[1], -128, 127).astype(np.int8)
    b = np.where(gen.random(b.shape) < 0.5, b, rand_i8(gen, b.shape))[:, :1 if op in ("Less", "Greater") else 4]
    plan = check_node(klib, compare_graph(op, I8, (3, 4), b.shape, (qa, qb)), [a, b])
    assert plan.kernel == f"{C_NAMES[op]}_int8"


@pytest.mark.parametrize("op", ["LogicalAnd", "LogicalOr"])
def test_logical(klib, op):
    gen = rng(op)
    sa, sb = (2, 1, 5), (3, 1)
    b = GraphBuilder("logic")
    a = b.input("a", B, sa)
    c = b.input("b", B, sb)
    y = b.node(op, [a, c], [("y", B, (2, 3, 5))])
    check_node(klib, b.build([y]), [gen.random(sa) < 0.5, gen.random(sb) < 0.5])


WHERE = [  # dtype, condition, x, y shapes
    (F32, (2, 2), (2, 2), (2, 2)),
    (I32, (3, 1), (1, 4), ()),
    (B, (5,), (2, 5), (2, 1)),
    (F16, (1, 3, 1), (2, 1, 4), (3, 4)),
    (I64, (2, 1, 3, 1, 2, 3), (1, 2, 1, 2, 1, 3), (3,)),
    (U16, (), (7,), (7,)),
]


@pytest.mark.parametrize("case", WHERE, ids=[f"{c[0].short}_{len(c[1])}d" for c in WHERE])
def test_where(klib, case):
    dtype, sc, sx, sy = case
    gen = rng(f"where-{dtype.short}-{sc}")
    out = tuple(np.broadcast_shapes(sc, sx, sy))
    b = GraphBuilder("where")
    c = b.input("c", B, sc)
    x = b.input("x", dtype, sx)
    y = b.input("y", dtype, sy)
    o = b.node("Where", [c, x, y], [("o", dtype, out)])
    plan = check_node(klib, b.build([o]), [gen.random(sc) < 0.5, values(gen, dtype, sx), values(gen, dtype, sy)])
    assert plan.params["elem_size"] == dtype.itemsize


def test_where_quantized_int8(klib):
    gen = rng("where-q")
    q = (0.1, -4)
    b = GraphBuilder("where")
    c = b.input("c", B, (4, 1))
    x = b.input("x", I8, (4, 3), quant=q)
    y = b.const("y", rand_i8(gen, (3,)), quant=q)
    o = b.node("Where", [c, x, y], [("o", I8, (4, 3), q)])
    check_node(klib, b.build([o]), [gen.random((4, 1)) < 0.5, rand_i8(gen, (4, 3))])


# ---------------------------------------------------------------- small models, end to end

def family_models():
    """Small models that together use every kernel source of the family: (name, graph, inputs).

    ``compare_where``: Greater (float32) and Equal (int32, broadcast) -> LogicalAnd / LogicalOr
    -> Where choosing between two float32 tensors; ``compare_int8``: quantized int8 Less ->
    Where on int8 data."""
    out = []
    gen = rng("family_compare_where")
    b = GraphBuilder("compare_where")
    x = b.input("x", F32, (3, 4))
    z = b.input("z", F32, (4,))
    g1 = b.node("Greater", [x, z], [("g1", B, (3, 4))])
    n = b.input("n", I32, (3, 1))
    k = b.const("k", np.array([0, 1, 2, 1], np.int32))
    e = b.node("Equal", [n, k], [("e", B, (3, 4))])
    c1 = b.node("LogicalAnd", [g1, e], [("c1", B, (3, 4))])
    c2 = b.node("LogicalOr", [c1, g1], [("c2", B, (3, 4))])
    y = b.node("Where", [c2, x, z], [("y", F32, (3, 4))])
    out.append(("compare_where", b.build([y]),
                [rand_f32(gen, (3, 4)), rand_f32(gen, (4,)), gen.integers(0, 3, (3, 1)).astype(np.int32)]))

    gen = rng("family_compare_int8")
    b = GraphBuilder("compare_int8")
    a = b.input("a", I8, (2, 5), quant=(0.05, 3))
    c = b.input("c", I8, (5,), quant=(0.03, -7))
    lt = b.node("Less", [a, c], [("lt", B, (2, 5))])
    y = b.node("Where", [lt, a, a], [("y", I8, (2, 5), (0.05, 3))])
    out.append(("compare_int8", b.build([y]), [rand_i8(gen, (2, 5)), rand_i8(gen, (5,))]))
    return out


def test_family_models_use_every_kernel_source():
    sources = {s for _, g, _ in family_models() for i in range(len(g.nodes))
               for s in ops.prepare(roundtrip(g), i).kernel_sources}
    assert sources == {"base/arithmetic_compare_base.c", "int8/arithmetic_compare_int8.c", "base/arithmetic_base.c"}


@pytest.mark.parametrize("index", range(2), ids=["compare_where", "compare_int8"])
def test_family_model_on_host(tmp_path, index):
    """Generated project (host gcc) vs the reference, whole model."""
    _, g, ins = family_models()[index]
    validate_on_host(g, [ins], tmp_path)
