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

StridedSlice, ONNX form (five inputs ``x, starts, ends, axes, steps``, as the MindSpore
converter writes an ONNX Slice): entry ``i`` slices dimension ``axes[i]`` (negative axes
count from the end); other dimensions are taken whole; the masks, if any, refer to
dimensions.

SliceFusion (inputs ``x, begin, size``; attribute ``axes``, default all dimensions in
order): ``x[begin : begin + size]`` along each listed axis; ``size = -1`` means "to the
end".

All dtypes; quantized data is moved unchanged.
"""
from __future__ import annotations

import numpy as np

from .registry import OpContext, kernel


def _vec(ctx: OpContext, i: int) -> list[int]:
    return [int(v) for v in np.asarray(ctx.inputs[i]).reshape(-1)]


def _bit(mask: int, i: int) -> bool:
    return bool((mask >> i) & 1)


def tf_index(ctx: OpContext, shape: tuple, begin, end, strides, masks: dict) -> tuple:
    """The numpy index tuple of a TensorFlow-style strided slice spec."""
    n = len(begin)
    if not (len(end) == n and len(strides) == n):
        raise ctx.unsupported(f"StridedSlice begin/end/strides lengths differ: {len(begin)}, {len(end)}, "
                              f"{len(strides)}")
    ell = masks["ellipsis_mask"]
    # dimensions consumed by the entries before / after the ellipsis, to resolve shrink indices
    idx: list = []
    seen_ellipsis = False
    in_dim = 0
    consumed_after = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        real = not (_bit(ell, i) or _bit(masks["new_axis_mask"], i))
        consumed_after[i] = consumed_after[i + 1] + (1 if real else 0)
    for i in range(n):
        if _bit(ell, i):
            if seen_ellipsis:
                raise ctx.unsupported("StridedSlice with more than one ellipsis")
            seen_ellipsis = True
            idx.append(Ellipsis)
            in_dim = len(shape) - consumed_after[i + 1]
            continue
        if _bit(masks["new_axis_mask"], i):
            idx.append(None)
            continue
        if in_dim >= len(shape):
            raise ctx.unsupported(f"StridedSlice spec has more entries than the input has dimensions {list(shape)}")
        dim = shape[in_dim]
        s = strides[i]
        if s == 0:
            raise ctx.unsupported("StridedSlice with a zero stride")
        if _bit(masks["shrink_axis_mask"], i):
            b = 0 if _bit(masks["begin_mask"], i) else begin[i]
            b = b + dim if b < 0 else b
            if not 0 <= b < dim:
                raise ctx.unsupported(f"StridedSlice shrink index {begin[i]} out of range for dimension {dim}")
            idx.append(b)
        else:
            idx.append(slice(None if _bit(masks["begin_mask"], i) else begin[i],
                             None if _bit(masks["end_mask"], i) else end[i], s))
        in_dim += 1
    return tuple(idx)


@kernel("StridedSlice")
def strided_slice(ctx: OpContext):
    x = ctx.inputs[0]
    masks = {k: int(ctx.attr(k, 0) or 0) for k in
             ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")}
    if len(ctx.inputs) < 3:
        raise ctx.unsupported("StridedSlice needs begin and end inputs")
    begin, end = _vec(ctx, 1), _vec(ctx, 2)
    if len(ctx.inputs) == 5:                     # ONNX form: x, starts, ends, axes, steps
        axes, steps = _vec(ctx, 3), _vec(ctx, 4)
        if masks["ellipsis_mask"] or masks["new_axis_mask"]:
            raise ctx.unsupported("StridedSlice with an axes input and ellipsis/new-axis masks")
        if not len(begin) == len(end) == len(axes) == len(steps):
            raise ctx.unsupported("StridedSlice starts/ends/axes/steps lengths differ")
        full_b, full_e, full_s = [0] * x.ndim, list(x.shape), [1] * x.ndim
        for b, e, a, s in zip(begin, end, axes, steps):
            a = a + x.ndim if a < 0 else a
            if not 0 <= a < x.ndim:
                raise ctx.unsupported(f"StridedSlice axis {a} out of range for rank {x.ndim}")
            full_b[a], full_e[a], full_s[a] = b, e, s
        begin, end, strides = full_b, full_e, full_s
    elif len(ctx.inputs) == 4:
        strides = _vec(ctx, 3)
    elif len(ctx.inputs) == 3:
        strides = [1] * len(begin)
    else:
        raise ctx.unsupported(f"StridedSlice with {len(ctx.inputs)} inputs")
    y = x[tf_index(ctx, x.shape, begin, end, strides, masks)]
    return [np.ascontiguousarray(y).astype(ctx.out_tensors[0].dtype.np)]


@kernel("SliceFusion")
def slice_fusion(ctx: OpContext):
    x = ctx.inputs[0]
    begin, size = _vec(ctx, 1), _vec(ctx, 2)
    axes = ctx.attr("axes")
    axes = list(range(len(begin))) if not axes else [int(a) for a in axes]
    if not len(begin) == len(size) == len(axes):
        raise ctx.unsupported(f"SliceFusion begin/size/axes lengths differ: {len(begin)}, {len(size)}, {len(axes)}")
    idx = [slice(None)] * x.ndim
    for b, s, a in zip(begin, size, axes):
        a = a + x.ndim if a < 0 else a
        if not 0 <= a < x.ndim:
            raise ctx.unsupported(f"SliceFusion axis {a} out of range for rank {x.ndim}")
        dim = x.shape[a]
        b = b + dim if b < 0 else b
        e = dim if s == -1 else b + s
        if not (0 <= b <= dim and b <= e <= dim):
            raise ctx.unsupported(f"SliceFusion begin {b} size {s} out of range for dimension {dim}")
        idx[a] = slice(b, e)
    return [np.ascontiguousarray(x[tuple(idx)]).astype(ctx.out_tensors[0].dtype.np)]
