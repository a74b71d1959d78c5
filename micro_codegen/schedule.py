"""Execution order, tensor lifetimes and the arena plan of a graph.

1. Order: the nodes' file order (``check.topological`` guarantees it is executable).
2. Lifetimes, in steps (step = node index): a tensor is live from the node that writes
   it to the last node that reads it. Graph inputs are live from step 0; graph outputs
   until the last step, so the caller writes inputs and reads outputs in place in the
   arena. Constant tensors never enter the arena (they stay in flash).
3. Scratch: each node's scratch (im2col rows, accumulators...) is a buffer live only at
   that node's step, planned jointly with the tensors.
4. Shared memory, decided node by node (each link becomes a ``planner.Buffer`` link; a
   group of linked tensors is placed as one block of members at fixed offsets):

   a. *alias*: an op may declare that its output *is* input k (Reshape & co: zero copy) or
      *may share* input k's memory (element-wise ops). The latter is used only when input
      k's whole group dies at this node, is neither a graph input nor a graph output, and
      the sizes match.
   b. *views* (Split, StridedSlice of a contiguous range): output k is bytes
      ``[off_k, off_k + size)`` of the input; the node emits no code. A view is live from
      its source's first step, and the source is not kept alive by the views' node, so a
      tensor read only through views dies piece by piece.
   c. *parts* (Concat of contiguous pieces): input k is written straight into bytes
      ``[off_k, ...)`` of the output; the node emits no code. Used when no two pieces or
      their groups already share memory and the merged group checks out (``verify``).
   d. *in place* (streaming window ops, ``OpPlan.overlap_shift``): the output overwrites
      input 0, which is placed ``align_up(shift)`` bytes after the output's start, when
      input 0 is last read at this node and nothing sharing its memory is a graph output;
      the rest of its group (say, the other rows of a tensor read through views) may live on
      where the output does not reach.

   Every link that would make its group invalid is left out (the op then runs normally).
5. The planner (``planner.plan``) places the blocks; the result is always verified.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .errors import PlanError
from .ir import Graph
from .planner import Buffer, Plan, align_up, lower_bound, plan, verify
from .planner.buffers import live_profile

ARENA_ALIGN = 16


@dataclass(frozen=True)
class NodeMemory:
    """What a node needs from the planner."""

    scratch_bytes: int = 0
    inplace: int | None = None      # output 0 may share input k's memory
    always_alias: bool = False      # output 0 is input k (no code)
    overlap_shift: int | None = None  # output 0 may overwrite input 0 starting this far before it
    part_offsets: tuple[int, ...] = ()  # Concat: input k may be written at this byte of output 0
    view_offsets: tuple[int, ...] = ()  # Split / slice: output k may be read at this byte of input 0


NodeMemoryFn = Callable[[Graph, int], NodeMemory]


@dataclass(frozen=True)
class MemoryPlan:
    plan: Plan
    buffer_names: dict[int, str]       # tensor index -> buffer name
    scratch_names: dict[int, str]      # node index -> scratch buffer name
    aliases: dict[int, int]            # output tensor -> input tensor whose memory it shares
    links: "Links" = field(default_factory=lambda: Links())
    whole_lower_bound: int = 0         # the lower bound if every tensor lived whole (no links)
    graph: Graph | None = None         # the graph planned (tensor and node indices refer to it)

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


def lifetimes(g: Graph, skip: frozenset | set = frozenset()) -> dict[int, tuple[int, int]]:
    """tensor index -> (first step, last step), for every arena tensor; reads listed in
    ``skip`` as ``(step, tensor)`` do not count."""
    last_step = max(len(g.nodes) - 1, 0)
    life: dict[int, list[int]] = {}
    for ti in g.inputs:
        life[ti] = [0, 0]
    for step, n in enumerate(g.nodes):
        for ti in n.outputs:
            life.setdefault(ti, [step, step])
        for ti in n.inputs:
            if g.tensors[ti].is_const or (step, ti) in skip:
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


@dataclass
class Links:
    """The shared-memory decisions of :func:`build_buffers` (tensor indices)."""

    views: dict[int, tuple[int, int]] = field(default_factory=dict)       # t -> (source, byte offset)
    overwrites: dict[int, tuple[int, int]] = field(default_factory=dict)  # out -> (input, shift)
    zero_copy: dict[int, str] = field(default_factory=dict)               # node -> "views" | "parts"


class _Groups:
    """Tensors linked so far, with their offsets inside their group (may be negative)."""

    def __init__(self, tensors: list[int]):
        self.group = {t: t for t in tensors}
        self.rel = {t: 0 for t in tensors}
        self.members = {t: [t] for t in tensors}

    def of(self, t: int) -> list[int]:
        return self.members[self.group[t]]

    def merged(self, moves: dict[int, int]) -> dict[int, int]:
        """``{tensor: offset}`` of the group formed by the groups of the roots in ``moves``,
        each shifted by ``moves[root]``."""
        return {m: at + self.rel[m] for r, at in moves.items() for m in self.members[r]}

    def commit(self, layout: dict[int, int]) -> None:
        root = min(layout)
        for t, r in layout.items():
            old = self.group[t]
            if old != root and old in self.members:
                del self.members[old]
            self.group[t], self.rel[t] = root, r
        self.members[root] = sorted(layout)


def build_buffers(g: Graph, node_memory: NodeMemoryFn = no_memory_info, use_aliases: bool = True,
                  align: int = ARENA_ALIGN, inplace_at: frozenset[int] | None = None, share: bool = True,
                  ) -> tuple[list[Buffer], dict[int, str], dict[int, str], dict[int, int], Links]:
    """The planner's buffers for ``g`` (see the module docstring). ``inplace_at``: the steps
    where in-place links may be made (None: every step). ``share=False``: no views, parts or
    in-place links (every tensor whole, 4a only)."""
    tensors = activation_tensors(g)
    life = {t: list(span) for t, span in lifetimes(g).items()}
    names = _names(g, tensors)
    infos = [node_memory(g, i) for i in range(len(g.nodes))]
    aliases: dict[int, int] = {}          # output tensor -> input tensor
    links = Links()
    groups = _Groups(tensors)
    io = set(g.inputs) | set(g.outputs)

    def group_last(t: int) -> int:
        """Last step at which a member of ``t``'s group is read (a graph output: after the end)."""
        return max(len(g.nodes) if m in g.outputs else life[m][1] for m in groups.of(t))

    def buffers_of(tensors: Iterable[int], align: int = 1) -> list[Buffer]:
        out = []
        for t in tensors:
            src, off = links.views.get(t, (aliases.get(t), 0))
            over, shift = links.overwrites.get(t, (None, 0))
            out.append(Buffer(names[t], g.tensors[t].nbytes, life[t][0], life[t][1], align,
                              alias_of=names[src] if src is not None else None, kind=_kind(g, t),
                              info=g.tensors[t].describe(), alias_offset=off,
                              overwrites=names[over] if over is not None else None, overwrite_offset=shift))
        return out

    def try_link(layout: dict[int, int], undo) -> bool:
        """Keep the links just recorded if the merged group is a valid placement on its own."""
        low = min(layout.values())
        bufs = buffers_of(layout)
        offsets = {names[t]: r - low for t, r in layout.items()}
        try:
            verify(Plan(offsets, max(offsets[b.name] + b.size for b in bufs), "group", tuple(bufs), 0))
        except PlanError:
            undo()
            return False
        groups.commit(layout)
        return True

    for step, (n, info) in enumerate(zip(g.nodes, infos)) if use_aliases else ():
        ins = n.inputs
        if info.inplace is not None and n.outputs and info.inplace < len(ins):
            src, dst = ins[info.inplace], n.outputs[0]
            ts, td = g.tensors[src], g.tensors[dst]
            if ts.is_const or ts.nbytes < td.nbytes:
                continue
            if not info.always_alias:
                if (src in io or ts.nbytes != td.nbytes or group_last(src) != step
                        or any(x in g.inputs for x in groups.of(src))):
                    continue
            aliases[dst] = src
            groups.commit(groups.merged({groups.group[src]: 0, dst: groups.rel[src]}))
            continue
        if not share:
            continue
        if info.view_offsets and len(info.view_offsets) == len(n.outputs) and not g.tensors[ins[0]].is_const:
            src = ins[0]
            if all(off % align == 0 for off in info.view_offsets):
                root = groups.group[src]
                moves = {root: 0}
                for t, off in zip(n.outputs, info.view_offsets):
                    links.views[t] = (src, off)
                    life[t][0] = min(life[t][0], life[src][0])
                    moves[t] = groups.rel[src] + off
                groups.commit(groups.merged(moves))
                links.zero_copy[step] = "views"
            continue
        if info.part_offsets and len(info.part_offsets) == len(ins) and n.outputs:
            out = n.outputs[0]
            roots = []
            for t, off in zip(ins, info.part_offsets):
                src, at = t, off
                # the tensor whose bytes it is: it must be exactly the piece (a reshape of it),
                # not a larger tensor whose other bytes would land on the other pieces
                while src in links.views or src in aliases:
                    parent, o = links.views.get(src, (aliases.get(src), 0))
                    src, at = parent, at - o
                roots.append((src, at))
            if (any(g.tensors[t].is_const or t in g.inputs or off % align for t, off in zip(ins, info.part_offsets))
                    or len({groups.group[t] for t in ins} | {groups.group[out]}) != len(ins) + 1
                    or any(r != t and (at != off or g.tensors[r].nbytes != g.tensors[t].nbytes)
                           for (r, at), t, off in zip(roots, ins, info.part_offsets))):
                continue
            moves = {groups.group[out]: 0}
            for (r, at) in roots:
                links.views[r] = (out, at)
                moves[groups.group[r]] = groups.rel[out] + at - groups.rel[r]
            if try_link(groups.merged(moves), lambda: [links.views.pop(r) for r, _ in roots]):
                links.zero_copy[step] = "parts"
            continue
        if info.overlap_shift is not None and n.outputs and ins and (inplace_at is None or step in inplace_at):
            src, dst = ins[0], n.outputs[0]
            # input 0 is last read here; the rest of its group (other views of its source...)
            # may live on where the output does not reach: the trial verify checks that
            if (g.tensors[src].is_const or life[src][1] != step or len(groups.of(dst)) != 1
                    or any(m in g.outputs for m in groups.of(src))):
                continue
            shift = align_up(int(info.overlap_shift), align)
            links.overwrites[dst] = (src, shift)
            try_link(groups.merged({groups.group[src]: 0, dst: groups.rel[src] - shift}),
                     lambda: links.overwrites.pop(dst))

    # A source read only through views is not kept alive by the views' nodes.
    viewed = {(step, src) for step, kind in links.zero_copy.items() if kind == "views"
              for src in g.nodes[step].inputs[:1]}
    if viewed:
        fresh = lifetimes(g, skip=viewed)
        for t in tensors:
            if t not in links.views:
                life[t][1] = min(life[t][1], fresh[t][1])

    buffers = buffers_of(tensors, align)
    scratch_names = {}
    for i, info in enumerate(infos):
        if info.scratch_bytes > 0:
            name = f"scratch:{g.nodes[i].name}#{i}"
            scratch_names[i] = name
            buffers.append(Buffer(name, info.scratch_bytes, i, i, align, kind="scratch",
                                  info=f"scratch of {g.nodes[i].op}"))
    return buffers, names, scratch_names, aliases, links


#: in-place links are added where the live bytes reach this share of the current peak
PEAK_SHARE = 0.98
MAX_ROUNDS = 8


def memory_plan(g: Graph, node_memory: NodeMemoryFn = no_memory_info, align: int = ARENA_ALIGN,
                share: bool = True) -> MemoryPlan:
    """The smallest verified plan over a few tries (ties go to the earlier one):

    1. every link (views, parts, in place wherever possible);
    2. views and parts only, then in-place links added round by round at the steps where the
       live bytes reach ``PEAK_SHARE`` of the peak (in-place links where memory is not tight only
       bind the placement: a chain of in-place ops drifts down by each op's shift);
    3. every tensor whole (so sharing never costs memory).

    ``share=False``: only the last (every tensor whole, as before views and in-place links)."""
    whole = plain_lower_bound(g)

    def attempt(steps: frozenset[int] | None, shared: bool = True) -> MemoryPlan:
        buffers, names, scratch_names, aliases, links = build_buffers(g, node_memory, True, align, steps, shared)
        return MemoryPlan(plan(buffers), names, scratch_names, aliases, links, whole, g)

    if not share:
        return attempt(frozenset(), False)
    best = attempt(None)
    if not (best.links.overwrites or best.links.zero_copy) or best.arena_size <= align_up(best.plan.lower_bound, align):
        return best
    tries = [attempt(frozenset(), False)]
    steps: frozenset[int] = frozenset()
    for _ in range(MAX_ROUNDS if best.links.overwrites else 1):
        cur = attempt(steps)
        tries.append(cur)
        profile, live = live_profile(cur.plan.buffers), 0
        per_step = []
        for step in range(len(g.nodes)):
            live = profile.get(step, live)
            per_step.append(live)
        peak = max(per_step, default=0)
        more = steps | {s for s, v in enumerate(per_step) if v >= peak * PEAK_SHARE}
        if more == steps:
            break
        steps = frozenset(more)
    for mp in tries:
        if mp.arena_size < best.arena_size:
            best = mp
    return best


def plain_lower_bound(g: Graph) -> int:
    """Max over steps of the live tensor bytes: no scratch, no in-place, no alignment."""
    buffers, *_ = build_buffers(g, no_memory_info, use_aliases=False, align=1)
    return lower_bound(buffers)
