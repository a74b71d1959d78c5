"""Reference kernels of the linear-algebra and normalisation families on hand-computed values:
MatMulFusion (fp32, int8), ScaleFusion, FusedBatchNorm / BatchNorm, LayerNormFusion,
InstanceNorm, LRN."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import numerics, reference
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

F32, I8 = DType.FLOAT32, DType.INT8


def run(op, ins, out, attrs, fmt="NHWC"):
    """Run a one-op model: ``ins`` items are arrays (graph inputs) or ``("const", array[, quant])``
    or ``(array, quant)`` for a quantized graph input; ``out`` is ``(dtype, shape[, quant])``."""
    b = GraphBuilder(op)
    ids, feeds = [], []
    for k, t in enumerate(ins):
        if isinstance(t, tuple) and isinstance(t[0], str):
            ids.append(b.const(f"c{k}", t[1], quant=t[2] if len(t) > 2 else None, fmt=fmt))
            continue
        arr, quant = (t if isinstance(t, tuple) else (t, None))
        arr = np.asarray(arr)
        ids.append(b.input(f"x{k}", DType.INT8 if arr.dtype == np.int8 else DType.FLOAT32, arr.shape, quant=quant,
                           fmt=fmt))
        feeds.append(arr)
    y = b.tensor("y", out[0], out[1], out[2] if len(out) > 2 else None, fmt=fmt)
    b.node(op, ids, [y], name="n", **attrs)
    return reference.run(b.build(outputs=[y]), feeds)[0]


def f32(x):
    return np.asarray(x, dtype=np.float32)


A2 = f32([[1, 2], [3, 4]])
B2 = f32([[5, 6], [7, 8]])


def test_matmul_fp32_plain_and_transposed():
    mm = dict(transpose_a=False, transpose_b=False)
    np.testing.assert_array_equal(run("MatMulFusion", [A2, B2], (F32, (2, 2)), mm), [[19, 22], [43, 50]])
    np.testing.assert_array_equal(run("MatMulFusion", [A2, B2], (F32, (2, 2)), dict(mm, transpose_b=True)),
                                  [[17, 23], [39, 53]])
    np.testing.assert_array_equal(run("MatMulFusion", [A2, B2], (F32, (2, 2)), dict(mm, transpose_a=True)),
                                  [[26, 30], [38, 44]])


def test_matmul_fp32_bias_and_relu():
    y = run("MatMulFusion", [A2, ("const", B2), ("const", f32([1, -100]))], (F32, (2, 2)),
            dict(transpose_a=False, transpose_b=False, activation_type="RELU"))
    np.testing.assert_array_equal(y, [[20, 0], [44, 0]])


def test_matmul_fp32_broadcasts_batch_dims_and_vectors():
    a = f32([[[1, 0], [0, 1]], [[2, 0], [0, 2]]])             # [2, 2, 2]: identity, 2 * identity
    y = run("MatMulFusion", [a, B2], (F32, (2, 2, 2)), dict(transpose_a=False, transpose_b=False))
    np.testing.assert_array_equal(y, [B2, 2 * B2])
    y = run("MatMulFusion", [f32([1, 1]), B2], (F32, (2,)), dict(transpose_a=False, transpose_b=False))
    np.testing.assert_array_equal(y, [12, 14])                 # 1-D a: a row vector
    y = run("MatMulFusion", [A2, f32([1, -1])], (F32, (2,)), dict(transpose_a=False, transpose_b=False))
    np.testing.assert_array_equal(y, [-1, -1])                 # 1-D b: a column vector


def test_matmul_int8_by_hand():
    # acc = (10 - 2) * (3 - 1) + (-4 - 2) * (5 - 1) + 10 = 2; M = 0.5 * 0.25 / 0.125 = 1 -> 2 + (-1)
    y = run("MatMulFusion", [(np.array([[10, -4]], np.int8), (0.5, 2)),
                             ("const", np.array([[3], [5]], np.int8), (0.25, 1)),
                             ("const", np.array([10], np.int32))],
            (I8, (1, 1), (0.125, -1)), dict(transpose_a=False, transpose_b=False))
    np.testing.assert_array_equal(y, [[1]])


def test_matmul_multipliers_multiply_in_float32():
    m, s = numerics.matmul_multipliers(0.1, [0.2, 0.3], 0.7)
    reals = [float(np.float32(0.1) * np.float32(w)) / float(np.float32(0.7)) for w in (0.2, 0.3)]
    assert [(int(a), int(b)) for a, b in zip(m, s)] == [numerics.quantize_multiplier(r) for r in reals]


def test_scale_on_last_axis_and_axis_1():
    x = f32([[1, 2, 3], [4, 5, 6]])
    y = run("ScaleFusion", [x, ("const", f32([1, 2, 3])), ("const", f32([0, 1, -1]))], (F32, (2, 3)), dict(axis=-1))
    np.testing.assert_array_equal(y, [[1, 5, 8], [4, 11, 17]])
    y = run("ScaleFusion", [x, ("const", f32([2, -1]))], (F32, (2, 3)), dict(axis=0, activation_type="RELU"))
    np.testing.assert_array_equal(y, [[2, 4, 6], [0, 0, 0]])


def test_fused_batchnorm_uses_stored_statistics():
    x = f32([[1, 2]])
    y = run("FusedBatchNorm", [x] + [("const", f32(v)) for v in ([2, 1], [0, 1], [1, 0], [3, 0])],
            (F32, (1, 2)), dict(epsilon=1.0, momentum=0.9, mode=1))
    np.testing.assert_allclose(y, [[0, 3]])


def test_batchnorm_nchw_channel_axis_is_1():
    x = f32([[[1, 3], [2, 4]]])                                # [1, C=2, 2]
    y = run("BatchNorm", [x, ("const", f32([2, 3])), ("const", f32([0, 0]))], (F32, (1, 2, 2)), dict(epsilon=1.0),
            fmt="NCHW")
    np.testing.assert_allclose(y, [[[-1, 1], [-1, 1]]])


def test_layer_norm_by_hand():
    y = run("LayerNormFusion", [f32([[1, 3]]), ("const", f32([2, 3])), ("const", f32([1, 1]))], (F32, (1, 2)),
            dict(begin_norm_axis=-1, begin_params_axis=-1, epsilon=0.0))
    np.testing.assert_allclose(y, [[-1, 4]])


def test_layer_norm_params_repeat_over_leading_dims():
    x = f32([[[1, 3], [5, 7]]])                                # normalised over both dims: mean 4, std sqrt(5)
    y = run("LayerNormFusion", [x, ("const", f32([1, 2]))], (F32, (1, 2, 2)),
            dict(begin_norm_axis=1, begin_params_axis=2, epsilon=0.0))
    s = np.sqrt(5.0)
    np.testing.assert_allclose(y, [[[-3 / s, -2 / s], [1 / s, 6 / s]]], rtol=1e-6)


def test_layer_norm_rejects_params_that_do_not_fit():
    from micro_codegen.errors import UnsupportedOpError
    with pytest.raises(UnsupportedOpError, match="does not fit"):
        run("LayerNormFusion", [f32([[1, 3, 5]]), ("const", f32([1, 2]))], (F32, (1, 3)),
            dict(begin_norm_axis=-1, begin_params_axis=0, epsilon=0.0))


def test_instance_norm_by_hand():
    x = f32([[[1, 2], [3, 6]]])                                # NHWC [1, 2, C=2]: c0 [1, 3], c1 [2, 6]
    y = run("InstanceNorm", [x, f32([1, 2]), f32([0, 1])], (F32, (1, 2, 2)), dict(epsilon=0.0))
    np.testing.assert_allclose(y, [[[-1, -1], [1, 3]]])


def test_lrn_by_hand():
    y = run("LRN", [f32([[1, 2, 2]])], (F32, (1, 3)), dict(depth_radius=1, bias=1.0, alpha=1.0, beta=1.0))
    np.testing.assert_allclose(y, [[1 / 6, 2 / 10, 2 / 9]], rtol=1e-6)
