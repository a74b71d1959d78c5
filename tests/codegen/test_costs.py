"""The measured cost model (ops/_costs.py) and the conv candidates it chooses among: every
candidate computes the reference's outputs, the model only overrides the family's choice for a
predicted saving above MARGIN, and never changes the memory plan."""
from __future__ import annotations

import pytest

from c_harness import assert_close, klib, rng  # noqa: F401  (klib is a fixture)
from micro_codegen import ops, reference
from micro_codegen.boards import load_board
from micro_codegen.builder import roundtrip
from micro_codegen.ir import DType
from micro_codegen.ops import _costs
from micro_codegen.pipeline import compile_model
from test_kernels_c import CONV_CASES, _conv_graph

CASES = {c[0]: c for c in CONV_CASES}


def _graph(case_id: str, dtype: DType):
    cid, _variant, *geo = CASES[case_id]
    g, inputs = _conv_graph(rng(cid + "costs" + dtype.short), dtype, *geo)
    return roundtrip(g), inputs


@pytest.mark.parametrize("dtype", [DType.INT8, DType.FLOAT32], ids=["int8", "fp32"])
@pytest.mark.parametrize("case_id", ["dw3x3_s2", "dw_mult2", "1x1_s2_odd", "3x3_same"])
def test_every_candidate_computes_the_reference(klib, case_id, dtype):
    g, inputs = _graph(case_id, dtype)
    plan = ops.prepare(g, 0)
    others = ops.REGISTRY["Conv2DFusion"].candidates(g, 0, plan)
    assert others, "a conv with a specialised variant also has the general one"
    expected = reference.run(g, inputs)
    for p in (plan,) + others:
        assert_close(expected[0], klib.run_node(g, 0, p, inputs)[0])


def test_cheapest_keeps_the_default_unless_the_saving_is_large(monkeypatch):
    g, _ = _graph("dw3x3_s2", DType.INT8)
    plan = ops.prepare(g, 0)
    general = next(p for p in ops.REGISTRY["Conv2DFusion"].candidates(g, 0, plan)
                   if _costs.plan_key(p).endswith("GENERAL"))
    dflt, gen = _costs.plan_key(plan), _costs.plan_key(general)
    cost = _costs.features(plan)[0]
    for saving, picked in ((0.1, plan), (0.5, general)):
        monkeypatch.setattr(_costs, "COSTS", {"simd32": {dflt: (1.0, 0, 0, 0, 0), gen: (1.0 - saving, 0, 0, 0, 0)}})
        assert _costs.cheapest([plan, general], "cortex-m4") is picked
        assert _costs.estimate(plan, "cortex-m4") == cost
    assert _costs.cheapest([plan, general], "host") is plan              # no table for the host
    monkeypatch.setattr(_costs, "COSTS", {"simd32": {gen: (0.1, 0, 0, 0, 0)}})
    assert _costs.cheapest([plan, general], "cortex-m4") is plan         # the default has no estimate


def test_board_generation_uses_the_model_without_changing_memory(monkeypatch):
    """A table that makes GENERAL far cheaper: generation for an M4 board picks it for the
    depthwise node (same scratch, same arena); without a board the family's choice stays."""
    g, _ = _graph("dw3x3_s2", DType.INT8)
    default = compile_model(g)
    monkeypatch.setattr(_costs, "COSTS", {"simd32": {"conv_int8:CONV_VARIANT_DW3X3": (10.0, 0, 0, 0, 0),
                                                     "conv_int8:CONV_VARIANT_DW": (10.0, 0, 0, 0, 0),
                                                     "conv_int8:CONV_VARIANT_GENERAL": (1.0, 0, 0, 0, 0)}})
    chosen = compile_model(g, board=load_board("qemu-mps2-an386"))
    assert _costs.plan_key(default.plans[0]).endswith("DW3X3")
    assert _costs.plan_key(chosen.plans[0]).endswith("GENERAL")
    assert chosen.arena.size == default.arena.size
    assert _costs.plan_key(compile_model(g, board=load_board("host")).plans[0]).endswith("DW3X3")


def test_measured_table_covers_every_conv_variant():
    """benchmarks/kernel_costs.py --write measured every int8 / fp32 conv variant on both tables."""
    for table in ("simd32", "mve"):
        keys = set(_costs.COSTS[table])
        for kernel in ("conv_int8", "conv_fp32"):
            for v in ("GENERAL", "IM2COL", "1X1", "DW", "DW3X3"):
                assert f"{kernel}:CONV_VARIANT_{v}" in keys
