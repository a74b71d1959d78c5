"""Measured kernel costs: which of a node's candidate plans is cheapest on a core.

A family that can run a node with several kernel variants (``OpImpl.candidates``: same outputs,
same scratch) lets :func:`cheapest` pick one per node for the board's core. The estimate is a
linear model of the plan's shape,

    instructions ~ per_mac * MACs + per_output * output elements + per_pixel * output pixels + per_call

with coefficients fitted by least squares to exact QEMU instruction counts of one-node models
(``benchmarks/kernel_costs.py --write`` sweeps shapes per variant on qemu-mps2-an386 and
qemu-mps3-an547 and rewrites :data:`COSTS`). Cores without a measured table (the host) and
plans without coefficients keep the family's own choice (the first plan).
"""
from __future__ import annotations

from typing import Sequence

from ..compiled import OpPlan

#: the measured table of a core family: "simd32" (v7E-M / v8-M mainline DSP: Cortex-M4/M7/M33,
#: measured on qemu-mps2-an386) and "mve" (Helium: Cortex-M55/M85, measured on qemu-mps3-an547)
CORE_TABLE = {"cortex-m4": "simd32", "cortex-m7": "simd32", "cortex-m33": "simd32", "cortex-m55": "mve",
              "cortex-m85": "mve"}

# BEGIN COSTS (written by benchmarks/kernel_costs.py --write)
COSTS: dict[str, dict[str, tuple[float, float, float, float]]] = {}
# END COSTS


def plan_key(plan: OpPlan) -> str:
    """``<kernel>:<variant constant>`` (e.g. ``conv_int8:CONV_VARIANT_DW3X3``) or the kernel name."""
    variant = plan.params.get("variant")
    return f"{plan.kernel}:{variant.name}" if variant is not None and hasattr(variant, "name") else plan.kernel


def features(plan: OpPlan) -> tuple[int, int, int, int]:
    """(MACs, output elements, output pixels, 1) of a conv-shaped plan's parameters."""
    p = plan.params
    pixels = int(p.get("batch", 1)) * int(p.get("out_h", 1)) * int(p.get("out_w", 1))
    outputs = pixels * int(p.get("out_c", 1))
    group = max(int(p.get("group", 1) or 1), 1)
    taps = int(p.get("kernel_h", 1)) * int(p.get("kernel_w", 1)) * int(p.get("in_c", 1)) // group
    return outputs * taps, outputs, pixels, 1


def estimate(plan: OpPlan, core: str) -> float | None:
    """Predicted instructions of ``plan`` on ``core``, or None without measured coefficients."""
    coeffs = COSTS.get(CORE_TABLE.get(core, ""), {}).get(plan_key(plan))
    if coeffs is None:
        return None
    return sum(c * f for c, f in zip(coeffs, features(plan)))


def cheapest(plans: Sequence[OpPlan], core: str) -> OpPlan:
    """The plan with the lowest estimate; the first one if any plan has no estimate (ties: the first)."""
    costs = [estimate(p, core) for p in plans]
    if any(c is None for c in costs):
        return plans[0]
    return plans[min(range(len(plans)), key=lambda k: (costs[k], k))]
