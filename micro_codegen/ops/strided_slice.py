"""StridedSlice (TensorFlow form with the five masks, or ONNX form with axes and steps) and
SliceFusion (begin, size, ``axes``), any dtype -> ``base/strided_slice_base.h``: a strided
copy from the first selected element with one signed element stride per output dim (dims
walked contiguously are merged; at most 6 remain). The slice is derived as
``reference/strided_slice.py`` derives it (:mod:`micro_codegen.numerics`), then read off a
numpy view (:func:`micro_codegen.numerics.strided_view`)."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import OpPlan
from ..errors import UnsupportedOpError
from ..ir import Graph
from ._common import NNACL_MAX_DIMS, UNARY_ARGS, array_fields, coalesce, family
from ._rules import inputs, one_output, refusal
from .transpose import kept_quant, movable_dtype

MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def _vec(g: Graph, i: int, k: int) -> list[int]:
    return [int(v) for v in np.asarray(g.tensors[g.nodes[i].inputs[k]].array).reshape(-1)]


def index(g: Graph, i: int) -> tuple:
    """The numpy index of the node on its data input (UnsupportedOpError when the spec does
    not fit; needs :func:`constant_spec`)."""
    node = g.nodes[i]
    shape = g.tensors[node.inputs[0]].shape
    if node.op == "SliceFusion":
        return numerics.slice_fusion_index(shape, _vec(g, i, 1), _vec(g, i, 2), node.attr("axes"))
    masks = {k: int(node.attr(k, 0) or 0) for k in MASKS}
    begin, end = _vec(g, i, 1), _vec(g, i, 2)
    n = len(node.inputs)
    if n == 5:
        if masks["ellipsis_mask"] or masks["new_axis_mask"]:
            raise UnsupportedOpError("StridedSlice with an axes input and ellipsis/new-axis masks")
        begin, end, strides = numerics.onnx_slice_spec(shape, begin, end, _vec(g, i, 3), _vec(g, i, 4))
    else:
        strides = _vec(g, i, 3) if n == 4 else [1] * len(begin)
    return numerics.strided_slice_index(shape, begin, end, strides, masks)


def geometry(g: Graph, i: int):
    """(sliced shape, element offset, merged output shape, merged input strides)."""
    shape, offset, strides = numerics.strided_view(g.tensors[g.nodes[i].inputs[0]].shape, index(g, i))
    shp, (st,) = coalesce(shape, [strides])
    return shape, offset, shp, st


# ---------------------------------------------------------------- rules

def constant_spec(g: Graph, i: int) -> str | None:
    """The slice spec inputs (begin, end[, strides] / starts, ends, axes, steps / begin, size)
    are constant."""
    for k in g.nodes[i].inputs[1:]:
        t = g.tensors[k]
        if not t.is_const:
            return f"slice spec input '{t.name}' must be a constant; got an activation"
    return None


def slice_spec(g: Graph, i: int) -> str | None:
    """The spec fits the input: matching lengths, axes in range, non-zero strides, at most one
    ellipsis, shrink indices and SliceFusion ranges inside their dims."""
    return refusal(lambda: index(g, i))


def sliced_output(g: Graph, i: int) -> str | None:
    """The output has the sliced shape; at most 6 dims remain once the dims walked
    contiguously are merged."""
    y = g.tensors[g.nodes[i].outputs[0]]
    shape, _, shp, _ = geometry(g, i)
    if list(y.shape) != shape:
        return f"output shape must be the sliced {shape}; got {list(y.shape)}"
    if len(shp) > NNACL_MAX_DIMS:
        return f"slice over {len(shp)} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


RULES = {"StridedSlice": (one_output, inputs("x, begin, end[, strides] or x, starts, ends, axes, steps", 3, 5),
                          movable_dtype, constant_spec, slice_spec, sliced_output, kept_quant),
         "SliceFusion": (one_output, inputs("x, begin, size", 3, 3), movable_dtype, constant_spec, slice_spec,
                         sliced_output, kept_quant)}


def _plan(g: Graph, i: int) -> OpPlan:
    x = g.tensors[g.nodes[i].inputs[0]]
    _, offset, shp, st = geometry(g, i)
    params = dict(ndim=len(shp), elem_size=x.dtype.itemsize, offset=offset, **array_fields("out_shape", shp),
                  **array_fields("in_strides", st))
    contiguous = len(shp) == 1 and (int(shp[0]) == 1 or int(st[0]) == 1)   # one run of consecutive elements
    return OpPlan(kernel_sources=("base/strided_slice_base.c",), header="base/strided_slice_base.h",
                  param_type="strided_slice_param_t", params=params, kernel="strided_slice_base", args=UNARY_ARGS,
                  view_offsets=(int(offset) * x.dtype.itemsize,) if contiguous else ())


family(("StridedSlice", "SliceFusion"), _plan, RULES)
