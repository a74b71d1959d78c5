"""Import a TFLite flatbuffer (``.tflite``, identifier ``TFL3``) into the IR, as the official
MindSpore Lite 2.0 converter (``--fmk TFLITE``) writes it.

1. Parse the whole flatbuffer (``tflite`` package readers) into plain Python
   (:class:`TflTensor`, :class:`TflOp`); any decoding failure is a :class:`ModelFileError`
   naming the file. One subgraph only; buffers must match their tensor's size.
2. Map every operator through :data:`tflite_ops.MAPPERS` (op name, attributes, input order,
   weight layouts, extra constants); an operator or option the IR cannot express raises
   :class:`UnsupportedOpError` ``<BUILTIN> '<node name>' (node N): <rule>``.
3. Lay the graph out as the official files do (measured on the shared models):

   * node ``k`` is named ``<BUILTIN>-<k>``; its output tensor takes the node's name
     (``<name>_o:<j>`` for the j-th of several), except graph inputs/outputs and constants,
     which keep their TFLite names;
   * tensor order: for each node in order, its outputs, then its inputs not yet placed;
     the subgraph's tensor list: graph outputs first, then per node its new inputs, then
     its new outputs;
   * activations ``node_type`` 2, constants 0, format NHWC;
   * quantization: one :class:`QuantParam` per TFLite scale (``dst_dtype`` = the tensor's
     dtype, ``round_type`` 2 when the first node touching the tensor is a CONV_2D /
     DEPTHWISE_CONV_2D, else 1; other fields at their defaults);
   * node ``quant_type``: QUANT_ALL if an activation it reads or writes is quantized,
     QUANT_WEIGHT if only constant inputs are (hybrid models: int8 weights, float
     activations), else QUANT_NONE.

Refused at import: several subgraphs, uint8 (legacy asymmetric) quantization, string /
complex / int4 tensors, sparse tensors, custom ops. int16 activations (16x8 models) are
imported faithfully; ``check`` reports the nodes whose kernels do not take them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import ModelFileError, UnsupportedOpError
from ..ir import DType, Graph, Node, QuantParam, SubGraph, Tensor

VERSION = "MindSpore Lite 2.0.0"
FMK_TFLITE = 4
#: nodes whose tensors get ``round_type`` 2 (the converter's rule for convolutions)
_ROUND_TYPE_2 = ("CONV_2D", "DEPTHWISE_CONV_2D")

#: TFLite TensorType number -> (name, IR dtype or None when refused)
TENSOR_TYPES = {
    0: ("FLOAT32", DType.FLOAT32), 1: ("FLOAT16", DType.FLOAT16), 2: ("INT32", DType.INT32),
    3: ("UINT8", DType.UINT8), 4: ("INT64", DType.INT64), 5: ("STRING", None), 6: ("BOOL", DType.BOOL),
    7: ("INT16", DType.INT16), 8: ("COMPLEX64", None), 9: ("INT8", DType.INT8), 10: ("FLOAT64", DType.FLOAT64),
    11: ("COMPLEX128", None), 12: ("UINT64", DType.UINT64), 13: ("RESOURCE", None), 14: ("VARIANT", None),
    15: ("UINT32", DType.UINT32), 16: ("UINT16", DType.UINT16), 17: ("INT4", None),
}


@dataclass(frozen=True)
class TflQuant:
    scales: tuple[float, ...]
    zero_points: tuple[int, ...]
    axis: int


@dataclass(frozen=True)
class TflTensor:
    index: int
    name: str
    type: int
    shape: tuple[int, ...]
    data: bytes | None
    quant: TflQuant | None
    sparse: bool = False

    @property
    def dtype(self) -> DType | None:
        return TENSOR_TYPES.get(self.type, ("?", None))[1]

    @property
    def type_name(self) -> str:
        return TENSOR_TYPES.get(self.type, (f"type {self.type}", None))[0]

    @property
    def array(self) -> np.ndarray:
        return np.frombuffer(self.data, dtype=self.dtype.np.newbyteorder("<")).reshape(self.shape)


@dataclass(frozen=True)
class TflOp:
    index: int
    builtin: str                 # BuiltinOperator name, "CUSTOM" for a custom op
    custom_code: str
    version: int
    inputs: tuple[int, ...]      # -1 = optional input left out
    outputs: tuple[int, ...]
    options: dict = field(default_factory=dict)   # option field name (snake_case) -> value

    @property
    def name(self) -> str:
        return f"{self.builtin}-{self.index}"


@dataclass(frozen=True)
class TflModel:
    tensors: tuple[TflTensor, ...]
    ops: tuple[TflOp, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


def read_tflite(data: bytes, source: str) -> Graph:
    """The IR graph of the TFLite model ``data`` (read from ``source``, named in messages)."""
    from ..ms_model.reader import validate
    model = parse(data, source)
    graph = build(model, source)
    validate(graph)
    return graph


# ---------------------------------------------------------------- 1. parsing

def parse(data: bytes, source: str) -> TflModel:
    """Decode the flatbuffer into plain Python; ModelFileError naming ``source`` on any failure."""
    if len(data) < 8 or bytes(data[4:8]) != b"TFL3":
        raise ModelFileError(f"{source}: not a TFLite model (no TFL3 identifier at byte 4)")
    try:
        model = _parse(bytes(data), source)
    except (ModelFileError, UnsupportedOpError):
        raise
    except Exception as e:  # noqa: BLE001 - any decoding failure means a truncated/corrupt buffer
        raise ModelFileError(f"{source}: truncated or corrupt TFLite flatbuffer ({type(e).__name__}: {e})"[:300]) \
            from None
    _check_consistency(model, source)
    return model


def _parse(data: bytes, source: str) -> TflModel:
    import tflite
    from tflite.utils import BUILTIN_OPCODE2NAME

    m = tflite.Model.GetRootAsModel(data, 0)
    if m.SubgraphsLength() != 1:
        raise UnsupportedOpError(f"{source}: the model has {m.SubgraphsLength()} subgraphs; only single-subgraph "
                                 f"models (no control flow: IF/WHILE/CALL_ONCE) are supported")
    sg = m.Subgraphs(0)
    tensors = []
    for i in range(sg.TensorsLength()):
        t = sg.Tensors(i)
        buf = m.Buffers(t.Buffer()) if t.Buffer() < m.BuffersLength() else None
        if buf is None:
            raise ModelFileError(f"{source}: tensor {i} refers to buffer {t.Buffer()}, but the model has "
                                 f"{m.BuffersLength()} buffers")
        raw = None
        if buf.Offset() > 1:   # large models keep buffers after the flatbuffer
            raw = data[buf.Offset():buf.Offset() + buf.Size()]
            if len(raw) != buf.Size():
                raise ModelFileError(f"{source}: buffer {t.Buffer()} lies beyond the end of the file")
        elif buf.DataLength() > 0:
            raw = buf.DataAsNumpy().tobytes()
        q = t.Quantization()
        quant = None
        if q is not None and q.ScaleLength() > 0:
            zps = tuple(int(v) for v in q.ZeroPointAsNumpy()) if q.ZeroPointLength() else (0,) * q.ScaleLength()
            quant = TflQuant(tuple(float(v) for v in q.ScaleAsNumpy()), zps, int(q.QuantizedDimension()))
        shape = tuple(int(d) for d in t.ShapeAsNumpy()) if t.ShapeLength() else ()
        tensors.append(TflTensor(i, _decode(t.Name()), int(t.Type()), shape, raw, quant,
                                 sparse=t.Sparsity() is not None))
    ops = []
    for k in range(sg.OperatorsLength()):
        op = sg.Operators(k)
        oc = m.OperatorCodes(op.OpcodeIndex())
        code = max(int(oc.BuiltinCode()), int(oc.DeprecatedBuiltinCode()))
        builtin = BUILTIN_OPCODE2NAME.get(code, f"BUILTIN#{code}")
        ins = tuple(int(v) for v in op.InputsAsNumpy()) if op.InputsLength() else ()
        outs = tuple(int(v) for v in op.OutputsAsNumpy()) if op.OutputsLength() else ()
        ops.append(TflOp(k, builtin, _decode(oc.CustomCode()), int(oc.Version()), ins, outs, _options(op)))
    ins = tuple(int(v) for v in sg.InputsAsNumpy()) if sg.InputsLength() else ()
    outs = tuple(int(v) for v in sg.OutputsAsNumpy()) if sg.OutputsLength() else ()
    return TflModel(tuple(tensors), tuple(ops), ins, outs)


def _decode(v) -> str:
    return "" if v is None else v.decode("utf-8", errors="replace")


def _snake(name: str) -> str:
    """``FusedActivationFunction`` -> ``fused_activation_function`` (the schema's field name)."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


_SKIP_METHODS = ("Init", "GetRootAs")


def _options(op) -> dict:
    """The operator's builtin options as ``{snake_case_field: value}`` (vectors as tuples)."""
    import tflite
    kind = int(op.BuiltinOptionsType())
    if kind == 0 or op.BuiltinOptions() is None:
        return {}
    names = {v: k for k, v in vars(tflite.BuiltinOptions).items() if isinstance(v, int) and not k.startswith("_")}
    cls = getattr(tflite, names.get(kind, ""), None)
    if cls is None:
        return {}
    table = op.BuiltinOptions()
    obj = cls()
    obj.Init(table.Bytes, table.Pos)
    out = {}
    for attr in dir(cls):
        if attr.startswith("_") or attr.startswith(_SKIP_METHODS) or "BufferHasIdentifier" in attr:
            continue
        if attr.endswith(("Length", "IsNone", "AsNumpy")):
            continue
        fn = getattr(obj, attr)
        if hasattr(cls, attr + "AsNumpy"):
            n = getattr(obj, attr + "Length")()
            out[_snake(attr)] = tuple(int(fn(j)) for j in range(n))
        elif fn.__code__.co_argcount == 1:
            v = fn()
            out[_snake(attr)] = v.decode("utf-8", errors="replace") if isinstance(v, bytes) else v
    return out


def _check_consistency(model: TflModel, source: str) -> None:
    from ..ms_model.reader import check_name, check_sizes
    check_sizes(source, model.tensors, len(model.ops))
    for t in model.tensors:
        check_name(source, t.name, f"tensor {t.index}")
    nt = len(model.tensors)
    for t in model.tensors:
        if any(d < 0 for d in t.shape):
            raise ModelFileError(f"{source}: tensor '{t.name}' (index {t.index}) has a negative dimension "
                                 f"{list(t.shape)}")
        if t.data is not None and t.dtype is not None:
            need = int(np.prod(t.shape, dtype=np.int64)) * t.dtype.itemsize
            if len(t.data) != need:
                raise ModelFileError(f"{source}: tensor '{t.name}' (index {t.index}): buffer is {len(t.data)} bytes "
                                     f"but {t.type_name} {list(t.shape)} needs {need}")
    for op in model.ops:
        for i in op.inputs + op.outputs:
            if not -1 <= i < nt:
                raise ModelFileError(f"{source}: {op.builtin} '{op.name}' (node {op.index}) refers to tensor {i}, "
                                     f"but the model has {nt} tensors")
    for i in model.inputs + model.outputs:
        if not 0 <= i < nt:
            raise ModelFileError(f"{source}: graph input/output refers to tensor {i}, but the model has {nt} tensors")


# ---------------------------------------------------------------- 2./3. mapping and layout

@dataclass(frozen=True)
class NewConst:
    """A constant the mapping adds (an attribute the IR takes as an input)."""
    name: str
    dtype: DType
    shape: tuple[int, ...]
    data: bytes


def build(model: TflModel, source: str) -> Graph:
    from .tflite_ops import MapContext, map_op

    produced = {i for op in model.ops for i in op.outputs}
    mapped = []
    overrides: dict[int, tuple] = {}
    for op in model.ops:
        ctx = MapContext(model, op, source)
        node = map_op(ctx)
        for ti, ov in ctx.overrides.items():
            if overrides.get(ti, ov) != ov:
                raise ctx.fail(f"constant '{model.tensors[ti].name}' is used by two nodes that need it in "
                               f"different layouts")
            overrides[ti] = ov
        mapped.append(node)
    for t in model.tensors:
        if t.index not in produced and t.data is None and t.index not in model.inputs:
            if any(t.index in n.inputs for n in mapped):
                raise UnsupportedOpError(f"{source}: tensor '{t.name}' (index {t.index}) is read but neither "
                                         f"computed, a graph input nor a constant")
    return _layout(model, topo_order(model, mapped), overrides, source)


def topo_order(model: TflModel, mapped: list) -> list:
    """The nodes in the converter's order: depth-first from the graph outputs, the last input
    of a node explored first, each node emitted after its inputs (MindSpore ``TopoSort``);
    nodes no output depends on are dropped, as the converter drops them."""
    producer = {key: k for k, n in enumerate(mapped) for key in n.outputs}
    todo = [producer[i] for i in model.outputs if i in producer]
    seen: set[int] = set()
    done: set[int] = set()
    order = []
    while todo:
        k = todo[-1]
        if k in done:
            todo.pop()
        elif k in seen:
            done.add(k)
            order.append(mapped[k])
            todo.pop()
        else:
            seen.add(k)
            todo.extend(producer[key] for key in mapped[k].inputs
                        if key in producer and producer[key] not in done)
    return order


def _layout(model: TflModel, mapped, overrides: dict, source: str) -> Graph:
    order: list = []               # keys: tflite index (int) or NewConst
    index: dict = {}
    first_node: dict = {}          # key -> index of the first node touching it

    def place(key) -> None:
        if key not in index:
            index[key] = len(order)
            order.append(key)

    for k, n in enumerate(mapped):
        for key in n.outputs + n.inputs:
            first_node.setdefault(key, k)
        for key in n.outputs:
            place(key)
        for key in n.inputs:
            place(key)
    for key in model.inputs + model.outputs:
        place(key)

    io_names = set(model.inputs) | set(model.outputs)
    out_name = {}
    for n in mapped:
        for j, key in enumerate(n.outputs):
            if key not in io_names:
                out_name[key] = n.name if len(n.outputs) == 1 else f"{n.name}_o:{j}"
    tensors = []
    for key in order:
        k = first_node.get(key)
        rt = 2 if k is not None and mapped[k].builtin in _ROUND_TYPE_2 else 1
        tensors.append(_tensor(model, key, out_name, overrides, rt, source))
    nodes = []
    for n in mapped:
        ins = tuple(index[key] for key in n.inputs)
        outs = tuple(index[key] for key in n.outputs)
        nodes.append(Node(name=n.name, op=n.op, inputs=ins, outputs=outs, attrs=n.attrs,
                          quant_type=_quant_type(tensors, ins, outs)))
    g_in = tuple(index[i] for i in model.inputs)
    g_out = tuple(index[i] for i in model.outputs)
    sub_order: list[int] = []
    seen: set[int] = set()

    def visit(i: int) -> None:
        if i not in seen:
            seen.add(i)
            sub_order.append(i)

    for i in g_out:
        visit(i)
    for n in nodes:
        for i in n.inputs:
            visit(i)
        for i in n.outputs:
            visit(i)
    for i in range(len(tensors)):
        visit(i)
    sub = SubGraph("subgraph_0_main", g_in, g_out, tuple(range(len(nodes))), tuple(sub_order))
    return Graph(name="", tensors=tuple(tensors), nodes=tuple(nodes), inputs=g_in, outputs=g_out,
                 subgraphs=(sub,), version=VERSION, fmk_type=FMK_TFLITE, source=source)


def _tensor(model: TflModel, key, out_name: dict, overrides: dict, round_type: int, source: str) -> Tensor:
    if isinstance(key, NewConst):
        return Tensor(name=key.name, dtype=key.dtype, shape=key.shape, format="NHWC", data=key.data, node_type=0)
    t = model.tensors[key]
    dtype = dtype_of(t, source)
    shape, data = t.shape, t.data
    if key in overrides:
        shape, data = overrides[key]
    quant = ()
    if t.quant is not None:
        quant = tuple(QuantParam(scale=s, zero_point=z, dst_dtype=dtype.value, round_type=round_type)
                      for s, z in zip(t.quant.scales, _broadcast(t.quant.zero_points, len(t.quant.scales))))
    return Tensor(name=out_name.get(key, t.name), dtype=dtype, shape=shape, format="NHWC", data=data, quant=quant,
                  node_type=0 if data is not None else 2)


def _broadcast(zps: tuple[int, ...], n: int) -> tuple[int, ...]:
    return zps if len(zps) == n else (zps[0] if zps else 0,) * n


def dtype_of(t: TflTensor, source: str) -> DType:
    """The IR dtype of a TFLite tensor; UnsupportedOpError for types and quantizations the IR has no use for."""
    if t.sparse:
        raise UnsupportedOpError(f"{source}: tensor '{t.name}' (index {t.index}) is sparse; sparse TFLite tensors "
                                 f"are not supported")
    if t.dtype is None:
        raise UnsupportedOpError(f"{source}: tensor '{t.name}' (index {t.index}) has type {t.type_name}; "
                                 f"supported: float32/16/64, int8/16/32/64, uint8/16/32/64, bool")
    if t.dtype == DType.UINT8 and t.quant is not None:
        raise UnsupportedOpError(f"{source}: tensor '{t.name}' (index {t.index}) is uint8-quantized (legacy "
                                 f"asymmetric TFLite quantization); re-convert the model with int8 quantization")
    return t.dtype


def _quant_type(tensors: list[Tensor], ins: tuple[int, ...], outs: tuple[int, ...]) -> str:
    acts = [tensors[i] for i in ins + outs if not tensors[i].is_const]
    if any(t.is_quantized for t in acts):
        return "QUANT_ALL"
    if any(tensors[i].is_quantized for i in ins if tensors[i].is_const):
        return "QUANT_WEIGHT"
    return "QUANT_NONE"
