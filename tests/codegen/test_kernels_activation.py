"""C kernels of the activation family (fp32/activation_fp32.c, int8/activation_int8.c,
base/activation_base.c: Activation, LeakyRelu, Clip) against the reference, one-op models."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401 (klib: fixture)

pytestmark = pytest.mark.host_cc

I8, F32 = DType.INT8, DType.FLOAT32
INT_TYPES = [DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32]


def _act_graph(dtype, shape, act, qi=None, qo=None, **attrs):
    b = GraphBuilder("act")
    x = b.input("x", dtype, shape, quant=qi)
    y = b.node("Activation", [x], [("y", dtype, shape, qo)], activation_type=act, **attrs)
    return b.build([y])


def _rand_int(gen, dtype, shape):
    info = np.iinfo(dtype.np)
    lo, hi = max(int(info.min), -(1 << 40)), min(int(info.max), 1 << 40)
    v = gen.integers(lo, hi, size=shape, endpoint=True).astype(dtype.np)
    v.reshape(-1)[:2] = [info.min, info.max]
    return v


FP32_ACTS = [("ELU", dict(alpha=0.7)), ("ABS", {}), ("SOFTSIGN", {}), ("SOFTPLUS", {}), ("SELU", {}), ("SIGN", {}),
             ("GELU", {}), ("GELU", dict(approximate=True)), ("SIGMOID", {}), ("HSWISH", {}), ("LINEAR", {}),
             ("HARD_TANH", dict(min_val=-0.5, max_val=2.0))]


@pytest.mark.parametrize("act,attrs", FP32_ACTS, ids=[f"{a}{'_tanh' if t.get('approximate') else ''}"
                                                       for a, t in FP32_ACTS])
def test_activation_fp32(klib, act, attrs):
    shape = (3, 7, 5)
    xin = rand_f32(rng("actf" + act + str(attrs)), shape, 4.0)
    xin.reshape(-1)[:6] = [0.0, -0.0, 30.0, -30.0, 1e-4, -1e-4]
    check_node(klib, _act_graph(F32, shape, act, **attrs), [xin])


INT8_ACTS = [("SIGMOID", {}, (0.06, 3), (1 / 256, -128)), ("TANH", {}, (0.03, -5), (1 / 128, 0)),
             ("ELU", dict(alpha=0.5), (0.05, 10), (0.04, 20)), ("GELU", {}, (0.04, -2), (0.03, -30)),
             ("GELU", dict(approximate=True), (0.04, -2), (0.03, -30)), ("HSWISH", {}, (0.05, 4), (0.04, -3)),
             ("HSWISH", {}, (0.2, -10), (0.1, 7)), ("HSWISH", {}, (0.01, 0), (0.02, -100)),
             ("LINEAR", {}, (0.05, 3), (0.07, -4)), ("RELU6", {}, (0.05, 5), (0.03, -128))]


@pytest.mark.parametrize("case", INT8_ACTS, ids=[f"{c[0]}{k}" for k, c in enumerate(INT8_ACTS)])
def test_activation_int8(klib, case):
    act, attrs, qi, qo = case
    g = _act_graph(I8, (4, 64), act, qi, qo, **attrs)
    xin = np.arange(-128, 128, dtype=np.int8).reshape(4, 64)     # every input value
    check_node(klib, g, [xin])


@pytest.mark.parametrize("dtype", INT_TYPES, ids=[d.short for d in INT_TYPES])
@pytest.mark.parametrize("act,attrs", [("RELU6", {}), ("HARD_TANH", dict(min_val=-2.5, max_val=100.2)),
                                       ("ABS", {}), ("LINEAR", {}), ("RELU", {})],
                         ids=["relu6", "hard_tanh", "abs", "linear", "relu"])
def test_activation_plain_int(klib, dtype, act, attrs):
    shape = (5, 9)
    xin = _rand_int(rng(f"acti{dtype.short}{act}"), dtype, shape)
    if dtype.np.kind == "i":
        xin.reshape(-1)[2:6] = [-3, -2, 0, 6]
    check_node(klib, _act_graph(dtype, shape, act, **attrs), [xin])


def test_leaky_relu_fp32(klib):
    b = GraphBuilder("lr")
    x = b.input("x", F32, (3, 11))
    y = b.node("LeakyRelu", [x], [("y", F32, (3, 11))], negative_slope=0.3)
    check_node(klib, b.build([y]), [rand_f32(rng("lrf"), (3, 11))])


# ---------------------------------------------------------------- Clip

def _clip_graph(dtype, shape, bounds, q=None, qo=None, **attrs):
    """bounds: per bound (min, max) None (absent), ("in", value) graph input or ("const", value)."""
    b = GraphBuilder("clip")
    ins = [b.input("x", dtype, shape, quant=q)]
    feeds = []
    for k, bound in enumerate(bounds):
        if bound is None:
            break
        kind, value = bound
        bdt = F32 if q is not None else dtype
        arr = np.array([value], dtype=bdt.np)
        if kind == "in":
            ins.append(b.input(f"b{k}", bdt, (1,)))
            feeds.append(arr)
        else:
            ins.append(b.const(f"b{k}", arr))
    y = b.node("Clip", ins, [("y", dtype, shape, qo if q is not None else None)], **attrs)
    return b.build([y]), feeds


CLIP_CASES = [("attrs", F32, [], dict(min=-0.5, max=1.5)), ("attr_min_only", F32, [], dict(min=0.25)),
              ("inputs", F32, [("in", -1.0), ("in", 0.5)], {}), ("min_input", F32, [("in", 0.1)], {}),
              ("const_inputs", F32, [("const", -2.0), ("const", 2.0)], {})]
CLIP_CASES += [(f"{d.short}_inputs", d, [("in", 3), ("in", 100)], {}) for d in INT_TYPES]
CLIP_CASES += [(f"{d.short}_attrs", d, [], dict(min=-7.5, max=1e3)) for d in (DType.INT16, DType.UINT8, DType.INT64)]


@pytest.mark.parametrize("case", CLIP_CASES, ids=[c[0] for c in CLIP_CASES])
def test_clip(klib, case):
    cid, dtype, bounds, attrs = case
    shape = (4, 6)
    g, feeds = _clip_graph(dtype, shape, bounds, **attrs)
    gen = rng("clip" + cid)
    xin = rand_f32(gen, shape, 2.0) if dtype == F32 else _rand_int(gen, dtype, shape)
    if dtype == F32:
        xin.reshape(-1)[0] = np.nan
    check_node(klib, g, [xin, *feeds])


@pytest.mark.parametrize("bounds,attrs", [([("const", -1.0), ("const", 2.5)], {}), ([], dict(min=0.0, max=3.0)),
                                          ([("const", -0.7)], {})], ids=["const", "attrs", "min_only"])
def test_clip_int8(klib, bounds, attrs):
    g, _ = _clip_graph(I8, (4, 64), bounds, q=(0.05, -3), qo=(0.03, 10), **attrs)
    check_node(klib, g, [np.arange(-128, 128, dtype=np.int8).reshape(4, 64)])


def family_models():
    """Small models that together call every kernel of the family: activation_fp32 and
    clip_fp32; activation_lut_int8, relu_x_int8, leaky_relu_int8; activation_int_i16."""
    gen = rng("activation_models")
    b = GraphBuilder("act_fp32")
    x = b.input("x", F32, (2, 16))
    h = b.node("Activation", [x], [("h", F32, (2, 16))], activation_type="GELU")
    h = b.node("Activation", [h], [("h2", F32, (2, 16))], activation_type="ELU", alpha=0.5)
    y = b.node("Clip", [h, b.const("lo", np.array([-0.2], np.float32))], [("y", F32, (2, 16))], max=1.0)
    m1 = ("act_fp32", b.build([y]), [rand_f32(gen, (2, 16), 3.0)])
    b = GraphBuilder("act_int8")
    x = b.input("x", I8, (3, 20), quant=(0.05, 2))
    h = b.node("Activation", [x], [("h", I8, (3, 20), (0.04, -5))], activation_type="HSWISH")
    h = b.node("LeakyRelu", [h], [("h2", I8, (3, 20), (0.04, 0))], negative_slope=0.2)
    y = b.node("Activation", [h], [("y", I8, (3, 20), (1 / 256, -128))], activation_type="SIGMOID")
    z = b.node("Activation", [h], [("z", I8, (3, 20), (0.03, -1))], activation_type="RELU6")
    m2 = ("act_int8", b.build([y, z]), [rand_i8(gen, (3, 20))])
    b = GraphBuilder("act_int16")
    x = b.input("x", DType.INT16, (2, 8))
    y = b.node("Clip", [x], [("y", DType.INT16, (2, 8))], min=-100.0, max=1000.0)
    m3 = ("act_int16", b.build([y]), [_rand_int(gen, DType.INT16, (2, 8))])
    return [m1, m2, m3]


@pytest.mark.parametrize("k", range(3))
def test_family_models_run_in_the_reference(k):
    from micro_codegen import check, reference
    name, g, inputs = family_models()[k]
    assert check.check_graph(g) == [], name
    reference.run(g, inputs)
