"""Read a MindSpore Lite ``.ms`` flatbuffer into an :class:`ir.Graph`.

Decoding uses the flatc-generated object API (``schema/``); everything it may raise
on a malformed buffer becomes :class:`ModelFileError`, and the decoded graph is then
checked for consistency (identifier, version, tensor indices, shapes, data sizes).
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import numpy as np

from ..errors import ModelFileError
from ..ir import DType, Graph, Node, QuantParam, SubGraph, Tensor
from . import primitives as prim
from .schema.MetaGraph import MetaGraph, MetaGraphT

FILE_IDENTIFIER = b"MSL2"
_VERSION_RE = re.compile(r"^MindSpore Lite (\d+)\.(\d+)")
#: .ms format versions this reader understands (the MSL2 schema of MindSpore Lite 2.x)
SUPPORTED_MAJOR = (2,)
_DTYPES = {d.value: d for d in DType}
_COMPRESS = {0: "NONE", 1: "INDEXING", 2: "SPARSE", 3: "FSE", 4: "BITPACKING", 5: "FSE_INT", 6: "FSE_INFER"}
_QUANT_TYPES = {0: "QUANT_NONE", 1: "AwareTraining", 2: "WeightQuant", 3: "PostTraining",
                4: "QUANT_WEIGHT", 5: "QUANT_ALL", 6: "QUANT_DYNAMIC"}
_FORMATS = prim.enum_maps("Format")[0]


#: Bounds on the sizes a model file states, checked before anything is allocated from them
#: (README "Model file limits"). Far above any microcontroller model: the largest MCU RAM is
#: a few MiB, and the generated C indexes tensors with 32-bit integers.
MAX_FILE_BYTES = 1 << 31            # a flatbuffer cannot be larger (32-bit offsets)
MAX_TENSORS = 1 << 20               # tensors in the model
MAX_NODES = 1 << 20                 # nodes in the model
MAX_RANK = 32                       # dims of one tensor (numpy arrays have at most 32)
MAX_ELEMENTS = 1 << 24              # elements of one tensor (16,777,216: 64 MiB of float32)
MAX_TOTAL_ELEMENTS = 1 << 26        # elements of all tensors together


def read_file(path: str | Path) -> bytes:
    """The bytes of model file ``path`` (at most MAX_FILE_BYTES); ModelFileError naming it otherwise."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelFileError(f"{path}: file is {size:,} bytes; model files are at most {MAX_FILE_BYTES:,} bytes")
        return path.read_bytes()
    except OSError as e:
        raise ModelFileError(f"{path}: cannot read: {e.strerror or e}") from None


def read_model(path: str | Path) -> Graph:
    """Read ``path``; raise :class:`ModelFileError` naming the file if it is not a valid model."""
    return read_bytes(read_file(path), str(path))


def read_bytes(data: bytes, source: str = "<bytes>") -> Graph:
    if len(data) < 8:
        raise ModelFileError(f"{source}: not a MindSpore Lite model: file is {len(data)} bytes")
    ident = bytes(data[4:8])
    if ident != FILE_IDENTIFIER:
        raise ModelFileError(f"{source}: not a MindSpore Lite model: file identifier is {ident!r}, "
                             f"expected {FILE_IDENTIFIER!r}")
    try:
        root = MetaGraph.GetRootAs(data, 0)
        _check_counts(source, tensors=root.AllTensorsLength(), nodes=root.NodesLength())
        mg = MetaGraphT.InitFromObj(root)
        graph = _to_ir(mg, source)
    except ModelFileError:
        raise
    except (RecursionError, MemoryError) as e:
        raise ModelFileError(f"{source}: truncated or corrupt flatbuffer ({type(e).__name__})") from None
    except Exception as e:  # noqa: BLE001 - any decoding failure means a corrupt buffer
        raise ModelFileError(f"{source}: truncated or corrupt flatbuffer ({type(e).__name__}: {e})"[:300]) from None
    graph = dataclasses.replace(graph, sha256=hashlib.sha256(data).hexdigest())
    validate(graph)
    return graph


def _check_counts(source: str, tensors: int, nodes: int) -> None:
    """The tensor and node counts a file states are within MAX_TENSORS / MAX_NODES."""
    for what, n, limit in (("tensors", tensors, MAX_TENSORS), ("nodes", nodes, MAX_NODES)):
        if n > limit:
            raise ModelFileError(f"{source}: the model states {n:,} {what}; at most {limit:,} are read")


def check_sizes(source: str, tensors, nodes: int) -> None:
    """The counts are within MAX_TENSORS / MAX_NODES and every tensor's rank and element
    count, and their total, within MAX_RANK, MAX_ELEMENTS and MAX_TOTAL_ELEMENTS (before
    anything allocates by a tensor's shape). ``tensors``: anything with ``name`` and ``shape``."""
    _check_counts(source, len(tensors), nodes)
    total = 0
    for i, t in enumerate(tensors):
        if len(t.shape) > MAX_RANK:
            raise ModelFileError(f"{source}: tensor '{t.name}' (index {i}) has {len(t.shape)} dims; "
                                 f"at most {MAX_RANK} are supported")
        n = 1
        for d in t.shape:
            n *= max(d, 1)
        if n > MAX_ELEMENTS:
            raise ModelFileError(f"{source}: tensor '{t.name}' (index {i}) has {n:,} elements (shape "
                                 f"{list(t.shape)}); at most {MAX_ELEMENTS:,} per tensor are supported")
        total += n
        if total > MAX_TOTAL_ELEMENTS:
            raise ModelFileError(f"{source}: the tensors up to '{t.name}' (index {i}) hold {total:,} elements; "
                                 f"at most {MAX_TOTAL_ELEMENTS:,} in all are supported")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_name(source: str, name: str, what: str) -> str:
    """``name`` (of a tensor, node, subgraph or model) when it is text without control characters,
    so that every message naming it stays one line; ModelFileError otherwise."""
    if not isinstance(name, str):       # an ONNX (proto2) string field of invalid UTF-8 stays bytes
        raise ModelFileError(f"{source}: {what} name {name!r} is not UTF-8 text")
    if _CONTROL.search(name):
        raise ModelFileError(f"{source}: {what} name {name!r} contains control characters")
    return name


def _str(v) -> str:
    if v is None:
        return ""
    return v.decode("utf-8") if isinstance(v, (bytes, bytearray)) else str(v)


def _ints(v) -> tuple[int, ...]:
    return () if v is None else tuple(int(x) for x in v)


def _to_ir(mg: MetaGraphT, source: str) -> Graph:
    version = _str(mg.version)
    m = _VERSION_RE.match(version)
    if not m:
        raise ModelFileError(f"{source}: version string {version!r} is not 'MindSpore Lite X.Y'")
    if int(m.group(1)) not in SUPPORTED_MAJOR:
        raise ModelFileError(f"{source}: format version {version!r} is not supported "
                             f"(supported: MindSpore Lite {'/'.join(map(str, SUPPORTED_MAJOR))}.x)")
    tensors = tuple(_tensor(t, i, source) for i, t in enumerate(mg.allTensors or ()))
    nodes = tuple(_node(n, i, source) for i, n in enumerate(mg.nodes or ()))
    subgraphs = tuple(
        SubGraph(_str(s.name), _ints(s.inputIndices), _ints(s.outputIndices), _ints(s.nodeIndices),
                 _ints(s.tensorIndices))
        for s in (mg.subGraph or ()))
    return Graph(name=_str(mg.name), tensors=tensors, nodes=nodes, inputs=_ints(mg.inputIndex),
                 outputs=_ints(mg.outputIndex), subgraphs=subgraphs, version=version,
                 fmk_type=int(mg.fmkType), source=source)


def _tensor(t, index: int, source: str) -> Tensor:
    name = check_name(source, _str(t.name), f"tensor {index}") or f"tensor_{index}"
    dtype = _DTYPES.get(int(t.dataType))
    if dtype is None:
        raise ModelFileError(f"{source}: tensor '{name}' (index {index}): unknown data type {t.dataType}")
    shape = _ints(t.dims)
    data = None
    if t.data is not None and len(t.data) > 0:
        data = np.asarray(t.data, dtype=np.uint8).tobytes()
    quant = tuple(
        QuantParam(scale=float(q.scale), zero_point=int(q.zeroPoint), min=float(q.min), max=float(q.max),
                   narrow_range=bool(q.narrowRange), num_bits=int(q.numBits), inited=bool(q.inited),
                   var_corr=float(q.varCorr), mean_corr=float(q.meanCorr), dst_dtype=int(q.dstDtype),
                   round_type=int(q.roundType), multiplier=int(q.multiplier))
        for q in (t.quantParams or ()))
    return Tensor(name=name, dtype=dtype, shape=shape, format=_FORMATS.get(int(t.format), str(t.format)),
                  data=data, quant=quant, node_type=int(t.nodeType),
                  quant_clusters=tuple(float(x) for x in (t.quantClusters if t.quantClusters is not None else ())),
                  compress_type=_COMPRESS.get(int(t.weightQuantCompressType), str(t.weightQuantCompressType)),
                  external_data=bool(t.externalData))


def _node(n, index: int, source: str) -> Node:
    name = check_name(source, _str(n.name), f"node {index}") or f"node_{index}"
    if n.primitive is None:
        raise ModelFileError(f"{source}: node '{name}' (node {index}) has no primitive")
    type_id = int(n.primitive.valueType)
    op = prim.op_name(type_id)
    known = op in prim.TABLES
    attrs = {}
    if known:
        if n.primitive.value is None:
            raise ModelFileError(f"{source}: {op} '{name}' (node {index}) has no attribute table")
        attrs = prim.attrs_from_table(op, n.primitive.value)
    return Node(name=name, op=op, inputs=_ints(n.inputIndex), outputs=_ints(n.outputIndex), attrs=attrs,
                quant_type=_QUANT_TYPES.get(int(n.quantType), str(n.quantType)), known=known)


def validate(g: Graph) -> None:
    """Consistency checks on a decoded graph; raise ModelFileError on the first problem."""
    src, nt = g.source, len(g.tensors)
    check_sizes(src, g.tensors, len(g.nodes))
    check_name(src, g.name, "model")
    for what, items in (("tensor", g.tensors), ("node", g.nodes), ("subgraph", g.subgraphs)):
        for i, x in enumerate(items):
            check_name(src, x.name, f"{what} {i}")

    def idx_ok(i: int, what: str) -> None:
        if not 0 <= i < nt:
            raise ModelFileError(f"{src}: {what} refers to tensor {i}, but the model has {nt} tensors")

    for i, t in enumerate(g.tensors):
        # -1 marks a dynamic dimension (the converter writes it; `check` refuses it)
        if any(d < -1 for d in t.shape) or (t.data is not None and any(d < 0 for d in t.shape)):
            raise ModelFileError(f"{src}: tensor '{t.name}' (index {i}) has a negative dimension: "
                                 f"shape {list(t.shape)}")
        if t.data is not None and t.compress_type == "NONE" and len(t.data) != t.nbytes:
            raise ModelFileError(f"{src}: tensor '{t.name}' (index {i}): data is {len(t.data)} bytes but "
                                 f"{t.dtype.short} shape {list(t.shape)} needs {t.nbytes}")
    for k, n in enumerate(g.nodes):
        for i in n.inputs:
            idx_ok(i, f"input of {n.op} '{n.name}' (node {k})")
        for i in n.outputs:
            idx_ok(i, f"output of {n.op} '{n.name}' (node {k})")
    for i in g.inputs:
        idx_ok(i, "graph input")
    for i in g.outputs:
        idx_ok(i, "graph output")
    for s in g.subgraphs:
        for i in s.inputs + s.outputs + s.tensors:
            idx_ok(i, f"subgraph '{s.name}'")
        for i in s.nodes:
            if not 0 <= i < len(g.nodes):
                raise ModelFileError(f"{src}: subgraph '{s.name}' refers to node {i}, "
                                     f"but the model has {len(g.nodes)} nodes")
    written = {}
    for k, n in enumerate(g.nodes):
        for i in n.outputs:
            if i in written:
                raise ModelFileError(f"{src}: tensor '{g.tensors[i].name}' is written by node "
                                     f"{written[i]} and node {k}")
            if g.tensors[i].is_const:
                raise ModelFileError(f"{src}: {n.op} '{n.name}' (node {k}) writes constant tensor "
                                     f"'{g.tensors[i].name}'")
            written[i] = k
