"""``bench``: what one inference costs, per node, on a board.

QEMU boards: exact guest instruction counts. The project is built with ``-DMC_BENCH``, so the
model calls ``<prefix>_bench_mark()`` before its first node and after every node; QEMU runs with
the instruction-count plugin (``qemu_plugin/``), which records the running count at each call
and does not count interrupt handlers (``*_Handler``), so the figures repeat exactly. A node's
figure is the difference between its two marks: its kernel plus the few instructions of the
dispatch loop and of the (empty) marker call.

Real boards: cycles, from the per-node SysTick counts (core clock) of the profiling build.

The inputs are case 0 of the cases file (``MODEL.npz`` beside the model by default), or seeded
random values when there is none; when the case has expected outputs the result says whether the
outputs matched (the fast paths must stay exact).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cases import Case, cases_beside, compare, load_cases
from .compiled import CompiledModel, MemoryOptions
from .errors import BoardConfigError, ToolchainError, ValidationError
from .ir import DType, Graph
from .progress import NO_PROGRESS, Progress
from .toolchain import TOOL_TIMEOUT, SizeSummary, require, run_tool

MAC_OPS = ("Conv2DFusion", "FullConnection", "MatMulFusion", "Conv2dTransposeFusion")


@dataclass(frozen=True)
class NodeCost:
    index: int
    name: str
    op: str
    kind: str              # conv, depthwise, 1x1, fc, other
    kernel: str            # the C function the node calls
    variant: str           # its kernel variant (e.g. CONV_VARIANT_DW3X3), or ""
    macs: int
    cost: int              # instructions (QEMU) or cycles (real board)

    @property
    def per_mac(self) -> float | None:
        return self.cost / self.macs if self.macs else None


@dataclass
class BenchResult:
    board: str
    model: str
    metric: str                        # "instructions" or "cycles"
    nodes: list[NodeCost]
    sizes: SizeSummary
    kernel_text_bytes: int             # .text of the kernels and the model code in the image
    arena_bytes: int
    outputs_match: bool | None         # None: the case had no expected outputs
    case_source: str                   # where the inputs came from
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(n.cost for n in self.nodes)

    @property
    def macs(self) -> int:
        return sum(n.macs for n in self.nodes)

    def to_json(self) -> dict:
        m = self.metric
        return {"board": self.board, "model": self.model, f"total_{m}": self.total, "macs": self.macs,
                "ops": [{"node": n.index, "name": n.name, "op": n.op, "kind": n.kind, "kernel": n.kernel,
                         "variant": n.variant, "macs": n.macs, m: n.cost,
                         f"{m}_per_mac": None if n.per_mac is None else round(n.per_mac, 4)} for n in self.nodes],
                "by_kind": self.by_kind(), "arena_bytes": self.arena_bytes, "text_bytes": self.sizes.text,
                "rodata_bytes": self.sizes.rodata, "data_bytes": self.sizes.data, "bss_bytes": self.sizes.bss,
                "weights_bytes": self.sizes.weights, "kernel_text_bytes": self.kernel_text_bytes, "outputs_match": self.outputs_match,
                "inputs": self.case_source, **self.extra}

    def by_kind(self) -> dict:
        """{kind: {"nodes", metric, "macs", per-MAC}} over the node classes present."""
        out: dict[str, dict] = {}
        for n in self.nodes:
            d = out.setdefault(n.kind, {"nodes": 0, self.metric: 0, "macs": 0})
            d["nodes"] += 1
            d[self.metric] += n.cost
            d["macs"] += n.macs
        for d in out.values():
            d[f"{self.metric}_per_mac"] = round(d[self.metric] / d["macs"], 4) if d["macs"] else None
        return out


    def table(self) -> list[str]:
        """The text report of ``micro-codegen bench`` (also printed by benchmarks/), one line per item."""
        r = self
        m = r.metric
        total = r.total or 1
        match = {None: "no expected outputs", True: "outputs match the reference",
                 False: "OUTPUTS DIFFER FROM THE REFERENCE"}[r.outputs_match]
        lines = [f"{r.model} on {r.board}: {r.total:,} {m} per inference ({r.case_source}; {match})"]
        rows = [("node", "op", "kind", "kernel", "MACs", m, "/MAC", "share")]
        for n in r.nodes:
            kernel = (n.kernel or "-") + (f" {n.variant.rsplit('_', 1)[-1]}" if n.variant else "")
            rows.append((str(n.index), n.op, n.kind, kernel, f"{n.macs:,}" if n.macs else "-", f"{n.cost:,}",
                         f"{n.per_mac:.2f}" if n.per_mac is not None else "-", f"{100 * n.cost / total:.1f}%"))
        widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
        right = {0, 4, 5, 6, 7}
        for row in rows:
            lines.append("  " + "  ".join(v.rjust(w) if c in right else v.ljust(w)
                                          for c, (v, w) in enumerate(zip(row, widths))).rstrip())
        kinds = []
        for kind, d in r.by_kind().items():
            per = f", {d[f'{m}_per_mac']:.2f}/MAC" if d[f"{m}_per_mac"] is not None else ""
            kinds.append(f"{kind} {d[m]:,} ({d['nodes']} node{'s' if d['nodes'] != 1 else ''}{per})")
        lines.append("by kind: " + "; ".join(kinds))
        if r.macs:
            lines.append(f"total {r.total / r.macs:.2f} {m}/MAC over {r.macs:,} MACs")
        s = r.sizes
        lines.append(f"arena {r.arena_bytes:,} B; text {s.text:,} B (kernels + model code {r.kernel_text_bytes:,} B), "
                     f"rodata {s.rodata:,} B, data {s.data:,} B, bss {s.bss:,} B"
                     + (f", weights {s.weights:,} B (.weights)" if s.weights else ""))
        p = r.extra.get("patch")
        if p:
            lines.append(f"patch: first {p['nodes']} nodes in {p['strips']} strips (cut tensor {p['cut_tensor']})")
        return lines


# ---------------------------------------------------------------- node facts

def node_macs(g: Graph, i: int) -> int:
    """Multiply-accumulates of node ``i`` (0 for ops that are not convolutions or matrix products)."""
    node = g.nodes[i]
    if node.op not in MAC_OPS:
        return 0
    x, w = (g.tensors[t] for t in node.inputs[:2])
    y = g.tensors[node.outputs[0]]
    if node.op == "Conv2DFusion":                 # weights OHWI [out, kh, kw, in/group]
        return int(np.prod(y.shape)) * int(np.prod(w.shape[1:]))
    if node.op == "Conv2dTransposeFusion":        # every input pixel meets every weight of its group
        return int(np.prod(x.shape[:-1])) * int(np.prod(w.shape)) // max(int(node.attr("group") or 1), 1)
    if node.op == "FullConnection":               # weights [out, in]
        return int(np.prod(y.shape)) * int(w.shape[-1])
    k = x.shape[-2] if node.attr("transpose_a") else x.shape[-1]
    return int(np.prod(y.shape)) * int(k)


def variant_name(plan) -> str:
    """The plan's kernel variant constant (``CONV_VARIANT_1X1``), or ""."""
    v = plan.params.get("variant")
    return getattr(v, "name", "")


def node_kind(plan) -> str:
    """conv, depthwise, 1x1, fc or other, from the kernel a node calls and its variant."""
    from .ops.conv import DW, DW3X3, ONE_BY_ONE
    if plan.kernel.startswith("conv_"):
        variant = plan.params.get("variant")
        if variant in (DW, DW3X3):
            return "depthwise"
        return "1x1" if variant == ONE_BY_ONE else "conv"
    if plan.kernel.startswith(("fullconnection", "matmul")):
        return "fc"
    return "other"


# ---------------------------------------------------------------- inputs

def bench_case(g: Graph, cases_path: str | Path | None, bound) -> tuple[Case, str]:
    """Case 0 of ``cases_path`` or, without one, seeded random inputs (fixed seed: counts repeat)."""
    if cases_path is not None:
        return load_cases(cases_path, g, bound=bound)[0], f"case 0 of {Path(cases_path).name}"
    rng = np.random.default_rng(0)
    inputs = []
    for t in (g.tensors[k] for k in g.inputs):
        if t.dtype.np.kind == "f":
            inputs.append(rng.standard_normal(t.shape).astype(t.dtype.np))
        elif t.dtype == DType.BOOL:
            inputs.append(rng.integers(0, 2, t.shape).astype(np.bool_))
        else:
            info = np.iinfo(t.dtype.np)
            inputs.append(rng.integers(max(info.min, -128), min(info.max, 127) + 1, t.shape).astype(t.dtype.np))
    return Case(0, inputs, None), "seeded random inputs (no cases file)"


# ---------------------------------------------------------------- measuring

def _symbols(nm: str, path: Path) -> dict[str, tuple[int, int, str]]:
    """{name: (address, size, type)} of the defined symbols of an object or image (``nm -S``)."""
    p = run_tool([nm, "-S", str(path)], TOOL_TIMEOUT)
    if p.returncode != 0:
        raise ToolchainError(f"{nm} -S {path} failed: {p.stderr.strip()}")
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4:
            out[parts[3]] = (int(parts[0], 16), int(parts[1], 16), parts[2])
    return out


def kernel_text(nm: str, project: Path, image: Path, model_object: str) -> int:
    """Bytes of code in ``image`` that come from the kernels (nnacl/) and the model's C file."""
    image_syms = _symbols(nm, image)
    build = project / "build"
    objects = [build / model_object] + sorted((build / "nnacl").rglob("*.o"))
    names = set()
    for o in objects:
        names.update(n for n, (_, _, kind) in _symbols(nm, o).items() if kind in "tT")
    return sum(image_syms[n][1] for n in names if n in image_syms and image_syms[n][2] in "tT")


def _count_instructions(project: Path, image: Path, board, prefix: str, nm: str, client_session,
                        progress: Progress):
    """Run the firmware in QEMU with the plugin around ``client_session(link)``; return (the
    running instruction counts at every marker, the session's result)."""
    from .qemu_plugin import plugin_path
    from .runners.qemu import QemuRunner
    syms = _symbols(nm, image)
    mark = syms.get(f"{prefix}_bench_mark")
    if mark is None:
        raise ToolchainError(f"{image}: no symbol {prefix}_bench_mark (was it built with -DMC_BENCH?)")
    skips = [f"skip={a & ~1:#x}-{(a & ~1) + size:#x}" for name, (a, size, _) in sorted(syms.items())
             if name.endswith("_Handler") and size > 0]
    with tempfile.TemporaryDirectory(prefix="micro_codegen-bench-") as tmp:
        marks_file = Path(tmp) / "marks.txt"
        plugin = ",".join([str(plugin_path()), f"out={marks_file}", f"mark={mark[0]:#x}"] + skips)
        runner = QemuRunner(board, project, image, extra_args=("-plugin", plugin))
        with progress.step("boot"):
            link = runner.start()
        try:
            with progress.step("run"):
                result = client_session(link)
        finally:
            runner.stop()
        lines = marks_file.read_text().split() if marks_file.is_file() else []
    counts = [int(v) for v in lines if v.isdigit()]
    return counts, result


def bench(model, board_name: str, cases_path: str | Path | None = None, bind: dict | None = None,
          port: str | None = None, progress: Progress = NO_PROGRESS,
          memory: MemoryOptions = MemoryOptions()) -> BenchResult:
    """Generate, build (``-DMC_BENCH`` on QEMU boards) and run one inference of ``model`` on
    ``board_name``; return its cost per node (see the module docstring). ``port``: the serial
    port of a real board; ``memory``: patch-based inference and sharing (``pipeline.compile_model``)."""
    from .boards import load_board
    from .emit import render_project, write_project
    from .fold import bind_inputs
    from .importers import load_model
    from .pipeline import compile_model
    from .toolchain import make, size_summary, toolchain
    from .validate.protocol import ProtocolClient
    from .validate.run import run_cases

    board = load_board(board_name)
    on_qemu = board.runner == "qemu"
    if not on_qemu and not board.raw.get("dwt_cyccnt"):
        why = "the host board's time is wall-clock" if board.is_host else "it has no cycle counter (dwt_cyccnt)"
        raise BoardConfigError(f"board '{board.name}' cannot be benchmarked: {why}; use a QEMU board "
                               f"(instruction counts) or a real board with DWT (cycles)")
    if port and on_qemu:
        raise BoardConfigError(f"board '{board.name}' is simulated (runner qemu): --port is only for real boards")
    g = load_model(model) if not isinstance(model, Graph) else model
    if cases_path is None and isinstance(model, (str, Path)):
        cases_path = cases_beside(model)
    if bind is None and cases_path is not None:
        from .cases import bound_values
        from .fold import shape_inputs
        bind = bound_values(cases_path, g, shape_inputs(g)) or None
    g, bound = bind_inputs(g, bind) if bind else (g, ())
    tc = toolchain(board.toolchain)
    with tempfile.TemporaryDirectory(prefix="micro_codegen-bench-") as tmp:
        project = Path(tmp) / "project"
        with progress.step("generate"):
            cm: CompiledModel = compile_model(g, name=None, board=board, bound=bound, memory=memory)
            gen = write_project(render_project(cm, board, tc.cc, None), project)
            case, source = bench_case(g, cases_path, bound)
        with progress.step("build"):
            make(project, variables={"DEFINES": "-DMC_BENCH"} if on_qemu else None)
        image = project / gen.manifest["executable"]
        sizes = size_summary(image, tc)
        nm = require(tc.nm)
        prefix = gen.model.prefix

        def session(link):
            client = ProtocolClient(link)
            hello = client.hello()
            runs, hz, ticks = run_cases(client, hello, [case], timing=not on_qemu)
            return runs[0], hz, ticks

        n = len(cm.plans)
        if on_qemu:
            marks, (run, _, _) = _count_instructions(project, image, board, prefix, nm, session, progress)
            if len(marks) < n + 1:
                raise ValidationError(f"board '{board.name}': the instruction-count plugin saw {len(marks)} "
                                      f"marks for {n} nodes (expected {n + 1})")
            costs = [b - a for a, b in zip(marks[:n], marks[1:n + 1])]
            metric = "instructions"
        else:
            from .runners import get_runner
            runner = get_runner(board, project, image, port)
            runner.check_programs()
            with progress.step("run"), runner as link:
                run, hz, ticks = session(link)
            if not hz or len(ticks) != n:
                raise ValidationError(f"board '{board.name}': the firmware reported {len(ticks)} node timings "
                                      f"for {n} nodes (built without MC_PROFILE?)")
            costs = [round(t * int(board.raw["cpu_hz"]) / hz) for t in ticks]
            metric = "cycles"
        ktext = kernel_text(nm, project, image, f"{gen.name}.o")
    match = None
    if case.expected is not None:
        match = all(compare(o, e).passed for o, e in zip(run.outputs, case.expected))
    folded = cm.graph
    nodes = [NodeCost(i, folded.nodes[i].name, folded.nodes[i].op, node_kind(p), p.kernel, variant_name(p),
                      node_macs(folded, i), c) for i, (p, c) in enumerate(zip(cm.plans, costs))]
    extra = {"patch": cm.patch.to_json()} if cm.patch is not None else {}
    return BenchResult(board.name, cm.model_file, metric, nodes, sizes, ktext, cm.arena.size, match, source,
                       extra)
