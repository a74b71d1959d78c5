"""C kernel of Cast (base/cast_base.c) against the reference: every pair of the supported dtypes,
with NaN, infinities, out-of-range and fractional values for the float sources."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import klib, rng  # noqa: F401 (klib: fixture)

pytestmark = pytest.mark.host_cc

TYPES = [DType.BOOL, DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32,
         DType.UINT64, DType.FLOAT16, DType.FLOAT32]
SHAPE = (4, 9)


def _source(dtype, gen):
    if dtype == DType.BOOL:
        return gen.integers(0, 2, SHAPE).astype(bool)
    if dtype.np.kind == "f":
        x = (gen.standard_normal(SHAPE) * 1e3).astype(dtype.np)
        special = [np.nan, np.inf, -np.inf, 0.5, -0.5, -1.5, 65504.0, -300.0, 3e4, 255.9, -128.9, 1e-3]
        if dtype == DType.FLOAT32:
            special += [3e9, -3e9, 1e19, -1e19, 2e19, 9.3e18, 70000.0, 65520.0]
        x.reshape(-1)[:len(special)] = np.array(special, dtype=np.float64).astype(dtype.np)
        return x
    info = np.iinfo(dtype.np)
    x = gen.integers(int(info.min), int(info.max), SHAPE, endpoint=True, dtype=dtype.np)
    x.reshape(-1)[:4] = [info.min, info.max, 0, 1]
    return x


def _check_exact(klib, g, inputs):
    """Reference vs C, every element equal (infinities and NaN included: Cast is exact)."""
    from micro_codegen import ops, reference
    from micro_codegen.builder import roundtrip
    g = roundtrip(g)
    expected = reference.run(g, inputs)[0]
    plan = ops.prepare(g, 0)
    got = klib.run_node(g, 0, plan, inputs)[0]
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected.reshape(got.shape), err_msg=g.tensors[g.outputs[0]].describe())
    if plan.inplace is not None:
        np.testing.assert_array_equal(klib.run_node(g, 0, plan, inputs, alias_output_to=plan.inplace)[0], got)


@pytest.mark.parametrize("src", TYPES, ids=[t.short for t in TYPES])
def test_cast(klib, src):
    gen = rng("cast" + src.short)
    for dst in TYPES:
        b = GraphBuilder("cast")
        x = b.input("x", src, SHAPE)
        y = b.node("Cast", [x, b.const("to", np.array([dst.value], np.int32))], [("y", dst, SHAPE)])
        with np.errstate(invalid="ignore", over="ignore"):
            _check_exact(klib, b.build([y]), [_source(src, gen)])


def family_models():
    """cast_base: float32 -> float16 -> int32 -> float32."""
    b = GraphBuilder("cast_chain")
    x = b.input("x", DType.FLOAT32, (3, 5))
    h = b.node("Cast", [x], [("h", DType.FLOAT16, (3, 5))])
    h = b.node("Cast", [h], [("h2", DType.INT32, (3, 5))])
    y = b.node("Cast", [h], [("y", DType.FLOAT32, (3, 5))])
    return [("cast_chain", b.build([y]), [(rng("cast_models").standard_normal((3, 5)) * 100).astype(np.float32)])]
