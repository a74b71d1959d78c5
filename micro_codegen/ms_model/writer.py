"""Write an :class:`ir.Graph` as a MindSpore Lite ``.ms`` flatbuffer (``MSL2``).

Used by tests to build small models of any op; ``read_bytes(write_bytes(g)) == g``.
"""
from __future__ import annotations

from pathlib import Path

import flatbuffers
import numpy as np

from ..ir import Graph, Tensor
from . import primitives as prim
from .reader import _COMPRESS, _FORMATS, _QUANT_TYPES, FILE_IDENTIFIER
from .schema.CNode import CNodeT
from .schema.MetaGraph import MetaGraphT
from .schema.Primitive import PrimitiveT
from .schema.QuantParam import QuantParamT
from .schema.SubGraph import SubGraphT
from .schema.Tensor import TensorT

DEFAULT_VERSION = "MindSpore Lite 2.0.0"
_FORMAT_IDS = {v: k for k, v in _FORMATS.items()}
_COMPRESS_IDS = {v: k for k, v in _COMPRESS.items()}
_QUANT_TYPE_IDS = {v: k for k, v in _QUANT_TYPES.items()}


def _tensor(t: Tensor) -> TensorT:
    out = TensorT()
    out.nodeType = t.node_type
    out.dataType = t.dtype.value
    out.dims = list(t.shape)
    out.format = _FORMAT_IDS.get(t.format, 0) if isinstance(t.format, str) else int(t.format)
    out.data = np.frombuffer(t.data, dtype=np.uint8) if t.data is not None else None
    quant = []
    for q in t.quant:
        qp = QuantParamT()
        qp.scale, qp.zeroPoint, qp.min, qp.max = q.scale, q.zero_point, q.min, q.max
        qp.narrowRange, qp.numBits, qp.inited = q.narrow_range, q.num_bits, q.inited
        qp.varCorr, qp.meanCorr, qp.dstDtype = q.var_corr, q.mean_corr, q.dst_dtype
        qp.roundType, qp.multiplier = q.round_type, q.multiplier
        quant.append(qp)
    out.quantParams = quant
    out.quantClusters = np.array(t.quant_clusters, dtype=np.float32) if t.quant_clusters else None
    out.name = t.name
    out.weightQuantCompressType = _COMPRESS_IDS.get(t.compress_type, 0)
    return out


def to_object(g: Graph) -> MetaGraphT:
    mg = MetaGraphT()
    mg.name = g.name
    mg.version = g.version or DEFAULT_VERSION
    mg.fmkType = g.fmk_type
    mg.inputIndex = list(g.inputs)
    mg.outputIndex = list(g.outputs)
    mg.allTensors = [_tensor(t) for t in g.tensors]
    mg.nodes = []
    for n in g.nodes:
        cn = CNodeT()
        cn.name = n.name
        cn.inputIndex = list(n.inputs)
        cn.outputIndex = list(n.outputs)
        cn.quantType = _QUANT_TYPE_IDS.get(n.quant_type, 0)
        p = PrimitiveT()
        if n.known:
            p.valueType = prim.PRIMITIVE_IDS[n.op]
            p.value = prim.table_from_attrs(n.op, dict(n.attrs))
        else:  # opaque node: keep its type number, its table is not known to us
            p.valueType = int(n.op.split("#", 1)[1])
        cn.primitive = p
        mg.nodes.append(cn)
    subgraphs = g.subgraphs or (None,)
    mg.subGraph = []
    for s in subgraphs:
        sg = SubGraphT()
        if s is None:  # a graph built in code: one main subgraph over everything
            sg.name = "subgraph_0_main"
            sg.inputIndices, sg.outputIndices = list(g.inputs), list(g.outputs)
            sg.nodeIndices = list(range(len(g.nodes)))
            sg.tensorIndices = list(range(len(g.tensors)))
        else:
            sg.name = s.name
            sg.inputIndices, sg.outputIndices = list(s.inputs), list(s.outputs)
            sg.nodeIndices, sg.tensorIndices = list(s.nodes), list(s.tensors)
        mg.subGraph.append(sg)
    return mg


def write_bytes(g: Graph) -> bytes:
    builder = flatbuffers.Builder(1024)
    root = to_object(g).Pack(builder)
    builder.Finish(root, file_identifier=FILE_IDENTIFIER)
    return bytes(builder.Output())


def write_model(g: Graph, path: str | Path) -> None:
    Path(path).write_bytes(write_bytes(g))
