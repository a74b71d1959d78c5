"""Tensor ONNX operators: reductions, LpNormalization, ArgMax / ArgMin, Hardmax, Gather,
GatherElements, OneHot, Tile, Slice, Split, Expand, ConstantOfShape, Size, Trilu, TopK, CumSum, Range.

The mapping is the official converter's: ``ReduceFusion`` with the mode and a constant int32
axes input, ``StridedSlice`` in its five-input ONNX form, ``Gather`` with the axis as a third
input, ``TileFusion`` / ``BroadcastTo`` / ``TopKFusion`` / ``CumSum`` with their ONNX operands as
int32 const inputs (every int64 constant becomes int32). The ONNX attributes the converter drops
are honoured: ``noop_with_empty_axes``, ArgMax's ``select_last_index`` (a reversed view, then
``n - 1 - i``), TopK's ``largest = 0`` (Neg, TopK, Neg), CumSum's ``exclusive`` / ``reverse``.
Operators without an IR kernel are composed: ReduceLogSum (ReduceSum, Log), ReduceLogSumExp
(Exp, ReduceSum, Log), LpNormalization (ReduceL2 / ReduceASum, Div, and Where for a zero norm),
ConstantOfShape (BroadcastTo of the one-element value), Trilu (Where with a constant triangle mask),
Hardmax (ArgMax, Equal with the index range, Cast), GatherElements (Gather from the flattened input
at computed flat indices), OneHot (Equal with the index range, Where).

Layout: ops whose output keeps the input's rank (keepdims reductions, Slice, Split, Tile,
CumSum, a 4-D Expand) run in the layout the input is held in, with their axes remapped by
:meth:`Context.axis`; the others take the input in ONNX order.
"""
from __future__ import annotations

import numpy as np

from ...ir import DType
from .context import NHWC, ONNX, Context, channels_last, converter

#: ONNX reduction -> ReduceFusion mode
_REDUCE = {"ReduceSum": "ReduceSum", "ReduceMean": "ReduceMean", "ReduceMax": "ReduceMax",
           "ReduceMin": "ReduceMin", "ReduceProd": "ReduceProd", "ReduceL1": "ReduceASum",
           "ReduceL2": "ReduceL2", "ReduceSumSquare": "ReduceSumSquare",
           "ReduceLogSum": "ReduceSum", "ReduceLogSumExp": "ReduceSum"}


#: emit an intermediate IR node into a new tensor (see :meth:`Context.intermediate`)
_node = Context.intermediate


def _wrap_negative(ctx: Context, it: int, dim: int, dtype: DType, shape) -> int:
    """``where(i < 0, i + dim, i)`` of index tensor ``it``."""
    zero, d = (ctx.const_tensor(f"{ctx.name}_{n}", np.array([v], dtype.np)) for n, v in (("zero", 0), ("dim", dim)))
    neg = _node(ctx, "Less", [it, zero], "negative", DType.BOOL, shape)
    return _node(ctx, "Where", [neg, _node(ctx, "AddFusion", [it, d], "plus_dim", dtype, shape), it], "index",
                 dtype, shape)


def _ints(a) -> list[int]:
    return [int(v) for v in np.asarray(a).reshape(-1)]


def _i32(ctx: Context, suffix: str, values) -> int:
    """A new int32 constant IR tensor named after the node."""
    return ctx.const_tensor(f"{ctx.name}_{suffix}", np.asarray(values, dtype=np.int32))


# ---------------------------------------------------------------- reductions

def _reduce_axes(ctx: Context) -> list[int] | None:
    """The ONNX axes of a reduction (None: all), from the attribute or the constant input 1."""
    if ctx.has_input(1):
        axes = _ints(ctx.require_const(1, "axes"))
    else:
        axes = ctx.attr("axes")
        axes = None if axes is None else [int(a) for a in axes]
    return axes or None


def _empty_reduction(ctx: Context) -> None:
    """A reduction of an empty input is its identity (Sum 0, Prod 1, Max the lowest value, Min the
    highest, Mean NaN, the Log ones -inf), broadcast to the output shape."""
    dt = ctx.dtype(ctx.outputs[0]).np
    info = np.finfo(dt) if dt.kind == "f" else np.iinfo(dt) if dt.kind in "iu" else None
    low, high = (-np.inf, np.inf) if dt.kind == "f" else (False, True) if info is None else (info.min, info.max)
    value = {"ReduceProd": 1, "ReduceMax": low, "ReduceMin": high, "ReduceMean": np.nan, "ReduceLogSum": -np.inf,
             "ReduceLogSumExp": -np.inf}.get(ctx.op_type, 0)
    ctx.fill_output(0, np.array([value], dt))


@converter(*_REDUCE)
def reduce(ctx: Context) -> None:
    """``ReduceFusion`` (mode, keep_dims; axes as a constant int32 input, none = all axes).
    Empty axes with ``noop_with_empty_axes = 1`` is a copy; an empty input gives the identity."""
    x, y = ctx.inputs[0], ctx.outputs[0]
    axes = _reduce_axes(ctx)
    keep = bool(ctx.attr("keepdims", 1))
    if axes is None and int(ctx.attr("noop_with_empty_axes", 0)):
        layout = ctx.layout(x)
        ctx.emit("Reshape", [ctx.tensor(x), _i32(ctx, "shape", ctx.ir_shape(x))], layout)
        return
    if 0 in ctx.shape(x):
        _empty_reduction(ctx)
        return
    layout = ctx.layout(x) if keep else ONNX
    src = ctx.tensor(x, layout)
    ir_axes = None if axes is None else sorted({ctx.axis(x, a) if layout == NHWC else a % ctx.rank(x)
                                               for a in axes})
    dt = ctx.dtype(x)
    cur = src
    if ctx.op_type == "ReduceLogSumExp":
        cur = _node(ctx, "ExpFusion", [cur], "exp", dt, ctx.ir_shape(x, layout), base=-1.0, scale=1.0, shift=0.0)
    ins = [cur] + ([] if ir_axes is None else [_i32(ctx, "axes", ir_axes)])
    attrs = dict(mode=_REDUCE[ctx.op_type], keep_dims=keep)
    if ctx.op_type in ("ReduceLogSum", "ReduceLogSumExp"):
        ctx.emit("Log", [_node(ctx, "ReduceFusion", ins, "sum", dt, ctx.ir_shape(y, layout), **attrs)], layout)
    else:
        ctx.emit("ReduceFusion", ins, layout, **attrs)


@converter("LpNormalization")
def lp_normalization(ctx: Context) -> None:
    """``x / norm`` along ``axis`` (default -1; ``p`` 2: L2, 1: sum of absolute values), 0 where the
    norm is 0 (as onnx.reference)."""
    x = ctx.inputs[0]
    p = int(ctx.attr("p", 2))
    if p not in (1, 2):
        raise ctx.unsupported(f"p must be 1 or 2, got {p}")
    layout, dt = ctx.layout(x), ctx.dtype(x)
    src = ctx.tensor(x)
    axis = ctx.axis(x, int(ctx.attr("axis", -1)))
    shape = ctx.ir_shape(x)
    norm_shape = tuple(1 if d == axis else n for d, n in enumerate(shape))
    norm = _node(ctx, "ReduceFusion", [src, _i32(ctx, "axes", [axis])], "norm", dt, norm_shape,
                 mode="ReduceL2" if p == 2 else "ReduceASum", keep_dims=True)
    quot = _node(ctx, "DivFusion", [src, norm], "div", dt, shape)
    zero = ctx.const_tensor(f"{ctx.name}_zero", np.zeros(1, dt.np))
    is_zero = _node(ctx, "Equal", [norm, zero], "zero_norm", DType.BOOL, norm_shape)
    ctx.emit("Where", [is_zero, zero, quot], layout)


@converter("ArgMax", "ArgMin")
def arg_max(ctx: Context) -> None:
    """``ArgMaxFusion`` / ``ArgMinFusion`` (top_k 1, int32 indices). ``select_last_index = 1``:
    the same on the input reversed along the axis, then ``n - 1 - i``."""
    x = ctx.inputs[0]
    keep = bool(ctx.attr("keepdims", 1))
    layout = ctx.layout(x) if keep else ONNX
    axis = ctx.axis(x, int(ctx.attr("axis", 0))) if layout == NHWC else int(ctx.attr("axis", 0)) % ctx.rank(x)
    op = "ArgMaxFusion" if ctx.op_type == "ArgMax" else "ArgMinFusion"
    attrs = dict(axis=axis, top_k=1, keep_dims=keep, out_max_value=False)
    src = ctx.tensor(x, layout)
    if not int(ctx.attr("select_last_index", 0)):
        ctx.emit(op, [src], layout, **attrs)
        return
    shape = ctx.ir_shape(x, layout)
    rev = _node(ctx, "StridedSlice", [src, _i32(ctx, "begin", [-1]), _i32(ctx, "end", [-(1 << 31)]),
                                      _i32(ctx, "axes", [axis]), _i32(ctx, "steps", [-1])],
                "reversed", ctx.dtype(x), shape)
    idx = _node(ctx, op, [rev], "in_reversed", DType.INT32, ctx.ir_shape(ctx.outputs[0], layout), **attrs)
    ctx.emit("SubFusion", [_i32(ctx, "last", [shape[axis] - 1]), idx], layout)


@converter("Hardmax")
def hardmax(ctx: Context) -> None:
    """1 at the first maximum along ``axis`` (default -1), else 0: ArgMax (keep_dims), Equal with
    the index range along the axis, Cast to the input type."""
    x = ctx.inputs[0]
    layout, dt = ctx.layout(x), ctx.dtype(x)
    axis = ctx.axis(x, int(ctx.attr("axis", -1)))
    shape = ctx.ir_shape(x)
    arg = _node(ctx, "ArgMaxFusion", [ctx.tensor(x)], "argmax", DType.INT32,
                tuple(1 if d == axis else n for d, n in enumerate(shape)), axis=axis, top_k=1, keep_dims=True,
                out_max_value=False)
    positions = np.arange(shape[axis], dtype=np.int32).reshape([-1 if d == axis else 1 for d in range(len(shape))])
    hit = _node(ctx, "Equal", [arg, ctx.const_tensor(f"{ctx.name}_positions", positions)], "hit", DType.BOOL, shape)
    ctx.emit("Cast", [hit, _i32(ctx, "to", [dt.value])], layout)


# ---------------------------------------------------------------- gather / slice / split

@converter("Gather")
def gather(ctx: Context) -> None:
    """``Gather(x, indices, axis)`` in ONNX order (negative indices count from the end)."""
    x, idx = ctx.inputs[:2]
    axis = int(ctx.attr("axis", 0))
    if not -ctx.rank(x) <= axis < ctx.rank(x):
        raise ctx.unsupported(f"axis {axis} is out of range for the {ctx.rank(x)}-D input '{x}'")
    ctx.emit("Gather", [ctx.tensor(x, ONNX), ctx.tensor(idx, ONNX), _i32(ctx, "axis", [axis % ctx.rank(x)])])


@converter("GatherElements")
def gather_elements(ctx: Context) -> None:
    """``Gather`` from ``x`` flattened, at ``flat = i * stride[axis] + base`` where ``i`` are the indices
    (negative ones plus the axis size) and ``base`` the flat offset of every other coordinate:
    computed here for constant indices, else with int32 Less / Add / Where / Mul / Add nodes."""
    x, idx = ctx.inputs[:2]
    rank = ctx.rank(x)
    axis = int(ctx.attr("axis", 0))
    if not -rank <= axis < rank:
        raise ctx.unsupported(f"axis {axis} is out of range for the {rank}-D input '{x}'")
    axis %= rank
    xshape, ishape = ctx.shape(x), ctx.shape(idx)
    strides = np.cumprod((1,) + tuple(xshape[:0:-1]))[::-1]
    coords = np.indices(ishape)
    base = sum(coords[d] * strides[d] for d in range(rank) if d != axis).astype(np.int32)
    flat_x = ctx.new_tensor(f"{ctx.outputs[0]}_flat_input", ctx.dtype(x), (int(np.prod(xshape)),))
    ctx.add_node("Reshape", [ctx.tensor(x, ONNX), _i32(ctx, "flat_shape", [int(np.prod(xshape))])], [flat_x],
                 name=f"{ctx.name}_flatten")
    dim, stride_a = int(xshape[axis]), int(strides[axis])
    if ctx.is_const(idx):
        i = np.asarray(ctx.const(idx), np.int64)
        flat = ctx.const_tensor(f"{ctx.name}_flat_indices",
                                (np.where(i < 0, i + dim, i) * stride_a + base).astype(np.int32))
    else:
        it = _wrap_negative(ctx, ctx.tensor(idx, ONNX), dim, DType.INT32, ishape)
        it = _node(ctx, "MulFusion", [it, _i32(ctx, "stride", [stride_a])], "scaled", DType.INT32, ishape)
        flat = _node(ctx, "AddFusion", [it, ctx.const_tensor(f"{ctx.name}_base", base)], "flat_index", DType.INT32,
                     ishape)
    ctx.emit("Gather", [flat_x, flat, _i32(ctx, "axis", [0])])


@converter("OneHot")
def one_hot(ctx: Context) -> None:
    """``where(position == index, on, off)`` along the new ``axis`` (default -1): negative indices
    wrapped, in the indices' own type (fractional float indices match nothing, as in ONNX);
    ``depth`` and ``values`` constant."""
    idx, out = ctx.inputs[0], ctx.outputs[0]
    depth = int(np.asarray(ctx.require_const(1, "depth")).reshape(-1)[0])
    off, on = np.asarray(ctx.require_const(2, "values")).reshape(-1)[:2]
    rank = ctx.rank(out)
    axis = int(ctx.attr("axis", -1))
    if not -rank <= axis < rank:
        raise ctx.unsupported(f"axis {axis} is out of range for the {rank}-D output")
    axis %= rank
    dt, ishape = ctx.dtype(idx), ctx.shape(idx)
    it = _wrap_negative(ctx, ctx.tensor(idx, ONNX), depth, dt, ishape)
    shape1 = ishape[:axis] + (1,) + ishape[axis:]
    it = _node(ctx, "Reshape", [it, _i32(ctx, "shape", shape1)], "unsqueezed", dt, shape1)
    positions = np.arange(depth).astype(dt.np).reshape([-1 if d == axis else 1 for d in range(rank)])
    hit = _node(ctx, "Equal", [it, ctx.const_tensor(f"{ctx.name}_positions", positions)], "hit", DType.BOOL,
                ctx.shape(out))
    values = ctx.dtype(out).np
    ctx.emit("Where", [hit, ctx.const_tensor(f"{ctx.name}_on", np.array([on], values)),
                       ctx.const_tensor(f"{ctx.name}_off", np.array([off], values))])


@converter("Slice")
def slice_(ctx: Context) -> None:
    """``StridedSlice(x, starts, ends, axes, steps)`` (the ONNX form; constant bounds, clamped to
    int32), in the layout ``x`` is held in."""
    x = ctx.inputs[0]
    starts, ends = _ints(ctx.require_const(1, "starts")), _ints(ctx.require_const(2, "ends"))
    axes = _ints(ctx.require_const(3, "axes")) if ctx.has_input(3) else list(range(len(starts)))
    steps = _ints(ctx.require_const(4, "steps")) if ctx.has_input(4) else [1] * len(starts)
    if 0 in steps:
        raise ctx.unsupported("a step of 0 is invalid")
    layout = ctx.layout(x)
    ir_axes = [ctx.axis(x, a) for a in axes]
    lim = np.iinfo(np.int32)
    clamp = lambda v: [int(np.clip(a, lim.min, lim.max)) for a in v]  # noqa: E731
    ctx.emit("StridedSlice", [ctx.tensor(x), _i32(ctx, "starts", clamp(starts)), _i32(ctx, "ends", clamp(ends)),
                              _i32(ctx, "axes", ir_axes), _i32(ctx, "steps", steps)], layout)


@converter("Split")
def split(ctx: Context) -> None:
    """``Split`` (output_num, size_splits = the inferred output sizes, axis) in the layout ``x`` is held in."""
    x = ctx.inputs[0]
    axis = int(ctx.attr("axis", 0))
    layout = ctx.layout(x)
    ir_axis = ctx.axis(x, axis)
    sizes = [ctx.shape(o)[axis % ctx.rank(x)] for o in ctx.outputs]
    ctx.emit("Split", [ctx.tensor(x)], layout, output_num=len(sizes), size_splits=sizes, axis=ir_axis)


# ---------------------------------------------------------------- broadcasting / repetition

@converter("Tile")
def tile(ctx: Context) -> None:
    x = ctx.inputs[0]
    repeats = _ints(ctx.require_const(1, "repeats"))
    layout = ctx.layout(x)
    if layout == NHWC:
        repeats = [repeats[p] for p in channels_last(len(repeats))]
    ctx.emit("TileFusion", [ctx.tensor(x), _i32(ctx, "multiples", repeats)], layout)


@converter("Expand")
def expand(ctx: Context) -> None:
    """``BroadcastTo(x, shape)`` with the inferred output shape (ONNX's two-way broadcast); an
    input held NHWC stays so when the output has its rank."""
    x, y = ctx.inputs[0], ctx.outputs[0]
    ctx.require_const(1, "shape")
    layout = NHWC if ctx.layout(x) == NHWC and ctx.rank(y) == ctx.rank(x) else ONNX
    ctx.emit("BroadcastTo", [ctx.tensor(x, layout), _i32(ctx, "shape", ctx.ir_shape(y, layout))], layout)


@converter("ConstantOfShape")
def constant_of_shape(ctx: Context) -> None:
    """``BroadcastTo`` of the one-element ``value`` (default float32 0) to the inferred shape (only
    left when the result is a graph output: otherwise it is folded)."""
    value = ctx.attr("value")
    value = np.zeros(1, np.float32) if value is None else np.asarray(value).reshape(1)
    ctx.fill_output(0, value)


@converter("Size")
def size(ctx: Context) -> None:
    """The element count of a static shape (folded to a constant, unless it is a graph output)."""
    ctx.fill_output(0, np.array([np.prod(ctx.shape(ctx.inputs[0]), dtype=np.int64)], np.int32))


@converter("Trilu")
def trilu(ctx: Context) -> None:
    """``Where(mask, x, 0)`` with the constant upper (``j - i >= k``) or lower (``j - i <= k``)
    triangle mask of the last two dimensions (``k``: constant input 1, default 0)."""
    x = ctx.inputs[0]
    k = _ints(ctx.require_const(1, "k"))[0] if ctx.has_input(1) else 0
    if ctx.rank(x) < 2:
        raise ctx.unsupported(f"the input '{x}' must have at least 2 dimensions")
    n, m = ctx.shape(x)[-2:]
    diag = np.arange(m)[None, :] - np.arange(n)[:, None]
    mask = diag >= k if int(ctx.attr("upper", 1)) else diag <= k
    dt = ctx.dtype(x)
    ctx.emit("Where", [ctx.const_tensor(f"{ctx.name}_mask", mask), ctx.tensor(x, ONNX),
                       ctx.const_tensor(f"{ctx.name}_zero", np.zeros(1, dt.np))])


# ---------------------------------------------------------------- selection / scans

@converter("TopK")
def top_k(ctx: Context) -> None:
    """``TopKFusion(x, k)`` (sorted, largest first, int32 indices) in ONNX order; ``largest = 0``
    is ``-TopK(-x)`` (the value order and the lower-index-first ties are then ONNX's; an integer
    input must not hold its type's minimum, whose negation wraps)."""
    x = ctx.inputs[0]
    k = _ints(ctx.require_const(1, "k"))
    axis = int(ctx.attr("axis", -1))
    if not -ctx.rank(x) <= axis < ctx.rank(x):
        raise ctx.unsupported(f"axis {axis} is out of range for the {ctx.rank(x)}-D input '{x}'")
    attrs = dict(sorted=True, axis=axis % ctx.rank(x), largest=1)
    src, k_t = ctx.tensor(x, ONNX), _i32(ctx, "k", k[:1])
    if int(ctx.attr("largest", 1)):
        ctx.emit("TopKFusion", [src, k_t], **attrs)
        return
    dt = ctx.dtype(x)
    if dt == DType.BOOL or np.issubdtype(dt.np, np.unsignedinteger):
        raise ctx.unsupported(f"largest = 0 (smallest) is supported for floats and signed integers, not {dt.short}")
    neg = _node(ctx, "Neg", [src], "negated_in", dt, ctx.ir_shape(x, ONNX))
    neg_vals = ctx.new_tensor(f"{ctx.outputs[0]}_negated", dt, ctx.ir_shape(ctx.outputs[0], ONNX))
    ctx.add_node("TopKFusion", [neg, k_t], [neg_vals, ctx.output(1)], **attrs)
    ctx.add_node("Neg", [neg_vals], [ctx.output(0)], name=f"{ctx.name}_neg_out")


@converter("CumSum")
def cumsum(ctx: Context) -> None:
    x = ctx.inputs[0]
    axis = _ints(ctx.require_const(1, "axis"))[0]
    layout = ctx.layout(x)
    ctx.emit("CumSum", [ctx.tensor(x), ctx.const_tensor(f"{ctx.name}_axis", np.array(ctx.axis(x, axis), np.int32))],
             layout, exclusive=bool(ctx.attr("exclusive", 0)), reverse=bool(ctx.attr("reverse", 0)))


@converter("Range")
def range_(ctx: Context) -> None:
    """``Range(start, limit, delta)``: the output length must be known at conversion (shape inference
    found it; constant inputs are folded unless the result is a graph output)."""
    y = ctx.outputs[0]
    if y not in ctx.shapes:
        raise ctx.unsupported("the output length depends on start / limit / delta values that are unknown at "
                              "conversion: they must be constants")
    ctx.emit("Range", [ctx.tensor(n) for n in ctx.inputs[:3]], d_type=ctx.dtype(y).value)

