"""C kernels vs the reference, one node each: matmul (MatMulFusion fp32 / int8), FullConnection
with activation weights, scale (ScaleFusion), batchnorm (BatchNorm, FusedBatchNorm), layer_norm
(LayerNormFusion), instance_norm (InstanceNorm) and local_response_norm (LRN).

Shapes are odd on purpose; batch dims broadcast; axes are given negative too; NCHW tensors
move the channel axis of the normalisation ops to dim 1. ``family_models()`` gives small
models that together call every kernel of these families (run end to end on the boards).
"""
from __future__ import annotations

import numpy as np
import pytest

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401  (klib is a fixture)
from tiny_models import check_family_models
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

pytestmark = pytest.mark.host_cc

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def one_op(op, ins, out, attrs, fmt="NHWC"):
    """A one-op graph: ``ins`` items are ``("in", dtype, shape[, quant])`` graph inputs or
    ``("const", array[, quant])`` constants; ``out`` is ``(dtype, shape[, quant])``."""
    b = GraphBuilder(op)
    ids = []
    for k, t in enumerate(ins):
        if t[0] == "const":
            ids.append(b.const(f"c{k}", t[1], quant=t[2] if len(t) > 2 else None, fmt=fmt))
        else:
            ids.append(b.input(f"x{k}", t[1], t[2], quant=t[3] if len(t) > 3 else None, fmt=fmt))
    y = b.tensor("y", out[0], out[1], out[2] if len(out) > 2 else None, fmt=fmt)
    b.node(op, ids, [y], name="n", **attrs)
    return b.build(outputs=[y])


def _random_inputs(gen, g, scale=1.0):
    out = []
    for ti in g.inputs:
        t = g.tensors[ti]
        out.append(rand_i8(gen, t.shape) if t.dtype == I8 else
                   gen.integers(-3000, 3000, size=t.shape).astype(np.int32) if t.dtype == I32 else
                   rand_f32(gen, t.shape, scale))
    return out


# ---------------------------------------------------------------- MatMulFusion fp32

MATMUL_F32 = [
    # id, a shape, b shape, transpose_a, transpose_b, b const, bias ("const" / "in" / "scalar" / None), act
    ("2d const b bias relu", (3, 7), (7, 5), False, False, True, "const", "RELU"),
    ("2d ta tb activation b", (7, 3), (5, 7), True, True, False, None, "NO_ACTIVATION"),
    ("batched broadcast const tb", (2, 1, 3, 5), (4, 7, 5), False, True, True, "scalar", "RELU6"),
    ("batched broadcast activation", (3, 5), (2, 3, 5, 4), False, False, False, "in", "RELU1"),
    ("batch both sides", (2, 1, 3, 5), (1, 3, 5, 2), False, False, False, None, "NO_ACTIVATION"),
    ("ta batched", (4, 6, 3), (4, 6, 5), True, False, False, None, "NO_ACTIVATION"),
    ("1-D a", (5,), (2, 5, 3), False, False, True, None, "NO_ACTIVATION"),
    ("1-D b const", (2, 3, 5), (5,), False, False, True, None, "NO_ACTIVATION"),
    ("1-D b activation", (3, 5), (5,), False, False, False, None, "NO_ACTIVATION"),
    ("deep 1", (4, 1), (1, 6), False, False, True, "const", "NO_ACTIVATION"),
    ("6 batch dims merge", (2, 1, 2, 1, 2, 3, 3, 4), (1, 2, 2, 2, 1, 3, 4, 2), False, False, False, None,
     "NO_ACTIVATION"),
]


def _out_shape(a_shape, b_shape, ta, tb):
    a = np.zeros(a_shape)
    b = np.zeros(b_shape)
    if ta:
        a = np.swapaxes(a, -1, -2)
    if tb:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b).shape


@pytest.mark.parametrize("case", MATMUL_F32, ids=[c[0] for c in MATMUL_F32])
def test_matmul_fp32(klib, case):
    cid, a_shape, b_shape, ta, tb, b_const, bias, act = case
    gen = rng(cid)
    out_shape = _out_shape(a_shape, b_shape, ta, tb)
    col = out_shape[-1] if len(b_shape) > 1 else 1
    ins = [("in", F32, a_shape), ("const", rand_f32(gen, b_shape)) if b_const else ("in", F32, b_shape)]
    if bias == "const":
        ins.append(("const", rand_f32(gen, (col,))))
    elif bias == "scalar":
        ins.append(("const", rand_f32(gen, ())))
    elif bias == "in":
        ins.append(("in", F32, (col,)))
    g = one_op("MatMulFusion", ins, (F32, out_shape), dict(transpose_a=ta, transpose_b=tb, activation_type=act))
    plan = check_node(klib, g, _random_inputs(gen, g, 2.0))
    assert plan.kernel == "matmul_fp32"


# ---------------------------------------------------------------- MatMulFusion int8

MATMUL_I8 = [
    # id, a shape, b shape, ta, tb, b const, b quant, bias, act
    ("const b per-channel bias", (5, 9), (9, 6), False, False, True, "channel", True, "NO_ACTIVATION"),
    ("const tb per-channel relu", (2, 3, 13), (7, 13), False, True, True, "channel", True, "RELU"),
    ("const b zero point", (4, 7), (7, 5), False, False, True, "zp", True, "RELU6"),
    ("activation b batched", (2, 1, 3, 5), (4, 5, 3), False, False, False, "zp", False, "NO_ACTIVATION"),
    ("activation b ta tb", (6, 4), (3, 6), True, True, False, "zp", True, "RELU1"),
    ("1-D a const b", (11,), (11, 4), False, False, True, "tensor", False, "NO_ACTIVATION"),
]


@pytest.mark.parametrize("case", MATMUL_I8, ids=[c[0] for c in MATMUL_I8])
def test_matmul_int8(klib, case):
    cid, a_shape, b_shape, ta, tb, b_const, bq, bias, act = case
    gen = rng(cid)
    out_shape = _out_shape(a_shape, b_shape, ta, tb)
    col = out_shape[-1]
    if bq == "channel":
        b_quant = ([float(s) for s in gen.uniform(0.002, 0.02, col)], [0] * col)
    else:
        b_quant = (0.011, int(gen.integers(-20, 20)) if bq == "zp" else 0)
    a_quant, out_quant = (0.05, int(gen.integers(-10, 10))), (0.4, int(gen.integers(-10, 10)))
    ins = [("in", I8, a_shape, a_quant),
           ("const", rand_i8(gen, b_shape), b_quant) if b_const else ("in", I8, b_shape, b_quant)]
    if bias:
        ins.append(("const", gen.integers(-2000, 2000, col).astype(np.int32)))
    g = one_op("MatMulFusion", ins, (I8, out_shape, out_quant),
               dict(transpose_a=ta, transpose_b=tb, activation_type=act))
    plan = check_node(klib, g, _random_inputs(gen, g))
    assert plan.kernel == "matmul_int8"


# ---------------------------------------------------------------- MatMulFusion on an empty batch

@pytest.mark.parametrize("dtype", ["float32", "int8"])
@pytest.mark.parametrize("a_shape,b_shape", [((0, 3, 5), (5, 4)), ((2, 0, 3, 5), (2, 1, 5, 4)),
                                             ((3, 5), (1, 0, 5, 4))])
def test_matmul_empty_batch_writes_nothing(klib, dtype, a_shape, b_shape):
    """A batch dim of 0: no matrix at all -- the kernel returns before writing one (it used to
    compute and write the first batch's row x col values past the empty output)."""
    from c_harness import run_guarded
    from micro_codegen import ops
    from micro_codegen.builder import roundtrip
    out_shape = _out_shape(a_shape, b_shape, False, False)
    if dtype == "float32":
        g = one_op("MatMulFusion", [("in", F32, a_shape), ("in", F32, b_shape)], (F32, out_shape), {})
    else:
        g = one_op("MatMulFusion", [("in", I8, a_shape, (0.05, 1)), ("in", I8, b_shape, (0.02, 0))],
                   (I8, out_shape, (0.3, -2)), {})
    g = roundtrip(g)
    plan = ops.prepare(g, 0)
    assert plan.kernel == f"matmul_{'fp32' if dtype == 'float32' else 'int8'}"
    size = DType.FLOAT32.itemsize if dtype == "float32" else 1
    run_guarded(klib, g, plan, [int(np.prod(a_shape)) * size, int(np.prod(b_shape)) * size], [0])


# ---------------------------------------------------------------- FullConnection with activation weights

@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_fullconnection_activation_weights(klib, dtype):
    gen = rng(f"fc activation weights {dtype}")
    if dtype == "float32":
        ins = [("in", F32, (3, 10)), ("in", F32, (5, 10)), ("in", F32, (5,))]
        out = (F32, (3, 5))
    else:
        ins = [("in", I8, (3, 10), (0.05, 3)), ("in", I8, (5, 10), (0.02, -4)),
               ("const", gen.integers(-500, 500, 5).astype(np.int32))]
        out = (I8, (3, 5), (0.3, -2))
    g = one_op("FullConnection", ins, out, dict(has_bias=True, activation_type="RELU"))
    check_node(klib, g, _random_inputs(gen, g))


# ---------------------------------------------------------------- ScaleFusion

SCALE = [
    # id, x shape, scale shape, axis, offset, scale const, act
    ("last axis", (1, 3, 5, 7), (7,), -1, True, True, "NO_ACTIVATION"),
    ("axis 1 two dims", (2, 3, 5, 7), (3, 5), 1, True, True, "RELU"),
    ("axis 2 activations", (2, 3, 5, 7), (5,), 2, True, False, "RELU6"),
    ("scalar", (3, 5), (1,), -1, True, True, "RELU1"),
    ("no offset", (4, 6), (6,), 1, False, True, "NO_ACTIVATION"),
    ("1-D past the end", (2, 3, 5), (5,), 2, True, True, "NO_ACTIVATION"),
]


@pytest.mark.parametrize("case", SCALE, ids=[c[0] for c in SCALE])
def test_scale(klib, case):
    cid, x_shape, s_shape, axis, offset, const, act = case
    gen = rng(cid)
    ins = [("in", F32, x_shape)]
    for _ in range(2 if offset else 1):
        ins.append(("const", rand_f32(gen, s_shape)) if const else ("in", F32, s_shape))
    g = one_op("ScaleFusion", ins, (F32, x_shape), dict(axis=axis, activation_type=act))
    check_node(klib, g, _random_inputs(gen, g, 3.0))


SCALE_I8 = [
    # id, x shape, scale shape, axis, offset, act
    ("int8 last axis offset", (1, 3, 5, 7), (7,), -1, True, "NO_ACTIVATION"),
    ("int8 axis 1 relu", (2, 3, 5, 4), (3,), 1, True, "RELU"),
    ("int8 no offset relu6", (4, 9), (9,), -1, False, "RELU6"),
    ("int8 scalar", (3, 5), (1,), 0, True, "RELU1"),
]


@pytest.mark.parametrize("case", SCALE_I8, ids=[c[0] for c in SCALE_I8])
def test_scale_int8(klib, case):
    cid, x_shape, s_shape, axis, offset, act = case
    gen = rng(cid)
    ins = [("in", I8, x_shape, (0.05, int(gen.integers(-20, 20)))),
           ("const", rand_i8(gen, s_shape), (0.02, int(gen.integers(-10, 10))))]
    if offset:
        ins.append(("const", rand_i8(gen, s_shape), (0.07, int(gen.integers(-10, 10)))))
    g = one_op("ScaleFusion", ins, (I8, x_shape, (0.04, int(gen.integers(-10, 10)))),
               dict(axis=axis, activation_type=act))
    plan = check_node(klib, g, _random_inputs(gen, g))
    assert plan.kernel == "scale_int8"


# ---------------------------------------------------------------- BatchNorm / FusedBatchNorm

BATCHNORM = [
    # id, op, x shape, format, stats const
    ("fused nhwc const", "FusedBatchNorm", (2, 3, 5, 7), "NHWC", True),
    ("fused nchw activations", "FusedBatchNorm", (2, 3, 5, 7), "NCHW", False),
    ("plain nhwc", "BatchNorm", (3, 5, 4), "NHWC", True),
    ("plain nchw 3d activations", "BatchNorm", (3, 5, 4), "NCHW", False),
    ("plain 2d", "BatchNorm", (6, 5), "NCHW", True),
]


@pytest.mark.parametrize("case", BATCHNORM, ids=[c[0] for c in BATCHNORM])
def test_batchnorm(klib, case):
    cid, op, shape, fmt, const = case
    gen = rng(cid)
    c = shape[1] if fmt == "NCHW" and len(shape) > 2 else shape[-1]
    n_stats = 4 if op == "FusedBatchNorm" else 2
    ins = [("in", F32, shape)]
    for k in range(n_stats):
        var = k == n_stats - 1
        arr = (gen.uniform(0.1, 3.0, c) if var else gen.standard_normal(c)).astype(np.float32)
        ins.append(("const", arr) if const else ("in", F32, (c,)))
    g = one_op(op, ins, (F32, shape), dict(epsilon=1e-3), fmt=fmt)
    inputs = _random_inputs(gen, g, 2.0)
    if not const:      # variances must be positive
        inputs[-1] = np.abs(inputs[-1]) + np.float32(0.1)
    check_node(klib, g, inputs)


# ---------------------------------------------------------------- LayerNormFusion

LAYER_NORM = [
    # id, x shape, begin_norm_axis, begin_params_axis, n params (0..2), params const, epsilon
    ("last axis", (3, 7), -1, -1, 2, True, 1e-5),
    ("from axis 1 params 2", (2, 3, 5), 1, 2, 2, True, 1e-5),
    ("all axes params 0", (2, 3, 5), 0, 0, 2, False, 0.0),
    ("params wider than norm", (2, 3, 5), 2, 1, 2, True, 1e-3),
    ("gamma only", (4, 2, 3, 5), -2, -1, 1, False, 1e-5),
    ("no params", (3, 9), 1, 1, 0, True, 1e-5),
]


@pytest.mark.parametrize("case", LAYER_NORM, ids=[c[0] for c in LAYER_NORM])
def test_layer_norm(klib, case):
    cid, shape, ax, pax, n_params, const, eps = case
    gen = rng(cid)
    pshape = shape[pax % len(shape):]
    ins = [("in", F32, shape)] + [("const", rand_f32(gen, pshape)) if const else ("in", F32, pshape)
                                  for _ in range(n_params)]
    g = one_op("LayerNormFusion", ins, (F32, shape),
               dict(begin_norm_axis=ax, begin_params_axis=pax, epsilon=eps, elementwise_affine=n_params > 0))
    check_node(klib, g, _random_inputs(gen, g, 2.0))


# ---------------------------------------------------------------- InstanceNorm

INSTANCE_NORM = [
    ("nhwc 4d", (2, 3, 5, 4), "NHWC", True),
    ("nchw 4d activations", (2, 4, 3, 5), "NCHW", False),
    ("nchw 3d", (3, 2, 7), "NCHW", True),
    ("nhwc 5d", (1, 2, 3, 2, 3), "NHWC", False),
]


@pytest.mark.parametrize("case", INSTANCE_NORM, ids=[c[0] for c in INSTANCE_NORM])
def test_instance_norm(klib, case):
    cid, shape, fmt, const = case
    gen = rng(cid)
    c = shape[1] if fmt == "NCHW" else shape[-1]
    ins = [("in", F32, shape)] + [("const", rand_f32(gen, (c,))) if const else ("in", F32, (c,)) for _ in range(2)]
    g = one_op("InstanceNorm", ins, (F32, shape), dict(epsilon=1e-5), fmt=fmt)
    check_node(klib, g, _random_inputs(gen, g, 2.0))


# ---------------------------------------------------------------- LRN

LRN = [
    ("nhwc radius 2", (1, 3, 4, 7), "NHWC", 2, 1.0, 1e-2, 0.75),
    ("nchw radius 1", (2, 5, 3, 3), "NCHW", 1, 2.0, 6.7e-5, 0.5),
    ("radius 0", (2, 9), "NHWC", 0, 1.5, 0.1, 1.0),
    ("radius past the channels", (1, 2, 2, 3), "NHWC", 5, 1.0, 0.3, 0.6),
]


@pytest.mark.parametrize("case", LRN, ids=[c[0] for c in LRN])
def test_local_response_norm(klib, case):
    cid, shape, fmt, r, bias, alpha, beta = case
    gen = rng(cid)
    g = one_op("LRN", [("in", F32, shape)], (F32, shape),
               dict(depth_radius=r, bias=bias, alpha=alpha, beta=beta, norm_region="ACROSS_CHANNELS"), fmt=fmt)
    check_node(klib, g, _random_inputs(gen, g, 3.0))


# ---------------------------------------------------------------- models for the boards

def family_models():
    """(name, graph, inputs): a float32 chain through every fp32 kernel of these families and an
    int8 model: MatMulFusion by constant weights, ScaleFusion, MatMulFusion of two activations."""
    gen = rng("family models matmul")
    b = GraphBuilder("norm_chain")
    x = b.input("x", F32, (1, 3, 4, 6))
    t = b.node("LayerNormFusion", [x, b.const("g", rand_f32(gen, (6,))), b.const("be", rand_f32(gen, (6,)))],
               [("ln", F32, (1, 3, 4, 6))], begin_norm_axis=-1, begin_params_axis=-1, epsilon=1e-5)
    t = b.node("ScaleFusion", [t, b.const("s", rand_f32(gen, (6,))), b.const("o", rand_f32(gen, (6,)))],
               [("sc", F32, (1, 3, 4, 6))], axis=-1, activation_type="RELU")
    stats = [rand_f32(gen, (6,)), rand_f32(gen, (6,)), rand_f32(gen, (6,)), gen.uniform(0.5, 2.0, 6).astype(np.float32)]
    t = b.node("FusedBatchNorm", [t] + [b.const(f"bn{k}", a) for k, a in enumerate(stats)],
               [("bn", F32, (1, 3, 4, 6))], epsilon=1e-3)
    t = b.node("InstanceNorm", [t, b.const("is", rand_f32(gen, (6,))), b.const("ib", rand_f32(gen, (6,)))],
               [("in", F32, (1, 3, 4, 6))], epsilon=1e-5)
    t = b.node("LRN", [t], [("lrn", F32, (1, 3, 4, 6))], depth_radius=1, bias=1.0, alpha=0.05, beta=0.75)
    y = b.node("MatMulFusion", [t, b.const("w", rand_f32(gen, (6, 5))), b.const("mb", rand_f32(gen, (5,)))],
               [("y", F32, (1, 3, 4, 5))], transpose_a=False, transpose_b=False, activation_type="NO_ACTIVATION")
    fp32_model = b.build(outputs=[y])

    b = GraphBuilder("matmul_int8")
    a = b.input("a", I8, (2, 4, 9), quant=(0.05, 3))
    w = b.const("w", rand_i8(gen, (5, 9)), quant=([0.01, 0.02, 0.015, 0.012, 0.018], [0] * 5))
    h = b.node("MatMulFusion", [a, w, b.const("bias", gen.integers(-300, 300, 5).astype(np.int32))],
               [("h", I8, (2, 4, 5), (0.3, -1))], transpose_a=False, transpose_b=True, activation_type="RELU")
    h = b.node("ScaleFusion", [h, b.const("s", rand_i8(gen, (5,)), quant=(0.01, 1)),
                               b.const("o", rand_i8(gen, (5,)), quant=(0.02, -2))],
               [("hs", I8, (2, 4, 5), (0.05, 0))], axis=-1, activation_type="NO_ACTIVATION")
    y = b.node("MatMulFusion", [h, h], [("y", I8, (2, 4, 4), (0.02, 2))], transpose_a=False, transpose_b=True,
               activation_type="NO_ACTIVATION")
    int8_model = b.build(outputs=[y])
    return [("matmul_norm_chain_f32", fp32_model, [rand_f32(gen, (1, 3, 4, 6), 2.0)]),
            ("matmul_int8", int8_model, [rand_i8(gen, (2, 4, 9))])]


def test_family_models_run_on_the_reference():
    check_family_models(family_models())
