"""ONNX importer: an ``.onnx`` model -> the IR the official MindSpore Lite converter would write
(``--fmk ONNX``; ``--input-format NCHW`` for image inputs).

Steps: parse (:mod:`.model`), load external weights from ``base_dir``, shape inference and
constant folding (:mod:`.model`; Quantize/DequantizeLinear are never folded), fold the QDQ
wrappers (:mod:`.qdq`, on the shape-inferred float graph), one converter per ONNX
node (:mod:`.context` registry, filled by :mod:`.nn`, :mod:`.shape_ops`, :mod:`.elementwise`,
:mod:`.tensor_ops`), then the IR fusions the converter applies (:mod:`.fuse`).

Layout: the body runs NHWC where layout-sensitive ops need it; graph inputs and outputs keep
their ONNX shapes (``input_layout="nchw"``, the default) or, with ``input_layout="nhwc"``, every
4-D graph input and output is NHWC (no edge transposes).
"""
from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

from ...errors import ModelFileError, UnsupportedOpError
from ...ir import Graph, SubGraph
from ...ms_model.reader import validate
from .context import CONVERTERS, NHWC, ONNX, ONNX_DTYPES, Context, Value, permute
from .model import load_external, merge_folded, parse, prepare

#: fmk_type of models converted from ONNX (MindSpore FmkType)
FMK_ONNX = 2
VERSION = "MindSpore Lite 2.0.0"
INPUT_LAYOUTS = ("nchw", "nhwc")
_CONVERTER_MODULES = ("nn", "shape_ops", "elementwise", "tensor_ops")


def _load_converters() -> None:
    """Import the converter modules (each registers its converters); missing ones are skipped."""
    for mod in _CONVERTER_MODULES:
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{mod}":
                raise


def supported_ops() -> frozenset[str]:
    """The ONNX operator types (default domain) the importer has a converter for."""
    _load_converters()
    return frozenset(CONVERTERS)


def _check_input_type(name: str, elem_type: int | None, source: str) -> None:
    """UnsupportedOpError naming graph input ``name`` when its element type has no IR dtype."""
    if elem_type not in ONNX_DTYPES:
        from onnx import TensorProto
        what = TensorProto.DataType.Name(elem_type) if elem_type in TensorProto.DataType.values() else elem_type
        raise UnsupportedOpError(f"{source}: graph input '{name}' has ONNX element type {what}, which has no "
                                 f"IR dtype")


def _fold_qdq(model):
    """``qdq.fold_qdq(model)`` -> (model, {name: QInfo}); no QDQ folding if it is not available."""
    try:
        from .qdq import fold_qdq
    except ImportError:
        return model, {}
    return fold_qdq(model)


def read_onnx(data: bytes, source: str = "<bytes>", base_dir: Path | None = None, *,
              input_layout: str = "nchw", input_shapes: dict[str, tuple[int, ...]] | None = None) -> Graph:
    """Convert ONNX model bytes into an IR graph.

    ``input_layout``: ``"nchw"`` keeps 4-D graph inputs/outputs in their ONNX shape (Transposes
    at the edges); ``"nhwc"`` makes them NHWC. ``input_shapes``: static shapes for inputs whose
    ONNX shape is dynamic. Raises ModelFileError (corrupt file, missing external data) or
    UnsupportedOpError naming the node and the rule."""
    if input_layout not in INPUT_LAYOUTS:
        raise ValueError(f"input_layout must be one of {INPUT_LAYOUTS}, got {input_layout!r}")
    _load_converters()
    model = parse(data, source)
    load_external(model, source, base_dir)
    for i, node in enumerate(model.graph.node):   # stable names for messages (index = original node)
        if not node.name:
            node.name = f"{node.op_type}_{i}"
    index = {}
    for i, node in enumerate(model.graph.node):
        index.setdefault(node.name, i)
    prep = prepare(model, source, input_shapes)     # shapes of the float (QDQ) graph
    folded, qinfo = _fold_qdq(prep.model)
    prep = merge_folded(prep, folded)
    g = prep.model.graph
    ctx = Context(g, qinfo, shapes=prep.shapes, elem_types=prep.elem_types, consts=prep.consts,
                  opset=prep.opset)
    inputs = []
    for vi in g.input:
        if vi.name in prep.consts:
            continue
        _check_input_type(vi.name, prep.elem_types.get(vi.name), source)
        rank = len(prep.shapes[vi.name])
        layout = NHWC if input_layout == "nhwc" and rank == 4 else ONNX
        dtype = ctx.dtype(vi.name)
        t = ctx.new_tensor(vi.name, dtype, permute(prep.shapes[vi.name], layout),
                           quant=ctx.quant_of(vi.name, dtype),
                           fmt="NCHW" if layout == ONNX and rank == 4 else "NHWC")
        ctx.values[vi.name] = Value(t, layout)
        inputs.append(t)
    for node in g.node:
        ctx.node, ctx.index = node, index.get(node.name, -1)
        fn = CONVERTERS.get(node.op_type) if node.domain in ("", "ai.onnx") else None
        if fn is None:
            domain = f" (domain '{node.domain}')" if node.domain not in ("", "ai.onnx") else ""
            raise ctx.unsupported(f"ONNX operator {node.op_type}{domain} is not supported by the ONNX importer")
        try:
            fn(ctx)
        except (ValueError, TypeError, IndexError, KeyError) as e:   # a node no rule foresaw
            raise ctx.unsupported(f"cannot be converted ({type(e).__name__}: {e})"[:300]) from e
    outputs = [_graph_output(ctx, vi.name, input_layout, source) for vi in g.output]
    from .fuse import finish
    graph = finish(Graph(name="", tensors=tuple(ctx.tensors), nodes=tuple(ctx.nodes), inputs=tuple(inputs),
                         outputs=tuple(outputs), version=VERSION, fmk_type=FMK_ONNX, source=source))
    graph = dataclasses.replace(graph, subgraphs=(SubGraph(
        "subgraph_0_main", graph.inputs, graph.outputs, tuple(range(len(graph.nodes))),
        tuple(range(len(graph.tensors)))),))
    validate(graph)
    return graph


def _graph_output(ctx: Context, name: str, input_layout: str, source: str) -> int:
    """The IR tensor of graph output ``name`` in the graph I/O layout, named ``name``."""
    if ctx.is_const(name):
        raise UnsupportedOpError(f"{source}: graph output '{name}' is a constant; micro_codegen needs "
                                 f"outputs computed by nodes")
    if name not in ctx.values:
        raise ModelFileError(f"{source}: graph output '{name}' is not produced by any node")
    want = NHWC if input_layout == "nhwc" and ctx.rank(name) == 4 else ONNX
    held = ctx.values[name]
    t = ctx.tensor(name, want)
    if t != held.tensor and ctx.tensors[t].name != name:   # a Transpose was added: it takes the ONNX name
        old = ctx.tensors[held.tensor]
        ctx.tensors[held.tensor] = dataclasses.replace(old, name=ctx.unique(f"{old.name}_{held.layout}"))
        ctx.tensors[t] = dataclasses.replace(ctx.tensors[t], name=old.name)
    return t
