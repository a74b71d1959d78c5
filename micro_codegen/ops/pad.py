"""PadFusion, CONSTANT mode (any dtype of 1 or 4 bytes, up to 6 dims) -> ``base/pad_base.h``.
Paddings and the (quantized) constant follow ``reference/pad.py``."""
from __future__ import annotations

import numpy as np

from ..ir import DType, Graph
from ..reference import pad, quant
from ._common import NNACL_MAX_DIMS, Unsupported, array_fields, family, io, ref_context
from .base import OpPlan


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    if x.is_const:
        raise Unsupported("padding a constant tensor is not supported")
    if len(ins) > 3:
        raise Unsupported("PadFusion with an axes input (4 inputs) is not supported")
    if any(not t.is_const for t in ins[1:]):
        raise Unsupported("paddings and constant value must be constant inputs")
    mode = node.attr("padding_mode") or "CONSTANT"
    if mode != "CONSTANT":
        raise Unsupported(f"padding mode {mode} has no kernel (CONSTANT)")
    nd = len(x.shape)
    if not 1 <= nd <= NNACL_MAX_DIMS:
        raise Unsupported(f"{nd}-D input; the kernel supports 1 to {NNACL_MAX_DIMS} dims")
    pairs = pad.paddings_of(ref_context(g, i), nd)
    out_shape = [d + a + b for d, (a, b) in zip(x.shape, pairs)]
    if list(y.shape) != out_shape:
        raise Unsupported(f"output shape {list(y.shape)} differs from the padded {out_shape}")
    if x.dtype.itemsize not in (1, 4) or x.dtype != y.dtype:
        raise Unsupported(f"dtype {x.dtype.short} -> {y.dtype.short} is not supported (1- or 4-byte, same dtype)")
    if len(ins) > 2:
        value = np.asarray(ins[2].array).reshape(-1)
        if value.size != 1:
            raise Unsupported("constant value input must hold one value")
        value = value[0].item()
    else:
        value = float(node.attr("constant_value", 0.0) or 0.0)
    is_float = int(y.dtype == DType.FLOAT32)
    const_i = 0
    if y.dtype in (DType.INT8, DType.UINT8) and y.is_quantized:
        if y.per_channel or [(q.scale, q.zero_point) for q in x.quant] != [(q.scale, q.zero_point) for q in y.quant]:
            raise Unsupported("int8 PadFusion needs equal per-tensor input/output quantization")
        info = np.iinfo(y.dtype.np)
        const_i = int(np.clip(quant.quantize_value(float(value), y.quant[0].scale, y.quant[0].zero_point),
                              info.min, info.max))
    elif not is_float:
        const_i = int(np.asarray(value).astype(y.dtype.np))
    params = dict(ndim=nd, elem_size=x.dtype.itemsize, **array_fields("in_shape", x.shape),
                  **array_fields("out_shape", out_shape), **array_fields("pad_before", [a for a, _ in pairs]),
                  constant_f=float(value) if is_float else 0.0, constant_i=const_i, is_float=is_float)
    return OpPlan(kernel_sources=("base/pad_base.c",), header="base/pad_base.h", param_type="pad_param_t",
                  params=params, call="pad_base({param}, {in0}, {out0});")


family(("PadFusion",), _plan)
