"""Big models for issue 14 (memory below the tensor lower bound), built with the project's own
GraphBuilder and seeded weights (deterministic: the same graph, bytes and reference data on
every run).

* :func:`blazeface_like_int8`: an int8 BlazeFace-style face detector at 128x128x3. Per-tensor
  activations, per-channel symmetric weights, quantized post-training from an fp32 twin of the
  same network (same weights) on one seeded calibration image, so that every activation uses
  its int8 range (the outputs have spread, they do not saturate). Tensor lower bound
  ~330 KB: more than nrf52840dk's 256 KB of RAM unpatched.
* :func:`mobilenet_v1_fp32`: MobileNet v1 (width 1.0, 13 depthwise/pointwise pairs, ReLU6,
  average pool, FC, softmax) in fp32 with He-initialised random weights (batch norm folded
  into the biases). At 224x224x3 (:func:`mobilenet_v1_224_fp32`) its activations alone need
  ~4.8 MB unpatched (112x112x32 + 112x112x64 floats live at once), its weights 12.9 MB (3.2 M
  parameters with 10 classes): more than the 4 MiB RAM and the 4 MiB code memory of
  qemu-mps2-an386. At 96x96 the activations fit (~0.9 MB) but the weights still do not fit
  the 4 MiB code memory (they go to the board's 16 MiB PSRAM weights region).

:func:`write_case` writes ``<dir>/<name>.ms`` and ``<name>.ms.npz`` (``input_0`` and the
reference outputs ``output_0`` / ``output_0_<t>``: the layout ``api.validate`` reads).
``benchmarks/big_models.py --write DIR`` writes all of them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from micro_codegen import reference
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType
from micro_codegen.ms_model import read_model, write_model

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def _same_pads(size: int, k: int, stride: int) -> tuple[int, int]:
    """TF "SAME" padding (before, after) of one spatial dim."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


class _Net:
    """Emits one network as fp32 (``ranges`` None: the calibration twin) or int8 (per-tensor
    activation quantization from ``ranges``: tensor name -> (min, max) seen in the fp32 twin;
    names in ``share`` use the union of their group's ranges, e.g. the inputs of a Concat).
    Weights come from one seeded generator in layer order, so both twins hold the same values."""

    def __init__(self, name: str, seed: int, int8: bool = False, ranges: dict | None = None,
                 share: dict | None = None):
        self.b = GraphBuilder(name)
        self.rng = np.random.default_rng(seed)
        self.int8 = int8
        self.ranges = ranges or {}
        self.share = share or {}
        self.shape: dict[int, tuple] = {}
        self.qp: dict[int, tuple[float, int]] = {}

    # ------------------------------------------------------------ quantization
    def _range(self, name: str) -> tuple[float, float]:
        group = self.share.get(name)
        names = [n for n, g in self.share.items() if g == group] if group else [name]
        lo = min(self.ranges[n][0] for n in names)
        hi = max(self.ranges[n][1] for n in names)
        return min(lo, 0.0), max(hi, 0.0)

    def _act_quant(self, name: str) -> tuple[float, int]:
        lo, hi = self._range(name)
        scale = max(hi - lo, 1e-6) / 255.0
        zp = int(np.clip(np.round(-128 - lo / scale), -128, 127))
        return float(np.float32(scale)), zp

    def _tensor(self, name: str, shape, quant=None):
        """An output spec for GraphBuilder.node (int8: ``quant`` or the calibrated one)."""
        if not self.int8:
            return (name, F32, shape)
        return (name, I8, shape, quant if quant is not None else self._act_quant(name))

    def _out(self, t: int, shape, quant=None) -> int:
        self.shape[t] = tuple(shape)
        if self.int8:
            self.qp[t] = quant if quant is not None else (self.b.tensors[t].quant[0].scale,
                                                          self.b.tensors[t].quant[0].zero_point)
        return t

    # ------------------------------------------------------------ layers
    def input(self, name: str, shape, quant=(2.0 / 255.0, 0)) -> int:
        if self.int8:
            t = self.b.input(name, I8, shape, quant=quant)
            return self._out(t, shape, quant)
        return self._out(self.b.input(name, F32, shape), shape)

    def conv(self, x: int, name: str, cout: int, k: int, stride: int = 1, depthwise: bool = False,
             act: str = "NO_ACTIVATION", gain: float = 2.0, quant=None) -> int:
        n, h, w, cin = self.shape[x]
        group = cin if depthwise else 1
        if depthwise:
            cout = cin
        fan_in = k * k * (cin // group)
        wf = (self.rng.standard_normal((cout, k, k, cin // group)) * np.sqrt(gain / fan_in)).astype(np.float32)
        bf = (self.rng.standard_normal(cout) * 0.05).astype(np.float32)
        pt, pb = _same_pads(h, k, stride)
        pl, pr = _same_pads(w, k, stride)
        shape = (n, (h + pt + pb - k) // stride + 1, (w + pl + pr - k) // stride + 1, cout)
        if self.int8:
            in_scale = self.qp[x][0]
            ws = np.maximum(np.abs(wf).reshape(cout, -1).max(axis=1), 1e-8) / 127.0
            wq = np.clip(np.round(wf / ws[:, None, None, None]), -127, 127).astype(np.int8)
            bs = (in_scale * ws).astype(np.float64)
            bq = np.round(bf / bs).astype(np.int32)
            wt = self.b.const(f"{name}_w", wq, quant=([float(s) for s in ws], [0] * cout))
            bt = self.b.const(f"{name}_b", bq, quant=([float(s) for s in bs], [0] * cout))
        else:
            wt = self.b.const(f"{name}_w", wf)
            bt = self.b.const(f"{name}_b", bf)
        y = self.b.node("Conv2DFusion", [x, wt, bt], [self._tensor(name, shape, quant)], name=name,
                        kernel_size=(k, k), stride=(stride, stride), dilation=(1, 1), pad_mode="PAD",
                        pad_list=(pt, pb, pl, pr), group=group, in_channel=cin, out_channel=cout, format="NHWC",
                        activation_type=act)
        return self._out(y, shape, quant)

    def add(self, a: int, c: int, name: str, act: str = "RELU") -> int:
        shape = self.shape[a]
        y = self.b.node("AddFusion", [a, c], [self._tensor(name, shape)], name=name, activation_type=act)
        return self._out(y, shape)

    def maxpool(self, x: int, name: str) -> int:
        n, h, w, c = self.shape[x]
        shape = (n, h // 2, w // 2, c)
        y = self.b.node("MaxPoolFusion", [x], [self._tensor(name, shape, self.qp.get(x))], name=name,
                        kernel_size=(2, 2), strides=(2, 2), pad=(0, 0, 0, 0), pad_mode="VALID",
                        round_mode="FLOOR", format="NHWC", activation_type="NO_ACTIVATION", **{"global": False})
        return self._out(y, shape, self.qp.get(x))

    def pad_channels(self, x: int, name: str, extra: int) -> int:
        n, h, w, c = self.shape[x]
        shape = (n, h, w, c + extra)
        pads = self.b.const(f"{name}_pads", np.array([[0, 0], [0, 0], [0, 0], [0, extra]], np.int32))
        y = self.b.node("PadFusion", [x, pads], [self._tensor(name, shape, self.qp.get(x))], name=name,
                        padding_mode="CONSTANT")
        return self._out(y, shape, self.qp.get(x))

    def reshape(self, x: int, name: str, shape) -> int:
        st = self.b.const(f"{name}_shape", np.array(shape, np.int32))
        y = self.b.node("Reshape", [x, st], [self._tensor(name, tuple(shape), self.qp.get(x))], name=name)
        return self._out(y, tuple(shape), self.qp.get(x))

    def concat(self, xs, name: str, axis: int) -> int:
        shape = list(self.shape[xs[0]])
        shape[axis] = sum(self.shape[x][axis] for x in xs)
        q = self.qp.get(xs[0])
        y = self.b.node("Concat", list(xs), [self._tensor(name, tuple(shape), q)], name=name, axis=axis)
        return self._out(y, tuple(shape), q)

    def global_avgpool(self, x: int, name: str) -> int:
        n, h, w, c = self.shape[x]
        shape = (n, 1, 1, c)
        y = self.b.node("AvgPoolFusion", [x], [self._tensor(name, shape, self.qp.get(x))], name=name,
                        kernel_size=(h, w), strides=(1, 1), pad=(0, 0, 0, 0), pad_mode="VALID",
                        round_mode="FLOOR", format="NHWC", activation_type="NO_ACTIVATION", **{"global": True})
        return self._out(y, shape, self.qp.get(x))

    def fc(self, x: int, name: str, cout: int, gain: float = 1.0) -> int:
        n, cin = self.shape[x]
        wf = (self.rng.standard_normal((cout, cin)) * np.sqrt(gain / cin)).astype(np.float32)
        bf = (self.rng.standard_normal(cout) * 0.05).astype(np.float32)
        y = self.b.node("FullConnection", [x, self.b.const(f"{name}_w", wf), self.b.const(f"{name}_b", bf)],
                        [self._tensor(name, (n, cout))], name=name, has_bias=True, use_axis=False, axis=1,
                        activation_type="NO_ACTIVATION")
        return self._out(y, (n, cout))

    def softmax(self, x: int, name: str) -> int:
        y = self.b.node("Softmax", [x], [self._tensor(name, self.shape[x])], name=name, axis=(-1,))
        return self._out(y, self.shape[x])


# ---------------------------------------------------------------- BlazeFace-like (int8)

BLAZEFACE_SEED = 1401


def _blaze_join(net: _Net, x: int, y: int, name: str, stride: int) -> int:
    """``y`` + the skip path of ``x``: max pool 2x2 when stride 2, zero channels padded up to
    ``y``'s; add + ReLU."""
    skip = net.maxpool(x, f"{name}_pool") if stride == 2 else x
    extra = net.shape[y][3] - net.shape[x][3]
    if extra > 0:
        skip = net.pad_channels(skip, f"{name}_chpad", extra)
    return net.add(y, skip, f"{name}_add")


def _blaze_block(net: _Net, x: int, name: str, cout: int, stride: int = 1) -> int:
    """depthwise 5x5 (stride) -> pointwise 1x1 ; skip: max pool 2x2 when stride 2, zero
    channels padded when cout > cin ; add + ReLU."""
    cin = net.shape[x][3]
    y = net.conv(x, f"{name}_dw", cin, 5, stride, depthwise=True, gain=1.0)
    y = net.conv(y, f"{name}_pw", cout, 1, gain=1.0)
    return _blaze_join(net, x, y, name, stride)


def _double_blaze_block(net: _Net, x: int, name: str, mid: int, cout: int, stride: int = 1) -> int:
    """depthwise 5x5 (stride) -> 1x1 to ``mid`` + ReLU -> depthwise 5x5 -> 1x1 to ``cout`` ;
    skip as in _blaze_block ; add + ReLU."""
    cin = net.shape[x][3]
    y = net.conv(x, f"{name}_dw1", cin, 5, stride, depthwise=True, gain=1.0)
    y = net.conv(y, f"{name}_pw1", mid, 1, act="RELU")
    y = net.conv(y, f"{name}_dw2", mid, 5, depthwise=True, gain=1.0)
    y = net.conv(y, f"{name}_pw2", cout, 1, gain=1.0)
    return _blaze_join(net, x, y, name, stride)


_BLAZE_SHARE = {"cls16": "cls", "cls8": "cls", "cls16_flat": "cls", "cls8_flat": "cls", "classifiers": "cls",
                "reg16": "reg", "reg8": "reg", "reg16_flat": "reg", "reg8_flat": "reg", "regressors": "reg"}


def _blazeface_net(net: _Net) -> list[int]:
    x = net.input("image", (1, 128, 128, 3))
    y = net.conv(x, "conv0", 24, 5, 2, act="RELU")                      # 64x64x24
    y = _blaze_block(net, y, "b1", 24)
    y = _blaze_block(net, y, "b2", 28)
    y = _blaze_block(net, y, "b3", 32, stride=2)                        # 32x32
    y = _blaze_block(net, y, "b4", 36)
    y = _blaze_block(net, y, "b5", 42)
    y = _double_blaze_block(net, y, "d1", 24, 48, stride=2)             # 16x16
    y = _double_blaze_block(net, y, "d2", 24, 48)
    y16 = _double_blaze_block(net, y, "d3", 24, 96)
    y = _double_blaze_block(net, y16, "d4", 24, 96, stride=2)           # 8x8
    y8 = _double_blaze_block(net, y, "d5", 24, 96)
    c16 = net.conv(y16, "cls16", 2, 1, gain=1.0)
    c8 = net.conv(y8, "cls8", 6, 1, gain=1.0)
    r16 = net.conv(y16, "reg16", 32, 1, gain=1.0)
    r8 = net.conv(y8, "reg8", 96, 1, gain=1.0)
    cls = net.concat([net.reshape(c16, "cls16_flat", (1, 512, 1)), net.reshape(c8, "cls8_flat", (1, 384, 1))],
                     "classifiers", axis=1)
    reg = net.concat([net.reshape(r16, "reg16_flat", (1, 512, 16)), net.reshape(r8, "reg8_flat", (1, 384, 16))],
                     "regressors", axis=1)
    return [cls, reg]


def _calibration_image(seed: int, shape) -> np.ndarray:
    """A smooth image-like input in [-1, 1): low-frequency noise, upsampled, plus fine noise."""
    rng = np.random.default_rng(seed)
    n, h, w, c = shape
    coarse = rng.uniform(-1, 1, (n, h // 8, w // 8, c))
    img = np.repeat(np.repeat(coarse, 8, axis=1), 8, axis=2) * 0.8 + rng.uniform(-0.2, 0.2, shape)
    return np.clip(img, -1.0, 0.99).astype(np.float32)


def _calibrate(build, seed: int, name: str, share: dict) -> dict:
    """tensor name -> (min, max) of the fp32 twin on one calibration image."""
    net = _Net(name, seed, share=share)
    outs = build(net)
    g = net.b.build(outputs=outs)
    x = _calibration_image(seed + 1, g.tensors[g.inputs[0]].shape)
    dump: dict = {}
    reference.run(g, [x], dump=dump)
    return {g.tensors[k].name: (float(v.min()), float(v.max())) for k, v in dump.items()}


def blazeface_like_int8():
    """BlazeFace-style int8 detector: input 1x128x128x3 (scale 2/255, zero point 0), 5x5 conv
    stride 2 -> 64x64x24, five BlazeBlocks (depthwise 5x5 + 1x1, residual Add + ReLU; the
    stride-2 one max-pools its skip path, channel growth pads the skip path with zeros:
    PadFusion), five double BlazeBlocks (16x16x48 -> 16x16x96 -> 8x8x96) and BlazeFace's heads:
    1x1 convs on the 16x16 (2 anchors) and 8x8 (6 anchors) maps, reshaped and concatenated
    into ``classifiers`` 1x896x1 and ``regressors`` 1x896x16 (one shared scale per output).

    Memory before issue 14: ``micro-codegen plan`` arena 327,680 B (= its lower bound; the
    plain tensor lower bound, with Reshape outputs counted apart, is 344,064 B), reached on
    the 64x64 maps of the first BlazeBlocks; weights 57,570 B. nrf52840dk has 256 KiB of RAM."""
    ranges = _calibrate(_blazeface_net, BLAZEFACE_SEED, "blazeface_like_int8", _BLAZE_SHARE)
    net = _Net("blazeface_like_int8", BLAZEFACE_SEED, int8=True, ranges=ranges, share=_BLAZE_SHARE)
    outs = _blazeface_net(net)
    return net.b.build(outputs=outs)


def blazeface_input(seed: int = 7) -> np.ndarray:
    """An int8 test image for blazeface_like_int8 (image-like, not the calibration one)."""
    x = _calibration_image(seed, (1, 128, 128, 3))
    return np.clip(np.round(x / (2.0 / 255.0)), -128, 127).astype(np.int8)


# ---------------------------------------------------------------- MobileNet v1 (fp32)

MOBILENET_SEED = 1402
#: (pointwise output channels, depthwise stride) of the 13 depthwise-separable blocks
MOBILENET_V1_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1),
                       (512, 1), (512, 1), (1024, 2), (1024, 1))


def mobilenet_v1_fp32(size: int = 224, classes: int = 10, name: str | None = None):
    """MobileNet v1, width 1.0, fp32, input 1 x size x size x 3: 3x3 conv stride 2 to 32
    channels, 13 depthwise 3x3 + pointwise 1x1 pairs (ReLU6 after each, batch norm folded
    into the biases), global average pool, FC to ``classes``, softmax. He-initialised seeded
    weights (std sqrt(2 / fan_in)); 3.2 M parameters (12.9 MB) with 10 classes."""
    net = _Net(name or f"mobilenet_v1_{size}_fp32", MOBILENET_SEED)
    y = net.input("image", (1, size, size, 3))
    y = net.conv(y, "conv0", 32, 3, 2, act="RELU6")
    for k, (cout, stride) in enumerate(MOBILENET_V1_BLOCKS, 1):
        y = net.conv(y, f"dw{k}", 0, 3, stride, depthwise=True, act="RELU6")
        y = net.conv(y, f"pw{k}", cout, 1, act="RELU6")
    y = net.global_avgpool(y, "avgpool")
    y = net.reshape(y, "flatten", (1, 1024))
    y = net.fc(y, "fc", classes, gain=100.0)
    y = net.softmax(y, "softmax")
    return net.b.build(outputs=[y])


def mobilenet_v1_224_fp32(classes: int = 10):
    """:func:`mobilenet_v1_fp32` at 224x224: activations ~4.8 MB unpatched, weights 12.9 MB."""
    return mobilenet_v1_fp32(224, classes)


def mobilenet_input(size: int, seed: int = 9) -> np.ndarray:
    return _calibration_image(seed, (1, size, size, 3))


# ---------------------------------------------------------------- files

def write_case(folder: str | Path, name: str, graph, inputs) -> Path:
    """``folder/<name>.ms`` (the project's writer) and ``<name>.ms.npz``: ``input_0`` and the
    reference outputs (``output_0``, or ``output_0_<t>`` for several outputs), computed by
    micro_codegen.reference on the model read back from the file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ms"
    write_model(graph, path)
    g = read_model(path)
    outs = reference.run(g, inputs)
    arrays = {}
    for stem, arrs in (("input", inputs), ("output", outs)):
        for t, a in enumerate(arrs):
            arrays[f"{stem}_0" if len(arrs) == 1 else f"{stem}_0_{t}"] = np.asarray(a)
    np.savez(str(path) + ".npz", **arrays)
    return path


#: name -> (graph builder, input builder)
BIG_MODELS = {
    "blazeface_like_int8": (blazeface_like_int8, blazeface_input),
    "mobilenet_v1_224_fp32": (mobilenet_v1_224_fp32, lambda: mobilenet_input(224)),
    "mobilenet_v1_96_fp32": (lambda: mobilenet_v1_fp32(96), lambda: mobilenet_input(96)),
}


def write_big_model(folder: str | Path, name: str) -> Path:
    graph, inp = BIG_MODELS[name]
    return write_case(folder, name, graph(), [inp()])
