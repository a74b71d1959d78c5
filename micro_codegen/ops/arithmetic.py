"""Element-wise binary ops with broadcasting: AddFusion, SubFusion, MulFusion, DivFusion,
Maximum, Minimum, FloorDiv, FloorMod, Mod, SquaredDifference and PowFusion.

Kernels (``<op>_<dtype>``; semantics in ``reference/arithmetic.py``):

* float32 -> ``fp32/arithmetic_fp32.h`` (fused activation; FloorDiv / FloorMod / Mod and
  PowFusion in ``arithmetic_math_fp32.c``, which needs libm). PowFusion takes x and the
  exponent of any non-quantized dtype (``in0_dtype`` / ``in1_dtype``) into a float32 output.
* float16 -> ``fp16/arithmetic_fp16.h`` (computed in float, rounded back).
* quantized int8 Add / Sub / Mul -> ``int8/arithmetic_int8.h`` (TFLite ADD / SUB / MUL:
  ``numerics.add_multipliers`` / ``mul_multiplier``, ``ROUNDING_ADD`` / ``ROUNDING_MUL``);
  Add / Sub get the per-value input stage as a 512-entry int32 table (:func:`add_table`), or
  NULL when the table's sums could leave the small range the fast requantization needs;
  quantized int8 Maximum / Minimum (one quantization everywhere) compare the raw values with
  the plain int8 kernel.
* non-quantized integers int8 .. uint64 -> ``base/arithmetic_base.h`` (wrapping, C division;
  the kernels return a status: a zero divisor fails the run).

Broadcasting is resolved here: the output dims are coalesced (size-1 dims dropped,
neighbours every operand walks contiguously fused) and the kernel gets the output shape
plus one element stride per operand and dim (0 = broadcast), at most 6 dims. Same-shape
and one-scalar-operand cases get their own variants. Every kernel runs on the driver
``arith_broadcast_apply`` of ``base/arithmetic_base.c``.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import (NNACL_MAX_DIMS, Unsupported, act_code, array_fields, broadcast_strides, coalesce,
                      cconst, family, io, qparams, rounding_code)
from ._rules import fused_activation, inputs, int8_quantized, one_output, quantized_8bit

#: arith_param_t.variant values (common/arithmetic_param.h)
SAME_SHAPE, SCALAR0, SCALAR1, BROADCAST = (cconst(f"ARITH_{v}")
                                          for v in ("SAME_SHAPE", "SCALAR0", "SCALAR1", "BROADCAST"))

#: op -> C name stem of its kernels
C_NAMES = {"AddFusion": "add", "SubFusion": "sub", "MulFusion": "mul", "DivFusion": "div", "Maximum": "maximum",
           "Minimum": "minimum", "FloorDiv": "floor_div", "FloorMod": "floor_mod", "Mod": "mod",
           "SquaredDifference": "squared_difference"}
#: ops with a fused activation attribute
FUSED_OPS = ("AddFusion", "SubFusion", "MulFusion", "DivFusion")
#: float ops whose kernels call libm (kept in arithmetic_math_<dtype>.c)
_LIBM_OPS = ("FloorDiv", "FloorMod", "Mod")
#: ops with a quantized int8 kernel
_QUANTIZED_OPS = ("AddFusion", "SubFusion", "MulFusion", "Maximum", "Minimum")
#: dtype -> tag of the base (non-quantized integer) kernels
INTEGER_TAGS = {DType.INT8: "s8", DType.INT16: "s16", DType.INT32: "s32", DType.INT64: "s64", DType.UINT8: "u8",
                DType.UINT16: "u16", DType.UINT32: "u32", DType.UINT64: "u64"}
#: dtypes the binary ops take (both inputs and the output)
OPERAND_DTYPES = (DType.FLOAT32, DType.FLOAT16) + tuple(INTEGER_TAGS)
#: dtype -> ARITH_DTYPE_* (PowFusion's inputs)
POW_DTYPES = {DType.FLOAT32: "FLOAT32", DType.FLOAT16: "FLOAT16", DType.INT8: "INT8", DType.INT16: "INT16",
              DType.INT32: "INT32", DType.INT64: "INT64", DType.UINT8: "UINT8", DType.UINT16: "UINT16",
              DType.UINT32: "UINT32", DType.UINT64: "UINT64"}

_BASE = "base/arithmetic_base.c"


def broadcast(a_shape, b_shape):
    """(broadcast shape, merged shape, (a strides, b strides)) of two operands (numpy rules;
    ValueError if they do not broadcast): the dims every operand walks alike are merged."""
    shape = tuple(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)))
    return (shape,) + tuple(coalesce(shape, [broadcast_strides(a_shape, shape), broadcast_strides(b_shape, shape)]))


def broadcast_params(a_shape, b_shape, out_shape) -> dict:
    """variant / ndim / out_shape / in0_strides / in1_strides of arith_param_t (needs
    :func:`arith_broadcast`)."""
    shape, shp, (sa, sb) = broadcast(a_shape, b_shape)
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    na = int(np.prod(a_shape, dtype=np.int64)) if len(a_shape) else 1
    nb = int(np.prod(b_shape, dtype=np.int64)) if len(b_shape) else 1
    p = dict(size=size, variant=SAME_SHAPE, ndim=1, **array_fields("out_shape", [size]),
             **array_fields("in0_strides", [1]), **array_fields("in1_strides", [1]))
    if na == size and nb == size:
        return p
    if na == 1 and nb == size:
        return dict(p, variant=SCALAR0)
    if nb == 1 and na == size:
        return dict(p, variant=SCALAR1)
    return dict(p, variant=BROADCAST, ndim=len(shp), **array_fields("out_shape", shp),
                **array_fields("in0_strides", sa), **array_fields("in1_strides", sb))


def quantized_int8(g: Graph, i: int) -> bool:
    """Whether the node computes on quantized int8 (its int8 tensors carry quantization)."""
    return any(g.tensors[t].dtype == DType.INT8 and g.tensors[t].quant
               for t in g.nodes[i].inputs + g.nodes[i].outputs)


def add_table(op: str, q0, q1, m0, e0, m1, e1, eo) -> np.ndarray | None:
    """The table of int8 Add / Sub (``int8/arithmetic_int8.h``): the scaled input of every int8
    value of each input, ``MBQM((x - zp) << ADD_LEFT_SHIFT, m, e)`` (the reference's own
    arithmetic), indexed by the value's bit pattern, shifted left by ``max(eo, 0)`` and negated
    for input 1 of Sub; None when ``max |T0| + max |T1| >= 2**30`` (the kernel's small range)."""
    u = np.arange(256)
    x = np.where(u < 128, u, u - 256).astype(np.int64)
    r, ls, left = numerics.ROUNDING_ADD, numerics.ADD_LEFT_SHIFT, max(int(eo), 0)
    t0 = numerics.multiply_by_quantized_multiplier((x - q0) << ls, m0, e0, r) << left
    t1 = numerics.multiply_by_quantized_multiplier((x - q1) << ls, m1, e1, r) << left
    if op == "SubFusion":
        t1 = -t1
    if int(np.abs(t0).max()) + int(np.abs(t1).max()) >= 1 << 30:
        return None
    return np.concatenate([t0, t1]).astype(np.int32)


# ---------------------------------------------------------------- rules

def same_broadcast_shape(out_shape, shape) -> bool:
    """Whether ``out_shape`` is the broadcast ``shape`` (either may have extra leading 1s)."""
    def strip(s):
        s = [int(d) for d in s]
        while s and s[0] == 1:
            s.pop(0)
        return s
    return strip(out_shape) == strip(shape)


def arith_broadcast(g: Graph, i: int) -> str | None:
    """The inputs broadcast (numpy rules) to the output's shape (give or take leading 1s), over
    at most 6 dims once the dims both inputs walk alike are merged."""
    (a, b), (y,) = io(g, i)
    try:
        shape, merged, _ = broadcast(a.shape, b.shape)
    except ValueError:
        return f"shapes {list(a.shape)} and {list(b.shape)} do not broadcast"
    if not same_broadcast_shape(y.shape, shape):
        return f"output shape {list(y.shape)} must be the broadcast shape {list(shape)}"
    if len(merged) > NNACL_MAX_DIMS:
        return f"broadcast over {len(merged)} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


def operand_dtypes(g: Graph, i: int) -> str | None:
    """Both inputs and the output share one dtype: float32, float16, int8, int16, int32, int64,
    uint8, uint16, uint32 or uint64; only int8 may be quantized."""
    ts = [g.tensors[t] for t in g.nodes[i].inputs + g.nodes[i].outputs]
    dts = [t.dtype for t in ts]
    if len(set(dts)) != 1 or dts[0] not in OPERAND_DTYPES:
        return (f"inputs and output must share one dtype of {', '.join(d.short for d in OPERAND_DTYPES)}; "
                f"got {', '.join(d.short for d in dts)}")
    quantized = next((t for t in ts if t.quant and t.dtype == DType.UINT8), None)
    if quantized is not None:
        return f"only int8 tensors may be quantized; got quantized {quantized.dtype.short} '{quantized.name}'"
    return None


def quantization(g: Graph, i: int) -> str | None:
    """int8 tensors are all quantized per tensor (one scale and zero point each) or none is
    (plain integers)."""
    if not quantized_int8(g, i):
        return None
    reason = int8_quantized(g, i)
    if reason:
        return reason
    for ti in g.nodes[i].inputs:
        t = g.tensors[ti]
        if len(t.quant) != 1:
            return f"int8 tensor '{t.name}' needs exactly one (scale, zero point); has {len(t.quant)}"
    return None


def quantized_kernel(g: Graph, i: int) -> str | None:
    """Quantized int8: AddFusion, SubFusion, MulFusion (TFLite ADD / SUB / MUL), Maximum and
    Minimum with one quantization for inputs and output (TFLite's requirement)."""
    if not quantized_int8(g, i):
        return None
    op = g.nodes[i].op
    if op not in _QUANTIZED_OPS:
        return f"quantized int8 needs one of {', '.join(_QUANTIZED_OPS)}; got {op}"
    if op in ("Maximum", "Minimum"):
        qs = [(t.quant[0].scale, t.quant[0].zero_point) for t in (g.tensors[k] for k in
                                                                  g.nodes[i].inputs + g.nodes[i].outputs)]
        if len(set(qs)) != 1:
            return f"quantized int8 {op} needs one (scale, zero point) for inputs and output; got {qs}"
    return None


def activation_dtype(g: Graph, i: int) -> str | None:
    """A fused activation needs float32, float16 or quantized int8 operands."""
    act = g.nodes[i].attr("activation_type") or "NO_ACTIVATION"
    dt = g.tensors[g.nodes[i].outputs[0]].dtype
    if act != "NO_ACTIVATION" and dt not in (DType.FLOAT32, DType.FLOAT16) and not quantized_int8(g, i):
        return f"a fused activation needs float32, float16 or quantized int8 operands; got {act} on {dt.short}"
    return None


def pow_dtypes(g: Graph, i: int) -> str | None:
    """x and the exponent are float32, float16 or integers (each its own dtype, not quantized);
    the output is float32."""
    n = g.nodes[i]
    for ti in n.inputs:
        t = g.tensors[ti]
        if t.dtype not in POW_DTYPES or (t.quant and t.dtype in (DType.INT8, DType.UINT8)):
            return f"x and the exponent must be float or non-quantized integers; got {t.describe()}"
    y = g.tensors[n.outputs[0]]
    if y.dtype != DType.FLOAT32:
        return f"the output must be float32; got {y.dtype.short}"
    return None


#: the names tests/ops/test_rules.py knows these rules by
float32_or_int8_operands = operand_dtypes
float32_operands = quantized_kernel

_BINARY = (one_output, inputs("a, b", 2, 2), operand_dtypes, quantized_8bit, quantization, quantized_kernel,
           arith_broadcast)
RULES = {op: _BINARY + ((fused_activation, activation_dtype) if op in FUSED_OPS else ()) for op in C_NAMES}
RULES["PowFusion"] = (one_output, inputs("x, exponent", 2, 2), pow_dtypes, quantized_8bit, arith_broadcast)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    a, b, y = ins[0], ins[1], outs[0]
    params = broadcast_params(a.shape, b.shape, y.shape)
    act = (node.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION") if node.op in FUSED_OPS else None
    params.update(act_type=act_code(None), in0_offset=0, in1_offset=0, out_offset=0, left_shift=0, in0_multiplier=0,
                  in0_shift=0, in1_multiplier=0, in1_shift=0, out_multiplier=0, out_shift=0,
                  rounding=rounding_code("single"), act_min=-128, act_max=127)
    # in-place: the output may take the memory of a non-constant input of its own size and dtype
    inplace = next((k for k, t in enumerate((a, b)) if not t.is_const and t.size == y.size and t.dtype == y.dtype),
                   None)
    common = dict(args=(PARAM, In(0), In(1), Out(0)), param_type="arith_param_t", inplace=inplace)

    if node.op == "PowFusion":
        params.update(in0_dtype=cconst(f"ARITH_DTYPE_{POW_DTYPES[a.dtype]}"),
                      in1_dtype=cconst(f"ARITH_DTYPE_{POW_DTYPES[b.dtype]}"),
                      scale=float(node.attr("scale", 1.0)), shift=float(node.attr("shift", 0.0)))
        return OpPlan(kernel="pow_fp32", kernel_sources=("fp32/arithmetic_math_fp32.c", _BASE),
                      header="fp32/arithmetic_fp32.h", params=params, libm=True, **common)

    name = C_NAMES[node.op]
    if a.dtype in (DType.FLOAT32, DType.FLOAT16):
        tag = "fp32" if a.dtype == DType.FLOAT32 else "fp16"
        params["act_type"] = act_code(act)
        libm = node.op in _LIBM_OPS
        source = f"{tag}/arithmetic_{'math_' if libm else ''}{tag}.c"
        return OpPlan(kernel=f"{name}_{tag}", kernel_sources=(source, _BASE), header=f"{tag}/arithmetic_{tag}.h",
                      params=params, libm=libm, **common)

    if quantized_int8(g, i) and node.op not in ("Maximum", "Minimum"):
        s1, z1 = qparams(a, "input 1")
        s2, z2 = qparams(b, "input 2")
        so, zo = qparams(y, "output")
        qmin, qmax = numerics.activation_range(act, so, zo, np.int8)
        params.update(in0_offset=-z1, in1_offset=-z2, out_offset=zo, act_min=int(qmin), act_max=int(qmax))
        if node.op in ("AddFusion", "SubFusion"):
            (m1, e1), (m2, e2), (mo, eo) = numerics.add_multipliers(s1, s2, so)
            table = add_table(node.op, z1, z2, m1, e1, m2, e2, eo)
            params.update(left_shift=numerics.ADD_LEFT_SHIFT, in0_multiplier=m1, in0_shift=e1, in1_multiplier=m2,
                          in1_shift=e2, out_multiplier=mo, out_shift=eo if table is None else min(eo, 0),
                          rounding=rounding_code(numerics.ROUNDING_ADD))
            common["args"] = (PARAM, In(0), In(1), NULL if table is None else Const("table"), Out(0))
            consts = () if table is None else (ConstArray("table", DType.INT32, table),)
        elif node.op == "MulFusion":
            m, e = numerics.mul_multiplier(s1, s2, so)
            params.update(out_multiplier=m, out_shift=e, rounding=rounding_code(numerics.ROUNDING_MUL))
            consts = ()
        else:
            raise Unsupported(f"quantized int8 {node.op} (see quantized_kernel)")
        return OpPlan(kernel=f"{name}_int8", kernel_sources=("int8/arithmetic_int8.c", _BASE),
                      header="int8/arithmetic_int8.h", params=params, consts=consts, **common)

    if a.dtype in INTEGER_TAGS:     # plain integers; quantized int8 Maximum / Minimum compare raw values
        return OpPlan(kernel=f"{name}_{INTEGER_TAGS[a.dtype]}",
                      kernel_sources=("base/arithmetic_integer_base.c", _BASE), header="base/arithmetic_base.h",
                      params=params, returns_status=True, **common)

    raise Unsupported(f"inputs {a.dtype.short} and {b.dtype.short} (see operand_dtypes)")


family(tuple(RULES), _plan, RULES)
