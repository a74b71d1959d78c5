"""The compile stage: ``ir.Graph`` -> :class:`~micro_codegen.compiled.CompiledModel`.

1. Check: graph rules, then every node's rules (``check.py`` and the op family's own);
   any problem raises UnsupportedOpError naming node, op and rule before anything else runs.
   Fold: nodes with constant inputs are evaluated now (``fold.py``); the rest is compiled.
   Patch (opt-in, ``MemoryOptions.patch``): the first layers rewritten to run on strips (``patch.py``).
2. Prepare: ``ops.prepare`` turns every node into an OpPlan (kernel, arguments, parameters,
   constants, scratch, aliasing).
3. Schedule + plan: ``schedule.memory_plan`` places every activation tensor and scratch
   buffer in one arena (verified; see ``planner/``).
4. Kernel files: the sources the OpPlans name, their headers and everything those include.
5. Fit: what the project will need of a board's RAM and flash (exact for arena and weights,
   estimated for code); with a board, ``boards.check_fit`` refuses a model that does not fit.

``plan``, ``generate``, ``validate`` and ``check --board`` all go through here; ``emit`` only
renders the result. Everything is a pure function of the graph (and the board).
"""
from __future__ import annotations

import hashlib
import re
from functools import partial
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .boards import Board, MemoryNeeds, check_fit
from .check import check_graph
from .compiled import ArenaLayout, BoundInput, CompiledModel, MemoryOptions, OpPlan, Project
from .errors import CodegenError, UnsupportedOpError
from .fold import fold_constants
from .ir import Graph
from .ops import prepare
from .resources import data_dir
from .planner import lower_bound
from .schedule import MemoryPlan, NodeMemory, build_buffers, memory_plan


def model_file(g: Graph) -> str:
    """The file name the model is known by (banners, manifest, fit messages)."""
    return Path(g.source).name if g.source else f"{g.name}.ms"


def model_sha256(g: Graph) -> str:
    """sha256 of the model file (of the re-serialized graph for a graph built in memory)."""
    if g.sha256:
        return g.sha256
    from .ms_model import write_bytes
    return hashlib.sha256(write_bytes(g)).hexdigest()


def require_supported(g: Graph) -> None:
    """Raise UnsupportedOpError listing the first problems if any node cannot be compiled."""
    problems = [str(p) for p in check_graph(g)]
    if problems:
        more = f" (+{len(problems) - 3} more; see `micro-codegen check`)" if len(problems) > 3 else ""
        raise UnsupportedOpError(f"{model_file(g)}: {len(problems)} unsupported node(s): "
                                 + "; ".join(problems[:3]) + more)


def prepare_nodes(g: Graph, core: str | None = None) -> tuple[Graph, tuple[OpPlan, ...]]:
    """Steps 1-2: check, fold, then one OpPlan per node of the folded graph (for ``core``, the
    cheapest kernel variants by the measured cost model; they never change the memory plan)."""
    require_supported(g)
    g = fold_constants(g).graph
    return g, tuple(prepare(g, i, core) for i in range(len(g.nodes)))


def plan_memory(g: Graph, plans: Sequence[OpPlan], share: bool = True, bound_only: bool = False):
    """Step 3: the arena plan with the OpPlans' scratch and aliasing (``share=False``: no
    zero-copy Concat/Split/slice and no in-place window ops: every tensor whole).
    ``bound_only``: just the lower bound with every link (an int; cheap: nothing is placed)."""

    def node_memory(_: Graph, i: int) -> NodeMemory:
        p = plans[i]
        return NodeMemory(scratch_bytes=int(p.scratch_bytes), inplace=p.inplace, always_alias=bool(p.always_alias),
                          overlap_shift=p.overlap_shift, part_offsets=p.part_offsets, view_offsets=p.view_offsets)

    if bound_only:
        return lower_bound(build_buffers(g, node_memory, share=share)[0])
    return memory_plan(g, node_memory, share=share)


def arena_layout(g: Graph, mem: MemoryPlan) -> ArenaLayout:
    return ArenaLayout(size=mem.arena_size, lower_bound=mem.plan.lower_bound,
                       tensors={ti: mem.tensor_offset(ti) for ti in mem.buffer_names},
                       scratch={i: mem.scratch_offset(i) for i in mem.scratch_names},
                       aliases=dict(mem.aliases), overwrites=dict(mem.links.overwrites),
                       zero_copy=dict(mem.links.zero_copy))


# ---------------------------------------------------------------- kernel files

_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def kernel_files(wanted: Iterable[str], root: Path | None = None) -> tuple[str, ...]:
    """Paths (relative to ``nnacl_subset/``, sorted) of ``wanted`` plus everything they
    include (``#include "..."``, resolved against the root, then the file's folder)."""
    root = data_dir("nnacl_subset") if root is None else root
    todo = list(dict.fromkeys(wanted))
    seen: set[str] = set()
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        path = root / rel
        if not path.is_file():
            raise CodegenError(f"kernel file '{rel}' not found under {root}")
        seen.add(rel)
        base = Path(rel).parent
        for inc in _INCLUDE.findall(path.read_text(encoding="utf-8")):
            if (root / inc).is_file():
                todo.append(Path(inc).as_posix())
            elif (root / base / inc).is_file():
                todo.append((base / inc).as_posix())
            # else: a header of the generated project itself or a system header
    return tuple(sorted(seen))


# ---------------------------------------------------------------- fit

# Size estimates of the parts of the firmware that are not the model's data, measured with
# arm-none-eabi-gcc 12 -O2 -ffunction-sections + --gc-sections on the 9 MLPerf Tiny models
# (the estimate is within -5%..+35% of the ELF's text + non-weight rodata; .bss besides the
# arena is 1.4-1.8 KB: protocol receive buffer 1 KiB, UART ring/report buffers, per-node ticks).
FIRMWARE_CODE_BYTES = 5 * 1024        # start-up, UART, protocol, main, libc/libgcc helpers
KERNEL_CODE_PER_SOURCE_BYTE = {"fp32": 0.33, "int8": 0.45}   # .text per byte of kernel C source
KERNEL_CODE_PER_SOURCE_BYTE_OTHER = 0.45
CODE_PER_NODE_BYTES = 160             # call + parameter struct per node
LIBM_CODE_BYTES = 2 * 1024            # expf/tanhf/... from newlib's libm
FIRMWARE_RAM_BYTES = 1792             # .data + .bss of firmware and board glue
RAM_PER_NODE_BYTES = 8                # per-node timing counters


def weights_bytes(g: Graph, plans: Sequence[OpPlan]) -> int:
    """Bytes of constant data in flash: every distinct ConstArray (emit writes identical ones
    once), plus constant inputs passed as such."""
    arrays = {(c.dtype, np.asarray(c.values).tobytes()): max(np.asarray(c.values).size, 1) * c.dtype.itemsize
              for p in plans for c in p.consts}
    total = sum(arrays.values())
    inputs = {g.nodes[i].inputs[a.ref] for i, p in enumerate(plans) for a in p.flat_args() if a.kind == "in"}
    return total + sum(g.tensors[t].nbytes for t in inputs if g.tensors[t].is_const)


def code_bytes(plans: Sequence[OpPlan], files: Sequence[str]) -> int:
    """Estimated code of a project: the firmware once, its kernel files, a call per node."""
    root = data_dir("nnacl_subset")
    kernels = sum((root / rel).stat().st_size *
                  KERNEL_CODE_PER_SOURCE_BYTE.get(rel.split("/")[0], KERNEL_CODE_PER_SOURCE_BYTE_OTHER)
                  for rel in files if rel.endswith(".c"))
    return (FIRMWARE_CODE_BYTES + int(kernels) + CODE_PER_NODE_BYTES * len(plans)
            + (LIBM_CODE_BYTES if any(p.libm for p in plans) else 0))


def memory_needs(g: Graph, plans: Sequence[OpPlan], arena: ArenaLayout, files: Sequence[str]) -> MemoryNeeds:
    """What the generated project needs of a board's RAM and flash (see boards.MemoryNeeds)."""
    return MemoryNeeds(model_file(g), arena=arena.size, weights=weights_bytes(g, plans), code=code_bytes(plans, files),
                       firmware_ram=FIRMWARE_RAM_BYTES + RAM_PER_NODE_BYTES * len(plans))


# ---------------------------------------------------------------- the stage

def patched(g: Graph, memory: MemoryOptions = MemoryOptions(), core: str | None = None):
    """(``g``, None) without ``memory.patch``; else check and fold ``g``, then rewrite it for
    patch-based inference (``patch.apply_patch``: ``"auto"``, ``"K"``, ``"K:N"``): (patched
    graph, Patch or None)."""
    if memory.patch is None:
        return g, None
    from .patch import apply_patch
    require_supported(g)
    return apply_patch(fold_constants(g).graph, memory.patch, partial(plan_memory, share=memory.share), core,
                       memory.patch_overhead)


def compile_model(g: Graph, name: str | None = None, board: Board | None = None,
                  bound: Sequence[BoundInput] = (), memory: MemoryOptions = MemoryOptions(),
                  core: str | None = None) -> CompiledModel:
    """Check, prepare, plan and size ``g``; with ``board``, refuse it if it does not fit
    (BoardConfigError with the numbers). ``bound``: the inputs ``fold.bind_inputs`` turned into
    constants (recorded in the manifest). ``memory``: patch-based inference (:func:`patched`),
    applied after folding, and sharing (:func:`plan_memory`). ``core``: pick kernel variants
    for this core without a fit check (``board`` implies its core). Nothing is written."""
    source = g
    core = board.core if board is not None else core
    g, choice = patched(g, memory, core)
    g, plans = prepare_nodes(g, core)
    layout = arena_layout(g, plan_memory(g, plans, memory.share))
    # nodes the planner made zero-copy run no kernel (and bring no kernel files or constants)
    plans = tuple(OpPlan() if i in layout.zero_copy else p for i, p in enumerate(plans))
    files = kernel_files([f for p in plans for f in p.kernel_sources] + [p.header for p in plans if p.header])
    needs = memory_needs(g, plans, layout, files)
    if board is not None:
        check_fit(board, needs)
    stem = Path(g.source).stem if g.source else g.name
    return CompiledModel(graph=g, name=name or stem or "model", model_file=model_file(g), sha256=model_sha256(source),
                         plans=plans, arena=layout, kernel_files=files, needs=needs, bound=tuple(bound),
                         patch=choice)


# ---------------------------------------------------------------- several models in one project

def project_needs(models: Sequence[CompiledModel], files: Sequence[str], separate_arenas: bool) -> MemoryNeeds:
    """What a project of several models needs of a board: arena max (shared) or sum (separate);
    weights sum; code: the firmware once, the union of kernel files, every model's nodes."""
    plans = [p for cm in models for p in cm.plans]
    code = code_bytes(plans, files)
    arenas = [cm.arena.size for cm in models]
    label = " + ".join(cm.model_file for cm in models)
    return MemoryNeeds(label, arena=sum(arenas) if separate_arenas else max(arenas),
                       weights=sum(cm.needs.weights for cm in models), code=code,
                       firmware_ram=FIRMWARE_RAM_BYTES + RAM_PER_NODE_BYTES * len(plans))


def compile_project(graphs: Sequence[Graph], names: Sequence[str | None] = (), board: Board | None = None,
                    separate_arenas: bool = False, memory: MemoryOptions = MemoryOptions(),
                    bound: Sequence[Sequence[BoundInput]] = ()) -> Project:
    """Compile every graph (:func:`compile_model`, no fit check each) into one
    :class:`~micro_codegen.compiled.Project`; names default to each file's stem. With
    ``board``, refuse the project if the models together do not fit (shared arena = the
    largest, separate arenas = the sum; weights and code add up)."""
    if not graphs:
        raise CodegenError("no model given")
    if len(names) > len(graphs):
        raise CodegenError(f"{len(names)} --name for {len(graphs)} model(s): give at most one per model")
    names = list(names) + [None] * (len(graphs) - len(names))
    bound = list(bound) + [()] * (len(graphs) - len(bound))
    core = board.core if board is not None else None
    stems = [n or (Path(g.source).stem if g.source else g.name) or "model" for n, g in zip(names, graphs)]
    models = []
    for g, n, b in zip(graphs, stems, bound):
        models.append(compile_model(g, name=n, bound=b, memory=memory, core=core))
    files = tuple(sorted({f for cm in models for f in cm.kernel_files}))
    needs = project_needs(models, files, separate_arenas)
    if board is not None:
        check_fit(board, needs)
    return Project(tuple(models), bool(separate_arenas), files, needs)


def compile_memory_plan(g: Graph, memory: MemoryOptions = MemoryOptions()) -> tuple[MemoryPlan, object]:
    """(the arena plan exactly as ``compile_model`` makes it, the Patch or None), for ``plan``
    and its reports."""
    g, choice = patched(g, memory)
    return plan_memory(*prepare_nodes(g), share=memory.share), choice
