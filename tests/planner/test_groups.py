"""Groups of linked buffers (views, concat parts, in-place overwrites): the planner places
them at their fixed offsets, ``verify`` checks them member by member, and a byte-level
simulation of random graphs confirms that no tensor is clobbered while it is still read."""
from __future__ import annotations

import random

import numpy as np
import pytest

from micro_codegen.errors import PlanError
from micro_codegen.ir import DType, Graph, Node, Tensor
from micro_codegen.planner import Buffer, Plan, lower_bound, plan, verify
from micro_codegen.schedule import NodeMemory, memory_plan


def test_overwrite_allows_overlap_only_at_the_handover_step():
    bufs = (Buffer("i", 64, 0, 1), Buffer("o", 64, 1, 2, overwrites="i", overwrite_offset=16))
    verify(Plan({"o": 0, "i": 16}, 80, "hand", bufs, 0))
    late = (Buffer("i", 64, 0, 2), Buffer("o", 64, 1, 2, overwrites="i", overwrite_offset=16))
    with pytest.raises(PlanError, match="overlap"):
        verify(Plan({"o": 0, "i": 16}, 80, "hand", late, 0))
    with pytest.raises(PlanError, match="must be at offset 0 \\+ 16"):
        verify(Plan({"o": 0, "i": 32}, 96, "hand", bufs, 0))


def test_views_of_one_tensor_may_overlap_but_parts_of_others_may_not():
    bufs = (Buffer("x", 96, 0, 0), Buffer("v1", 64, 0, 3, alias_of="x"),
            Buffer("v2", 64, 0, 5, alias_of="x", alias_offset=32), Buffer("y", 32, 4, 5))
    p = plan(bufs)
    assert p.offsets["v2"] == p.offsets["x"] + 32 and p.offsets["v1"] == p.offsets["x"]
    # y may reuse the bytes of v1 that v2 does not cover (x's first 32 bytes) once v1 died
    assert p.arena_size == 96 and p.offsets["y"] == p.offsets["x"]
    assert lower_bound(bufs) == 96


def test_shaped_group_lower_bound_counts_the_union_of_live_parts():
    bufs = (Buffer("i", 100, 0, 1), Buffer("o", 100, 1, 2, overwrites="i", overwrite_offset=20))
    assert lower_bound(bufs) == 120


# ---------------------------------------------------------------- random graphs

def _random_graph(rng: random.Random) -> tuple[Graph, dict[int, NodeMemory]]:
    """A random DAG of 1-D float tensors with the planner hints a real op would give."""
    tensors = [Tensor("x", DType.FLOAT32, (rng.choice([8, 16, 24, 40]),))]
    nodes, memory = [], {}
    live = [0]

    def new(size: int) -> int:
        tensors.append(Tensor(f"t{len(tensors)}", DType.FLOAT32, (size,)))
        return len(tensors) - 1

    for i in range(rng.randint(4, 14)):
        kind = rng.choice(["plain", "inplace", "view", "concat", "elementwise"])
        src = rng.choice(live[-4:])
        size = tensors[src].shape[0]
        if kind == "view" and size >= 8:
            cut = 4 * rng.randint(1, size // 4 - 1) if size >= 8 else 4
            outs = [new(cut), new(size - cut)]
            nodes.append(Node(f"n{i}", "Split", (src,), tuple(outs)))
            memory[i] = NodeMemory(view_offsets=(0, cut * 4))
            live += outs
        elif kind == "concat" and len(live) >= 2:
            a, b = rng.sample(live[-4:], 2) if len(set(live[-4:])) >= 2 else (src, src)
            if a == b:
                continue
            out = new(tensors[a].shape[0] + tensors[b].shape[0])
            nodes.append(Node(f"n{i}", "Concat", (a, b), (out,)))
            memory[i] = NodeMemory(part_offsets=(0, tensors[a].shape[0] * 4))
            live.append(out)
        else:
            out = new(rng.choice([size, size, 4 * rng.randint(1, 10)]))
            nodes.append(Node(f"n{i}", "Op", (src,), (out,)))
            if kind == "inplace":
                memory[i] = NodeMemory(overlap_shift=4 * rng.randint(0, 12))
            elif kind == "elementwise" and tensors[out].shape == tensors[src].shape:
                memory[i] = NodeMemory(inplace=0)
            live.append(out)
    used = {t for n in nodes for t in n.inputs}
    outputs = tuple(t for n in nodes for t in n.outputs if t not in used) or (nodes[-1].outputs[0],)
    g = Graph("rand", tuple(tensors), tuple(nodes), (0,), outputs, "")
    return g, {k: v for k, v in memory.items() if k < len(nodes)}


def _simulate(g: Graph, mp) -> None:
    """Run the graph on a byte-stamp arena: a node checks that every input still holds what
    was last written for it, then writes its outputs (a new stamp per byte; a zero-copy node
    writes nothing: its outputs hold the bytes of their source or of their parts)."""
    arena = np.full(mp.arena_size, -1, dtype=np.int64)
    want: dict[int, np.ndarray] = {}

    def span(t: int) -> slice:
        o = mp.tensor_offset(t)
        return slice(o, o + g.tensors[t].nbytes)

    def write(t: int) -> None:
        want[t] = t * 1_000_000 + np.arange(g.tensors[t].nbytes)
        arena[span(t)] = want[t]

    for t in g.inputs:
        write(t)
    for step, n in enumerate(g.nodes):
        for t in n.inputs:
            assert (arena[span(t)] == want[t]).all(), f"step {step}: input {g.tensors[t].name} clobbered"
        kind = mp.links.zero_copy.get(step)
        if kind == "views":
            for t in n.outputs:
                _, off = mp.links.views[t]
                want[t] = want[n.inputs[0]][off:off + g.tensors[t].nbytes]
        elif kind == "parts":
            want[n.outputs[0]] = np.concatenate([want[t] for t in n.inputs])
        else:
            for t in n.outputs:
                write(t)
    for t in g.outputs:
        assert (arena[span(t)] == want[t]).all(), f"output {g.tensors[t].name} clobbered"


@pytest.mark.parametrize("seed", range(300))
def test_random_graph_plans_verify_and_simulate(seed):
    g, hints = _random_graph(random.Random(seed))
    mp = memory_plan(g, lambda _, i: hints.get(i, NodeMemory()))
    verify(mp.plan)
    assert mp.arena_size >= mp.plan.lower_bound
    _simulate(g, mp)
