"""StridedSlice and SliceFusion.

StridedSlice, TensorFlow form (inputs ``x, begin, end[, strides]``): the slice spec has
one entry per element of ``begin``; bit ``i`` of the masks refers to entry ``i``:

* ``ellipsis_mask``: the entry stands for as many full dimensions as needed;
* ``new_axis_mask``: the entry inserts a dimension of 1 (consumes no input dimension);
* ``shrink_axis_mask``: take the single index ``begin[i]`` and drop the dimension;
* ``begin_mask`` / ``end_mask``: ignore ``begin[i]`` / ``end[i]`` (start / stop at the
  edge the stride walks from / to).

Dimensions the spec does not reach are taken whole. Indices follow numpy (= TensorFlow)
rules: a negative index counts from the end; then start and stop are clamped to
``[0, dim]`` for a positive stride and to ``[-1, dim - 1]`` for a negative one (so a
too-negative start with a negative stride selects nothing). A stride of 0 is an error.
(:func:`micro_codegen.numerics.strided_slice_index`.)

StridedSlice, ONNX form (five inputs ``x, starts, ends, axes, steps``, as the MindSpore
converter writes an ONNX Slice): entry ``i`` slices dimension ``axes[i]`` (negative axes
count from the end); other dimensions are taken whole; the masks, if any, refer to
dimensions (:func:`micro_codegen.numerics.onnx_slice_spec`).

SliceFusion (inputs ``x, begin, size``; attribute ``axes``, default all dimensions in
order): ``x[begin : begin + size]`` along each listed axis; ``size = -1`` means "to the
end" (:func:`micro_codegen.numerics.slice_fusion_index`).

All dtypes; quantized data is moved unchanged.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .registry import OpContext, kernel

MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def _vec(ctx: OpContext, i: int) -> list[int]:
    return [int(v) for v in np.asarray(ctx.inputs[i]).reshape(-1)]


def strided_slice_index(ctx: OpContext, shape: tuple) -> tuple:
    """The numpy index of a StridedSlice node (TensorFlow or ONNX form) on an input of ``shape``."""
    masks = {k: int(ctx.attr(k, 0) or 0) for k in MASKS}
    n = len(ctx.inputs)
    if n < 3:
        raise ctx.unsupported("StridedSlice needs begin and end inputs")
    begin, end = _vec(ctx, 1), _vec(ctx, 2)
    if n == 5:                     # ONNX form: x, starts, ends, axes, steps
        if masks["ellipsis_mask"] or masks["new_axis_mask"]:
            raise ctx.unsupported("StridedSlice with an axes input and ellipsis/new-axis masks")
        begin, end, strides = numerics.onnx_slice_spec(shape, begin, end, _vec(ctx, 3), _vec(ctx, 4))
    elif n == 4:
        strides = _vec(ctx, 3)
    elif n == 3:
        strides = [1] * len(begin)
    else:
        raise ctx.unsupported(f"StridedSlice with {n} inputs")
    return numerics.strided_slice_index(shape, begin, end, strides, masks)


@kernel("StridedSlice")
def strided_slice(ctx: OpContext):
    # numerics raises UnsupportedOpError with the bare reason; the interpreter adds the label
    idx = strided_slice_index(ctx, ctx.inputs[0].shape)
    return [np.ascontiguousarray(ctx.inputs[0][idx]).astype(ctx.out_tensors[0].dtype.np)]


@kernel("SliceFusion")
def slice_fusion(ctx: OpContext):
    idx = numerics.slice_fusion_index(ctx.inputs[0].shape, _vec(ctx, 1), _vec(ctx, 2), ctx.attr("axes"))
    return [np.ascontiguousarray(ctx.inputs[0][idx]).astype(ctx.out_tensors[0].dtype.np)]
