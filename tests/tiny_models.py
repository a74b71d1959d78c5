"""Small models built with the project's own .ms writer, shared by the code-generation tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from micro_codegen import reference
from micro_codegen.builder import GraphBuilder
from micro_codegen.cases import save_outputs
from micro_codegen.ir import DType
from micro_codegen.ms_model import read_model, write_model

I8, F32 = DType.INT8, DType.FLOAT32


def tiny_graph():
    """A miniature KWS: int8 conv (per-channel, RELU6) -> depthwise (stride 2) -> avg pool ->
    reshape (zero-copy alias) -> fully connected -> softmax (in place)."""
    rng = np.random.default_rng(7)
    b = GraphBuilder("tiny")
    x = b.input("x", I8, (1, 6, 6, 2), quant=(0.05, -3))
    ws = [0.010, 0.020, 0.015, 0.012]
    w1 = b.const("conv1_w", rng.integers(-127, 128, (4, 3, 3, 2), dtype=np.int8), quant=(ws, [0] * 4))
    b1 = b.const("conv1_b", rng.integers(-500, 500, 4).astype(np.int32), quant=([0.05 * s for s in ws], [0] * 4))
    y1 = b.node("Conv2DFusion", [x, w1, b1], [("conv1", I8, (1, 6, 6, 4), (0.08, -128))], name="conv1",
                kernel_size=(3, 3), stride=(1, 1), dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1),
                group=1, in_channel=2, out_channel=4, format="NHWC", activation_type="RELU6")
    ds = [0.02, 0.03, 0.025, 0.01]
    w2 = b.const("dw_w", rng.integers(-127, 128, (4, 3, 3, 1), dtype=np.int8), quant=(ds, [0] * 4))
    b2 = b.const("dw_b", rng.integers(-300, 300, 4).astype(np.int32), quant=([0.08 * s for s in ds], [0] * 4))
    y2 = b.node("Conv2DFusion", [y1, w2, b2], [("dw", I8, (1, 3, 3, 4), (0.06, -10))], name="dw",
                kernel_size=(3, 3), stride=(2, 2), dilation=(1, 1), pad_mode="SAME", pad_list=(0, 1, 0, 1),
                group=4, in_channel=4, out_channel=4, format="NHWC", activation_type="RELU")
    y3 = b.node("AvgPoolFusion", [y2], [("pool", I8, (1, 1, 1, 4), (0.06, -10))], name="pool",
                kernel_size=(3, 3), strides=(3, 3), pad=(0, 0, 0, 0), pad_mode="VALID", round_mode="FLOOR",
                format="NHWC", activation_type="NO_ACTIVATION")
    shape = b.const("flat_shape", np.array([1, 4], np.int32))
    y4 = b.node("Reshape", [y3, shape], [("flat", I8, (1, 4), (0.06, -10))], name="flat")
    w5 = b.const("fc_w", rng.integers(-127, 128, (3, 4), dtype=np.int8), quant=(0.02, 0))
    b5 = b.const("fc_b", rng.integers(-200, 200, 3).astype(np.int32), quant=(0.06 * 0.02, 0))
    y5 = b.node("FullConnection", [y4, w5, b5], [("fc", I8, (1, 3), (0.1, 5))], name="fc", has_bias=True,
                use_axis=False, axis=1, activation_type="NO_ACTIVATION")
    y6 = b.node("Softmax", [y5], [("prob", I8, (1, 3), (1 / 256, -128))], name="softmax", axis=(-1,))
    return b.build(outputs=[y6])


def fp32_conv_graph():
    rng = np.random.default_rng(3)
    b = GraphBuilder("conv32")
    x = b.input("x", F32, (1, 5, 5, 3))
    w = b.const("w", rng.standard_normal((4, 3, 3, 3)).astype(np.float32))
    bias = b.const("bias", rng.standard_normal(4).astype(np.float32))
    y = b.node("Conv2DFusion", [x, w, bias], [("y", F32, (1, 5, 5, 4))], name="conv",
               kernel_size=(3, 3), stride=(1, 1), dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1),
               group=1, in_channel=3, out_channel=4, format="NHWC", activation_type="NO_ACTIVATION")
    return b.build(outputs=[y])


def random_input(rng, t):
    """Random data for tensor ``t``: full range for integers, N(0, 1) for floats, bools."""
    if t.dtype == DType.BOOL:
        return rng.integers(0, 2, t.shape).astype(bool)
    if np.issubdtype(t.dtype.np, np.integer):
        info = np.iinfo(t.dtype.np)
        return rng.integers(max(info.min, -100), min(info.max, 100), t.shape, endpoint=True).astype(t.dtype.np) \
            if t.dtype != I8 else rng.integers(-128, 128, t.shape, dtype=np.int8)
    return rng.standard_normal(t.shape).astype(t.dtype.np)


def write_tiny_model(folder: Path, graph=None, name: str = "tiny") -> Path:
    """Write ``graph`` (default: tiny_graph) as folder/<name>.ms with 3 reference cases in <name>.ms.npz."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ms"
    write_model(graph if graph is not None else tiny_graph(), path)
    g = read_model(path)
    rng = np.random.default_rng(11)
    arrays = {}
    for k in range(3):
        ins = [random_input(rng, g.tensors[ti]) for ti in g.inputs]
        outs = reference.run(g, ins)
        for stem, arrs in (("input", ins), ("output", outs)):
            for t, a in enumerate(arrs):
                arrays[f"{stem}_{k}" if len(arrs) == 1 else f"{stem}_{k}_{t}"] = a
    np.savez(str(path) + ".npz", **arrays)
    return path


def render(graph, board, name: str | None = None):
    """The files ``generate`` would write for ``graph`` on ``board`` (a boards.Board), in memory."""
    from micro_codegen.emit import render_project
    from micro_codegen.pipeline import compile_model
    from micro_codegen.toolchain import toolchain
    return render_project(compile_model(graph, board=board), board, toolchain(board.toolchain).cc, name)


def validate_on_host(graph, cases, tmp_path: Path):
    """Whole model end to end: write ``graph`` as tmp_path/<name>.ms and its ``cases`` (each a
    list of input arrays, in graph input order; expected outputs from the reference) as
    cases.npz, generate and build the project for the host board (gcc, make) and assert that
    every case passes."""
    from conftest import require_tool
    from micro_codegen import api
    require_tool("gcc")
    require_tool("make")
    model = tmp_path / f"{graph.name}.ms"
    write_model(graph, model)
    arrays = {f"input_{k}_{t}": a for k, ins in enumerate(cases) for t, a in enumerate(ins)}
    save_outputs(tmp_path / "expected.npz", [(k, reference.run(graph, ins)) for k, ins in enumerate(cases)])
    with np.load(tmp_path / "expected.npz") as z:
        arrays.update({k: z[k] for k in z.files})
    np.savez(tmp_path / "cases.npz", **arrays)
    r = api.validate(model, "host", cases_path=tmp_path / "cases.npz", out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == len(cases), r.report.to_json()


def check_family_models(models, roundtrip_first: bool = False):
    """The ``family_models()`` of a kernel test, (name, graph, inputs) each: every graph passes
    check, every node gets a plan and the reference runs it on its inputs. ``roundtrip_first``:
    through .ms bytes first."""
    from micro_codegen import ops
    from micro_codegen.builder import roundtrip
    from micro_codegen.check import check_graph
    for name, g, inputs in models:
        if roundtrip_first:
            g = roundtrip(g)
        assert check_graph(g) == [], name
        for i in range(len(g.nodes)):
            ops.prepare(g, i)
        reference.run(g, inputs)
