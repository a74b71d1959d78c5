"""Fold ONNX QDQ quantization (QuantizeLinear / DequantizeLinear wrappers) into int8 ops.

A QDQ model describes an int8 network in float: every quantized tensor is produced by a
``QuantizeLinear`` (Q) and read through a ``DequantizeLinear`` (DQ); weights are int8
initializers read through a DQ, biases int32 initializers (scale ``s_x * s_w``) likewise.
:func:`fold_qdq` turns each op whose float inputs all come from DQ nodes and whose outputs all go
to Q nodes into the int8 op itself: it reads the integer tensors and writes the Q's integer
output, and :class:`QInfo` gives every such tensor its quantization, so the converters build
``QUANT_ALL`` nodes that run our int8 kernels (TFLite semantics: one requantization with a
fixed-point multiplier). An op followed by a lone Relu / Clip before its Q (``Conv -> Relu -> Q``,
as exporters write fused activations) is folded with the activation: the op's output takes the
Q's quantization too.

Not folded (the model's float semantics are kept, so nothing is refused here):

* an op without an int8 form in the IR, or with a float input that is not dequantized, or
  an output read by anything but one Q: it runs in float between its DQ and Q nodes;
* ops that only move or select data (Reshape, MaxPool, Slice, ...), whose int8 kernels
  need identical input and output quantization, when the quantizations differ;
* activations quantized per channel; blocked quantization (``block_size``); integer types
  other than int8 / uint8 (int32 only as a DQ'd bias).

What stays of Q / DQ becomes ``QuantDTypeCast`` (:mod:`.elementwise`): Q / DQ on activations
(graph edges, float islands); a DQ of a constant that no folded op reads becomes a float
constant. uint8 is shifted to int8 (zero point and data - 128: the same real values) except
on graph inputs and outputs, which keep the model's uint8 (dtype ``"uint8"``; the reference
runs such a QuantDTypeCast, the C kernels only convert float32 <-> int8).

``read_onnx`` calls :func:`fold_qdq` on the shape-inferred, constant-folded model; a tensor the
fold adds (the op output before a trailing activation) gets a value_info copied from the one
it stands for.

Differences from ONNX's float simulation: the int8 kernels requantize once where ONNX rounds
a float result to the grid, and QuantDTypeCast rounds ties away from zero where ONNX rounds
them to even: outputs typically differ by at most 1 LSB (tests/importers/test_onnx_qdq.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: ops the IR runs in int8, requantizing between input and output quantizations
REQUANT_OPS = frozenset({"Conv", "ConvTranspose", "MatMul", "Gemm", "Add", "Sub", "Mul", "Concat", "Relu",
                         "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSwish", "Softmax", "PRelu",
                         "ReduceMean", "Resize", "Abs", "Neg"})
#: ops whose int8 kernels move / select data: input and output quantization must be the same
SAME_QUANT_OPS = frozenset({"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "MaxPool",
                            "GlobalMaxPool", "AveragePool", "GlobalAveragePool", "Slice", "Split", "Gather",
                            "Pad", "DepthToSpace", "SpaceToDepth", "Identity", "Max", "Min", "ReduceMax"})
#: activations folded together with the op before them (op -> act -> Q)
_TRAILING_ACTS = frozenset({"Relu", "Clip"})
#: ONNX element types (TensorProto) of quantized integers
_INT8, _UINT8, _INT32 = 3, 2, 6


@dataclass(frozen=True)
class QInfo:
    """Quantization of one ONNX tensor after the fold."""

    scale: np.ndarray        # float32, [1] per-tensor or [C] per-channel
    zero_point: np.ndarray   # int64, same shape
    axis: int | None         # per-channel axis in ONNX terms (None: per-tensor)
    dtype: str               # "int8", "int32" ("uint8" only on graph inputs / outputs)


@dataclass(frozen=True)
class _Params:
    """The quantization a Q / DQ node applies (ONNX types, before any uint8 shift)."""

    scale: np.ndarray
    zero_point: np.ndarray
    axis: int | None
    elem_type: int

    def key(self) -> tuple:
        return (self.scale.tobytes(), self.zero_point.tobytes(), self.axis, self.elem_type)

    def info(self, keep_uint8: bool = False) -> QInfo:
        zp = self.zero_point.astype(np.int64)
        dtype = {_INT8: "int8", _UINT8: "int8", _INT32: "int32"}[self.elem_type]
        if self.elem_type == _UINT8:
            if keep_uint8:
                dtype = "uint8"
            else:
                zp = zp - 128
        return QInfo(self.scale.astype(np.float32).reshape(-1), zp.reshape(-1), self.axis, dtype)


class _Graph:
    """Index of an ONNX graph whose nodes are ``nodes``: constants, producers, consumers, graph
    inputs / outputs."""

    def __init__(self, graph, nodes: list):
        from onnx import numpy_helper
        self.consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        self.const_types = {t.name: t.data_type for t in graph.initializer}
        for n in nodes:
            if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
                self.consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
                self.const_types[n.output[0]] = n.attribute[0].t.data_type
        self.inputs = {vi.name: vi.type.tensor_type.elem_type for vi in graph.input if vi.name not in self.consts}
        self.outputs = {vi.name for vi in graph.output}
        self.producer = {o: n for n in nodes for o in n.output if o}
        self.consumers: dict[str, list] = {}
        for n in nodes:
            for i in n.input:
                if i:
                    self.consumers.setdefault(i, []).append(n)

    def params(self, node) -> _Params | None:
        """The constant quantization of Q / DQ ``node``, or None (non-constant scale, blocked,
        a type other than int8 / uint8 / int32)."""
        attrs = {a.name: a for a in node.attribute}
        if "block_size" in attrs and attrs["block_size"].i:
            return None
        scale = self.consts.get(node.input[1]) if len(node.input) > 1 else None
        if scale is None:
            return None
        zp_name = node.input[2] if len(node.input) > 2 else ""
        if zp_name:
            if zp_name not in self.consts:
                return None
            zp, elem = self.consts[zp_name], self.const_types[zp_name]
        else:
            zp = np.zeros(1, np.int64)
            if node.op_type == "DequantizeLinear":
                elem = self.elem_type(node.input[0])
            else:
                elem = attrs["output_dtype"].i if "output_dtype" in attrs and attrs["output_dtype"].i else _UINT8
        if elem not in (_INT8, _UINT8, _INT32) or scale.size != zp.size:
            return None
        axis = None
        if scale.size > 1:
            axis = attrs["axis"].i if "axis" in attrs else 1
        return _Params(np.asarray(scale, np.float32).reshape(-1), np.asarray(zp).astype(np.int64).reshape(-1),
                       axis, elem)

    def elem_type(self, name: str) -> int | None:
        if name in self.const_types:
            return self.const_types[name]
        return self.inputs.get(name)

    def single_q(self, name: str):
        """The Q node that is the only reader of ``name`` (not a graph output), or None."""
        readers = self.consumers.get(name, [])
        if name in self.outputs or len(readers) != 1 or readers[0].op_type != "QuantizeLinear":
            return None
        return readers[0]


def _dq_source(ix: _Graph, name: str):
    """``(DQ node, params)`` if ``name`` is the output of a foldable DQ, else None."""
    dq = ix.producer.get(name)
    if dq is None or dq.op_type != "DequantizeLinear":
        return None
    p = ix.params(dq)
    if p is None:
        return None
    src = dq.input[0]
    if src in ix.inputs and p.elem_type == _UINT8:     # a uint8 graph input keeps its DQ
        return None
    return dq, p


def _match(ix: _Graph, node) -> tuple[dict, list] | None:
    """How to fold ``node``: ({input index: (DQ, params)}, [(output index, act node|None, Q, params)]),
    or None when it stays float (module docstring)."""
    ins: dict[int, tuple] = {}
    for k, name in enumerate(node.input):
        if not name:
            continue
        src = _dq_source(ix, name)
        if src is not None:
            dq, p = src
            const_src = dq.input[0] in ix.consts
            if p.elem_type == _INT32 and not (node.op_type in ("Conv", "ConvTranspose", "Gemm") and k == 2):
                return None
            if p.axis is not None and not const_src:
                return None
            ins[k] = src
            continue
        if name in ix.consts and ix.consts[name].dtype.kind in "iub":
            continue                    # shapes, axes, indices
        return None
    if all(dq.input[0] in ix.consts for dq, _ in ins.values()):
        return None                     # no quantized activation input
    outs = []
    for j, name in enumerate(node.output):
        if not name:
            continue
        act, q = None, ix.single_q(name)
        if q is None:
            readers = ix.consumers.get(name, [])
            if name in ix.outputs or len(readers) != 1 or readers[0].op_type not in _TRAILING_ACTS:
                return None
            act = readers[0]
            if any(i and i not in ix.consts for i in act.input[1:]):
                return None
            q = ix.single_q(act.output[0])
            if q is None:
                return None
        p = ix.params(q)
        if p is None or p.axis is not None or p.elem_type == _INT32:
            return None
        if p.elem_type == _UINT8 and q.output[0] in ix.outputs:   # a uint8 graph output keeps its Q
            return None
        outs.append((j, act, q, p))
    if not outs:
        return None
    if node.op_type in SAME_QUANT_OPS:
        keys = {p.key() for dq, p in ins.values() if dq.input[0] not in ix.consts}
        keys |= {p.key() for *_, p in outs}
        if len(keys) != 1:
            return None
    return ins, outs


def fold_qdq(model):
    """``(model, {tensor name: QInfo})``: ``model`` (a copy) with the QDQ wrappers of every
    foldable op removed (module docstring), and the quantization of every integer tensor left."""
    import onnx
    from onnx import numpy_helper
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    if not any(n.op_type in ("QuantizeLinear", "DequantizeLinear") for n in g.node):
        return m, {}
    nodes = [_copy(n) for n in g.node]  # plain messages: stable identities while rewiring
    ix = _Graph(g, nodes)
    qinfo: dict[str, QInfo] = {}
    shift: set[str] = set()             # uint8 constants to store as int8
    dropped: set[int] = set()           # ids of Q nodes folded away
    for node in nodes:
        if node.op_type not in REQUANT_OPS | SAME_QUANT_OPS or node.domain not in ("", "ai.onnx"):
            continue
        plan = _match(ix, node)
        if plan is None:
            continue
        ins, outs = plan
        for k, (dq, p) in ins.items():
            src = dq.input[0]
            node.input[k] = src
            qinfo[src] = p.info()
            if p.elem_type == _UINT8 and src in ix.consts:
                shift.add(src)
        for j, act, q, p in outs:
            info = p.info()
            if act is None:
                node.output[j] = q.output[0]
            else:
                pre = f"{act.output[0]}_quant"
                _declare_like(g, pre, act.output[0])
                node.output[j] = pre
                act.input[0] = pre
                act.output[0] = q.output[0]
                qinfo[pre] = info
            qinfo[q.output[0]] = info
            dropped.add(id(q))
    kept = [n for n in nodes if id(n) not in dropped]
    ix = _Graph(g, kept)                # re-index: the readers of every DQ changed
    floats: dict[str, np.ndarray] = {}
    final = []
    for n in kept:
        if n.op_type == "DequantizeLinear" and not ix.consumers.get(n.output[0]) and n.output[0] not in ix.outputs:
            continue                    # every reader folded
        p = ix.params(n) if n.op_type in ("QuantizeLinear", "DequantizeLinear") else None
        if n.op_type == "DequantizeLinear" and p is not None and n.input[0] in ix.consts:
            floats[n.output[0]] = _dequantize(ix.consts[n.input[0]], p)
            continue
        if p is not None:
            name = n.output[0] if n.op_type == "QuantizeLinear" else n.input[0]
            edge = name in ix.outputs or name in ix.inputs
            qinfo.setdefault(name, p.info(keep_uint8=edge))
        final.append(n)
    del g.node[:]
    g.node.extend(final)
    for t in g.initializer:
        if t.name in shift:
            t.CopyFrom(numpy_helper.from_array((ix.consts[t.name].astype(np.int16) - 128).astype(np.int8), t.name))
    g.initializer.extend(numpy_helper.from_array(a, name) for name, a in sorted(floats.items()))
    return m, qinfo


def _dequantize(q: np.ndarray, p: _Params) -> np.ndarray:
    """ONNX DequantizeLinear of a constant: ``(q - zp) * scale`` in float32."""
    shape = [1] * q.ndim
    if p.axis is not None:
        shape[p.axis % q.ndim] = -1
    zp = p.zero_point.reshape(shape) if p.axis is not None else p.zero_point.reshape(())
    scale = p.scale.reshape(shape) if p.axis is not None else p.scale.reshape(())
    return ((q.astype(np.int64) - zp).astype(np.float32) * scale).astype(np.float32)


def _declare_like(g, name: str, like: str) -> None:
    """Add a value_info ``name`` with the shape inference gave ``like`` (if it gave one)."""
    for vi in list(g.value_info) + list(g.output):
        if vi.name == like:
            new = g.value_info.add()
            new.CopyFrom(vi)
            new.name = name
            return


def _copy(node):
    from onnx import NodeProto
    c = NodeProto()
    c.CopyFrom(node)
    return c
