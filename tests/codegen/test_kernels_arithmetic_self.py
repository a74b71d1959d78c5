"""C kernels of the arithmetic_self family (fp32/arithmetic_self_fp32.c, int8/arithmetic_self_int8.c,
base/arithmetic_self_base.c) against the reference, one-op models."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401 (klib: fixture)

pytestmark = pytest.mark.host_cc

I8, F32 = DType.INT8, DType.FLOAT32
INT_TYPES = [DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64]
SHAPE = (3, 5, 7)


def _graph(op, dtype, shape=SHAPE, qi=None, qo=None, **attrs):
    b = GraphBuilder("self")
    x = b.input("x", dtype, shape, quant=qi)
    y = b.node(op, [x], [("y", dtype, shape, qo)], **attrs)
    return b.build([y])


def _fp32_input(op, gen):
    x = rand_f32(gen, SHAPE, 3.0)
    if op in ("Sqrt", "Rsqrt", "Log"):
        x = np.abs(x) + np.float32(1e-3)
    elif op == "Log1p":
        x = np.abs(x) - np.float32(0.5)
    elif op == "Reciprocal":
        x = np.where(np.abs(x) < 0.05, np.float32(0.5), x).astype(np.float32)
    elif op in ("Round", "Floor", "Ceil"):
        x.reshape(-1)[:8] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e7 + 1, -0.0]
    return x


FP32_OPS = ["Abs", "Neg", "Sqrt", "Rsqrt", "Square", "Log", "Log1p", "Erf", "Sin", "Cos", "Floor", "Ceil", "Round",
            "Reciprocal"]


@pytest.mark.parametrize("op", FP32_OPS)
def test_fp32(klib, op):
    check_node(klib, _graph(op, F32), [_fp32_input(op, rng("self" + op))])


@pytest.mark.parametrize("attrs", [{}, dict(base=2.0, scale=0.5, shift=1.0), dict(base=-1.0, scale=-1.5, shift=0.25)],
                         ids=["e", "base2", "scaled"])
def test_exp_fp32(klib, attrs):
    check_node(klib, _graph("ExpFusion", F32, **attrs), [rand_f32(rng(f"exp{attrs}"), SHAPE, 3.0)])


@pytest.mark.parametrize("dtype", INT_TYPES, ids=[d.short for d in INT_TYPES])
@pytest.mark.parametrize("op", ["Abs", "Neg", "Square", "Floor", "Ceil", "Round"])
def test_plain_int(klib, op, dtype):
    info = np.iinfo(dtype.np)
    gen = rng(f"selfi{op}{dtype.short}")
    x = gen.integers(max(int(info.min), -(1 << 40)), min(int(info.max), 1 << 40), size=SHAPE,
                     endpoint=True).astype(dtype.np)
    x.reshape(-1)[:2] = [info.min, info.max]
    check_node(klib, _graph(op, dtype), [x])


@pytest.mark.parametrize("op", ["Abs", "Neg"])
@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.05, -3)), ((0.05, 7), (0.03, -20)), ((0.02, -128), (0.09, 100))],
                         ids=["same_scale", "rescale", "extreme_zp"])
def test_int8(klib, op, qi, qo):
    x = np.arange(-128, 127, dtype=np.int8).reshape(3, 5, 17)
    check_node(klib, _graph(op, I8, (3, 5, 17), qi, qo), [x])


def test_logical_not(klib):
    x = rng("not").integers(0, 2, size=SHAPE).astype(bool)
    check_node(klib, _graph("LogicalNot", DType.BOOL), [x])


def family_models():
    """Small models calling every kernel of the family: arithmetic_self_fp32, arithmetic_self_int8,
    arithmetic_self_i32 and logical_not_base."""
    gen = rng("self_models")
    b = GraphBuilder("self_fp32")
    x = b.input("x", F32, (2, 12))
    h = b.node("Abs", [x], [("h", F32, (2, 12))])
    h = b.node("Sqrt", [h], [("h2", F32, (2, 12))])
    y = b.node("ExpFusion", [h], [("y", F32, (2, 12))], base=2.0, scale=1.0, shift=0.0)
    m1 = ("self_fp32", b.build([y]), [rand_f32(gen, (2, 12), 2.0)])
    b = GraphBuilder("self_int")
    x = b.input("x", I8, (2, 12), quant=(0.05, 3))
    y = b.node("Neg", [x], [("y", I8, (2, 12), (0.04, -2))])
    c = b.input("c", DType.INT32, (2, 5))
    z = b.node("Square", [c], [("z", DType.INT32, (2, 5))])
    m = b.input("m", DType.BOOL, (7,))
    w = b.node("LogicalNot", [m], [("w", DType.BOOL, (7,))])
    m2 = ("self_int", b.build([y, z, w]), [rand_i8(gen, (2, 12)), gen.integers(-50000, 50000, (2, 5)).astype(np.int32),
                                           gen.integers(0, 2, 7).astype(bool)])
    return [m1, m2]


@pytest.mark.parametrize("k", range(2))
def test_family_models_run_in_the_reference(k):
    from micro_codegen import check, reference
    name, g, inputs = family_models()[k]
    assert check.check_graph(g) == [], name
    reference.run(g, inputs)
