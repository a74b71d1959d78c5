"""C kernels of the resize family against the reference, one-op Resize models (NHWC):
NEAREST of every dtype (pixel copies; MindSpore Lite indices, TFLite's for quantized data),
LINEAR and CUBIC fp32 (MindSpore Lite tables), LINEAR int8 (TFLite 10-bit fixed point), over
every coordinate transform mode, up- and downsampling with odd sizes, batch > 1, lengths of 1.
``family_models()``: small models calling each resize kernel, run end to end on the QEMU
boards by the shared test."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import (check_family_models_node_by_node, check_node, klib,  # noqa: F401 (klib: fixture)
                       rand_dtype, rand_f32, rand_i8, rng)

pytestmark = pytest.mark.host_cc

I8, U8, F32, F16 = DType.INT8, DType.UINT8, DType.FLOAT32, DType.FLOAT16
ALL = [DType.BOOL, I8, DType.INT16, DType.INT32, DType.INT64, U8, DType.UINT16, DType.UINT32, DType.UINT64, F16, F32]
MODES = ["ASYMMETRIC", "ALIGN_CORNERS", "HALF_PIXEL"]
#: (input shape NHWC, output h, w): up, down, mixed, odd, lengths of 1
GEOMETRIES = [((2, 3, 5, 3), 7, 4), ((1, 7, 6, 2), 3, 5), ((1, 1, 4, 5), 3, 1), ((1, 5, 1, 1), 1, 6),
              ((1, 4, 4, 1), 8, 8)]


def resize_model(shape, oh, ow, dtype=F32, q=None, size_input=True, **attrs):
    b = GraphBuilder("resize")
    x = b.input("x", dtype, shape, quant=q)
    ins = [x, b.const("sizes", np.array([oh, ow], np.int32))] if size_input else [x]
    y = b.node("Resize", ins, [("y", dtype, (shape[0], oh, ow, shape[3]), q)], format="NHWC", **attrs)
    return b.build([y])


@pytest.mark.parametrize("dtype", ALL, ids=[d.short for d in ALL])
def test_nearest_dtypes(klib, dtype):
    gen = rng(f"nearest{dtype}")
    q = (0.1, 2) if dtype == I8 else None                   # int8 activations are quantized
    g = resize_model((2, 3, 4, 3), 5, 7, dtype, q, method="NEAREST", coordinate_transform_mode="HALF_PIXEL",
                     nearest_mode="ROUND_HALF_UP")
    plan = check_node(klib, g, [rand_dtype(gen, dtype, (2, 3, 4, 3))])
    assert plan.kernel == "resize_nearest_base"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("geo", GEOMETRIES, ids=[f"{g[0][1]}x{g[0][2]}to{g[1]}x{g[2]}" for g in GEOMETRIES])
def test_nearest_modes(klib, mode, geo):
    shape, oh, ow = geo
    gen = rng(f"nearest{mode}{geo}")
    for dtype, q in ((F32, None), (I8, (0.1, -3)), (U8, (0.2, 128))):      # quantized: TFLite indices
        g = resize_model(shape, oh, ow, dtype, q, method="NEAREST", coordinate_transform_mode=mode)
        check_node(klib, g, [rand_dtype(gen, dtype, shape)])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("geo", GEOMETRIES, ids=[f"{g[0][1]}x{g[0][2]}to{g[1]}x{g[2]}" for g in GEOMETRIES])
def test_linear_fp32(klib, mode, geo):
    shape, oh, ow = geo
    g = resize_model(shape, oh, ow, method="LINEAR", coordinate_transform_mode=mode, size_input=False)
    plan = check_node(klib, g, [rand_f32(rng(f"linear{mode}{geo}"), shape, 3.0)])
    assert plan.kernel == "resize_fp32" and plan.params["taps"].name == "RESIZE_LINEAR_TAPS"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("a,exclude", [(-0.75, 0), (-0.5, 1), (0.0, 0)])
@pytest.mark.parametrize("geo", GEOMETRIES[:4], ids=[f"{g[0][1]}x{g[0][2]}to{g[1]}x{g[2]}" for g in GEOMETRIES[:4]])
def test_cubic_fp32(klib, mode, a, exclude, geo):
    shape, oh, ow = geo
    g = resize_model(shape, oh, ow, method="CUBIC", coordinate_transform_mode=mode, cubic_coeff=a,
                     exclude_outside=exclude)
    plan = check_node(klib, g, [rand_f32(rng(f"cubic{mode}{a}{geo}"), shape, 3.0)])
    assert plan.params["taps"].name == "RESIZE_CUBIC_TAPS"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("geo", GEOMETRIES, ids=[f"{g[0][1]}x{g[0][2]}to{g[1]}x{g[2]}" for g in GEOMETRIES])
def test_linear_int8(klib, mode, geo):
    shape, oh, ow = geo
    g = resize_model(shape, oh, ow, I8, (0.05, 7), method="LINEAR", coordinate_transform_mode=mode)
    plan = check_node(klib, g, [rand_i8(rng(f"linear8{mode}{geo}"), shape)])
    assert plan.kernel == "resize_bilinear_int8"


def test_int8_extremes(klib):
    """Saturated inputs: the 20-bit sums of +-127/-128 round like TFLite's (no overflow)."""
    x = np.tile(np.array([-128, 127, -128, 127, 127], np.int8), (1, 5, 1, 1)).reshape(1, 5, 5, 1)
    for mode in MODES:
        g = resize_model((1, 5, 5, 1), 9, 12, I8, (0.1, 0), method="LINEAR", coordinate_transform_mode=mode)
        check_node(klib, g, [x])


@pytest.mark.parametrize("kind", ["nearest", "linear_fp32", "cubic_fp32", "linear_int8"])
@pytest.mark.parametrize("in_hw", [(0, 4), (3, 0)], ids=["h0", "w0"])
def test_empty_input_reads_nothing(klib, kind, in_hw):
    """An input with H or W = 0 has no pixel to read: the kernel returns without reading it (it
    used to gather rows past the empty input into the output) or writing anything."""
    import dataclasses

    from c_harness import GUARD_BYTE, run_guarded
    from micro_codegen import ops
    from micro_codegen.builder import roundtrip
    dtype, q = (I8, (0.1, 3)) if kind == "linear_int8" else (F32, None)
    method = {"nearest": "NEAREST", "cubic_fp32": "CUBIC"}.get(kind, "LINEAR")
    g = roundtrip(resize_model((1, 3, 4, 2), 5, 6, dtype, q=q, method=method))
    plan = ops.prepare(g, 0)     # the tables of a 3 x 4 input; the kernel must not get to them
    plan = dataclasses.replace(plan, params=dict(plan.params, in_h=in_hw[0], in_w=in_hw[1]))
    out_bytes = 5 * 6 * 2 * dtype.itemsize
    (out,) = run_guarded(klib, g, plan, [0], [out_bytes])
    assert np.all(out == GUARD_BYTE), "the output was written from an empty input"


def family_models():
    """(name, graph, inputs): a float model using the nearest, linear and cubic kernels and an
    int8 model using the int8 bilinear and the nearest kernels."""
    gen = rng("resize_models")
    b = GraphBuilder("resize_fp32")
    x = b.input("x", F32, (1, 5, 4, 3))
    n = b.node("Resize", [x], [("n", F32, (1, 10, 8, 3))], method="NEAREST", coordinate_transform_mode="ASYMMETRIC",
               format="NHWC")
    li = b.node("Resize", [n], [("l", F32, (1, 7, 9, 3))], method="LINEAR", coordinate_transform_mode="HALF_PIXEL",
                format="NHWC")
    c = b.node("Resize", [li], [("c", F32, (1, 4, 5, 3))], method="CUBIC", coordinate_transform_mode="ALIGN_CORNERS",
               cubic_coeff=-0.75, format="NHWC")
    m1 = (b.build([c]), [rand_f32(gen, (1, 5, 4, 3))])
    b = GraphBuilder("resize_int8")
    q = (0.04, -5)
    x = b.input("x", I8, (2, 3, 3, 4), quant=q)
    li = b.node("Resize", [x], [("l", I8, (2, 6, 5, 4), q)], method="LINEAR", coordinate_transform_mode="HALF_PIXEL",
                format="NHWC")
    n = b.node("Resize", [li], [("n", I8, (2, 4, 7, 4), q)], method="NEAREST",
               coordinate_transform_mode="ALIGN_CORNERS", format="NHWC")
    m2 = (b.build([n]), [rand_i8(gen, (2, 3, 3, 4))])
    return [("resize_fp32", *m1), ("resize_int8", *m2)]


def test_family_models(klib):
    """Every model passes check; each node's C call matches the reference."""
    check_family_models_node_by_node(klib, family_models())
