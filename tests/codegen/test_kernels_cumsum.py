"""C kernels vs the reference, one node each: CumSum over float32, float16 and every integer
dtype (wrapping sums), first / middle / last / negative axes, exclusive and reverse, no axis
input; every case also runs in place. ``family_models()`` gives a float32 and an int32 model."""
from __future__ import annotations

import numpy as np
import pytest

from c_harness import check_node, klib, rand_f32, rng  # noqa: F401  (klib is a fixture)
from tiny_models import check_family_models
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

pytestmark = pytest.mark.host_cc

F32, I32 = DType.FLOAT32, DType.INT32


def cumsum_graph(dtype, shape, axis, exclusive=False, reverse=False):
    b = GraphBuilder("cumsum")
    ids = [b.input("x", dtype, shape)]
    if axis is not None:
        ids.append(b.const("axis", np.array(axis, np.int32)))
    y = b.node("CumSum", ids, [("y", dtype, shape)], exclusive=exclusive, reverse=reverse)
    return b.build([y])


def _rand(gen, dtype, shape):
    if dtype.np.kind == "f":
        return (gen.standard_normal(shape) * 3).astype(dtype.np)
    info = np.iinfo(dtype.np)
    return gen.integers(info.min, info.max, size=shape, dtype=dtype.np, endpoint=True)


DTYPES = [F32, DType.FLOAT16, DType.INT8, DType.INT16, I32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32,
          DType.UINT64]
GEOMETRY = [  # shape, axis, exclusive, reverse
    ((7,), None, False, False),
    ((3, 5, 4), 1, True, False),
    ((4, 9), -1, False, True),
    ((5, 2, 3), 0, True, True),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=[d.short for d in DTYPES])
def test_cumsum(klib, dtype):
    start = DTYPES.index(dtype) % len(GEOMETRY)
    for k in (start, (start + 1) % len(GEOMETRY), (start + 2) % len(GEOMETRY)):
        shape, axis, exclusive, reverse = GEOMETRY[k]
        x = _rand(rng(f"cumsum {dtype.short} {k}"), dtype, shape)
        plan = check_node(klib, cumsum_graph(dtype, shape, axis, exclusive, reverse), [x])
        assert plan.inplace == 0


def family_models():
    """(name, graph, inputs): a float32 and an int32 CumSum."""
    gen = rng("family models cumsum")
    return [("cumsum_f32", cumsum_graph(F32, (3, 6), -1, exclusive=True), [rand_f32(gen, (3, 6))]),
            ("cumsum_i32", cumsum_graph(I32, (4, 3), 0, reverse=True),
             [gen.integers(-1000, 1000, (4, 3)).astype(np.int32)])]


def test_family_models_run_on_the_reference():
    check_family_models(family_models())
