"""Load and prepare an ONNX model for conversion: parse, check the opset, load external
weights, fix input shapes, infer shapes and fold constant subgraphs.

After :func:`prepare` every value the converters see has a static shape, and every node
whose inputs are all constants (``Constant``, ``Shape`` of a known shape, and chains such as
Shape -> Gather -> Concat -> Reshape-shape) has been evaluated and removed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import ModelFileError, UnsupportedOpError

#: default-domain opsets this importer maps (the official converter's range)
OPSETS = range(11, 22)
#: ops never folded even with constant inputs (their result is the point of the graph, or random)
_NO_FOLD = frozenset({"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial",
                      "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear"})
#: a node whose folded result would exceed this many elements stays a node
_FOLD_LIMIT = 1 << 24


@dataclass
class Prepared:
    """A model ready for conversion."""

    model: object                                 # onnx.ModelProto (constants folded out of the graph)
    consts: dict[str, np.ndarray]                 # initializers + folded values, ONNX layout
    shapes: dict[str, tuple[int, ...]]            # every other value's static shape
    elem_types: dict[str, int]                    # value name -> TensorProto element type
    opset: int


def parse(data: bytes, source: str):
    """``data`` as an onnx.ModelProto with a graph, or ModelFileError naming ``source``."""
    import onnx
    m = onnx.ModelProto()
    try:
        m.ParseFromString(data)
    except Exception as e:  # noqa: BLE001 - any protobuf failure means a corrupt file
        raise ModelFileError(f"{source}: not a valid ONNX model: protobuf decoding failed "
                             f"({type(e).__name__})") from None
    if not m.HasField("graph"):
        raise ModelFileError(f"{source}: not a valid ONNX model: the ModelProto has no graph")
    return m


def opset_of(model, source: str) -> int:
    """The default-domain opset; UnsupportedOpError if it is outside :data:`OPSETS`."""
    version = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
    if version is None:
        raise UnsupportedOpError(f"{source}: the model imports no default-domain (ai.onnx) opset")
    if version not in OPSETS:
        raise UnsupportedOpError(f"{source}: the model uses ONNX opset {version}; supported opsets are "
                                 f"{OPSETS.start}-{OPSETS.stop - 1}",
                                 hint="re-export the model with an opset in that range "
                                      "(e.g. onnx.version_converter.convert_version)")
    return version


def load_external(model, source: str, base_dir: Path | None) -> None:
    """Load the initializers stored in external files (next to the model, inside ``base_dir``)."""
    from onnx import external_data_helper as ext
    tensors = [t for t in ext._get_all_tensors(model) if ext.uses_external_data(t)]
    if not tensors:
        return
    if base_dir is None:
        raise ModelFileError(f"{source}: the model keeps weights in external files "
                             f"(e.g. '{tensors[0].name}'); load it from a path so they can be found")
    base = Path(base_dir).resolve()
    for t in tensors:
        loc = ext.ExternalDataInfo(t).location
        target = (base / loc).resolve()
        if base not in target.parents or not target.is_file():
            raise ModelFileError(f"{source}: external data '{loc}' of initializer '{t.name}' is not a file "
                                 f"inside {base}")
    try:
        ext.load_external_data_for_model(model, str(base))
    except Exception as e:  # noqa: BLE001 - unreadable/short external file
        raise ModelFileError(f"{source}: cannot load external data: {type(e).__name__}: {e}"[:300]) from None


def _static_dims(vi) -> tuple[int, ...] | None:
    t = vi.type.tensor_type
    if not t.HasField("shape"):
        return None
    dims = []
    for d in t.shape.dim:
        if not d.HasField("dim_value") or d.dim_value < 0:
            return None
        dims.append(int(d.dim_value))
    return tuple(dims)


def set_input_shapes(model, source: str, input_shapes: dict[str, tuple[int, ...]] | None) -> None:
    """Give every graph input a static shape: from ``input_shapes`` or the model; refuse a
    symbolic/unknown dimension naming the input."""
    inits = {t.name for t in model.graph.initializer}
    given = dict(input_shapes or {})
    names = [vi.name for vi in model.graph.input if vi.name not in inits]
    for unknown in sorted(set(given) - set(names)):
        raise UnsupportedOpError(f"{source}: input shape given for '{unknown}', but the model's inputs are "
                                 f"{', '.join(names)}")
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        if vi.name in given:
            shape = tuple(int(d) for d in given[vi.name])
            if tt.HasField("shape") and len(tt.shape.dim) not in (0, len(shape)) and len(tt.shape.dim):
                raise UnsupportedOpError(f"{source}: input '{vi.name}' has rank {len(tt.shape.dim)}, "
                                         f"the given shape {list(shape)} has rank {len(shape)}")
            tt.shape.Clear()
            for d in shape:
                tt.shape.dim.add().dim_value = d
        elif _static_dims(vi) is None:
            dims = ["?" if not d.HasField("dim_value") else str(d.dim_value) for d in tt.shape.dim]
            what = f"[{', '.join(d.dim_param or dims[i] for i, d in enumerate(tt.shape.dim))}]" \
                if tt.HasField("shape") else "no shape"
            raise UnsupportedOpError(f"{source}: input '{vi.name}' has a dynamic shape ({what}); "
                                     f"micro_codegen needs static shapes",
                                     hint=f"give it one, e.g. --input-shape {vi.name}:1,3,224,224")


def _infer(model, source: str):
    import onnx
    try:
        return onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    except Exception as e:  # noqa: BLE001 - inconsistent model
        raise ModelFileError(f"{source}: ONNX shape inference failed: {type(e).__name__}: "
                             f"{str(e).splitlines()[0] if str(e) else ''}"[:300]) from None


def _eval_node(node, consts: dict[str, np.ndarray], opset: int) -> list[np.ndarray]:
    """Evaluate one node on constant inputs with the ONNX reference implementation."""
    from onnx import helper
    from onnx.reference import ReferenceEvaluator
    ins = [n for n in node.input if n]
    g = helper.make_graph([node], "fold",
                          [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(consts[n].dtype),
                                                         consts[n].shape) for n in ins],
                          [helper.make_tensor_value_info(o, 0, None) for o in node.output if o])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    return ReferenceEvaluator(m).run(None, {n: consts[n] for n in ins})


def fold_constants(model, opset: int) -> tuple[dict[str, np.ndarray], bool]:
    """Replace constant-only nodes (and ``Shape``/``Size`` of static shapes) by constants.

    Returns the constants (initializers included) and whether anything was folded.
    The model's node list is rewritten in place."""
    from onnx import numpy_helper
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    shapes = {vi.name: _static_dims(vi) for vi in list(g.input) + list(g.value_info) + list(g.output)}
    outputs = {o.name for o in g.output}
    keep, folded = [], False
    for node in g.node:
        if node.domain not in ("", "ai.onnx") or node.op_type in _NO_FOLD or any(o in outputs for o in node.output):
            keep.append(node)
            continue
        result = None
        src = node.input[0] if node.input else ""
        if node.op_type in ("Shape", "Size") and src not in consts and shapes.get(src) is not None:
            s = np.array(shapes[src], np.int64)
            if node.op_type == "Size":
                result = [np.array(int(np.prod(s)), np.int64)]
            else:
                start = next((a.i for a in node.attribute if a.name == "start"), 0)
                end = next((a.i for a in node.attribute if a.name == "end"), len(s))
                result = [s[start:end]]
        elif node.op_type == "Constant" or (node.input and all(n == "" or n in consts for n in node.input)):
            try:
                result = _eval_node(node, consts, opset)
            except Exception:  # noqa: BLE001 - the ONNX reference cannot evaluate it: keep the node
                result = None
        if result is None or any(np.asarray(r).size > _FOLD_LIMIT for r in result):
            keep.append(node)
            continue
        for name, value in zip([o for o in node.output if o], result):
            consts[name] = np.asarray(value)
        folded = True
    del g.node[:]
    g.node.extend(keep)
    return consts, folded


def _sync_initializers(model, consts: dict[str, np.ndarray]) -> None:
    """Make the graph's initializers exactly ``consts`` that are still read (for shape inference)."""
    from onnx import numpy_helper
    g = model.graph
    used = {n for node in g.node for n in node.input} | {o.name for o in g.output}
    del g.initializer[:]
    for name in sorted(used & set(consts)):
        g.initializer.append(numpy_helper.from_array(np.asarray(consts[name]), name))


def check_initializers(model, source: str) -> None:
    """ModelFileError naming the first initializer whose data does not decode (size or type)."""
    from onnx import numpy_helper
    for t in model.graph.initializer:
        try:
            numpy_helper.to_array(t)
        except Exception as e:  # noqa: BLE001 - any decoding failure means a corrupt tensor
            raise ModelFileError(f"{source}: initializer '{t.name}' does not decode: "
                                 f"{type(e).__name__}: {e}"[:300]) from None


def prepare(model, source: str, input_shapes: dict | None = None) -> Prepared:
    """Shape inference + constant folding to a fixed point (see the module docstring)."""
    opset = opset_of(model, source)
    check_initializers(model, source)
    set_input_shapes(model, source, input_shapes)
    for _ in range(16):
        model = _infer(model, source)
        consts, folded = fold_constants(model, opset)
        _sync_initializers(model, consts)
        if not folded:
            break
    model = _infer(model, source)
    g = model.graph
    shapes, elem_types = {}, {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        elem_types[vi.name] = vi.type.tensor_type.elem_type
        dims = _static_dims(vi)
        if dims is not None:
            shapes[vi.name] = dims
    for name in consts:
        shapes.pop(name, None)
    return Prepared(model=model, consts=consts, shapes=shapes, elem_types=elem_types, opset=opset)


def merge_folded(prep: Prepared, model) -> Prepared:
    """``prep`` after QDQ folding rewrote its model: the new initializers join the constants,
    and names the folded graph introduces take their shape/type from its value_info (the
    shapes inferred on the float graph stay: folding does not change them)."""
    from onnx import numpy_helper
    g = model.graph
    consts = dict(prep.consts)
    consts.update({t.name: numpy_helper.to_array(t) for t in g.initializer})
    shapes, elem_types = dict(prep.shapes), dict(prep.elem_types)
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        elem_types[vi.name] = vi.type.tensor_type.elem_type or elem_types.get(vi.name, 0)
        dims = _static_dims(vi)
        if vi.name not in shapes and vi.name not in consts and dims is not None:
            shapes[vi.name] = dims
    return Prepared(model=model, consts=consts, shapes=shapes, elem_types=elem_types, opset=prep.opset)
