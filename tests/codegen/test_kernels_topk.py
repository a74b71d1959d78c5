"""C kernels vs the reference, one node each: TopKFusion with a constant k over float32 (random,
ties, NaN), quantized int8, float16, bool and integer inputs, first / middle / last / negative
axes, int32 and int64 indices (a two-output node). ``family_models()`` gives a float32 and an
int8 TopK model."""
from __future__ import annotations

import numpy as np
import pytest

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401  (klib is a fixture)
from tiny_models import check_family_models
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType
from test_kernels_arg_min_max import tied

pytestmark = pytest.mark.host_cc

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def topk_graph(dtype, shape, axis, k, index=I32, quant=None):
    out = list(shape)
    out[axis % len(shape)] = k
    b = GraphBuilder("topk")
    x = b.input("x", dtype, shape, quant=quant)
    kk = b.const("k", np.array([k], np.int32))
    ys = b.node("TopKFusion", [x, kk], [("v", dtype, tuple(out), quant), ("i", index, tuple(out))], axis=axis,
                sorted=True, largest=0)
    return b.build(ys)


CASES = [  # id, dtype, shape, axis, k, index dtype
    ("fp32 last", F32, (3, 11), -1, 4, I32),
    ("fp32 first k=all", F32, (5, 2, 3), 0, 5, DType.INT64),
    ("int8 middle", I8, (2, 9, 3), 1, 3, I32),
    ("fp16 negative", DType.FLOAT16, (4, 6, 2), -2, 2, I32),
    ("bool", DType.BOOL, (3, 7), 1, 3, I32),
    ("int32", I32, (2, 3, 8), 2, 5, DType.INT64),
    ("uint16", DType.UINT16, (6, 5), 0, 1, I32),
    ("int64", DType.INT64, (4, 5), -1, 2, I32),
]


@pytest.mark.parametrize("cid,dtype,shape,axis,k,index", CASES, ids=[c[0] for c in CASES])
def test_topk(klib, cid, dtype, shape, axis, k, index):
    gen = rng(f"topk {cid}")
    quant = (0.05, -2) if dtype == I8 else None
    x = tied(gen, dtype, shape)
    check_node(klib, topk_graph(dtype, shape, axis, k, index, quant), [x])
    if dtype == F32:
        check_node(klib, topk_graph(dtype, shape, axis, k, index, quant), [rand_f32(gen, shape)])


def family_models():
    """(name, graph, inputs): TopK of a float32 and of a quantized int8 input."""
    gen = rng("family models topk")
    f32 = topk_graph(F32, (4, 9), -1, 3)
    i8 = topk_graph(I8, (5, 3, 2), 0, 2, quant=(0.1, 4))
    return [("topk_f32", f32, [rand_f32(gen, (4, 9))]), ("topk_i8", i8, [rand_i8(gen, (5, 3, 2))])]


def test_family_models_run_on_the_reference():
    check_family_models(family_models())
