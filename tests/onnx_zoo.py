"""The ONNX single-operator zoo (``../shared/models/onnx_ops``): which target each entry is
checked against, the entries no target can match, and loading helpers. Shared by
tests/reference/test_reference_onnx_ops.py, tests/codegen/test_codegen_zoo.py and
benchmarks/opzoo.py (the committed table of what still fails is docs/opzoo.md).

Each entry is compared with

* ``output_*`` — the ONNX node test's own expected values — by default;
* ``ms_output_*`` — the official MindSpore Lite 2.0.0 runtime — for the entries of
  :data:`MS_TARGET`, where the ``.ms`` itself encodes other semantics than the ONNX test
  (the converter dropped or rewrote an attribute): our semantics follow the file.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from micro_codegen.cases import compare
from micro_codegen.ms_model import read_model

# MICRO_CODEGEN_SHARED: the shared folder elsewhere (as in conftest.py)
ZOO = Path(os.environ.get("MICRO_CODEGEN_SHARED", Path(__file__).resolve().parents[1].parent / "shared")) / "models" / "onnx_ops"

_RESIZE_ASYM = ("ONNX's default coordinate mode half_pixel is written as ASYMMETRIC in the .ms "
                "(and the .ms nearest_mode is not used: MindSpore Lite's nearest takes floor)")
_RESIZE_NMODE = ("ONNX nearest_mode is kept in the .ms but MindSpore Lite's nearest does not use it "
                 "(floor; round for ALIGN_CORNERS)")
_RESIZE_RATIO = ("keep_aspect_ratio_policy dropped: the .ms output size is the requested size "
                 "(and ASYMMETRIC coordinates, floor)")
_SPLIT = ("the split sizes are a non-constant input MindSpore Lite does not use: the .ms output "
          "shapes (equal parts, from output_num) define the split")
_SHAPE = "start/end dropped: the .ms Shape has no attributes and returns the whole shape"
_LN_EPS = "epsilon dropped: the .ms LayerNormFusion has epsilon = 0 (ONNX test: 0.1)"
_CUBIC = ("the converter writes cubic_coeff 0 for ONNX's default -0.75 and ASYMMETRIC for the default "
          "half_pixel; MindSpore Lite ignores exclude_outside and antialias")
_FOLDED = "the converter folded the (De)QuantizeLinear away: the .ms holds only the layout Transpose"

#: entries checked against the official runtime (``ms_output_*``): what the .ms encodes differs
MS_TARGET: dict[str, str] = {
    "leakyrelu_default": "ONNX default alpha 0.01 not written: the .ms Activation LEAKY_RELU has alpha = 0",
    "elu_default": "ONNX default alpha 1.0 not written: the .ms Activation ELU has alpha = 0",
    "hardsigmoid": "the .ms HSIGMOID is MindSpore's relu6(x + 3) / 6: ONNX alpha/beta are not in the file",
    "hardsigmoid_default": "the .ms HSIGMOID is relu6(x + 3) / 6, ONNX's default is 0.2 x + 0.5",
    "hardsigmoid_example": "the .ms HSIGMOID is relu6(x + 3) / 6: ONNX alpha/beta are not in the file",
    "gelu_tanh_1": "approximate='tanh' dropped: the .ms GELU has approximate = False (erf form)",
    "gelu_tanh_2": "approximate='tanh' dropped: the .ms GELU has approximate = False (erf form)",
    "argmax_keepdims_example_select_last_index": "select_last_index dropped: the .ms returns the first maximum",
    "argmax_negative_axis_keepdims_example_select_last_index":
        "select_last_index dropped: the .ms returns the first maximum",
    "argmax_no_keepdims_example_select_last_index": "select_last_index dropped: the .ms returns the first maximum",
    "averagepool_2d_pads_count_include_pad":
        "count_include_pad dropped: the .ms AvgPoolFusion averages over the valid elements only",
    "averagepool_2d_precomputed_pads_count_include_pad":
        "count_include_pad dropped: the .ms AvgPoolFusion averages over the valid elements only",
    "batchnorm_epsilon_training_mode":
        "training_mode dropped: the .ms FusedBatchNorm normalises with the stored mean/var",
    "batchnorm_example_training_mode":
        "training_mode dropped: the .ms FusedBatchNorm normalises with the stored mean/var",
    "cumsum_1d_exclusive": "exclusive dropped: the .ms CumSum has exclusive = reverse = False",
    "cumsum_1d_reverse": "reverse dropped: the .ms CumSum has exclusive = reverse = False",
    "cumsum_1d_reverse_exclusive": "exclusive/reverse dropped: the .ms CumSum has exclusive = reverse = False",
    "layer_normalization_3d_axis0_epsilon": _LN_EPS,
    "layer_normalization_3d_axis1_epsilon": _LN_EPS,
    "layer_normalization_3d_axis2_epsilon": _LN_EPS,
    "layer_normalization_3d_axis_negative_1_epsilon": _LN_EPS,
    "layer_normalization_3d_axis_negative_2_epsilon": _LN_EPS,
    "layer_normalization_3d_axis_negative_3_epsilon": _LN_EPS,
    "lrn_default": "defaults not written: the .ms LRN has alpha = beta = bias = 0, i.e. y = x",
    "top_k_smallest": "largest=0 is what the converter writes for every TopK; MindSpore Lite takes the largest",
    "shape_end_1": _SHAPE,
    "shape_end_negative_1": _SHAPE,
    "shape_start_1": _SHAPE,
    "shape_start_1_end_2": _SHAPE,
    "shape_start_1_end_negative_1": _SHAPE,
    "shape_start_negative_1": _SHAPE,
    "split_variable_parts_1d_opset13": _SPLIT,
    "split_variable_parts_1d_opset18": _SPLIT,
    "split_variable_parts_2d_opset13": _SPLIT,
    "split_variable_parts_2d_opset18": _SPLIT,
    "split_variable_parts_default_axis_opset13": _SPLIT,
    "split_variable_parts_default_axis_opset18": _SPLIT,
    "quantizelinear_axis": _FOLDED,
    "dequantizelinear_axis": _FOLDED,
    "dequantizelinear_blocked": _FOLDED,
    "convtranspose_output_shape": "output_shape dropped: the .ms Conv2dTransposeFusion has no output padding; its "
                                  "output is [1, 2, 9, 7] (ONNX: [1, 2, 10, 8])",
    "resize_downsample_scales_cubic": _CUBIC,
    "resize_downsample_scales_cubic_A_n0p5_exclude_outside": _CUBIC,
    "resize_downsample_scales_cubic_align_corners": _CUBIC,
    "resize_downsample_scales_cubic_antialias": _CUBIC,
    "resize_downsample_sizes_cubic": _CUBIC,
    "resize_downsample_sizes_cubic_antialias": _CUBIC,
    "resize_upsample_scales_cubic": _CUBIC,
    "resize_upsample_scales_cubic_A_n0p5_exclude_outside": _CUBIC,
    "resize_upsample_scales_cubic_align_corners": _CUBIC,
    "resize_upsample_scales_cubic_asymmetric": _CUBIC,
    "resize_upsample_sizes_cubic": _CUBIC,
    "maxpool_2d_ceil_output_size_reduce_by_one": "the .ms output is 1x1x2x2, the CEIL size without ONNX's "
        "rule that drops a last window starting in the padding (its max is the lowest value, as the runtime gives)",
    "resize_downsample_scales_linear": "ONNX's default half_pixel coordinates are written as ASYMMETRIC in the .ms",
    "resize_upsample_scales_linear": "ONNX's default half_pixel coordinates are written as ASYMMETRIC in the .ms",
    "resize_downsample_scales_linear_antialias": "antialias dropped (and ASYMMETRIC coordinates) in the .ms",
    "resize_downsample_sizes_linear_antialias": "antialias dropped (and ASYMMETRIC coordinates) in the .ms",
    "resize_downsample_sizes_linear_pytorch_half_pixel":
        "pytorch_half_pixel is written as HALF_PIXEL (they differ for an output length of 1)",
    "resize_downsample_sizes_nearest": _RESIZE_ASYM,
    "resize_upsample_scales_nearest_axes_3_2": _RESIZE_ASYM,
    "resize_upsample_sizes_nearest_axes_3_2": _RESIZE_ASYM,
    "resize_upsample_sizes_nearest_ceil_half_pixel": _RESIZE_NMODE,
    "resize_upsample_sizes_nearest_floor_align_corners": _RESIZE_NMODE,
    "resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric": _RESIZE_NMODE,
    "resize_downsample_sizes_nearest_not_larger": _RESIZE_RATIO,
    "resize_downsample_sizes_nearest_not_smaller": _RESIZE_RATIO,
    "resize_upsample_sizes_nearest_not_larger": _RESIZE_RATIO,
    "resize_upsample_sizes_nearest_not_smaller": _RESIZE_RATIO,
}

_CLIP_MAX = ("ONNX Clip(x, '', max): the converter drops the empty min input, so the .ms Clip has inputs "
             "(x, max) and MindSpore's positional Clip reads input 1 as min: the reference clamps from below "
             "at that value where ONNX clamps from above; the official runtime ignores non-constant bounds "
             "(identity)")

#: entries neither target can match (with the concrete reason); non-strict
XFAIL: dict[str, str] = {
    "clip_default_max": _CLIP_MAX,
    "clip_default_int8_max": _CLIP_MAX + "; no ms_output (runtime has no int8 Clip kernel)",
    "resize_downsample_scales_linear_align_corners":
        "ONNX computes align_corners coordinates from the unrounded output length 4 * 0.6 = 2.4 (x * 3 / 1.4); "
        "the .ms only holds the rounded size 2 (x * 3 / 1); the official runtime gives NaN for the output "
        "height of 1 (0 / 0)",
    "maxpool_with_argmax_2d_precomputed_strides":
        "storage_order=1 (a column-major argmax index) dropped: the .ms has no field for it, so the index is "
        "row-major",
}

#: entries our kernels reject on purpose: running them must raise UnsupportedOpError matching the text
REJECT: dict[str, tuple[str, str]] = {
    "layer_normalization_default_axis": (
        "does not fit", "the converter wrote begin_norm_axis = begin_params_axis = 0 for ONNX's default axis -1, "
                        "so the 5 gamma values cannot apply; the official runtime's output is garbage "
                        "(differs between runs)"),
}

ENTRIES = sorted(p.name[len("test_"):-len(".ms")] for p in ZOO.glob("test_*.ms")) if ZOO.is_dir() else []


def arrays(z, stem: str, n: int) -> list[np.ndarray] | None:
    if n == 1 and f"{stem}_0" in z.files:
        return [z[f"{stem}_0"]]
    keys = [f"{stem}_0_{t}" for t in range(n)]
    return [z[k] for k in keys] if all(k in z.files for k in keys) else None


def load(name: str):
    path = ZOO / f"test_{name}.ms"
    g = read_model(path)
    with np.load(f"{path}.npz", allow_pickle=False) as z:
        ins = arrays(z, "input", len(g.inputs))
        exp = arrays(z, "output", len(g.outputs))
        ms = arrays(z, "ms_output", len(g.outputs))
    assert ins is not None, f"{name}: no input arrays"
    cast = []
    for a, ti in zip(ins, g.inputs):
        t = g.tensors[ti]
        assert np.can_cast(a.dtype, t.dtype.np, casting="same_kind"), f"{name}: input {a.dtype} vs {t.describe()}"
        cast.append(a.astype(t.dtype.np))
    return g, cast, exp, ms


def check(name: str, got: list[np.ndarray], ref: list[np.ndarray], target: str):
    assert len(got) == len(ref)
    for k, (o, r) in enumerate(zip(got, ref)):
        assert o.shape == r.shape, f"{name} output {k}: shape {o.shape}, {target} has {r.shape}"
        c = compare(o, r)
        assert c.passed, (f"{name} output {k} vs {target}: {c.mismatches} mismatches, max |diff| "
                          f"{c.max_abs_diff:g}, worst (index, expected, got) {c.worst}")



def target(name: str, exp, ms):
    """(expected outputs, label) of entry ``name``: ms_output for MS_TARGET, else ONNX's."""
    if name in MS_TARGET:
        return ms, f"MS runtime ({MS_TARGET[name]})"
    return exp, "ONNX expected"
