"""``generate``: graph -> checked -> OpPlans -> memory plan -> rendered C project.

1. Support check (``check.py`` rules and each op family's own rule) on every node; any
   problem raises UnsupportedOpError naming node, op and reason before anything is written.
2. ``ops.prepare`` per node -> OpPlan (kernel files, params, consts, call, scratch, aliasing).
3. ``schedule.memory_plan`` with the OpPlans' scratch and aliases -> arena offsets.
4. The board must hold it (``boards.check_fit``, :func:`memory_needs`): arena + stack + heap +
   firmware data in RAM, code + weights in flash; otherwise BoardConfigError with the numbers.
5. Render every file in memory (templates/c/*.j2), copy the kernels the model uses (and
   the headers they include), the protocol and the board glue; add ``manifest.json``.
6. Write the tree atomically (``writer.write_tree``).

The output depends only on the model bytes, the board file, the name and this package:
no timestamps, no absolute paths, no dict/set iteration order.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import __version__
from ..boards import Board, MemoryNeeds, check_fit, fit_problems
from ..check import check_graph
from ..errors import UnsupportedOpError
from ..ir import Graph
from ..ops import REGISTRY, OpPlan, prepare
from ..resources import data_dir
from ..schedule import MemoryPlan, memory_plan
from .env import render
from .filters import c_ident
from .kernels import resolve_kernel_files
from .lower import ModelCode, lower, status_functions
from .memory import node_memory_from_plans
from .writer import sha256_hex, write_tree

WARN_FLAGS = ("-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wdouble-promotion", "-Wvla", "-Wstrict-prototypes",
              "-Wmissing-prototypes")
OPT_FLAGS = ("-O2", "-ffp-contract=off")
FIRMWARE_FILES = ("mc_protocol.h", "mc_protocol.c")


@dataclass
class GenerateResult:
    out_dir: Path | None
    name: str
    board: str
    model: ModelCode
    files: dict[str, bytes]
    manifest: dict

    @property
    def arena_size(self) -> int:
        return self.model.arena_size


def support_problems(g: Graph) -> list[str]:
    """Every reason a node cannot be generated: check.py rules, then the op family's rule."""
    out = [str(p) for p in check_graph(g)]
    bad = {p.index for p in check_graph(g)}
    for i, node in enumerate(g.nodes):
        if i in bad:
            continue
        impl = REGISTRY.get(node.op)
        if impl is None:
            out.append(f"{g.node_label(i)}: no C implementation for {node.op}")
            continue
        reason = impl.check(g, i)
        if reason:
            out.append(f"{g.node_label(i)}: {reason}")
    return out


def prepare_graph(g: Graph) -> tuple[list[OpPlan], MemoryPlan]:
    """Check, prepare every node, plan the arena. Raises before any file is touched."""
    problems = support_problems(g)
    if problems:
        src = Path(g.source).name if g.source else g.name
        more = f" (+{len(problems) - 3} more; see `micro-codegen check`)" if len(problems) > 3 else ""
        raise UnsupportedOpError(f"{src}: {len(problems)} unsupported node(s): " + "; ".join(problems[:3]) + more)
    plans = [prepare(g, i) for i in range(len(g.nodes))]
    return plans, memory_plan(g, node_memory_from_plans(plans))


def model_sha256(g: Graph) -> str:
    if g.sha256:
        return g.sha256
    from ..ms_model import write_bytes
    return hashlib.sha256(write_bytes(g)).hexdigest()


def default_name(g: Graph) -> str:
    stem = Path(g.source).stem if g.source else g.name
    return c_ident(stem or "model", lower=True)


def _copy(path: Path) -> bytes:
    return path.read_bytes()


def _lower(g: Graph, prepared: tuple[Sequence[OpPlan], MemoryPlan] | None,
           name: str | None) -> tuple[ModelCode, list[str]]:
    """Lowered model code and the nnacl files (relative to nnacl_subset/) it needs."""
    plans, mem = prepared if prepared is not None else prepare_graph(g)
    prefix = c_ident(name, lower=True) if name else default_name(g)
    nroot = data_dir("nnacl_subset")
    headers = sorted({p.header for p in plans if p.header})
    int_fns = status_functions([(nroot / h).read_text(encoding="utf-8") for h in headers if (nroot / h).is_file()])
    m = lower(g, plans, mem, prefix, int_fns)
    return m, resolve_kernel_files(nroot, list(m.kernel_sources) + list(m.headers))


def render_project(g: Graph, board: Board, name: str | None = None,
                   prepared: tuple[Sequence[OpPlan], MemoryPlan] | None = None) -> GenerateResult:
    """Everything ``generate`` writes, as {relative path: bytes} (nothing is written)."""
    m, kernel_files = _lower(g, prepared, name)
    nroot = data_dir("nnacl_subset")
    prefix = m.prefix
    check_fit(board, _needs(g, m, nroot, kernel_files))

    sha = model_sha256(g)
    model_file = Path(g.source).name if g.source else f"{g.name}.ms"
    banner = f"/* Generated by micro_codegen {__version__} from {model_file} (sha256 {sha[:12]}\u2026) -- do not edit. */"
    banner_hash = f"# Generated by micro_codegen {__version__} from {model_file} (sha256 {sha[:12]}\u2026) -- do not edit."
    overhead = ""
    if m.lower_bound > 0:
        overhead = f", {(m.arena_size / m.lower_bound - 1) * 100:+.1f}%"

    ctx = dict(m=m, banner=banner, board=board, model_file=model_file, sha256=sha, overhead=overhead,
               sha256_prefix_bytes=[f"0x{b:02x}u" for b in bytes.fromhex(sha)[:8]])
    files: dict[str, str | bytes] = {
        f"{prefix}_model.h": render("model.h.j2", **ctx),
        f"{prefix}_model.c": render("model.c.j2", **ctx),
        f"{prefix}_weights.h": render("weights.h.j2", **ctx),
        f"{prefix}_weights.c": render("weights.c.j2", **ctx),
        "main_validate.c": render("main_validate.c.j2", **ctx),
    }
    tdir = data_dir("templates") / "c"
    for f in FIRMWARE_FILES:
        files[f] = _copy(tdir / f)
    board_srcs = []
    for src in board.sources:
        dst = Path(src).name
        files[dst] = _copy(tdir / src)
        if dst.endswith(".c"):
            board_srcs.append(dst)
    for tpl in board.templates:
        dst = Path(tpl).name.removesuffix(".j2")
        files[dst] = render(tpl, board=board.raw, m=m, banner=banner)
        if dst.endswith(".c"):
            board_srcs.append(dst)

    for rel in kernel_files:
        files[f"nnacl/{rel}"] = _copy(nroot / rel)
    kernel_srcs = [f"nnacl/{rel}" for rel in kernel_files if rel.endswith(".c")]

    target_name = prefix if board.is_host else f"{prefix}.elf"
    files["Makefile"] = render(
        "Makefile.j2", banner_hash=banner_hash, board=board, cc=_cc(board), target=f"build/{target_name}",
        target_name=target_name, arch_flags="".join(f" {f}" for f in board.cflags),
        warn_flags=" ".join(WARN_FLAGS), opt_flags=" ".join(OPT_FLAGS),
        ldflags="".join(f" {f}" for f in board.ldflags), ldlibs=" -lm" if m.libm else "",
        gc_sections=not board.is_host, defines="".join(f" {d}" for d in m.defines),
        model_srcs=[f"{prefix}_model.c", f"{prefix}_weights.c"], kernel_srcs=kernel_srcs,
        firmware_srcs=["main_validate.c", "mc_protocol.c"], board_srcs="".join(f" {s}" for s in board_srcs))

    data = {k: (v.encode("utf-8") if isinstance(v, str) else v) for k, v in files.items()}
    manifest = {
        "generator": f"micro_codegen {__version__}",
        "model": model_file,
        "model_sha256": sha,
        "name": prefix,
        "board": board.name,
        "arena_bytes": m.arena_size,
        "arena_lower_bound_bytes": m.lower_bound,
        "weights_bytes": m.weights_bytes,
        "nodes": len(m.nodes),
        "node_list": [{"index": n.index, "name": n.name, "op": n.op} for n in m.nodes],
        "libm": m.libm,
        "inputs": [t.to_json() for t in m.inputs],
        "outputs": [t.to_json() for t in m.outputs],
        "executable": f"build/{target_name}",
        "files": [{"path": p, "sha256": sha256_hex(data[p]), "bytes": len(data[p])} for p in sorted(data)],
    }
    data["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    return GenerateResult(None, prefix, board.name, m, data, manifest)


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


def _needs(g: Graph, m: ModelCode, nroot: Path, kernel_files: Sequence[str]) -> MemoryNeeds:
    kernels = sum((nroot / rel).stat().st_size *
                  KERNEL_CODE_PER_SOURCE_BYTE.get(rel.split("/")[0], KERNEL_CODE_PER_SOURCE_BYTE_OTHER)
                  for rel in kernel_files if rel.endswith(".c"))
    code = (FIRMWARE_CODE_BYTES + int(kernels) + CODE_PER_NODE_BYTES * len(m.nodes)
            + (LIBM_CODE_BYTES if m.libm else 0))
    label = Path(g.source).name if g.source else f"{g.name}.ms"
    return MemoryNeeds(label, arena=m.arena_size, weights=m.weights_bytes, code=code,
                       firmware_ram=FIRMWARE_RAM_BYTES + RAM_PER_NODE_BYTES * len(m.nodes))


def memory_needs(g: Graph, prepared: tuple[Sequence[OpPlan], MemoryPlan] | None = None,
                 name: str | None = None) -> MemoryNeeds:
    """What the generated project of ``g`` needs of a board's RAM and flash (estimates for the
    firmware's code and data; see :class:`boards.MemoryNeeds`). Raises UnsupportedOpError like
    ``generate`` when a node cannot be generated."""
    m, kernel_files = _lower(g, prepared, name)
    return _needs(g, m, data_dir("nnacl_subset"), kernel_files)


def board_fit_problems(g: Graph, board: Board) -> list[str]:
    """Why ``g`` does not fit ``board`` (empty when it fits), as ``generate`` would refuse it."""
    return fit_problems(board, memory_needs(g))


def _cc(board: Board) -> str:
    from ..toolchain import toolchain
    return toolchain(board.toolchain).cc


def generate_project(g: Graph, board: Board, out_dir: str | Path, name: str | None = None,
                     force: bool = False) -> GenerateResult:
    """Render the project and write it to ``out_dir`` (atomically)."""
    from .writer import check_target
    check_target(Path(out_dir).absolute(), force)     # fail early, before the work
    result = render_project(g, board, name)
    result.out_dir = write_tree(result.files, out_dir, force)
    return result
