"""Static memory planner: give every buffer an offset in one arena.

Self-contained: imports nothing from micro_codegen but :class:`PlanError`.

    >>> from micro_codegen.planner import Buffer, plan, render_text
    >>> p = plan([Buffer("a", 64, 0, 1), Buffer("b", 32, 1, 2), Buffer("c", 64, 2, 3)])
    >>> p.arena_size, p.offsets["a"] == p.offsets["c"]
    (96, True)

See ``strategies.py`` for the algorithms, ``verify.py`` for the rules a plan
must satisfy and ``report.py`` for the text / SVG / JSON reports.
"""

from __future__ import annotations

from typing import Sequence

from micro_codegen.errors import PlanError

from .buffers import Buffer, Plan, align_up, blocks_lower_bound, build_blocks, lower_bound
from .report import plan_to_json, render_svg, render_text
from .strategies import STRATEGY_NAMES, run_strategies
from .verify import verify

__all__ = [
    "Buffer",
    "Plan",
    "PlanError",
    "STRATEGY_NAMES",
    "lower_bound",
    "plan",
    "plan_to_json",
    "render_svg",
    "render_text",
    "verify",
]


def plan(buffers: Sequence[Buffer]) -> Plan:
    """Plan ``buffers`` with every strategy; return the verified best plan.

    Best = smallest arena, ties broken by strategy name.  The result does not
    depend on the order of ``buffers`` (only ``Plan.buffers`` keeps it).
    """
    buffers = tuple(buffers)
    blocks, where = build_blocks(buffers)
    lb = blocks_lower_bound(blocks)
    max_align = max((b.align for b in buffers), default=1)
    best: tuple[int, str, dict[str, int]] | None = None
    for res in run_strategies(blocks):
        arena = align_up(res.peak, max_align)
        if best is None or (arena, res.name) < (best[0], best[1]):
            best = (arena, res.name, res.offsets)
    if best is None:  # pragma: no cover - run_strategies always returns results
        raise PlanError("memory planner: no strategy produced a plan")
    arena, name, block_offsets = best
    offsets = {b.name: block_offsets[where[b.name][0]] + where[b.name][1] for b in buffers}
    result = Plan(offsets=offsets, arena_size=arena, strategy=name, buffers=buffers,
                  lower_bound=lb)
    verify(result)
    return result
