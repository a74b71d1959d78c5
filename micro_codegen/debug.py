"""``debug``: run a model node by node on its target and compare every tensor with the
reference interpreter's, to say where a wrong result comes from.

The project is generated exactly as ``generate`` makes it (same memory plan, same kernels and
variants) and built into ``build-debug/`` with ``-DMC_DEBUG_TENSORS``, which adds the table of
every arena tensor (index, offset, bytes) and the protocol's GET_TENSOR. The host sends the
inputs once, then for each node N an INVOKE of node N alone (first = last = N: the firmware
resumes on the arena as node N-1 left it) and reads node N's output tensors with GET_TENSOR.
The reference interpreter runs the same compiled graph (folded, and patched with ``--patch``),
so tensor indices and values correspond one to one. A node is compared on the target's own
inputs (the outputs of its predecessors on the target), so the first diverging node is the one
that computes something wrong; the nodes after it usually diverge too.

Why read each node's outputs right after it ran instead of after one whole run: the memory plan
shares memory (an in-place convolution or pooling writes its output over its input, zero-copy
Concat / Split / slice outputs are views of another tensor, a patch strip is overwritten by the
next strip), so after a whole run most tensors no longer hold their values. Right after node N
nothing later has run, so node N's outputs are intact whatever the plan shares. The firmware
debugged is thus the real one, and a memory-plan bug (an in-place shift too small, a view at
the wrong offset) shows like a kernel bug; ``--whole-tensors`` turns the sharing off to tell
the two apart. Every node runs once and the inputs cross the link once; the tensors read back
are the cost (QEMU ~75 KB/s, a 115200 baud UART ~11 KB/s).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .boards import Board
from .cases import Case, compare, load_cases
from .compiled import MemoryOptions
from .errors import CasesFileError, ValidationError
from .ir import Graph
from .progress import NO_PROGRESS, Progress

BUILD_DIR = "build-debug"
DEBUG_DEFINES = "-DMC_PROFILE -DMC_DEBUG_TENSORS"


@dataclass(frozen=True)
class TensorDiff:
    """One output tensor of a node, target against reference."""
    index: int                 # tensor index in the compiled graph
    name: str
    dtype: str
    shape: tuple[int, ...]
    max_abs_diff: float
    mismatches: int            # elements outside the tolerance (int: not equal)
    # (multi-dimensional index, expected, got) of the largest mismatch; None when it matches
    worst: tuple[tuple[int, ...], float, float] | None

    @property
    def ok(self) -> bool:
        return self.mismatches == 0

    @property
    def elements(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def to_json(self) -> dict:
        w = self.worst
        return {"index": self.index, "name": self.name, "dtype": self.dtype, "shape": list(self.shape),
                "max_abs_diff": self.max_abs_diff, "mismatches": self.mismatches, "elements": self.elements,
                "worst": None if w is None else {"element": list(w[0]), "expected": w[1], "got": w[2]}}


@dataclass(frozen=True)
class NodeDiff:
    index: int
    name: str
    op: str
    tensors: tuple[TensorDiff, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tensors)

    @property
    def max_abs_diff(self) -> float:
        return max((t.max_abs_diff for t in self.tensors), default=0.0)

    @property
    def mismatches(self) -> int:
        return sum(t.mismatches for t in self.tensors)

    @property
    def elements(self) -> int:
        return sum(t.elements for t in self.tensors)

    def to_json(self) -> dict:
        return {"index": self.index, "name": self.name, "op": self.op, "ok": self.ok,
                "max_abs_diff": self.max_abs_diff, "mismatches": self.mismatches, "elements": self.elements,
                "tensors": [t.to_json() for t in self.tensors]}


@dataclass
class DebugReport:
    model: str
    board: str
    inputs: str                # where the inputs came from
    atol: float
    rtol: float
    nodes: list[NodeDiff]
    project_dir: Path | None   # None when it was a temporary folder (deleted)

    @property
    def first_divergence(self) -> tuple[NodeDiff, TensorDiff] | None:
        """The first node (in run order) with a tensor that differs, and its worst tensor."""
        for n in self.nodes:
            if not n.ok:
                return n, max((t for t in n.tensors if not t.ok), key=lambda t: t.max_abs_diff)
        return None

    @property
    def passed(self) -> bool:
        return self.first_divergence is None

    def to_json(self) -> dict:
        """The ``debug --json`` document."""
        first = self.first_divergence
        doc = None
        if first is not None:
            n, t = first
            doc = {"node": n.index, "name": n.name, "op": n.op, "tensor": t.name, "max_abs_diff": t.max_abs_diff,
                   "mismatches": t.mismatches, "elements": t.elements, "element": list(t.worst[0]),
                   "expected": t.worst[1], "got": t.worst[2]}
        return {"model": self.model, "board": self.board, "inputs": self.inputs, "atol": self.atol,
                "rtol": self.rtol, "passed": self.passed, "first_divergence": doc,
                "nodes": [n.to_json() for n in self.nodes]}

    def lines(self) -> list[str]:
        """The text report of ``micro-codegen debug``: a header, one row per node, the verdict."""
        out = [f"{self.model} on {self.board}: {len(self.nodes)} node{'s' if len(self.nodes) != 1 else ''} run one "
               f"by one ({self.inputs}), compared with the reference interpreter"]
        rows = [("node", "op", "name", "max |diff|", "mismatches", "")]
        for n in self.nodes:
            rows.append((str(n.index), n.op, n.name if len(n.name) <= 32 else n.name[:31] + "…",
                         f"{n.max_abs_diff:.4g}", f"{n.mismatches:,}/{n.elements:,}", "OK" if n.ok else "DIFF"))
        widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
        right = {0, 3, 4}
        for r in rows:
            out.append("  " + "  ".join(v.rjust(w) if c in right else v.ljust(w)
                                        for c, (v, w) in enumerate(zip(r, widths))).rstrip())
        first = self.first_divergence
        if first is None:
            what = "the node matches" if len(self.nodes) == 1 else f"all {len(self.nodes)} nodes match"
            out.append(f"{what} the reference (integers exactly, floats within {self.atol:g} + {self.rtol:g}*|ref|)")
            return out
        n, t = first
        (element, expected, got) = t.worst
        out.append(f"first divergence: node {n.index} {n.op} '{n.name}', output '{t.name}' "
                   f"({t.dtype} {'x'.join(map(str, t.shape))}): max |diff| {t.max_abs_diff:.6g}, largest "
                   f"mismatch at [{', '.join(map(str, element))}] (expected {expected:.8g}, got {got:.8g}); "
                   f"{t.mismatches:,} of {t.elements:,} elements differ")
        return out


def tensor_diff(g: Graph, ti: int, got: np.ndarray, expected: np.ndarray, atol: float, rtol: float) -> TensorDiff:
    """Compare one tensor (``cases.compare``: integers exactly, floats within atol + rtol*|ref|)."""
    t = g.tensors[ti]
    c = compare(got, expected, atol, rtol)
    worst = None
    if c.worst:
        flat, e, v = c.worst[0]
        worst = (tuple(int(i) for i in np.unravel_index(flat, expected.shape)), e, v)
    return TensorDiff(ti, t.name, t.dtype.short, tuple(int(d) for d in expected.shape), c.max_abs_diff,
                      c.mismatches, worst)


def debug_case(g: Graph, cases_path, case: int, bound) -> tuple[Case, str]:
    """Case ``case`` of ``cases_path``, or without a cases file seeded random inputs (case 0 only)."""
    from .bench import bench_case
    if cases_path is None:
        if case != 0:
            raise CasesFileError(f"--case {case} needs a cases file (--cases CASES.npz); without one the inputs "
                                 f"are seeded random values (case 0)")
        return bench_case(g, None, bound)
    for c in load_cases(cases_path, g, bound=bound):
        if c.index == case:
            return c, f"case {case} of {Path(cases_path).name}"
    raise CasesFileError(f"{cases_path}: no case {case} (no input_{case})")


def debug(g: Graph, board: Board, atol: float, rtol: float, case: int = 0, cases_path: str | Path | None = None,
          port: str | None = None, runner: str | None = None, memory: MemoryOptions = MemoryOptions(),
          bind: dict | None = None, out_dir: str | Path | None = None, force: bool = False,
          progress: Progress = NO_PROGRESS, timeout: float = 5.0, place: str | None = None,
          coordinator: str | None = None) -> DebugReport:
    """Generate, build (debug) and run ``g`` on ``board`` node by node; compare every node's
    outputs with the reference interpreter's (see the module docstring). Inputs: case ``case``
    of ``cases_path`` (seeded random values without one); inputs that only set output shapes
    take their value from the cases unless ``bind`` gives it. ``out_dir`` keeps the project
    (its debug image in ``build-debug/``). ``runner="labgrid"``, ``place``, ``coordinator``: on
    the board of a labgrid place (runners/farm.py)."""
    from . import reference
    from .check import check_node
    from .cases import bound_values
    from .emit import check_target, render_project, write_project
    from .fold import bind_inputs, shape_inputs
    from .pipeline import compile_model, model_file
    from .runners import get_runner
    from .toolchain import make, toolchain

    if bind is None and cases_path is not None:
        bind = bound_values(cases_path, g, shape_inputs(g)) or None
    g, bound = bind_inputs(g, bind) if bind else (g, ())
    the_case, source = debug_case(g, cases_path, case, bound)
    with tempfile.TemporaryDirectory(prefix="micro_codegen-debug-") as tmp:
        project = (Path(out_dir) if out_dir is not None else Path(tmp) / "project").absolute()
        check_target(project, force)
        with progress.step("generate"):
            cm = compile_model(g, board=board, bound=bound, memory=memory)
            rendered = render_project(cm, board, toolchain(board.toolchain).cc)
            image = project / BUILD_DIR / Path(rendered.manifest["executable"]).name
            run = get_runner(board, project, image, port, runner=runner, place=place, coordinator=coordinator)
            run.check_programs()
            write_project(rendered, project, force)
        with progress.step("build"):
            make(project, variables={"BUILD": BUILD_DIR, "DEFINES": DEBUG_DEFINES})
        expected: dict[int, np.ndarray] = {}
        reference.run(cm.graph, the_case.inputs, dump=expected, explain=check_node)
        nodes = _run_node_by_node(run, cm.graph, the_case, expected, atol, rtol, progress, timeout)
    return DebugReport(model_file(g), board.name, source, atol, rtol, nodes,
                       Path(out_dir) if out_dir is not None else None)


def _run_node_by_node(run, g: Graph, case: Case, expected: dict, atol: float, rtol: float, progress: Progress,
                      timeout: float) -> list[NodeDiff]:
    """Start the firmware, send the inputs once, then for each node: INVOKE it alone, read its
    outputs and compare them."""
    from .validate.protocol import ProtocolClient
    from .validate.run import runner_diagnostics, set_inputs
    nodes = []
    with runner_diagnostics(run), run as link:
        client = ProtocolClient(link, timeout=timeout)
        hello = client.hello()
        if not hello.debug_tensors:
            raise ValidationError(f"{run.image}: the firmware was not built with -DMC_DEBUG_TENSORS")
        if hello.node_count != len(g.nodes):
            raise ValidationError(f"{run.image}: the firmware has {hello.node_count} nodes, the model {len(g.nodes)}")
        with progress.step("nodes"):
            set_inputs(client, hello, case)
            for i, node in enumerate(g.nodes):
                res = client.invoke(last_node=i, first_node=i)
                if res.status != 0:
                    raise ValidationError(f"node {i} {node.op} '{node.name}': the kernel failed with status "
                                          f"{res.kernel_status}")
                diffs = []
                for ti in node.outputs:
                    ref = expected[ti]
                    t = g.tensors[ti]
                    data = client.get_tensor(ti, ref.nbytes)
                    got = np.frombuffer(data, t.dtype.np.newbyteorder("<")).astype(t.dtype.np).reshape(ref.shape)
                    diffs.append(tensor_diff(g, ti, got, ref, atol, rtol))
                nodes.append(NodeDiff(i, node.name, node.op, tuple(diffs)))
                progress.case(i + 1, len(g.nodes))
    return nodes
