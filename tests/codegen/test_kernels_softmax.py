"""C kernel of LogSoftmax (fp32/softmax_fp32.c: log_softmax_fp32) against the reference
(Softmax itself: tests/codegen/test_kernels_c.py)."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_f32, rng  # noqa: F401 (klib: fixture)

pytestmark = pytest.mark.host_cc


def _graph(shape, axis):
    b = GraphBuilder("lsm")
    x = b.input("x", DType.FLOAT32, shape)
    y = b.node("LogSoftmax", [x], [("y", DType.FLOAT32, shape)], axis=axis)
    return b.build([y])


@pytest.mark.parametrize("shape,axis", [((1, 12), -1), ((3, 4, 5), 1), ((2, 3, 33), 2), ((6, 2), 0), ((7,), 0)],
                         ids=["row12", "axis1", "last", "axis0", "1d"])
def test_log_softmax(klib, shape, axis):
    x = rand_f32(rng(f"lsm{shape}{axis}"), shape, 5.0)
    x.reshape(-1)[0] = 1000.0                     # a large value: exp(x - max) must not overflow
    check_node(klib, _graph(shape, axis), [x])


def family_models():
    """log_softmax_fp32 and softmax_fp32."""
    b = GraphBuilder("softmaxes")
    x = b.input("x", DType.FLOAT32, (2, 3, 10))
    h = b.node("LogSoftmax", [x], [("h", DType.FLOAT32, (2, 3, 10))], axis=1)
    y = b.node("Softmax", [h], [("y", DType.FLOAT32, (2, 3, 10))], axis=(-1,))
    return [("softmaxes", b.build([y]), [rand_f32(rng("softmaxes"), (2, 3, 10), 3.0)])]
