"""Measured kernel costs: which of a node's candidate plans is cheapest on a core.

A family that can run a node with several kernel variants (``OpImpl.candidates``: same outputs,
same scratch) lets :func:`cheapest` pick one per node for the board's core. The estimate is a
linear model of the plan's shape,

    instructions ~ per_mac * MACs + per_tap * output elements * kernel taps (kh * kw)
                   + per_output * output elements + per_pixel * output pixels + per_call

with coefficients fitted by least squares to exact QEMU instruction counts of one-node models
(``benchmarks/kernel_costs.py --write`` sweeps shapes per variant on qemu-mps2-an386 and
qemu-mps3-an547 and rewrites :data:`COSTS`). Cores without a measured table (the host) and
plans without coefficients keep the family's own choice (the first plan), and so does a node whose
best alternative is not predicted to save more than MARGIN.
"""
from __future__ import annotations

from typing import Sequence

from ..compiled import OpPlan

#: the measured table of a core family: "simd32" (v7E-M / v8-M mainline DSP: Cortex-M4/M7/M33,
#: measured on qemu-mps2-an386) and "mve" (Helium: Cortex-M55/M85, measured on qemu-mps3-an547)
CORE_TABLE = {"cortex-m4": "simd32", "cortex-m7": "simd32", "cortex-m33": "simd32", "cortex-m55": "mve",
              "cortex-m85": "mve"}

# BEGIN COSTS (written by benchmarks/kernel_costs.py --write)
COSTS: dict[str, dict[str, tuple[float, ...]]] = {
    'mve': {
        'conv_fp32:CONV_VARIANT_1X1': (1.055, 7.833, 7.833, 21.617, 159.323),
        'conv_fp32:CONV_VARIANT_DW': (0.74, 0.74, 9.818, 211.392, 426.138),
        'conv_fp32:CONV_VARIANT_DW3X3': (1.047, 1.047, 0.116, 128.326, 570.821),
        'conv_fp32:CONV_VARIANT_GENERAL': (3.568, 22.879, 91.742, 0.0, 0.0),
        'conv_fp32:CONV_VARIANT_IM2COL': (1.214, 0.861, 5.087, 197.009, 722.73),
        'conv_int8:CONV_VARIANT_1X1': (0.24, 2.753, 2.753, 50.227, 475.718),
        'conv_int8:CONV_VARIANT_DW': (1.77, 1.77, 0.0, 161.371, 405.35),
        'conv_int8:CONV_VARIANT_DW3X3': (0.813, 0.813, 0.09, 136.542, 1088.49),
        'conv_int8:CONV_VARIANT_GENERAL': (2.654, 36.089, 111.846, 76.712, 0.0),
        'conv_int8:CONV_VARIANT_IM2COL': (0.211, 0.531, 5.923, 196.229, 397.536),
    },
    'simd32': {
        'conv_fp32:CONV_VARIANT_1X1': (1.054, 7.455, 7.455, 21.721, 150.774),
        'conv_fp32:CONV_VARIANT_DW': (0.734, 0.734, 9.008, 199.728, 443.164),
        'conv_fp32:CONV_VARIANT_DW3X3': (1.006, 1.006, 0.112, 123.21, 546.789),
        'conv_fp32:CONV_VARIANT_GENERAL': (4.49, 18.546, 89.748, 0.0, 5.1),
        'conv_fp32:CONV_VARIANT_IM2COL': (1.213, 0.852, 4.48, 188.769, 703.72),
        'conv_int8:CONV_VARIANT_1X1': (1.183, 16.53, 16.53, 60.489, 0.0),
        'conv_int8:CONV_VARIANT_DW': (3.871, 3.871, 3.241, 117.98, 5771.18),
        'conv_int8:CONV_VARIANT_DW3X3': (2.245, 2.245, 0.249, 142.62, 1013.75),
        'conv_int8:CONV_VARIANT_GENERAL': (2.868, 33.718, 108.976, 76.567, 0.0),
        'conv_int8:CONV_VARIANT_IM2COL': (1.411, 0.414, 39.779, 193.161, 1587.68),
    },
}
# END COSTS


#: the predicted saving below which the family's own choice stays
MARGIN = 0.25


def plan_key(plan: OpPlan) -> str:
    """``<kernel>:<variant constant>`` (e.g. ``conv_int8:CONV_VARIANT_DW3X3``) or the kernel name."""
    variant = plan.params.get("variant")
    return f"{plan.kernel}:{variant.name}" if variant is not None and hasattr(variant, "name") else plan.kernel


def features(plan: OpPlan) -> tuple[int, int, int, int, int]:
    """(MACs, output elements x kernel taps, output elements, output pixels, 1) of a conv-shaped
    plan's parameters (the taps term tells a depthwise loop from a deep one of the same MACs)."""
    p = plan.params
    pixels = int(p.get("batch", 1)) * int(p.get("out_h", 1)) * int(p.get("out_w", 1))
    outputs = pixels * int(p.get("out_c", 1))
    group = max(int(p.get("group", 1) or 1), 1)
    taps = int(p.get("kernel_h", 1)) * int(p.get("kernel_w", 1))
    return outputs * taps * int(p.get("in_c", 1)) // group, outputs * taps, outputs, pixels, 1


def estimate(plan: OpPlan, core: str) -> float | None:
    """Predicted instructions of ``plan`` on ``core``, or None without measured coefficients."""
    coeffs = COSTS.get(CORE_TABLE.get(core, ""), {}).get(plan_key(plan))
    if coeffs is None:
        return None
    return sum(c * f for c, f in zip(coeffs, features(plan)))


def cheapest(plans: Sequence[OpPlan], core: str) -> OpPlan:
    """The family's own choice (``plans[0]``) unless another plan's estimate is lower by more
    than :data:`MARGIN` (the fits are within about 10-60 %, so smaller predicted gains are noise);
    ``plans[0]`` too when any plan has no estimate."""
    costs = [estimate(p, core) for p in plans]
    if any(c is None for c in costs):
        return plans[0]
    best = min(range(len(plans)), key=lambda k: (costs[k], k))
    return plans[best] if costs[best] < (1.0 - MARGIN) * costs[0] else plans[0]
