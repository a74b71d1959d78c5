"""ONNX importer core: each mapped op family (and its attribute variants) imported, run with
our reference interpreter and compared with onnx.reference; the layout strategy; the fusions;
the op_families models against the official .ms; refusals; two small models on QEMU."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from micro_codegen import api
from micro_codegen.builder import GraphBuilder
from micro_codegen.errors import ModelFileError, UnsupportedOpError
from micro_codegen.importers import load_bytes
from micro_codegen.importers.from_onnx import fuse, read_onnx
from micro_codegen.ir import DType
from micro_codegen.ms_model import read_model
from micro_codegen.reference import run

from conftest import OP_FAMILIES, require_tool, skip_unless_shared
from onnx_build import check, expected, import_model, model, node, ops, rand

X4 = {"x": (1, 4, 8, 8)}


def conv_w(cout, cin, k=3):
    return rand(cout, cin, k, k, lo=-0.5, hi=0.5)


# ------------------------------------------------------------------ op families vs onnx.reference

CASES = {
    "conv_pads": ([node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])], X4, {"w": conv_w(6, 4), "b": rand(6)}),
    "conv_stride_asym": ([node("Conv", ["x", "w"], ["y"], strides=[2, 2], pads=[1, 0, 0, 1])], X4,
                         {"w": conv_w(6, 4)}),
    "conv_dilation": ([node("Conv", ["x", "w", "b"], ["y"], dilations=[2, 2], pads=[2, 2, 2, 2])], X4,
                      {"w": conv_w(6, 4), "b": rand(6)}),
    "conv_group2": ([node("Conv", ["x", "w", "b"], ["y"], group=2, pads=[1, 1, 1, 1])], X4,
                    {"w": conv_w(6, 2), "b": rand(6)}),
    "conv_depthwise_mult2": ([node("Conv", ["x", "w", "b"], ["y"], group=4, pads=[1, 1, 1, 1])], X4,
                             {"w": conv_w(8, 1), "b": rand(8)}),
    "conv_same_upper": ([node("Conv", ["x", "w"], ["y"], auto_pad="SAME_UPPER", strides=[2, 2])], X4,
                        {"w": conv_w(3, 4)}),
    "conv_same_lower": ([node("Conv", ["x", "w"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2])], X4,
                        {"w": conv_w(3, 4, 2)}),
    "conv_valid_1x1": ([node("Conv", ["x", "w"], ["y"], auto_pad="VALID")], X4, {"w": conv_w(5, 4, 1)}),
    "convtranspose_s2_outpad": ([node("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1],
                                      output_padding=[1, 1])], X4, {"w": conv_w(4, 3), "b": rand(3)}),
    "convtranspose_same_upper": ([node("ConvTranspose", ["x", "w"], ["y"], auto_pad="SAME_UPPER", strides=[2, 2])],
                                 X4, {"w": conv_w(4, 2)}),
    "maxpool_s2": ([node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2])], X4, {}),
    "maxpool_pads": ([node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])], X4, {}),
    "maxpool_same_upper": ([node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
                                 auto_pad="SAME_UPPER")], X4, {}),
    "maxpool_ceil": ([node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)], X4, {}),
    "avgpool_pads_exclude": ([node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])], X4, {}),
    "avgpool_pads_include": ([node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                                   count_include_pad=1)], X4, {}),
    "avgpool_ceil": ([node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)], X4, {}),
    "global_avg_max": ([node("GlobalAveragePool", ["x"], ["a"]), node("GlobalMaxPool", ["x"], ["m"]),
                        node("Add", ["a", "m"], ["y"])], X4, {}),
    "batchnorm_alone": ([node("Add", ["x", "x"], ["s"]),
                         node("BatchNormalization", ["s", "g", "b", "mu", "var"], ["y"], epsilon=1e-3)], X4,
                        {"g": rand(4), "b": rand(4), "mu": rand(4), "var": rand(4, lo=0.5, hi=2)}),
    "batchnorm_2d": ([node("BatchNormalization", ["x", "g", "b", "mu", "var"], ["y"])], {"x": (3, 4)},
                     {"g": rand(4), "b": rand(4), "mu": rand(4), "var": rand(4, lo=0.5, hi=2)}),
    "conv_bn_relu_folded": ([node("Conv", ["x", "w", "cb"], ["c"], pads=[1, 1, 1, 1]),
                             node("BatchNormalization", ["c", "g", "b", "mu", "var"], ["n"]),
                             node("Relu", ["n"], ["y"])], X4,
                            {"w": conv_w(6, 4), "cb": rand(6), "g": rand(6), "b": rand(6), "mu": rand(6),
                             "var": rand(6, lo=0.5, hi=2)}),
    "instancenorm": ([node("InstanceNormalization", ["x", "s", "b"], ["y"], epsilon=1e-4)], X4,
                     {"s": rand(4), "b": rand(4)}),
    "layernorm_last": ([node("LayerNormalization", ["x", "s", "b"], ["y"], epsilon=1e-5)], {"x": (2, 5, 8)},
                       {"s": rand(8), "b": rand(8)}),
    "layernorm_axis1_nobias": ([node("LayerNormalization", ["x", "s"], ["y"], axis=1)], {"x": (2, 5, 8)},
                               {"s": rand(5, 8)}),
    "depth_to_space_dcr": ([node("DepthToSpace", ["x"], ["y"], blocksize=2)], X4, {}),
    "depth_to_space_crd": ([node("DepthToSpace", ["x"], ["y"], blocksize=2, mode="CRD")], X4, {}),
    "space_to_depth": ([node("SpaceToDepth", ["x"], ["y"], blocksize=2)], X4, {}),
    "resize_nearest_x2": ([node("Resize", ["x", "", "sc"], ["y"], mode="nearest",
                                coordinate_transformation_mode="asymmetric", nearest_mode="floor")], X4,
                          {"sc": np.array([1, 1, 2, 2], np.float32)}),
    "resize_nearest_default_sizes": ([node("Resize", ["x", "", "", "sz"], ["y"], mode="nearest",
                                           coordinate_transformation_mode="asymmetric")], X4,
                                     {"sz": np.array([1, 4, 16, 16], np.int64)}),
    "resize_nearest_half_pixel_x2": ([node("Resize", ["x", "", "sc"], ["y"], mode="nearest")], X4,
                                     {"sc": np.array([1, 1, 2, 2], np.float32)}),
    "resize_linear_half_pixel": ([node("Resize", ["x", "", "sc"], ["y"], mode="linear")], X4,
                                 {"sc": np.array([1, 1, 2, 2], np.float32)}),
    "resize_linear_align_corners": ([node("Resize", ["x", "", "sc"], ["y"], mode="linear",
                                          coordinate_transformation_mode="align_corners")], X4,
                                    {"sc": np.array([1, 1, 2, 2], np.float32)}),
    "gemm_transB_bias": ([node("Gemm", ["x", "w", "b"], ["y"], transB=1)], {"x": (2, 6)},
                         {"w": rand(5, 6), "b": rand(5)}),
    "gemm_alpha_beta": ([node("Gemm", ["x", "w", "b"], ["y"], alpha=0.5, beta=2.0)], {"x": (2, 6)},
                        {"w": rand(6, 5), "b": rand(1, 5)}),
    "gemm_transA_scalar_c": ([node("Gemm", ["x", "w", "b"], ["y"], transA=1)], {"x": (6, 2)},
                             {"w": rand(6, 5), "b": np.array(0.25, np.float32)}),
    "gemm_c_2d": ([node("Gemm", ["x", "w", "b"], ["y"])], {"x": (2, 6)}, {"w": rand(6, 5), "b": rand(2, 5)}),
    "gemm_no_c_relu": ([node("Gemm", ["x", "w"], ["g"]), node("Relu", ["g"], ["y"])], {"x": (2, 6)},
                       {"w": rand(6, 5)}),
    "matmul_add_bias": ([node("MatMul", ["x", "w"], ["m"]), node("Add", ["m", "b"], ["y"])], {"x": (3, 6)},
                        {"w": rand(6, 5), "b": rand(5)}),
    "matmul_3d": ([node("MatMul", ["x", "w"], ["y"])], {"x": (2, 3, 6)}, {"w": rand(6, 5)}),
    "matmul_transpose_k": ([node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]), node("MatMul", ["x", "kt"], ["y"])],
                           {"x": (2, 3, 6), "k": (2, 4, 6)}, {}),
    "prelu_channel": ([node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]), node("PRelu", ["c", "s"], ["y"])], X4,
                      {"w": conv_w(6, 4), "s": rand(6, 1, 1, lo=0, hi=0.5)}),
    "prelu_scalar_2d": ([node("PRelu", ["x", "s"], ["y"])], {"x": (3, 5)}, {"s": np.array([0.2], np.float32)}),
    "pad_constant_nhwc": ([node("Conv", ["x", "w"], ["c"]), node("Pad", ["c", "p", "v"], ["y"])], X4,
                          {"w": conv_w(3, 4), "p": np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64),
                           "v": np.array(0.5, np.float32)}),
    "pad_reflect": ([node("Pad", ["x", "p"], ["y"], mode="reflect")], {"x": (1, 2, 10)},
                    {"p": np.array([0, 0, 3, 0, 0, 2], np.int64)}),
    "pad_edge_axes": ([node("Pad", ["x", "p", "", "ax"], ["y"], mode="edge")], {"x": (2, 3, 5)},
                      {"p": np.array([1, 1], np.int64), "ax": np.array([-1], np.int64)}),
    "reshape_after_conv": ([node("Conv", ["x", "w"], ["c"]), node("Reshape", ["c", "s"], ["y"])], X4,
                           {"w": conv_w(3, 4), "s": np.array([0, -1], np.int64)}),
    "flatten_axis2": ([node("Flatten", ["x"], ["y"], axis=2)], X4, {}),
    "transpose_after_conv": ([node("Conv", ["x", "w"], ["c"]), node("Transpose", ["c"], ["y"], perm=[0, 3, 2, 1])],
                             X4, {"w": conv_w(3, 4)}),
    "transpose_to_nhwc_cancels": ([node("Conv", ["x", "w"], ["c"]), node("Transpose", ["c"], ["t"], perm=[0, 2, 3, 1]),
                                   node("Relu", ["t"], ["y"])], X4, {"w": conv_w(3, 4)}),
    "tf2onnx_style_nhwc_io": ([node("Transpose", ["x"], ["t"], perm=[0, 3, 1, 2]),
                               node("Conv", ["t", "w"], ["c"], pads=[1, 1, 1, 1]),
                               node("Transpose", ["c"], ["y"], perm=[0, 2, 3, 1])], {"x": (1, 8, 8, 4)},
                              {"w": conv_w(3, 4)}),
    "squeeze_unsqueeze": ([node("Unsqueeze", ["x", "a0"], ["u"]), node("Squeeze", ["u", "a1"], ["y"])],
                          {"x": (3, 1, 4)}, {"a0": np.array([0, -1], np.int64), "a1": np.array([0, 2], np.int64)}),
    "concat_nhwc_and_input": ([node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
                               node("Concat", ["c", "x"], ["y"], axis=1)], X4, {"w": conv_w(3, 4)}),
    "concat_const": ([node("Concat", ["x", "k"], ["y"], axis=-1)], {"x": (2, 3)}, {"k": rand(2, 2)}),
    "softmax_nhwc_axis1": ([node("Conv", ["x", "w"], ["c"]), node("Softmax", ["c"], ["y"], axis=1)], X4,
                           {"w": conv_w(3, 4)}),
    "logsoftmax_last": ([node("LogSoftmax", ["x"], ["y"])], {"x": (2, 7)}, {}),
    "identity_dropout": ([node("Identity", ["x"], ["i"]), node("Dropout", ["i"], ["y"])], {"x": (2, 3)}, {}),
    "shape_chain_folded": ([node("Shape", ["x"], ["s"]), node("Concat", ["s", "k"], ["s2"], axis=0),
                            node("Reshape", ["y0", "s2"], ["y"]), node("Relu", ["x"], ["y0"])],
                           {"x": (2, 6)}, {"k": np.array([1], np.int64)}),
    "conv1d_stack": ([node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1]), node("Relu", ["c1"], ["r1"]),
                      node("Conv", ["r1", "w2"], ["c2"], strides=[2], dilations=[2], pads=[2, 1]),
                      node("BatchNormalization", ["c2", "g", "be", "mu", "var"], ["n2"]),
                      node("MaxPool", ["n2"], ["p"], kernel_shape=[2], strides=[2]),
                      node("Add", ["p", "k"], ["y"])], {"x": (1, 4, 20)},
                     {"w1": rand(6, 4, 3), "b1": rand(6), "w2": rand(5, 6, 3), "g": rand(5), "be": rand(5),
                      "mu": rand(5), "var": rand(5, lo=0.5, hi=2), "k": rand(5, 1)}),
    "convtranspose1d_avgpool1d": ([node("ConvTranspose", ["x", "w"], ["c"], strides=[2], pads=[1, 0]),
                                   node("AveragePool", ["c"], ["y"], kernel_shape=[3], pads=[1, 1])],
                                  {"x": (1, 4, 9)}, {"w": rand(4, 3, 3)}),
    "add_nhwc_and_lower_rank_input": ([node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
                                       node("Add", ["c", "v"], ["y"])], dict(X4, v=(8, 8)), {"w": conv_w(3, 4)}),
    "mul_add_per_channel_scale": ([node("Conv", ["x", "w"], ["c"]), node("Relu", ["c"], ["r"]),
                                   node("Mul", ["r", "m"], ["p"]), node("Add", ["p", "a"], ["y"])], X4,
                                  {"w": conv_w(3, 4), "m": rand(3, 1, 1), "a": rand(3, 1, 1)}),
}
# the shape chain's Relu is listed after its consumer: put it first (ONNX needs topological order)
CASES["shape_chain_folded"][0].insert(0, CASES["shape_chain_folded"][0].pop())

#: ops the imported graph must hold (checks the encoding the official converter uses)
EXPECT_OPS = {
    "conv_bn_relu_folded": ["Transpose", "Conv2DFusion", "Transpose"],
    "gemm_no_c_relu": ["MatMulFusion"],
    "matmul_add_bias": ["MatMulFusion"],
    "matmul_transpose_k": ["MatMulFusion"],
    "tf2onnx_style_nhwc_io": ["Conv2DFusion"],                       # the model's transposes cancel the layout's
    "transpose_to_nhwc_cancels": ["Transpose", "Conv2DFusion"],      # the Relu fused into the conv
    "shape_chain_folded": ["Activation", "Reshape"],
    "mul_add_per_channel_scale": ["Transpose", "Conv2DFusion", "ScaleFusion", "Transpose"],
    "avgpool_pads_include": ["Transpose", "PadFusion", "AvgPoolFusion", "Transpose"],
    "global_avg_max": ["Transpose", "AvgPoolFusion", "MaxPoolFusion", "AddFusion", "Transpose"],
    "concat_nhwc_and_input": ["Transpose", "Conv2DFusion", "Concat", "Transpose"],
    # 1-D: the convs run on [N, 1, L, C]; Relu and BatchNorm still fuse into them
    "conv1d_stack": ["Transpose", "Reshape", "Conv2DFusion", "Conv2DFusion", "MaxPoolFusion", "Reshape",
                     "AddFusion", "Transpose"],
}


#: cases that need a newer opset than the default 17
OPSET = {"pad_edge_axes": 18}


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_family_matches_onnx_reference(case):
    nodes, inputs, inits = CASES[case]
    out = [nodes[-1].output[0]]
    g = check(model(nodes, inputs, out, inits, opset=OPSET.get(case, 17)), atol=2e-5, rtol=2e-5)
    if case in EXPECT_OPS:
        assert ops(g) == EXPECT_OPS[case]


def _run_imported(m, x):
    return run(import_model(m), [x])[0]


def test_convtranspose_group2():
    """Grouped ConvTranspose = the per-group ConvTransposes concatenated (onnx.reference cannot
    evaluate grouped ConvTranspose)."""
    w, x = conv_w(4, 2), rand(1, 4, 8, 8)
    got = _run_imported(model([node("ConvTranspose", ["x", "w"], ["y"], group=2, strides=[2, 2])], X4, ["y"],
                              {"w": w}), x)
    parts = [expected(model([node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])], {"x": (1, 2, 8, 8)}, ["y"],
                            {"w": w[2 * k:2 * k + 2]}), {"x": x[:, 2 * k:2 * k + 2]})[0] for k in range(2)]
    np.testing.assert_allclose(got, np.concatenate(parts, axis=1), atol=1e-5)


def test_convtranspose_output_shape():
    """output_shape -> explicit pads (total padding split with the extra row at the start)."""
    w, x = conv_w(4, 2), rand(1, 4, 8, 8)
    got = _run_imported(model([node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], output_shape=[16, 16])],
                              X4, ["y"], {"w": w}), x)
    want = expected(model([node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], pads=[1, 1, 0, 0])], X4, ["y"],
                          {"w": w}), {"x": x})[0]
    assert got.shape == (1, 2, 16, 16)
    np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("size", [3, 5])
def test_lrn(size):
    """LRN against the ONNX formula in numpy (onnx.reference's LRN loops over the batch axis)."""
    x = rand(1, 6, 4, 4)
    got = _run_imported(model([node("LRN", ["x"], ["y"], size=size, alpha=1e-2, beta=0.75, bias=2.0)],
                              {"x": (1, 6, 4, 4)}, ["y"]), x)
    r = (size - 1) // 2
    sq = np.pad(x.astype(np.float64) ** 2, [(0, 0), (r, r), (0, 0), (0, 0)])
    s = sum(sq[:, k:k + 6] for k in range(size))
    np.testing.assert_allclose(got, x / (2.0 + 1e-2 / size * s) ** 0.75, atol=1e-6)


def test_resize_refuses_what_no_ir_mode_computes():
    """half_pixel + round_prefer_floor nearest of an integer upscale is asymmetric + floor in
    the IR; downscaling 4 -> 3 has no IR equivalent: a float one becomes one MatMulFusion per
    axis (see below), an integer one is refused naming the mapping."""
    ok = import_model(model([node("Resize", ["x", "", "sc"], ["y"], mode="nearest")], X4, ["y"],
                            {"sc": np.array([1, 1, 2, 2], np.float32)}))
    assert next(n for n in ok.nodes if n.op == "Resize").attrs["coordinate_transform_mode"] == "ASYMMETRIC"
    m = model([node("Resize", ["x", "", "", "sz"], ["y"], mode="nearest")], {"x": (1, 1, 4, 4)}, ["y"],
              {"sz": np.array([1, 1, 3, 3], np.int64)}, in_types={"x": TensorProto.UINT8})
    with pytest.raises(UnsupportedOpError, match=r"nearest resize \[4, 4\] -> \[3, 3\] \(half_pixel"):
        read_onnx(_bytes(m), "m.onnx")


RESIZE_MATRIX = {
    "nearest_4to3": dict(mode="nearest"),
    "cubic_antialias": dict(mode="cubic", antialias=1),
    "linear_half_pixel_symmetric": dict(mode="linear", coordinate_transformation_mode="half_pixel_symmetric"),
    "tf_crop_and_resize_extrapolation": dict(mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
                                             extrapolation_value=10.0),
}


@pytest.mark.parametrize("case", sorted(RESIZE_MATRIX))
def test_resize_without_ir_equivalent_as_matrix_products(case):
    """A float Resize no IR Resize computes: each resized axis one MatMulFusion by its ONNX
    interpolation matrix (extrapolated positions as the bias), equal to onnx.reference."""
    attrs = RESIZE_MATRIX[case]
    roi = np.array([0, 0, 0.4, 0.6, 1, 1, 1.2, 0.7], np.float32)
    m = model([node("Resize", ["x", "roi", "", "sz"], ["y"], **attrs)], {"x": (1, 2, 4, 5)}, ["y"],
              {"roi": roi, "sz": np.array([1, 2, 3, 7], np.int64)}, opset=19)
    g = check(m)
    assert "Resize" not in ops(g) and ops(g).count("MatMulFusion") == 2


def test_conv_weight_layouts_and_attributes():
    """OHWI weights, pad_list [t, b, l, r], depthwise [C*m, kh, kw, 1], deconv [I, kh, kw, O/g]."""
    w = conv_w(8, 1)
    g = import_model(model([node("Conv", ["x", "w"], ["y"], group=4, pads=[1, 0, 2, 3], strides=[1, 2])], X4, ["y"],
                           {"w": w}))
    conv = next(n for n in g.nodes if n.op == "Conv2DFusion")
    assert g.tensors[conv.inputs[1]].shape == (8, 3, 3, 1)
    np.testing.assert_array_equal(g.tensors[conv.inputs[1]].array, w.transpose(0, 2, 3, 1))
    assert conv.attrs["pad_list"] == (1, 2, 0, 3) and conv.attrs["stride"] == (1, 2)
    assert (conv.attrs["group"], conv.attrs["in_channel"], conv.attrs["out_channel"]) == (4, 4, 8)
    w = conv_w(4, 3)
    g = import_model(model([node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])], X4, ["y"], {"w": w}))
    de = next(n for n in g.nodes if n.op == "Conv2dTransposeFusion")
    np.testing.assert_array_equal(g.tensors[de.inputs[1]].array, w.transpose(0, 2, 3, 1))


def test_int64_constants_become_int32():
    g = import_model(model([node("Reshape", ["x", "s"], ["y"])], {"x": (2, 6)}, ["y"],
                           {"s": np.array([3, 4], np.int64)}))
    assert g.tensors[g.nodes[0].inputs[1]].dtype == DType.INT32


def test_graph_metadata_and_edge_layout():
    nodes, inputs, inits = CASES["conv_pads"]
    g = import_model(model(nodes, inputs, ["y"], inits))
    assert (g.version, g.fmk_type, g.subgraphs[0].name) == ("MindSpore Lite 2.0.0", 2, "subgraph_0_main")
    assert g.tensors[g.inputs[0]].shape == (1, 4, 8, 8) and g.tensors[g.outputs[0]].shape == (1, 6, 8, 8)
    assert g.tensors[g.outputs[0]].name == "y"
    assert ops(g) == ["Transpose", "Conv2DFusion", "Transpose"]


@pytest.mark.parametrize("case", ["conv_bn_relu_folded", "concat_nhwc_and_input", "resize_linear_half_pixel",
                                  "reshape_after_conv"])
def test_nhwc_graph_io(case):
    """input_layout="nhwc": 4-D inputs and outputs are NHWC; no edge transposes."""
    nodes, inputs, inits = CASES[case]
    g = check(model(nodes, inputs, [nodes[-1].output[0]], inits), input_layout="nhwc")
    assert g.tensors[g.inputs[0]].shape == (1, 8, 8, 4)
    if case != "reshape_after_conv":
        assert "Transpose" not in ops(g)


def test_lstm_and_gru():
    t, b, i, h = 5, 2, 3, 4
    lstm = model([node("LSTM", ["x", "w", "r", "bias", "", "h0", "c0"], ["y", "yh", "yc"], hidden_size=h)],
                 {"x": (t, b, i), "h0": (1, b, h), "c0": (1, b, h)}, ["y", "yh", "yc"],
                 {"w": rand(1, 4 * h, i), "r": rand(1, 4 * h, h), "bias": rand(1, 8 * h)})
    check(lstm)
    bidir = model([node("LSTM", ["x", "w", "r"], ["y"], hidden_size=h, direction="bidirectional")],
                  {"x": (t, b, i)}, ["y"], {"w": rand(2, 4 * h, i), "r": rand(2, 4 * h, h)})
    check(bidir)
    gru = model([node("GRU", ["x", "w", "r", "bias"], ["y", "yh"], hidden_size=h)], {"x": (t, b, i)}, ["y", "yh"],
                {"w": rand(1, 3 * h, i), "r": rand(1, 3 * h, h), "bias": rand(1, 6 * h)})
    g = check(gru)
    assert ops(g) == ["GRU"]


@pytest.mark.parametrize("op", ["LSTM", "GRU"])
@pytest.mark.parametrize("direction, layout", [("reverse", 0), ("forward", 1), ("reverse", 1)])
def test_recurrent_reverse_and_batch_first(op, direction, layout):
    """direction 'reverse': the forward op on X reversed in time, Y reversed back; layout 1:
    X / initial_h transposed to time-major, every output back to batch-first."""
    t, b, i, h = 4, 2, 3, 5
    g = 4 if op == "LSTM" else 3
    x_shape, h_shape = ((b, t, i), (b, 1, h)) if layout else ((t, b, i), (1, b, h))
    m = model([node(op, ["x", "w", "r", "bias", "", "h0"], ["y", "yh"], hidden_size=h, direction=direction,
                    layout=layout)], {"x": x_shape, "h0": h_shape}, ["y", "yh"],
              {"w": rand(1, g * h, i), "r": rand(1, g * h, h), "bias": rand(1, 2 * g * h)})
    check(m)


def test_softmax_before_opset13_flattens():
    """opset < 13: Softmax(axis=1) of a 3-D input normalises over the last two axes."""
    x = rand(2, 3, 4)
    g = import_model(model([node("Softmax", ["x"], ["y"], axis=1)], {"x": (2, 3, 4)}, ["y"], opset=11))
    assert ops(g) == ["Reshape", "Softmax", "Reshape"]
    e = np.exp(x.reshape(2, 12) - x.reshape(2, 12).max(axis=1, keepdims=True))
    np.testing.assert_allclose(run(g, [x])[0], (e / e.sum(axis=1, keepdims=True)).reshape(2, 3, 4), atol=1e-6)


def test_input_shapes_resolve_dynamic_dims():
    m = model([node("Relu", ["x"], ["y"])], {"x": ("N", 3)}, ["y"])
    with pytest.raises(UnsupportedOpError, match=r"input 'x' has a dynamic shape \(\[N, 3\]\)"):
        read_onnx(m.SerializeToString(), "dyn.onnx")
    g = read_onnx(m.SerializeToString(), "dyn.onnx", input_shapes={"x": (2, 3)})
    assert g.tensors[g.inputs[0]].shape == (2, 3)


# ------------------------------------------------------------------ fusions on IR graphs

def test_gelu_pattern_becomes_one_activation():
    """x * 0.5 * (1 + erf(x / sqrt 2)) -> Activation GELU (the converter's fusion)."""
    b = GraphBuilder("gelu")
    f = DType.FLOAT32
    x = b.input("x", f, (2, 8))
    d = b.node("DivFusion", [x, b.const("s2", np.array(np.sqrt(2), np.float32))], [("d", f, (2, 8))])
    e = b.node("Erf", [d], [("e", f, (2, 8))])
    a = b.node("AddFusion", [e, b.const("one", np.array(1, np.float32))], [("a", f, (2, 8))])
    m = b.node("MulFusion", [x, a], [("m", f, (2, 8))])
    y = b.node("MulFusion", [m, b.const("half", np.array(0.5, np.float32))], [("y", f, (2, 8))])
    g = b.build([y])
    fused = fuse.finish(g)
    assert [n.op for n in fused.nodes] == ["Activation"]
    assert fused.nodes[0].attrs["activation_type"] == "GELU"
    v = rand(2, 8)
    np.testing.assert_allclose(run(fused, [v])[0], run(g, [v])[0], atol=1e-6)


# ------------------------------------------------------------------ official op_families models

#: deliberate differences from the official .ms node list (ours -> theirs)
OP_DIFFERENCES = {
    "misc_shapes": "the Shape chain is folded (the converter keeps it without --input-shape); Cast is kept",
}
STEMS = ["bn_scale", "decoder_up", "gather_embed", "lstm_stream", "matmul_act", "misc_shapes", "mlp_gemm",
         "prelu_cnn", "spectral"]


def _cases(z, prefix: str, count: int, c: int) -> list:
    return [z[f"{prefix}_{c}"]] if count == 1 else [z[f"{prefix}_{c}_{t}"] for t in range(count)]


@pytest.mark.parametrize("stem", STEMS)
def test_op_families_model(stem):
    """Import the .onnx, compare the node list with the official .ms and run the stored cases
    against the ONNX outputs (misc_shapes too: we keep the Cast pair the converter deletes)."""
    path = OP_FAMILIES / f"{stem}.onnx"
    skip_unless_shared(path)
    g = api.load(path)
    official = read_model(path.with_suffix(".ms"))
    if stem not in OP_DIFFERENCES:
        assert sorted(ops(g)) == sorted(n.op for n in official.nodes)
    z = np.load(str(path.with_suffix(".ms")) + ".npz")
    worst = 0.0
    for c in range(3):
        got = run(g, _cases(z, "input", len(g.inputs), c))
        for r, e in zip(got, _cases(z, "output", len(g.outputs), c)):
            worst = max(worst, float(np.max(np.abs(r.reshape(e.shape).astype(np.float64) - e))))
    assert worst < (2e-5 if stem == "matmul_act" else 1e-5), worst


# ------------------------------------------------------------------ refusals

def _bytes(m) -> bytes:
    return m.SerializeToString()


def test_refuses_unsupported_op_naming_the_node():
    m = model([node("Relu", ["x"], ["r"]), node("Det", ["r"], ["y"], name="det")], {"x": (2, 3, 3)}, ["y"])
    with pytest.raises(UnsupportedOpError, match=r"Det 'det' \(node 1\): ONNX operator Det is not supported"):
        read_onnx(_bytes(m), "m.onnx")


def test_refuses_custom_domain():
    n = node("FusedConv", ["x"], ["y"], domain="com.microsoft")
    m = model([n], {"x": (2, 3)}, ["y"])
    m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    with pytest.raises(UnsupportedOpError, match="domain 'com.microsoft'"):
        read_onnx(_bytes(m), "m.onnx")


@pytest.mark.parametrize("opset", [10, 22])
def test_refuses_opset_outside_range(opset):
    m = model([node("Relu", ["x"], ["y"])], {"x": (2, 3)}, ["y"], opset=opset)
    with pytest.raises(UnsupportedOpError, match=f"opset {opset}; supported opsets are 11-21"):
        read_onnx(_bytes(m), "m.onnx")


@pytest.mark.parametrize("nodes, rule", [
    ([node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], storage_order=1)], "storage_order 1"),
    ([node("Conv", ["x", "w"], ["y"], auto_pad="SAME_MIDDLE")], "auto_pad 'SAME_MIDDLE'"),
    ([node("LRN", ["x"], ["y"], size=4)], "only odd sizes"),
    ([node("BatchNormalization", ["x", "w", "w", "w", "w"], ["y", "m", "v"])], "need training_mode 1"),
    ([node("Resize", ["x", "", "sc"], ["y"], mode="nearest", coordinate_transformation_mode="tf_crop_and_resize")],
     "tf_crop_and_resize"),
    ([node("Conv", ["x", "x2"], ["y"])], "the weight \\(input 1\\) must be a constant"),
])
def test_refuses_unsupported_attributes(nodes, rule):
    inits = {"w": rand(4) if nodes[0].op_type == "BatchNormalization" else conv_w(4, 4),
             "sc": np.array([1, 1, 2, 2], np.float32)}
    inputs = dict(X4, **({"x2": (4, 4, 3, 3)} if "x2" in nodes[0].input else {}))
    m = model(nodes, inputs, [nodes[0].output[0]], {k: v for k, v in inits.items() if k in nodes[0].input})
    with pytest.raises(UnsupportedOpError, match=f"{nodes[0].op_type} '.*' \\(node 0\\): .*{rule}"):
        read_onnx(_bytes(m), "m.onnx")


def test_corrupt_file_is_a_model_file_error(tmp_path):
    m = model([node("Relu", ["x"], ["y"])], {"x": (2, 3)}, ["y"])
    data = _bytes(m)
    with pytest.raises(ModelFileError, match="bad.onnx"):
        read_onnx(data[: len(data) // 2] + b"\xff\xff\xff", "bad.onnx")
    p = tmp_path / "bad.onnx"
    p.write_bytes(b"\x08\x07\x12\xff\xff\xff")
    with pytest.raises(ModelFileError, match="bad.onnx"):
        api.load(p)


def test_external_data(tmp_path):
    """Weights in an external file next to the model: loaded from the model's folder;
    refused without one, and refused when the file would be outside it."""
    import onnx
    from onnx.external_data_helper import convert_model_to_external_data
    m = model([node("MatMul", ["x", "w"], ["y"])], {"x": (2, 64)}, ["y"], {"w": rand(64, 64)})
    convert_model_to_external_data(m, all_tensors_to_one_file=True, location="w.bin", size_threshold=0)
    onnx.save_model(m, tmp_path / "m.onnx")
    g = api.load(tmp_path / "m.onnx")
    feeds = {"x": rand(2, 64)}
    m_full = onnx.load(tmp_path / "m.onnx")
    np.testing.assert_allclose(run(g, [feeds["x"]])[0], expected(m_full, feeds)[0], atol=1e-5)
    data = (tmp_path / "m.onnx").read_bytes()
    with pytest.raises(ModelFileError, match="external files"):
        load_bytes(data, "m.onnx")
    with pytest.raises(ModelFileError, match="external data 'w.bin'"):
        load_bytes(data, "m.onnx", base_dir=tmp_path / "elsewhere")


def test_load_dispatches_onnx_and_sets_sha(tmp_path):
    nodes, inputs, inits = CASES["gemm_transB_bias"]
    p = tmp_path / "g.onnx"
    p.write_bytes(_bytes(model(nodes, inputs, ["y"], inits)))
    g = api.load(p)
    assert g.source == str(p) and len(g.sha256) == 64 and ops(g) == ["MatMulFusion"]


# ------------------------------------------------------------------ QEMU

def _cnn():
    return model([node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], strides=[2, 2]),
                  node("BatchNormalization", ["c1", "g", "be", "mu", "var"], ["n1"]),
                  node("Relu", ["n1"], ["r1"]),
                  node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1], group=8),
                  node("Relu", ["c2"], ["r2"]),
                  node("MaxPool", ["r2"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
                  node("GlobalAveragePool", ["p"], ["gp"]),
                  node("Flatten", ["gp"], ["f"]),
                  node("Gemm", ["f", "fw", "fb"], ["y"], transB=1)],
                 {"x": (1, 3, 16, 16)}, ["y"],
                 {"w1": conv_w(8, 3), "b1": rand(8), "g": rand(8, lo=0.5, hi=1.5), "be": rand(8), "mu": rand(8),
                  "var": rand(8, lo=0.5, hi=1.5), "w2": conv_w(8, 1), "b2": rand(8), "fw": rand(10, 8),
                  "fb": rand(10)})


def _mlp():
    return model([node("Gemm", ["x", "w1", "b1"], ["h"], transB=1), node("Relu", ["h"], ["r"]),
                  node("MatMul", ["r", "w2"], ["m"]), node("Add", ["m", "b2"], ["l"]),
                  node("Softmax", ["l"], ["y"])],
                 {"x": (1, 20)}, ["y"], {"w1": rand(16, 20), "b1": rand(16), "w2": rand(16, 6), "b2": rand(6)})


@pytest.mark.qemu
@pytest.mark.parametrize("make", [_cnn, _mlp], ids=["cnn", "mlp"])
def test_onnx_model_validates_on_qemu(make, tmp_path):
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    m = make()
    path = tmp_path / "model.onnx"
    path.write_bytes(_bytes(m))
    name = m.graph.input[0].name
    shape = [d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
    arrays = {}
    for c in range(3):
        x = np.random.default_rng(c).uniform(-1, 1, shape).astype(np.float32)
        arrays[f"input_{c}"] = x
        arrays[f"output_{c}"] = expected(m, {name: x})[0]
    np.savez(tmp_path / "cases.npz", **arrays)
    res = api.validate(path, cases_path=tmp_path / "cases.npz")
    doc = res.report.to_json()
    assert doc["failed"] == 0 and doc["passed"] == 3, doc


def test_numpy_helper_roundtrip_of_initializer_names():
    """Initializers keep their ONNX names as IR const names (what the official files do)."""
    g = import_model(model([node("MatMul", ["x", "weight"], ["y"])], {"x": (2, 3)}, ["y"], {"weight": rand(3, 4)}))
    assert g.tensors[g.nodes[0].inputs[1]].name == "weight"


# ------------------------------------------------------------------ quantized (the QDQ contract)

def test_int8_conv_from_folded_qdq(monkeypatch):
    """Names ``fold_qdq`` reports as quantized get the int8/int32 dtype and QuantParams; the conv
    is QUANT_ALL with per-channel OHWI weights, as in the official int8 files. (A stand-in
    fold_qdq replaces the float weights by their quantized values.)"""
    from dataclasses import dataclass

    import micro_codegen.importers.from_onnx as imp

    @dataclass(frozen=True)
    class QInfo:
        scale: np.ndarray
        zero_point: np.ndarray
        axis: int | None
        dtype: str

    w, b = conv_w(4, 3), rand(4)
    ws = np.abs(w).reshape(4, -1).max(axis=1) / 127
    xs, ys = 1 / 127, 0.05

    def fake_fold(m):
        wq = np.round(w / ws[:, None, None, None]).astype(np.int8)
        bq = np.round(b / (xs * ws)).astype(np.int32)
        del m.graph.initializer[:]
        m.graph.initializer.extend([numpy_helper.from_array(wq, "w"), numpy_helper.from_array(bq, "b")])
        one = np.array([0], np.int64)
        return m, {"x": QInfo(np.array([xs], np.float32), one, None, "int8"),
                   "w": QInfo(ws.astype(np.float32), np.zeros(4, np.int64), 0, "int8"),
                   "b": QInfo((xs * ws).astype(np.float32), np.zeros(4, np.int64), 0, "int32"),
                   "y": QInfo(np.array([ys], np.float32), one, None, "int8")}

    monkeypatch.setattr(imp, "_fold_qdq", fake_fold)
    m = model([node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])], {"x": (1, 3, 6, 6)}, ["y"],
              {"w": w, "b": b})
    g = import_model(m, input_layout="nhwc")
    (conv,) = g.nodes
    wt, bt, yt = g.tensors[conv.inputs[1]], g.tensors[conv.inputs[2]], g.tensors[conv.outputs[0]]
    assert conv.quant_type == "QUANT_ALL" and wt.dtype == DType.INT8 and wt.shape == (4, 3, 3, 3)
    assert len(wt.quant) == 4 and bt.dtype == DType.INT32 and bt.quant[0].dst_dtype == 34
    assert yt.dtype == DType.INT8 and yt.quant[0].scale == np.float32(ys)
    x = rand(1, 3, 6, 6)
    xq = np.clip(np.round(x / xs), -128, 127).astype(np.int8).transpose(0, 2, 3, 1)
    got = run(g, [xq])[0].astype(np.float64) * ys
    want = expected(m, {"x": x})[0].transpose(0, 2, 3, 1)
    assert np.max(np.abs(got - want)) < 3 * ys


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_op_families_on_qemu(stem):
    """Each op_families .onnx, generated, built and run on the default QEMU board against the
    stored ONNX outputs (misc_shapes: ONNX's too, the Cast pair is kept)."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    path = OP_FAMILIES / f"{stem}.onnx"
    skip_unless_shared(path)
    doc = api.validate(path, cases_path=str(path.with_suffix(".ms")) + ".npz").report.to_json()
    assert doc["failed"] == 0 and doc["passed"] >= 3, doc


def test_mutated_models_raise_only_codegen_errors():
    """Random byte flips in small valid models: each either imports or raises ModelFileError /
    UnsupportedOpError (never another exception). Seeded."""
    import random

    from micro_codegen.errors import CodegenError
    rng = random.Random(0)
    for make in (_cnn, _mlp):
        data = _bytes(make())
        for _ in range(120):
            d = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                d[rng.randrange(len(d))] = rng.randrange(256)
            try:
                read_onnx(bytes(d), "fuzz.onnx")
            except CodegenError:
                pass


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_op_family_cases_on_qemu(case, tmp_path):
    """Every op-family case above, generated, built and run on the default QEMU board against
    onnx.reference's outputs (2 seeded cases each)."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    nodes, inputs, inits = CASES[case]
    m = model(nodes, inputs, [nodes[-1].output[0]], inits, opset=OPSET.get(case, 17))
    (tmp_path / "m.onnx").write_bytes(_bytes(m))
    arrays = {}
    for c in range(2):
        feeds = {k: np.random.default_rng(c).uniform(-1, 1, s).astype(np.float32) for k, s in inputs.items()}
        for t, v in enumerate(feeds.values()):
            arrays[f"input_{c}" if len(feeds) == 1 else f"input_{c}_{t}"] = v
        arrays[f"output_{c}"] = expected(m, feeds)[0]
    np.savez(tmp_path / "cases.npz", **arrays)
    doc = api.validate(tmp_path / "m.onnx", cases_path=tmp_path / "cases.npz").report.to_json()
    assert doc["failed"] == 0 and doc["passed"] == 2, doc


@pytest.mark.parametrize("outputs", [["y", "mean"], ["y", "mean", "inv_std"], ["y", "", "inv_std"]])
def test_layer_norm_mean_and_inv_std_dev_outputs(outputs):
    """The optional Mean / InvStdDev outputs: ReduceMean, and Rsqrt of the mean squared
    difference plus epsilon, over the normalized axes (dims kept)."""
    m = model([node("LayerNormalization", ["x", "s", "b"], outputs, axis=1, epsilon=1e-3)], {"x": (2, 3, 4)},
              [o for o in outputs if o], {"s": rand(3, 4), "b": rand(3, 4)})
    check(m)


def test_graph_input_without_ir_dtype_is_refused():
    """A bfloat16 graph input: UnsupportedOpError naming the input (not a crash)."""
    m = model([node("Identity", ["x"], ["y"])], {"x": (2, 3)}, ["y"], in_types={"x": TensorProto.BFLOAT16})
    with pytest.raises(UnsupportedOpError, match=r"m.onnx: graph input 'x' has ONNX element type BFLOAT16"):
        read_onnx(_bytes(m), "m.onnx")


def test_uint64_constants_stay_uint64():
    """uint64 constants keep their type, like uint64 activations (no uint32 narrowing)."""
    m = model([node("BitShift", ["x", "s"], ["y"], direction="LEFT")], {"x": (3,)}, ["y"],
              {"s": np.array([1, 2, 3], np.uint64)}, in_types={"x": TensorProto.UINT64})
    check(m, {"x": np.array([16, 4, 1], np.uint64)})


def test_batch_norm_training_mode():
    """training_mode 1: Y from the batch statistics, outputs 1 / 2 the running mean / variance
    (momentum 0.8)."""
    c = 3
    m = model([node("BatchNormalization", ["x", "s", "b", "mean", "var"], ["y", "rm", "rv"], training_mode=1,
                    momentum=0.8, epsilon=1e-3)], {"x": (2, c, 4, 5)}, ["y", "rm", "rv"],
              {"s": rand(c), "b": rand(c), "mean": rand(c), "var": rand(c, lo=0.5, hi=2)}, opset=15)
    check(m)


SLICED_POOLS = {
    "max_3d_dilated": ("MaxPool", (1, 2, 5, 6, 7), dict(kernel_shape=[2, 2, 2], dilations=[2, 1, 2], pads=[1, 0, 1, 1, 1, 0])),
    "avg_2d_dilated": ("AveragePool", (1, 2, 7, 7), dict(kernel_shape=[3, 3], dilations=[2, 2], strides=[2, 1])),
    "avg_3d_ceil_pads_excluded": ("AveragePool", (1, 1, 5, 6, 5), dict(kernel_shape=[3, 3, 2], strides=[2, 2, 2],
                                                                        pads=[1, 1, 0, 0, 1, 1], ceil_mode=1)),
    "avg_2d_ceil_pads_counted": ("AveragePool", (1, 1, 5, 5), dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                                                                    ceil_mode=1, count_include_pad=1)),
}


@pytest.mark.parametrize("case", sorted(SLICED_POOLS))
def test_pool_without_ir_equivalent_as_strided_slices(case):
    """A float pool the IR pools cannot compute (3-D, dilations, ceil_mode with counted pads):
    one StridedSlice per kernel tap, Maximum / AddFusion, the average scaled per window."""
    op, shape, attrs = SLICED_POOLS[case]
    g = check(model([node(op, ["x"], ["y"], **attrs)], {"x": shape}, ["y"], opset=19))
    assert "StridedSlice" in ops(g) and not {"MaxPoolFusion", "AvgPoolFusion"} & set(ops(g))


def test_wrap_pad_as_gathers():
    """Pad mode 'wrap' (opset 19): one Gather of circular indices per padded axis (pads larger
    than the axis included)."""
    m = model([node("Pad", ["x", "p"], ["y"], mode="wrap")], {"x": (1, 2, 3, 4)}, ["y"],
              {"p": np.array([0, 0, 1, 5, 0, 1, 2, 0], np.int64)}, opset=19)
    g = check(m)
    assert ops(g).count("Gather") == 3
