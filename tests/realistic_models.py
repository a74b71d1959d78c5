"""Real-world-shaped models built with the project's own .ms writer (not single ops): what
users bring beyond MLPerf Tiny. Each builder returns a Graph with seeded random weights.

* ``mlp_classifier``: MatMulFusion (+bias, RELU) -> MatMulFusion -> Softmax (a small MLP
  classifier, Gemm-style as the official converter writes ONNX Gemm).
* ``landmark_cnn``: conv -> PReLU (per channel) -> depthwise -> PReLU written as the converter
  does (``channel_shared`` with one slope per channel) -> 1x1 conv -> global pool -> FC: a
  face/hand landmark regressor.
* ``embedding_bn``: conv -> ScaleFusion (folded batch norm) + RELU -> max pool -> conv ->
  BatchNorm -> mean over H, W -> MatMulFusion -> LayerNorm -> L2 normalisation
  (x * rsqrt(sum(x^2))): a speaker/face embedding net.
* ``speech_lstm``: an STFT-style front end (reflect pad, frames by strided slices, Hann window,
  DFT by MatMulFusion, power, log) -> LSTM with its state as model inputs/outputs (streaming)
  -> last step -> FullConnection -> Softmax: a keyword spotter.
"""
from __future__ import annotations

import numpy as np

from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

F32, I32 = DType.FLOAT32, DType.INT32


def _w(rng, *shape, scale=0.3):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def mlp_classifier():
    rng = np.random.default_rng(21)
    b = GraphBuilder("mlp_classifier")
    x = b.input("features", F32, (1, 40))
    h = b.node("MatMulFusion", [x, b.const("w1", _w(rng, 40, 32)), b.const("b1", _w(rng, 32))],
               [("h1", F32, (1, 32))], name="dense1", activation_type="RELU")
    h = b.node("MatMulFusion", [h, b.const("w2", _w(rng, 12, 32)), b.const("b2", _w(rng, 12))],
               [("logits", F32, (1, 12))], name="dense2", transpose_b=True)
    y = b.node("Softmax", [h], [("probs", F32, (1, 12))], name="softmax", axis=(-1,))
    return b.build(outputs=[y])


def _conv(b, rng, x, name, cin, cout, k, stride, hw_out, group=1, act="NO_ACTIVATION"):
    w = b.const(f"{name}_w", _w(rng, cout, k, k, cin // group))
    bias = b.const(f"{name}_b", _w(rng, cout, scale=0.1))
    pad = (k - 1) // 2
    return b.node("Conv2DFusion", [x, w, bias], [(name, F32, (1, hw_out, hw_out, cout))], name=name,
                  kernel_size=(k, k), stride=(stride, stride), dilation=(1, 1), pad_mode="PAD",
                  pad_list=(pad, pad, pad, pad), group=group, in_channel=cin, out_channel=cout, format="NHWC",
                  activation_type=act)


def landmark_cnn():
    rng = np.random.default_rng(22)
    b = GraphBuilder("landmark_cnn")
    x = b.input("image", F32, (1, 24, 24, 3))
    y = _conv(b, rng, x, "conv1", 3, 8, 3, 2, 12)
    y = b.node("PReLUFusion", [y, b.const("slope1", np.linspace(0.05, 0.4, 8, dtype=np.float32))],
               [("prelu1", F32, (1, 12, 12, 8))], name="prelu1", channel_shared=False)
    y = _conv(b, rng, y, "dw", 8, 8, 3, 1, 12, group=8)
    y = b.node("PReLUFusion", [y, b.const("slope2", np.linspace(0.3, 0.01, 8, dtype=np.float32))],
               [("prelu2", F32, (1, 12, 12, 8))], name="prelu2", channel_shared=True)
    y = _conv(b, rng, y, "pw", 8, 16, 1, 1, 12, act="RELU6")
    y = b.node("AvgPoolFusion", [y], [("gap", F32, (1, 1, 1, 16))], name="gap",
               kernel_size=(12, 12), strides=(1, 1), pad=(0, 0, 0, 0), pad_mode="VALID", round_mode="FLOOR",
               format="NHWC", activation_type="NO_ACTIVATION", **{"global": True})
    y = b.node("Reshape", [y, b.const("flat", np.array([1, 16], np.int32))], [("flat", F32, (1, 16))], name="flat")
    y = b.node("FullConnection", [y, b.const("fc_w", _w(rng, 10, 16)), b.const("fc_b", _w(rng, 10))],
               [("landmarks", F32, (1, 10))], name="fc", has_bias=True, use_axis=False, axis=1,
               activation_type="NO_ACTIVATION")
    return b.build(outputs=[y])


def embedding_bn():
    rng = np.random.default_rng(23)
    b = GraphBuilder("embedding_bn")
    x = b.input("spectrogram", F32, (1, 16, 16, 1))
    y = _conv(b, rng, x, "conv1", 1, 8, 3, 1, 16)
    y = b.node("ScaleFusion", [y, b.const("bn1_scale", 1 + _w(rng, 8, scale=0.1)), b.const("bn1_offset", _w(rng, 8))],
               [("bn1", F32, (1, 16, 16, 8))], name="bn1", axis=-1, activation_type="RELU")
    y = b.node("MaxPoolFusion", [y], [("pool", F32, (1, 8, 8, 8))], name="pool", kernel_size=(2, 2),
               strides=(2, 2), pad=(0, 0, 0, 0), pad_mode="VALID", round_mode="FLOOR", format="NHWC",
               activation_type="NO_ACTIVATION")
    y = _conv(b, rng, y, "conv2", 8, 16, 3, 1, 8)
    stats = [b.const(f"bn2_{k}", v) for k, v in (("scale", 1 + _w(rng, 16, scale=0.1)), ("offset", _w(rng, 16)),
                                                  ("mean", _w(rng, 16)), ("var", 0.5 + rng.random(16).astype(np.float32)))]
    y = b.node("FusedBatchNorm", [y, *stats], [("bn2", F32, (1, 8, 8, 16))], name="bn2", epsilon=1e-3)
    y = b.node("ReduceFusion", [y, b.const("hw", np.array([1, 2], np.int32))], [("mean", F32, (1, 16))],
               name="mean", mode="ReduceMean", keep_dims=False)
    y = b.node("MatMulFusion", [y, b.const("proj", _w(rng, 16, 8))], [("emb", F32, (1, 8))], name="proj")
    y = b.node("LayerNormFusion", [y, b.const("ln_g", 1 + _w(rng, 8, scale=0.1)), b.const("ln_b", _w(rng, 8))],
               [("ln", F32, (1, 8))], name="ln", begin_norm_axis=-1, begin_params_axis=-1, epsilon=1e-5,
               elementwise_affine=True)
    sq = b.node("MulFusion", [y, y], [("sq", F32, (1, 8))], name="square")
    ss = b.node("ReduceFusion", [sq, b.const("last", np.array([-1], np.int32))], [("ss", F32, (1, 1))],
                name="sum_sq", mode="ReduceSum", keep_dims=True)
    inv = b.node("Rsqrt", [ss], [("inv_norm", F32, (1, 1))], name="rsqrt")
    y = b.node("MulFusion", [y, inv], [("embedding", F32, (1, 8))], name="l2norm")
    return b.build(outputs=[y])


FRAME, HOP, FRAMES, HIDDEN, BINS = 32, 16, 7, 12, 17


def _dft_matrix() -> np.ndarray:
    """[FRAME, 2 * BINS]: cos | -sin of a real DFT."""
    n = np.arange(FRAME)[:, None]
    k = np.arange(BINS)[None, :]
    ang = 2 * np.pi * n * k / FRAME
    return np.concatenate([np.cos(ang), -np.sin(ang)], axis=1).astype(np.float32)


def speech_lstm():
    rng = np.random.default_rng(24)
    b = GraphBuilder("speech_lstm")
    samples = HOP * (FRAMES - 1)          # reflect-padded by FRAME / 2 on each side: FRAMES frames
    audio = b.input("audio", F32, (1, samples))
    h0 = b.input("h0", F32, (1, 1, HIDDEN))
    c0 = b.input("c0", F32, (1, 1, HIDDEN))
    half = FRAME // 2
    padded = samples + FRAME
    x = b.node("PadFusion", [audio, b.const("pads", np.array([[0, 0], [half, half]], np.int32))],
               [("padded", F32, (1, padded))], name="reflect_pad", padding_mode="REFLECT")
    frames = []
    for t in range(FRAMES):
        frames.append(b.node("StridedSlice", [x, b.const(f"begin{t}", np.array([0, t * HOP], np.int32)),
                                              b.const(f"end{t}", np.array([1, t * HOP + FRAME], np.int32)),
                                              b.const(f"stride{t}", np.array([1, 1], np.int32))],
                             [(f"frame{t}", F32, (1, FRAME))], name=f"frame{t}"))
    x = b.node("Concat", frames, [("frames", F32, (FRAMES, FRAME))], name="frames", axis=0)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME)).astype(np.float32)
    x = b.node("MulFusion", [x, b.const("hann", window)], [("windowed", F32, (FRAMES, FRAME))], name="window")
    x = b.node("MatMulFusion", [x, b.const("dft", _dft_matrix())], [("spec", F32, (FRAMES, 2 * BINS))], name="dft")
    x = b.node("MulFusion", [x, x], [("power2", F32, (FRAMES, 2 * BINS))], name="power")
    re = b.node("StridedSlice", [x, b.const("re_b", np.array([0, 0], np.int32)),
                                 b.const("re_e", np.array([FRAMES, BINS], np.int32)),
                                 b.const("re_s", np.array([1, 1], np.int32))], [("re2", F32, (FRAMES, BINS))],
                name="re2")
    im = b.node("StridedSlice", [x, b.const("im_b", np.array([0, BINS], np.int32)),
                                 b.const("im_e", np.array([FRAMES, 2 * BINS], np.int32)),
                                 b.const("im_s", np.array([1, 1], np.int32))], [("im2", F32, (FRAMES, BINS))],
                name="im2")
    x = b.node("AddFusion", [re, im], [("power", F32, (FRAMES, BINS))], name="power_sum")
    x = b.node("AddFusion", [x, b.const("eps", np.array([1e-6], np.float32))], [("power_eps", F32, (FRAMES, BINS))],
               name="eps")
    x = b.node("Log", [x], [("logpow", F32, (FRAMES, BINS))], name="log")
    x = b.node("Reshape", [x, b.const("seq_shape", np.array([FRAMES, 1, BINS], np.int32))],
               [("seq", F32, (FRAMES, 1, BINS))], name="seq")
    w = b.const("lstm_w", _w(rng, 1, 4 * HIDDEN, BINS, scale=0.2))
    r = b.const("lstm_r", _w(rng, 1, 4 * HIDDEN, HIDDEN, scale=0.2))
    bias = b.const("lstm_b", _w(rng, 1, 8 * HIDDEN, scale=0.1))
    y, hn, cn = b.node("LSTM", [x, w, r, bias, h0, c0],
                       [("y", F32, (FRAMES, 1, 1, HIDDEN)), ("hn", F32, (1, 1, HIDDEN)), ("cn", F32, (1, 1, HIDDEN))],
                       name="lstm", hidden_size=HIDDEN, num_directions=1)
    last = b.node("Reshape", [hn, b.const("last_shape", np.array([1, HIDDEN], np.int32))], [("last", F32, (1, HIDDEN))],
                  name="last")
    z = b.node("FullConnection", [last, b.const("fc_w", _w(rng, 4, HIDDEN)), b.const("fc_b", _w(rng, 4))],
               [("logits", F32, (1, 4))], name="fc", has_bias=True, use_axis=False, axis=1,
               activation_type="NO_ACTIVATION")
    z = b.node("Softmax", [z], [("keyword", F32, (1, 4))], name="softmax", axis=(-1,))
    return b.build(outputs=[z, hn, cn])


MODELS = {f.__name__: f for f in (mlp_classifier, landmark_cnn, embedding_bn, speech_lstm)}
