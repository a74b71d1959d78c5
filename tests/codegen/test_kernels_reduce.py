"""C kernels vs the reference, one node each: ReduceFusion over any axes (split, negative,
all, reduce_to_end with coeff, keep_dims) in float32 (every mode), int8 (mean, sum, max, min,
prod; TFLite reference, bit-exact), bool (all / any) and every plain integer dtype (sum and
prod wrap). ``family_models()`` gives small models that together call every reduce kernel."""
from __future__ import annotations

import numpy as np
import pytest

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401  (klib is a fixture)
from tiny_models import check_family_models
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

pytestmark = pytest.mark.host_cc

F32, I8 = DType.FLOAT32, DType.INT8


def reduce_graph(dtype, shape, axes, mode, keep=True, qi=None, qo=None, **attrs):
    """One ReduceFusion (axes as a constant input; ``axes`` None: no axes input)."""
    nd = len(shape)
    norm = sorted({a % nd for a in axes}) if axes is not None else list(range(nd))
    if attrs.get("reduce_to_end"):
        norm = list(range(norm[0], nd))
    out_shape = tuple(1 if d in norm else s for d, s in enumerate(shape)) if keep else \
        tuple(s for d, s in enumerate(shape) if d not in norm)
    b = GraphBuilder("red")
    ids = [b.input("x", dtype, shape, quant=qi)]
    if axes is not None:
        ids.append(b.const("axes", np.array(axes, np.int32)))
    y = b.node("ReduceFusion", ids, [("y", dtype, out_shape, qo)], keep_dims=keep, mode=mode, **attrs)
    return b.build([y])


def _rand(gen, dtype, shape):
    if dtype == F32:
        return rand_f32(gen, shape)
    if dtype == I8:
        return rand_i8(gen, shape)
    if dtype == DType.BOOL:
        return gen.random(shape) < 0.7
    info = np.iinfo(dtype.np)
    return gen.integers(info.min, info.max, size=shape, dtype=dtype.np, endpoint=True)


FP32_MODES = ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceSumSquare", "ReduceASum",
              "ReduceL2"]
GEOMETRY = [  # id, shape, axes, keep
    ("split", (3, 5, 2, 7), [0, 2], True),
    ("negative", (2, 3, 5, 7), [-1, 1], False),
    ("middle", (4, 9, 3), [1], False),
    ("all", (3, 4, 5), None, False),
]


@pytest.mark.parametrize("mode", FP32_MODES)
def test_reduce_fp32_modes(klib, mode):
    for gid, shape, axes, keep in GEOMETRY:
        gen = rng(f"reduce fp32 {mode} {gid}")
        x = rand_f32(gen, shape)
        if mode == "ReduceProd":
            x = (np.sign(x) * gen.uniform(0.8, 1.25, shape)).astype(np.float32)
        check_node(klib, reduce_graph(F32, shape, axes, mode, keep), [x])


def test_reduce_fp32_nan_and_coeff(klib):
    x = rand_f32(rng("reduce nan"), (3, 4, 5))
    x[1, 2, 3] = np.nan
    x[2, 0, 0] = np.nan
    for mode in ("ReduceMax", "ReduceMin"):
        check_node(klib, reduce_graph(F32, (3, 4, 5), [1, 2], mode), [x])
    x = rand_f32(rng("reduce coeff"), (2, 3, 4, 5))
    check_node(klib, reduce_graph(F32, (2, 3, 4, 5), [-3], "ReduceSum", False, reduce_to_end=True, coeff=0.25), [x])
    check_node(klib, reduce_graph(F32, (2, 3, 4, 5), [2], "ReduceMean", True, reduce_to_end=True, coeff=1e-6), [x])


INT8 = [  # id, mode, shape, axes, keep, in quant, out quant
    ("mean hw", "ReduceMean", (1, 5, 7, 9), [1, 2], True, (0.05, -3), (0.02, 5)),
    ("mean split", "ReduceMean", (3, 4, 5, 6), [0, -1], False, (0.1, 7), (0.1, 7)),
    ("sum requant", "ReduceSum", (2, 7, 3), [1], False, (0.05, -3), (0.3, 4)),
    ("sum same quant saturates", "ReduceSum", (4, 3, 5), [0, 2], True, (0.05, 2), (0.05, 2)),
    ("sum all", "ReduceSum", (3, 5, 4), None, False, (0.02, -128), (1.5, 0)),
    ("max split", "ReduceMax", (3, 4, 5, 2), [1, 3], True, (0.05, -3), (0.05, -3)),
    ("min negative", "ReduceMin", (5, 3, 6), [-2], False, (0.05, 1), (0.05, 1)),
    ("prod pairs", "ReduceProd", (3, 2, 5), [1], False, (0.1, -2), (1.5, 3)),
    ("prod triples split", "ReduceProd", (3, 4, 3, 2), [0, 2], True, (0.02, 10), (0.05, -7)),
    ("prod long", "ReduceProd", (4, 9), [1], False, (0.012, 0), (0.0005, -1)),
]


@pytest.mark.parametrize("cid,mode,shape,axes,keep,qi,qo", INT8, ids=[c[0] for c in INT8])
def test_reduce_int8(klib, cid, mode, shape, axes, keep, qi, qo):
    x = rand_i8(rng(f"reduce int8 {cid}"), shape)
    check_node(klib, reduce_graph(I8, shape, axes, mode, keep, qi, qo), [x])


PLAIN = [DType.BOOL, DType.INT16, DType.INT32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64]


@pytest.mark.parametrize("dtype", PLAIN, ids=[d.short for d in PLAIN])
def test_reduce_plain_dtypes(klib, dtype):
    modes = ("ReduceMax", "ReduceMin", "ReduceAll", "ReduceProd") if dtype == DType.BOOL else \
        ("ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin")
    for k, mode in enumerate(modes):
        gid, shape, axes, keep = GEOMETRY[k % len(GEOMETRY)]
        x = _rand(rng(f"reduce {dtype.short} {mode}"), dtype, shape)
        check_node(klib, reduce_graph(dtype, shape, axes, mode, keep), [x])


EMPTY_REDUCTION_C = r"""
#include <stddef.h>
#include "base/reduce_base.h"
#include "fp32/reduce_fp32.h"
#include "int8/reduce_int8.h"

/* 2 outputs of 0 reduced elements each, on a NULL input: nothing may be read */
int main(void) {
  reduce_param_t p = {.mode = REDUCE_MODE_MAX, .out_ndim = 1, .out_shape = {2}, .out_strides = {0},
                      .red_ndim = 1, .red_shape = {0}, .red_strides = {1}, .axis_size = 0, .coeff = 1.0f};
  float f32[2];
  int8_t i8[2];
  int32_t i32[2];
  uint8_t b[2];
  int refused = 0;
  refused += reduce_fp32(&p, NULL, f32) == NNACL_ERR_PARAM;
  refused += reduce_int8(&p, NULL, i8) == NNACL_ERR_PARAM;
  refused += reduce_int32(&p, NULL, i32) == NNACL_ERR_PARAM;
  p.mode = REDUCE_MODE_ALL;
  refused += reduce_bool(&p, NULL, b) == NNACL_ERR_PARAM;
  return refused == 4 ? 0 : 1;
}
"""


def test_empty_reduction_is_refused_without_reading(klib, tmp_path):
    """axis_size 0 (the Python side refuses it too): every reduce kernel returns NNACL_ERR_PARAM
    before REDUCE_WALK reads the first reduced element."""
    import subprocess
    from c_harness import HOST_FLAGS, NNACL
    src, exe = tmp_path / "empty.c", tmp_path / "empty"
    src.write_text(EMPTY_REDUCTION_C)
    subprocess.run([klib.cc, *HOST_FLAGS, "-I", str(NNACL), "-o", str(exe), str(src), *map(str, klib.objects), "-lm"],
                   check=True, capture_output=True, text=True)
    assert subprocess.run([str(exe)]).returncode == 0


def family_models():
    """(name, graph, inputs): an fp32 and an int8 chain through the fp32 / int8 reduce kernels,
    and one model reducing a bool, an int32 and a uint8 input."""
    gen = rng("family models reduce")
    b = GraphBuilder("reduce_f32")
    x = b.input("x", F32, (2, 3, 4, 5))
    t = b.node("ReduceFusion", [x, b.const("a0", np.array([1, 3], np.int32))], [("s", F32, (2, 1, 4, 1))],
               keep_dims=True, mode="ReduceSumSquare")
    y = b.node("ReduceFusion", [t, b.const("a1", np.array([-2], np.int32))], [("y", F32, (2, 1, 1))],
               keep_dims=False, mode="ReduceL2")
    f32 = b.build([y])
    b = GraphBuilder("reduce_i8")
    x = b.input("x", I8, (3, 4, 5), quant=(0.05, 2))
    t = b.node("ReduceFusion", [x, b.const("a0", np.array([0, 2], np.int32))], [("m", I8, (4,), (0.03, -4))],
               keep_dims=False, mode="ReduceMean")
    y = b.node("ReduceFusion", [t, b.const("a1", np.array([0], np.int32))], [("y", I8, (1,), (0.2, 1))],
               keep_dims=True, mode="ReduceSum")
    i8 = b.build([y])
    b = GraphBuilder("reduce_plain")
    xb = b.input("xb", DType.BOOL, (3, 4))
    xi = b.input("xi", DType.INT32, (3, 4))
    xu = b.input("xu", DType.UINT8, (3, 4))
    a = b.const("a", np.array([1], np.int32))
    yb = b.node("ReduceFusion", [xb, a], [("yb", DType.BOOL, (3,))], keep_dims=False, mode="ReduceMax")
    yi = b.node("ReduceFusion", [xi, a], [("yi", DType.INT32, (3,))], keep_dims=False, mode="ReduceSum")
    yu = b.node("ReduceFusion", [xu, a], [("yu", DType.UINT8, (3,))], keep_dims=False, mode="ReduceMin")
    plain = b.build([yb, yi, yu])
    return [("reduce_f32", f32, [rand_f32(gen, (2, 3, 4, 5))]),
            ("reduce_i8", i8, [rand_i8(gen, (3, 4, 5))]),
            ("reduce_plain", plain, [gen.random((3, 4)) < 0.3, gen.integers(-1000, 1000, (3, 4)).astype(np.int32),
                                     gen.integers(0, 256, (3, 4)).astype(np.uint8)])]


def test_family_models_run_on_the_reference():
    check_family_models(family_models())
