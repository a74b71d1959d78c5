"""Adapter from the op families' :class:`~micro_codegen.ops.OpPlan` to the planner's
:class:`~micro_codegen.schedule.NodeMemory` (scratch bytes and aliasing per node)."""
from __future__ import annotations

from typing import Sequence

from ..ir import Graph
from ..ops import OpPlan
from ..schedule import NodeMemory, NodeMemoryFn


def node_memory_from_plans(plans: Sequence[OpPlan]) -> NodeMemoryFn:
    """A ``node_memory(graph, index)`` function answering from prepared OpPlans."""

    def node_memory(g: Graph, index: int) -> NodeMemory:
        p = plans[index]
        return NodeMemory(scratch_bytes=int(p.scratch_bytes), inplace=p.inplace, always_alias=bool(p.always_alias))

    return node_memory
