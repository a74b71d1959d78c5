"""C kernels of the pooling family added since test_kernels_c.py's pooling table, against the
reference: the dtype-generic max pools of base/pooling_base.h (every integer width, float16,
float32 and int8 with the argmax output; quantized uint8 / int8 with a fused activation),
windows CEIL rounding adds past the input (fp32 / int8 kernels too), argmax index dtypes.
``family_models()``: small models calling each pooling kernel, run end to end on the QEMU
boards by the shared test."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import (check_family_models_node_by_node, check_node, klib,  # noqa: F401 (klib: fixture)
                       rand_f32, rand_i8, rng)

pytestmark = pytest.mark.host_cc

I8, U8, I32, I64, F32, F16 = DType.INT8, DType.UINT8, DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT16
DTYPES = [I8, DType.INT16, I32, I64, U8, DType.UINT16, DType.UINT32, DType.UINT64, F16, F32]


def rand(gen, dtype: DType, shape):
    if dtype in (F16, F32):
        return rand_f32(gen, shape, 4.0).astype(dtype.np)
    info = np.iinfo(dtype.np)
    lo, hi = (info.min, info.max) if info.bits <= 16 else (info.min // 2 + 1, info.max // 2)   # wide: far values
    return gen.integers(lo, hi, size=shape, endpoint=True, dtype=dtype.np)


def pool_model(shape, out_hw, dtype, q=None, index=None, op="MaxPoolFusion", k=(3, 2), s=(2, 1), mode="PAD",
               pad=(1, 1, 0, 1), round_mode="FLOOR", act="NO_ACTIVATION"):
    b = GraphBuilder("pool")
    x = b.input("x", dtype, shape, quant=q)
    out = (shape[0], *out_hw, shape[3])
    outs = [("y", dtype, out, q)] + ([("z", index, out)] if index is not None else [])
    ys = b.node(op, [x], outs, kernel_size=k, strides=s, pad_mode=mode, pad=pad, round_mode=round_mode,
                format="NHWC", activation_type=act, **{"global": False})
    return b.build(ys if isinstance(ys, list) else [ys])


@pytest.mark.parametrize("dtype", DTYPES, ids=[d.short for d in DTYPES])
@pytest.mark.parametrize("index", [None, F32, I32, I64], ids=["values", "idx_f32", "idx_i32", "idx_i64"])
def test_maxpool_base_dtypes(klib, dtype, index):
    if index is None and dtype in (F32, I8):
        pytest.skip("values only: the fp32 / int8 kernels of test_kernels_c.py")
    gen = rng(f"maxpool{dtype}{index}")
    q = (0.1, -4) if dtype == I8 else None
    g = pool_model((2, 7, 6, 3), (4, 6), dtype, q, index)       # (7 + 2 - 3) // 2 + 1, (6 + 1 - 2) // 1 + 1
    plan = check_node(klib, g, [rand(gen, dtype, (2, 7, 6, 3))])
    assert plan.kernel.startswith("maxpool_base_")


@pytest.mark.parametrize("dtype,q,act", [(U8, (0.05, 100), "RELU6"), (I8, (0.1, 3), "RELU"), (F16, None, "RELU1"),
                                         (F32, None, "RELU6")])
def test_maxpool_base_activation(klib, dtype, q, act):
    gen = rng(f"maxpool_act{dtype}{act}")
    g = pool_model((1, 5, 5, 4), (3, 5), dtype, q, I32, act=act)
    check_node(klib, g, [rand(gen, dtype, (1, 5, 5, 4))])


@pytest.mark.parametrize("dtype,index", [(F32, None), (I8, None), (F32, F32), (U8, None), (F16, I32)])
def test_maxpool_ceil_past_the_input(klib, dtype, index):
    """CEIL adds windows starting past the input (stride > kernel): lowest value, index -1."""
    gen = rng(f"maxpool_ceil{dtype}{index}")
    q = (0.2, 1) if dtype == I8 else None
    # H: ceil((5 - 1) / 3) + 1 = 3 windows starting at 0, 3, 6; W: ceil((7 - 2) / 4) + 1 = 3 at 0, 4, 8
    g = pool_model((1, 5, 7, 2), (3, 3), dtype, q, index, k=(1, 2), s=(3, 4), mode="VALID", pad=(0, 0, 0, 0),
                   round_mode="CEIL", act="RELU" if dtype in (F32, I8) else "NO_ACTIVATION")
    x = rand(gen, dtype, (1, 5, 7, 2))
    check_node(klib, g, [x])
    if index is not None:
        from micro_codegen import reference
        assert (reference.run(g, [x])[1][:, 2] == -1).all()            # the last row of windows is empty


def test_argmax_ties_and_negative_values(klib):
    """Equal values and all-negative windows: the first maximum, never a padded tap."""
    x = -np.abs(np.round(rand_f32(rng("ties"), (1, 6, 5, 2)))).astype(np.float32)
    g = pool_model((1, 6, 5, 2), (6, 5), F32, None, I32, k=(3, 3), s=(1, 1), mode="SAME", pad=(0, 0, 0, 0))
    check_node(klib, g, [x])


def family_models():
    """(name, graph, inputs): max pools with argmax (float32, int32 index) and the generic
    uint8 / float16 kernels, plus fp32 / int8 pools with windows CEIL adds past the input."""
    gen = rng("pooling_models")
    b = GraphBuilder("pool_argmax")
    x = b.input("x", F32, (1, 4, 4, 3))
    y, z = b.node("MaxPoolFusion", [x], [("y", F32, (1, 2, 2, 3)), ("z", F32, (1, 2, 2, 3))], kernel_size=(2, 2),
                  strides=(2, 2), pad_mode="VALID", round_mode="FLOOR", format="NHWC")
    y2 = b.node("MaxPoolFusion", [y], [("y2", F32, (1, 2, 2, 3))], kernel_size=(1, 1), strides=(2, 2),
                pad_mode="VALID", round_mode="CEIL", format="NHWC", activation_type="RELU")   # windows at 0, 2
    m1 = (b.build([y2, z]), [rand_f32(gen, (1, 4, 4, 3))])
    b = GraphBuilder("pool_u8_f16")
    u = b.input("u", U8, (1, 5, 4, 2))
    yu, zu = b.node("MaxPoolFusion", [u], [("yu", U8, (1, 3, 2, 2)), ("zu", I32, (1, 3, 2, 2))],
                    kernel_size=(3, 2), strides=(2, 2), pad_mode="PAD", pad=(1, 1, 0, 0), format="NHWC")
    h = b.input("h", F16, (1, 4, 4, 2))
    yh = b.node("MaxPoolFusion", [h], [("yh", F16, (1, 2, 2, 2))], kernel_size=(2, 2), strides=(2, 2),
                pad_mode="VALID", format="NHWC", activation_type="RELU6")
    m2 = (b.build([yu, zu, yh]), [rand(gen, U8, (1, 5, 4, 2)), rand(gen, F16, (1, 4, 4, 2))])
    b = GraphBuilder("pool_int8_ceil")
    q = (0.1, -2)
    x = b.input("x", I8, (1, 5, 5, 4), quant=q)
    y = b.node("MaxPoolFusion", [x], [("y", I8, (1, 3, 3, 4), q)], kernel_size=(1, 1), strides=(3, 3),
               pad_mode="VALID", round_mode="CEIL", format="NHWC", activation_type="RELU")      # windows at 0, 3, 6
    y, z = b.node("MaxPoolFusion", [y], [("y2", I8, (1, 2, 2, 4), q), ("z2", I64, (1, 2, 2, 4))],
                  kernel_size=(2, 2), strides=(1, 1), pad_mode="VALID", format="NHWC")
    m3 = (b.build([y, z]), [rand_i8(gen, (1, 5, 5, 4))])
    return [("pool_argmax", *m1), ("pool_u8_f16", *m2), ("pool_int8_ceil", *m3)]


def test_family_models(klib):
    """Every model passes check; each node's C call matches the reference."""
    check_family_models_node_by_node(klib, family_models())
