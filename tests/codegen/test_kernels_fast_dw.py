"""int8 depthwise convolution (variants DW3X3 and DW): the fast paths of
``int8/conv_depthwise_int8.h`` (SIMD32 on Cortex-M4, MVE on Cortex-M55) against the reference.

``family_models()`` model 0 is one graph of many independent depthwise branches with
randomized shapes: channel counts that are and are not multiples of 4 / 8 (3, 5, 7, 12, 17,
33, 40 ...), 3x3 windows with stride 1 / 2 and SAME / VALID / asymmetric padding, other
windows (Hx1, 1xW, 5x3 dilated), depth multiplier 2, per-tensor and per-channel weight
scales, nonzero zero points, RELU / RELU6, and output scales small enough that the
requantization shifts left; tall / narrow, wide and one-column shapes for the runs of pixels
(the interior pixels of each output row). The shared QEMU test runs it on the Cortex-M4 (default) and on
the Cortex-M55 (``-m slow``); ``test_dw_model_on_an547`` runs it on the M55 by default.
The host runs the portable loop of every branch node by node, and the record
requantization of the SIMD32 path is checked against ``nnacl_mbqm_double`` on random and edge
accumulators.
"""
from __future__ import annotations

import math
import subprocess

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType
from micro_codegen.ops import conv as conv_ops

from c_harness import NNACL, conv_out_hw, check_family_models_node_by_node, klib, rand_i8, rng  # noqa: F401 (klib: fixture)
from conftest import require_tool

I8 = DType.INT8

#   channels mult kernel   stride  dilation pad_mode pads          act             per_tensor hw       scale_up
BRANCHES = [
    (8,  1, (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), "RELU6",         False, (7, 6),   False),
    (17, 1, (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), "RELU",          False, (5, 9),   False),
    (12, 1, (3, 3), (2, 2), (1, 1), "SAME",  (0, 1, 0, 1), "NO_ACTIVATION", True,  (8, 7),   False),
    (5,  1, (3, 3), (2, 2), (1, 1), "PAD",   (1, 1, 1, 1), "RELU6",         False, (6, 9),   False),
    (33, 1, (3, 3), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), "NO_ACTIVATION", False, (4, 5),   True),
    (3,  1, (3, 3), (1, 2), (1, 1), "PAD",   (2, 0, 1, 2), "RELU",          True,  (5, 4),   False),
    (64, 1, (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), "RELU",          False, (5, 3),   False),
    (7,  1, (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), "NO_ACTIVATION", False, (2, 2),   True),
    (40, 1, (5, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), "NO_ACTIVATION", False, (9, 1),   False),
    (20, 1, (10, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), "RELU",         False, (12, 1),  False),
    (9,  1, (1, 5), (1, 2), (1, 1), "SAME",  (0, 0, 2, 2), "RELU6",         True,  (3, 11),  False),
    (6,  1, (5, 3), (1, 2), (2, 2), "PAD",   (2, 3, 1, 2), "NO_ACTIVATION", False, (11, 9),  False),
    (16, 1, (3, 3), (2, 1), (2, 1), "PAD",   (1, 2, 0, 1), "RELU",          False, (9, 6),   True),
    (4,  2, (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), "RELU",          False, (6, 7),   False),
    (3,  3, (3, 3), (2, 2), (1, 1), "SAME",  (1, 1, 1, 1), "RELU6",         False, (7, 7),   False),
    # runs: tall and narrow (short interior rows, KWS-like), two channels
    # in wide rows, stride 2 without padding, 1-column windows of 3 and 15 taps (SWW-like, one
    # run down the column), a dilated square window
    (64, 1, (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), "RELU",          False, (11, 3),  False),
    (2,  1, (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), "NO_ACTIVATION", True,  (4, 13),  False),
    (9,  1, (3, 3), (2, 2), (1, 1), "VALID", (0, 0, 0, 0), "RELU",          False, (9, 11),  False),
    (24, 1, (3, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), "NO_ACTIVATION", False, (10, 1),  False),
    (13, 1, (15, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), "NO_ACTIVATION", True, (15, 1),  False),
    (8,  1, (3, 3), (1, 1), (2, 2), "SAME",  (2, 2, 2, 2), "RELU6",         False, (7, 8),   True),
]




def _branch(b: GraphBuilder, gen, j: int, spec):
    cin, mult, k, stride, dil, pad_mode, pads, act, per_tensor, hw, scale_up = spec
    cout = cin * mult
    in_scale, in_zp = float(gen.uniform(0.01, 0.1)), int(gen.integers(-128, 60))
    x = b.input(f"x{j}", I8, (1, *hw, cin), quant=(in_scale, in_zp))
    w_scales = [float(gen.uniform(0.002, 0.02))] * cout if per_tensor else list(gen.uniform(0.002, 0.02, cout))
    wq = (w_scales[0], 0) if per_tensor else (w_scales, [0] * cout)
    w = b.const(f"w{j}", gen.integers(-127, 128, (cout, k[0], k[1], 1)).astype(np.int8), quant=wq)
    bias = b.const(f"b{j}", gen.integers(-3000, 3000, cout).astype(np.int32),
                   quant=([in_scale * s for s in w_scales], [0] * cout))
    # scale_up: output scale below in_scale * w_scale, so the requantization shifts left
    out_scale = (in_scale * float(np.mean(w_scales)) * (0.4 if scale_up else 73 * 73 * math.sqrt(k[0] * k[1]) * 3 / 127))
    oh, ow = conv_out_hw(hw, k, stride, dil, pad_mode, pads)
    y = b.node("Conv2DFusion", [x, w, bias], [(f"y{j}", I8, (1, oh, ow, cout), (out_scale, int(gen.integers(-20, 20))))],
               kernel_size=k, stride=stride, dilation=dil, pad_mode=pad_mode, pad_list=pads, group=cin,
               in_channel=cin, out_channel=cout, format="NHWC", activation_type=act)
    return y, rand_i8(gen, (1, *hw, cin))


def family_models():
    """(name, graph, inputs): model 0 holds every branch of BRANCHES side by side."""
    gen = rng("fast_dw_models")
    b = GraphBuilder("dw_fast")
    outs, inputs = [], []
    for j, spec in enumerate(BRANCHES):
        y, x = _branch(b, gen, j, spec)
        outs.append(y)
        inputs.append(x)
    return [("dw_fast", b.build(outs), inputs)]


def test_variants_covered():
    """Model 0 selects both depthwise variants, with and without the 3x3 fast window."""
    g = family_models()[0][1]
    variants = {conv_ops.choose_variant(conv_ops.geometry(g, i)) for i in range(len(g.nodes))}
    assert variants == {conv_ops.DW3X3, conv_ops.DW}


def test_large_sums_take_general():
    """Weights and bias whose doubled sums could overflow int32 take the GENERAL variant."""
    b = GraphBuilder("dw_big")
    x = b.input("x", I8, (1, 5, 5, 4), quant=(0.05, 3))
    w = b.const("w", np.full((4, 3, 3, 1), 127, np.int8), quant=(0.01, 0))
    bias = b.const("b", np.full(4, 2 ** 30, np.int32), quant=(0.0005, 0))
    y = b.node("Conv2DFusion", [x, w, bias], [("y", I8, (1, 5, 5, 4), (0.5, 0))], kernel_size=(3, 3),
               stride=(1, 1), dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1), group=4, in_channel=4,
               out_channel=4, format="NHWC", activation_type="NO_ACTIVATION")
    g = b.build([y])
    assert conv_ops.choose_variant(conv_ops.geometry(g, 0)) == conv_ops.DW3X3
    assert not conv_ops.dw_int8_fits(np.full(4, 2 ** 30, np.int32), g.tensors[g.nodes[0].inputs[1]].array)
    plan = conv_ops._plan(g, 0)
    assert plan.params["variant"] == conv_ops.GENERAL


@pytest.mark.host_cc
def test_family_models(klib):
    """The portable loops, node by node, against the reference."""
    check_family_models_node_by_node(klib, family_models())


REQUANT_PROGRAM = r"""
#include <stdio.h>
#include "int8/conv_depthwise_int8.h"
static uint32_t s = 12345u;
static uint32_t next(void) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return s; }
/* the SIMD32 requantization (dw_int8_rq_rec) in portable C: SMMLAR(2 acc, m, K), the sign fix, ASR e */
static int32_t rq_rec(int32_t acc2, int32_t m, int32_t kk, int32_t e) {
  int32_t y = (int32_t)((((int64_t)kk * 4294967296LL) + (int64_t)acc2 * m + 2147483648LL) >> 32);
  y += acc2 >> 31;
  return y >> e;
}
int main(void) {
  static const int32_t edge[] = {0, 1, -1, 2, -2, 3, -3, 127, -128, 1 << 20, -(1 << 20), (1 << 30) - 1,
                                 -(1 << 30) + 1, (1 << 29), -(1 << 29)};
  long bad = 0, n;
  for (n = 0; n < 4000000; ++n) {
    const int32_t e = 1 + (int32_t)(next() % 22u); /* shift in [-22, -1] */
    const int32_t m = n % 97 == 0 ? (1 << 30) : (int32_t)((1u << 30) | (next() >> 2));
    int32_t acc = (int32_t)(next() >> 2) - (1 << 29) * 2; /* |acc| < 2^30 */
    if (n % 3 == 0) acc >>= next() % 31u;
    if (n % 5 == 0) acc = edge[next() % (sizeof(edge) / sizeof(edge[0]))];
    if (acc <= -(1 << 30) || acc >= (1 << 30)) continue;
    {
      const int32_t zp = (int32_t)(next() % 255u) - 127;
      const int32_t kk = (1 << (e - 1)) + zp * (1 << e);
      const int32_t want = nnacl_mbqm_double(acc, m, -e) + zp;
      const int32_t got = rq_rec(2 * acc, m, kk, e);
      if (want != got) {
        if (bad++ < 10) printf("acc %ld m %ld e %ld zp %ld: %ld %ld\n", (long)acc, (long)m, (long)e, (long)zp,
                               (long)want, (long)got);
      }
    }
  }
  printf("bad %ld\n", bad);
  return bad != 0;
}
"""


@pytest.mark.host_cc
def test_requant_records_match_nnacl(tmp_path):
    """The SIMD32 requantization from the records {m, K = 2^(e-1) + zp 2^e, e} of a doubled
    accumulator equals nnacl's double rounding plus the output offset (|acc| < 2^30, shifts
    in [-22, -1], the range the generator writes records for)."""
    require_tool("gcc")
    src, exe = tmp_path / "rq.c", tmp_path / "rq"
    src.write_text(REQUANT_PROGRAM)
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{NNACL}", str(src), "-o", str(exe)],
                   check=True)
    r = subprocess.run([str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
