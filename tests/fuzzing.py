"""Seeded fuzzer of the model commands (``inspect``, ``check``, ``plan``, ``infer``, ``generate``).

Case ``k`` of seed ``S`` is a pure function of ``(S, k)``: a model file made by one of

* ``bytes``: a real model file (``../shared/models``: MLPerf Tiny ``.ms`` and ``.tflite``, the
  ONNX-op and op-family ``.ms``, the op-family ``.onnx``) mutated as bytes: truncation, bit flips, random words, bad
  offsets and vtables, huge / negative / zero dims, vector counts and tensor indices, splices
  (within the file or from another one), inserted / deleted / zeroed runs;
* ``graph``: a random valid graph (a chain of int8 or fp32 layers built with
  :class:`~micro_codegen.builder.GraphBuilder`, written with the project's ``.ms`` writer, with
  reference cases);
* ``graph-mut``: such a graph mutated in the IR (shapes, dtypes, quantization, weights,
  attributes, node inputs / outputs, node order) and written the same way.

Two cases in every ``build_every`` (:func:`is_build_case`: one valid graph, one mutated) are also
validated on the host board when ``check`` passes them (generate + gcc build + run + compare
with the reference interpreter): a graph that passes ``check`` must build and run.

Each command runs in process through the CLI (``CliRunner``, ``--debug`` so a typed error
reaches the fuzzer as its class) and must end in success, a refusal (exit 1, e.g. ``check``
listing problems) or a :class:`~micro_codegen.errors.CodegenError` whose message and hint are
one line each and do not hide a ``MemoryError``. Anything else -- another exception, a case
over its time limit, a crashed worker, a worker whose peak memory passes ``MAX_RSS_BYTES`` --
is a failure reported with the seed and case number; ``benchmarks/fuzz.py --seed S --case K``
replays one case in the foreground (``--keep DIR`` keeps its files).

Cases run in worker processes (``python tests/fuzzing.py --worker``, one case index per line
on stdin, one JSON result per line on stdout); :func:`run_cases` feeds ``jobs`` of them,
restarts a worker that crashed or hung, and returns the results in case order, so the
outcomes do not depend on ``jobs``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
if str(TESTS) not in sys.path:          # tiny_models when run as a script (the worker)
    sys.path.insert(0, str(TESTS))

COMMANDS = ("inspect", "check", "plan", "infer", "generate")
#: cases k * BUILD_EVERY are random valid graphs, cases k * BUILD_EVERY + BUILD_EVERY // 2 mutated
#: ones; when they pass ``check`` they are also validated on the host board (:func:`is_build_case`)
BUILD_EVERY = 60
#: per-case limits: seconds (a build case gets BUILD_SECONDS) and the worker's peak resident memory
CASE_SECONDS = 30.0
BUILD_SECONDS = 180.0
MAX_RSS_BYTES = 1536 << 20
#: the worker's address-space limit: an allocation beyond it is a MemoryError, not a swapped machine
ADDRESS_SPACE_BYTES = 6 << 30

#: the options a case adds to a command (one set each, chosen by the seed)
CHECK_OPTIONS = ((), (), ("--json",), ("--board", "qemu-mps2-an386"), ("--board", "nrf52840dk", "--ram-limit", "64K"))
PLAN_OPTIONS = ((), (), ("--json",), ("--text",), ("--patch", "auto"), ("--whole-tensors",),
                ("--board", "stm32f746g-disco"))
GENERATE_OPTIONS = ((), (), ("--board", "host"), ("--board", "nrf52840dk"), ("--patch", "auto"), ("--app", "none"))

MUTATIONS = ("truncate", "bitflip", "word", "offset", "vtable", "dims", "count", "index", "splice", "insert",
             "delete", "zero")
GRAPH_MUTATIONS = ("shape", "dtype", "quant", "weights", "attr", "input", "const-input", "output", "graph-output",
                   "order")


# ---------------------------------------------------------------- the corpus of real files

def corpus(shared: Path) -> dict[str, list[Path]]:
    """Group name -> real model files (sorted) under ``shared/models``; a case first picks a
    group (so the 400 ONNX-op files do not drown the MLPerf models), then a file."""
    models = shared / "models"
    mlperf = models / "mlperf_tiny"
    small = ["kws_ref_model", "kws_ref_model_float32", "ad01_int8", "str_ww_ref_model", "pretrainedResnet_quant"]
    groups = {
        "mlperf.ms": [mlperf / f"{m}.ms" for m in small],
        "mlperf.tflite": [mlperf / f"{m}.tflite" for m in small],
        "onnx_ops.ms": sorted((models / "onnx_ops").glob("*.ms")),
        "op_families.ms": sorted((models / "op_families").glob("*.ms")),
        "op_families.onnx": sorted((models / "op_families").glob("*.onnx")),
    }
    return {k: [p for p in v if p.is_file()] for k, v in groups.items() if any(p.is_file() for p in v)}


def cases_of(model: Path) -> Path | None:
    """The reference cases of a shared model (``X.ms.npz``; a .tflite uses its .ms twin's)."""
    for p in (Path(str(model) + ".npz"), model.with_suffix(".ms.npz")):
        if p.is_file():
            return p
    return None


# ---------------------------------------------------------------- byte mutations

#: per format: table kind -> {vtable slot: "dims" | "indices" | "bytes" | ("tables", kind)}
_LAYOUT = {
    "ms": {"root": {10: "indices", 12: "indices", 16: ("tables", "node"), 18: ("tables", "tensor")},
           "node": {10: "indices", 12: "indices"},
           "tensor": {8: "dims", 16: "bytes"}},
    "tflite": {"root": {8: ("tables", "subgraph"), 12: ("tables", "buffer")},
               "subgraph": {4: ("tables", "tensor"), 6: "indices", 8: "indices", 10: ("tables", "op")},
               "tensor": {4: "dims"}, "op": {6: "indices", 8: "indices"}, "buffer": {4: "bytes"}},
}


@dataclasses.dataclass
class Layout:
    """Where the structure of a valid flatbuffer lies: table positions and vectors."""
    tables: list[int]
    vectors: list[tuple[str, int, int]]     # (kind, position of the length word, length)


def layout(data: bytes, fmt: str) -> Layout:
    """Walk the tables of a *valid* ``.ms`` / ``.tflite`` buffer through :data:`_LAYOUT`."""
    u32 = lambda pos: struct.unpack_from("<I", data, pos)[0]   # noqa: E731
    out = Layout([], [])

    def walk(pos: int, kind: str) -> None:
        out.tables.append(pos)
        vtable = pos - struct.unpack_from("<i", data, pos)[0]
        vsize = struct.unpack_from("<H", data, vtable)[0]
        for slot, what in _LAYOUT[fmt][kind].items():
            if slot >= vsize or not (field := struct.unpack_from("<H", data, vtable + slot)[0]):
                continue
            vec = pos + field + u32(pos + field)
            n = u32(vec)
            if isinstance(what, tuple):
                out.vectors.append(("tables", vec, n))
                for i in range(n):
                    elem = vec + 4 + 4 * i
                    walk(elem + u32(elem), what[1])
            else:
                out.vectors.append((what, vec, n))

    walk(u32(0), "root")
    return out


#: the mutations that aim at a flatbuffer's structure (:func:`layout`; not for .onnx protobufs)
_STRUCTURED = ("offset", "vtable", "dims", "count", "index")
_HUGE = (0x7FFFFFFF, 0x40000000, 0x10000, 0xFFFFFFFF, 0x80000000, 0xFFFFFFFE, 0, 1 << 24)


def mutate_bytes(rng: np.random.Generator, data: bytes, fmt: str, other: bytes) -> tuple[str, bytes]:
    """One seeded mutation of a valid model buffer ``data`` (``fmt`` "ms", "tflite" or "onnx"):
    (mutation name, bytes)."""
    kinds = MUTATIONS if fmt in _LAYOUT else tuple(k for k in MUTATIONS if k not in _STRUCTURED)
    kind = kinds[int(rng.integers(len(kinds)))]
    buf = bytearray(data)
    n = len(buf)
    lay = layout(data, fmt) if kind in _STRUCTURED else None
    pos = lambda hi=n: int(rng.integers(0, max(hi, 1)))     # noqa: E731

    def word(at: int, value: int, fmt_: str = "<I") -> None:
        if 0 <= at <= n - struct.calcsize(fmt_):
            struct.pack_into(fmt_, buf, at, value & (0xFFFF if fmt_ == "<H" else 0xFFFFFFFF))

    if kind == "truncate":
        return kind, bytes(buf[:pos()])
    if kind == "bitflip":                  # the structure (first 4 KiB) as often as the rest
        for _ in range(int(rng.integers(1, 9))):
            at = pos(n if rng.random() < 0.5 else min(n, 4096))
            buf[at] ^= 1 << int(rng.integers(8))
    elif kind == "word":
        word(pos(n - 3) & ~3 if rng.random() < 0.7 else pos(n - 3), int(rng.integers(0, 2**32)))
    elif kind == "offset":                 # the root offset or a table's vtable offset, plausible or wild
        at = 0 if rng.random() < 0.2 else lay.tables[int(rng.integers(len(lay.tables)))]
        word(at, int(rng.integers(-n, n)) if rng.random() < 0.7 else _HUGE[int(rng.integers(len(_HUGE)))])
    elif kind == "vtable":                 # a vtable's size, table size or field offset
        t = lay.tables[int(rng.integers(len(lay.tables)))]
        vt = t - struct.unpack_from("<i", data, t)[0]
        vsize = struct.unpack_from("<H", data, vt)[0]
        entry = vt + 2 * int(rng.integers(0, max(vsize // 2, 1)))
        word(entry, int(rng.choice([0, 1, 3, 0xFFFF, 0x8000, int(rng.integers(0, 0x10000))])), "<H")
    elif kind in ("dims", "count", "index"):
        want = {"dims": ("dims",), "count": ("dims", "indices", "tables", "bytes"), "index": ("indices",)}[kind]
        vecs = [v for v in lay.vectors if v[0] in want and (kind == "count" or v[2] > 0)]
        if not vecs:
            return mutate_bytes(rng, data, fmt, other)
        _, vec, length = vecs[int(rng.integers(len(vecs)))]
        if kind == "count":
            word(vec, int(rng.choice([length + 1, max(length - 1, 0), 0, length * 1000 + 7,
                                      _HUGE[int(rng.integers(len(_HUGE)))]])))
        else:
            at = vec + 4 + 4 * int(rng.integers(length))
            old = struct.unpack_from("<i", data, at)[0]
            choices = [-1, -2, 0, old + 1, old * 1000, -(2**31), 2**31 - 1, 65536, int(rng.integers(-50, 50))]
            word(at, int(choices[int(rng.integers(len(choices)))]))
    elif kind == "splice":                 # a run copied from elsewhere in this file or another model
        src = other if rng.random() < 0.3 and other else data
        k = int(rng.integers(1, 257))
        s = pos(len(src) - k)
        d = pos(n - k)
        buf[d:d + k] = src[s:s + k]
    elif kind == "insert":
        at = pos()
        buf[at:at] = rng.integers(0, 256, int(rng.integers(1, 17)), dtype=np.uint8).tobytes()
    elif kind == "delete":
        at = pos()
        del buf[at:at + int(rng.integers(1, 17))]
    else:                                  # zero a run
        at, k = pos(), int(rng.integers(1, 513))
        buf[at:at + k] = bytes(len(buf[at:at + k]))
    return kind, bytes(buf)


# ---------------------------------------------------------------- random valid graphs

class _Chain:
    """A random chain of NHWC layers (int8 with per-channel weights, or fp32) on a GraphBuilder."""

    def __init__(self, rng: np.random.Generator, dtype):
        from micro_codegen.builder import GraphBuilder
        self.rng, self.dtype = rng, dtype
        self.int8 = dtype.name == "INT8"
        self.b = GraphBuilder("fuzz")
        shape = (1, int(rng.integers(1, 13)), int(rng.integers(1, 13)), int(rng.integers(1, 9)))
        self.cur = self.b.input("x", dtype, shape, quant=self._q())
        self.seen = [self.cur]

    def _q(self):
        return (float(self.rng.uniform(0.02, 0.2)), int(self.rng.integers(-20, 20))) if self.int8 else None

    def shape(self, t=None) -> tuple:
        return self.b.tensors[self.cur if t is None else t].shape

    def _same_q(self, t):
        q = self.b.tensors[t].quant
        return (q[0].scale, q[0].zero_point) if q else None

    def _out(self, shape, quant="new"):
        q = self._q() if quant == "new" else quant
        return (f"t{len(self.b.tensors)}", self.dtype, tuple(int(d) for d in shape), q)

    def _act(self) -> str:
        return str(self.rng.choice(["NO_ACTIVATION", "RELU", "RELU6"]))

    def conv(self) -> None:
        from micro_codegen.numerics import conv_window
        rng = self.rng
        _, h, w, cin = self.shape()
        dw = rng.random() < 0.3
        k = int(rng.choice([1, 3, 5]))
        stride = int(rng.integers(1, 3))
        pad_mode = "SAME" if k > min(h, w) or rng.random() < 0.6 else "VALID"
        cout = cin if dw else int(rng.integers(1, 9))
        group = cin if dw else 1
        attrs = dict(kernel_size=(k, k), stride=(stride, stride), dilation=(1, 1), pad_mode=pad_mode,
                     pad_list=(0, 0, 0, 0), group=group, in_channel=cin, out_channel=cout, format="NHWC",
                     activation_type=self._act())
        win = conv_window((h, w), (k, k), attrs)
        wshape = (cout, k, k, cin // group)
        if self.int8:
            in_scale = self.b.tensors[self.cur].quant[0].scale
            ws = rng.uniform(0.002, 0.02, cout)
            wt = self.b.const(f"w{len(self.b.tensors)}", rng.integers(-127, 128, wshape).astype(np.int8),
                              quant=(list(ws), [0] * cout))
            bias = self.b.const(f"b{len(self.b.tensors)}", rng.integers(-300, 300, cout).astype(np.int32),
                                quant=(list(in_scale * ws), [0] * cout))
        else:
            wt = self.b.const(f"w{len(self.b.tensors)}", (rng.standard_normal(wshape) * 0.3).astype(np.float32))
            bias = self.b.const(f"b{len(self.b.tensors)}", rng.standard_normal(cout).astype(np.float32))
        self.cur = self.b.node("Conv2DFusion", [self.cur, wt, bias], [self._out((1, win.out_h, win.out_w, cout))],
                               **attrs)

    def pool(self) -> None:
        from micro_codegen.numerics import pool_window
        rng = self.rng
        _, h, w, c = self.shape()
        k = int(rng.integers(1, min(h, w, 3) + 1))
        attrs = dict(kernel_size=(k, k), strides=(int(rng.integers(1, 3)),) * 2, pad_mode="VALID",
                     pad=(0, 0, 0, 0), round_mode="FLOOR", format="NHWC", activation_type="NO_ACTIVATION")
        win = pool_window((h, w), attrs)
        op = str(rng.choice(["MaxPoolFusion", "AvgPoolFusion"]))
        self.cur = self.b.node(op, [self.cur], [self._out((1, win.out_h, win.out_w, c), self._same_q(self.cur))],
                               **attrs)

    def eltwise(self) -> None:
        rng = self.rng
        shape = self.shape()
        same = [t for t in self.seen if self.shape(t) == shape and t != self.cur]
        if same and rng.random() < 0.6:
            other = same[int(rng.integers(len(same)))]
        elif self.int8:
            other = self.b.const(f"k{len(self.b.tensors)}", rng.integers(-100, 100, shape[-1:]).astype(np.int8),
                                 quant=self._q())
        else:
            other = self.b.const(f"k{len(self.b.tensors)}", rng.standard_normal(shape[-1:]).astype(np.float32))
        op = str(rng.choice(["AddFusion", "MulFusion", "SubFusion"]))
        self.cur = self.b.node(op, [self.cur, other], [self._out(shape)], activation_type=self._act())

    def activation(self) -> None:
        kinds = ["RELU", "RELU6"] if self.int8 else ["RELU", "RELU6", "SIGMOID", "TANH", "HSWISH", "LEAKY_RELU"]
        kind = str(self.rng.choice(kinds))
        self.cur = self.b.node("Activation", [self.cur], [self._out(self.shape(), self._same_q(self.cur))],
                               activation_type=kind, alpha=0.1, min_val=0.0, max_val=6.0)

    def concat(self) -> None:
        shape = self.shape()
        same = [t for t in self.seen if self.shape(t)[:3] == shape[:3]]
        other = same[int(self.rng.integers(len(same)))]
        c = shape[3] + self.shape(other)[3]
        q = self._same_q(self.cur)
        if q is not None and self._same_q(other) != q:
            return
        self.cur = self.b.node("Concat", [self.cur, other], [self._out(shape[:3] + (c,), q)], axis=3)

    def pad(self) -> None:
        rng = self.rng
        _, h, w, c = self.shape()
        p = rng.integers(0, 3, 4)
        pads = self.b.const(f"p{len(self.b.tensors)}",
                            np.array([[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]], np.int32))
        self.cur = self.b.node("PadFusion", [self.cur, pads],
                               [self._out((1, h + p[0] + p[1], w + p[2] + p[3], c), self._same_q(self.cur))],
                               padding_mode="CONSTANT")

    def reshape_op(self) -> None:
        """Transpose (H <-> W), StridedSlice, TileFusion or nearest Resize: ops whose shapes
        come from constant operands (which the IR mutations then garble)."""
        rng = self.rng
        _, h, w, c = self.shape()
        q = self._same_q(self.cur)
        kind = int(rng.integers(4))
        if kind == 0:
            perm = self.b.const(f"perm{len(self.b.tensors)}", np.array([0, 2, 1, 3], np.int32))
            self.cur = self.b.node("Transpose", [self.cur, perm], [self._out((1, w, h, c), q)])
        elif kind == 1:
            begin = [0, int(rng.integers(h)), int(rng.integers(w)), 0]
            strides = [1, int(rng.integers(1, 3)), int(rng.integers(1, 3)), 1]
            shape = [1] + [-(-(n - b0) // s0) for n, b0, s0 in zip((h, w), begin[1:3], strides[1:3])] + [c]
            ks = [self.b.const(f"s{len(self.b.tensors)}", np.array(v, np.int32)) for v in (begin, [1, h, w, c], strides)]
            self.cur = self.b.node("StridedSlice", [self.cur, *ks], [self._out(shape, q)], begin_mask=0, end_mask=0,
                                   ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0)
        elif kind == 2 and h * w <= 36:
            m = [1, int(rng.integers(1, 3)), int(rng.integers(1, 3)), 1]
            mult = self.b.const(f"m{len(self.b.tensors)}", np.array(m, np.int32))
            self.cur = self.b.node("TileFusion", [self.cur, mult], [self._out((1, h * m[1], w * m[2], c), q)])
        elif kind == 3 and h * w <= 36:
            size = [h * int(rng.integers(1, 3)), w * int(rng.integers(1, 3))]
            sizes = self.b.const(f"r{len(self.b.tensors)}", np.array(size, np.int32))
            self.cur = self.b.node("Resize", [self.cur, sizes], [self._out((1, *size, c), q)], method="NEAREST",
                                   coordinate_transform_mode="ASYMMETRIC", nearest_mode="FLOOR", format="NHWC")

    def head(self) -> None:
        """Reshape to 1 x N, a fully connected layer, and (half the time) a softmax."""
        rng = self.rng
        n = int(np.prod(self.shape()))
        shp = self.b.const(f"s{len(self.b.tensors)}", np.array([1, n], np.int32))
        flat = self.b.node("Reshape", [self.cur, shp], [self._out((1, n), self._same_q(self.cur))])
        units = int(rng.integers(1, 11))
        if self.int8:
            ws = float(rng.uniform(0.002, 0.02))
            wt = self.b.const(f"w{len(self.b.tensors)}", rng.integers(-127, 128, (units, n)).astype(np.int8),
                              quant=(ws, 0))
            bias = self.b.const(f"b{len(self.b.tensors)}", rng.integers(-300, 300, units).astype(np.int32),
                                quant=(ws * self.b.tensors[flat].quant[0].scale, 0))
        else:
            wt = self.b.const(f"w{len(self.b.tensors)}", (rng.standard_normal((units, n)) * 0.2).astype(np.float32))
            bias = self.b.const(f"b{len(self.b.tensors)}", rng.standard_normal(units).astype(np.float32))
        self.cur = self.b.node("FullConnection", [flat, wt, bias], [self._out((1, units))], has_bias=True,
                               use_axis=False, axis=1, activation_type="NO_ACTIVATION")
        if rng.random() < 0.5:
            q = (1 / 256, -128) if self.int8 else None
            self.cur = self.b.node("Softmax", [self.cur], [self._out((1, units), q)], axis=(-1,))

    def step(self) -> None:
        layers = (self.conv, self.conv, self.pool, self.eltwise, self.activation, self.concat, self.pad,
                  self.reshape_op)
        layers[int(self.rng.integers(len(layers)))]()
        self.seen.append(self.cur)


def random_graph(rng: np.random.Generator):
    """A random valid int8 or fp32 graph: 1-6 layers (at least one node), then a classifier head
    half the time."""
    from micro_codegen.ir import DType
    chain = _Chain(rng, DType.INT8 if rng.random() < 0.5 else DType.FLOAT32)
    for _ in range(int(rng.integers(1, 7))):
        chain.step()
    if not chain.b.nodes:              # every layer drawn was skipped (a concat of other quantization, ...)
        chain.conv()
    if rng.random() < 0.5:
        chain.head()
    return chain.b.build(outputs=[chain.cur])


def _wild_int(rng, old: int) -> int:
    return int(rng.choice([0, -1, -2, 1, 2, old + 1, old - 1, old * 7, 2**31 - 1, -(2**31), 2**20, 65535]))


def mutate_graph(rng: np.random.Generator, g) -> tuple[str, object]:
    """One seeded IR mutation of graph ``g`` (written afterwards; values stay int32-writable)."""
    import dataclasses as dc

    from micro_codegen.ir import DType, QuantParam
    kind = GRAPH_MUTATIONS[int(rng.integers(len(GRAPH_MUTATIONS)))]
    tensors, nodes = list(g.tensors), list(g.nodes)
    pick = lambda seq: int(rng.integers(len(seq)))     # noqa: E731
    ti = pick(tensors)
    t = tensors[ti]
    ni = pick(nodes)
    n = nodes[ni]
    if kind == "shape":
        shape = list(t.shape)
        r = rng.random()
        if r < 0.6 and shape:
            d = pick(shape)
            shape[d] = _wild_int(rng, shape[d])
        elif r < 0.8:
            shape.insert(int(rng.integers(len(shape) + 1)), int(rng.choice([1, 2, 0])))
        else:
            shape = shape[:-1] if shape else [3]
        tensors[ti] = dc.replace(t, shape=tuple(shape))
    elif kind == "dtype":
        dts = list(DType)
        tensors[ti] = dc.replace(t, dtype=dts[pick(dts)])
    elif kind == "quant":
        qs = list(t.quant) or [QuantParam(inited=True)]
        q = qs[pick(qs)]
        r = rng.random()
        if r < 0.5:
            q = dc.replace(q, scale=float(rng.choice([0.0, -1.0, np.nan, np.inf, 1e30, 1e-30, 1e-45])))
        elif r < 0.75:
            q = dc.replace(q, zero_point=_wild_int(rng, q.zero_point))
        else:
            qs = qs + [q] * int(rng.integers(1, 4)) if rng.random() < 0.5 else qs[:-1]
        qs = [q if i == 0 else x for i, x in enumerate(qs)]
        tensors[ti] = dc.replace(t, quant=tuple(qs))
    elif kind == "weights":
        # random bytes; float weights random but finite (sums that overflow give inf or nan
        # depending on the summation order, which kernels and the reference need not share)
        consts = [i for i, x in enumerate(tensors) if x.data]
        if consts:
            ci = consts[pick(consts)]
            c = tensors[ci]
            if np.issubdtype(c.dtype.np, np.floating):
                data = (rng.standard_normal(c.size) * 10 ** rng.uniform(-3, 3)).astype(c.dtype.np).tobytes()
            else:
                data = rng.integers(0, 256, len(c.data), dtype=np.uint8).tobytes()
            tensors[ci] = dc.replace(c, data=data)
    elif kind == "attr" and n.attrs:
        key = sorted(n.attrs)[pick(n.attrs)]
        v = n.attrs[key]
        if isinstance(v, bool):
            v = not v
        elif isinstance(v, int):
            v = _wild_int(rng, v)
        elif isinstance(v, float):
            v = float(rng.choice([0.0, -1.0, np.nan, np.inf, 1e30]))
        elif isinstance(v, (tuple, list)):
            v = list(v)
            if v and rng.random() < 0.7:
                v[pick(v)] = _wild_int(rng, int(v[0]) if not isinstance(v[0], str) else 0)
            else:
                v = v[:-1] if v and rng.random() < 0.5 else v + [int(rng.integers(-3, 4))]
            v = tuple(v)
        nodes[ni] = dc.replace(n, attrs={**n.attrs, key: v})
    elif kind == "input" and n.inputs:
        ins = list(n.inputs)
        r = rng.random()
        if r < 0.5:
            ins[pick(ins)] = pick(tensors)
        elif r < 0.75:
            ins.pop(pick(ins))
        else:
            ins.append(ins[pick(ins)])
        nodes[ni] = dc.replace(n, inputs=tuple(ins))
    elif kind == "const-input" and n.inputs:   # an activation input becomes a constant: the node folds
        k = pick(n.inputs)
        x = tensors[n.inputs[k]]
        if all(d >= 0 for d in x.shape) and x.size <= 1 << 16:
            from tiny_models import random_input
            tensors.append(dc.replace(x, name=f"{x.name}/const", data=random_input(rng, x).tobytes()))
            nodes[ni] = dc.replace(n, inputs=n.inputs[:k] + (len(tensors) - 1,) + n.inputs[k + 1:])
    elif kind == "output":
        outs = list(n.outputs)
        outs[pick(outs)] = pick(tensors)
        nodes[ni] = dc.replace(n, outputs=tuple(outs))
    elif kind == "graph-output":
        return kind, dc.replace(g, outputs=(pick(tensors),))
    elif kind == "order" and len(nodes) > 1:
        j = pick(nodes)
        nodes[ni], nodes[j] = nodes[j], nodes[ni]
    return kind, dc.replace(g, tensors=tuple(tensors), nodes=tuple(nodes))


# ---------------------------------------------------------------- making a case

def is_build_case(index: int, build_every: int) -> bool:
    """Is case ``index`` a graph that, when ``check`` passes, is also built and run on the host?"""
    return index % build_every in (0, build_every // 2)


@dataclasses.dataclass
class CaseFiles:
    label: str                   # what the case is, e.g. "bytes dims of onnx_ops/test_add.ms"
    model: Path
    cases: Path | None           # the reference cases infer reads (absent: infer reports it)
    build: bool = False          # also validate on the host board when check passes


def _write_cases(g, path: Path, rng: np.random.Generator) -> Path | None:
    """Random inputs for ``g`` and, when the reference runs it, its outputs as a CASES.npz; None
    when the inputs are not plain arrays of a sane size (infer then reports the missing file)."""
    from micro_codegen import reference
    from tiny_models import random_input
    ins = []
    for ti in g.inputs:
        t = g.tensors[ti] if 0 <= ti < len(g.tensors) else None
        if t is None or any(d < 0 for d in t.shape) or t.size > 1 << 16:
            return None
        ins.append(random_input(rng, t))
    arrays = {f"input_0_{k}": a for k, a in enumerate(ins)}
    try:
        arrays.update({f"output_0_{k}": a for k, a in enumerate(reference.run(g, ins))})
    except Exception:       # noqa: BLE001 - a graph the reference refuses (infer reports it)
        pass
    np.savez(path, **arrays)
    return path


def make_case(seed: int, index: int, shared: Path, workdir: Path, build_every: int = BUILD_EVERY) -> CaseFiles:
    """Write case ``index`` of ``seed`` into ``workdir``: the model file and its cases."""
    from micro_codegen.errors import CodegenError
    from micro_codegen.ms_model import write_bytes
    rng = np.random.default_rng([seed, index])
    groups = corpus(shared)
    r = rng.random()
    if is_build_case(index, build_every) or r < 0.3 or not groups:
        kind = "graph" if index % build_every == 0 or r < 0.06 or not groups else "graph-mut"
        g = random_graph(rng)
        label = kind
        if kind == "graph-mut":
            for _ in range(8):                       # a mutation the writer can write
                what, mg = mutate_graph(rng, g)
                try:
                    data = write_bytes(mg)
                except (CodegenError, ValueError, TypeError, KeyError, IndexError, OverflowError, struct.error):
                    continue
                label = f"graph-mut {what}"
                break
            else:
                data, mg = write_bytes(g), g
        else:
            data, mg = write_bytes(g), g
        model = workdir / "model.ms"
        model.write_bytes(data)
        cases = _write_cases(mg, workdir / "cases.npz", rng)
        return CaseFiles(label, model, cases, build=is_build_case(index, build_every))
    names = sorted(groups)
    files = groups[names[int(rng.integers(len(names)))]]
    src = files[int(rng.integers(len(files)))]
    donors = groups[names[int(rng.integers(len(names)))]]
    other = donors[int(rng.integers(len(donors)))].read_bytes()
    fmt = src.suffix[1:]
    what, data = mutate_bytes(rng, src.read_bytes(), fmt, other)
    model = workdir / f"model{src.suffix}"
    model.write_bytes(data)
    return CaseFiles(f"bytes {what} of {src.parent.name}/{src.name}", model, cases_of(src))


# ---------------------------------------------------------------- running a case

class CaseTimeout(BaseException):
    """Raised by the worker's alarm: a case took longer than its limit (BaseException so that
    no ``except Exception`` of the code under test swallows it)."""


class FuzzFailure(Exception):
    """A command ended in something other than success, refusal or a one-line typed error."""


def _invoke(args: list[str]) -> tuple[str, str]:
    """Run ``micro-codegen --debug ARGS`` in process: ("ok" | "exit1" (a refusal: problems
    listed, outputs differ) | the CodegenError's class name, the output); FuzzFailure otherwise."""
    from click.testing import CliRunner

    from micro_codegen.cli import main
    from micro_codegen.errors import CodegenError
    res = CliRunner().invoke(main, ["--debug", *args])
    e = res.exception
    if e is None:
        return "ok", res.output
    if isinstance(e, SystemExit):
        if e.code == 1:
            return "exit1", res.output
        raise FuzzFailure(f"exit code {e.code}: {res.output.strip()[-300:]}")
    if isinstance(e, CodegenError):
        msg, hint = str(e), e.hint or ""
        if "\n" in msg or "\n" in hint or not msg.strip():
            raise FuzzFailure(f"{type(e).__name__} message is not one line: {msg!r}")
        if "MemoryError" in msg:
            raise FuzzFailure(f"allocation driven by a size from the file: {msg}")
        return type(e).__name__, msg
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    raise FuzzFailure(f"{type(e).__name__}: {e}\n{tb}")


def run_case(seed: int, index: int, shared: Path, workdir: Path, build_every: int = BUILD_EVERY) -> dict:
    """Make and run case ``index``: {"index", "label", "outcomes": {command: outcome},
    "failure": None or the text}."""
    cf = make_case(seed, index, shared, workdir, build_every)
    m, out = str(cf.model), {}
    cases = str(cf.cases) if cf.cases is not None else str(workdir / "absent.npz")
    opt = np.random.default_rng([seed, index, 1])
    choose = lambda options: list(options[int(opt.integers(len(options)))])    # noqa: E731
    argv = {"inspect": ["inspect", m, *choose(([], ["--json"]))],
            "check": ["check", m, *choose(CHECK_OPTIONS)],
            "plan": ["plan", m, *choose(PLAN_OPTIONS)],
            "infer": ["infer", m, "--cases", cases],
            "generate": ["generate", m, "-o", str(workdir / "gen"), "--force", *choose(GENERATE_OPTIONS)]}
    if cf.build:
        argv["validate"] = ["validate", m, "--board", "host", "--cases", cases, "-o", str(workdir / "host"), "--force"]
    result = {"index": index, "label": cf.label, "outcomes": out, "failure": None}
    cmd = "inspect"
    try:
        for cmd in argv:
            if cmd == "validate" and out["check"] != "ok":
                break
            out[cmd], text = _invoke(argv[cmd])
            if cmd == "inspect" and out[cmd] == "ModelFileError":
                if not text.startswith(f"{m}: "):
                    raise FuzzFailure(f"the message does not start with the file's name: {text}")
                break                        # every other command reads the file the same way
        if out.get("validate", "ok") != "ok":
            raise FuzzFailure(f"passes check but host validate gave {out['validate']}:\n{text[-2000:]}")
    except FuzzFailure as e:
        result["failure"] = f"{cmd}: {e}"
    except CaseTimeout:
        result["failure"] = f"hang: over the time limit in {cmd}\n{traceback.format_exc()}"
    return result


# ---------------------------------------------------------------- worker processes

def case_seconds(index: int, build_every: int) -> float:
    """The time limit of case ``index`` (longer for a case that may build a project)."""
    return BUILD_SECONDS if is_build_case(index, build_every) else CASE_SECONDS


def _worker(seed: int, shared: Path, build_every: int, root: Path) -> None:
    """Read case indices on stdin, run each in a fresh folder under ``root``, write one JSON
    line per case."""
    import resource
    proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)                           # anything else printed goes to stderr
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))

    def alarm(signum, frame):
        raise CaseTimeout()

    signal.signal(signal.SIGALRM, alarm)
    for line in sys.stdin:
        index = int(line)
        work = root / str(index)
        work.mkdir()
        t0 = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, case_seconds(index, build_every))
        try:
            r = run_case(seed, index, shared, work, build_every)
        except CaseTimeout:
            r = {"index": index, "label": "?", "outcomes": {}, "failure": "hang: over the time limit"}
        except Exception as e:          # noqa: BLE001 - a fuzzer bug is still reported with its seed
            r = {"index": index, "label": "?", "outcomes": {},
                 "failure": f"fuzzer: {type(e).__name__}: {e}\n{traceback.format_exc()}"}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        shutil.rmtree(work, ignore_errors=True)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        if rss > MAX_RSS_BYTES:         # the peak only grows: a fresh worker measures the next cases
            r["restart"] = True
            r["failure"] = r["failure"] or f"allocation: the worker's peak memory reached {rss >> 20} MiB"
        r["seconds"] = round(time.monotonic() - t0, 3)
        proto.write(json.dumps(r) + "\n")
        proto.flush()


class _Worker:
    """A worker process (its own session: killing it kills its compilers and firmware too) and
    its folder of cases, removed with it."""

    def __init__(self, seed: int, shared: Path, build_every: int):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(TESTS), os.environ.get("PYTHONPATH", "")]),
                   OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        self.root = tempfile.mkdtemp(prefix="mc-fuzz-")
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(seed),
                                      str(shared), str(build_every), self.root],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, text=True, bufsize=1,
                                     start_new_session=True)
        self.index: int | None = None
        self.deadline = 0.0

    def send(self, index: int, seconds: float) -> None:
        self.index, self.deadline = index, time.monotonic() + seconds
        self.proc.stdin.write(f"{index}\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def run_cases(seed: int, indices, shared: Path, jobs: int = 2, build_every: int = BUILD_EVERY,
              progress=None) -> list[dict]:
    """Run the cases ``indices`` of ``seed`` in ``jobs`` worker processes; one result per case
    in order. A worker that dies (a signal) or passes the time limit (+10 s of grace after
    its own alarm) fails its case and is replaced."""
    todo = list(indices)[::-1]
    results: dict[int, dict] = {}
    workers = [_Worker(seed, shared, build_every) for _ in range(max(1, min(jobs, len(todo))))]
    sel = selectors.DefaultSelector()

    def feed(w: _Worker) -> None:
        if todo:
            i = todo.pop()
            startup = 60 if w.index is None else 0     # a new worker imports numpy, click, the package
            w.send(i, case_seconds(i, build_every) + 10 + startup)
        else:
            w.index = None

    def replace(w: _Worker, failure: str | None) -> None:
        """Kill ``w`` (its case failed with ``failure`` unless None) and feed a new worker."""
        if failure is not None:
            results[w.index] = {"index": w.index, "label": "?", "outcomes": {}, "failure": failure}
        sel.unregister(w.proc.stdout)
        w.kill()
        nw = _Worker(seed, shared, build_every)
        sel.register(nw.proc.stdout, selectors.EVENT_READ, nw)
        workers[workers.index(w)] = nw
        feed(nw)

    for w in workers:
        sel.register(w.proc.stdout, selectors.EVENT_READ, w)
        feed(w)
    try:
        while any(w.index is not None for w in workers):
            for key, _ in sel.select(timeout=1.0):
                w = key.data
                line = w.proc.stdout.readline()
                if not line:
                    code = w.proc.wait()
                    if w.index is None:     # idle: nothing left to run
                        sel.unregister(w.proc.stdout)
                        continue
                    replace(w, f"crash: the worker died (exit {code}, signal {-code if code < 0 else 0})")
                    continue
                r = json.loads(line)
                results[r["index"]] = r
                if progress:
                    progress(r)
                if r.pop("restart", False):
                    replace(w, None)
                else:
                    feed(w)
            now = time.monotonic()
            for w in list(workers):
                if w.index is not None and now > w.deadline:
                    replace(w, "hang: the worker did not answer within the time limit")
    finally:
        for w in workers:
            w.proc.stdin.close()
            w.kill()
    return [results[i] for i in indices]


def histogram(results: list[dict]) -> dict[str, Counter]:
    """Command -> Counter of outcomes ("ok", "exit1", error class, "failure")."""
    h: dict[str, Counter] = {}
    for r in results:
        for cmd, outcome in r["outcomes"].items():
            h.setdefault(cmd, Counter())[outcome] += 1
        if r["failure"]:
            h.setdefault("failures", Counter())[r["failure"].split(":", 1)[0]] += 1
    return h


def failure_report(seed: int, results: list[dict]) -> str:
    """One paragraph per failed case, with the command that replays it."""
    out = []
    for r in results:
        if r["failure"]:
            out.append(f"seed {seed} case {r['index']} ({r['label']}): {r['failure']}\n"
                       f"  replay: python benchmarks/fuzz.py --seed {seed} --case {r['index']} --keep DIR")
    return "\n".join(out)


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    _worker(int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
