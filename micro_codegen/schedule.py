"""Execution order, tensor lifetimes and the arena plan of a graph.

1. Order: the nodes' file order (``check.topological`` guarantees it is executable).
2. Lifetimes, in steps (step = node index): a tensor is live from the node that writes
   it to the last node that reads it. Graph inputs are live from step 0; graph outputs
   until the last step, so the caller writes inputs and reads outputs in place in the
   arena. Constant tensors never enter the arena (they stay in flash).
3. Scratch: each node's scratch (im2col rows, accumulators...) is a buffer live only at
   that node's step, planned jointly with the tensors.
4. Aliases: an op may declare that its output *is* input k (Reshape & co: zero copy) or
   *may share* input k's memory (element-wise ops). The latter is used only when input
   k's whole alias group dies at this node, is neither a graph input nor a graph
   output, and the sizes match.
5. The planner (``planner.plan``) places the buffers; the result is always verified.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .ir import Graph
from .planner import Buffer, Plan, lower_bound, plan

ARENA_ALIGN = 16


@dataclass(frozen=True)
class NodeMemory:
    """What a node needs from the planner."""

    scratch_bytes: int = 0
    inplace: int | None = None      # output 0 may share input k's memory
    always_alias: bool = False      # output 0 is input k (no code)


NodeMemoryFn = Callable[[Graph, int], NodeMemory]


@dataclass(frozen=True)
class MemoryPlan:
    plan: Plan
    buffer_names: dict[int, str]       # tensor index -> buffer name
    scratch_names: dict[int, str]      # node index -> scratch buffer name
    aliases: dict[int, int]            # output tensor -> input tensor whose memory it shares

    @property
    def arena_size(self) -> int:
        return self.plan.arena_size

    def tensor_offset(self, tensor_index: int) -> int:
        return self.plan.offsets[self.buffer_names[tensor_index]]

    def scratch_offset(self, node_index: int) -> int | None:
        name = self.scratch_names.get(node_index)
        return None if name is None else self.plan.offsets[name]

    @property
    def scratch_bytes(self) -> int:
        return sum(b.size for b in self.plan.buffers if b.kind == "scratch")


def activation_tensors(g: Graph) -> list[int]:
    """Tensor indices that live in the arena, in first-use order."""
    seen: list[int] = []
    for ti in g.inputs:
        if ti not in seen and not g.tensors[ti].is_const:
            seen.append(ti)
    for n in g.nodes:
        for ti in n.inputs + n.outputs:
            if ti not in seen and not g.tensors[ti].is_const:
                seen.append(ti)
    return seen


def lifetimes(g: Graph) -> dict[int, tuple[int, int]]:
    """tensor index -> (first step, last step), for every arena tensor."""
    last_step = max(len(g.nodes) - 1, 0)
    life: dict[int, list[int]] = {}
    for ti in g.inputs:
        life[ti] = [0, 0]
    for step, n in enumerate(g.nodes):
        for ti in n.outputs:
            life.setdefault(ti, [step, step])
        for ti in n.inputs:
            if g.tensors[ti].is_const:
                continue
            span = life.setdefault(ti, [step, step])
            span[1] = max(span[1], step)
    for ti in g.outputs:
        if ti in life:
            life[ti][1] = last_step
    return {ti: (a, b) for ti, (a, b) in life.items()}


def _names(g: Graph, tensors: list[int]) -> dict[int, str]:
    names, used = {}, set()
    for ti in tensors:
        name = g.tensors[ti].name
        if name in used:
            name = f"{name}#{ti}"
        used.add(name)
        names[ti] = name
    return names


def _kind(g: Graph, ti: int) -> str:
    if ti in g.inputs:
        return "input"
    if ti in g.outputs:
        return "output"
    return "tensor"


def no_memory_info(g: Graph, i: int) -> NodeMemory:
    return NodeMemory()


def build_buffers(g: Graph, node_memory: NodeMemoryFn = no_memory_info, use_aliases: bool = True,
                  align: int = ARENA_ALIGN) -> tuple[list[Buffer], dict[int, str], dict[int, str], dict[int, int]]:
    """The planner's buffers for ``g`` (see the module docstring)."""
    tensors = activation_tensors(g)
    life = lifetimes(g)
    names = _names(g, tensors)
    infos = [node_memory(g, i) for i in range(len(g.nodes))]

    aliases: dict[int, int] = {}          # output tensor -> input tensor
    if use_aliases:
        group_last = dict((ti, life[ti][1]) for ti in tensors)
        root = {ti: ti for ti in tensors}
        for step, (n, info) in enumerate(zip(g.nodes, infos)):
            if info.inplace is None or not n.outputs or info.inplace >= len(n.inputs):
                continue
            src, dst = n.inputs[info.inplace], n.outputs[0]
            ts, td = g.tensors[src], g.tensors[dst]
            if ts.is_const or ts.nbytes < td.nbytes:
                continue
            r = root[src]
            if not info.always_alias:
                if (src in g.inputs or src in g.outputs or ts.nbytes != td.nbytes
                        or group_last[r] != step or any(x in g.inputs for x in tensors if root[x] == r)):
                    continue
            aliases[dst] = src
            root[dst] = r
            group_last[r] = max(group_last[r], life[dst][1])

    buffers = []
    for ti in tensors:
        t = g.tensors[ti]
        first, last = life[ti]
        buffers.append(Buffer(names[ti], t.nbytes, first, last, align,
                              alias_of=names[aliases[ti]] if ti in aliases else None,
                              kind=_kind(g, ti), info=t.describe()))
    scratch_names = {}
    for i, info in enumerate(infos):
        if info.scratch_bytes > 0:
            name = f"scratch:{g.nodes[i].name}#{i}"
            scratch_names[i] = name
            buffers.append(Buffer(name, info.scratch_bytes, i, i, align, kind="scratch",
                                  info=f"scratch of {g.nodes[i].op}"))
    return buffers, names, scratch_names, aliases


def memory_plan(g: Graph, node_memory: NodeMemoryFn = no_memory_info, align: int = ARENA_ALIGN) -> MemoryPlan:
    buffers, names, scratch_names, aliases = build_buffers(g, node_memory, True, align)
    return MemoryPlan(plan(buffers), names, scratch_names, aliases)


def plain_lower_bound(g: Graph) -> int:
    """Max over steps of the live tensor bytes: no scratch, no in-place, no alignment."""
    buffers, *_ = build_buffers(g, no_memory_info, use_aliases=False, align=1)
    return lower_bound(buffers)
