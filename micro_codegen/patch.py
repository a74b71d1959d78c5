"""Patch-based inference: run the first layers of a CNN on horizontal strips of their output.

A pure ``ir.Graph`` -> ``ir.Graph`` rewrite between ``fold`` and ``prepare``: every later stage
(prepare, plan, emit, the reference interpreter) sees an ordinary graph. The arena then holds
one strip's intermediate tensors at a time instead of whole ones; the rows each strip shares
with its neighbours (the halo) are recomputed, which costs instructions.

The rewrite (:func:`patch_graph`), for a stage of ``K`` nodes cut into ``n`` strips:

1. Stage: nodes ``0..K-1`` of the folded graph. Each is spatially local along H
   (:func:`stage_problem`: Conv2DFusion incl. depthwise, Avg/MaxPoolFusion, element-wise unary
   and binary ops on equal NHWC shapes (residual Add), Concat on channels); every activation
   is 4-D NHWC with batch 1; the stage reads only graph inputs and constants from outside;
   only the output of node ``K-1`` (the cut tensor C) is read after the stage or is a graph
   output.
2. Strips: C's H rows are split into ``n`` near-equal strips (full width: only H is tiled, so
   every slice and concat is contiguous in memory). For each strip the needed row range is
   propagated backwards through the stage: a window op needs input rows
   ``[lo*s - pad_top, (hi-1)*s - pad_top + (k-1)*d + 1)`` clipped to the input, an
   element-wise op the same rows; a tensor read by several nodes: the hull of their needs.
3. Per strip, in order: a StridedSlice (H axis, step 1) of each graph input's needed rows
   (none when all rows are needed); a clone ``<node>@s<strip>`` of each stage node computing
   exactly its needed rows (window ops with pad_mode PAD and explicit top / bottom padding:
   real padding only where the strip touches the image border, so every output row is
   computed from the same values in the same order as before: bit-exact); a StridedSlice of a
   clone's output where a reader needs fewer rows than it computed.
4. One Concat (axis 1) of the strips' C rows writes the original tensor C; the rest of the
   graph is unchanged. Tensors no node reads or writes any more are dropped.

The search (:func:`choose_patch`) tries (K, n) pairs and keeps the smallest arena whose
estimated instructions stay within ``overhead`` times the unpatched graph's (see
:func:`node_costs` for the estimate).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from . import numerics
from .errors import CodegenError, UnsupportedOpError
from .ir import DType, Graph, Node, SubGraph, Tensor

WINDOW_OPS = ("Conv2DFusion", "AvgPoolFusion", "MaxPoolFusion")
#: element-wise ops: every activation input has the output's shape; constants do not vary along H
ELEMENTWISE_OPS = ("Activation", "LeakyRelu", "Clip", "AddFusion", "SubFusion", "MulFusion", "Maximum", "Minimum",
                   "QuantDTypeCast", "Cast", "Abs", "Neg", "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Sin", "Cos",
                   "Floor", "Ceil", "Round")

#: strip counts the search tries (besides H_C itself), in increasing order
STRIP_COUNTS = (2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32)

#: instruction estimate of a node without measured coefficients (see :func:`node_costs`)
PER_MAC = 2.0            # conv / fully connected: per multiply-accumulate
PER_TAP = 2.0            # pooling: per output element and window tap
PER_ELEMENT = 4.0        # element-wise and everything else: per output element
NODE_OVERHEAD = 200.0    # per node (call, parameter set-up); StridedSlice / Concat on H cost only this
PIXEL_BLOCK = 4          # output pixels the conv kernels compute together (im2col tiles, 1x1 blocks)

DEFAULT_OVERHEAD = 1.3


@dataclass(frozen=True)
class Patch:
    """A chosen patch: the first ``nodes`` nodes run in ``strips`` strips of ``cut``'s rows."""

    nodes: int                  # K: nodes 0..K-1 of the folded graph
    strips: int                 # n
    cut: str                    # name of the cut tensor C (output of node K-1)
    arena: int = 0              # arena of the patched graph (planner), B
    instructions: int = 0       # estimated instructions of the patched graph
    ratio: float = 1.0          # instructions / those of the unpatched graph
    unpatched_arena: int = 0    # arena without patching, B

    def describe(self) -> str:
        """``first 9 nodes in 4 strips (cut tensor conv9)``"""
        return f"first {self.nodes} nodes in {self.strips} strips (cut tensor {self.cut})"

    def to_json(self) -> dict:
        return {"nodes": self.nodes, "strips": self.strips, "cut_tensor": self.cut, "arena_bytes": self.arena,
                "unpatched_arena_bytes": self.unpatched_arena, "estimated_instructions": self.instructions,
                "instruction_ratio": round(self.ratio, 4)}


# ---------------------------------------------------------------- spec

_SPEC = re.compile(r"^\s*(\d+)\s*(?::\s*(\d+)\s*)?$")


def parse_spec(spec) -> None | str | tuple[int, int | None]:
    """``None`` / ``"off"`` -> None; ``"auto"``; ``"K"`` -> (K, None) (the search picks n);
    ``"K:N"`` or a pair -> (K, N). Raises UnsupportedOpError for anything else."""
    if spec is None or spec == "off":
        return None
    if spec == "auto":
        return "auto"
    if isinstance(spec, (tuple, list)) and len(spec) == 2:
        return int(spec[0]), (None if spec[1] is None else int(spec[1]))
    m = _SPEC.match(str(spec))
    if not m:
        raise UnsupportedOpError(f"--patch {spec}: expected auto, off, K or K:N (K nodes, N strips)")
    return int(m.group(1)), (int(m.group(2)) if m.group(2) else None)


# ---------------------------------------------------------------- stage rules

def _hw_window(g: Graph, i: int) -> numerics.Window:
    node = g.nodes[i]
    x = g.tensors[node.inputs[0]]
    if node.op == "Conv2DFusion":
        w = g.tensors[node.inputs[1]]
        return numerics.conv_window(x.shape[1:3], w.shape[1:3], node.attrs)
    return numerics.pool_window(x.shape[1:3], node.attrs)


def _nhwc1(t: Tensor) -> bool:
    return len(t.shape) == 4 and t.shape[0] == 1 and (t.format or "NHWC") == "NHWC"


def _node_problem(g: Graph, i: int) -> str | None:
    """Why node ``i`` cannot be cloned onto row ranges (None: it can)."""
    node = g.nodes[i]
    if node.op not in WINDOW_OPS + ELEMENTWISE_OPS + ("Concat", "PadFusion"):
        return ("not spatially local on H (patchable: convolutions, pooling, element-wise ops, Concat on "
                "channels, Pad of W and C)")
    if len(node.outputs) != 1:
        return f"has {len(node.outputs)} outputs; patching needs one"
    y = g.tensors[node.outputs[0]]
    acts = [g.tensors[t] for t in node.inputs if not g.tensors[t].is_const]
    if not _nhwc1(y) or not all(_nhwc1(t) for t in acts):
        return "tensors must be 4-D NHWC with batch 1"
    if node.attr("format") not in (None, "NHWC"):
        return f"format {node.attr('format')}: patching needs NHWC"
    if node.op in WINDOW_OPS:
        if not acts or g.tensors[node.inputs[0]].is_const or len(acts) != 1:
            return "reads one activation (its input) besides constants"
        if node.op == "Conv2DFusion":
            x, w = (g.tensors[t] for t in node.inputs[:2])
            if x.dtype == DType.FLOAT32 and w.dtype != DType.FLOAT32:
                return "hybrid conv (quantizes its whole input at run time): not local on H"
        elif node.attr("global"):
            return "global pooling: not local on H"
        try:
            win = _hw_window(g, i)
        except (UnsupportedOpError, ValueError, IndexError, TypeError) as e:
            return str(e)
        h_in = g.tensors[node.inputs[0]].shape[1]
        if (win.out_h, win.out_w) != tuple(y.shape[1:3]):
            return "output shape does not follow its window"
        if (win.out_h - 1) * win.stride_h - win.pad_top >= h_in:
            return "its last window starts past the input (CEIL rounding)"
        return None
    if node.op == "PadFusion":
        from .ops.pad import paddings
        try:
            pads = paddings(g, i)
        except (UnsupportedOpError, ValueError, TypeError) as e:
            return str(e)
        if len(acts) != 1 or g.tensors[node.inputs[0]].is_const or any(pads[d] != (0, 0) for d in (0, 1)):
            return "Pad must pad only W and C of one activation (row r of the output is row r of the input)"
        return None
    if node.op == "Concat":
        axis = int(node.attr("axis", 0) or 0)
        if axis not in (3, -1) or len(acts) != len(node.inputs):
            return "Concat must join activations on the channel axis"
        if any(t.shape[:3] != y.shape[:3] for t in acts):
            return "Concat inputs must have the output's N, H, W"
        return None
    for t in node.inputs:
        ts = g.tensors[t]
        if not ts.is_const and ts.shape != y.shape:
            return "element-wise inputs must have the output's shape"
        if ts.is_const and len(ts.shape) >= 3 and ts.shape[-3] != 1:
            return f"constant '{ts.name}' varies along H"
    return None


def stage_problem(g: Graph, k: int) -> str | None:
    """Why nodes ``0..k-1`` of ``g`` (folded) cannot form a patch stage (None: they can);
    the reason names the first node that breaks a rule."""
    if not 1 <= k <= len(g.nodes):
        return f"the stage must have 1..{len(g.nodes)} nodes (the model has {len(g.nodes)})"
    produced: set[int] = set()
    inputs = set(g.inputs)
    for i in range(k):
        node = g.nodes[i]
        why = _node_problem(g, i)
        if why is None:
            outside = [t for t in node.inputs if t not in produced and t not in inputs and not g.tensors[t].is_const]
            if outside:
                why = f"reads '{g.tensors[outside[0]].name}', which no earlier node writes"
        if why is not None:
            return f"node {i} ({node.op}) cannot be patched: {why}"
        produced.update(node.outputs)
    cut = g.nodes[k - 1].outputs[0]
    later = {t for n in g.nodes[k:] for t in n.inputs} | set(g.outputs)
    for t in sorted(produced & later):
        if t != cut:
            owner = next(i for i in range(k) if t in g.nodes[i].outputs)
            return (f"node {owner} ({g.nodes[owner].op}): its output '{g.tensors[t].name}' is read after node "
                    f"{k - 1}; only the stage's last output may be")
    if cut not in later:
        return f"node {k - 1} ({g.nodes[k - 1].op}): its output is never read"
    return None


def patchable_prefix(g: Graph) -> int:
    """The largest k such that nodes 0..k-1 could all be cloned (the rule per node only)."""
    k = 0
    while k < len(g.nodes) and _node_problem(g, k) is None:
        k += 1
    return k


# ---------------------------------------------------------------- row ranges

def strip_rows(h: int, n: int) -> list[tuple[int, int]]:
    """``h`` rows in ``n`` near-equal strips (the first ``h % n`` one row taller)."""
    base, extra = divmod(h, n)
    out, lo = [], 0
    for s in range(n):
        hi = lo + base + (1 if s < extra else 0)
        out.append((lo, hi))
        lo = hi
    return out


def _window_need(win: numerics.Window, h_in: int, lo: int, hi: int) -> tuple[int, int, int, int]:
    """Output rows [lo, hi) -> (input rows lo, hi, pad top, pad bottom) of the clone."""
    keff = (win.kernel_h - 1) * win.dilation_h + 1
    start = lo * win.stride_h - win.pad_top
    end = (hi - 1) * win.stride_h - win.pad_top + keff
    a, b = max(start, 0), min(end, h_in)
    return a, b, a - start, end - b


def windows(g: Graph, k: int) -> dict[int, numerics.Window]:
    """Node -> its H x W window, for the window ops among nodes 0..k-1."""
    return {i: _hw_window(g, i) for i in range(k) if g.nodes[i].op in WINDOW_OPS}


def row_needs(g: Graph, k: int, rows: tuple[int, int], wins: dict | None = None) -> dict[int, tuple[int, int]]:
    """Tensor -> the rows [lo, hi) of it that one strip (``rows`` of the cut tensor) needs, for
    every activation the stage (nodes 0..k-1) reads or writes (``wins``: :func:`windows`)."""
    wins = windows(g, k) if wins is None else wins
    need = {g.nodes[k - 1].outputs[0]: rows}
    for i in range(k - 1, -1, -1):
        node = g.nodes[i]
        lo, hi = need[node.outputs[0]]
        if node.op in WINDOW_OPS:
            a, b, _, _ = _window_need(wins[i], g.tensors[node.inputs[0]].shape[1], lo, hi)
            want = {node.inputs[0]: (a, b)}
        else:
            want = {t: (lo, hi) for t in node.inputs if not g.tensors[t].is_const}
        for t, (a, b) in want.items():
            if t in need:
                a, b = min(a, need[t][0]), max(b, need[t][1])
            need[t] = (a, b)
    return need


# ---------------------------------------------------------------- the rewrite

class _Builder:
    def __init__(self, g: Graph):
        self.g = g
        self.tensors = list(g.tensors)
        self.nodes: list[Node] = []

    def tensor(self, t: Tensor) -> int:
        self.tensors.append(t)
        return len(self.tensors) - 1

    def const(self, name: str, values) -> int:
        arr = np.asarray(values, dtype=np.int32)
        return self.tensor(Tensor(name=name, dtype=DType.INT32, shape=arr.shape, format="NHWC",
                                  data=arr.astype("<i4").tobytes()))

    def slice_rows(self, src: int, a: int, b: int, name: str) -> int:
        """StridedSlice of rows [a, b) of activation ``src`` (H axis, step 1) -> new tensor."""
        t = self.tensors[src]
        n, _, w, c = t.shape
        out = self.tensor(dataclasses.replace(t, name=name, shape=(n, b - a, w, c), data=None))
        ins = (src, self.const(f"{name}/begin", [0, a, 0, 0]), self.const(f"{name}/end", [n, b, w, c]),
               self.const(f"{name}/strides", [1, 1, 1, 1]))
        self.nodes.append(Node(name=name, op="StridedSlice", inputs=ins, outputs=(out,),
                               attrs={"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
                                      "shrink_axis_mask": 0}))
        return out


def _clone_attrs(g: Graph, i: int, top: int, bottom: int) -> dict:
    """The attributes of a window op's clone: pad_mode PAD with the given top / bottom padding
    and the original left / right padding (so the output width and every window stay)."""
    node = g.nodes[i]
    win = _hw_window(g, i)
    mode = node.attr("pad_mode") or ("PAD" if node.op == "Conv2DFusion" else "VALID")
    key = "pad_list" if node.op == "Conv2DFusion" else "pad"
    w_in = g.tensors[node.inputs[0]].shape[2]
    if mode == "PAD":
        left, right = int(node.attrs[key][2]), int(node.attrs[key][3])
    elif mode == "SAME":
        left = win.pad_left
        right = max((win.out_w - 1) * win.stride_w + (win.kernel_w - 1) * win.dilation_w + 1 - w_in - left, 0)
    else:
        left = right = 0
    attrs = dict(node.attrs)
    attrs.update({"pad_mode": "PAD", key: (top, bottom, left, right)})
    if node.op != "Conv2DFusion" and mode == "SAME":
        attrs["round_mode"] = "FLOOR"     # SAME sizes ignore the rounding; PAD with exact spans: FLOOR
    return attrs


def _check_strips(g: Graph, k: int, n: int) -> None:
    cut = g.tensors[g.nodes[k - 1].outputs[0]]
    if not 1 <= n <= cut.shape[1]:
        raise UnsupportedOpError(f"--patch {k}:{n}: the cut tensor '{cut.name}' has {cut.shape[1]} rows; "
                                 f"the strip count must be in [1, {cut.shape[1]}]")


def patch_graph(g: Graph, k: int, n: int) -> Graph:
    """``g`` (folded) with nodes 0..k-1 run in ``n`` strips (module docstring). Raises
    UnsupportedOpError naming the node when nodes 0..k-1 cannot form a stage."""
    why = stage_problem(g, k)
    if why is not None:
        raise UnsupportedOpError(f"--patch {k}:{n}: {why}")
    _check_strips(g, k, n)
    cut = g.nodes[k - 1].outputs[0]
    h = g.tensors[cut].shape[1]
    b = _Builder(g)
    parts = []
    wins = windows(g, k)
    for s, rows in enumerate(strip_rows(h, n)):
        need = row_needs(g, k, rows, wins)
        have: dict[int, int] = {}          # original tensor -> this strip's tensor (rows need[t])
        views: dict[tuple[int, int, int], int] = {}

        def rows_of(t: int, a: int, bb: int) -> int:
            """This strip's tensor holding rows [a, bb) of original activation ``t``."""
            lo, hi = need[t]
            if (a, bb) == (lo, hi):
                return have[t]
            key = (t, a, bb)
            if key not in views:
                views[key] = b.slice_rows(have[t], a - lo, bb - lo, f"{g.tensors[t].name}@s{s}/rows{a}_{bb}")
            return views[key]

        for x in g.inputs:
            if x in need:
                lo, hi = need[x]
                t = g.tensors[x]
                have[x] = x if (lo, hi) == (0, t.shape[1]) else b.slice_rows(x, lo, hi, f"{t.name}@s{s}")
        for i in range(k):
            node = g.nodes[i]
            y = node.outputs[0]
            lo, hi = need[y]
            attrs = dict(node.attrs)
            if node.op in WINDOW_OPS:
                a, bb, top, bottom = _window_need(wins[i], g.tensors[node.inputs[0]].shape[1], lo, hi)
                ins = (rows_of(node.inputs[0], a, bb),) + node.inputs[1:]
                attrs = _clone_attrs(g, i, top, bottom)
            else:
                ins = tuple(t if g.tensors[t].is_const else rows_of(t, lo, hi) for t in node.inputs)
            t = g.tensors[y]
            out = b.tensor(dataclasses.replace(t, name=f"{t.name}@s{s}", shape=(1, hi - lo) + t.shape[2:]))
            b.nodes.append(dataclasses.replace(node, name=f"{node.name}@s{s}", inputs=ins, outputs=(out,),
                                               attrs=attrs))
            have[y] = out
        parts.append(have[cut])
    c = g.tensors[cut]
    b.nodes.append(Node(name=f"{c.name}@concat", op="Concat", inputs=tuple(parts), outputs=(cut,), attrs={"axis": 1}))
    return _compact(g, b.tensors, b.nodes + list(g.nodes[k:]))


def _compact(g: Graph, tensors: list[Tensor], nodes: list[Node]) -> Graph:
    """The graph of ``nodes`` with only the tensors something still uses, renumbered in order."""
    used = set(g.inputs) | set(g.outputs) | {t for n in nodes for t in n.inputs + n.outputs}
    keep = sorted(used)
    new = {t: j for j, t in enumerate(keep)}
    nodes = [dataclasses.replace(n, inputs=tuple(new[t] for t in n.inputs), outputs=tuple(new[t] for t in n.outputs))
             for n in nodes]
    subgraphs = g.subgraphs
    if len(subgraphs) == 1:
        sg = subgraphs[0]
        subgraphs = (SubGraph(sg.name, tuple(new[t] for t in g.inputs), tuple(new[t] for t in g.outputs),
                              tuple(range(len(nodes))), tuple(range(len(keep)))),)
    else:
        subgraphs = ()
    return dataclasses.replace(g, tensors=tuple(tensors[t] for t in keep), nodes=tuple(nodes),
                               inputs=tuple(new[t] for t in g.inputs), outputs=tuple(new[t] for t in g.outputs),
                               subgraphs=subgraphs)


# ---------------------------------------------------------------- instruction estimate

def node_costs(g: Graph, plans: Sequence, core: str | None) -> list[float]:
    """Estimated instructions of each node: the measured linear model of ``ops/_costs.py`` for
    the plans it has coefficients for (conv variants on ``core``; ``cortex-m4`` when None), else
    :data:`PER_MAC` per multiply-accumulate (conv, fully connected), :data:`PER_TAP` per output
    element and window tap (pooling) or :data:`PER_ELEMENT` per output element, plus
    :data:`NODE_OVERHEAD`; H-axis StridedSlice and axis-1 Concat cost only NODE_OVERHEAD (the
    planner makes them views / parts, no copies). A measured conv estimate is scaled up to whole
    blocks of :data:`PIXEL_BLOCK` output pixels: the fitted model is linear, but a strip of a few
    pixels pays for a whole block (str_ww's 3-pixel 1x1 clones cost 40 % more than linear)."""
    from .ops import _costs
    out = []
    for i, (node, p) in enumerate(zip(g.nodes, plans)):
        est = _costs.estimate(p, core or "cortex-m4") if p is not None else None
        if est is None:
            est = _fallback_cost(g, i)
        else:
            pixels = _costs.features(p)[3]
            est *= -(-pixels // PIXEL_BLOCK) * PIXEL_BLOCK / max(pixels, 1)
        out.append(float(est))
    return out


def _fallback_cost(g: Graph, i: int) -> float:
    node = g.nodes[i]
    y = g.tensors[node.outputs[0]] if node.outputs else None
    elems = y.size if y is not None else 0
    if node.op in ("StridedSlice", "Concat") and y is not None and _is_row_op(g, i):
        return NODE_OVERHEAD
    if node.op == "Conv2DFusion":
        w = g.tensors[node.inputs[1]]
        return PER_MAC * elems * w.shape[1] * w.shape[2] * w.shape[3] + NODE_OVERHEAD
    if node.op in ("FullConnection", "MatMulFusion") and len(node.inputs) > 1:
        return PER_MAC * elems * g.tensors[node.inputs[1]].shape[-1] + NODE_OVERHEAD
    if node.op in ("AvgPoolFusion", "MaxPoolFusion"):
        try:
            win = _hw_window(g, i)
            return PER_TAP * elems * win.kernel_h * win.kernel_w + NODE_OVERHEAD
        except (UnsupportedOpError, ValueError, IndexError, TypeError):
            pass
    return PER_ELEMENT * elems + NODE_OVERHEAD


def _is_row_op(g: Graph, i: int) -> bool:
    """An H-axis StridedSlice (step 1, whole other dims) or an axis-1 Concat of NHWC batch 1."""
    node = g.nodes[i]
    if node.op == "Concat":
        return int(node.attr("axis", 0) or 0) == 1 and all(_nhwc1(g.tensors[t]) for t in node.inputs)
    x, y = g.tensors[node.inputs[0]], g.tensors[node.outputs[0]]
    return _nhwc1(x) and _nhwc1(y) and x.shape[2:] == y.shape[2:] and len(node.inputs) == 4


# ---------------------------------------------------------------- the search

#: ``pipeline.plan_memory``: (graph, OpPlans) -> MemoryPlan (passed in: the pipeline imports this module)
PlanMemory = Callable[[Graph, Sequence], object]


class _PlanCache:
    """OpPlans of nodes by what they depend on (op, attributes, tensors except names): the
    clones of a strip are the same node for every strip of the same height."""

    def __init__(self, core: str | None, plan_memory: PlanMemory):
        self.core = core
        self.plan_memory = plan_memory
        self.plans: dict = {}
        self.alive: list = []        # the objects whose ids are in keys stay alive (ids stay unique)

    def key(self, g: Graph, i: int):
        node = g.nodes[i]
        ts = tuple((t.dtype, t.shape, id(t.quant), id(t.data))
                   for t in (g.tensors[j] for j in node.inputs + node.outputs))
        return node.op, repr(sorted(node.attrs.items())), ts

    def prepare(self, g: Graph) -> tuple:
        from .ops import prepare
        out = []
        for i in range(len(g.nodes)):
            key = self.key(g, i)
            if key not in self.plans:
                self.plans[key] = prepare(g, i, self.core)
                self.alive.extend((g.tensors[j].quant, g.tensors[j].data)
                                  for j in g.nodes[i].inputs + g.nodes[i].outputs)
            out.append(self.plans[key])
        return tuple(out)


def _arena(g: Graph, cache: _PlanCache) -> tuple[int, float, tuple]:
    plans = cache.prepare(g)
    return cache.plan_memory(g, plans).arena_size, sum(node_costs(g, plans, cache.core)), plans


def _estimate(g: Graph, k: int, n: int, base: list[float], plans: Sequence, core: str | None,
              wins: dict) -> float:
    """Instructions of the (k, n) patched graph without building it: a clone of node i with r
    of its H rows costs ``fixed + (cost_i - fixed) * r / H`` (every term of the cost model is
    proportional to the output rows but the per-call one), each StridedSlice and the Concat
    NODE_OVERHEAD."""
    cut = g.nodes[k - 1].outputs[0]
    total = sum(base[k:]) + NODE_OVERHEAD                     # the rest + the Concat
    for rows in strip_rows(g.tensors[cut].shape[1], n):
        need = row_needs(g, k, rows, wins)
        total += NODE_OVERHEAD * sum(need[x] != (0, g.tensors[x].shape[1]) for x in g.inputs if x in need)
        for i in range(k):
            node = g.nodes[i]
            y = g.tensors[node.outputs[0]]
            lo, hi = need[node.outputs[0]]
            fixed = _fixed_cost(plans[i], core)
            total += fixed + (base[i] - fixed) * (hi - lo) / y.shape[1]
            if node.op in WINDOW_OPS:
                wants = [(node.inputs[0], _window_need(wins[i], g.tensors[node.inputs[0]].shape[1], lo, hi)[:2])]
            else:
                wants = [(t, (lo, hi)) for t in node.inputs if not g.tensors[t].is_const]
            total += NODE_OVERHEAD * sum(need[t] != r for t, r in wants)
    return total


def _fixed_cost(plan, core: str | None) -> float:
    """The per-call term of a plan's cost: measured, or NODE_OVERHEAD."""
    from .ops._costs import COSTS, CORE_TABLE, plan_key
    c = COSTS.get(CORE_TABLE.get(core or "cortex-m4", ""), {}).get(plan_key(plan))
    return float(c[-1]) if c is not None else NODE_OVERHEAD


def strip_candidates(h: int) -> list[int]:
    """Strip counts tried for a cut tensor of ``h`` rows: STRIP_COUNTS up to h, and h."""
    return sorted({n for n in STRIP_COUNTS if n <= h} | {h} - {1})


def choose_patch(g: Graph, core: str | None, overhead: float = DEFAULT_OVERHEAD, *, plan_memory: PlanMemory,
                 nodes: int | None = None, strips: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Patch | None:
    """The (K, n) with the smallest arena whose estimated instructions are at most ``overhead``
    times the unpatched graph's (ties: fewer instructions, then smaller K, then smaller n), or
    None when no patch makes the arena smaller. ``g`` is folded; ``plan_memory`` is
    ``pipeline.plan_memory`` (the normal arena plan). ``nodes`` / ``strips`` fix K / n.
    Instructions are estimated for ``core`` when it has a measured table (``ops/_costs.py``),
    else for cortex-m4 (``plan`` without a board, the host).

    1. Unpatched: prepare and plan ``g``; the per-node cost estimate (:func:`node_costs`).
    2. Candidate K: every valid stage (:func:`stage_problem`), largest first.
    3. Candidate n: :func:`strip_candidates`, estimated first (:func:`_estimate`, no graph
       built); only those within the budget are rewritten, prepared (OpPlans cached by node
       contents) and planned.
    4. A K is skipped when the tensor lower bound of the nodes after the stage (the cut tensor
       included) is already no better than the unpatched arena, and a candidate whose estimate
       of the built graph (:func:`node_costs`) is over budget is dropped.
    5. The candidates are planned in increasing order of their lower bound with every link
       (cheap: ``plan_memory(..., bound_only=True)``) until that bound reaches the best arena.
    """
    from .ops._costs import CORE_TABLE
    core = core if core in CORE_TABLE else "cortex-m4"      # one estimate for plan, host and M4 boards
    cache = _PlanCache(core, plan_memory)
    base_arena, base_instr, base_plans = _arena(g, cache)
    base = node_costs(g, base_plans, core)
    budget = overhead * base_instr
    if nodes is not None:
        ks = [nodes]
        why = stage_problem(g, nodes)
        if why is not None:
            raise UnsupportedOpError(f"--patch {nodes}{'' if strips is None else f':{strips}'}: {why}")
        if strips is not None:
            _check_strips(g, nodes, strips)
    else:
        ks = [k for k in range(patchable_prefix(g), 0, -1) if stage_problem(g, k) is None]
    suffix_lb = _suffix_lower_bounds(g)
    wins = windows(g, max(ks, default=0))
    cands = []                     # (lower bound with every link, instructions, k, n, graph, plans)
    for done, k in enumerate(ks, 1):
        if progress is not None:
            progress(done, len(ks))
        cut = g.nodes[k - 1].outputs[0]
        if nodes is None and (g.tensors[cut].nbytes >= base_arena or suffix_lb[k] >= base_arena):
            continue
        ns = [strips] if strips is not None else strip_candidates(g.tensors[cut].shape[1])
        for n in ns:
            if strips is None and _estimate(g, k, n, base, base_plans, core, wins) > budget:
                continue
            pg = patch_graph(g, k, n)
            plans = cache.prepare(pg)
            instr = sum(node_costs(pg, plans, core))
            if instr > budget and strips is None:
                continue
            cands.append((cache.plan_memory(pg, plans, bound_only=True), instr, k, n, pg, plans))
    # Plan the candidates by increasing lower bound until no bound can beat the best arena.
    best: tuple | None = None
    for bound, instr, k, n, pg, plans in sorted(cands, key=lambda c: c[:4]):
        if best is not None and bound >= best[0]:
            break
        cand = (cache.plan_memory(pg, plans).arena_size, instr, k, n)
        if best is None or cand < best:
            best = cand
    if best is None:
        return None
    arena, instr, k, n = best
    if arena >= base_arena and nodes is None:
        return None
    return Patch(nodes=k, strips=n, cut=g.tensors[g.nodes[k - 1].outputs[0]].name, arena=arena,
                 instructions=int(round(instr)), ratio=instr / base_instr if base_instr else 1.0,
                 unpatched_arena=base_arena)


def _suffix_lower_bounds(g: Graph) -> list[int]:
    """k -> the largest bytes live at one step among nodes k.. of ``g`` (tensors whole)."""
    last = {}
    first = {t: 0 for t in g.inputs}
    for i, node in enumerate(g.nodes):
        for t in node.outputs:
            first.setdefault(t, i)
        for t in node.inputs:
            last[t] = i
    end = len(g.nodes) - 1
    for t in g.outputs:
        last[t] = end
    live = [0] * len(g.nodes)
    for t, a in first.items():
        if g.tensors[t].is_const:
            continue
        for i in range(a, last.get(t, a) + 1):
            live[i] += g.tensors[t].nbytes
    out = [0] * (len(g.nodes) + 1)
    for k in range(len(g.nodes) - 1, -1, -1):
        out[k] = max(out[k + 1], live[k])
    return out


def apply_patch(g: Graph, spec, plan_memory: PlanMemory, core: str | None = None,
                overhead: float = DEFAULT_OVERHEAD,
                progress: Callable[[int, int], None] | None = None) -> tuple[Graph, Patch | None]:
    """(the patched graph, the choice) for a folded ``g`` and a ``--patch`` spec (parse_spec);
    ``g`` unchanged and None when off or when ``auto`` finds nothing better. ``plan_memory``:
    ``pipeline.plan_memory``."""
    spec = parse_spec(spec)
    if spec is None:
        return g, None
    if not overhead >= 1.0:
        raise CodegenError(f"--patch-overhead {overhead}: must be at least 1.0")
    if spec == "auto":
        choice = choose_patch(g, core, overhead, plan_memory=plan_memory, progress=progress)
    else:
        k, n = spec
        choice = choose_patch(g, core, overhead, plan_memory=plan_memory, nodes=k, strips=n, progress=progress)
        if choice is None:
            raise UnsupportedOpError(f"--patch {k}: no strip count fits the instruction budget "
                                     f"({overhead}x the unpatched graph)")
    if choice is None:
        return g, None
    return patch_graph(g, choice.nodes, choice.strips), choice
