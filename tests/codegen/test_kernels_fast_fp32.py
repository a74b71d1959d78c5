"""The fp32 fast paths of the conv and FullConnection kernels (``fp32/dot_block_fp32.h``:
2x4 / 1x4 gemm blocks for the 1x1 and im2col convs and FullConnection, eight-channel
depthwise passes; VLDM + VFMA on Cortex-M cores with a single-precision FPU).

The fast paths only run on Arm, so ``family_models()`` offers multi-branch models that cover
their tails -- channel counts below, at and off multiples of 4 and 8, depths with and without
a remainder of 8, odd pixel counts, stride 1 / 2, padding, dilation, every fused activation,
FullConnection with 1 and several rows, with and without bias -- which
``tests/validate/test_qemu_families.py`` validates on qemu-mps2-an386 (model 0; all with
``-m slow``, also on qemu-mps3-an547); the test below validates model 0 on the Cortex-M55
board in the default run. Results use VFMA (one rounding per term), so they are compared
with the reference within the default fp32 tolerance (1e-5 + 1e-5 |ref|), not bit for bit.
On the host the same models run node by node through the portable C.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import check_family_models_node_by_node, conv_out_hw, klib, rand_f32, rng  # noqa: F401 (klib: fixture)

F32 = DType.FLOAT32




class _Net:
    """A GraphBuilder with shapes tracked, for conv / depthwise / FullConnection nodes."""

    def __init__(self, name: str, gen):
        self.b, self.gen, self.shapes, self.n = GraphBuilder(name), gen, {}, 0

    def input(self, shape):
        t = self.b.input(f"in{len(self.b.inputs)}", F32, shape)
        self.shapes[t] = tuple(shape)
        return t

    def conv(self, x, cout, k=(1, 1), stride=(1, 1), dil=(1, 1), pad_mode="VALID", pads=(0, 0, 0, 0),
             depthwise=False, act="NO_ACTIVATION", bias=True, group=1):
        n, h, w, cin = self.shapes[x]
        group = cin if depthwise else group
        cout = cin if depthwise else cout
        cg = cin // group
        oh, ow = conv_out_hw((h, w), k, stride, dil, pad_mode, pads)
        self.n += 1
        wt = self.b.const(f"w{self.n}", rand_f32(self.gen, (cout, k[0], k[1], cg), 1.0 / math.sqrt(k[0] * k[1] * cg)))
        ins = [x, wt] + ([self.b.const(f"b{self.n}", rand_f32(self.gen, (cout,), 0.5))] if bias else [])
        y = self.b.node("Conv2DFusion", ins, [(f"y{self.n}", F32, (n, oh, ow, cout))], kernel_size=k, stride=stride,
                        dilation=dil, pad_mode=pad_mode, pad_list=pads, group=group, in_channel=cin,
                        out_channel=cout, format="NHWC", activation_type=act)
        self.shapes[y] = (n, oh, ow, cout)
        return y

    def fc(self, x, units, act="NO_ACTIVATION", bias=True, depth=None):
        shape = self.shapes[x]
        depth = depth or shape[-1]
        rows = int(np.prod(shape)) // depth
        self.n += 1
        wt = self.b.const(f"w{self.n}", rand_f32(self.gen, (units, depth), 1.0 / math.sqrt(depth)))
        ins = [x, wt] + ([self.b.const(f"b{self.n}", rand_f32(self.gen, (units,), 0.5))] if bias else [])
        y = self.b.node("FullConnection", ins, [(f"y{self.n}", F32, (rows, units))], has_bias=bias,
                        activation_type=act)
        self.shapes[y] = (rows, units)
        return y

    def model(self, outputs):
        g = self.b.build(outputs)
        return g, [rand_f32(self.gen, self.shapes[t]) for t in g.inputs]


def _mix_model():
    """Every fast path and its tails in one model (independent branches and short chains)."""
    net = _Net("fp32_fast_mix", rng("fp32_fast_mix"))
    x = net.input((1, 9, 10, 13))
    a = net.conv(x, 17, act="RELU6")                                              # 1x1: 90 px, 17 oc, depth 8 + 5
    b = net.conv(x, 3, stride=(2, 2))                                             # 1x1 s2: 25 px, 3 oc (< 4)
    c = net.conv(x, 6, k=(3, 3), pad_mode="SAME", act="RELU")                     # im2col 3x3 SAME, depth 117
    d = net.conv(x, 5, k=(3, 3), stride=(2, 1), dil=(2, 2), pad_mode="PAD",       # im2col dilated, odd pixels
                 pads=(2, 1, 0, 3), act="RELU1")
    d2 = net.conv(x, 7, k=(3, 2), dil=(2, 1), pad_mode="VALID")                   # im2col dilated rows only
    e = net.conv(x, 0, k=(3, 3), pad_mode="SAME", depthwise=True, act="RELU6")    # dw3x3: 13 ch (8 + overlap)
    f = net.conv(a, 0, k=(3, 3), stride=(2, 2), pad_mode="PAD", pads=(0, 1, 0, 1),
                 depthwise=True, act="RELU")                                      # dw3x3 s2: 17 ch
    g = net.conv(d, 0, k=(3, 3), pad_mode="SAME", depthwise=True, bias=False)     # dw3x3: 5 ch (< 8)
    h = net.conv(net.conv(x, 8), 0, k=(3, 3), pad_mode="VALID", depthwise=True)   # dw3x3 VALID: 8 ch
    i = net.conv(x, 4, k=(1, 1), pad_mode="PAD", pads=(1, 0, 0, 1), act="RELU")   # padded 1x1 -> im2col
    dw = net.conv(net.conv(x, 12), 0, k=(5, 5), dil=(2, 2), pad_mode="SAME",    # general dw: 5x5 dilated,
                  depthwise=True, act="RELU")                                     # 12 ch (8 + overlap)
    dw2 = net.conv(c, 0, k=(3, 2), stride=(1, 2), pad_mode="PAD", pads=(1, 1, 1, 0),
                   depthwise=True)                                                # general dw: 3x2, 6 ch (< 8)
    gc = net.conv(net.conv(x, 12), 9, k=(3, 3), pad_mode="SAME", group=3, act="RELU6")  # grouped: general
    j = net.fc(b, 10, act="RELU", depth=75)                                       # FC 1 row, depth 75 (9x8 + 3)
    x2 = net.input((3, 37))
    k = net.fc(net.fc(x2, 9, bias=False), 2, act="RELU6")                         # FC 3 rows; 2 units (< 4)
    m = net.fc(x2, 16, act="RELU6")                                               # FC 3 rows, 16 units
    return net.model([a, c, d2, e, f, g, h, i, j, k, m, dw, dw2, gc])


def _mobilenet_model():
    """A small MobileNet-like chain: 3x3 s2 conv, depthwise / pointwise pairs, FullConnection."""
    net = _Net("fp32_fast_mobilenet", rng("fp32_fast_mobilenet"))
    y = net.conv(net.input((1, 20, 18, 3)), 8, k=(3, 3), stride=(2, 2), pad_mode="SAME", act="RELU6")
    for cout, s in ((16, 1), (24, 2), (24, 1), (40, 2)):
        y = net.conv(y, 0, k=(3, 3), stride=(s, s), pad_mode="SAME", depthwise=True, act="RELU6")
        y = net.conv(y, cout, act="RELU6")
    y = net.fc(y, 7, depth=40)
    return net.model([y])


def _random_model(seed: str):
    """Branches of seeded random shapes: 1x1, im2col and depthwise 3x3 convs, FullConnection."""
    gen = rng(seed)
    net = _Net(seed, gen)
    outs = []
    acts = ("NO_ACTIVATION", "RELU", "RELU6", "RELU1")
    for _ in range(4):
        h, w, cin = (int(v) for v in gen.integers((3, 3, 1), (12, 12, 40)))
        x = net.input((1, h, w, cin))
        s = (int(gen.integers(1, 3)), int(gen.integers(1, 3)))
        act = acts[int(gen.integers(0, 4))]
        outs.append(net.conv(x, int(gen.integers(1, 30)), stride=s, act=act))
        outs.append(net.conv(x, int(gen.integers(1, 20)), k=(3, 3), stride=s, pad_mode="SAME", act=act))
        outs.append(net.conv(x, 0, k=(3, 3), stride=s, pad_mode="SAME", depthwise=True, act=act,
                             bias=bool(gen.integers(0, 2))))
        outs.append(net.fc(x, int(gen.integers(1, 24)), depth=cin, act=act))
    return net.model(outs)


def family_models():
    """(name, graph, inputs): the coverage model first, then a MobileNet-like chain and two models
    of random shapes."""
    out = [("fp32_fast_mix", *_mix_model()), ("fp32_fast_mobilenet", *_mobilenet_model())]
    out += [(name, *_random_model(name)) for name in ("fp32_fast_random1", "fp32_fast_random2")]
    return out


@pytest.mark.host_cc
def test_family_models_portable(klib):
    """The portable C of every node matches the reference."""
    check_family_models_node_by_node(klib, family_models())
