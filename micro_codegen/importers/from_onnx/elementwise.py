"""Elementwise ONNX operators (minimal set; the full family is added separately)."""
from __future__ import annotations

from .context import Context, converter

_BINARY = {"Add": "AddFusion", "Mul": "MulFusion"}
_ACTIVATIONS = {"Relu": "RELU", "Sigmoid": "SIGMOID"}


@converter(*_BINARY)
def binary(ctx: Context) -> None:
    """Broadcasting arithmetic: runs in the layout its 4-D inputs are held in."""
    layout = ctx.common_layout(ctx.inputs)
    ctx.emit(_BINARY[ctx.op_type], [ctx.broadcast_tensor(n, layout) for n in ctx.inputs], layout)


@converter(*_ACTIVATIONS)
def activation(ctx: Context) -> None:
    x = ctx.inputs[0]
    ctx.emit("Activation", [ctx.tensor(x)], ctx.layout(x), activation_type=_ACTIVATIONS[ctx.op_type])
