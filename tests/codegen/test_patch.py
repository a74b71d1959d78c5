"""Patch-based inference (``micro_codegen/patch.py``): the rewrite is bit-exact on the reference
interpreter (int8 and fp32: every output pixel is computed from the same values in the same
order), the search stays within its instruction budget and lowers the arena, and the
``--patch`` options reach plan / generate / validate."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from micro_codegen import api, reference
from micro_codegen.builder import GraphBuilder
from micro_codegen.cli import main
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.fold import fold_constants
from micro_codegen.ir import DType
from micro_codegen.ms_model import read_model, write_model
from micro_codegen.numerics import conv_window, pool_window
from micro_codegen.patch import Patch, choose_patch, parse_spec, patch_graph, stage_problem, strip_rows
from micro_codegen.pipeline import plan_memory

SHARED = Path("/work/shared/models")
MLPERF = SHARED / "mlperf_tiny"
SEED = SHARED / "seed_arch"
I8, F32 = DType.INT8, DType.FLOAT32


def _inputs(g, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for ti in g.inputs:
        t = g.tensors[ti]
        if t.dtype == I8:
            out.append(rng.integers(-128, 128, t.shape).astype(np.int8))
        else:
            out.append(rng.standard_normal(t.shape).astype(np.float32))
    return out


def _assert_same(g, pg, seed=0):
    ins = _inputs(g, seed)
    for k, (a, b) in enumerate(zip(reference.run(g, ins), reference.run(pg, ins))):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b), f"output {k}: {np.count_nonzero(a != b)} element(s) differ"


def _folded(path):
    return fold_constants(read_model(path)).graph


# ---------------------------------------------------------------- small random graphs

class _Net:
    """A GraphBuilder chain of NHWC layers with random weights (int8 or fp32)."""

    def __init__(self, dtype, shape, seed):
        self.rng = np.random.default_rng(seed)
        self.dtype = dtype
        self.b = GraphBuilder("patchnet")
        self.q = (0.05, -3) if dtype == I8 else None
        self.x = self.b.input("x", dtype, shape, quant=self.q)
        self.cur, self.shape, self.n = self.x, tuple(shape), 0

    def _out(self, shape):
        self.n += 1
        q = (float(self.rng.uniform(0.05, 0.2)), int(self.rng.integers(-5, 5))) if self.dtype == I8 else None
        return (f"t{self.n}", self.dtype, shape, q)

    def conv(self, cout, k=(3, 3), stride=(1, 1), dil=(1, 1), pad_mode="SAME", pads=(0, 0, 0, 0), dw=False,
             src=None):
        src = self.cur if src is None else src
        _, h, w, cin = self.b.tensors[src].shape
        group = cin if dw else 1
        cout = cin if dw else cout
        win = conv_window((h, w), k, dict(stride=stride, dilation=dil, pad_mode=pad_mode, pad_list=pads))
        wshape = (cout, k[0], k[1], cin // group)
        if self.dtype == I8:
            wt = self.b.const(f"w{self.n}", self.rng.integers(-127, 128, wshape).astype(np.int8),
                              quant=(list(self.rng.uniform(0.002, 0.01, cout)), [0] * cout))
            bias = self.b.const(f"b{self.n}", self.rng.integers(-500, 500, cout).astype(np.int32),
                                quant=([0.0001] * cout, [0] * cout))
        else:
            wt = self.b.const(f"w{self.n}", self.rng.standard_normal(wshape).astype(np.float32) * 0.3)
            bias = self.b.const(f"b{self.n}", self.rng.standard_normal(cout).astype(np.float32))
        shape = (1, win.out_h, win.out_w, cout)
        self.cur = self.b.node("Conv2DFusion", [src, wt, bias], [self._out(shape)], kernel_size=k, stride=stride,
                               dilation=dil, pad_mode=pad_mode, pad_list=pads, group=group, in_channel=cin,
                               out_channel=cout, format="NHWC", activation_type="RELU6")
        self.shape = shape
        return self.cur

    def pool(self, op, k=(3, 3), stride=(2, 2), pad_mode="VALID", pads=(0, 0, 0, 0), round_mode="FLOOR"):
        _, h, w, c = self.shape
        attrs = dict(kernel_size=k, strides=stride, pad_mode=pad_mode, pad=pads, round_mode=round_mode,
                     format="NHWC", activation_type="NO_ACTIVATION")
        win = pool_window((h, w), attrs)
        shape = (1, win.out_h, win.out_w, c)
        q = self.b.tensors[self.cur].quant
        out = (f"t{self.n + 1}", self.dtype, shape, (q[0].scale, q[0].zero_point) if q else None)
        self.n += 1
        self.cur = self.b.node(op, [self.cur], [out], **attrs)
        self.shape = shape
        return self.cur

    def add(self, a, b):
        self.cur = self.b.node("AddFusion", [a, b], [self._out(self.shape)], activation_type="NO_ACTIVATION")
        return self.cur

    def pad(self, w=(0, 0), c=(0, 0)):
        """PadFusion of W and C only (row r of the output is row r of the input)."""
        _, h, ww, cc = self.shape
        shape = (1, h, ww + sum(w), cc + sum(c))
        q = self.b.tensors[self.cur].quant
        out = (f"t{self.n + 1}", self.dtype, shape, (q[0].scale, q[0].zero_point) if q else None)
        self.n += 1
        pads = self.b.const(f"pads{self.n}", np.array([[0, 0], [0, 0], list(w), list(c)], np.int32))
        self.cur = self.b.node("PadFusion", [self.cur, pads], [out], padding_mode="CONSTANT")
        self.shape = shape
        return self.cur

    def concat(self, a, b):
        c = self.b.tensors[a].shape[3] + self.b.tensors[b].shape[3]
        shape = self.shape[:3] + (c,)
        q = self.b.tensors[a].quant
        out = (f"t{self.n + 1}", self.dtype, shape, (q[0].scale, q[0].zero_point) if q else None)
        self.n += 1
        self.cur = self.b.node("Concat", [a, b], [out], axis=-1)
        self.shape = shape
        return self.cur

    def head(self):
        """A global average pool + reshape: never patchable, so the stage is everything before."""
        _, h, w, c = self.shape
        q = self.b.tensors[self.cur].quant
        qq = (q[0].scale, q[0].zero_point) if q else None
        p = self.b.node("AvgPoolFusion", [self.cur], [("gp", self.dtype, (1, 1, 1, c), qq)], kernel_size=(h, w),
                        strides=(1, 1), pad_mode="VALID", pad=(0, 0, 0, 0), round_mode="FLOOR", format="NHWC",
                        activation_type="NO_ACTIVATION", **{"global": True})
        shp = self.b.const("shp", np.array([1, c], np.int32))
        y = self.b.node("Reshape", [p, shp], [("y", self.dtype, (1, c), qq)])
        return self.b.build([y])


def _net_plain(dtype, seed):
    n = _Net(dtype, (1, 23, 9, 3), seed)
    n.conv(8, stride=(2, 2))                                       # SAME, stride 2
    n.conv(0, dw=True)                                             # depthwise 3x3
    n.pad(w=(1, 2), c=(0, 3))                                      # Pad of W and C
    n.conv(6, k=(1, 1))
    n.conv(6, k=(5, 5), pad_mode="VALID")                          # 5x5 VALID
    n.conv(6, k=(3, 3), dil=(2, 2))                                # dilated
    return n.head()


def _net_pool_residual(dtype, seed):
    n = _Net(dtype, (1, 30, 8, 4), seed)
    a = n.conv(8, k=(3, 3), pad_mode="PAD", pads=(2, 1, 1, 0))     # explicit asymmetric pads
    n.pool("MaxPoolFusion", k=(3, 3), stride=(2, 2), pad_mode="SAME")
    b = n.conv(8, k=(1, 1))
    c = n.conv(0, dw=True, stride=(1, 1))
    n.add(b, c)                                                    # residual Add
    n.pool("AvgPoolFusion", k=(2, 2), stride=(1, 1), pad_mode="SAME")
    n.pool("AvgPoolFusion", k=(3, 3), stride=(2, 2), pad_mode="VALID", round_mode="CEIL")
    d = n.conv(4, k=(1, 1))
    e = n.conv(4, k=(3, 3))
    n.concat(d, e)                                                 # channel concat
    del a
    return n.head()


NETS = {"plain": _net_plain, "pool_residual": _net_pool_residual}


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("net", sorted(NETS))
def test_random_graphs_bit_exact(net, dtype):
    g = fold_constants(NETS[net](dtype, seed=1)).graph
    stages = [k for k in range(1, len(g.nodes)) if stage_problem(g, k) is None]
    assert stages and max(stages) == len(g.nodes) - 2          # everything before the global pool
    for k in stages:
        h = g.tensors[g.nodes[k - 1].outputs[0]].shape[1]
        for n in sorted({1, 2, 3, max(h // 2, 1), h}):
            _assert_same(g, patch_graph(g, k, n), seed=k * 31 + n)


def test_patched_graph_shape():
    g = fold_constants(_net_plain(I8, seed=2)).graph
    pg = patch_graph(g, 3, 4)
    ops = [n.op for n in pg.nodes]
    convs = [n.op == "Conv2DFusion" for n in g.nodes]
    assert ops.count("Concat") == 1 and ops.count("Conv2DFusion") == 4 * sum(convs[:3]) + sum(convs[3:])
    concat = next(n for n in pg.nodes if n.op == "Concat")
    assert concat.attrs["axis"] == 1
    cut = g.tensors[g.nodes[2].outputs[0]]
    assert pg.tensors[concat.outputs[0]] == cut                  # the original cut tensor, whole
    assert [pg.tensors[t].shape[1] for t in concat.inputs] == [hi - lo for lo, hi in strip_rows(cut.shape[1], 4)]
    assert {n.name for n in pg.nodes} >= {f"{g.nodes[0].name}@s{s}" for s in range(4)}
    for n in pg.nodes:
        if n.op == "Conv2DFusion" and "@s" in n.name:
            assert n.attrs["pad_mode"] == "PAD"
        if n.op == "StridedSlice":                                # H only, step 1
            x, y = pg.tensors[n.inputs[0]], pg.tensors[n.outputs[0]]
            assert x.shape[2:] == y.shape[2:] and list(pg.tensors[n.inputs[3]].array) == [1, 1, 1, 1]
    # interior strips: no padding on H; only the first / last strip keep the image border's
    clones = [n for n in pg.nodes if n.name.startswith(g.nodes[0].name + "@s")]
    assert [c.attrs["pad_list"][:2] for c in clones][1:3] == [(0, 0), (0, 0)]
    assert len(pg.tensors) == len({t for n in pg.nodes for t in n.inputs + n.outputs} | set(pg.inputs))


def test_stage_rules():
    g = fold_constants(_net_plain(I8, seed=3)).graph
    last = len(g.nodes) - 1
    why = stage_problem(g, last)
    assert "cannot be patched" in why and f"node {last - 1} (AvgPoolFusion)" in why
    b = GraphBuilder("branch")
    x = b.input("x", F32, (1, 8, 8, 2))
    w = b.const("w", np.ones((2, 3, 3, 2), np.float32))
    kw = dict(kernel_size=(3, 3), stride=(1, 1), dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1), group=1,
              in_channel=2, out_channel=2, format="NHWC")
    a = b.node("Conv2DFusion", [x, w], [("a", F32, (1, 8, 8, 2))], **kw)
    c = b.node("Conv2DFusion", [a, w], [("c", F32, (1, 8, 8, 2))], **kw)
    y = b.node("AddFusion", [a, c], [("y", F32, (1, 8, 8, 2))])
    g = b.build([y])
    assert "only the stage's last output" in stage_problem(g, 2)     # 'a' is read after node 1
    assert stage_problem(g, 3) is None                                # the whole graph: cut = the output
    _assert_same(g, patch_graph(g, 3, 3))
    with pytest.raises(UnsupportedOpError, match=r"--patch 2:3: node 0 \(Conv2DFusion\): its output 'a'"):
        patch_graph(g, 2, 3)


def test_parse_spec():
    assert parse_spec(None) is None and parse_spec("off") is None and parse_spec("auto") == "auto"
    assert parse_spec("7") == (7, None) and parse_spec("7:3") == (7, 3) and parse_spec((4, 2)) == (4, 2)
    with pytest.raises(UnsupportedOpError, match="expected auto, off, K or K:N"):
        parse_spec("7:x")


# ---------------------------------------------------------------- shared models

MODEL_CASES = [
    (MLPERF / "vww_96_int8.ms", [(3, 48), (7, 24), (11, 5), (28, 1)]),
    (SEED / "mobilenet_v2_035_96_int8.ms", [(10, 3), (17, 5), (21, 12)]),
    (MLPERF / "kws_ref_model.ms", [(1, 5), (9, 25)]),
    (SEED / "squeezenet_mini_int8.ms", [(2, 3), (10, 15)]),
    (SEED / "mobilenet_v2_035_96_float.ms", [(10, 3), (21, 12)]),
    (MLPERF / "vww_96_float.ms", [(3, 48), (12, 6)]),
    (SEED / "squeezenet_mini_float.ms", [(10, 4)]),
]


@pytest.mark.parametrize("path, cuts", MODEL_CASES, ids=[p.stem for p, _ in MODEL_CASES])
def test_models_bit_exact(path, cuts):
    """int8 and fp32 outputs identical (n = H_C included: vww 3:48, kws 9:25)."""
    g = _folded(path)
    for k, n in cuts:
        _assert_same(g, patch_graph(g, k, n))


def test_search_vww():
    g = _folded(MLPERF / "vww_96_int8.ms")
    t0 = time.monotonic()
    p = choose_patch(g, "cortex-m4", 1.3, plan_memory=plan_memory)
    assert time.monotonic() - t0 < 20
    assert isinstance(p, Patch) and p.arena < p.unpatched_arena and p.ratio <= 1.3
    assert api.memory_plan(read_model(MLPERF / "vww_96_int8.ms"), patch="auto").arena_size == p.arena
    _assert_same(g, patch_graph(g, p.nodes, p.strips))


# ---------------------------------------------------------------- options

def test_cli_plan_patch():
    model = str(MLPERF / "vww_96_int8.ms")
    r = CliRunner().invoke(main, ["plan", model, "--patch", "3:4", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["patch"]["nodes"] == 3 and doc["patch"]["strips"] == 4 and doc["patch"]["arena_bytes"] > 0
    assert json.loads(CliRunner().invoke(main, ["plan", model, "--json"]).output)["patch"] is None
    r = CliRunner().invoke(main, ["plan", model, "--patch", "3:4", "--text"])
    assert r.exit_code == 0 and r.output.splitlines()[1] == "patch: first 3 nodes in 4 strips (cut tensor CONV_2D-2)"
    r = CliRunner().invoke(main, ["plan", model, "--patch", "30:3"])
    assert r.exit_code == 1
    assert r.output.strip().startswith("error: --patch 30:3: node 28 (Reshape) cannot be patched")
    assert len(r.output.strip().splitlines()) == 1
    for bad in ("x", "3:99", "3:0"):
        r = CliRunner().invoke(main, ["plan", model, "--patch", bad])
        assert r.exit_code == 1 and r.output.startswith(f"error: --patch {bad}:"), r.output
    r = CliRunner().invoke(main, ["plan", model, "--patch", "auto", "--patch-overhead", "0.5"])
    assert r.exit_code == 1 and "--patch-overhead 0.5" in r.output
    for cmd in ("generate", "validate", "bench"):
        assert "--patch-overhead" in CliRunner().invoke(main, [cmd, "--help"]).output


def test_compile_model_records_patch():
    from micro_codegen.compiled import MemoryOptions
    from micro_codegen.pipeline import compile_model
    g = read_model(MLPERF / "kws_ref_model.ms")
    assert compile_model(g).patch is None
    cm = compile_model(g, memory=MemoryOptions(patch="9:5"))
    assert cm.patch.nodes == 9 and cm.patch.strips == 5 and cm.patch.cut == g.tensors[g.nodes[8].outputs[0]].name
    assert sum(n.op == "Conv2DFusion" for n in cm.graph.nodes) == 9 * 5


@pytest.mark.host_cc
def test_validate_patched_on_host(tmp_path):
    from conftest import require_tool
    require_tool("gcc")
    g = _net_pool_residual(I8, seed=5)
    path = tmp_path / "patchnet.ms"
    write_model(g, path)
    g = read_model(path)
    ins = _inputs(g, seed=9)
    np.savez(str(path) + ".npz", input_0=ins[0], output_0=reference.run(g, ins)[0])
    r = api.validate(path, "host", out_dir=tmp_path / "proj", patch="6:4")
    assert r.report.failed == 0 and r.report.passed == 1, r.report.to_json()
    plain = api.memory_plan(g).arena_size
    assert r.arena_bytes == api.memory_plan(g, patch="6:4").arena_size and plain > 0


@pytest.mark.qemu
@pytest.mark.slow
def test_validate_vww_patch_auto_on_qemu(tmp_path):
    """vww_96_int8 with --patch auto, bit-exact on a Cortex-M4 in QEMU (about a minute)."""
    from conftest import require_tool
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    model = MLPERF / "vww_96_int8.ms"
    r = api.validate(model, "qemu-mps2-an386", out_dir=tmp_path / "proj", patch="auto")
    assert r.report.failed == 0 and r.report.passed > 0, r.report.to_json()
    assert r.arena_bytes == api.memory_plan(read_model(model), patch="auto").arena_size < 55296
