"""MatMulFusion: ``act(op(a) @ op(b) + bias)`` with numpy ``matmul`` batch broadcasting,
``transpose_a`` / ``transpose_b``, fp32 and int8 -> ``fp32/matmul_fp32.h`` /
``int8/matmul_int8.h``.

Both kernels address each operand matrix through element strides (common/matmul_param.h),
so a transposed or broadcast operand is read where it lies. A constant ``b`` is packed at
generation time as ``[batch..., n, k]`` (deep stride 1: contiguous dot products, and the
SIMD32 int8 dot product for symmetric weights). A constant scalar bias is expanded to one
value per output column. int8 follows ``reference/matmul.py``: the multipliers come from
``numerics.matmul_multipliers``, the default (gemmlowp) rounding.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph, Tensor
from ._common import (NNACL_MAX_DIMS, Unsupported, act_code, array_fields, broadcast_strides, coalesce, family, io,
                      prod, qparams, rounding_code)
from ._rules import fused_activation, inputs, int8_or_float32, int8_quantized, one_output


@dataclass(frozen=True)
class Geometry:
    """The matrices of a MatMulFusion node: ``row x deep`` by ``deep x col`` per batch index."""
    row: int
    deep: int
    col: int
    a_batch: tuple      # batch dims of a (before broadcasting)
    b_batch: tuple
    out_batch: tuple    # broadcast batch dims
    out_shape: tuple    # numpy matmul output shape


def geometry(a_shape, b_shape, transpose_a: bool, transpose_b: bool) -> Geometry | str:
    """The Geometry of ``op(a) @ op(b)``, or why the shapes do not multiply (numpy rules:
    a 1-D ``a`` is a row vector, a 1-D ``b`` a column vector, their dim dropped from the output)."""
    a_shape, b_shape = [int(d) for d in a_shape], [int(d) for d in b_shape]
    if not a_shape or not b_shape:
        return f"operands must have at least 1 dim; got {a_shape} x {b_shape}"
    if (transpose_a and len(a_shape) < 2) or (transpose_b and len(b_shape) < 2):
        return f"a transposed operand must have at least 2 dims; got {a_shape} x {b_shape}"
    a2 = a_shape if len(a_shape) > 1 else [1] + a_shape
    b2 = b_shape if len(b_shape) > 1 else b_shape + [1]
    row, deep = (a2[-1], a2[-2]) if transpose_a else (a2[-2], a2[-1])
    b_deep, col = (b2[-1], b2[-2]) if transpose_b else (b2[-2], b2[-1])
    if deep != b_deep:
        return f"op(a) must have as many columns as op(b) has rows; got {a_shape} x {b_shape}"
    a_batch, b_batch = tuple(a2[:-2]), tuple(b2[:-2])
    try:
        out_batch = tuple(int(d) for d in np.broadcast_shapes(a_batch, b_batch))
    except ValueError:
        return f"batch dims must broadcast; got {list(a_batch)} and {list(b_batch)}"
    out = list(out_batch) + ([row] if len(a_shape) > 1 else []) + ([col] if len(b_shape) > 1 else [])
    return Geometry(row, deep, col, a_batch, b_batch, out_batch, tuple(out))


def _geometry(g: Graph, i: int) -> Geometry | str:
    (a, b), node = io(g, i)[0][:2], g.nodes[i]
    return geometry(a.shape, b.shape, bool(node.attr("transpose_a", False)), bool(node.attr("transpose_b", False)))


# ---------------------------------------------------------------- rules

def matmul_dtypes(g: Graph, i: int) -> str | None:
    """a, b and the output are all float32 or all int8; a bias is float32 (int32 for int8)."""
    ins, (y,) = io(g, i)
    a, b = ins[0], ins[1]
    if not a.dtype == b.dtype == y.dtype:
        return f"a, b and the output must have one dtype; got {a.dtype.short}, {b.dtype.short}, {y.dtype.short}"
    want = DType.INT32 if a.dtype == DType.INT8 else DType.FLOAT32
    if len(ins) > 2 and ins[2].dtype != want:
        return f"{a.dtype.short} MatMulFusion needs a {want.short} bias; got {ins[2].dtype.short}"
    return None


def matmul_shapes(g: Graph, i: int) -> str | None:
    """op(a) @ op(b) multiplies (numpy matmul: 1-D operands are vectors, batch dims broadcast,
    at most 6 of them after merging) and the output has its shape."""
    geo = _geometry(g, i)
    if isinstance(geo, str):
        return geo
    y = g.tensors[g.nodes[i].outputs[0]]
    if tuple(y.shape) != geo.out_shape:
        return f"output shape must be {list(geo.out_shape)}; got {list(y.shape)}"
    if len(_batch_layout(geo)[0]) > NNACL_MAX_DIMS:
        return f"batch dims must merge into at most {NNACL_MAX_DIMS}; got {list(geo.out_batch)}"
    return None


def matmul_bias(g: Graph, i: int) -> str | None:
    """A bias holds one value per output column, or is a constant single value."""
    ins = io(g, i)[0]
    if len(ins) < 3:
        return None
    geo, bias = _geometry(g, i), ins[2]
    if bias.size == geo.col or (bias.size == 1 and bias.is_const):
        return None
    return f"bias must hold {geo.col} values (or be one constant value); got {bias.describe()}"


def matmul_b_quant(g: Graph, i: int) -> str | None:
    """int8 b has one scale or one per output column, and a single zero point."""
    a, b = io(g, i)[0][:2]
    if a.dtype != DType.INT8:
        return None
    col = _geometry(g, i).col
    if len(b.quant) not in (1, col):
        return f"int8 b needs 1 or {col} quant params; got {len(b.quant)}"
    zps = sorted(set(int(z) for z in b.zero_points))
    if len(zps) != 1:
        return f"int8 b must have a single zero point; got {zps}"
    return None


RULES = (one_output, int8_or_float32, int8_quantized, inputs("a, b[, bias]", 2, 3), matmul_dtypes, matmul_shapes,
         matmul_bias, fused_activation, matmul_b_quant)


# ---------------------------------------------------------------- plan

def _batch_layout(geo: Geometry):
    """(batch shape, a strides, b strides) in elements, merged where both walk contiguously."""
    nb = len(geo.out_batch)
    a_b = (1,) * (nb - len(geo.a_batch)) + geo.a_batch
    b_b = (1,) * (nb - len(geo.b_batch)) + geo.b_batch
    a_mat, b_mat = geo.row * geo.deep, geo.deep * geo.col
    a_st = [s * a_mat for s in broadcast_strides(a_b, geo.out_batch)]
    b_st = [s * b_mat for s in broadcast_strides(b_b, geo.out_batch)]
    o_st = [s * geo.row * geo.col for s in broadcast_strides(geo.out_batch, geo.out_batch)]
    if not geo.out_batch or prod(geo.out_batch) == 1:
        return [], [], []
    shape, (a_st, b_st, _) = coalesce(geo.out_batch, [a_st, b_st, o_st])
    return shape, a_st, b_st


def _pack_b(b: Tensor, geo: Geometry, transpose_b: bool) -> np.ndarray:
    """Constant b as ``[batch..., col, deep]`` (each matrix transposed to column rows)."""
    arr = b.array
    if arr.ndim == 1:
        return np.ascontiguousarray(arr.reshape(1, -1))             # [col = 1, deep]
    return np.ascontiguousarray(arr if transpose_b else np.swapaxes(arr, -1, -2))


def _plan(g: Graph, i: int) -> OpPlan:
    ins, (y,) = io(g, i)
    node = g.nodes[i]
    a, b = ins[0], ins[1]
    bias = ins[2] if len(ins) > 2 else None
    ta, tb = bool(node.attr("transpose_a", False)), bool(node.attr("transpose_b", False))
    act = node.attr("activation_type") or "NO_ACTIVATION"
    geo = _geometry(g, i)
    if isinstance(geo, str):
        raise Unsupported(geo)
    row, deep, col = geo.row, geo.deep, geo.col
    shape, a_st, b_st = _batch_layout(geo)
    a_rs, a_ds = (1, row) if ta else (deep, 1)
    consts = []
    if b.is_const:
        consts.append(ConstArray("b", b.dtype, _pack_b(b, geo, tb)))
        b_arg, b_ds, b_cs = Const("b"), 1, deep
    else:
        b_arg = In(1)
        b_ds, b_cs = (1, deep) if tb else (col, 1)
    bias_dtype = DType.INT32 if a.dtype == DType.INT8 else DType.FLOAT32
    bias_arg = NULL
    if bias is not None:
        if bias.is_const:
            values = np.broadcast_to(bias.array.reshape(-1), (col,)).astype(bias_dtype.np)
            consts.append(ConstArray("bias", bias_dtype, np.ascontiguousarray(values)))
            bias_arg = Const("bias")
        else:
            bias_arg = In(2)
    params = dict(row=row, deep=deep, col=col, a_row_stride=a_rs, a_deep_stride=a_ds, b_deep_stride=b_ds,
                  b_col_stride=b_cs, batch_dims=len(shape), **array_fields("batch_shape", shape),
                  **array_fields("a_batch_stride", a_st), **array_fields("b_batch_stride", b_st),
                  act_type=act_code(None), a_zp=0, b_zp=0, output_zp=0, per_channel=0,
                  rounding=rounding_code("single"), act_min=-128, act_max=127)

    if a.dtype == DType.FLOAT32:
        params["act_type"] = act_code(act)
        return OpPlan(kernel="matmul_fp32", args=(PARAM, In(0), b_arg, bias_arg, Out(0)),
                      kernel_sources=("fp32/matmul_fp32.c",), header="fp32/matmul_fp32.h",
                      param_type="matmul_param_t", params=params, consts=tuple(consts))

    if a.dtype == DType.INT8:
        a_scale, a_zp = qparams(a, "a")
        out_scale, out_zp = qparams(y, "output")
        mult, shift = numerics.matmul_multipliers(a_scale, b.scales, out_scale)
        qmin, qmax = numerics.activation_range(act, out_scale, out_zp, np.int8)
        params.update(a_zp=a_zp, b_zp=int(b.zero_points[0]), output_zp=out_zp, per_channel=int(mult.size > 1),
                      rounding=rounding_code(numerics.ROUNDING), act_min=int(qmin), act_max=int(qmax))
        consts += [ConstArray("multiplier", DType.INT32, mult.astype(np.int32)),
                   ConstArray("shift", DType.INT32, shift.astype(np.int32))]
        return OpPlan(kernel="matmul_int8",
                      args=(PARAM, In(0), b_arg, bias_arg, Const("multiplier"), Const("shift"), Out(0)),
                      kernel_sources=("int8/matmul_int8.c",), header="int8/matmul_int8.h",
                      param_type="matmul_param_t", params=params, consts=tuple(consts))

    raise Unsupported(f"dtype {a.dtype.short} (see matmul_dtypes)")


family(("MatMulFusion",), _plan, RULES)
