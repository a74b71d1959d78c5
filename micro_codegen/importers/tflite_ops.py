"""TFLite builtin operator -> MindSpore primitive: the one table (:data:`MAPPERS`).

Each mapper takes a :class:`MapContext` and returns the IR op name, its attributes and its
inputs in MindSpore order (TFLite tensor indices, or :class:`from_tflite.NewConst` for a
constant the IR takes as an input where TFLite has an option). Weight layouts the IR wants
differently are recorded in ``ctx.overrides`` (depthwise ``[1, kh, kw, C]`` ->
``[C, kh, kw, 1]``; transpose-conv ``[Cout, kh, kw, Cin]`` -> ``[Cin, kh, kw, Cout]``).

The attribute values are those the official converter writes for the ops the shared models
use (Conv2DFusion, AvgPoolFusion, MaxPoolFusion, FullConnection, AddFusion, Reshape, Softmax,
ReduceFusion, Concat); for the other ops they follow the MindSpore Lite TFLite parsers'
encoding (fields a parser does not set keep the schema defaults; an attribute the parser
keeps as a constant input is named ``<node>_<attr>``, e.g. Gather's ``_axis``, Cast's ``_to``).

Deliberate differences from the converter, where it would write a wrong or no graph:
SOFTMAX with beta != 1 and a fused activation on CONCATENATION are refused (the converter
drops them silently); a fused TANH / SIGN_BIT is refused (the IR fuses NONE, RELU, RELU6,
RELU1); RELU_N1_TO_1 (standalone or fused) becomes RELU1 and PADV2 a PadFusion with a value
input (the converter has no parser for them); a grouped CONV_2D gets its real ``group``
(the converter writes 1).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from ..ir import DType
from ..ms_model import primitives as prim
from .from_tflite import NewConst, TflModel, TflOp, TflTensor, dtype_of

#: TFLite ActivationFunctionType -> MindSpore ActivationType (TANH and SIGN_BIT: refused)
FUSED = {0: "NO_ACTIVATION", 1: "RELU", 2: "RELU1", 3: "RELU6"}
_FUSED_NAMES = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
#: TFLite Padding
_PADDING = {0: "SAME", 1: "VALID"}


@dataclass
class Mapped:
    name: str
    builtin: str
    op: str
    attrs: dict
    inputs: tuple
    outputs: tuple


@dataclass
class MapContext:
    model: TflModel
    op: TflOp
    source: str
    overrides: dict = field(default_factory=dict)

    # -- messages
    def fail(self, rule: str) -> UnsupportedOpError:
        return UnsupportedOpError(f"{self.op.builtin} '{self.op.name}' (node {self.op.index}): {rule}")

    # -- tensors
    def tin(self, i: int) -> TflTensor | None:
        """Input ``i`` (None when absent or -1)."""
        ins = self.op.inputs
        return self.model.tensors[ins[i]] if i < len(ins) and ins[i] >= 0 else None

    def tout(self, i: int = 0) -> TflTensor:
        return self.model.tensors[self.op.outputs[i]]

    def const(self, i: int, what: str) -> np.ndarray:
        t = self.tin(i)
        if t is None or t.data is None:
            raise self.fail(f"the {what} (input {i}) must be a constant tensor")
        return t.array

    def opt(self, key: str, default=None):
        return self.op.options.get(key, default)

    def fused(self) -> str:
        code = int(self.opt("fused_activation_function", 0))
        if code not in FUSED:
            raise self.fail(f"fused activation {_FUSED_NAMES.get(code, code)} is not supported "
                            f"(the IR fuses NONE, RELU, RELU_N1_TO_1, RELU6)")
        return FUSED[code]

    def present(self, *idx: int) -> tuple[int, ...]:
        """The TFLite indices of inputs ``idx`` that are present (-1 left out)."""
        return tuple(self.op.inputs[i] for i in idx if i < len(self.op.inputs) and self.op.inputs[i] >= 0)

    def new_const(self, suffix: str, values, dtype: DType = DType.INT32) -> NewConst:
        arr = np.asarray(values, dtype=dtype.np)
        return NewConst(f"{self.op.name}_{suffix}", dtype, tuple(arr.shape), arr.astype(dtype.np.newbyteorder("<"))
                        .tobytes())


def attrs(op: str, **given) -> dict:
    """All attributes of primitive ``op``: the schema defaults, updated with ``given``."""
    out = prim.attrs_from_table(op, prim.table_class(op)())
    unknown = set(given) - set(out)
    if unknown:  # pragma: no cover - a mapper bug
        raise KeyError(f"{op} has no attribute(s) {sorted(unknown)}")
    out.update(given)
    return out


def map_op(ctx: MapContext) -> Mapped:
    """Map ``ctx.op``; UnsupportedOpError naming the node for anything the IR cannot express."""
    op = ctx.op
    if op.builtin == "CUSTOM":
        raise ctx.fail(f"custom operator '{op.custom_code}' is not supported")
    fn = MAPPERS.get(op.builtin)
    if fn is None:
        raise ctx.fail(f"TFLite operator {op.builtin} has no MindSpore Lite equivalent in micro_codegen")
    for i in op.inputs + op.outputs:
        if i >= 0:
            dtype_of(ctx.model.tensors[i], f"{ctx.source}: {op.builtin} '{op.name}' (node {op.index})")
    ms_op, a, ins = fn(ctx)
    return Mapped(op.name, op.builtin, ms_op, a, tuple(ins), tuple(i for i in op.outputs if i >= 0))


# ---------------------------------------------------------------- helpers

def _same_pads(in_hw, k_hw, stride, dilation) -> tuple[int, int, int, int]:
    """TFLite SAME padding as ``(top, bottom, left, right)``."""
    k_eff = [(k - 1) * d + 1 for k, d in zip(k_hw, dilation)]
    oh, ow, top, left = numerics.resolve_padding("SAME", in_hw, k_eff, stride, None)
    bottom = max((oh - 1) * stride[0] + k_eff[0] - in_hw[0], 0) - top
    right = max((ow - 1) * stride[1] + k_eff[1] - in_hw[1], 0) - left
    return top, bottom, left, right


def _padding(ctx: MapContext, in_hw, k_hw, stride, dilation) -> tuple[str, tuple[int, int, int, int]]:
    mode = _PADDING.get(int(ctx.opt("padding", 0)))
    if mode is None:
        raise ctx.fail(f"padding {ctx.opt('padding')} is not supported (SAME, VALID)")
    if mode == "VALID":
        return mode, (0, 0, 0, 0)
    return mode, _same_pads(in_hw, k_hw, stride, dilation)


def _rank4(ctx: MapContext, t: TflTensor, what: str) -> None:
    if t is None or len(t.shape) != 4:
        raise ctx.fail(f"the {what} must be 4-D (NHWC), got {list(t.shape) if t else None}")


# ---------------------------------------------------------------- convolution family

def _conv_window(ctx: MapContext):
    """CONV_2D / DEPTHWISE_CONV_2D: input, weight (both 4-D), stride, dilation, kernel (kh, kw),
    and the padding mode with its explicit pad list."""
    x, w = ctx.tin(0), ctx.tin(1)
    _rank4(ctx, x, "input")
    _rank4(ctx, w, "weight")
    stride = (int(ctx.opt("stride_h", 1)), int(ctx.opt("stride_w", 1)))
    dil = (int(ctx.opt("dilation_h_factor", 1)), int(ctx.opt("dilation_w_factor", 1)))
    k = (w.shape[1], w.shape[2])
    mode, pads = _padding(ctx, x.shape[1:3], k, stride, dil)
    return x, w, stride, dil, k, mode, pads


def _conv(ctx: MapContext):
    x, w, stride, dil, k, mode, pads = _conv_window(ctx)
    cin = x.shape[3]
    if w.shape[3] == 0 or cin % w.shape[3]:
        raise ctx.fail(f"input channels {cin} are not a multiple of the weight's {w.shape[3]}")
    a = attrs("Conv2DFusion", format="NHWC", kernel_size=k, stride=stride, dilation=dil, pad_mode=mode,
              pad_list=pads, group=cin // w.shape[3], in_channel=w.shape[3], out_channel=w.shape[0],
              activation_type=ctx.fused())
    return "Conv2DFusion", a, ctx.present(0, 1, 2)


def _depthwise(ctx: MapContext):
    x, w, stride, dil, k, mode, pads = _conv_window(ctx)
    if w.data is None:
        raise ctx.fail("the weight (input 1) must be a constant tensor")
    cin, cout = x.shape[3], w.shape[3]
    if cin == 0 or cout % cin:
        raise ctx.fail(f"weight channels {cout} are not a multiple of the input channels {cin}")
    if w.quant is not None and len(w.quant.scales) > 1 and w.quant.axis != 3:
        raise ctx.fail(f"per-channel weight quantization must be on axis 3, got {w.quant.axis}")
    ctx.overrides[w.index] = ((cout, k[0], k[1], 1), np.ascontiguousarray(w.array.transpose(3, 1, 2, 0)).tobytes())
    a = attrs("Conv2DFusion", format="NHWC", kernel_size=k, stride=stride, dilation=dil, pad_mode=mode,
              pad_list=pads, group=cin, in_channel=cout, out_channel=cout, activation_type=ctx.fused())
    return "Conv2DFusion", a, ctx.present(0, 1, 2)


def _transpose_conv(ctx: MapContext):
    w, x = ctx.tin(1), ctx.tin(2)
    _rank4(ctx, x, "input")
    _rank4(ctx, w, "weight")
    if w.data is None:
        raise ctx.fail("the weight (input 1) must be a constant tensor")
    y = ctx.tout()
    stride = (int(ctx.opt("stride_h", 1)), int(ctx.opt("stride_w", 1)))
    k = (w.shape[1], w.shape[2])
    mode = _PADDING.get(int(ctx.opt("padding", 0)))
    pads = (0, 0, 0, 0)
    if mode == "SAME":
        tot = [max((x.shape[1 + d] - 1) * stride[d] + k[d] - y.shape[1 + d], 0) for d in range(2)]
        pads = (tot[0] // 2, tot[0] - tot[0] // 2, tot[1] // 2, tot[1] - tot[1] // 2)
    elif mode != "VALID":
        raise ctx.fail(f"padding {ctx.opt('padding')} is not supported (SAME, VALID)")
    cout, cin = w.shape[0], w.shape[3]
    if w.quant is not None and len(w.quant.scales) > 1 and w.quant.axis != 0:
        raise ctx.fail(f"per-channel weight quantization must be on axis 0, got {w.quant.axis}")
    ctx.overrides[w.index] = ((cin, k[0], k[1], cout), np.ascontiguousarray(w.array.transpose(3, 1, 2, 0)).tobytes())
    a = attrs("Conv2dTransposeFusion", format="NHWC", kernel_size=k, stride=stride, dilation=(1, 1), pad_mode=mode,
              pad_list=pads, group=1, in_channel=cin, out_channel=cout, activation_type=ctx.fused())
    return "Conv2dTransposeFusion", a, ctx.present(2, 1, 3)


def _pool(op: str):
    def fn(ctx: MapContext):
        x = ctx.tin(0)
        _rank4(ctx, x, "input")
        k = (int(ctx.opt("filter_height", 1)), int(ctx.opt("filter_width", 1)))
        stride = (int(ctx.opt("stride_h", 1)), int(ctx.opt("stride_w", 1)))
        mode, pads = _padding(ctx, x.shape[1:3], k, stride, (1, 1))
        a = attrs(op, kernel_size=k, strides=stride, pad=pads, pad_mode=mode, round_mode="FLOOR", format="NHWC",
                  activation_type=ctx.fused())
        return op, a, ctx.present(0)
    return fn


def _fully_connected(ctx: MapContext):
    x, w = ctx.tin(0), ctx.tin(1)
    if int(ctx.opt("weights_format", 0)) != 0:
        raise ctx.fail("shuffled FULLY_CONNECTED weights are not supported (weights_format DEFAULT only)")
    if w is None or len(w.shape) != 2:
        raise ctx.fail(f"the weight must be 2-D [out, in], got {list(w.shape) if w else None}")
    if ctx.opt("keep_num_dims", False) and len(x.shape) > 2:
        raise ctx.fail("keep_num_dims with an input of rank > 2 is not supported")
    has_bias = ctx.tin(2) is not None
    a = attrs("FullConnection", has_bias=has_bias, use_axis=False, axis=1, activation_type=ctx.fused())
    return "FullConnection", a, ctx.present(0, 1, 2)


def _batch_matmul(ctx: MapContext):
    a = attrs("MatMulFusion", transpose_a=bool(ctx.opt("adj_x", False)), transpose_b=bool(ctx.opt("adj_y", False)),
              activation_type="NO_ACTIVATION")
    return "MatMulFusion", a, ctx.present(0, 1)


# ---------------------------------------------------------------- elementwise

def _binary(op: str):
    """ADD / SUB / MUL / DIV -> ``<Op>Fusion`` with the fused activation."""
    def fn(ctx: MapContext):
        return op, attrs(op, activation_type=ctx.fused()), ctx.present(0, 1)
    return fn


def _plain(op: str, n_in: int = 1, **fixed):
    def fn(ctx: MapContext):
        return op, attrs(op, **fixed), ctx.present(*range(n_in))
    return fn


def _activation(act: str):
    def fn(ctx: MapContext):
        return "Activation", attrs("Activation", activation_type=act), ctx.present(0)
    return fn


def _elu(ctx: MapContext):
    return "Activation", attrs("Activation", activation_type="ELU", alpha=1.0), ctx.present(0)


def _gelu(ctx: MapContext):
    return ("Activation", attrs("Activation", activation_type="GELU", approximate=bool(ctx.opt("approximate", False))),
            ctx.present(0))


def _leaky_relu(ctx: MapContext):
    return ("Activation", attrs("Activation", activation_type="LEAKY_RELU", alpha=float(ctx.opt("alpha", 0.0))),
            ctx.present(0))


def _prelu(ctx: MapContext):
    """``channel_shared`` is always true in the converter's output; the slope's shape decides."""
    return "PReLUFusion", attrs("PReLUFusion", channel_shared=True), ctx.present(0, 1)


def _softmax(ctx: MapContext):
    beta = float(ctx.opt("beta", 1.0))
    if beta != 1.0:
        raise ctx.fail(f"beta {beta} is not supported (the IR's Softmax has beta 1)")
    return "Softmax", attrs("Softmax", axis=(-1,)), ctx.present(0)


def _log_softmax(ctx: MapContext):
    return "LogSoftmax", attrs("LogSoftmax", axis=-1), ctx.present(0)


def _quantize(ctx: MapContext):
    x, y = ctx.tin(0), ctx.tout()
    a = attrs("QuantDTypeCast", src_t=x.dtype.value, dst_t=y.dtype.value, axis=0)
    return "QuantDTypeCast", a, ctx.present(0)


def _dequantize(ctx: MapContext):
    """int8/uint8 -> QuantDTypeCast; anything else (float16 weights) -> Cast."""
    if ctx.tin(0).dtype in (DType.INT8, DType.UINT8):
        return _quantize(ctx)
    return _cast(ctx)


def _cast(ctx: MapContext):
    return "Cast", attrs("Cast"), (ctx.op.inputs[0], ctx.new_const("to", [ctx.tout().dtype.value]))


# ---------------------------------------------------------------- shape ops

def _reshape(ctx: MapContext):
    shape_in = ctx.tin(1)
    if shape_in is not None and shape_in.data is not None:
        return "Reshape", attrs("Reshape"), ctx.present(0, 1)
    new_shape = ctx.opt("new_shape") or ctx.tout().shape
    return "Reshape", attrs("Reshape"), (ctx.op.inputs[0], ctx.new_const("shape", list(new_shape)))


def _squeeze(ctx: MapContext):
    return "Squeeze", attrs("Squeeze", axis=tuple(ctx.opt("squeeze_dims", ()) or ())), ctx.present(0)


def _expand_dims(ctx: MapContext):
    ctx.const(1, "axis")
    return "ExpandDims", attrs("ExpandDims"), ctx.present(0, 1)


def _concat(ctx: MapContext):
    if ctx.fused() != "NO_ACTIVATION":
        raise ctx.fail("a fused activation on CONCATENATION is not supported (the IR's Concat has none)")
    return "Concat", attrs("Concat", axis=int(ctx.opt("axis", 0))), ctx.present(*range(len(ctx.op.inputs)))


def _pad(ctx: MapContext):
    pads = tuple(tuple(int(v) for v in row) for row in ctx.const(1, "paddings").reshape(-1, 2))
    return ("PadFusion", attrs("PadFusion", paddings=pads, padding_mode="CONSTANT", constant_value=0.0),
            ctx.present(0, 1))


def _padv2(ctx: MapContext):
    """(The converter has no PADV2 parser; the IR takes the value as PadFusion's input 2.)"""
    if ctx.tin(2) is None:
        return _pad(ctx)
    ctx.const(2, "constant value")
    op, a, _ = _pad(ctx)
    return op, a, ctx.present(0, 1, 2)


def _mirror_pad(ctx: MapContext):
    ctx.const(1, "paddings")
    mode = {0: "REFLECT", 1: "SYMMETRIC"}.get(int(ctx.opt("mode", 0)))
    return "PadFusion", attrs("PadFusion", padding_mode=mode, constant_value=0.0), ctx.present(0, 1)


def _reduce(mode: str):
    def fn(ctx: MapContext):
        ctx.const(1, "axes")
        a = attrs("ReduceFusion", keep_dims=bool(ctx.opt("keep_dims", False)), mode=mode, reduce_to_end=False,
                  coeff=0.0)
        return "ReduceFusion", a, ctx.present(0, 1)
    return fn


def _transpose(ctx: MapContext):
    ctx.const(1, "permutation")
    return "Transpose", attrs("Transpose"), ctx.present(0, 1)


def _strided_slice(ctx: MapContext):
    for i, what in ((1, "begin"), (2, "end"), (3, "strides")):
        ctx.const(i, what)
    if ctx.opt("offset", False):
        raise ctx.fail("STRIDED_SLICE with offset=true is not supported")
    a = attrs("StridedSlice", **{k: int(ctx.opt(k, 0)) for k in
                                 ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")})
    return "StridedSlice", a, ctx.present(0, 1, 2, 3)


def _slice(ctx: MapContext):
    ctx.const(1, "begin")
    ctx.const(2, "size")
    rank = len(ctx.tin(0).shape)
    return "SliceFusion", attrs("SliceFusion", axes=tuple(range(rank))), ctx.present(0, 1, 2)


def _axis(ctx: MapContext, i: int, rank: int) -> int:
    """Constant input ``i`` as a non-negative axis of a rank-``rank`` tensor."""
    axis = int(ctx.const(i, "axis").reshape(-1)[0])
    if not -rank <= axis < rank:
        raise ctx.fail(f"axis {axis} out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _split(ctx: MapContext):
    """Equal parts; the axis input becomes an attribute (made non-negative) and is dropped."""
    x = ctx.tin(1)
    axis = _axis(ctx, 0, len(x.shape))
    n = int(ctx.opt("num_splits", len(ctx.op.outputs)))
    dim = x.shape[axis]
    if n <= 0 or dim % n:
        raise ctx.fail(f"cannot split dimension {dim} into {n} equal parts")
    a = attrs("Split", output_num=n, size_splits=(dim // n,) * n, axis=axis)
    return "Split", a, ctx.present(1)


def _split_v(ctx: MapContext):
    """size_splits as given (one -1 takes the rest), output_num from the options; only x stays an input."""
    sizes = tuple(int(v) for v in ctx.const(1, "size_splits").reshape(-1))
    axis = _axis(ctx, 2, len(ctx.tin(0).shape))
    a = attrs("Split", output_num=int(ctx.opt("num_splits", len(sizes))), size_splits=sizes, axis=axis)
    return "Split", a, ctx.present(0)


def _gather(ctx: MapContext):
    if int(ctx.opt("batch_dims", 0)) != 0:
        raise ctx.fail(f"batch_dims {ctx.opt('batch_dims')} is not supported (0 only)")
    return "Gather", attrs("Gather"), ctx.present(0, 1) + (ctx.new_const("axis", [int(ctx.opt("axis", 0))]),)


def _resize(method: str):
    """The size becomes new_height/new_width and the size input is dropped; half_pixel_centers
    wins over align_corners; cubic_coeff -0.75 (-0.5 with half pixel centers), as the converter writes."""
    def fn(ctx: MapContext):
        size = ctx.const(1, "size").reshape(-1)
        mode, coeff = "ASYMMETRIC", -0.75
        if ctx.opt("align_corners", False):
            mode = "ALIGN_CORNERS"
        if ctx.opt("half_pixel_centers", False):
            mode, coeff = "HALF_PIXEL", -0.5
        a = attrs("Resize", format="NHWC", method=method, new_height=int(size[0]), new_width=int(size[1]),
                  preserve_aspect_ratio=False, coordinate_transform_mode=mode, cubic_coeff=coeff,
                  nearest_mode="NORMAL")
        return "Resize", a, ctx.present(0)
    return fn


def _arg(op: str):
    def fn(ctx: MapContext):
        axis = int(ctx.const(1, "axis").reshape(-1)[0])
        return op, attrs(op, axis=axis, top_k=1, keep_dims=False, out_max_value=False), ctx.present(0)
    return fn


def _depth_to_space(ctx: MapContext):
    return ("DepthToSpace", attrs("DepthToSpace", block_size=int(ctx.opt("block_size", 0)), format="NHWC", mode="DCR"),
            ctx.present(0))


def _space_to_depth(ctx: MapContext):
    return ("SpaceToDepth", attrs("SpaceToDepth", block_size=int(ctx.opt("block_size", 0)), format="NHWC"),
            ctx.present(0))


def _cumsum(ctx: MapContext):
    a = attrs("CumSum", exclusive=bool(ctx.opt("exclusive", False)), reverse=bool(ctx.opt("reverse", False)))
    return "CumSum", a, ctx.present(0, 1)


def _topk(ctx: MapContext):
    return "TopKFusion", attrs("TopKFusion", sorted=True, axis=-1, largest=1), ctx.present(0, 1)


#: TFLite builtin name -> mapper
MAPPERS = {
    "CONV_2D": _conv,
    "DEPTHWISE_CONV_2D": _depthwise,
    "TRANSPOSE_CONV": _transpose_conv,
    "AVERAGE_POOL_2D": _pool("AvgPoolFusion"),
    "MAX_POOL_2D": _pool("MaxPoolFusion"),
    "FULLY_CONNECTED": _fully_connected,
    "BATCH_MATMUL": _batch_matmul,
    "ADD": _binary("AddFusion"),
    "SUB": _binary("SubFusion"),
    "MUL": _binary("MulFusion"),
    "DIV": _binary("DivFusion"),
    "POW": _plain("PowFusion", 2, scale=1.0, shift=0.0),
    "MAXIMUM": _plain("Maximum", 2),
    "MINIMUM": _plain("Minimum", 2),
    "SQUARED_DIFFERENCE": _plain("SquaredDifference", 2),
    "FLOOR_DIV": _plain("FloorDiv", 2),
    "FLOOR_MOD": _plain("FloorMod", 2),
    "EQUAL": _plain("Equal", 2),
    "NOT_EQUAL": _plain("NotEqual", 2),
    "GREATER": _plain("Greater", 2),
    "GREATER_EQUAL": _plain("GreaterEqual", 2),
    "LESS": _plain("Less", 2),
    "LESS_EQUAL": _plain("LessEqual", 2),
    "LOGICAL_AND": _plain("LogicalAnd", 2),
    "LOGICAL_OR": _plain("LogicalOr", 2),
    "LOGICAL_NOT": _plain("LogicalNot"),
    "ABS": _plain("Abs"),
    "NEG": _plain("Neg"),
    "EXP": _plain("ExpFusion", base=-1.0, scale=1.0, shift=0.0),
    "LOG": _plain("Log"),
    "SQRT": _plain("Sqrt"),
    "RSQRT": _plain("Rsqrt"),
    "SQUARE": _plain("Square"),
    "SIN": _plain("Sin"),
    "COS": _plain("Cos"),
    "FLOOR": _plain("Floor"),
    "CEIL": _plain("Ceil"),
    "ROUND": _plain("Round"),
    "SELECT": _plain("Where", 3),
    "SELECT_V2": _plain("Where", 3),
    "RELU": _activation("RELU"),
    "RELU6": _activation("RELU6"),
    "RELU_N1_TO_1": _activation("RELU1"),
    "LOGISTIC": _activation("SIGMOID"),
    "TANH": _activation("TANH"),
    "HARD_SWISH": _activation("HSWISH"),
    "ELU": _elu,
    "GELU": _gelu,
    "LEAKY_RELU": _leaky_relu,
    "PRELU": _prelu,
    "SOFTMAX": _softmax,
    "LOG_SOFTMAX": _log_softmax,
    "QUANTIZE": _quantize,
    "DEQUANTIZE": _dequantize,
    "CAST": _cast,
    "RESHAPE": _reshape,
    "SQUEEZE": _squeeze,
    "EXPAND_DIMS": _expand_dims,
    "CONCATENATION": _concat,
    "PAD": _pad,
    "PADV2": _padv2,
    "MIRROR_PAD": _mirror_pad,
    "MEAN": _reduce("ReduceMean"),
    "SUM": _reduce("ReduceSum"),
    "REDUCE_MAX": _reduce("ReduceMax"),
    "REDUCE_MIN": _reduce("ReduceMin"),
    "REDUCE_PROD": _reduce("ReduceProd"),
    "TRANSPOSE": _transpose,
    "STRIDED_SLICE": _strided_slice,
    "SLICE": _slice,
    "SPLIT": _split,
    "SPLIT_V": _split_v,
    "GATHER": _gather,
    "RESIZE_BILINEAR": _resize("LINEAR"),
    "RESIZE_NEAREST_NEIGHBOR": _resize("NEAREST"),
    "ARG_MAX": _arg("ArgMaxFusion"),
    "ARG_MIN": _arg("ArgMinFusion"),
    "DEPTH_TO_SPACE": _depth_to_space,
    "SPACE_TO_DEPTH": _space_to_depth,
    "TILE": _plain("TileFusion", 2),
    "BROADCAST_TO": _plain("BroadcastTo", 2),
    "CUMSUM": _cumsum,
    "TOPK_V2": _topk,
}
