"""Run cases on a built project through its runner and the protocol; compare outputs.

``run_project`` needs only the project folder: the firmware's HELLO says what its
inputs and outputs are, ``manifest.json`` says which model (sha256) and board it was
built for; a firmware built from another model is refused.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..boards import Board, board_for
from ..cases import Case, Comparison, compare, load_cases
from ..compiled import BoundInput
from ..errors import ValidationError
from ..ir import DType, Graph, Tensor
from ..manifest import read_manifest
from ..progress import NO_PROGRESS, Progress
from ..runners import get_runner
from .protocol import TIMEOUT, Hello, InvokeResult, ProtocolClient


def io_graph(hello: Hello) -> Graph:
    """A graph with just the I/O tensors HELLO describes (for ``cases.load_cases``)."""
    tensors = []
    for kind, infos in (("input", hello.inputs), ("output", hello.outputs)):
        for k, info in enumerate(infos):
            try:
                dt = DType(info.dtype)
            except ValueError:
                raise ValidationError(f"firmware reports {kind} {k} with unknown dtype code {info.dtype}") from None
            tensors.append(Tensor(f"{kind}_{k}", dt, tuple(info.dims)))
    n_in = len(hello.inputs)
    return Graph(hello.model, tuple(tensors), (), tuple(range(n_in)), tuple(range(n_in, len(tensors))))


@dataclass
class CaseRun:
    index: int
    outputs: list[np.ndarray]
    invoke: InvokeResult
    comparisons: list[Comparison] | None = None

    @property
    def passed(self) -> bool | None:
        return None if self.comparisons is None else all(c.passed for c in self.comparisons)

    @property
    def max_abs_diff(self) -> float | None:
        return None if self.comparisons is None else max((c.max_abs_diff for c in self.comparisons), default=0.0)


@dataclass
class RunReport:
    board: str
    hello: Hello
    cases: list[CaseRun]
    tick_hz: int = 0
    node_ticks: list[int] = field(default_factory=list)    # of the last case
    node_names: list[str] = field(default_factory=list)
    link: dict = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if c.passed is False)

    @property
    def all_passed(self) -> bool:
        return self.failed == 0

    def to_json(self) -> dict:
        """The ``validate --json`` document."""
        return {
            "board": self.board,
            "cases": [{"index": c.index, "passed": bool(c.passed),
                       "max_abs_diff": None if c.max_abs_diff is None else float(c.max_abs_diff)}
                      for c in self.cases],
            "passed": self.passed,
            "failed": self.failed,
        }


def select_model(manifest: dict, model: str | None, project_dir) -> tuple[dict, int | None]:
    """(the manifest fields of the model to run, its index for SELECT or None for a project of
    one model). A project of several models lists them under ``models``; ``model`` names one."""
    models = manifest.get("models")
    if not models:
        if model is not None and model != manifest.get("name"):
            raise ValidationError(f"{project_dir}: the project has one model, '{manifest.get('name')}'; "
                                  f"got --model {model}")
        return manifest, None
    names = [m["name"] for m in models]
    if model is None:
        raise ValidationError(f"{project_dir} holds {len(models)} models ({', '.join(names)}): choose one with "
                              f"--model NAME")
    if model not in names:
        raise ValidationError(f"{project_dir}: no model '{model}' (its models: {', '.join(names)})")
    k = names.index(model)
    return dict(manifest, **models[k]), k


def _decode(data: bytes, info, dtype: DType) -> np.ndarray:
    return np.frombuffer(data, dtype=dtype.np.newbyteorder("<")).astype(dtype.np).reshape(info.dims)


def set_inputs(client: ProtocolClient, hello: Hello, case: Case, graph: Graph | None = None) -> None:
    """Send the inputs of ``case`` (SET_INPUT), checking each one's size against HELLO's."""
    graph = io_graph(hello) if graph is None else graph
    for k, arr in enumerate(case.inputs):
        info = hello.inputs[k]
        data = np.ascontiguousarray(arr, dtype=graph.tensors[graph.inputs[k]].dtype.np.newbyteorder("<"))
        raw = data.tobytes()
        if len(raw) != info.nbytes:
            raise ValidationError(f"case {case.index}: input {k} has {len(raw)} bytes; the firmware expects "
                                  f"{info.nbytes}")
        client.set_input(k, raw)


@contextlib.contextmanager
def runner_diagnostics(runner):
    """Around a session with ``runner``: a ValidationError gets what the runner saw appended in
    brackets (exit code, fault report, QEMU's stderr), known once the runner has stopped, so
    enter this before the runner itself."""
    try:
        yield
    except ValidationError as e:
        diag = runner.diagnostics()
        if diag and diag not in str(e):
            raise ValidationError(f"{e} [{diag}]", hint=e.hint) from e
        raise


def run_cases(client: ProtocolClient, hello: Hello, cases: Sequence[Case], timing: bool = True,
              node_names: Sequence[str] = (),
              on_case: Callable[[int, int], None] | None = None) -> tuple[list[CaseRun], int, list[int]]:
    graph = io_graph(hello)
    runs = []
    hz, ticks = 0, []
    for case in cases:
        set_inputs(client, hello, case, graph)
        res = client.invoke()
        if res.status != 0:
            node = res.failed_node
            name = f" {node_names[node]!r}" if 0 <= node < len(node_names) else ""
            raise ValidationError(f"case {case.index}: invoke failed at node {node}{name} "
                                  f"(kernel status {res.kernel_status})")
        outs = []
        for k, info in enumerate(hello.outputs):
            dt = graph.tensors[graph.outputs[k]].dtype
            outs.append(_decode(client.get_output(k, info.nbytes), info, dt))
        runs.append(CaseRun(case.index, outs, res))
        if on_case is not None:
            on_case(len(runs), len(cases))
    if timing and hello.timing and runs:
        hz, ticks = client.get_timing(hello.node_count)
    return runs, hz, ticks


def run_project(project_dir: str | Path, cases_path: str | Path, port: str | None = None,
                graph: Graph | None = None, atol: float | None = None, rtol: float | None = None,
                board: Board | None = None, timeout: float = TIMEOUT, progress: Progress = NO_PROGRESS,
                runner: str | None = None, model: str | None = None, place: str | None = None,
                coordinator: str | None = None) -> RunReport:
    """Start the project's firmware, run every case, compare when the file has outputs.

    The runner is ``runner`` or the board's (``runner`` in its board.toml: host, qemu,
    openocd/pyocd + ``port``; ``labgrid``: the board on labgrid place ``place`` of ``coordinator``).
    With ``graph`` (the model) the cases are checked against the model's I/O; otherwise
    against what the firmware announces in HELLO. A failed run raises ValidationError with
    what the runner saw appended in brackets (exit code, fault report, QEMU's stderr).
    ``model``: the model (its name) of a project of several models (SELECT picks it)."""
    project_dir = Path(project_dir)
    manifest = read_manifest(project_dir)
    if manifest.get("executable") is None:
        raise ValidationError(f"{project_dir}: a library-only project (generate --app none) has no firmware to run")
    manifest, index = select_model(manifest, model, project_dir)
    board = board or board_for(manifest["board"], manifest.get("ram_limit_bytes"))
    image = project_dir / manifest["executable"]
    runner = get_runner(board, project_dir, image, port, runner=runner, place=place, coordinator=coordinator)
    runner.check_programs()
    with runner_diagnostics(runner), contextlib.ExitStack() as stack:
        with progress.step("boot"):                 # start (QEMU / flash) + HELLO
            link = stack.enter_context(runner)
            client = ProtocolClient(link, timeout=timeout)
            hello = client.hello() if index is None else client.select(index)
        if not manifest["model_sha256"].startswith(hello.sha256_prefix):
            raise ValidationError(f"{image}: firmware was built from a model with sha256 "
                                  f"{hello.sha256_prefix}…, the project is for {manifest['model_sha256'][:16]}…; "
                                  f"rebuild it (`micro-codegen build {project_dir}`)")
        bound = [BoundInput(b["position"], b["name"], np.asarray(b["values"]))
                 for b in manifest.get("bound_inputs", [])]
        cases = load_cases(cases_path, graph if graph is not None else io_graph(hello), bound=bound)
        names = [f"{n.get('op', '')} {n.get('name', '')}".strip() for n in manifest.get("node_list", [])]
        with progress.step("cases"):
            runs, hz, ticks = run_cases(client, hello, cases, node_names=names, on_case=progress.case)
    for run, case in zip(runs, cases):
        if case.expected is not None:
            kw = {}
            if atol is not None:
                kw["atol"] = atol
            if rtol is not None:
                kw["rtol"] = rtol
            run.comparisons = [compare(o, e, **kw) for o, e in zip(run.outputs, case.expected)]
    names = [n.get("name", "") for n in manifest.get("node_list", [])]
    stats = client.stats
    return RunReport(board.name, hello, runs, hz, ticks, names,
                     {"requests": stats.requests, "retries": stats.retries, "skipped_bytes": stats.skipped_bytes})
