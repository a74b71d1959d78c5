"""The int8 gemm convolutions (1X1 and IM2COL variants, ``int8/conv_gemm_int8.c``): packed weights,
the one-multiply requantization, and models whose nodes run the fast paths (SIMD32 on the
Cortex-M4, MVE on the Cortex-M55) against the reference.

``family_models()``: model 0 is one graph of many independent branches (and a chain) with
randomized shapes: channel counts that are and are not multiples of 4 / 16 (tails of every
loop), padding, strides 1 and 2, dilation, batch 2, per-channel and per-tensor weight scales,
multipliers needing left shifts, none, and right shifts in the same node, nonzero zero points,
fused RELU / RELU6. The host runs the portable C (node by node); the QEMU boards run the fast
paths: model 0 on an386 by default (tests/validate/test_qemu_families.py) and on an547 here.
"""
from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType
from micro_codegen.ops import conv as conv_ops

from c_harness import check_family_models_node_by_node, conv_out_hw, klib, rand_i8, rng  # noqa: F401 (klib: fixture)

I8 = DType.INT8
NNACL = Path(__file__).resolve().parents[2] / "nnacl_subset"




def add_conv(b, gen, name, x, x_shape, x_q, cout, k=(1, 1), stride=(1, 1), dil=(1, 1), pads=(0, 0, 0, 0),
             act="NO_ACTIVATION", per_tensor=False, w_scale_range=(0.002, 0.02), out_gain=1.0, bias=True,
             dead=(), big_bias=(), mute=()):
    """An int8 Conv2DFusion (group 1) on tensor ``x``; returns (output id, shape, quant). The
    output scale is set so that accumulators land near the int8 range (times ``out_gain``:
    small gains make multipliers > 1, i.e. left shifts). ``dead`` channels are pruned ones as
    converters leave them: zero weights, a bias of about +-2^30 and a tiny scale (shifts down to
    -31, or a zero multiplier); ``mute`` channels keep their weights but get a scale so small that
    the multiplier is 0; ``big_bias`` channels keep their weights but get a bias near 2^30 (the
    accumulator bound fails: the node runs as GENERAL)."""
    n, h, w, cin = x_shape
    in_scale, _ = x_q
    ktaps = k[0] * k[1] * cin
    w_scales = ([float(gen.uniform(*w_scale_range))] * cout if per_tensor
                else [float(s) for s in gen.uniform(*w_scale_range, cout)])
    out_scale = in_scale * float(np.mean(w_scales)) * 60 * 60 * math.sqrt(ktaps) * 2 / 127 * out_gain
    weights = gen.integers(-127, 128, (cout, k[0], k[1], cin)).astype(np.int8)
    biases = gen.integers(-4000, 4000, cout).astype(np.int64)
    for j, oc in enumerate(dead):        # real multipliers 2^-26 .. 2^-33 (the last ones quantize to 0)
        weights[oc] = 0
        w_scales[oc] = out_scale / in_scale * 0.7 * 2.0 ** -(26 + j % 8)
        biases[oc] = (-1) ** j * (2 ** 30 + 64 * j)
    for oc in mute:
        w_scales[oc] = out_scale / in_scale * 2.0 ** -40
    for oc in big_bias:
        biases[oc] = 2 ** 30 - 7
    wq = (w_scales[0], 0) if per_tensor else (w_scales, [0] * cout)
    wt = b.const(f"{name}_w", weights, quant=wq)
    ins = [x, wt]
    if bias:
        ins.append(b.const(f"{name}_b", biases.astype(np.int32),
                           quant=([in_scale * s for s in w_scales], [0] * cout)))
    oh, ow = conv_out_hw((h, w), k, stride, dil, "PAD", pads)
    y_q = (out_scale, int(gen.integers(-20, 20)))
    y_shape = (n, oh, ow, cout)
    y = b.node("Conv2DFusion", ins, [(name, I8, y_shape, y_q)], kernel_size=k, stride=stride, dilation=dil,
               pad_mode="PAD", pad_list=pads, group=1, in_channel=cin, out_channel=cout, format="NHWC",
               activation_type=act)
    return y, y_shape, y_q


#: (name, input shape, input zero point, out_c, options) of model 0's independent branches
BRANCHES = [
    ("pw16", (1, 5, 6, 16), 5, 24, dict(act="RELU")),
    ("pw8_s2", (1, 7, 7, 8), -128, 13, dict(stride=(2, 2), per_tensor=True)),
    ("pw5_b2", (2, 3, 4, 5), 17, 6, dict(act="RELU6")),
    ("pw33", (1, 4, 5, 33), -7, 7, dict()),
    ("pw17_oc1", (1, 3, 3, 17), 3, 1, dict(bias=False)),
    ("pw64_s12", (1, 2, 9, 64), -128, 35, dict(stride=(1, 2))),
    ("pw3_shifts", (1, 3, 5, 3), 9, 9, dict(w_scale_range=(0.0005, 0.06), out_gain=0.05)),
    ("pw1", (1, 4, 3, 1), 0, 5, dict(per_tensor=True, out_gain=0.02)),
    ("c3x3_same", (1, 8, 8, 3), -11, 8, dict(k=(3, 3), pads=(1, 1, 1, 1), act="RELU")),
    ("c3x3_s2", (1, 9, 10, 4), 12, 6, dict(k=(3, 3), stride=(2, 2), pads=(0, 1, 0, 1), act="RELU6")),
    ("c3x3_dil2", (1, 9, 8, 5), -3, 7, dict(k=(3, 3), dil=(2, 2), pads=(1, 2, 3, 0))),
    ("c10x4_kws", (1, 49, 10, 1), 83, 16, dict(k=(10, 4), stride=(2, 2), pads=(4, 5, 1, 1), act="RELU")),
    ("c3x3_vww", (1, 16, 16, 3), -128, 8, dict(k=(3, 3), stride=(2, 2), pads=(0, 1, 0, 1), act="RELU6")),
    ("c3x3_k144", (1, 6, 6, 16), -128, 17, dict(k=(3, 3), pads=(1, 1, 1, 1), per_tensor=True)),
    ("c5x5_b2", (2, 9, 7, 3), 4, 4, dict(k=(5, 5), stride=(1, 2), act="RELU")),
    ("pw_padded", (1, 4, 4, 3), -5, 5, dict(pads=(1, 1, 0, 1))),
    ("c2x3_dil21", (1, 7, 6, 17), 20, 3, dict(k=(2, 3), dil=(2, 1), pads=(1, 0, 2, 1), out_gain=0.3)),
    ("c3x3_shifts", (1, 5, 5, 7), -1, 33, dict(k=(3, 3), pads=(1, 1, 1, 1), w_scale_range=(0.0002, 0.05),
                                              out_gain=0.1)),
    ("pw32_dead", (1, 3, 7, 32), -128, 24, dict(dead=(0, 3, 4, 9, 10, 11, 17, 23), mute=(5,), act="RELU6")),
    ("c3x3_dead", (1, 5, 6, 5), 7, 9, dict(k=(3, 3), pads=(1, 1, 1, 1), dead=(1, 2, 8))),
    ("pw16_big_bias", (1, 3, 3, 16), 2, 6, dict(big_bias=(4,))),
]
#: the branch whose accumulator bound fails (a GENERAL node)
UNBOUNDED = "pw16_big_bias"


def _branch_model():
    gen = rng("fast_gemm_branches")
    b = GraphBuilder("gemm_branches")
    outs, inputs = [], []
    for name, shape, zp, cout, opts in BRANCHES:
        x_q = (float(gen.uniform(0.01, 0.1)), zp)
        x = b.input(f"{name}_x", I8, shape, quant=x_q)
        y, _, _ = add_conv(b, gen, name, x, shape, x_q, cout, **opts)
        outs.append(y)
        inputs.append(rand_i8(gen, shape))
    # a chain: 3x3 -> 1x1 -> 3x3 stride 2
    shape, x_q = (1, 6, 7, 7), (0.05, -20)
    x = b.input("chain_x", I8, shape, quant=x_q)
    y, s, q = add_conv(b, gen, "chain1", x, shape, x_q, 9, k=(3, 3), pads=(1, 1, 1, 1), act="RELU")
    y, s, q = add_conv(b, gen, "chain2", y, s, q, 20)
    y, s, q = add_conv(b, gen, "chain3", y, s, q, 11, k=(3, 3), stride=(2, 2), pads=(1, 1, 1, 1))
    outs.append(y)
    inputs.append(rand_i8(gen, shape))
    return b.build(outs), inputs


def _large_model():
    """Deeper channels: many 16-tap chunks, 4-channel blocks and tiles of 4 pixels."""
    gen = rng("fast_gemm_large")
    b = GraphBuilder("gemm_large")
    shape, x_q = (1, 9, 9, 32), (0.03, -128)
    x = b.input("x", I8, shape, quant=x_q)
    y, s, q = add_conv(b, gen, "l1", x, shape, x_q, 64, k=(3, 3), stride=(2, 2), pads=(1, 1, 1, 1), act="RELU")
    y, s, q = add_conv(b, gen, "l2", y, s, q, 130, act="RELU6")
    y, s, q = add_conv(b, gen, "l3", y, s, q, 31, k=(3, 3), pads=(1, 1, 1, 1))
    return b.build([y]), [rand_i8(gen, shape)]


def family_models():
    return [("gemm_branches", *_branch_model()), ("gemm_large", *_large_model())]


@pytest.mark.host_cc
def test_family_models(klib):
    """Every model passes check; each node's C call (the portable paths) matches the reference."""
    check_family_models_node_by_node(klib, family_models())


def test_model0_uses_the_gemm_variants():
    from micro_codegen import ops
    from micro_codegen.builder import roundtrip
    g = roundtrip(family_models()[0][1])
    variants = {g.tensors[g.nodes[i].outputs[0]].name: ops.prepare(g, i).params["variant"].name
                for i in range(len(g.nodes))}
    assert variants.pop(UNBOUNDED) == "CONV_VARIANT_GENERAL"
    assert set(variants.values()) == {"CONV_VARIANT_1X1", "CONV_VARIANT_IM2COL"}


def test_constant_channels_rewritten_and_bound():
    """Channels with a constant output (zero weights with a huge bias and a tiny shift, or a zero
    multiplier) become zero weights and (4 (c - zp), 2^30, -1) with the same output for any input;
    the bound rule holds after that, and fails for a real channel with a bias near 2^30 or a shift
    below GEMM_MIN_SHIFT."""
    from micro_codegen import numerics
    w = rng("constch").integers(-127, 128, (5, 1, 1, 8)).astype(np.int8)
    w[1] = 0
    w[3] = 0
    bias = np.array([100, 2 ** 30 + 5, -7, -(2 ** 30), 2 ** 30], np.int32)
    mult = np.array([1 << 30, 1500000000, 1200000000, 0, 0], np.int32)   # channel 4: weights, multiplier 0
    shift = np.array([-8, -28, -9, 0, 0], np.int32)
    const = [1, 3, 4]
    w2, b2, m2, s2 = conv_ops.gemm_constant_channels(w, bias, mult, shift, -3, -128, 100)
    assert list(b2[[0, 2]]) == [100, -7] and list(m2[const]) == [1 << 30] * 3 and list(s2[const]) == [-1] * 3
    assert not w2[const].any() and np.array_equal(w2[[0, 2]], w[[0, 2]])
    x = rng("constch_x").integers(-128, 128, (20, 8))
    for oc in const:    # the same output for any input
        want = numerics.requantize(x @ w[oc].reshape(-1).astype(np.int64) + int(bias[oc]), mult[oc], shift[oc], -3,
                                   -128, 100, np.int64, numerics.ROUNDING_CONV)
        got = numerics.requantize(x @ w2[oc].reshape(-1).astype(np.int64) + int(b2[oc]), m2[oc], s2[oc], -3, -128,
                                  100, np.int64, numerics.ROUNDING_CONV)
        assert np.array_equal(want, got)
    assert not conv_ops.gemm_acc_bounded(w, bias, shift)
    assert conv_ops.gemm_acc_bounded(w2, b2, s2)
    assert not conv_ops.gemm_acc_bounded(w2, b2, np.where(np.arange(5) == 0, -23, s2).astype(np.int32))
    b3 = b2.copy()
    b3[0] = 2 ** 30 - 128 * int(np.abs(w[0]).sum())
    assert not conv_ops.gemm_acc_bounded(w2, b3, s2)
    b3[0] -= 1
    assert conv_ops.gemm_acc_bounded(w2, b3, s2)
    assert not conv_ops.gemm_acc_bounded(w2, b3 // 2, np.where(np.arange(5) == 0, 1, s2).astype(np.int32))


@pytest.mark.parametrize("cout,k", [(1, 1), (3, 5), (4, 16), (5, 17), (8, 27), (13, 40), (64, 144)])
def test_gemm_pack_layout(cout, k):
    """packed[conv_gemm_int8_windex(oc, i, kpad)] == w[oc][i]; everything else is zero padding."""
    w = rng(f"pack{cout}_{k}").integers(-127, 128, (cout, 1, 1, k)).astype(np.int8)
    packed = conv_ops.gemm_pack_int8(w)
    kpad = -(-k // 16) * 16
    assert packed.size == -(-cout // 4) * 4 * kpad
    oc, i = np.meshgrid(np.arange(cout), np.arange(k), indexing="ij")
    index = ((oc // 4) * kpad + (i // 16) * 16) * 4 + (oc % 4) * 16 + i % 16     # conv_gemm_int8_windex
    assert np.array_equal(packed[index], w.reshape(cout, k))
    mask = np.ones(packed.size, bool)
    mask[index.ravel()] = False
    assert not packed[mask].any()


MBQM_TEST = r"""
#include <stdio.h>
#include "int8/conv_gemm_int8.h"
static uint64_t s = 88172645463325252ull;
static uint32_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return (uint32_t)s; }
int main(void) {
  long bad = 0;
  int32_t sh, it, r, y, zp;
  for (sh = -22; sh <= 30; ++sh) {
    /* the contract: acc << (max(shift, 0) + 1) fits in int32 */
    const int32_t lim = (int32_t)(0x40000000u >> (sh > 0 ? sh : 0));
    for (it = 0; it < 40000; ++it) {
      int32_t m = (int32_t)((rnd() & 0x3FFFFFFFu) | 0x40000000u), acc;
      zp = (int32_t)(rnd() % 256) - 128;
      if (it % 7 == 0) m = 0x40000000;
      if (it % 11 == 0) m = 0x7FFFFFFF;
      if (it % 13 == 0) m = 0;
      switch (it % 4) {
        case 0: acc = (int32_t)(rnd() % (2u * (uint32_t)lim)) - lim; break;
        case 1: acc = (int32_t)(rnd() >> (rnd() % 32)) % lim * ((rnd() & 1) ? -1 : 1); break;
        case 2: acc = (it & 8) ? lim - 1 - (int32_t)(rnd() % 3) : -lim + (int32_t)(rnd() % 3); break;
        default: acc = (int32_t)(rnd() % 2000000) - 1000000; break;
      }
      if (acc >= lim || acc < -lim) acc %= lim;
      {
        const conv_gemm_int8_rq_t q = conv_gemm_int8_rq(m, sh, zp);
        if (conv_gemm_int8_mbqm(acc, &q) != nnacl_mbqm_double(acc, m, sh) + zp) {
          if (bad++ < 5) printf("acc %ld m %ld shift %ld zp %ld\n", (long)acc, (long)m, (long)sh, (long)zp);
        }
      }
    }
  }
  for (r = 1; r <= 22; ++r) { /* exact ties of the second rounding: m = 2^30 halves acc */
    for (zp = -128; zp <= 127; zp += 51) {
      const conv_gemm_int8_rq_t q = conv_gemm_int8_rq(1 << 30, -r, zp);
      for (y = -5000; y <= 5000; ++y) {
        if (conv_gemm_int8_mbqm(y, &q) != nnacl_mbqm_double(y, 1 << 30, -r) + zp) {
          if (bad++ < 5) printf("tie acc %ld shift %ld\n", (long)y, (long)-r);
        }
      }
    }
  }
  printf("%ld mismatches\n", bad);
  return bad != 0;
}
"""


@pytest.mark.host_cc
def test_one_multiply_requantization_matches_double_rounding(tmp_path):
    """conv_gemm_int8_mbqm (one 64-bit multiply-add, the offset folded in) == nnacl_mbqm_double +
    out_zp for every shift of the contract, random / extreme bounded accumulators, multipliers and
    zero points, and exact rounding ties."""
    src = tmp_path / "mbqm.c"
    src.write_text(MBQM_TEST)
    exe = tmp_path / "mbqm"
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{NNACL}", str(src), "-o", str(exe)],
                   check=True)
    r = subprocess.run([str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
