"""Library entry points (no printing). The CLI is a thin layer over these."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .boards import DEFAULT_BOARD, FARM_RUNNER, RUNNER_NAMES, parse_size  # noqa: F401  (public: CLI defaults, choices)
from .check import Problem, check_graph, check_node
from .compiled import MemoryOptions
from .errors import BoardConfigError
from .ir import Graph, Tensor
from .manifest import read_manifest
from .importers import ImportOptions, import_options, load_model  # noqa: F401  (public: ONNX import options)
from .progress import NO_PROGRESS, Progress  # noqa: F401  (public: subclass it to hear about slow steps)


def load(path: str | Path) -> Graph:
    """Read a ``.ms``, ``.tflite`` or ``.onnx`` model (told apart by content)."""
    return load_model(path)


def convert(model: str | Path, output: str | Path) -> dict:
    """Read ``model`` (``.tflite``, ``.onnx`` or ``.ms``) and write it as a MindSpore Lite ``.ms``
    file ``output``; return the ``convert --json`` document. The file is written next to
    ``output`` and renamed into place only after it reads back to the same IR, so a failure
    leaves no file behind."""
    from .atomic import replace_file
    from .errors import ModelFileError
    from .ms_model import read_bytes, write_bytes

    g = load_model(model)
    data = write_bytes(g)
    out = Path(output)
    if g != read_bytes(data, str(out)):   # the writer and reader must agree (a bug, not a user error)
        raise ModelFileError(f"{out}: the written model does not read back to the imported graph")
    replace_file(out, lambda f: f.write(data), ModelFileError)
    problems = check_graph(g)
    return {
        "model": str(model), "format": g.source_format, "output": str(out), "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), "nodes": len(g.nodes),
        "op_counts": dict(sorted(Counter(n.op for n in g.nodes).items())), "weight_bytes": g.weight_bytes,
        "supported": not problems,
        "problems": [p.to_json() for p in problems],
    }


def _tensor_json(t: Tensor) -> dict:
    d = {"name": t.name, "dtype": t.dtype.short, "shape": list(t.shape)}
    if t.quant:
        if t.per_channel:
            d["quant"] = {"per_channel": len(t.quant)}
        else:
            d["quant"] = {"scale": t.quant[0].scale, "zero_point": t.quant[0].zero_point}
    if t.is_const:
        d["const"] = True
    return d


def inspect_graph(g: Graph) -> dict:
    """The ``inspect --json`` document."""
    nodes = []
    for i, n in enumerate(g.nodes):
        outs = [g.tensors[t] for t in n.outputs]
        nodes.append({
            "index": i, "name": n.name, "op": n.op,
            "dtype": outs[0].dtype.short if outs else "",
            "inputs": [_tensor_json(g.tensors[t]) for t in n.inputs],
            "outputs": [_tensor_json(t) for t in outs],
            "weight_bytes": sum(len(g.tensors[t].data) for t in n.inputs if g.tensors[t].is_const),
        })
    return {
        "model": g.source, "format": g.source_format, "sha256": g.sha256, "version": g.version,
        "inputs": [_tensor_json(g.tensors[i]) for i in g.inputs],
        "outputs": [_tensor_json(g.tensors[i]) for i in g.outputs],
        "nodes": nodes,
        "op_counts": dict(sorted(Counter(n.op for n in g.nodes).items())),
        "weight_bytes": g.weight_bytes,
    }


def check(g: Graph) -> list[Problem]:
    return check_graph(g)


def folded_nodes(g: Graph) -> list[int]:
    """Indices of the nodes constant folding evaluates at generation time (no kernel on target)."""
    from .fold import fold_constants
    return list(fold_constants(g).folded)


# ---------------------------------------------------------------- reference interpreter

def is_hybrid(g: Graph) -> bool:
    """Float activations with int8 constant weights (dynamic-range quantized model)."""
    from .ir import DType
    acts = {g.tensors[t].dtype for t in g.inputs}
    return DType.FLOAT32 in acts and any(t.is_const and t.dtype == DType.INT8 for t in g.tensors)


def default_tolerance(g: Graph) -> tuple[float, float]:
    """(atol, rtol) for float outputs: 1e-5/1e-5, or 1e-3/0 for hybrid models, whose TFLite
    reference kernel quantizes activations on the fly (see reference/conv.py)."""
    from .cases import ATOL, RTOL
    return (1e-3, 0.0) if is_hybrid(g) else (ATOL, RTOL)


@dataclass
class CaseResult:
    index: int
    outputs: list
    comparisons: list | None        # one cases.Comparison per output, None without expected outputs

    @property
    def passed(self) -> bool | None:
        return None if self.comparisons is None else all(c.passed for c in self.comparisons)

    @property
    def max_abs_diff(self) -> float | None:
        return None if self.comparisons is None else max(c.max_abs_diff for c in self.comparisons)


def infer(g: Graph, cases_path: str | Path, atol: float | None = None, rtol: float | None = None,
          dump_dir: str | Path | None = None) -> list[CaseResult]:
    """Run every case of ``cases_path`` through the reference interpreter and compare."""
    import json

    import numpy as np

    from . import reference
    from .cases import compare, load_cases

    d_atol, d_rtol = default_tolerance(g)
    atol = d_atol if atol is None else atol
    rtol = d_rtol if rtol is None else rtol
    cases = load_cases(cases_path, g)
    if dump_dir is not None:
        dump_dir = Path(dump_dir)
        dump_dir.mkdir(parents=True, exist_ok=True)
        producers = g.producers()
        index = [{"index": i, "name": t.name, "dtype": t.dtype.short, "shape": list(t.shape),
                  "producer": producers.get(i, -1)} for i, t in enumerate(g.tensors) if not t.is_const]
        (dump_dir / "tensors.json").write_text(json.dumps(index, indent=1) + "\n")
    results = []
    for case in cases:
        dump = {} if dump_dir is not None else None
        outs = reference.run(g, case.inputs, dump=dump, explain=check_node)
        if dump is not None:
            np.savez(dump_dir / f"case_{case.index}.npz", **{f"t{k}": v for k, v in sorted(dump.items())})
        comps = None
        if case.expected is not None:
            comps = [compare(o, e, atol, rtol) for o, e in zip(outs, case.expected)]
        results.append(CaseResult(case.index, outs, comps))
    return results


# ---------------------------------------------------------------- memory plan

def memory_plan(g: Graph, patch=None, patch_overhead: float = 1.3, share: bool = True):
    """The arena plan of ``g`` exactly as ``generate`` makes it (scratch and aliases of the
    op families included); raises UnsupportedOpError for an unsupported model. ``patch``:
    patch-based inference ("auto", "K", "K:N"; see :func:`patched_memory_plan`)."""
    return patched_memory_plan(g, patch, patch_overhead, share)[0]


def patched_memory_plan(g: Graph, patch=None, patch_overhead: float = 1.3, share: bool = True):
    """(the arena plan, the ``patch.Patch`` applied or None): patch-based inference runs the
    first K nodes on n horizontal strips (``patch`` "auto": the search picks K and n under
    ``patch_overhead`` times the instructions). ``share=False``: every tensor keeps its own
    memory (no in-place ops, no zero-copy Concat / Split / slice)."""
    from .pipeline import compile_memory_plan
    return compile_memory_plan(g, MemoryOptions.of(patch, patch_overhead, share))


def plan_json(g: Graph, mp, patch=None) -> dict:
    from .planner import plan_to_json
    from .schedule import plain_lower_bound
    doc = plan_to_json(mp.plan)
    doc["tensor_lower_bound_bytes"] = plain_lower_bound(g)
    planned = mp.graph         # folded (and patched): the links' indices refer to it
    doc["in_place"] = [{"output": planned.tensors[o].name, "input": planned.tensors[i].name, "shift": shift}
                       for o, (i, shift) in sorted(mp.links.overwrites.items())]
    doc["zero_copy"] = [{"node": planned.nodes[n].name, "op": planned.nodes[n].op, "kind": kind}
                        for n, kind in sorted(mp.links.zero_copy.items())]
    doc["patch"] = patch.to_json() if patch is not None else None
    return doc


# ---------------------------------------------------------------- generate / build / run / validate

@dataclass
class BuildResult:
    project_dir: Path
    image: Path
    sizes: object            # toolchain.SizeSummary
    log: str
    board: object = None     # boards.Board

    def fit_line(self) -> str:
        """``flash 49,892 of 1,048,576 B (4.8%), RAM 34,112 of 262,144 B (13.0%) on nrf52840dk``
        (RAM = data + bss + stack + heap); "" for boards without memory regions (host)."""
        b = self.board
        if b is None:
            return ""
        out = []
        flash, ram = b.region("flash"), b.region("ram")
        if flash is not None:
            out.append(f"flash {self.sizes.flash:,} of {flash.length:,} B ({100 * self.sizes.flash / flash.length:.1f}%)")
        if ram is not None:
            need = self.sizes.ram + b.stack_size + b.heap_size
            out.append(f"RAM {need:,} of {ram.length:,} B ({100 * need / ram.length:.1f}%, stack included)")
        weights = b.region("weights")
        if weights is not None and self.sizes.weights:
            out.append(f"weights {self.sizes.weights:,} of {weights.length:,} B in {weights.name}")
        return ", ".join(out) + f" on {b.name}" if out else ""


@dataclass
class ValidateResult:
    report: object           # validate.run.RunReport
    build: BuildResult
    arena_bytes: int
    project_dir: Path | None  # None when it was a temporary folder (deleted)


def _models(model) -> list:
    """One model (a path or a Graph) or a sequence of them -> a list of Graphs."""
    items = [model] if isinstance(model, (str, Path, Graph)) else list(model)
    return [m if isinstance(m, Graph) else load(m) for m in items]


def _names(name, count: int) -> list:
    """``--name`` given once per model (in order; fewer: the rest take their file's stem)."""
    names = [name] if name is None or isinstance(name, str) else list(name)
    if len(names) > count:
        from .errors import CodegenError
        raise CodegenError(f"{len(names)} names for {count} model(s): give --name at most once per model, in order")
    return names + [None] * (count - len(names))


def generate(model, board: str = DEFAULT_BOARD, out_dir: str | Path = "out",
             name=None, force: bool = False, bind: dict | None = None, patch=None,
             patch_overhead: float = 1.3, ram_limit: str | int | None = None, share: bool = True,
             separate_arenas: bool = False, app: str = "validate"):
    """Write the C project of ``model`` (a path or Graph, or a sequence of them: one project with
    one API per model) for ``board`` (a name or a boards.Board) into ``out_dir``
    (emit.GenerateResult). ``name``: the C prefix (one per model, in order; default: each
    file's stem). Several models share one arena sized for the largest (they run one at a
    time) unless ``separate_arenas``. ``app``: ``validate`` (the validation firmware) or
    ``none`` (the model library alone, with ``micro_codegen.mk`` and ``CMakeLists.txt``).
    ``bind``: input name -> values given at generation time (inputs
    that set output shapes need it; see ``fold.shape_inputs``; one model only). ``patch``: patch-based
    inference ("auto", "K", "K:N"; ``pipeline.compile_model``), ``share``: see
    :func:`patched_memory_plan`. ``ram_limit`` (``256K``, ``1M``, bytes): the board's RAM region
    shrinks to it, in the fit check and the linker script (``boards.limit_ram``)."""
    from .boards import Board, limit_ram, load_board
    from .emit.project import APPS
    from .errors import CodegenError
    if app not in APPS:
        raise CodegenError(f"--app must be one of {', '.join(APPS)}; got '{app}'")
    b = limit_ram(board if isinstance(board, Board) else load_board(board), ram_limit)
    graphs = _models(model)
    names = _names(name, len(graphs))
    memory = MemoryOptions.of(patch, patch_overhead, share)
    if len(graphs) == 1:
        return _generate(graphs[0], b, out_dir, names[0], force, bind, memory, app)
    if bind:
        raise CodegenError("--bind applies to a project of one model; bind each model's inputs in its own project")
    return _generate_project(graphs, b, out_dir, names, force, memory, separate_arenas, app)


def _generate_project(graphs, board, out_dir, names, force: bool, memory: MemoryOptions, separate_arenas: bool,
                      app: str):
    """Several models -> one project (``pipeline.compile_project`` + ``emit.render_models``)."""
    from .emit import check_target, render_models, write_project
    from .pipeline import compile_project
    from .toolchain import toolchain
    check_target(Path(out_dir).absolute(), force)
    proj = compile_project(graphs, names, board=board, separate_arenas=separate_arenas, memory=memory)
    r = render_models(proj.models, board, toolchain(board.toolchain).cc, names, separate_arenas, app,
                      proj.kernel_files)
    return write_project(r, out_dir, force)


def bind(g: Graph, values: dict | None):
    """(``g`` with the inputs of ``values`` turned into constants, the BoundInputs)."""
    from .fold import bind_inputs
    return bind_inputs(g, values) if values else (g, ())


def bind_graph(g: Graph, values: dict | None) -> Graph:
    return bind(g, values)[0]


def _generate(g: Graph, board, out_dir: str | Path, name: str | None, force: bool, values: dict | None = None,
              memory: MemoryOptions = MemoryOptions(), app: str = "validate"):
    """bind -> compile (check, fold, prepare, plan, fit) -> render -> write atomically; the
    target folder is checked first so that a refusal costs nothing."""
    from .emit import check_target, render_project, write_project
    from .pipeline import compile_model
    from .toolchain import toolchain
    check_target(Path(out_dir).absolute(), force)
    g, bound = bind(g, values)
    cm = compile_model(g, name=name, board=board, bound=bound, memory=memory)
    return write_project(render_project(cm, board, toolchain(board.toolchain).cc, name, app=app), out_dir, force)


_LD_OVERFLOW = re.compile(r"region [`'\"]?([\w.]+)['\"]? overflowed by (\d+) bytes")


def build(project_dir: str | Path, jobs: int | None = None) -> BuildResult:
    """Run the project's Makefile with its board's toolchain; return the image and its sizes.

    The built image must fit the board (``boards.check_image_fit``: text + rodata + data vs
    flash, data + bss + stack + heap vs RAM); a link that overflows a region is reported the
    same way, as a one-line BoardConfigError with the numbers."""
    from .boards import FIT_HINT, board_for, check_image_fit
    from .errors import BoardConfigError, ToolchainError
    from .toolchain import make, require, size_summary, toolchain
    project_dir = Path(project_dir)
    manifest = read_manifest(project_dir)
    if manifest.get("executable") is None:
        from .errors import CodegenError
        raise CodegenError(f"{project_dir}: a library-only project (generate --app none) has no firmware to build",
                           hint="add it to your application: CMakeLists.txt or micro_codegen.mk (see its README.md)")
    board = board_for(manifest["board"], manifest.get("ram_limit_bytes"))
    tc = toolchain(board.toolchain)
    require(tc.cc)
    image = project_dir / manifest["executable"]
    try:
        log = make(project_dir, jobs=jobs)
    except ToolchainError as e:
        over = _LD_OVERFLOW.findall(str(e))
        if not over:
            raise
        regions = {m.name: m for m in board.memory}
        parts = []
        for name, n in dict(over).items():
            r = regions.get(name)
            has = f"; {board.name} has {r.length:,} B" if r is not None else ""
            parts.append(f"region {name} overflowed by {int(n):,} B{has}")
        raise BoardConfigError(f"{image.name} ({manifest.get('model', '')}) does not fit board '{board.name}' "
                               f"at link time: " + "; ".join(parts), hint=FIT_HINT) from None
    sizes = size_summary(image, tc)
    check_image_fit(board, sizes, f"{image.name} ({manifest.get('model', '')})")
    return BuildResult(project_dir, image, sizes, log, board)


def run(project_dir: str | Path, cases_path: str | Path, out_path: str | Path | None = None,
        port: str | None = None, atol: float | None = None, rtol: float | None = None, progress=None,
        runner: str | None = None, model: str | None = None, place: str | None = None,
        coordinator: str | None = None):
    """Run every case of ``cases_path`` on the built project (validate.run.RunReport) with its
    board's runner (or ``runner``); ``port`` is the serial port / pyserial URL of a real board.
    ``model``: which model of a project of several (its name). ``runner="labgrid"``: on labgrid
    place ``place`` of ``coordinator`` (HOST:PORT; default $LG_COORDINATOR, else 127.0.0.1:20408)."""
    from .validate.run import run_project
    report = run_project(project_dir, cases_path, port=port, atol=atol, rtol=rtol, progress=progress or NO_PROGRESS,
                         runner=runner, model=model, place=place, coordinator=coordinator)
    if out_path is not None:
        save_outputs(out_path, report.cases)
    return report


def default_cases(model: str | Path) -> Path:
    """:func:`cases_beside`, or CasesFileError when there is none."""
    from .errors import CasesFileError
    from .cases import cases_beside
    p = cases_beside(model)
    if p is None:
        raise CasesFileError(f"no --cases given and {model}.npz does not exist")
    return p


def validate(model: str | Path, board: str = DEFAULT_BOARD, cases_path: str | Path | None = None,
             out_dir: str | Path | None = None, force: bool = False, atol: float | None = None,
             rtol: float | None = None, port: str | None = None, progress=None,
             runner: str | None = None, bind: dict | None = None, patch=None,
             patch_overhead: float = 1.3, ram_limit: str | int | None = None, share: bool = True,
             place: str | None = None, coordinator: str | None = None) -> ValidateResult:
    """generate + build + run + compare. Without ``out_dir`` the project lives in a temporary folder.
    ``ram_limit``: run in that much of the board's RAM (see :func:`generate`). ``runner="labgrid"``,
    ``place``, ``coordinator``: on a board of a labgrid farm (see :func:`run`).

    Inputs that only set output shapes (``fold.shape_inputs``) are bound to their value in the
    cases file (every case must have the same) unless ``bind`` gives values.
    ``progress`` (a ``progress.Progress``) hears about the steps generate, build, boot, cases.
    ``patch``, ``patch_overhead``, ``share``: see :func:`generate`."""
    import tempfile

    from .boards import board_for
    from .cases import load_cases
    from .runners.base import check_runner_choice
    from .validate.run import run_project
    progress = progress or NO_PROGRESS
    b = board_for(board, ram_limit)
    check_runner_choice(b, runner, port, place, coordinator)     # before the work
    if port and b.is_simulated:
        raise BoardConfigError(f"board '{b.name}' is simulated (runner {b.runner}): --port is only for real boards")
    g = load(model)
    cases_path = default_cases(model) if cases_path is None else cases_path
    load_cases(cases_path, g)                      # a bad cases file fails before the work
    if bind is None:
        from .cases import bound_values
        from .fold import shape_inputs
        bind = bound_values(cases_path, g, shape_inputs(g)) or None
    d_atol, d_rtol = default_tolerance(g)
    atol = d_atol if atol is None else atol
    rtol = d_rtol if rtol is None else rtol
    with tempfile.TemporaryDirectory(prefix="micro_codegen-") as tmp:
        project = Path(out_dir) if out_dir is not None else Path(tmp) / "project"
        with progress.step("generate"):
            _generate(g, b, project, None, force, bind, MemoryOptions.of(patch, patch_overhead, share))
        with progress.step("build"):
            built = build(project)
        report = run_project(project, cases_path, port=port, graph=bind_graph(g, bind), atol=atol, rtol=rtol,
                             board=b, progress=progress, runner=runner, place=place, coordinator=coordinator)
        manifest_arena = report.hello.arena_size
    return ValidateResult(report, built, manifest_arena, Path(out_dir) if out_dir is not None else None)


def validate_project(models, board: str = DEFAULT_BOARD, out_dir: str | Path | None = None, force: bool = False,
                     names=None, separate_arenas: bool = False, atol: float | None = None, rtol: float | None = None,
                     port: str | None = None, progress=None, runner: str | None = None, patch=None,
                     patch_overhead: float = 1.3, ram_limit: str | int | None = None,
                     share: bool = True, place: str | None = None,
                     coordinator: str | None = None) -> list[ValidateResult]:
    """Several models in one firmware: generate the project once, build it, then run each
    model on the cases beside it (``MODEL.npz``), selected over the protocol. One
    ValidateResult per model, in order (they share the build)."""
    import tempfile

    from .boards import board_for
    from .cases import load_cases
    from .validate.run import run_project
    progress = progress or NO_PROGRESS
    b = board_for(board, ram_limit)
    graphs = _models(models)
    paths = list(models)
    cases = [default_cases(m) for m in paths]
    for c, g in zip(cases, graphs):
        load_cases(c, g)                            # a bad cases file fails before the work
    out = []
    with tempfile.TemporaryDirectory(prefix="micro_codegen-") as tmp:
        project = Path(out_dir) if out_dir is not None else Path(tmp) / "project"
        with progress.step("generate"):
            r = _generate_project(graphs, b, project, _names(names, len(graphs)), force,
                                  MemoryOptions.of(patch, patch_overhead, share), separate_arenas, "validate")
        with progress.step("build"):
            built = build(project)
        for g, c, m in zip(graphs, cases, r.models):
            d_atol, d_rtol = default_tolerance(g)
            report = run_project(project, c, port=port, graph=g, atol=d_atol if atol is None else atol,
                                 rtol=d_rtol if rtol is None else rtol, board=b, progress=progress, runner=runner,
                                 model=m.prefix, place=place, coordinator=coordinator)
            out.append(ValidateResult(report, built, report.hello.arena_size,
                                      Path(out_dir) if out_dir is not None else None))
    return out


def bench(model: str | Path | Graph, board: str = DEFAULT_BOARD, cases_path: str | Path | None = None,
          bind: dict | None = None, port: str | None = None, progress=None, patch=None,
          patch_overhead: float = 1.3, share: bool = True):
    """Cost of one inference per node (``bench.BenchResult``): exact instruction counts on QEMU
    boards, cycles on real boards with a cycle counter. Inputs: case 0 of ``cases_path`` (default
    ``MODEL.npz`` when it exists), else seeded random values."""
    from .bench import bench as run_bench
    return run_bench(model, board, cases_path=cases_path, bind=bind, port=port, progress=progress or NO_PROGRESS,
                     memory=MemoryOptions.of(patch, patch_overhead, share))


def debug(model: str | Path | Graph, board: str = DEFAULT_BOARD, case: int = 0, cases_path: str | Path | None = None,
          atol: float | None = None, rtol: float | None = None, port: str | None = None, runner: str | None = None,
          out_dir: str | Path | None = None, force: bool = False, bind: dict | None = None, progress=None,
          patch=None, patch_overhead: float = 1.3, share: bool = True, place: str | None = None,
          coordinator: str | None = None):
    """Run ``model`` on ``board`` node by node and compare every node's outputs with the
    reference interpreter's (``debug.DebugReport``: a row per node, the first divergence).
    Inputs: case ``case`` of ``cases_path`` (default ``MODEL.npz``; seeded random values without
    one). ``out_dir`` keeps the project; ``patch``, ``share``: see :func:`generate`;
    ``runner="labgrid"``, ``place``, ``coordinator``: see :func:`run`."""
    from .boards import board_for
    from .cases import cases_beside
    from .debug import debug as run_debug
    b = board_for(board)
    g = model if isinstance(model, Graph) else load(model)
    if cases_path is None and not isinstance(model, Graph):
        cases_path = cases_beside(model)
    d_atol, d_rtol = default_tolerance(g)
    return run_debug(g, b, d_atol if atol is None else atol, d_rtol if rtol is None else rtol, case=case,
                     cases_path=cases_path, port=port, runner=runner,
                     memory=MemoryOptions.of(patch, patch_overhead, share), bind=bind, out_dir=out_dir,
                     force=force, progress=progress or NO_PROGRESS, place=place, coordinator=coordinator)


# ---------------------------------------------------------------- boards / fit / flash

def boards() -> list:
    """Every board under boards/ (boards.Board), schema-checked."""
    from .boards import list_boards
    return list_boards()


@dataclass
class FitResult:
    board: object            # boards.Board
    needs: object | None     # boards.MemoryNeeds; None when a node is unsupported
    problems: list[Problem]  # graph-level (node "", index -1), one per overflowing region

    def summary(self) -> str:
        """``fits nrf52840dk: RAM 34,536 of 262,144 B, flash ~47,804 of 1,048,576 B (estimates)``."""
        b, n = self.board, self.needs
        if n is None:
            return ""
        parts = []
        ram, flash = b.region("ram"), b.region("flash")
        if ram is not None:
            parts.append(f"RAM {sum(v for _, v in n.ram_parts(b)):,} of {ram.length:,} B")
        if flash is not None:
            parts.append(f"flash ~{sum(v for _, v in n.flash_parts(b)):,} of {flash.length:,} B")
        weights = b.region("weights")
        if weights is not None:
            parts.append(f"weights {n.weights:,} of {weights.length:,} B in {weights.name}")
        what = ", ".join(parts) if parts else "no memory limits"
        return f"{'fits' if not self.problems else 'does not fit'} {b.name}: {what}"


def fit(g: Graph, board: str, ram_limit: str | int | None = None, patch=None,
        patch_overhead: float = 1.3, share: bool = True) -> FitResult:
    """Would ``g``'s generated project fit ``board`` (its RAM shrunk to ``ram_limit``; with
    ``patch``, patched as ``generate`` would)? (the check ``generate`` makes). Nodes that cannot
    be generated leave ``needs`` None and no fit problems (``check`` reports them)."""
    from .boards import board_for, fit_problems
    from .errors import UnsupportedOpError
    from .pipeline import compile_model
    b = board_for(board, ram_limit)
    try:
        needs = compile_model(g, memory=MemoryOptions.of(patch, patch_overhead, share)).needs
    except UnsupportedOpError:
        return FitResult(b, None, [])
    return FitResult(b, needs, [Problem("", "", reason) for reason in fit_problems(b, needs)])


@dataclass
class ProjectFit:
    """Several models in one project (``check A.ms B.ms --board B``): each model's needs and
    the combined fit (shared arena = the largest, separate arenas = the sum; weights and code
    add up, the firmware counted once)."""
    models: list             # boards.MemoryNeeds per model, in order
    combined: FitResult
    separate_arenas: bool

    def lines(self) -> list[str]:
        """One line per model, the combined figures, then ``fits BOARD: ...``."""
        out = [f"  {n.label}: arena {n.arena:,} B, weights {n.weights:,} B, code ~{n.code:,} B (alone)"
               for n in self.models]
        c = self.combined.needs
        how = "separate arenas: sum" if self.separate_arenas else "one shared arena: the largest"
        out.append(f"combined: arena {c.arena:,} B ({how}), weights {c.weights:,} B, code ~{c.code:,} B, "
                   f"firmware data ~{c.firmware_ram:,} B")
        out.append(self.combined.summary())
        return out


def fit_project(graphs, board: str, ram_limit: str | int | None = None, separate_arenas: bool = False,
                patch=None, patch_overhead: float = 1.3, share: bool = True) -> ProjectFit:
    """Would one project of ``graphs`` fit ``board``? (the check ``generate A.ms B.ms`` makes).
    Raises UnsupportedOpError when a model has unsupported nodes (``check`` reports them first)."""
    from .boards import board_for, fit_problems
    from .pipeline import compile_project
    b = board_for(board, ram_limit)
    proj = compile_project(graphs, board=None, separate_arenas=separate_arenas,
                           memory=MemoryOptions.of(patch, patch_overhead, share))
    needs = proj.needs
    fit_ = FitResult(b, needs, [Problem("", "", reason) for reason in fit_problems(b, needs)])
    return ProjectFit([cm.needs for cm in proj.models], fit_, separate_arenas)


def project_memory_plans(graphs, patch=None, patch_overhead: float = 1.3, share: bool = True) -> list:
    """(memory plan, patch) of every model, as :func:`patched_memory_plan`."""
    return [patched_memory_plan(g, patch, patch_overhead, share) for g in graphs]


def arena_limit_problems(g: Graph, arena: int, ram_limit: str | int) -> list[Problem]:
    """Without a board: does the arena alone fit ``ram_limit``? (one graph-level Problem if not;
    stack and firmware data are not counted: :func:`fit` counts them for a board)."""
    from .pipeline import model_file
    n = parse_size(ram_limit)
    if arena <= n:
        return []
    return [Problem("", "", f"{model_file(g)}: arena {arena:,} B does not fit the RAM limit {n:,} B "
                            f"({arena - n:,} B over; without a board, stack and firmware data are not counted)")]


@dataclass
class FlashResult:
    board: str
    runner: str
    image: Path
    argv: list[str]
    dry_run: bool
    log: str = ""


def flash(project_dir: str | Path, runner: str | None = None, dry_run: bool = False, place: str | None = None,
          coordinator: str | None = None) -> FlashResult:
    """Flash the built image of a generated project onto its (real) board with openocd or pyocd,
    or (``runner="labgrid"``) onto the board of labgrid place ``place`` through its debug probe.

    Builds nothing. ``dry_run`` returns the exact command without running it (the image and
    the program need not exist)."""
    from .boards import board_for
    from .runners import get_runner
    from .runners.farm import LabgridRunner
    from .runners.flash import FlashRunner
    project_dir = Path(project_dir)
    manifest = read_manifest(project_dir)
    if manifest.get("executable") is None:
        raise BoardConfigError(f"{project_dir}: a library-only project (generate --app none) has no firmware to flash")
    b = board_for(manifest["board"], manifest.get("ram_limit_bytes"))
    if b.is_simulated:
        raise BoardConfigError(f"board '{b.name}' is simulated (runner {b.runner}), there is nothing to flash; "
                               f"use `micro-codegen run` or `validate`")
    image = project_dir / manifest["executable"]
    r = get_runner(b, project_dir, image, runner=runner, place=place, coordinator=coordinator)
    if not isinstance(r, (FlashRunner, LabgridRunner)):
        raise BoardConfigError(f"runner '{r.name}' of board '{b.name}' does not flash (use openocd, pyocd or labgrid)")
    if not dry_run and not image.is_file():
        from .errors import ToolchainError
        raise ToolchainError(f"{image}: no firmware image; run `micro-codegen build {project_dir}` first")
    argv = r.flash(dry_run=dry_run)
    return FlashResult(b.name, r.name, image, argv, dry_run, getattr(r, "log", ""))


# ---------------------------------------------------------------- for front ends (the CLI imports only api)
# Also public here: DEFAULT_BOARD, RUNNER_NAMES and FARM_RUNNER (from boards), Progress and NO_PROGRESS (from progress).

def plan_text(mp) -> str:
    """The memory plan of :func:`memory_plan` as text: summary line (with the lower bound of
    whole tensors when links share memory), then one row per buffer."""
    from .planner import render_text
    text = render_text(mp.plan)
    if mp.links.overwrites or mp.links.zero_copy:
        first, rest = text.split("\n", 1)
        text = (f"{first}; whole tensors: lower bound {mp.whole_lower_bound:,} B "
                f"({len(mp.links.overwrites)} in place, {len(mp.links.zero_copy)} zero-copy)\n{rest}")
    return text


def plan_svg(mp, title: str = "", patch=None) -> str:
    """The memory plan of :func:`memory_plan` as a standalone SVG timeline (with ``patch``,
    the patch stage's steps shaded)."""
    from .planner import render_svg
    bands = ()
    if patch is not None:
        end = next(i for i, n in enumerate(mp.graph.nodes) if n.name == f"{patch.cut}@concat")
        bands = ((0, end, f"patch: {patch.describe()}"),)
    return render_svg(mp.plan, title=title, bands=bands)


def save_outputs(path: str | Path, results) -> None:
    """Write the outputs of ``results`` (``infer``'s CaseResults or a run report's ``cases``:
    anything with ``.index`` and ``.outputs``) to a CASES-style .npz (``output_k``)."""
    from . import cases
    cases.save_outputs(path, [(r.index, r.outputs) for r in results])
