"""PadFusion, CONSTANT / REFLECT / SYMMETRIC, any dtype, up to 6 dims -> ``base/pad_base.h``.
Paddings (also with an ONNX axes input) and the (quantized) constant follow
``reference/pad.py`` (``numerics.pad_pairs`` / ``numerics.pad_pairs_axes``,
``numerics.pad_fill_value``); the constant goes to flash as one element of the output dtype."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import NNACL_MAX_DIMS, array_fields, cconst, family, io
from ._rules import QUANTIZED_DTYPES, inputs, one_output, quantized_8bit, refusal, variable_input

MODES = ("CONSTANT", "REFLECT", "SYMMETRIC")


def paddings(g: Graph, i: int) -> list[tuple[int, int]]:
    """(before, after) per input dim (:func:`micro_codegen.numerics.pad_pairs`) from the
    paddings input, else the ``paddings`` attribute; with an axes input 3, the ONNX-order pads
    of the listed axes (:func:`micro_codegen.numerics.pad_pairs_axes`)."""
    node = g.nodes[i]
    x = g.tensors[node.inputs[0]]
    if len(node.inputs) > 3:
        return numerics.pad_pairs_axes(len(x.shape), g.tensors[node.inputs[1]].array,
                                       g.tensors[node.inputs[3]].array)
    if len(node.inputs) > 1:
        flat = np.asarray(g.tensors[node.inputs[1]].array).reshape(-1)
    else:
        attr = node.attr("paddings")
        flat = [v for row in attr for v in row] if attr else None
    return numerics.pad_pairs(len(x.shape), flat)


def _mode(g: Graph, i: int) -> str:
    return g.nodes[i].attr("padding_mode") or "CONSTANT"


def _value_quant(t) -> tuple[float, int] | None:
    """(scale, zero point) of a quantized int8/uint8 constant-value tensor, else None."""
    if t.dtype in QUANTIZED_DTYPES and t.is_quantized:
        return float(t.quant[0].scale), int(t.quant[0].zero_point)
    return None


def fill_value(g: Graph, i: int) -> np.ndarray:
    """The CONSTANT fill as one element of the output dtype
    (:func:`micro_codegen.numerics.pad_fill_value`): the value input 2 (dequantized when it is
    a quantized int8/uint8 constant), else the ``constant_value`` attribute; quantized with the
    output's parameters for a quantized int8/uint8 output, truncated for other integers."""
    ins, (y,) = io(g, i)
    value_quant = None
    if len(ins) > 2:
        value = np.asarray(ins[2].array).reshape(-1)[0].item()
        value_quant = _value_quant(ins[2])
    else:
        value = float(g.nodes[i].attr("constant_value", 0.0) or 0.0)
    out_quant = ((float(y.quant[0].scale), int(y.quant[0].zero_point))
                 if y.dtype in QUANTIZED_DTYPES and y.is_quantized else None)
    return numerics.pad_fill_value(value, y.dtype.np, out_quant, value_quant)


# ---------------------------------------------------------------- rules

def pad_constant_inputs(g: Graph, i: int) -> str | None:
    """Paddings and axes are constant inputs; the constant value is one number: a constant
    (with at most one scale and zero point when quantized), or an activation of the output's
    dtype (not quantized) read at run time."""
    ins, (y,) = io(g, i)
    for k in (1, 3):
        if len(ins) > k and not ins[k].is_const:
            return f"{('paddings', '', '', 'axes')[k]} (input {k}) must be a constant; got an activation"
    if len(ins) > 2:
        v = ins[2]
        if v.size != 1:
            return f"the constant value input must hold one value; got shape {list(v.shape)}"
        if not v.is_const and (v.dtype != y.dtype or v.is_quantized or y.is_quantized):
            return (f"a run-time constant value must have the output's dtype {y.dtype.short}, unquantized; "
                    f"got {v.describe()}")
        if v.per_channel:
            return f"a quantized constant value needs one (scale, zero point); has {len(v.quant)}"
    return None


def pad_mode(g: Graph, i: int) -> str | None:
    """``padding_mode`` is CONSTANT, REFLECT or SYMMETRIC."""
    if _mode(g, i) not in MODES:
        return f"padding mode must be one of {', '.join(MODES)}; got {_mode(g, i)}"
    return None


def pad_shapes(g: Graph, i: int) -> str | None:
    """The input has 1 to 6 dims; paddings hold [before, after] >= 0 per dim (for the last dims
    when fewer; with an axes input, ONNX order for the listed axes); the output shape is the
    padded input shape."""
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


def mirror_fits(g: Graph, i: int) -> str | None:
    """REFLECT pads are smaller than their dim, SYMMETRIC pads at most their dim."""
    mode = _mode(g, i)
    if mode == "CONSTANT":
        return None
    x = g.tensors[g.nodes[i].inputs[0]]
    for d, (a, b) in enumerate(paddings(g, i)):
        limit = x.shape[d] - (1 if mode == "REFLECT" else 0)
        if max(a, b) > limit:
            return f"{mode} pads of dim {d} must be at most {limit}; got {(a, b)}"
    return None


def pad_dtype(g: Graph, i: int) -> str | None:
    """Input and output share a dtype that has a C type (any but float64)."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if x.dtype != y.dtype or x.dtype == DType.FLOAT64:
        return f"dtype {x.dtype.short} -> {y.dtype.short} is not supported (one dtype, not float64)"
    return None


def pad_quant(g: Graph, i: int) -> str | None:
    """A quantized int8/uint8 output has one scale and zero point, the input's."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if y.dtype in (DType.INT8, DType.UINT8) and y.is_quantized and (
            y.per_channel or [(q.scale, q.zero_point) for q in x.quant] != [(q.scale, q.zero_point) for q in y.quant]):
        return "quantized PadFusion needs equal per-tensor input/output quantization"
    return None


RULES = (one_output, inputs("x[, paddings[, constant value[, axes]]]", 1, 4), variable_input, pad_constant_inputs,
         pad_mode, pad_shapes, mirror_fits, pad_dtype, quantized_8bit, pad_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, (y,) = io(g, i)
    x = ins[0]
    pairs = paddings(g, i)
    out_shape = [d + a + b for d, (a, b) in zip(x.shape, pairs)]
    params = dict(ndim=len(x.shape), elem_size=x.dtype.itemsize, mode=cconst(f"PAD_MODE_{_mode(g, i)}"),
                  **array_fields("in_shape", x.shape), **array_fields("out_shape", out_shape),
                  **array_fields("pad_before", [a for a, _ in pairs]))
    if len(ins) > 2 and not ins[2].is_const:      # the fill value is read at run time
        return OpPlan(kernel_sources=("base/pad_base.c",), header="base/pad_base.h", param_type="pad_param_t",
                      params=params, kernel="pad_base", args=(PARAM, In(0), In(2), Out(0)))
    return OpPlan(kernel_sources=("base/pad_base.c",), header="base/pad_base.h", param_type="pad_param_t",
                  params=params, kernel="pad_base", args=(PARAM, In(0), Const("constant"), Out(0)),
                  consts=(ConstArray("constant", y.dtype, fill_value(g, i)),))


family(("PadFusion",), _plan, RULES)
