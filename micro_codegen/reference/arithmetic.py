"""Element-wise binary ops with numpy broadcasting: AddFusion, SubFusion, MulFusion,
DivFusion (fused activation), Maximum, Minimum, FloorDiv, FloorMod, Mod, SquaredDifference,
PowFusion.

Both inputs and the output share one dtype (PowFusion excepted, below). What each dtype
computes (the C kernels do the same, bit for bit except float32 within tolerance):

float32: the float32 operation, then the fused activation (TFLite reference); FloorDiv is
``floor(a / b)``, FloorMod ``fmod(a, b)`` plus ``b`` when the remainder is non-zero and its
sign differs from ``b``'s (the sign of the divisor), Mod ``fmod(a, b)`` (the sign of the
dividend), SquaredDifference ``(a - b) * (a - b)``.

float16: the float32 formula on the widened values, the fused activation, then rounded to
float16 (round to nearest even).

int8 AddFusion / SubFusion (TFLite reference ADD / SUB, ``left_shift = 20``)::

    twice_max = 2 * max(s1, s2)                       (double)
    (m1, e1) = quantize_multiplier(s1 / twice_max)    (m2, e2) likewise
    (mo, eo) = quantize_multiplier(twice_max / (2**20 * s_out))
    a = MBQM((x1 - z1) << 20, m1, e1);  b = MBQM((x2 - z2) << 20, m2, e2)
    y = clamp(MBQM(a ± b, mo, eo) + z_out, act_min, act_max)

int8 MulFusion (TFLite reference MUL)::

    (m, e) = quantize_multiplier(s1 * s2 / s_out)
    y = clamp(MBQM((x1 - z1) * (x2 - z2), m, e) + z_out, act_min, act_max)

Multipliers: :func:`~micro_codegen.numerics.add_multipliers` / ``mul_multiplier``; MBQM
rounding: ``numerics.ROUNDING_ADD`` / ``ROUNDING_MUL`` (verified against LiteRT BUILTIN_REF).
Quantized int8 Maximum / Minimum compare the raw values; input and output quantization must
be identical (TFLite's requirement). The other ops have no quantized int8 form (TFLite has
no int8 DIV).

Non-quantized integers (int8 .. int64, uint8 .. uint64 without quantization parameters; C
semantics): Add, Sub, Mul and SquaredDifference wrap modulo 2**bits; Div truncates toward
zero, FloorDiv rounds toward -inf, Mod takes the dividend's sign, FloorMod the divisor's;
``MIN / -1`` wraps to ``MIN``; a zero divisor is an error. No fused activation.

PowFusion: ``(scale * x + shift) ** y`` with the base in float32 (x widened to float32
first), the power in double, rounded to the float output; x and y may have any
non-quantized dtype each (the converter keeps ONNX's mixed-type Pow).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .activation import is_quantized
from .conv import get_activation, qparams
from .registry import OpContext, kernel


def _two(ctx: OpContext):
    if len(ctx.inputs) != 2:
        raise ctx.unsupported(f"needs 2 inputs, got {len(ctx.inputs)}")
    a, b = ctx.inputs
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ctx.unsupported(f"shapes {list(a.shape)} and {list(b.shape)} do not broadcast") from None
    return a, b


def _quantized(ctx: OpContext) -> bool:
    """Whether the node's tensors are quantized int8 (all of them: a mix is unsupported)."""
    q = [is_quantized(t) for t in list(ctx.in_tensors) + list(ctx.out_tensors)]
    if any(q) and not all(q):
        raise ctx.unsupported("quantized and non-quantized tensors mixed")
    return bool(q) and all(q)


def float_floor_mod(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``fmod(a, b)``, plus ``b`` where the remainder is non-zero and its sign differs from
    ``b``'s (float32 in, float32 out, as the C kernel)."""
    r = np.fmod(a, b)
    return np.where((r != 0) & ((r < 0) != (b < 0)), r + b, r).astype(a.dtype)


#: float formulas, applied to float32 arrays
_FLOAT = {
    "AddFusion": np.add, "SubFusion": np.subtract, "MulFusion": np.multiply, "DivFusion": np.divide,
    "Maximum": np.maximum, "Minimum": np.minimum,
    "FloorDiv": lambda a, b: np.floor(a / b), "FloorMod": float_floor_mod, "Mod": np.fmod,
    "SquaredDifference": lambda a, b: (a - b) * (a - b),
}
_DIVISIONS = ("DivFusion", "FloorDiv", "FloorMod", "Mod")


def _float(op: str, a: np.ndarray, b: np.ndarray, act: str, out_dtype) -> np.ndarray:
    a32, b32 = np.asarray(a, np.float32), np.asarray(b, np.float32)
    with np.errstate(all="ignore"):
        y = np.asarray(_FLOAT[op](a32, b32), dtype=np.float32)
        return numerics.float_activation(y, act).astype(out_dtype)


def integer_binary(op: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The non-quantized integer form of ``op`` (module docstring) in the inputs' dtype;
    ZeroDivisionError for a zero divisor of a division."""
    dt = np.result_type(a, b)
    a, b = np.broadcast_arrays(np.asarray(a, dt), np.asarray(b, dt))
    with np.errstate(all="ignore"):
        au, bu = a.astype(np.uint64), b.astype(np.uint64)    # modulo 2**64, C's conversion
        if op in ("AddFusion", "SubFusion", "MulFusion", "SquaredDifference"):
            if op == "AddFusion":
                r = au + bu
            elif op == "SubFusion":
                r = au - bu
            elif op == "MulFusion":
                r = au * bu
            else:
                d = au - bu
                r = d * d
            return r.astype(dt)                               # wraps modulo 2**bits
        if op == "Maximum":
            return np.maximum(a, b)
        if op == "Minimum":
            return np.minimum(a, b)
        if np.any(b == 0):
            raise ZeroDivisionError("integer division by zero")
        if np.issubdtype(dt, np.unsignedinteger):
            return (a // b if op in ("DivFusion", "FloorDiv") else a % b).astype(dt)
        minus_one = b == -1
        bs = np.where(minus_one, dt.type(1), b)               # x / -1 below, without MIN / -1
        neg = (np.uint64(0) - au).astype(dt)                  # -x, wrapping (MIN stays MIN)
        if op == "DivFusion":
            r = (a - np.fmod(a, bs)) // bs                     # exact: the remainder is removed
        elif op == "FloorDiv":
            r = np.floor_divide(a, bs)
        elif op == "Mod":
            r = np.fmod(a, bs)
        else:
            r = np.remainder(a, bs)
        if op in ("DivFusion", "FloorDiv"):
            return np.where(minus_one, neg, r).astype(dt)
        return np.where(minus_one, dt.type(0), r).astype(dt)


def _binary(ctx: OpContext):
    op = ctx.node.op
    a, b = _two(ctx)
    act = get_activation(ctx) if op in ("AddFusion", "SubFusion", "MulFusion", "DivFusion") else "NO_ACTIVATION"
    yt = ctx.out_tensors[0]
    if not (a.dtype == b.dtype == yt.dtype.np):
        raise ctx.unsupported(f"inputs {a.dtype}, {b.dtype} and output {yt.dtype.short} must share one dtype")
    if a.dtype in (np.float32, np.float16):
        return [_float(op, a, b, act, a.dtype)]
    if _quantized(ctx):
        return [_quantized_binary(ctx, op, a, b, act)]
    if not np.issubdtype(a.dtype, np.integer):
        raise ctx.unsupported(f"dtype {a.dtype} is not supported")
    if act != "NO_ACTIVATION":
        raise ctx.unsupported(f"fused activation {act} on {a.dtype} inputs")
    try:
        return [integer_binary(op, a, b)]
    except ZeroDivisionError:
        raise ctx.unsupported("integer division by zero") from None


def _quantized_binary(ctx: OpContext, op: str, a, b, act):
    """Quantized int8 (TFLite reference, module docstring)."""
    if a.dtype != np.int8:
        raise ctx.unsupported(f"quantized {a.dtype} is not supported (int8 only)")
    s1, z1 = qparams(ctx, ctx.in_tensors[0], "input 1")
    s2, z2 = qparams(ctx, ctx.in_tensors[1], "input 2")
    so, zo = qparams(ctx, ctx.out_tensors[0], "output")
    if op in ("Maximum", "Minimum"):
        if len({(s1, z1), (s2, z2), (so, zo)}) != 1:
            raise ctx.unsupported("quantized Maximum/Minimum need identical input and output quantization")
        return _FLOAT[op](a, b).astype(np.int8)
    qmin, qmax = numerics.activation_range(act, so, zo, np.int8)
    x1 = a.astype(np.int64) - z1
    x2 = b.astype(np.int64) - z2
    if op in ("AddFusion", "SubFusion"):
        (m1, e1), (m2, e2), (mo, eo) = numerics.add_multipliers(s1, s2, so)
        r, shift = numerics.ROUNDING_ADD, numerics.ADD_LEFT_SHIFT
        sa = numerics.multiply_by_quantized_multiplier(x1 << shift, m1, e1, r)
        sb = numerics.multiply_by_quantized_multiplier(x2 << shift, m2, e2, r)
        raw = sa + sb if op == "AddFusion" else sa - sb
        y = numerics.multiply_by_quantized_multiplier(raw, mo, eo, r) + zo
    elif op == "MulFusion":
        m, e = numerics.mul_multiplier(s1, s2, so)
        y = numerics.multiply_by_quantized_multiplier(x1 * x2, m, e, numerics.ROUNDING_MUL) + zo
    else:
        raise ctx.unsupported(f"quantized int8 {op} is not supported (TFLite has no int8 form)")
    return np.clip(y, qmin, qmax).astype(np.int8)


@kernel(*_FLOAT)
def binary(ctx: OpContext):
    """Element-wise ``op(a, b)`` with broadcasting (module docstring)."""
    return _binary(ctx)


@kernel("PowFusion")
def pow_fusion(ctx: OpContext):
    """``(scale * x + shift) ** y`` (y = input 1), float output (module docstring)."""
    x, y = _two(ctx)
    if any(is_quantized(t) for t in list(ctx.in_tensors) + list(ctx.out_tensors)):
        raise ctx.unsupported("quantized PowFusion is not supported")
    tout = ctx.out_tensors[0]
    if not np.issubdtype(tout.dtype.np, np.floating):
        raise ctx.unsupported(f"PowFusion with a {tout.dtype.short} output is not supported")
    with np.errstate(all="ignore"):
        base = np.float32(ctx.attr("scale", 1.0)) * x.astype(np.float32) + np.float32(ctx.attr("shift", 0.0))
        r = np.power(base.astype(np.float64), y.astype(np.float32).astype(np.float64))
        return [r.astype(np.float32).astype(tout.dtype.np)]
