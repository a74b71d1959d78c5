"""C kernels vs the reference, one node each: ArgMaxFusion / ArgMinFusion over every input
dtype (bool, integers, float16, float32, quantized int8), first / middle / last / negative
axes, top_k 1 and > 1, indices (int32, int64) and values, with many ties (small value ranges)
and NaNs. ``family_models()`` gives small models that call the kernel for float32 and int8."""
from __future__ import annotations

import numpy as np
import pytest

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401  (klib is a fixture)
from tiny_models import check_family_models
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

pytestmark = pytest.mark.host_cc

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def arg_graph(op, dtype, shape, axis, k=1, keep=False, values=False, index=I32, quant=None):
    a = axis % len(shape)
    out_shape = list(shape)
    out_shape[a] = k
    if k == 1 and not keep:
        del out_shape[a]
    b = GraphBuilder("arg")
    x = b.input("x", dtype, shape, quant=quant)
    y = b.node(op, [x], [("y", dtype if values else index, tuple(out_shape), quant if values else None)],
               axis=axis, top_k=k, keep_dims=keep, out_max_value=values)
    return b.build([y])


def tied(gen, dtype, shape):
    """Values from a small range (many ties); floats also get NaNs, -0.0 and 0.0."""
    if dtype == DType.BOOL:
        return gen.random(shape) < 0.5
    if dtype in (F32, DType.FLOAT16):
        x = gen.integers(-3, 4, size=shape).astype(dtype.np) * dtype.np.type(0.5)
        flat = x.reshape(-1)
        flat[gen.integers(0, flat.size, 3)] = np.nan
        flat[gen.integers(0, flat.size, 2)] = -0.0
        return x
    info = np.iinfo(dtype.np)
    picks = np.array([info.min, info.min + 1, 0, 1, info.max - 1, info.max], dtype=dtype.np)
    return picks[gen.integers(0, picks.size, size=shape)]


DTYPES = [DType.BOOL, I8, DType.INT16, I32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64,
          DType.FLOAT16, F32]
CASES = [  # shape, axis, k, keep, values, index dtype
    ((5, 7), 1, 1, False, False, I32),
    ((3, 6, 4), 0, 2, True, False, DType.INT64),
    ((2, 5, 3, 2), -2, 1, True, True, I32),
    ((4, 9), -1, 4, True, True, I32),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=[d.short for d in DTYPES])
def test_arg_min_max_dtypes(klib, dtype):
    """Two of CASES per dtype (rotating), ArgMax and ArgMin alternating."""
    start = DTYPES.index(dtype) % len(CASES)
    for k in (start, (start + 1) % len(CASES)):
        shape, axis, top_k, keep, values, index = CASES[k]
        op = "ArgMaxFusion" if (k + start) % 2 == 0 else "ArgMinFusion"
        quant = (0.05, 3) if dtype == I8 else None
        x = tied(rng(f"arg {dtype.short} {k}"), dtype, shape)
        check_node(klib, arg_graph(op, dtype, shape, axis, top_k, keep, values, index, quant), [x])


@pytest.mark.parametrize("op", ["ArgMaxFusion", "ArgMinFusion"])
def test_arg_min_max_random_fp32(klib, op):
    gen = rng(f"arg random {op}")
    shape = (3, 5, 7)
    check_node(klib, arg_graph(op, F32, shape, 0, k=3, keep=True), [rand_f32(gen, shape)])
    check_node(klib, arg_graph(op, F32, shape, -1, values=True), [rand_f32(gen, shape)])


def family_models():
    """(name, graph, inputs): ArgMax of a float32 input (indices) and ArgMin values of an int8 input."""
    gen = rng("family models arg_min_max")
    b = GraphBuilder("argmax_f32")
    x = b.input("x", F32, (3, 5, 4))
    y = b.node("ArgMaxFusion", [x], [("y", I32, (3, 4))], axis=1, top_k=1, keep_dims=False, out_max_value=False)
    f32 = b.build([y])
    b = GraphBuilder("argmin_i8")
    x = b.input("x", I8, (4, 6), quant=(0.1, -2))
    y = b.node("ArgMinFusion", [x], [("y", I8, (4, 2), (0.1, -2))], axis=-1, top_k=2, keep_dims=True,
               out_max_value=True)
    i8 = b.build([y])
    return [("argmax_f32", f32, [rand_f32(gen, (3, 5, 4))]), ("argmin_i8", i8, [rand_i8(gen, (4, 6))])]


def test_family_models_run_on_the_reference():
    check_family_models(family_models())
