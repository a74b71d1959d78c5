"""IR-level fusions the official converter applies to ONNX models, run on the converted graph.

Passes (in this order, each a small function over :class:`_Work`):

0. ``reshape_around_unary``, ``reshape_pairs``  the Reshapes a 1-D convolution chain leaves
   (3-D value <-> 4-D [N, 1, L, C] conv operand) cancel around Activation / ScaleFusion and
   between consecutive ops, so the fusions below see the convolutions.
1. ``transpose_pairs``  Transpose -> Transpose becomes one Transpose (none if the perms cancel).
2. ``matmul_transpose_b``  MatMulFusion(a, Transpose(b) swapping the last two axes) -> TransposeB.
3. ``matmul_bias``  MatMulFusion + AddFusion of a constant [N] -> the constant as the bias input.
4. ``mul_add_scale``  MulFusion + AddFusion by per-channel (last axis) constants -> ScaleFusion.
5. ``scale_into_conv``  Conv2DFusion followed by a constant ScaleFusion -> the scale folded into
   the conv weights and bias (a BatchNormalization after a Conv disappears this way).
6. ``gelu``  x * 0.5 * (1 + erf(x / sqrt 2)) -> Activation GELU.
7. ``activation``  Activation RELU / RELU6 (and HARD_TANH 0..6) after Conv2DFusion,
   Conv2dTransposeFusion, MatMulFusion, FullConnection or ScaleFusion -> ``activation_type``.

A pass only fuses when the intermediate tensor has exactly one consumer and is not a graph
output. :func:`finish` runs them and drops the tensors nothing refers to any more.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ...ir import Graph, Node, Tensor
from .context import full_attrs

#: ops an Activation RELU/RELU6 is fused into
_ACT_HOSTS = frozenset({"Conv2DFusion", "Conv2dTransposeFusion", "MatMulFusion", "FullConnection", "ScaleFusion"})


class _Work:
    """A mutable copy of a graph's tensors and nodes (removed nodes become None)."""

    def __init__(self, g: Graph):
        self.g = g
        self.tensors: list[Tensor] = list(g.tensors)
        self.nodes: list[Node | None] = list(g.nodes)
        self.outputs = set(g.outputs)

    def consumers(self, t: int) -> list[int]:
        return [k for k, n in enumerate(self.nodes) if n is not None and t in n.inputs]

    def producer(self, t: int) -> int | None:
        return next((k for k, n in enumerate(self.nodes) if n is not None and t in n.outputs), None)

    def only_consumer(self, t: int) -> int | None:
        """The single node reading ``t`` (None if several, none, or ``t`` is a graph output)."""
        c = self.consumers(t)
        return c[0] if len(c) == 1 and t not in self.outputs else None

    def const(self, t: int) -> np.ndarray | None:
        return self.tensors[t].array if self.tensors[t].is_const else None

    def set_const(self, t: int, array: np.ndarray) -> None:
        a = np.ascontiguousarray(array.astype(self.tensors[t].dtype.np))
        self.tensors[t] = dataclasses.replace(self.tensors[t], shape=tuple(a.shape), data=a.tobytes())

    def new_const(self, like: int, name: str, array: np.ndarray) -> int:
        a = np.ascontiguousarray(array.astype(self.tensors[like].dtype.np))
        self.tensors.append(Tensor(name=name, dtype=self.tensors[like].dtype, shape=tuple(a.shape), data=a.tobytes()))
        return len(self.tensors) - 1

    def replace(self, k: int, **changes) -> None:
        n = self.nodes[k]
        if "attrs" in changes:
            changes["attrs"] = full_attrs(n.op, {**n.attrs, **changes["attrs"]})
        self.nodes[k] = dataclasses.replace(n, **changes)

    def rewire(self, old: int, new: int) -> None:
        """Every reader of tensor ``old`` reads ``new`` instead."""
        for k, n in enumerate(self.nodes):
            if n is not None and old in n.inputs:
                self.nodes[k] = dataclasses.replace(n, inputs=tuple(new if i == old else i for i in n.inputs))

    def graph(self) -> Graph:
        return dataclasses.replace(self.g, tensors=tuple(self.tensors),
                                   nodes=tuple(n for n in self.nodes if n is not None))


def _is_op(w: _Work, k: int | None, *ops: str) -> bool:
    return k is not None and w.nodes[k] is not None and w.nodes[k].op in ops


def _scalar(a: np.ndarray | None) -> float | None:
    if a is None or a.size != 1:
        return None
    return float(a.reshape(-1)[0])


def _shape(w: _Work, t: int) -> tuple[int, ...]:
    return w.tensors[t].shape


def reshape_around_unary(w: _Work) -> None:
    """Reshape(a) -> Activation / ScaleFusion(last axis) -> Reshape back to a's shape: the
    unary op runs on ``a`` directly (1-D convolutions leave such pairs between 4-D ops)."""
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "Reshape"):
            continue
        a, b = n.inputs[0], n.outputs[0]
        u = w.only_consumer(b)
        if not _is_op(w, u, "Activation", "ScaleFusion") or w.nodes[u].inputs[0] != b or not _shape(w, a) \
                or not _shape(w, b) or _shape(w, a)[-1] != _shape(w, b)[-1]:
            continue
        if w.nodes[u].op == "ScaleFusion" and (w.nodes[u].attrs.get("axis") not in (-1, len(_shape(w, b)) - 1)
                                             or any(len(_shape(w, i)) != 1 for i in w.nodes[u].inputs[1:])):
            continue
        r = w.only_consumer(w.nodes[u].outputs[0])
        if not _is_op(w, r, "Reshape") or _shape(w, w.nodes[r].outputs[0]) != _shape(w, a):
            continue
        w.replace(u, inputs=(a,) + w.nodes[u].inputs[1:], outputs=w.nodes[r].outputs,
                  attrs={"axis": -1} if w.nodes[u].op == "ScaleFusion" else {})
        w.nodes[k] = w.nodes[r] = None


def reshape_pairs(w: _Work) -> None:
    """Reshape -> Reshape becomes one Reshape (none when it restores the first input's shape)."""
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "Reshape"):
            continue
        c = w.only_consumer(n.outputs[0])
        if not _is_op(w, c, "Reshape") or w.nodes[c].inputs[0] != n.outputs[0]:
            continue
        w.nodes[k] = None
        out = w.nodes[c].outputs[0]
        if _shape(w, out) == _shape(w, n.inputs[0]) and out not in w.outputs:
            w.rewire(out, n.inputs[0])
            w.nodes[c] = None
        else:
            w.replace(c, inputs=(n.inputs[0],) + w.nodes[c].inputs[1:])


def transpose_pairs(w: _Work) -> None:
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "Transpose") or w.const(n.inputs[1]) is None:
            continue
        c = w.only_consumer(n.outputs[0])
        if not _is_op(w, c, "Transpose") or w.const(w.nodes[c].inputs[1]) is None:
            continue
        p1, p2 = w.const(n.inputs[1]).tolist(), w.const(w.nodes[c].inputs[1]).tolist()
        perm = [p1[i] for i in p2]
        w.nodes[k] = None
        if perm == list(range(len(perm))) and w.nodes[c].outputs[0] not in w.outputs:
            w.rewire(w.nodes[c].outputs[0], n.inputs[0])
            w.nodes[c] = None
        else:
            perm_t = w.new_const(n.inputs[1], f"{w.nodes[c].name}_perm", np.array(perm))
            w.replace(c, inputs=(n.inputs[0], perm_t))


def matmul_transpose_b(w: _Work) -> None:
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "MatMulFusion") or len(n.inputs) < 2:
            continue
        p = w.producer(n.inputs[1])
        if not _is_op(w, p, "Transpose") or w.only_consumer(n.inputs[1]) != k:
            continue
        perm = w.const(w.nodes[p].inputs[1])
        r = len(perm) if perm is not None else 0
        if perm is None or r < 2 or perm.tolist() != list(range(r - 2)) + [r - 1, r - 2]:
            continue
        w.replace(k, inputs=(n.inputs[0], w.nodes[p].inputs[0]) + n.inputs[2:],
                  attrs={"transpose_b": not n.attrs.get("transpose_b")})
        w.nodes[p] = None


def matmul_bias(w: _Work) -> None:
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "MatMulFusion") or len(n.inputs) != 2 or n.attrs.get("activation_type") not in (
                None, "NO_ACTIVATION") or w.tensors[n.outputs[0]].quant:
            continue
        c = w.only_consumer(n.outputs[0])
        if not _is_op(w, c, "AddFusion") or w.nodes[c].attrs.get("activation_type") not in (None, "NO_ACTIVATION"):
            continue
        add = w.nodes[c]
        other = add.inputs[1] if add.inputs[0] == n.outputs[0] else add.inputs[0]
        b = w.const(other)
        out_shape = w.tensors[n.outputs[0]].shape
        if b is None or not out_shape or b.size != out_shape[-1] or b.ndim > len(out_shape) \
                or w.tensors[add.outputs[0]].shape != out_shape:
            continue
        bias = w.new_const(other, w.tensors[other].name, b.reshape(-1))
        w.replace(k, inputs=n.inputs + (bias,), outputs=add.outputs)
        w.nodes[c] = None


def _per_channel(a: np.ndarray | None, channels: int) -> np.ndarray | None:
    """``a`` as a [channels] vector if it broadcasts along the last axis only."""
    if a is None or a.size != channels or (a.ndim > 1 and a.shape[-1] != channels):
        return None
    return a.reshape(-1)


def mul_add_scale(w: _Work) -> None:
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "MulFusion") or w.tensors[n.outputs[0]].quant:
            continue
        x_shape = w.tensors[n.outputs[0]].shape
        if len(x_shape) < 2:
            continue
        c = w.only_consumer(n.outputs[0])
        if not _is_op(w, c, "AddFusion"):
            continue
        add = w.nodes[c]
        x, s = (n.inputs[0], n.inputs[1]) if w.const(n.inputs[1]) is not None else (n.inputs[1], n.inputs[0])
        b = add.inputs[1] if add.inputs[0] == n.outputs[0] else add.inputs[0]
        sv, bv = _per_channel(w.const(s), x_shape[-1]), _per_channel(w.const(b), x_shape[-1])
        if sv is None or bv is None or w.const(x) is not None or w.tensors[x].shape != x_shape \
                or n.attrs.get("activation_type") not in (None, "NO_ACTIVATION"):
            continue
        s_t = w.new_const(s, w.tensors[s].name, sv)
        b_t = w.new_const(b, w.tensors[b].name, bv)
        w.nodes[k] = Node(name=n.name, op="ScaleFusion", inputs=(x, s_t, b_t), outputs=add.outputs,
                          attrs=full_attrs("ScaleFusion", {"axis": -1,
                                                           "activation_type": add.attrs.get("activation_type")}))
        w.nodes[c] = None


def scale_into_conv(w: _Work) -> None:
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "Conv2DFusion") or n.attrs.get("activation_type") not in (None, "NO_ACTIVATION") \
                or w.tensors[n.inputs[1]].quant or w.const(n.inputs[1]) is None:
            continue
        c = w.only_consumer(n.outputs[0])
        if not _is_op(w, c, "ScaleFusion") or len(w.nodes[c].inputs) != 3:
            continue
        sc = w.nodes[c]
        s, b = w.const(sc.inputs[1]), w.const(sc.inputs[2])
        cout = w.tensors[n.outputs[0]].shape[-1]
        if s is None or b is None or s.size != cout or b.size != cout or sc.attrs.get("axis", -1) not in (-1, 3):
            continue
        s, b = s.reshape(-1).astype(np.float64), b.reshape(-1).astype(np.float64)
        wt = w.const(n.inputs[1]).astype(np.float64)
        folded_w = wt * s.reshape((-1,) + (1,) * (wt.ndim - 1))
        folded_b = (w.const(n.inputs[2]).astype(np.float64) if len(n.inputs) > 2 else np.zeros(cout)) * s + b
        limit = np.finfo(np.float32).max
        if not (np.all(np.abs(folded_w) <= limit) and np.all(np.abs(folded_b) <= limit)):
            continue                  # would overflow float32: keep the ScaleFusion
        new_w = w.new_const(n.inputs[1], w.tensors[n.inputs[1]].name, folded_w)
        new_b = w.new_const(n.inputs[1], f"{n.name}_bias" if len(n.inputs) < 3 else w.tensors[n.inputs[2]].name,
                            folded_b)
        w.replace(k, inputs=(n.inputs[0], new_w, new_b), outputs=sc.outputs,
                  attrs={"activation_type": sc.attrs.get("activation_type")})
        w.nodes[c] = None


def _mul_operands(w: _Work, k: int) -> tuple[int, float | None] | None:
    """(the activation operand, the scalar constant or None) of MulFusion node ``k``."""
    a, b = w.nodes[k].inputs
    if _scalar(w.const(b)) is not None:
        return a, _scalar(w.const(b))
    if _scalar(w.const(a)) is not None:
        return b, _scalar(w.const(a))
    return None


def gelu(w: _Work) -> None:
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, "Erf"):
            continue
        p = w.producer(n.inputs[0])
        if _is_op(w, p, "DivFusion") and np.isclose(_scalar(w.const(w.nodes[p].inputs[1])) or 0, np.sqrt(2), 1e-4):
            x = w.nodes[p].inputs[0]
        elif _is_op(w, p, "MulFusion") and _mul_operands(w, p) and np.isclose(
                _mul_operands(w, p)[1] or 0, np.sqrt(0.5), rtol=1e-4):
            x = _mul_operands(w, p)[0]
        else:
            continue
        a = w.only_consumer(n.outputs[0])
        if not _is_op(w, a, "AddFusion") or w.only_consumer(w.nodes[p].outputs[0]) != k:
            continue
        one = [i for i in w.nodes[a].inputs if i != n.outputs[0]]
        if len(one) != 1 or _scalar(w.const(one[0])) != 1.0:
            continue
        m1 = w.only_consumer(w.nodes[a].outputs[0])
        if not _is_op(w, m1, "MulFusion"):
            continue
        other = [i for i in w.nodes[m1].inputs if i != w.nodes[a].outputs[0]]
        if len(other) != 1:
            continue
        half_first = w.producer(other[0])        # 0.5*x computed before the product
        if other[0] == x:
            m2 = w.only_consumer(w.nodes[m1].outputs[0])
            ops = _mul_operands(w, m2) if _is_op(w, m2, "MulFusion") else None
            if ops is None or ops[1] != 0.5:
                continue
            dead, out = [p, k, a, m1, m2], w.nodes[m2].outputs
        elif _is_op(w, half_first, "MulFusion") and _mul_operands(w, half_first) == (x, 0.5) \
                and w.only_consumer(other[0]) == m1:
            dead, out = [half_first, p, k, a, m1], w.nodes[m1].outputs
        else:
            continue
        name = f"{w.nodes[dead[-1]].name}_gelu"
        for d in dead:
            w.nodes[d] = None
        w.nodes[k] = Node(name=name, op="Activation", inputs=(x,), outputs=out,
                          attrs=full_attrs("Activation", {"activation_type": "GELU"}))


def _fusable_activation(n: Node) -> str | None:
    act = n.attrs.get("activation_type")
    if act in ("RELU", "RELU6"):
        return act
    if act == "HARD_TANH" and n.attrs.get("min_val") == 0.0 and n.attrs.get("max_val") == 6.0:
        return "RELU6"
    return None


def activation(w: _Work) -> None:
    for k, n in enumerate(w.nodes):
        if not _is_op(w, k, *_ACT_HOSTS) or n.attrs.get("activation_type") not in (None, "NO_ACTIVATION"):
            continue
        c = w.only_consumer(n.outputs[0])
        if not _is_op(w, c, "Activation") or _fusable_activation(w.nodes[c]) is None:
            continue
        w.replace(k, outputs=w.nodes[c].outputs, attrs={"activation_type": _fusable_activation(w.nodes[c])})
        w.nodes[c] = None


PASSES = (reshape_around_unary, reshape_pairs, transpose_pairs, matmul_transpose_b, matmul_bias, mul_add_scale,
          scale_into_conv, gelu, activation)


def compact(g: Graph) -> Graph:
    """Drop nodes whose outputs nobody reads and tensors nothing refers to; renumber."""
    nodes = list(g.nodes)
    while True:
        read = {i for n in nodes for i in n.inputs} | set(g.outputs)
        kept = [n for n in nodes if any(o in read for o in n.outputs)]
        if len(kept) == len(nodes):
            break
        nodes = kept
    used = sorted({i for n in nodes for i in n.inputs + n.outputs} | set(g.inputs) | set(g.outputs))
    new = {old: k for k, old in enumerate(used)}
    return dataclasses.replace(
        g, tensors=tuple(g.tensors[i] for i in used),
        nodes=tuple(dataclasses.replace(n, inputs=tuple(new[i] for i in n.inputs),
                                        outputs=tuple(new[i] for i in n.outputs)) for n in nodes),
        inputs=tuple(new[i] for i in g.inputs), outputs=tuple(new[i] for i in g.outputs))


def finish(g: Graph) -> Graph:
    """Run every fusion pass, then :func:`compact`."""
    w = _Work(g)
    for p in PASSES:
        p(w)
    return compact(w.graph())
