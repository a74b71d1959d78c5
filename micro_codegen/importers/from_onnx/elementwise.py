"""Elementwise ONNX operators: unary math, activations, broadcasting arithmetic, comparisons,
logic, IsNaN / IsInf, Where, Cast, and the (De)QuantizeLinear nodes left at the graph edges by the QDQ fold.

Every operator here is layout-agnostic: it runs in the layout its inputs are held in
(:meth:`Context.common_layout`; lower-rank operands of an NHWC op are expanded and permuted by
:meth:`Context.broadcast_tensor`), so a chain of elementwise ops between two convolutions stays
NHWC without transposes.

The mapping is the official converter's (op names, ``Activation`` types, a const ``Cast`` target
type input), with ONNX semantics where the converter loses them: the attribute defaults of
LeakyRelu (alpha 0.01), Elu (1.0) and Celu are written; HardSigmoid keeps its alpha / beta
(MindSpore's HSIGMOID is only ``alpha = 1/6, beta = 0.5``, so any other pair becomes
``clamp(alpha * x + beta, 0, 1)`` with Mul, Add and HARD_TANH); Gelu keeps ``approximate``;
Selu with non-default alpha / gamma is ``gamma * ELU_alpha``. Operators without an IR kernel
are composed from ones that have one: Mean (Add chain, Div), Celu (Div, ELU, Mul),
ThresholdedRelu (Greater, Where), Mish (SOFTPLUS, TANH, Mul), integer Pow (Cast, Pow, Cast),
Xor (NotEqual on bools), IsNaN (``x != x``), IsInf (Abs, Equal), Sinh, Cosh, Tan, Asinh, Acosh,
Atanh (:data:`_COMPOSED`).
"""
from __future__ import annotations

import numpy as np

from ...ir import DType
from .context import NHWC, ONNX_DTYPES, Context, channels_last, converter, permute

FLT_MAX = float(np.finfo(np.float32).max)

#: ONNX op -> IR op with the same semantics, one input
_UNARY = {"Abs": "Abs", "Neg": "Neg", "Sqrt": "Sqrt", "Log": "Log", "Floor": "Floor", "Ceil": "Ceil",
          "Round": "Round", "Reciprocal": "Reciprocal", "Sin": "Sin", "Cos": "Cos", "Erf": "Erf",
          "Not": "LogicalNot"}
#: ONNX op -> ActivationType without parameters
_ACTIVATIONS = {"Sigmoid": "SIGMOID", "Tanh": "TANH", "Softplus": "SOFTPLUS", "Softsign": "SOFTSIGN",
                "HardSwish": "HSWISH", "Sign": "SIGN"}
#: broadcasting binary ONNX op -> IR op
_BINARY = {"Add": "AddFusion", "Sub": "SubFusion", "Mul": "MulFusion", "Div": "DivFusion",
           "Equal": "Equal", "Less": "Less", "Greater": "Greater", "LessOrEqual": "LessEqual",
           "GreaterOrEqual": "GreaterEqual", "And": "LogicalAnd", "Or": "LogicalOr", "Xor": "NotEqual"}
#: variadic ONNX op -> the IR op chained over its inputs
_VARIADIC = {"Max": "Maximum", "Min": "Minimum", "Sum": "AddFusion", "Mean": "AddFusion"}
#: ONNX float defaults of the SELU constants (alpha, gamma)
_SELU = (1.67326319217681884765625, 1.05070102214813232421875)


# ---------------------------------------------------------------- helpers

def _out_layout(ctx: Context, names) -> str:
    """The layout an elementwise op over ``names`` runs in."""
    return ctx.common_layout([n for n in names if n])


def _const(ctx: Context, name: str, value, dtype: DType) -> int:
    """A new constant IR tensor holding scalar ``value`` in ``dtype`` (shape [1])."""
    return ctx.const_tensor(f"{ctx.name}_{name}", np.array([value], dtype=dtype.np))


def _layout_const(ctx: Context, suffix: str, array: np.ndarray, layout: str) -> int:
    """A new constant operand of a broadcasting op whose output is held in ``layout`` (expanded to
    the output's rank and permuted when NHWC)."""
    a = np.asarray(array)
    if layout == NHWC:
        rank = ctx.rank(ctx.outputs[0])
        a = a.reshape((1,) * (rank - a.ndim) + a.shape).transpose(channels_last(rank))
    return ctx.const_tensor(f"{ctx.name}_{suffix}", a)


def _temp(ctx: Context, suffix: str, dtype: DType, ref: str, layout: str) -> int:
    """A new activation shaped like ONNX value ``ref`` held in ``layout`` (an intermediate result)."""
    return ctx.new_tensor(f"{ctx.outputs[0]}_{suffix}", dtype, ctx.ir_shape(ref, layout))


def _compose(ctx: Context, steps: list[tuple]) -> None:
    """A float function of input 0 as IR nodes, in the input's layout: each step is ``(IR op,
    operands, attrs)`` with operands ``"x"`` (the input), ``k`` (step k's result) or a float (a
    constant); the last step writes output 0."""
    x = ctx.inputs[0]
    layout, dt = ctx.layout(x), ctx.dtype(x)
    results: list[int] = []
    for k, (op, operands, attrs) in enumerate(steps):
        ins = [ctx.tensor(x) if a == "x" else _const(ctx, f"c{k}_{j}", a, dt) if isinstance(a, float) else results[a]
               for j, a in enumerate(operands)]
        last = k == len(steps) - 1
        out = ctx.output(0, layout) if last else _temp(ctx, f"{k}", dt, x, layout)
        ctx.add_node(op, ins, [out], name=ctx.name if last else f"{ctx.name}_{k}", **attrs)
        results.append(out)


def _activation(ctx: Context, act: str, **params) -> None:
    x = ctx.inputs[0]
    ctx.emit("Activation", [ctx.tensor(x)], ctx.layout(x), activation_type=act, **params)


def _f32(v: float) -> float:
    return float(np.float32(v))


# ---------------------------------------------------------------- unary

@converter(*_UNARY)
def unary(ctx: Context) -> None:
    x = ctx.inputs[0]
    ctx.emit(_UNARY[ctx.op_type], [ctx.tensor(x)], ctx.layout(x))


@converter("Exp")
def exp(ctx: Context) -> None:
    """``ExpFusion`` with base e (-1), scale 1, shift 0, as the official converter writes it."""
    x = ctx.inputs[0]
    ctx.emit("ExpFusion", [ctx.tensor(x)], ctx.layout(x), base=-1.0, scale=1.0, shift=0.0)


# ---------------------------------------------------------------- activations

@converter(*_ACTIVATIONS)
def activation(ctx: Context) -> None:
    _activation(ctx, _ACTIVATIONS[ctx.op_type])


@converter("Relu")
def relu(ctx: Context) -> None:
    """``Activation RELU`` with the bounds the official converter writes (0, FLT_MAX)."""
    _activation(ctx, "RELU", min_val=0.0, max_val=FLT_MAX)


@converter("LeakyRelu")
def leaky_relu(ctx: Context) -> None:
    _activation(ctx, "LEAKY_RELU", alpha=_f32(ctx.attr("alpha", 0.01)))


@converter("Elu")
def elu(ctx: Context) -> None:
    _activation(ctx, "ELU", alpha=_f32(ctx.attr("alpha", 1.0)))


@converter("Selu")
def selu(ctx: Context) -> None:
    """SELU with ONNX's default constants; other alpha / gamma: ``gamma * ELU_alpha(x)``."""
    alpha, gamma = _f32(ctx.attr("alpha", _SELU[0])), _f32(ctx.attr("gamma", _SELU[1]))
    if (alpha, gamma) == (_f32(_SELU[0]), _f32(_SELU[1])):
        _activation(ctx, "SELU")
        return
    _compose(ctx, [("Activation", ["x"], dict(activation_type="ELU", alpha=alpha)), ("MulFusion", [0, gamma], {})])


@converter("Celu")
def celu(ctx: Context) -> None:
    """``alpha * ELU_1(x / alpha)``."""
    alpha = _f32(ctx.attr("alpha", 1.0))
    if alpha == 1.0:
        _activation(ctx, "ELU", alpha=1.0)
        return
    _compose(ctx, [("DivFusion", ["x", alpha], {}), ("Activation", [0], dict(activation_type="ELU", alpha=1.0)),
                   ("MulFusion", [1, alpha], {})])


@converter("HardSigmoid")
def hard_sigmoid(ctx: Context) -> None:
    """``clamp(alpha * x + beta, 0, 1)`` (ONNX defaults alpha 0.2, beta 0.5): MindSpore's HSIGMOID
    when alpha = 1/6 and beta = 0.5, else Mul, Add and HARD_TANH [0, 1]."""
    alpha, beta = _f32(ctx.attr("alpha", 0.2)), _f32(ctx.attr("beta", 0.5))
    if alpha == _f32(1 / 6) and beta == 0.5:
        _activation(ctx, "HSIGMOID")
        return
    _compose(ctx, [("MulFusion", ["x", alpha], {}), ("AddFusion", [0, beta], {}),
                   ("Activation", [1], dict(activation_type="HARD_TANH", min_val=0.0, max_val=1.0))])


@converter("Mish")
def mish(ctx: Context) -> None:
    """``x * tanh(softplus(x))``."""
    _compose(ctx, [("Activation", ["x"], dict(activation_type="SOFTPLUS")),
                   ("Activation", [0], dict(activation_type="TANH")), ("MulFusion", ["x", 1], {})])


_EXP = ("ExpFusion", dict(base=-1.0, scale=1.0, shift=0.0))
_EXP_NEG = ("ExpFusion", dict(base=-1.0, scale=-1.0, shift=0.0))
#: float functions without an IR kernel, composed from IR ops (``_compose`` steps)
_COMPOSED = {
    "Sinh": [(_EXP[0], ["x"], _EXP[1]), (_EXP_NEG[0], ["x"], _EXP_NEG[1]), ("SubFusion", [0, 1], {}),
             ("MulFusion", [2, 0.5], {})],
    "Cosh": [(_EXP[0], ["x"], _EXP[1]), (_EXP_NEG[0], ["x"], _EXP_NEG[1]), ("AddFusion", [0, 1], {}),
             ("MulFusion", [2, 0.5], {})],
    "Tan": [("Sin", ["x"], {}), ("Cos", ["x"], {}), ("DivFusion", [0, 1], {})],
    "Asinh": [("MulFusion", ["x", "x"], {}), ("AddFusion", [0, 1.0], {}), ("Sqrt", [1], {}),
              ("AddFusion", ["x", 2], {}), ("Log", [3], {})],
    "Acosh": [("MulFusion", ["x", "x"], {}), ("SubFusion", [0, 1.0], {}), ("Sqrt", [1], {}),
              ("AddFusion", ["x", 2], {}), ("Log", [3], {})],
    "Atanh": [("AddFusion", ["x", 1.0], {}), ("SubFusion", [1.0, "x"], {}), ("DivFusion", [0, 1], {}),
              ("Log", [2], {}), ("MulFusion", [3, 0.5], {})],
}


@converter(*_COMPOSED)
def composed(ctx: Context) -> None:
    """sinh, cosh = (e^x -+ e^-x) / 2; tan = sin / cos; asinh, acosh = log(x + sqrt(x^2 +- 1));
    atanh = log((1 + x) / (1 - x)) / 2."""
    _compose(ctx, _COMPOSED[ctx.op_type])


@converter("ThresholdedRelu")
def thresholded_relu(ctx: Context) -> None:
    """``x if x > alpha else 0`` (alpha default 1.0): Greater + Where."""
    x = ctx.inputs[0]
    layout, dt = ctx.layout(x), ctx.dtype(x)
    xt = ctx.tensor(x)
    mask = _temp(ctx, "mask", DType.BOOL, x, layout)
    ctx.add_node("Greater", [xt, _const(ctx, "alpha", _f32(ctx.attr("alpha", 1.0)), dt)], [mask],
                 name=f"{ctx.name}_mask")
    ctx.emit("Where", [mask, xt, _const(ctx, "zero", 0, dt)], layout)


@converter("Gelu")
def gelu(ctx: Context) -> None:
    approximate = ctx.attr("approximate", "none")
    if approximate not in ("none", "tanh"):
        raise ctx.unsupported(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    _activation(ctx, "GELU", approximate=approximate == "tanh")


@converter("Clip")
def clip(ctx: Context) -> None:
    """Constant bounds: ``Activation`` RELU (0, none), RELU6 (0, 6) or HARD_TANH (min_val / max_val;
    a missing bound is the float32 extreme), as the official converter writes them. Bounds computed
    at run time: the positional ``Clip(x, min, max)`` with a missing bound as the dtype's extreme."""
    x = ctx.inputs[0]
    lo = ctx.const(ctx.inputs[1]) if ctx.has_input(1) else None
    hi = ctx.const(ctx.inputs[2]) if ctx.has_input(2) else None
    bounds_const = (lo is not None or not ctx.has_input(1)) and (hi is not None or not ctx.has_input(2))
    lo = None if lo is None else np.asarray(lo).reshape(-1)[0].item()
    hi = None if hi is None else np.asarray(hi).reshape(-1)[0].item()
    if bounds_const:
        if lo == 0 and hi is None:
            _activation(ctx, "RELU", min_val=0.0, max_val=FLT_MAX)
        elif lo == 0 and hi == 6:
            _activation(ctx, "RELU6", min_val=0.0, max_val=6.0)
        else:
            _activation(ctx, "HARD_TANH", min_val=-FLT_MAX if lo is None else float(lo),
                        max_val=FLT_MAX if hi is None else float(hi))
        return
    dt = ctx.dtype(x)
    info = np.finfo(dt.np) if np.issubdtype(dt.np, np.floating) else np.iinfo(dt.np)
    bounds = [ctx.tensor(ctx.inputs[k]) if ctx.has_input(k) else _const(ctx, name, v, dt)
              for k, name, v in ((1, "min", info.min), (2, "max", info.max))]
    ctx.emit("Clip", [ctx.tensor(x), *bounds], ctx.layout(x), min=-FLT_MAX, max=FLT_MAX)


# ---------------------------------------------------------------- binary / variadic

@converter(*_BINARY)
def binary(ctx: Context) -> None:
    """Broadcasting binary op in the layout its inputs are held in."""
    a, b = ctx.inputs[:2]
    if ctx.op_type == "Xor" and (ctx.dtype(a) != DType.BOOL or ctx.dtype(b) != DType.BOOL):
        raise ctx.unsupported("Xor needs bool inputs")
    layout = _out_layout(ctx, [a, b])
    ctx.emit(_BINARY[ctx.op_type], [ctx.broadcast_tensor(a, layout), ctx.broadcast_tensor(b, layout)], layout)


@converter("Mod")
def mod(ctx: Context) -> None:
    """``fmod = 0``: the remainder takes the divisor's sign (FloorMod; for floats as opset 28
    defines it); ``fmod = 1``: the dividend's (Mod, C ``fmod``)."""
    a, b = ctx.inputs[:2]
    fmod = int(ctx.attr("fmod", 0))
    layout = _out_layout(ctx, [a, b])
    ctx.emit("Mod" if fmod else "FloorMod", [ctx.broadcast_tensor(a, layout), ctx.broadcast_tensor(b, layout)],
             layout)


@converter(*_VARIADIC)
def variadic(ctx: Context) -> None:
    """Max / Min / Sum / Mean of one or more broadcasting inputs: the IR op chained left to right
    (Mean: then divided by the count)."""
    names = [n for n in ctx.inputs if n]
    op = _VARIADIC[ctx.op_type]
    layout = _out_layout(ctx, names)
    out_name = ctx.outputs[0]
    dt = ctx.dtype(out_name)
    steps = len(names) - 1 + (ctx.op_type == "Mean")
    if steps == 0:                      # one input: a copy
        ctx.emit("Reshape", [ctx.tensor(names[0], layout),
                             ctx.const_tensor(f"{ctx.name}_shape",
                                              np.array(ctx.ir_shape(out_name, layout), np.int32))], layout)
        return
    cur = ctx.broadcast_tensor(names[0], layout)
    shape = ctx.shape(names[0])
    for k in range(steps):
        last = k == steps - 1
        if k < len(names) - 1:
            other, this_op = ctx.broadcast_tensor(names[k + 1], layout), op
            shape = np.broadcast_shapes(shape, ctx.shape(names[k + 1]))
        else:                           # Mean: divide by the count
            other, this_op = _const(ctx, "count", len(names), dt), "DivFusion"
        if last:
            out = ctx.output(0, layout)
        else:
            rank = ctx.rank(out_name)
            full = (1,) * (rank - len(shape)) + tuple(shape) if layout == NHWC else tuple(shape)
            out = ctx.new_tensor(f"{out_name}_{k}", dt, permute(full, layout))
        ctx.add_node(this_op, [cur, other], [out], name=ctx.name if last else f"{ctx.name}_{k}")
        cur = out


@converter("IsNaN")
def is_nan(ctx: Context) -> None:
    """``x != x``."""
    x = ctx.inputs[0]
    xt = ctx.tensor(x)
    ctx.emit("NotEqual", [xt, xt], ctx.layout(x))


@converter("IsInf")
def is_inf(ctx: Context) -> None:
    """``|x| == inf``; only one sign detected: ``x == +inf`` / ``x == -inf``; neither: ``x == NaN``
    (always false)."""
    x = ctx.inputs[0]
    pos, neg = int(ctx.attr("detect_positive", 1)), int(ctx.attr("detect_negative", 1))
    layout, dt = ctx.layout(x), ctx.dtype(x)
    xt = ctx.tensor(x)
    if pos and neg:
        ab = _temp(ctx, "abs", dt, x, layout)
        ctx.add_node("Abs", [xt], [ab], name=f"{ctx.name}_abs")
        xt, target = ab, np.inf
    else:
        target = np.inf if pos else -np.inf if neg else np.nan
    ctx.emit("Equal", [xt, _const(ctx, "inf", target, dt)], layout)


def _powers_of_two(exponents: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``2 ** exponents`` in integer ``dtype``, wrapping modulo 2**bits (``2**(bits-1)`` of a signed
    type is its minimum, which multiplies like the unsigned value)."""
    unsigned = np.dtype(f"u{dtype.itemsize}")
    return np.left_shift(np.ones_like(exponents, dtype=unsigned), exponents.astype(unsigned)).view(dtype)


@converter("BitShift")
def bit_shift(ctx: Context) -> None:
    """By constant amounts ``b`` (input 1): LEFT is ``x * 2**b`` (wrapping), RIGHT is ``floor(x / 2**b)``
    (arithmetic for signed types) as one or two FloorDivs whose divisors fit the type; an amount
    outside ``0..bits-1`` gives 0 (RIGHT of a negative signed value: -1), as ONNX opset 28."""
    x, y = ctx.inputs[:2]
    dt = ctx.dtype(x).np
    if dt.kind not in "iu":
        raise ctx.unsupported(f"BitShift needs integer inputs, got {ctx.dtype(x).short}")
    b = np.asarray(ctx.require_const(1, "the shift amounts"), np.int64)
    bits = dt.itemsize * 8
    valid = (b >= 0) & (b < bits)
    layout = _out_layout(ctx, [x, y])
    xt = ctx.broadcast_tensor(x, layout)
    name = ctx.outputs[0]
    operand = lambda suffix, a: _layout_const(ctx, suffix, a, layout)  # noqa: E731
    if ctx.attr("direction") == "LEFT":
        mult = np.where(valid, _powers_of_two(np.where(valid, b, 0), dt), 0).astype(dt)
        ctx.emit("MulFusion", [xt, operand("multiplier", mult)], layout)
        return
    if ctx.attr("direction") != "RIGHT":
        raise ctx.unsupported(f"direction must be LEFT or RIGHT, got {ctx.attr('direction')!r}")
    cap = bits - 1 if dt.kind == "u" else bits - 2          # the largest power of two the type holds
    total = np.where(valid, b, cap + 1)
    first = np.minimum(total, cap)
    div1 = operand("divisor", _powers_of_two(first, dt))
    if np.all(total == first):
        ctx.emit("FloorDiv", [xt, div1], layout)
        return
    mid = ctx.new_tensor(f"{name}_partial", ctx.dtype(x), ctx.ir_shape(name, layout))
    ctx.add_node("FloorDiv", [xt, div1], [mid], name=f"{ctx.name}_partial")
    ctx.emit("FloorDiv", [mid, operand("divisor2", _powers_of_two(total - first, dt))], layout)


@converter("Pow")
def power(ctx: Context) -> None:
    """``PowFusion`` (scale 1, shift 0) with the exponent as input 1; an integer base is computed
    in float32 and cast back (exact while the powers fit float32's 24-bit mantissa)."""
    x, y = ctx.inputs[:2]
    layout = _out_layout(ctx, [x, y])
    dt = ctx.dtype(ctx.outputs[0])
    xt, yt = ctx.broadcast_tensor(x, layout), ctx.broadcast_tensor(y, layout)
    if np.issubdtype(dt.np, np.floating):
        ctx.emit("PowFusion", [xt, yt], layout, scale=1.0, shift=0.0)
        return
    xf = ctx.new_tensor(f"{ctx.outputs[0]}_base", DType.FLOAT32, ctx.tensors[xt].shape)
    ctx.add_node("Cast", [xt, _const(ctx, "to_f32", DType.FLOAT32.value, DType.INT32)], [xf], name=f"{ctx.name}_base")
    pf = ctx.new_tensor(f"{ctx.outputs[0]}_f32", DType.FLOAT32, ctx.ir_shape(ctx.outputs[0], layout))
    ctx.add_node("PowFusion", [xf, yt], [pf], name=f"{ctx.name}_pow", scale=1.0, shift=0.0)
    ctx.emit("Cast", [pf, _const(ctx, "to", dt.value, DType.INT32)], layout)


@converter("Where")
def where(ctx: Context) -> None:
    names = ctx.inputs[:3]
    layout = _out_layout(ctx, names)
    ctx.emit("Where", [ctx.broadcast_tensor(n, layout) for n in names], layout)


# ---------------------------------------------------------------- casts

def _cast_to(ctx: Context, dtype: DType) -> None:
    """``Cast`` with the target type id as an int32 const input, as the official converter."""
    x = ctx.inputs[0]
    ctx.emit("Cast", [ctx.tensor(x), _const(ctx, "to", dtype.value, DType.INT32)], ctx.layout(x))


@converter("Cast")
def cast(ctx: Context) -> None:
    """To the IR dtype of ONNX type ``to`` (int64 -> int32, double -> float32, as the whole importer)."""
    to = int(ctx.attr("to"))
    if to not in ONNX_DTYPES:
        raise ctx.unsupported(f"Cast to ONNX element type {to} is not supported (IR types: bool, int8-32, "
                              f"uint8-64, float16, float32; int64 and double become int32 and float32)")
    _cast_to(ctx, ONNX_DTYPES[to])


@converter("CastLike")
def cast_like(ctx: Context) -> None:
    _cast_to(ctx, ctx.dtype(ctx.inputs[1]))


# ---------------------------------------------------------------- graph-edge (de)quantization

@converter("QuantizeLinear", "DequantizeLinear")
def quant_cast(ctx: Context) -> None:
    """A QuantizeLinear / DequantizeLinear the QDQ fold left (float <-> int8 at the graph edges) ->
    ``QuantDTypeCast``; the integer side carries the quantization (``qdq.fold_qdq`` gives it a QInfo).
    QuantDTypeCast rounds ties away from zero where ONNX rounds them to even (1 LSB on exact ties)."""
    x, y = ctx.inputs[0], ctx.outputs[0]
    qname = y if ctx.op_type == "QuantizeLinear" else x
    q = ctx.qinfo.get(qname)
    if q is None:
        raise ctx.unsupported(_why_not_quantized(ctx, qname))
    src, dst = ctx.dtype(x), ctx.dtype(y)
    layout = ctx.layout(x)
    axis = 0 if q.axis is None else ctx.axis(x, q.axis)
    ctx.emit("QuantDTypeCast", [ctx.tensor(x)], layout, src_t=src.value, dst_t=dst.value, axis=axis)


def _why_not_quantized(ctx: Context, qname: str) -> str:
    """Why the QDQ fold gave ``qname`` no quantization (the rule it breaks)."""
    if int(ctx.attr("block_size", 0) or 0):
        return "blocked quantization (block_size) is not supported: scales per tensor or per channel only"
    if not all(ctx.is_const(n) for n in ctx.inputs[1:] if n):
        return "the scale and zero point must be constants"
    return (f"'{qname}' is {ctx.dtype(qname).short}: quantized tensors must be int8 or uint8 "
            f"(int32 only as a Conv / Gemm bias)")
