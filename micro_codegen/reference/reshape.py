"""Shape-only ops: Reshape, Flatten, Squeeze, Unsqueeze, ExpandDims.

The data are unchanged (row-major order, same dtype and quantization); the output shape
is the declared shape of the output tensor. When that shape is unknown (a negative dim)
it is computed from the attributes / shape input, as the op defines it.
"""
from __future__ import annotations

import numpy as np

from .registry import OpContext, kernel


def _declared(ctx: OpContext):
    """The declared output shape, or None when it is unknown (a negative dim, or an empty
    shape — how the converter writes a shape it could not infer — for a non-scalar input)."""
    shape = ctx.out_tensors[0].shape
    if shape and all(d >= 0 for d in shape):
        return tuple(shape)
    if not shape and ctx.inputs[0].size == 1:
        return ()
    return None


def _check_quant(ctx: OpContext):
    xt, yt = ctx.in_tensors[0], ctx.out_tensors[0]
    if xt.dtype != yt.dtype:
        raise ctx.unsupported(f"input {xt.dtype.short} and output {yt.dtype.short} differ")
    if xt.quant and yt.quant and [(q.scale, q.zero_point) for q in xt.quant] != \
            [(q.scale, q.zero_point) for q in yt.quant]:
        raise ctx.unsupported("input and output quantization parameters differ (a reshape cannot requantize)")


def _finish(ctx: OpContext, x: np.ndarray, shape):
    shape = tuple(int(d) for d in shape)
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if size != x.size:
        raise ctx.unsupported(f"cannot reshape {list(x.shape)} to {list(shape)}")
    return [x.reshape(shape)]


@kernel("Reshape")
def reshape(ctx: OpContext):
    _check_quant(ctx)
    x = ctx.inputs[0]
    shape = _declared(ctx)
    if shape is None:
        if len(ctx.inputs) < 2:
            raise ctx.unsupported("output shape unknown and no shape input")
        want = [int(d) for d in np.asarray(ctx.inputs[1]).reshape(-1)]
        want = [x.shape[i] if d == 0 and i < x.ndim else d for i, d in enumerate(want)]
        if want.count(-1) > 1:
            raise ctx.unsupported(f"shape {want} has more than one -1")
        if -1 in want:
            known = int(np.prod([d for d in want if d != -1], dtype=np.int64))
            if known == 0 or x.size % known:
                raise ctx.unsupported(f"cannot infer -1 in shape {want} for {x.size} elements")
            want[want.index(-1)] = x.size // known
        shape = want
    return _finish(ctx, x, shape)


@kernel("Flatten")
def flatten(ctx: OpContext):
    _check_quant(ctx)
    x = ctx.inputs[0]
    shape = _declared(ctx)
    if shape is None:
        axis = int(ctx.attr("axis", 1))
        if axis < 0:
            axis += x.ndim
        if not 0 <= axis <= x.ndim:
            raise ctx.unsupported(f"axis {ctx.attr('axis')} out of range for {x.ndim}-D input")
        shape = (int(np.prod(x.shape[:axis], dtype=np.int64)), int(np.prod(x.shape[axis:], dtype=np.int64)))
    return _finish(ctx, x, shape)


@kernel("Squeeze")
def squeeze(ctx: OpContext):
    _check_quant(ctx)
    x = ctx.inputs[0]
    shape = _declared(ctx)
    if shape is None:
        axes = ctx.attr("axis") or ()
        axes = sorted({a + x.ndim if a < 0 else a for a in axes})
        if any(not 0 <= a < x.ndim or x.shape[a] != 1 for a in axes):
            raise ctx.unsupported(f"cannot squeeze axes {list(ctx.attr('axis'))} of shape {list(x.shape)}")
        shape = [d for i, d in enumerate(x.shape) if (i not in axes if axes else d != 1)]
    return _finish(ctx, x, shape)


@kernel("Unsqueeze", "ExpandDims")
def unsqueeze(ctx: OpContext):
    _check_quant(ctx)
    x = ctx.inputs[0]
    shape = _declared(ctx)
    if shape is None:
        if ctx.node.op == "ExpandDims":
            if len(ctx.inputs) < 2:
                raise ctx.unsupported("ExpandDims needs a constant axis input")
            axes = [int(a) for a in np.asarray(ctx.inputs[1]).reshape(-1)]
        else:
            axes = [int(a) for a in (ctx.attr("axis") or ())]
        nd = x.ndim + len(axes)
        axes = sorted(a + nd if a < 0 else a for a in axes)
        if len(set(axes)) != len(axes) or any(not 0 <= a < nd for a in axes):
            raise ctx.unsupported(f"bad axes {axes} for a {x.ndim}-D input")
        shape = list(x.shape)
        for a in axes:
            shape.insert(a, 1)
    return _finish(ctx, x, shape)
