"""In-place window ops in C: every streaming kernel variant (``OpPlan.overlap_shift`` set) run
with its input placed ``align_up(overlap_shift, 16)`` bytes after its output inside ONE buffer
(``KernelLib.run_node(overlap=...)``) gives the reference output. Random shapes: strides 1 / 2,
padding, dilation, 1x1 / 3x3 / 5x5 / 3x1 windows, depthwise multipliers, odd channels, W = 1 / 2
(groups spanning rows), outputs larger (channel expansion) and smaller than the input; every
conv variant that can run a shape (the candidates the cost model chooses from), int8, fp32 and
hybrid; max / avg pools. Host build: the portable C paths; ``test_in_place_on_arm_paths`` runs
the same plans in one firmware on QEMU: SIMD32 and fp32 VFP on the Cortex-M4 (mps2-an386), MVE on
the Cortex-M55 (mps3-an547). ``check_node`` runs the same overlapping
check for every conv / pool of the kernel tests (test_kernels_c.py, test_kernels_pooling.py,
test_kernels_fast_*.py)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from micro_codegen import ops, reference
from micro_codegen.builder import roundtrip
from micro_codegen.ir import DType
from micro_codegen.ops import conv as conv_ops

from c_harness import assert_close, klib, rng, run_overlap_firmware  # noqa: F401 (klib: fixture)
from conftest import require_tool
from test_kernels_c import _conv_graph
from test_kernels_pooling import pool_model

pytestmark = pytest.mark.host_cc

I8, F32 = DType.INT8, DType.FLOAT32

#        id               shape          cout kernel  stride  dilation pad_mode pads          group
CONVS = [
    ("3x3_same",       (1, 7, 6, 8),    8,  (3, 3), (1, 1), (1, 1), "SAME",  (1, 1, 1, 1), 1),
    ("3x3_s2_expand",  (1, 9, 7, 5),    12, (3, 3), (2, 2), (1, 1), "PAD",   (0, 1, 0, 1), 1),
    ("5x5_pad",        (1, 8, 9, 3),    7,  (5, 5), (1, 1), (1, 1), "PAD",   (2, 2, 2, 2), 1),
    ("3x3_dil2",       (1, 9, 8, 5),    6,  (3, 3), (1, 1), (2, 2), "PAD",   (2, 2, 1, 3), 1),
    ("1x1_expand",     (1, 5, 6, 4),    19, (1, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), 1),
    ("1x1_s2_shrink",  (1, 7, 7, 16),   5,  (1, 1), (2, 2), (1, 1), "VALID", (0, 0, 0, 0), 1),
    ("1x1_long",       (1, 6, 7, 9),    9,  (1, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), 1),
    ("w1_3x1",         (1, 11, 1, 6),   10, (3, 1), (1, 1), (1, 1), "PAD",   (1, 1, 0, 0), 1),
    ("w2_3x3",         (1, 7, 2, 5),    9,  (3, 3), (1, 1), (1, 1), "PAD",   (1, 1, 1, 1), 1),
    ("batch2_3x3",     (2, 5, 4, 3),    6,  (3, 3), (1, 1), (1, 1), "PAD",   (1, 1, 1, 1), 1),
    ("group2",         (1, 6, 5, 6),    8,  (3, 3), (1, 1), (1, 1), "PAD",   (1, 1, 1, 1), 2),
    ("dw3x3_s1",       (1, 7, 6, 17),   17, (3, 3), (1, 1), (1, 1), "PAD",   (1, 1, 1, 1), 17),
    ("dw3x3_s2",       (1, 9, 8, 12),   12, (3, 3), (2, 2), (1, 1), "PAD",   (0, 1, 0, 1), 12),
    ("dw3x3_tall",     (1, 13, 3, 8),   8,  (3, 3), (1, 1), (1, 1), "PAD",   (1, 1, 1, 1), 8),
    ("dw5x5_dil2",     (1, 11, 10, 9),  9,  (5, 5), (1, 1), (2, 2), "PAD",   (4, 4, 4, 4), 9),
    ("dw_mult2",       (1, 6, 7, 4),    8,  (3, 3), (1, 1), (1, 1), "PAD",   (1, 1, 1, 1), 4),
    ("dw_mult3_s2",    (1, 7, 7, 3),    9,  (3, 3), (2, 2), (1, 1), "PAD",   (1, 1, 1, 1), 3),
    ("dw_w1",          (1, 9, 1, 16),   16, (3, 1), (1, 1), (1, 1), "PAD",   (1, 1, 0, 0), 16),
]


def _plans(g, hybrid: bool):
    plan = ops.prepare(g, 0)
    return [plan] + ([] if hybrid else list(conv_ops._candidates(g, 0, plan)))


def _check_in_place(klib, g, inputs, plans) -> int:
    """Every plan with an overlap_shift, run overlapping, against the reference; returns how
    many ran."""
    expected = reference.run(g, inputs)[0]
    ran = 0
    for plan in plans:
        if plan.overlap_shift is None:
            continue
        got = klib.run_node(g, 0, plan, inputs, overlap=plan.overlap_shift)
        assert_close(expected, got[0])
        ran += 1
    return ran


@pytest.mark.parametrize("kind", ["int8", "fp32", "hybrid"])
@pytest.mark.parametrize("case", CONVS, ids=[c[0] for c in CONVS])
def test_conv_in_place(klib, case, kind):
    cid, shape, cout, k, stride, dil, mode, pads, group = case
    if kind == "hybrid" and shape[0] > 1:
        pytest.skip("hybrid convs of several images do not run in place")
    gen = rng(cid + kind)
    g, inputs = _conv_graph(gen, I8 if kind == "int8" else F32, shape, cout, k, stride, dil, mode, pads, group,
                            "RELU6" if cid.endswith("s2") else "NO_ACTIVATION", hybrid=kind == "hybrid")
    g = roundtrip(g)
    plans = _plans(g, kind == "hybrid")
    assert _check_in_place(klib, g, inputs, plans) == len(plans)


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("op", ["MaxPoolFusion", "AvgPoolFusion"])
@pytest.mark.parametrize("shape, k, s, pad, out_hw", [
    ((1, 7, 6, 5), (3, 3), (1, 1), (1, 1, 1, 1), (7, 6)),
    ((1, 8, 9, 16), (2, 2), (2, 2), (0, 0, 0, 0), (4, 4)),
    ((1, 9, 1, 3), (3, 1), (1, 1), (1, 1, 0, 0), (9, 1)),
    ((2, 5, 2, 7), (3, 2), (2, 1), (1, 1, 0, 1), (3, 2)),
], ids=["3x3_same", "2x2_s2", "w1", "batch2"])
def test_pool_in_place(klib, dtype, op, shape, k, s, pad, out_hw):
    gen = rng(f"{op}{dtype.short}{shape}")
    q = (0.05, 3) if dtype == I8 else None
    g = roundtrip(pool_model(shape, out_hw, dtype, q=q, op=op, k=k, s=s, pad=pad))
    x = gen.integers(-128, 128, shape).astype(np.int8) if dtype == I8 else gen.normal(size=shape).astype(np.float32)
    assert _check_in_place(klib, g, [x], [ops.prepare(g, 0)]) == 1


def test_overlap_harness_overlaps(klib):
    """The harness really shares the buffer: a 1x1 conv that expands 4 -> 19 channels, run with
    its input where its output starts (shift 0 instead of overlap_shift), clobbers its input."""
    g, inputs = _conv_graph(rng("harness"), I8, (1, 5, 6, 4), 19, (1, 1), (1, 1), (1, 1), "VALID",
                            (0, 0, 0, 0), 1, "NO_ACTIVATION")
    g = roundtrip(g)
    plan = ops.prepare(g, 0)
    assert plan.overlap_shift > 16
    got = klib.run_node(g, 0, plan, inputs, overlap=0)[0]
    assert not np.array_equal(got, reference.run(g, inputs)[0])


def _arm_cases():
    """(label, graph, plan, input, expected) of every in-place plan of the tests above."""
    cases = []
    for case in CONVS:
        cid, shape, cout, k, stride, dil, mode, pads, group = case
        for kind in ("int8", "fp32", "hybrid"):
            if kind == "hybrid" and shape[0] > 1:
                continue
            g, inputs = _conv_graph(rng(cid + kind), I8 if kind == "int8" else F32, shape, cout, k, stride, dil,
                                    mode, pads, group, "RELU6" if cid.endswith("s2") else "NO_ACTIVATION",
                                    hybrid=kind == "hybrid")
            g = roundtrip(g)
            expected = reference.run(g, inputs)[0]
            for plan in _plans(g, kind == "hybrid"):
                if plan.overlap_shift is not None:
                    cases.append((f"{cid}_{kind}_{plan.params['variant'].name[13:]}", g, plan, inputs[0], expected))
    for op in ("MaxPoolFusion", "AvgPoolFusion"):
        for dtype in (I8, F32):
            shape = (1, 7, 6, 16)
            g = roundtrip(pool_model(shape, (7, 6), dtype, q=(0.05, 3) if dtype == I8 else None, op=op,
                                     k=(3, 3), s=(1, 1), pad=(1, 1, 1, 1)))
            gen = rng(op + dtype.short)
            x = gen.integers(-128, 128, shape).astype(np.int8) if dtype == I8 else \
                gen.normal(size=shape).astype(np.float32)
            cases.append((f"{op}_{dtype.short}", g, ops.prepare(g, 0), x, reference.run(g, [x])[0]))
    return cases


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-mps3-an547"])
def test_in_place_on_arm_paths(board, tmp_path):
    """The same plans on the Arm cores (SIMD32 + VFP on the Cortex-M4, MVE on the Cortex-M55),
    in one firmware: the overlapping run equals the run on separate buffers byte for byte (int8:
    and the reference)."""
    require_tool("arm-none-eabi-gcc")
    qemu = require_tool("qemu-system-arm")
    cases = _arm_cases()
    assert len(cases) > 80
    run_overlap_firmware(tmp_path, board, cases, qemu)      # raises with the failing cases' labels


@pytest.mark.qemu
def test_arm_firmware_catches_a_short_shift(tmp_path):
    """The firmware's check bites: the 1x1 expansion plans run with their input where their output
    starts (shift 0) fail on the Cortex-M4."""
    require_tool("arm-none-eabi-gcc")
    qemu = require_tool("qemu-system-arm")
    cases = [(label, g, dataclasses.replace(plan, overlap_shift=0), x, e)
             for label, g, plan, x, e in _arm_cases() if label.startswith("1x1_expand_int8")]
    with pytest.raises(AssertionError, match="FAIL 1x1_expand_int8"):
        run_overlap_firmware(tmp_path, "qemu-mps2-an386", cases, qemu)
