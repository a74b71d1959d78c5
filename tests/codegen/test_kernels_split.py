"""C kernels of the data-movement families against the reference, one-op models: split,
gather, strided_slice (StridedSlice, SliceFusion), tile (TileFusion), broadcast_to
(BroadcastTo), depth_to_space (DepthToSpace, SpaceToDepth), pad (all modes, every dtype, axes
input), concat (int8 / uint8 requantizing). Every dtype with a C type; odd sizes, negative
axes and steps, broadcasting. ``family_models()``: small models using each of these kernels,
run end to end on the QEMU boards by the shared test."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_dtype, rand_i8, rng  # noqa: F401 (klib: fixture)
from tiny_models import check_family_models

pytestmark = pytest.mark.host_cc

I8, U8, I16, I32, I64, F32, F16 = DType.INT8, DType.UINT8, DType.INT16, DType.INT32, DType.INT64, DType.FLOAT32, \
    DType.FLOAT16
ALL = [DType.BOOL, I8, I16, I32, I64, U8, DType.UINT16, DType.UINT32, DType.UINT64, F16, F32]
IDS = [d.short for d in ALL]


def one_op(op, x_shape, dtype, out_shapes, consts=(), q=None, name="m", **attrs):
    """A one-op model: activation input x, then constant inputs ``consts``; outputs of ``out_shapes``."""
    b = GraphBuilder(name)
    ins = [b.input("x", dtype, x_shape, quant=q)] + [b.const(f"c{k}", c) for k, c in enumerate(consts)]
    ys = b.node(op, ins, [(f"y{k}", dtype, s, q) for k, s in enumerate(out_shapes)], **attrs)
    return b.build(ys if isinstance(ys, list) else [ys])


def _i32(*v):
    return np.array(v, np.int32)


# ---------------------------------------------------------------- Split

@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_split_dtypes(klib, dtype):
    gen = rng(f"split{dtype}")
    g = one_op("Split", (3, 7, 5), dtype, [(3, 2, 5), (3, 4, 5), (3, 1, 5)], axis=-2, output_num=3,
               size_splits=(2, -1, 1))
    check_node(klib, g, [rand_dtype(gen, dtype, (3, 7, 5))])


@pytest.mark.parametrize("shape,axis,parts,consts", [((9,), 0, None, ()), ((2, 6, 3), 2, None, ()),
                                                     ((4, 5), 0, [1, 3], (_i32(1, 3),)), ((5, 2, 3), -3, [5], ())])
def test_split_geometry(klib, shape, axis, parts, consts):
    gen = rng(f"split{shape}{axis}")
    a = axis % len(shape)
    parts = parts or [shape[a] // 3] * 3
    outs = [tuple(s if d == a else shape[d] for d in range(len(shape))) for s in parts]
    g = one_op("Split", shape, F32, outs, consts, axis=axis, output_num=len(parts))
    check_node(klib, g, [rand_dtype(gen, F32, shape)])


# ---------------------------------------------------------------- Gather

@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_gather_dtypes(klib, dtype):
    gen = rng(f"gather{dtype}")
    g = one_op("Gather", (5, 3, 4), dtype, [(5, 2, 3, 4)], (np.array([[2, -1, 0], [-3, 1, 1]], np.int64),
                                                             _i32(-2)))
    check_node(klib, g, [rand_dtype(gen, dtype, (5, 3, 4))])


@pytest.mark.parametrize("shape,axis,idx_shape,idx_dtype", [((7,), 0, (4,), I32), ((3, 5, 2), 1, (2, 3), I64),
                                                            ((4, 3), -1, (), I32), ((2, 3, 4, 5), 3, (1, 6), I64)])
def test_gather_activation_indices(klib, shape, axis, idx_shape, idx_dtype):
    gen = rng(f"gather{shape}{axis}{idx_dtype}")
    dim = shape[axis]
    b = GraphBuilder("g")
    x = b.input("x", F32, shape)
    ind = b.input("i", idx_dtype, idx_shape)
    ax = b.const("axis", _i32(axis))
    a = axis % len(shape)
    out = tuple(shape[:a]) + tuple(idx_shape) + tuple(shape[a + 1:])
    y = b.node("Gather", [x, ind, ax], [("y", F32, out)])
    idx = gen.integers(-dim, dim, size=idx_shape).astype(idx_dtype.np)
    check_node(klib, b.build([y]), [rand_dtype(gen, F32, shape), idx])


def test_gather_constant_table(klib):
    """An embedding: a constant table gathered by activation indices."""
    gen = rng("embed")
    b = GraphBuilder("e")
    table = b.const("table", rand_i8(gen, (11, 6)), quant=(0.05, 3))
    ids = b.input("ids", I32, (2, 3))
    ax = b.const("axis", _i32(0))
    y = b.node("Gather", [table, ids, ax], [("y", I8, (2, 3, 6), (0.05, 3))])
    check_node(klib, b.build([y]), [gen.integers(0, 11, size=(2, 3)).astype(np.int32)])


# ---------------------------------------------------------------- StridedSlice / SliceFusion

def _sliced(shape, idx):
    return np.empty(shape, np.uint8)[idx].shape


SS_CASES = [  # id, shape, begin, end, strides, masks
    ("basic", (6, 7, 5), [1, 0, 4], [5, 7, -6], [2, 3, -1], {}),
    ("neg_steps_clamped", (9, 4), [100, -1], [-100, 0], [-2, -1], {}),
    ("masks", (4, 5, 6), [1, 9, 2], [3, 9, -1], [1, 1, 2], dict(begin_mask=2, end_mask=2, shrink_axis_mask=1)),
    ("ellipsis_newaxis", (3, 4, 5, 6), [0, 0, 1], [0, 0, 5], [1, 1, 2], dict(ellipsis_mask=1, new_axis_mask=2)),
    ("empty", (4, 5), [3, 0], [1, 5], [1, 1], {}),
]


@pytest.mark.parametrize("case", SS_CASES, ids=[c[0] for c in SS_CASES])
def test_strided_slice_tf_form(klib, case):
    from micro_codegen import numerics
    cid, shape, begin, end, strides, masks = case
    gen = rng(cid)
    out = _sliced(shape, numerics.strided_slice_index(shape, begin, end, strides, masks))
    g = one_op("StridedSlice", shape, F32, [out], (_i32(*begin), _i32(*end), _i32(*strides)), **masks)
    check_node(klib, g, [rand_dtype(gen, F32, shape)])


@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_strided_slice_onnx_form(klib, dtype):
    gen = rng(f"onnxslice{dtype}")
    shape, starts, ends, axes, steps = (20, 10, 5), [20, 10, 4], [0, 2, 1], [0, -2, 2], [-3, -2, -1]
    out = _sliced(shape, (slice(20, 0, -3), slice(10, 2, -2), slice(4, 1, -1)))
    g = one_op("StridedSlice", shape, dtype, [out], (_i32(*starts), _i32(*ends), _i32(*axes), _i32(*steps)))
    check_node(klib, g, [rand_dtype(gen, dtype, shape)])


@pytest.mark.parametrize("shape,begin,size,axes,dtype", [((5, 6, 7), [1, -4], [3, -1], (0, 2), I8),
                                                         ((8,), [2], [5], (), F16),
                                                         ((2, 3, 4, 5), [1, 0, 1, 2], [1, 3, 2, -1], (), I64)])
def test_slice_fusion(klib, shape, begin, size, axes, dtype):
    from micro_codegen import numerics
    gen = rng(f"slice{shape}{dtype}")
    q = (0.1, -2) if dtype == I8 else None
    out = _sliced(shape, numerics.slice_fusion_index(shape, begin, size, axes))
    g = one_op("SliceFusion", shape, dtype, [out], (_i32(*begin), _i32(*size)), q=q, axes=axes)
    check_node(klib, g, [rand_dtype(gen, dtype, shape)])


# ---------------------------------------------------------------- TileFusion / BroadcastTo

@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_tile_dtypes(klib, dtype):
    gen = rng(f"tile{dtype}")
    g = one_op("TileFusion", (2, 3, 5), dtype, [(4, 3, 15)], (_i32(2, 1, 3),))
    check_node(klib, g, [rand_dtype(gen, dtype, (2, 3, 5))])


@pytest.mark.parametrize("shape,reps,dims", [((3,), [4], None), ((2, 1, 3), [1, 5, 1], None),
                                             ((2, 3, 2), [2, 3], None), ((2, 3, 2), [3, 2], (2, 0)),
                                             ((1, 2, 1, 3, 1, 2), [2, 1, 3, 1, 2, 2], None),
                                             ((2, 3), [0, 2], None), ((2, 3, 4), [3], (1,))])
def test_tile_geometry(klib, shape, reps, dims):
    """Multiples apply to the axes ``dims`` lists, else to the first axes (MindSpore Lite)."""
    from micro_codegen import numerics
    gen = rng(f"tile{shape}{reps}{dims}")
    full = numerics.tile_multiples(len(shape), reps, dims)
    attrs = {} if dims is None else dict(dims=dims)
    g = one_op("TileFusion", shape, F32, [tuple(d * r for d, r in zip(shape, full))], (_i32(*reps),), **attrs)
    check_node(klib, g, [rand_dtype(gen, F32, shape)])


@pytest.mark.parametrize("shape,target,dtype", [((3, 1), (2, 1, 6), DType.BOOL), ((3, 1), (3, 4), F32),
                                                ((1, 5), (1,), U8), ((4, 1, 3), (2, 1, 5, 3), DType.UINT64),
                                                ((2, 1), (2, 3), F16)])
def test_broadcast_to(klib, shape, target, dtype):
    gen = rng(f"bc{shape}{target}{dtype}")
    out = np.broadcast_shapes(shape, target)
    g = one_op("BroadcastTo", shape, dtype, [out], (np.array(target, np.int64),))
    check_node(klib, g, [rand_dtype(gen, dtype, shape)])


# ---------------------------------------------------------------- DepthToSpace / SpaceToDepth

@pytest.mark.parametrize("op,shape,block,mode,fmt,dtype", [("DepthToSpace", (2, 3, 2, 12), 2, "DCR", "NHWC", I8),
                                                           ("DepthToSpace", (1, 2, 3, 18), 3, "CRD", "NHWC", F32),
                                                           ("DepthToSpace", (1, 8, 2, 3), 2, "DCR", "NCHW", F16),
                                                           ("DepthToSpace", (1, 8, 3, 2), 2, "CRD", "NCHW", I16),
                                                           ("SpaceToDepth", (2, 6, 4, 3), 2, "DCR", "NHWC", I8),
                                                           ("SpaceToDepth", (1, 5, 9, 6), 3, "DCR", "NCHW", F32)])
def test_depth_to_space(klib, op, shape, block, mode, fmt, dtype):
    from micro_codegen import numerics
    gen = rng(f"{op}{shape}{mode}{fmt}{dtype}")
    out = numerics.depth_to_space_geometry(op, shape, block, mode, fmt == "NCHW")[2]
    attrs = dict(block_size=block, format=fmt, **({"mode": mode} if op == "DepthToSpace" else {}))
    g = one_op(op, shape, dtype, [out], q=(0.1, 1) if dtype == I8 else None, **attrs)
    check_node(klib, g, [rand_dtype(gen, dtype, shape)])


# ---------------------------------------------------------------- PadFusion

PAD_DTYPES = [("CONSTANT", d) for d in ALL] + [(m, d) for m in ("REFLECT", "SYMMETRIC") for d in (I8, F16, I64)]


@pytest.mark.parametrize("mode,dtype", PAD_DTYPES, ids=[f"{m}-{d.short}" for m, d in PAD_DTYPES])
def test_pad_modes_dtypes(klib, mode, dtype):
    gen = rng(f"pad{mode}{dtype}")
    shape, pads = (2, 4, 3), [[1, 0], [3, 2], [0, 2]]
    if mode == "SYMMETRIC":
        pads = [[2, 1], [4, 3], [3, 0]]
    out = tuple(d + a + b for d, (a, b) in zip(shape, pads))
    q = (0.05, -3) if dtype == I8 else None
    g = one_op("PadFusion", shape, dtype, [out], (np.array(pads, np.int32),), q=q, padding_mode=mode,
               constant_value=-1.75)
    check_node(klib, g, [rand_dtype(gen, dtype, shape)])


@pytest.mark.parametrize("shape,pads,mode", [((7,), [[3, 5]], "CONSTANT"), ((7,), [[3, 5]], "REFLECT"),
                                             ((1, 1, 400), [[0, 0], [0, 0], [56, 56]], "REFLECT"),
                                             ((1, 2, 1, 2, 3, 2), [[0, 1], [1, 0], [0, 0], [1, 1], [0, 2], [1, 1]],
                                              "SYMMETRIC"),
                                             ((2, 0, 3), [[1, 0], [1, 1], [0, 1]], "CONSTANT")])
def test_pad_geometry(klib, shape, pads, mode):
    gen = rng(f"pad{shape}{mode}")
    if mode != "CONSTANT":
        pads = [[min(a, d - (mode == "REFLECT")), min(b, d - (mode == "REFLECT"))] for d, (a, b) in zip(shape, pads)]
    out = tuple(d + a + b for d, (a, b) in zip(shape, pads))
    g = one_op("PadFusion", shape, F32, [out], (np.array(pads, np.int32).reshape(-1),), padding_mode=mode)
    check_node(klib, g, [rand_dtype(gen, F32, shape)])


@pytest.mark.parametrize("axes", [[1, 3], [-3, -1], [2]])
def test_pad_onnx_axes(klib, axes):
    """ONNX pads for the listed axes, begins then ends, and a constant value input."""
    gen = rng(f"padaxes{axes}")
    shape = (1, 3, 4, 5)
    pads = {1: (1, 2), 2: (0, 3), 3: (2, 0)}
    norm = [a % 4 for a in axes]
    p = [pads[a][0] for a in norm] + [pads[a][1] for a in norm]
    out = tuple(d + (sum(pads[k]) if k in norm else 0) for k, d in enumerate(shape))
    g = one_op("PadFusion", shape, F32, [out], (_i32(*p), np.array(2.5, np.float32), _i32(*axes)),
               padding_mode="CONSTANT")
    check_node(klib, g, [rand_dtype(gen, F32, shape)])


@pytest.mark.parametrize("dtype,value_q,out_q", [(I8, (0.05, 4), (0.1, -3)), (I8, (0.1, -3), (0.1, -3)),
                                                  (U8, (0.2, 128), (0.1, 120))])
def test_pad_quantized_constant_value(klib, dtype, value_q, out_q):
    """A quantized constant value input is dequantized, then quantized with the output's
    parameters (its integer is the fill as it is when the parameters match)."""
    from micro_codegen import numerics
    gen = rng(f"padq{dtype}{value_q}")
    shape, pads = (2, 3), _i32(1, 0, 2, 1)
    value = np.array([20 if dtype == I8 else 140], dtype.np)
    b = GraphBuilder("m")
    x = b.input("x", dtype, shape, quant=out_q)
    y = b.node("PadFusion", [x, b.const("p", pads), b.const("v", value, quant=value_q)], [("y", dtype, (3, 6), out_q)],
               padding_mode="CONSTANT")
    g = b.build([y])
    plan = check_node(klib, g, [rand_dtype(gen, dtype, shape)])
    want = numerics.pad_fill_value(int(value[0]), dtype.np, out_q, value_q)
    assert plan.consts[0].values.tolist() == want.tolist()
    real = (int(value[0]) - value_q[1]) * value_q[0]
    assert want[0] == (value[0] if value_q == out_q else numerics.quantize_value(real, *out_q))


# ---------------------------------------------------------------- Concat, requantizing

@pytest.mark.parametrize("dtype", [I8, U8], ids=["int8", "uint8"])
@pytest.mark.parametrize("shapes,axis", [([(2, 3, 4), (2, 1, 4), (2, 5, 4)], 1), ([(3, 5), (3, 2)], -1),
                                         ([(1, 7), (2, 7)], 0)])
def test_concat_requantizing(klib, shapes, axis, dtype):
    gen = rng(f"catq{shapes}{dtype}")
    zp = 128 if dtype == U8 else 0
    qs = [(0.05, zp - 3), (0.2, zp + 10), (0.011, zp)][:len(shapes)]
    qo = (0.1, zp + 2) if len(shapes) > 2 else qs[0]
    b = GraphBuilder("catq")
    ins = [b.input(f"x{k}", dtype, s, quant=q) for k, (s, q) in enumerate(zip(shapes, qs))]
    out = np.concatenate([np.zeros(s) for s in shapes], axis=axis).shape
    y = b.node("Concat", ins, [("y", dtype, out, qo)], axis=axis)
    info = np.iinfo(dtype.np)
    vals = [gen.integers(info.min, info.max, size=s, endpoint=True).astype(dtype.np) for s in shapes]
    vals[0].reshape(-1)[:2] = [info.min, info.max]
    plan = check_node(klib, b.build([y]), vals)
    assert plan.kernel == "concat_int8"


# ---------------------------------------------------------------- end-to-end models (QEMU boards)

def family_models():
    """(name, graph, inputs): small models that together call every data-movement kernel."""
    gen = rng("data_movement_models")
    # fp32: reflect pad -> strided slice -> depth-to-space -> tile, and a split into two outputs
    b = GraphBuilder("dm_fp32")
    x = b.input("x", F32, (1, 4, 6, 4))
    p = b.node("PadFusion", [x, b.const("pads", _i32(0, 0, 1, 1, 2, 1, 0, 0))], [("p", F32, (1, 6, 9, 4))],
               padding_mode="REFLECT")
    s = b.node("StridedSlice", [p, b.const("b", _i32(0, 5, 0)), b.const("e", _i32(1, 0, 8)),
                                b.const("st", _i32(1, -2, 1))], [("s", F32, (1, 3, 8, 4))])
    d = b.node("DepthToSpace", [s], [("d", F32, (1, 6, 16, 1))], block_size=2, mode="CRD", format="NHWC")
    t = b.node("TileFusion", [d, b.const("m", _i32(1, 1, 1, 3))], [("t", F32, (1, 6, 16, 3))])
    y0, y1 = b.node("Split", [t], [("y0", F32, (1, 2, 16, 3)), ("y1", F32, (1, 4, 16, 3))], axis=1,
                    output_num=2, size_splits=(2, 4))
    m1 = (b.build([y0, y1]), [rand_dtype(gen, F32, (1, 4, 6, 4))])
    # int8: gather by activation indices, requantizing concat, broadcast, space-to-depth
    b = GraphBuilder("dm_int8")
    x = b.input("x", I8, (2, 4, 4, 3), quant=(0.05, -3))
    ids = b.input("ids", I32, (2,))
    g = b.node("Gather", [x, ids, b.const("ax", _i32(1))], [("g", I8, (2, 2, 4, 3), (0.05, -3))])
    z = b.input("z", I8, (2, 2, 4, 3), quant=(0.11, 7))
    c = b.node("Concat", [g, z], [("c", I8, (2, 4, 4, 3), (0.08, 1))], axis=1)
    e = b.node("SpaceToDepth", [c], [("e", I8, (2, 2, 2, 12), (0.08, 1))], block_size=2, format="NHWC")
    w = b.node("BroadcastTo", [b.node("SliceFusion", [e, b.const("sb", _i32(1)), b.const("sz", _i32(1))],
                                      [("sl", I8, (1, 2, 2, 12), (0.08, 1))], axes=(0,)),
                               b.const("shape", _i32(3, 1, 1, 1))], [("w", I8, (3, 2, 2, 12), (0.08, 1))])
    m2 = (b.build([w]), [rand_i8(gen, (2, 4, 4, 3)), np.array([3, -4], np.int32), rand_i8(gen, (2, 2, 4, 3))])
    # int16: symmetric pad and a plain concat
    b = GraphBuilder("dm_int16")
    x = b.input("x", I16, (3, 5))
    p = b.node("PadFusion", [x, b.const("pads", _i32(1, 2, 0, 3))], [("p", I16, (6, 8))], padding_mode="SYMMETRIC")
    y = b.node("Concat", [p, b.input("v", I16, (6, 2))], [("y", I16, (6, 10))], axis=-1)
    m3 = (b.build([y]), [rand_dtype(gen, I16, (3, 5)), rand_dtype(gen, I16, (6, 2))])
    return [("dm_fp32", *m1), ("dm_int8", *m2), ("dm_int16", *m3)]


def test_family_models_run_in_the_reference():
    check_family_models(family_models(), roundtrip_first=True)
