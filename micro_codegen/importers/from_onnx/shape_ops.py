"""Shape and data-movement ONNX operators: Reshape, Flatten, Transpose, Squeeze, Unsqueeze,
Concat, Identity, Constant, Shape, Size, Softmax, LogSoftmax.

Reshape-like ops need the ONNX element order, so their input is taken in ONNX layout (a
Transpose is inserted after an NHWC producer, as the official converter does before Flatten);
Transpose composes its perm with the NHWC one instead; Concat and Softmax run in the layout
their input is held in, with the axis remapped.
"""
from __future__ import annotations

import numpy as np

from .context import NHWC, ONNX, Context, channels_first, converter


@converter("Reshape")
def reshape(ctx: Context) -> None:
    """Reshape with the inferred static output shape as its int32 shape input."""
    x = ctx.inputs[0]
    shape = ctx.const_tensor(f"{ctx.name}_shape", np.array(ctx.shape(ctx.outputs[0]), np.int32))
    ctx.emit("Reshape", [ctx.tensor(x, ONNX), shape])


@converter("Flatten")
def flatten(ctx: Context) -> None:
    x = ctx.inputs[0]
    axis = int(ctx.attr("axis", 1))
    if not -ctx.rank(x) <= axis <= ctx.rank(x):
        raise ctx.unsupported(f"axis {axis} is out of range for a {ctx.rank(x)}-D input")
    ctx.emit("Flatten", [ctx.tensor(x, ONNX)], axis=axis % (ctx.rank(x) + 1) if axis < 0 else axis)


@converter("Transpose")
def transpose(ctx: Context) -> None:
    """One Transpose: the ONNX perm composed with the layout the input is held in."""
    x = ctx.inputs[0]
    rank = ctx.rank(x)
    perm = [int(p) % rank for p in ctx.attr("perm", list(range(rank))[::-1])]
    if sorted(perm) != list(range(rank)):
        raise ctx.unsupported(f"perm {perm} is not a permutation of {rank} axes")
    if ctx.layout(x) == NHWC:                       # onnx = held.transpose(channels_first)
        perm = [channels_first(rank)[p] for p in perm]
    if perm == list(range(rank)):
        ctx.alias(0, ctx.tensor(x), ONNX)
        return
    ctx.emit("Transpose", [ctx.tensor(x), ctx.const_tensor(f"{ctx.name}_perm", np.array(perm, np.int32))])


def _axes(ctx: Context, what: str) -> list[int]:
    """``axes`` from the attribute (older opsets) or the constant input 1 (opset 13+)."""
    if ctx.has_input(1):
        return [int(a) for a in ctx.require_const(1, what).reshape(-1)]
    return [int(a) for a in ctx.attr("axes", [])]


@converter("Squeeze")
def squeeze(ctx: Context) -> None:
    x = ctx.inputs[0]
    rank = ctx.rank(x)
    axes = _axes(ctx, "axes")
    if not axes:
        axes = [i for i, d in enumerate(ctx.shape(x)) if d == 1]
    ctx.emit("Squeeze", [ctx.tensor(x, ONNX)], axis=tuple(sorted(a % rank for a in axes)))


@converter("Unsqueeze")
def unsqueeze(ctx: Context) -> None:
    x = ctx.inputs[0]
    rank = ctx.rank(ctx.outputs[0])
    ctx.emit("Unsqueeze", [ctx.tensor(x, ONNX)], axis=tuple(sorted(a % rank for a in _axes(ctx, "axes"))))


@converter("Concat")
def concat(ctx: Context) -> None:
    names = [n for n in ctx.inputs if n and int(np.prod(ctx.shape(n))) > 0]
    layout = ctx.common_layout(names)
    axis = int(ctx.attr("axis"))
    ref = next((n for n in names if not ctx.is_const(n)), names[0])
    ir_axis = ctx.axis(ref, axis) if layout == ctx.layout(ref) else axis % ctx.rank(ref)
    ctx.emit("Concat", [ctx.tensor(n, layout) for n in names], layout, axis=ir_axis)


@converter("Identity")
def identity(ctx: Context) -> None:
    """The output is the input."""
    x = ctx.inputs[0]
    ctx.alias(0, ctx.tensor(x), ctx.layout(x))


@converter("Dropout")
def dropout(ctx: Context) -> None:
    """Inference semantics: the output is the input and the optional mask all true. That holds
    when ``training_mode`` (input 2) is absent or a constant false, or true with a constant
    ``ratio`` (input 1) of 0; a training-mode Dropout that drops is random and is refused."""
    if ctx.has_input(2):
        training = bool(ctx.require_const(2, "training_mode").reshape(-1)[0])
        ratio = float(ctx.require_const(1, "ratio").reshape(-1)[0]) if ctx.has_input(1) else 0.5
        if training and ratio != 0.0:
            raise ctx.unsupported(f"training_mode Dropout with ratio {ratio:g} drops at random; only inference "
                                  f"mode (or ratio 0) is supported")
    identity(ctx)
    if len(ctx.outputs) > 1 and ctx.outputs[1]:
        ctx.fill_output(1, np.ones(1, np.bool_))


@converter("Constant")
def constant(ctx: Context) -> None:
    """A Constant left unfolded (it is a graph output): its value as a constant-filled output."""
    value = next((ctx.attr(k) for k in ("value", "value_float", "value_floats", "value_int", "value_ints")
                  if ctx.attr(k) is not None), None)
    if value is None:
        raise ctx.unsupported("only the value, value_float(s) and value_int(s) attributes are supported")
    value = np.asarray(value)
    ctx.fill_output(0, value.astype(np.float32) if value.dtype == np.float64 else value)


@converter("Shape")
def shape(ctx: Context) -> None:
    """A Shape not folded (its output is a graph output): IR Shape of the ONNX-layout input; with
    ``start`` / ``end`` the (static) slice of the shape as a constant-filled output."""
    if ctx.attr("start") is None and ctx.attr("end") is None:
        ctx.emit("Shape", [ctx.tensor(ctx.inputs[0], ONNX)])
        return
    dims = ctx.shape(ctx.inputs[0])
    ctx.fill_output(0, np.array(dims[int(ctx.attr("start", 0)):int(ctx.attr("end", len(dims)))], np.int32))


@converter("Softmax", "LogSoftmax")
def softmax(ctx: Context) -> None:
    """Softmax over one axis (opset 13+); before opset 13 over all axes from ``axis`` on
    (a Reshape to 2-D around it when that is more than the last axis)."""
    x = ctx.inputs[0]
    rank = ctx.rank(x)
    given = int(ctx.attr("axis", -1 if ctx.opset >= 13 else 1))
    axis = given % max(rank, 1)
    op = ctx.op_type
    attr = (lambda a: {"axis": (a,)}) if op == "Softmax" else (lambda a: {"axis": a})
    if ctx.opset >= 13 or axis == rank - 1:       # the axis as given (the converter's), remapped if NHWC
        ctx.emit(op, [ctx.tensor(x)], ctx.layout(x), **attr(ctx.axis(x, axis) if ctx.layout(x) == NHWC else given))
        return
    shape = ctx.shape(x)
    flat = (int(np.prod(shape[:axis])), int(np.prod(shape[axis:])))
    mid = ctx.reshape(ctx.tensor(x, ONNX), flat, f"{ctx.name}_2d")
    dtype = ctx.tensors[mid].dtype
    out2d = ctx.new_tensor(f"{ctx.name}_out2d", dtype, flat, quant=ctx.quant_of(ctx.outputs[0], dtype))
    ctx.add_node(op, [mid], [out2d], **attr(1))
    y = ctx.output(0, ONNX)
    ctx.add_node("Reshape", [out2d, ctx.const_tensor(f"{ctx.name}_shape", np.array(shape, np.int32))], [y],
                 name=f"{ctx.name}_nd")
