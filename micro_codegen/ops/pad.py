"""PadFusion, CONSTANT mode (any dtype of 1 or 4 bytes, up to 6 dims) -> ``base/pad_base.h``.
Paddings and the (quantized) constant follow ``reference/pad.py`` (``numerics.pad_pairs``,
``numerics.quantize_value``)."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import NNACL_MAX_DIMS, UNARY_ARGS, array_fields, family, io
from ._rules import inputs, one_output, refusal, variable_input


def paddings(g: Graph, i: int) -> list[tuple[int, int]]:
    """(before, after) per input dim (:func:`micro_codegen.numerics.pad_pairs`) from the
    paddings input, else the ``paddings`` attribute."""
    node = g.nodes[i]
    x = g.tensors[node.inputs[0]]
    if len(node.inputs) > 1:
        flat = np.asarray(g.tensors[node.inputs[1]].array).reshape(-1)
    else:
        attr = node.attr("paddings")
        flat = [v for row in attr for v in row] if attr else None
    return numerics.pad_pairs(len(x.shape), flat)


# ---------------------------------------------------------------- rules

def pad_constant_inputs(g: Graph, i: int) -> str | None:
    """Paddings and the constant value are constant inputs; the value is a single number."""
    ins = io(g, i)[0]
    if any(not t.is_const for t in ins[1:]):
        return "paddings and constant value must be constant inputs"
    if len(ins) > 2 and ins[2].size != 1:
        return f"the constant value input must hold one value; got shape {list(ins[2].shape)}"
    return None


def constant_mode(g: Graph, i: int) -> str | None:
    """``padding_mode`` is CONSTANT."""
    mode = g.nodes[i].attr("padding_mode") or "CONSTANT"
    if mode != "CONSTANT":
        return f"padding mode must be CONSTANT (the kernel's only mode); got {mode}"
    return None


def pad_shapes(g: Graph, i: int) -> str | None:
    """The input has 1 to 6 dims; paddings hold [before, after] >= 0 per dim (for the last dims
    when fewer); the output shape is the padded input shape."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if not 1 <= len(x.shape) <= NNACL_MAX_DIMS:
        return f"{len(x.shape)}-D input; the kernel supports 1 to {NNACL_MAX_DIMS} dims"
    reason = refusal(lambda: paddings(g, i))
    if reason:
        return reason
    want = [d + a + b for d, (a, b) in zip(x.shape, paddings(g, i))]
    if list(y.shape) != want:
        return f"output shape must be the padded {want}; got {list(y.shape)}"
    return None


def pad_dtype(g: Graph, i: int) -> str | None:
    """Input and output share a dtype of 1 or 4 bytes."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if x.dtype.itemsize not in (1, 4) or x.dtype != y.dtype:
        return f"dtype {x.dtype.short} -> {y.dtype.short} is not supported (1- or 4-byte, same dtype)"
    return None


def pad_quant(g: Graph, i: int) -> str | None:
    """A quantized int8/uint8 output has one scale and zero point, the input's."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if y.dtype in (DType.INT8, DType.UINT8) and y.is_quantized and (
            y.per_channel or [(q.scale, q.zero_point) for q in x.quant] != [(q.scale, q.zero_point) for q in y.quant]):
        return "quantized PadFusion needs equal per-tensor input/output quantization"
    return None


RULES = (one_output, inputs("x[, paddings[, constant value]]", 1, 3), variable_input, pad_constant_inputs,
         constant_mode, pad_shapes, pad_dtype, pad_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    nd = len(x.shape)
    pairs = paddings(g, i)
    out_shape = [d + a + b for d, (a, b) in zip(x.shape, pairs)]
    if len(ins) > 2:
        value = np.asarray(ins[2].array).reshape(-1)[0].item()
    else:
        value = float(node.attr("constant_value", 0.0) or 0.0)
    is_float = int(y.dtype == DType.FLOAT32)
    const_i = 0
    if y.dtype in (DType.INT8, DType.UINT8) and y.is_quantized:
        info = np.iinfo(y.dtype.np)
        const_i = int(np.clip(numerics.quantize_value(float(value), y.quant[0].scale, y.quant[0].zero_point),
                              info.min, info.max))
    elif not is_float:
        const_i = int(np.asarray(value).astype(y.dtype.np))
    params = dict(ndim=nd, elem_size=x.dtype.itemsize, **array_fields("in_shape", x.shape),
                  **array_fields("out_shape", out_shape), **array_fields("pad_before", [a for a, _ in pairs]),
                  constant_f=float(value) if is_float else 0.0, constant_i=const_i, is_float=is_float)
    return OpPlan(kernel_sources=("base/pad_base.c",), header="base/pad_base.h", param_type="pad_param_t",
                  params=params, kernel="pad_base", args=UNARY_ARGS)


family(("PadFusion",), _plan, RULES)
