"""The builder the ONNX operator converters write into.

A converter is ``fn(ctx: Context) -> None`` registered with :func:`converter` for one or
more ONNX op types. While it runs, ``ctx`` describes the current ONNX node (``ctx.inputs``,
``ctx.outputs``, ``ctx.attr``, ``ctx.label``) and offers the value map:

* every ONNX value name maps to a :class:`Value`: an IR tensor plus the layout it is held in.
  ``ONNX`` = the ONNX dimension order; ``NHWC`` = an ONNX channels-first value (NCHW, or NCL
  for 1-D convolutions) held channels-last: IR shape = ONNX shape permuted by
  :func:`channels_last` (``TO_NHWC`` for 4-D). Only values of rank >= 3 are held NHWC.
* constants (initializers, folded subgraphs) are kept as numpy arrays in ONNX layout
  (:meth:`Context.const`) and become IR tensors only when a converter asks for them
  (:meth:`Context.tensor`), in the layout it asks for; int64 becomes int32 and float64
  becomes float32, as the official converter writes them.

Layout rule (the NCHW -> NHWC conversion "with transposes only at the edges"): layout-
sensitive converters (conv, pool, resize, norms, ...) ask for their input with
``ctx.tensor(name, NHWC)`` and emit NHWC outputs; layout-agnostic converters follow their
inputs (:meth:`Context.common_layout`, :meth:`Context.broadcast_tensor`); axis-bearing ones
map their ONNX axis with :meth:`Context.axis`; ops that need the ONNX order ask for ``ONNX``.
A Transpose is inserted only where a value is requested in the other layout (once per value).

Quantization: tensors whose ONNX name has a :class:`QInfo` (from ``qdq.fold_qdq``) are
created with its integer dtype and quant params; per-channel axes follow the IR layout.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ...errors import UnsupportedOpError
from ...ir import DType, Node, QuantParam, Tensor
from ...ms_model import primitives as prim

ONNX = "onnx"
NHWC = "nhwc"
#: ONNX NCHW -> IR NHWC, and back
TO_NHWC = (0, 2, 3, 1)
TO_NCHW = (0, 3, 1, 2)


def channels_last(rank: int) -> tuple[int, ...]:
    """The perm taking an ONNX channels-first value of ``rank`` to channels-last."""
    return (0, *range(2, rank), 1)


def channels_first(rank: int) -> tuple[int, ...]:
    """The inverse of :func:`channels_last`."""
    return (0, rank - 1, *range(1, rank - 1))

#: MindSpore NodeType of activations (constants are 0), as the official files hold them
ACTIVATION_NODE_TYPE = 2

#: ONNX TensorProto element type -> IR dtype (int64 -> int32 and float64 -> float32, as the converter)
ONNX_DTYPES = {
    1: DType.FLOAT32, 2: DType.UINT8, 3: DType.INT8, 4: DType.UINT16, 5: DType.INT16, 6: DType.INT32,
    7: DType.INT32, 9: DType.BOOL, 10: DType.FLOAT16, 11: DType.FLOAT32, 12: DType.UINT32,
    13: DType.UINT64,
}
_NP_NARROW = {np.dtype(np.int64): np.int32, np.dtype(np.float64): np.float32}
_NP_TO_DTYPE = {np.dtype(d.np): d for d in DType}

Converter = Callable[["Context"], None]
#: ONNX op type -> converter (filled by the converter modules on import)
CONVERTERS: dict[str, Converter] = {}


def converter(*op_types: str) -> Callable[[Converter], Converter]:
    """Register ``fn`` as the converter of ONNX ``op_types`` (default domain)."""
    def deco(fn: Converter) -> Converter:
        for op in op_types:
            CONVERTERS[op] = fn
        return fn
    return deco


@dataclass(frozen=True)
class Value:
    """Where an ONNX value lives in the IR: tensor index and the layout it is held in."""

    tensor: int
    layout: str = ONNX


def permute(shape: Sequence[int], layout: str) -> tuple[int, ...]:
    """IR shape of an ONNX shape held in ``layout``."""
    shape = tuple(int(d) for d in shape)
    return tuple(shape[p] for p in channels_last(len(shape))) if layout == NHWC else shape


def narrow(array: np.ndarray) -> np.ndarray:
    """int64 -> int32, float64 -> float32 (values outside int32 are clipped to its range)."""
    a = np.asarray(array)
    target = _NP_NARROW.get(a.dtype)
    if target is None:
        return a
    if target is np.int32:
        a = np.clip(a, np.iinfo(np.int32).min, np.iinfo(np.int32).max)
    return a.astype(target)


def full_attrs(op: str, attrs: dict) -> dict:
    """``attrs`` completed with the schema defaults of every field of ``op``, exactly as a
    reader of the written ``.ms`` would see them (so the graph round-trips unchanged): float
    fields are rounded to float32, as the file stores them."""
    out = prim.attrs_from_table(op, prim.table_from_attrs(op, attrs))
    for fld, ftype in prim.TABLES[op]:
        v = out[fld]
        if ftype == "float" and v is not None:
            out[fld] = float(np.float32(v))
        elif ftype == "[float]" and v is not None:
            out[fld] = tuple(float(np.float32(x)) for x in v)
    return out


def quant_params(scale: np.ndarray, zero_point: np.ndarray, dtype: DType) -> tuple[QuantParam, ...]:
    """QuantParam entries as the official converter writes them (``inited`` false, ``dst_dtype``
    the tensor's type id)."""
    return tuple(QuantParam(scale=float(s), zero_point=int(z), dst_dtype=dtype.value)
                 for s, z in zip(np.ravel(scale), np.ravel(zero_point)))


class Context:
    """Builds the IR tensors and nodes of one ONNX graph (see the module docstring)."""

    def __init__(self, graph, qinfo: dict | None = None, *, shapes: dict[str, tuple[int, ...]],
                 elem_types: dict[str, int], consts: dict[str, np.ndarray], opset: int):
        self.graph = graph                       # onnx GraphProto (after folding)
        self.opset = opset                       # default-domain opset of the model
        self.qinfo = dict(qinfo or {})           # ONNX name -> QInfo
        self.shapes = shapes                     # ONNX name -> ONNX shape (static)
        self.elem_types = elem_types             # ONNX name -> TensorProto element type
        self.consts = consts                     # ONNX name -> numpy array (ONNX layout)
        self.tensors: list[Tensor] = []
        self.nodes: list[Node] = []
        self.values: dict[str, Value] = {}
        self._converted: dict[tuple[str, str], int] = {}   # (name, layout) -> tensor (transposed/const copies)
        self._names: set[str] = set()
        self.node = None                         # current onnx NodeProto
        self.index = -1                          # its index in the ONNX graph

    # ----- the current ONNX node -------------------------------------------------------------

    @property
    def op_type(self) -> str:
        return self.node.op_type

    @property
    def name(self) -> str:
        """The ONNX node name, or ``<OpType>_<index>`` when it has none."""
        return self.node.name or f"{self.node.op_type}_{self.index}"

    @property
    def label(self) -> str:
        """``Conv 'conv1' (node 3)`` — how messages name the ONNX node."""
        return f"{self.node.op_type} '{self.name}' (node {self.index})"

    @property
    def inputs(self) -> list[str]:
        """Input value names ('' for an omitted optional input)."""
        return list(self.node.input)

    @property
    def outputs(self) -> list[str]:
        return list(self.node.output)

    def has_input(self, k: int) -> bool:
        return k < len(self.node.input) and self.node.input[k] != ""

    def attr(self, key: str, default: Any = None) -> Any:
        """ONNX attribute as a Python value (ints, floats, strings decoded, lists as lists,
        tensors as numpy arrays), or ``default``."""
        from onnx import helper, numpy_helper
        for a in self.node.attribute:
            if a.name == key:
                v = helper.get_attribute_value(a)
                if isinstance(v, bytes):
                    return v.decode("utf-8")
                if hasattr(v, "dims") and hasattr(v, "data_type"):
                    return numpy_helper.to_array(v)
                if isinstance(v, list):
                    return [x.decode("utf-8") if isinstance(x, bytes) else x for x in v]
                return v
        return default

    def unsupported(self, rule: str) -> UnsupportedOpError:
        """An error naming the current ONNX node and the rule it breaks."""
        return UnsupportedOpError(f"{self.label}: {rule}")

    def require_const(self, k: int, what: str) -> np.ndarray:
        """The constant value of input ``k`` or an error saying it must be constant."""
        v = self.const(self.inputs[k]) if self.has_input(k) else None
        if v is None:
            raise self.unsupported(f"{what} (input {k}) must be a constant")
        return v

    # ----- ONNX values ------------------------------------------------------------------------

    def shape(self, name: str) -> tuple[int, ...]:
        """The static ONNX shape of value ``name``."""
        if name in self.consts:
            return tuple(self.consts[name].shape)
        if name not in self.shapes:
            raise self.unsupported(f"the shape of '{name}' is unknown after shape inference "
                                   f"(give the model static input shapes)")
        return self.shapes[name]

    def rank(self, name: str) -> int:
        return len(self.shape(name))

    def dtype(self, name: str) -> DType:
        """IR dtype of value ``name`` (the QInfo dtype when quantized)."""
        q = self.qinfo.get(name)
        if q is not None:
            return DType[q.dtype.upper()]
        if name in self.consts:
            return _NP_TO_DTYPE[narrow(self.consts[name]).dtype]
        et = self.elem_types.get(name)
        if et not in ONNX_DTYPES:
            raise self.unsupported(f"value '{name}' has ONNX element type {et}, which has no IR dtype")
        return ONNX_DTYPES[et]

    def const(self, name: str) -> np.ndarray | None:
        """The constant array (ONNX layout and dtype) of ``name``, or None for an activation."""
        return self.consts.get(name)

    def is_const(self, name: str) -> bool:
        return name in self.consts

    def layout(self, name: str) -> str:
        """The layout value ``name`` is held in (constants: ONNX)."""
        v = self.values.get(name)
        return v.layout if v is not None else ONNX

    def axis(self, name: str, onnx_axis: int) -> int:
        """The IR axis of ONNX axis ``onnx_axis`` (negative allowed) of value ``name``,
        non-negative, in the layout ``name`` is held in."""
        rank = self.rank(name)
        if not -rank <= onnx_axis < rank:
            raise self.unsupported(f"axis {onnx_axis} is out of range for the {rank}-D input '{name}'")
        a = onnx_axis % rank
        return channels_last(rank).index(a) if self.layout(name) == NHWC else a

    def ir_shape(self, name: str, layout: str | None = None) -> tuple[int, ...]:
        """The IR shape of ``name`` in ``layout`` (default: the layout it is held in)."""
        return permute(self.shape(name), layout or self.layout(name))

    # ----- IR tensors -------------------------------------------------------------------------

    def unique(self, name: str) -> str:
        """``name``, or ``name_1``, ``name_2``... if an IR tensor is already called so."""
        out, k = name, 0
        while out in self._names:
            k += 1
            out = f"{name}_{k}"
        self._names.add(out)
        return out

    def _add(self, t: Tensor) -> int:
        self.tensors.append(t)
        return len(self.tensors) - 1

    def quant_of(self, name: str, dtype: DType) -> tuple[QuantParam, ...]:
        """The quant params of ONNX value ``name`` (its QInfo), or () when it is not quantized.
        Per-channel params are listed in channel order, whatever axis the channel is on in the IR."""
        q = self.qinfo.get(name)
        return () if q is None else quant_params(q.scale, q.zero_point, dtype)

    def new_tensor(self, name: str, dtype: DType, shape: Sequence[int], *, quant: tuple[QuantParam, ...] = (),
                   fmt: str | None = None) -> int:
        """A new activation tensor (``fmt`` default: NCHW for 4-D ONNX-layout values, else NHWC)."""
        return self._add(Tensor(name=self.unique(name), dtype=dtype, shape=tuple(int(d) for d in shape),
                                format=fmt or "NHWC", quant=quant, node_type=ACTIVATION_NODE_TYPE))

    def const_tensor(self, name: str, array: np.ndarray, *, quant: tuple[QuantParam, ...] = ()) -> int:
        """A new constant IR tensor holding ``array`` (narrowed: int64 -> int32, float64 -> float32)."""
        a = np.ascontiguousarray(narrow(array))
        dtype = _NP_TO_DTYPE[a.dtype]
        return self._add(Tensor(name=self.unique(name), dtype=dtype, shape=tuple(a.shape), format="NHWC",
                                data=a.astype(a.dtype.newbyteorder("<")).tobytes(), quant=quant))

    def weight(self, name: str, array: np.ndarray) -> int:
        """A constant from ONNX value ``name`` after a converter re-laid it out as ``array``
        (e.g. OIHW -> OHWI); its QInfo (if any) is attached."""
        return self.const_tensor(name, array, quant=self.quant_of(name, _NP_TO_DTYPE[narrow(array).dtype]))

    def tensor(self, name: str, layout: str | None = None) -> int:
        """The IR tensor of ONNX value ``name`` in ``layout`` (default: as held; constants: ONNX).

        A constant becomes an IR const (created once per layout); an activation held in the
        other layout gets a Transpose (created once, shared by every consumer)."""
        if layout == NHWC and self.rank(name) < 3:       # nothing to permute
            layout = ONNX
        if name in self.consts:
            layout = layout or ONNX
            key = (name, layout)
            if key not in self._converted:
                a = self.consts[name]
                if layout == NHWC:
                    a = a.transpose(channels_last(a.ndim))
                self._converted[key] = self.const_tensor(name if layout == ONNX else f"{name}_nhwc", a,
                                                         quant=self.quant_of(name, self.dtype(name)))
            return self._converted[key]
        v = self.values.get(name)
        if v is None:
            raise self.unsupported(f"input '{name}' is not produced by any earlier node")
        if layout is None or layout == v.layout:
            return v.tensor
        key = (name, layout)
        if key not in self._converted:
            rank = len(self.tensors[v.tensor].shape)
            self._converted[key] = self.transpose(v.tensor, channels_last(rank) if layout == NHWC else
                                                  channels_first(rank),
                                                  f"{self.tensors[v.tensor].name}_{layout}",
                                                  fmt="NHWC" if layout == NHWC else "NCHW")
        return self._converted[key]

    def transpose(self, tensor: int, perm: Sequence[int], name: str, fmt: str | None = None) -> int:
        """Emit ``Transpose(tensor, perm)`` (perm as an int32 const input); return the new tensor."""
        src = self.tensors[tensor]
        out = self.new_tensor(name, src.dtype, [src.shape[p] for p in perm], quant=src.quant, fmt=fmt)
        perm_t = self.const_tensor(f"{name}_perm", np.array(perm, np.int32))
        self.add_node("Transpose", [tensor, perm_t], [out], name=name)
        return out

    def output(self, k: int = 0, layout: str = ONNX, dtype: DType | None = None,
               shape: Sequence[int] | None = None) -> int:
        """Create the IR tensor of the current node's output ``k``, held in ``layout``, and
        register it as that ONNX value. ``shape`` (IR order) defaults to the inferred one."""
        name = self.outputs[k]
        if self.rank(name) < 3:
            layout = ONNX
        if shape is None:
            shape = self.ir_shape(name, layout)
        dtype = dtype or self.dtype(name)
        fmt = "NCHW" if layout == ONNX and len(shape) == 4 else "NHWC"
        t = self.new_tensor(name, dtype, shape, quant=self.quant_of(name, dtype), fmt=fmt)
        self.values[name] = Value(t, layout)
        return t

    def intermediate(self, op: str, ins: Sequence[int], suffix: str, dtype: DType, shape: Sequence[int],
                     **attrs) -> int:
        """Emit an intermediate IR node ``op`` writing a new ``dtype`` tensor of IR ``shape``; returns it."""
        out = self.new_tensor(f"{self.outputs[0]}_{suffix}", dtype, shape)
        self.add_node(op, ins, [out], name=f"{self.name}_{suffix}", **attrs)
        return out

    def fill_output(self, k: int, value: np.ndarray) -> int:
        """Output ``k`` (ONNX layout) as a constant: ``value`` (one element, or the whole output)
        ``BroadcastTo`` its shape, or for a scalar a ``Reshape`` (no empty shape constant). Used
        where a value is known at conversion but is a graph output (micro_codegen.fold keeps it)."""
        shape = self.shape(self.outputs[k])
        name = self.name if k == 0 else f"{self.name}_{k}"
        v = self.const_tensor(f"{name}_value", np.asarray(value))
        out = self.output(k, ONNX)
        if shape:
            self.add_node("BroadcastTo", [v, self.const_tensor(f"{name}_shape", np.array(shape, np.int32))], [out],
                          name=name)
        else:
            self.add_node("Reshape", [v], [out], name=name)
        return out

    def alias(self, k: int, tensor: int, layout: str) -> None:
        """Make the current node's output ``k`` the existing IR tensor ``tensor`` (no node)."""
        self.values[self.outputs[k]] = Value(tensor, layout if self.rank(self.outputs[k]) >= 3 else ONNX)

    def add_node(self, op: str, inputs: Sequence[int], outputs: Sequence[int], *, name: str | None = None,
                 quant_type: str | None = None, **attrs) -> int:
        """Append an IR node ``op`` (attributes: schema field names, enum member names; the
        schema defaults fill the rest). ``quant_type`` defaults to QUANT_ALL when an input or
        output is quantized. Returns the node index."""
        if quant_type is None:
            q = any(self.tensors[i].quant for i in list(inputs) + list(outputs))
            quant_type = "QUANT_ALL" if q else "QUANT_NONE"
        self.nodes.append(Node(name=name or self.name, op=op, inputs=tuple(inputs), outputs=tuple(outputs),
                               attrs=full_attrs(op, attrs), quant_type=quant_type))
        return len(self.nodes) - 1

    def emit(self, op: str, inputs: Sequence[int], layout: str = ONNX, **attrs) -> int:
        """The common case: one IR node ``op`` named after the ONNX node, reading ``inputs``
        and writing every ONNX output (held in ``layout``). Returns the first output tensor."""
        outs = [self.output(k, layout) for k in range(len(self.outputs)) if self.outputs[k]]
        self.add_node(op, inputs, outs, **attrs)
        return outs[0]

    # ----- layout-agnostic ops ----------------------------------------------------------------

    def common_layout(self, names: Sequence[str]) -> str:
        """The layout a layout-agnostic op over ``names`` runs in: NHWC when an activation of
        the output's rank (>= 3) among them is held NHWC (the others are transposed to it, as
        the converter does), else ONNX."""
        names = [n for n in names if n]
        out_rank = max(self.rank(n) for n in names)
        acts = [n for n in names if n not in self.consts and self.rank(n) == out_rank]
        if out_rank >= 3 and any(self.layout(n) == NHWC for n in acts):
            return NHWC
        return ONNX

    def broadcast_tensor(self, name: str, layout: str, rank: int | None = None) -> int:
        """The IR tensor of ``name`` as an operand of a broadcasting op whose output (``rank``-D,
        default: the current node's output 0) is held in ``layout``: lower-rank constants are
        expanded to ``rank`` dims and permuted; lower-rank activations are reshaped first.
        Same-rank values are converted like :meth:`tensor`; scalars stay as they are."""
        rank = self.rank(self.outputs[0]) if rank is None else rank
        own = self.rank(name)
        if layout == ONNX or own == 0 or own == rank:
            return self.tensor(name, layout if own == rank else ONNX)
        shape_r = (1,) * (rank - own) + self.shape(name)
        key = (name, f"bcast{rank}_nhwc")
        if key in self._converted:
            return self._converted[key]
        if name in self.consts:
            a = self.consts[name].reshape(shape_r).transpose(channels_last(rank))
            self._converted[key] = self.const_tensor(f"{name}_nhwc", a, quant=self.quant_of(name, self.dtype(name)))
            return self._converted[key]
        src = self.tensor(name)
        mid = self.reshape(src, shape_r, f"{name}_{rank}d")
        self._converted[key] = self.transpose(mid, channels_last(rank), f"{name}_{rank}d_nhwc", fmt="NHWC")
        return self._converted[key]

    def reshape(self, tensor: int, shape: Sequence[int], name: str) -> int:
        """Emit ``Reshape(tensor, shape)`` (shape as an int32 const input); return the new tensor."""
        src = self.tensors[tensor]
        out = self.new_tensor(name, src.dtype, shape, quant=src.quant)
        self.add_node("Reshape", [tensor, self.const_tensor(f"{name}_shape", np.array(shape, np.int32))], [out],
                      name=name)
        return out
