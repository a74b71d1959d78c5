"""Command-line interface (click). Thin: parses arguments, calls ``api``, prints.

A :class:`CodegenError` becomes one line on stderr and exit code 1; ``--debug``
(or ``MICRO_CODEGEN_DEBUG=1``) shows the traceback instead.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
import threading
import time

import click

from . import __version__, api
from .errors import CodegenError


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CodegenError as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            msg = f"error: {e}"
            if e.hint:
                msg += f" (hint: {e.hint})"
            click.echo(msg, err=True)
            ctx.exit(1)


def _model_arg():
    return click.argument("model", type=click.Path(dir_okay=False))


def _models_arg():
    return click.argument("models", nargs=-1, required=True, type=click.Path(dir_okay=False))


def _separate_arenas_opt():
    return click.option("--separate-arenas", "separate_arenas", is_flag=True,
                        help="Several models: give each its own arena (RAM = the sum) so they may run overlapped; "
                             "by default they share one arena sized for the largest and run one at a time.")


def _parse_bind(ctx, param, items) -> dict | None:
    """``--bind NAME=V1,V2,...`` (repeatable) -> {name: values}."""
    out = {}
    for item in items or ():
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{item}': expected NAME=V1,V2,...", ctx=ctx, param=param)
        try:
            vals = [float(v) if any(c in v for c in ".eEn") else int(v) for v in text.split(",") if v.strip()]
        except ValueError:
            raise click.BadParameter(f"'{item}': values must be numbers separated by commas", ctx=ctx,
                                     param=param) from None
        out[name] = vals
    return out or None


def _bind_opt():
    return click.option("--bind", "bind", multiple=True, callback=_parse_bind, metavar="NAME=V1,V2,...",
                        help="Give a model input its value at generation time (repeatable). Inputs that only "
                             "set output shapes (slice bounds, paddings, multiples, k, target shapes) need it.")


def _memory_opts(f):
    """``--patch auto|off|K|K:N``, ``--patch-overhead FLOAT`` (patch-based inference) and
    ``--whole-tensors``, passed to the command as one ``memory`` dict of api keyword arguments."""

    @functools.wraps(f)
    def command(*args, patch, patch_overhead, whole_tensors, **kwargs):
        return f(*args, memory=dict(patch=patch, patch_overhead=patch_overhead, share=not whole_tensors), **kwargs)

    command = click.option("--whole-tensors", "whole_tensors", is_flag=True,
                           help="Every tensor keeps its own memory: no in-place ops, no zero-copy "
                                "Concat/Split/slice (a bigger arena; for debugging and comparison).")(command)
    command = click.option("--patch-overhead", "patch_overhead", type=float, default=1.3, show_default=True,
                           help="With --patch auto or K: the most instructions a patch may cost, as a multiple "
                                "of the unpatched model's (estimated).")(command)
    return click.option("--patch", "patch", default="off", show_default=True, metavar="auto|off|K|K:N",
                        help="Patch-based inference: run the first K nodes on N horizontal strips of their "
                             "output (halo rows recomputed) so only one strip's intermediate tensors are live. "
                             "auto: the search picks K and N for the smallest arena within --patch-overhead.")(command)


def _patch_search(memory: dict):
    """Around a command's compile step: ``[patch search] …`` on stderr (a terminal) when a
    patch search runs long (seconds for MobileNet-sized models)."""
    if memory["patch"] in (None, "off", "0") or not sys.stderr.isatty():
        return contextlib.nullcontext()
    return _StderrProgress().step("patch search")


def _patch_line(patch, spec) -> str:
    """``patch: first 4 nodes in 16 strips (cut tensor conv3)`` (or why there is none)."""
    if patch is not None:
        return f"patch: {patch.describe()}"
    return "patch: none (no patch makes the arena smaller)" if spec not in (None, "off") else "patch: off"


def _parse_input_shapes(ctx, param, items) -> dict | None:
    """``--input-shape NAME:D1,D2,...`` (repeatable) -> {name: dims}."""
    out = {}
    for item in items or ():
        name, sep, text = item.rpartition(":")
        try:
            dims = tuple(int(d) for d in text.split(","))
        except ValueError:
            dims = ()
        if not sep or not name or not dims or min(dims) < 1:
            raise click.BadParameter(f"'{item}': expected NAME:D1,D2,... with positive dimensions",
                                     ctx=ctx, param=param)
        out[name] = dims
    return out or None


def _import_opts(f):
    """``--input-layout`` and ``--input-shape`` (how an .onnx MODEL is imported): the command
    runs inside ``importers.import_options``."""

    @functools.wraps(f)
    def command(*args, input_layout, input_shapes, **kwargs):
        with api.import_options(api.ImportOptions(input_layout, input_shapes)):
            return f(*args, **kwargs)

    command = click.option("--input-shape", "input_shapes", multiple=True, callback=_parse_input_shapes,
                           metavar="NAME:D1,D2,...",
                           help="ONNX models: the static shape of an input whose shape is dynamic "
                                "(repeatable).")(command)
    return click.option("--input-layout", "input_layout", type=click.Choice(["nchw", "nhwc"]), default="nchw",
                        show_default=True,
                        help="ONNX models: nchw keeps 4-D inputs and outputs in their ONNX shape (the body "
                             "runs NHWC, Transposes at the edges); nhwc makes them NHWC.")(command)


def _board_opt(default=None):
    return click.option("--board", "board", default=default, show_default=default is not None,
                        help="Board name (boards/<name>/board.toml) or path to a board.toml.")


def _parse_ram_limit(ctx, param, value):
    """``--ram-limit 256K`` / ``1M`` / ``262144`` -> bytes (None when absent)."""
    if value is None:
        return None
    from .errors import BoardConfigError
    try:
        return api.parse_size(value)
    except BoardConfigError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from None


def _ram_limit_opt():
    return click.option("--ram-limit", "ram_limit", default=None, callback=_parse_ram_limit, metavar="SIZE",
                        help="Use only SIZE bytes of the board's RAM (256K, 1M, 262144): the fit check and the "
                             "generated linker script shrink the RAM region to it, so QEMU runs the firmware in "
                             "that much RAM (e.g. a smaller chip of the same core).")


def _json_out(doc) -> None:
    click.echo(json.dumps(doc, indent=2, sort_keys=False))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, default=bool(os.environ.get("MICRO_CODEGEN_DEBUG")),
              help="Show tracebacks instead of one-line errors.")
@click.version_option(__version__, prog_name="micro-codegen")
@click.pass_context
def main(ctx, debug):
    """Turn a MindSpore Lite .ms model into a standalone C project for a microcontroller,
    build it, run it on the host, in QEMU or on a board, and validate its outputs.

    Every MODEL may also be a .tflite or .onnx file (recognised by content): it is imported
    into the same graph the official converter writes; `convert` saves that as a .ms."""
    ctx.ensure_object(dict)["debug"] = debug
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum, frame):
    """SIGTERM unwinds like Ctrl-C: temporary folders are removed, QEMU and other children stopped."""
    raise SystemExit(128 + signum)


# ---------------------------------------------------------------- convert

@main.command()
@_model_arg()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .ms file to write.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_import_opts
def convert(model, output, as_json):
    """Convert MODEL (.tflite or .onnx) to a MindSpore Lite .ms file.

    The import runs in Python (no MindSpore converter needed) and gives the graph the official
    converter writes: fused activations, NHWC layout (ONNX models keep NCHW inputs and outputs,
    with transposes only at the edges), int8 from TFLite quantization or ONNX QuantizeLinear/
    DequantizeLinear pairs. An unsupported operator or attribute is refused, naming the node;
    nothing is written then. Every other command also takes .tflite/.onnx directly."""
    if os.path.exists(output) and os.path.samefile(model, output):
        raise click.BadParameter(f"'{output}' is the input model; choose another output file",
                                 param_hint="'-o'")
    doc = api.convert(model, output)
    if as_json:
        _json_out(doc)
        return
    counts = ", ".join(f"{k}×{v}" for k, v in doc["op_counts"].items())
    click.echo(f"wrote {output} ({doc['bytes']:,} B) from {doc['format']} model {model}: "
               f"{doc['nodes']} nodes ({counts}); weights {doc['weight_bytes']:,} B")
    if doc["problems"]:
        click.echo(f"note: {len(doc['problems'])} node(s) are not supported by code generation "
                   f"(see `micro-codegen check {output}`)")


# ---------------------------------------------------------------- inspect / check

def _fmt_shape(shape) -> str:
    return "x".join(map(str, shape)) or "scalar"


@main.command()
@_model_arg()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_import_opts
def inspect(model, as_json):
    """Summarise MODEL: inputs, outputs, nodes in order, weight bytes."""
    g = api.load(model)
    doc = api.inspect_graph(g)
    if as_json:
        _json_out(doc)
        return
    origin = g.version if g.source_format == "ms" else f"{g.source_format} import as {g.version} IR"
    click.echo(f"{model}  ({origin}, sha256 {g.sha256[:12]}…)")
    for kind in ("inputs", "outputs"):
        for t in doc[kind]:
            q = t.get("quant")
            qs = f"  q=({q['scale']:.6g}, {q['zero_point']})" if q and "scale" in q else ""
            click.echo(f"  {kind[:-1]:6} {t['name']}: {t['dtype']} {_fmt_shape(t['shape'])}{qs}")
    rows = [("#", "name", "op", "dtype", "output shapes", "weight B")]
    for n in doc["nodes"]:
        rows.append((str(n["index"]), n["name"], n["op"], n["dtype"],
                     ", ".join(_fmt_shape(o["shape"]) for o in n["outputs"]), f"{n['weight_bytes']:,}"))
    widths = [min(max(len(r[c]) for r in rows), 40) for c in range(len(rows[0]))]
    for r in rows:
        cells = [(v if len(v) <= 40 else v[:39] + "…").ljust(w) for v, w in zip(r, widths)]
        cells[-1] = r[-1].rjust(widths[-1])
        click.echo("  " + "  ".join(cells).rstrip())
    counts = ", ".join(f"{k}×{v}" for k, v in doc["op_counts"].items())
    click.echo(f"{len(doc['nodes'])} nodes ({counts}); weights {doc['weight_bytes']:,} B")


@main.command()
@_models_arg()
@click.option("--board", default=None, help="Also check that the model fits this board (see `boards`).")
@_ram_limit_opt()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_separate_arenas_opt()
@_bind_opt()
@_memory_opts
@_import_opts
def check(models, board, ram_limit, as_json, separate_arenas, bind, memory):
    """Check that every node of MODEL(S) is supported; exit 1 if any is not.

    With --board, also check that the generated project fits the board's RAM (arena + stack +
    heap + firmware data; --ram-limit shrinks it) and flash (code + weights); a misfit is a
    graph-level problem. --ram-limit without --board checks the arena alone. Several models:
    each is checked, then the project of all of them (as `generate A.ms B.ms` makes it:
    shared arena = the largest, --separate-arenas = the sum; weights and code add up)."""
    if len(models) > 1:
        _check_project(models, board, ram_limit, as_json, separate_arenas, bind, memory)
        return
    model = models[0]
    g = api.bind_graph(api.load(model), bind)
    problems = api.check(g)
    with _patch_search(memory):
        fit = api.fit(g, board, ram_limit, **memory) if board else None
    fit_problems = fit.problems if fit else []
    if ram_limit is not None and not board and not problems:
        fit_problems = api.arena_limit_problems(g, api.patched_memory_plan(g, **memory)[0].arena_size,
                                                ram_limit)
    folded = api.folded_nodes(g)
    if as_json:
        _json_out({"supported": not problems and not fit_problems,
                   "problems": [p.to_json() for p in problems + fit_problems],
                   "folded": [{"index": i, "name": g.nodes[i].name, "op": g.nodes[i].op} for i in folded]})
    else:
        for p in problems + fit_problems:
            click.echo(f"{model}: {p}", err=True)
        if problems:
            nodes = sum(p.index >= 0 for p in problems)
            graph = len(problems) - nodes
            click.echo(", ".join(([f"{nodes} unsupported node(s)"] if nodes else [])
                                 + ([f"{graph} graph-level problem(s)"] if graph else [])), err=True)
        if not problems:
            note = f" ({len(folded)} computed at generation time: constant folding)" if folded else ""
            click.echo(f"{model}: all {len(g.nodes)} nodes supported{note}")
        if fit is not None and fit.needs is not None and not fit_problems:
            click.echo(fit.summary())
    if problems or fit_problems:
        sys.exit(1)


def _check_project(models, board, ram_limit, as_json, separate_arenas, bind, memory):
    """``check A.ms B.ms [--board B]``: every model's support, then the combined fit."""
    if bind:
        raise click.UsageError("--bind applies to one model")
    graphs = [api.load(m) for m in models]
    problems = {m: api.check(g) for m, g in zip(models, graphs)}
    fit = None
    if board and not any(problems.values()):
        with _patch_search(memory):
            fit = api.fit_project(graphs, board, ram_limit, separate_arenas, **memory)
    fit_problems = fit.combined.problems if fit else []
    if as_json:
        doc = {"supported": not any(problems.values()) and not fit_problems,
               "models": [{"model": m, "problems": [p.to_json() for p in problems[m]]} for m in models],
               "problems": [p.to_json() for m in models for p in problems[m]] + [p.to_json() for p in fit_problems]}
        if fit is not None:
            c = fit.combined.needs
            doc["combined"] = {"arena_policy": "separate" if separate_arenas else "shared", "arena_bytes": c.arena,
                               "weights_bytes": c.weights, "code_bytes_estimate": c.code,
                               "firmware_ram_bytes_estimate": c.firmware_ram, "fits": not fit_problems,
                               "per_model": [{"model": n.label, "arena_bytes": n.arena, "weights_bytes": n.weights}
                                             for n in fit.models]}
        _json_out(doc)
    else:
        for m, g in zip(models, graphs):
            for p in problems[m]:
                click.echo(f"{m}: {p}", err=True)
            if not problems[m]:
                click.echo(f"{m}: all {len(g.nodes)} nodes supported")
        if fit is not None:
            lines = fit.lines()
            for line in lines[:-1]:
                click.echo(line)
            for p in fit_problems:
                click.echo(f"{' + '.join(models)}: {p}", err=True)
            if not fit_problems:
                click.echo(lines[-1])
    if any(problems.values()) or fit_problems:
        sys.exit(1)


# ---------------------------------------------------------------- infer

def _mismatch_table(comp) -> str:
    rows = [f"      {'index':>8}  {'expected':>14}  {'got':>14}"]
    rows += [f"      {i:>8}  {e:>14.8g}  {g:>14.8g}" for i, e, g in comp.worst]
    return "\n".join(rows)


def _echo_case(index: int, passed, max_abs_diff, comparisons, ran_text: str) -> None:
    """One line per case (``pass``/``FAIL``/``ran``), plus a mismatch table per failing output."""
    if passed is None:
        click.echo(f"case {index}: ran ({ran_text})")
        return
    click.echo(f"case {index}: {'pass' if passed else 'FAIL'} (max |diff| {max_abs_diff:.3g})")
    for k, comp in enumerate(comparisons or ()):
        if not comp.passed:
            click.echo(f"    output {k}: {comp.mismatches} element(s) differ")
            click.echo(_mismatch_table(comp))


@main.command()
@_model_arg()
@click.option("--cases", "cases_path", required=True, type=click.Path(dir_okay=False),
              help="CASES.npz with input_k (and output_k to compare with).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the outputs to this .npz.")
@click.option("--dump-tensors", type=click.Path(file_okay=False),
              help="Write every tensor of every case to DIR/case_<k>.npz (keys t<index>) + DIR/tensors.json.")
@click.option("--atol", type=float, default=None, help="Absolute tolerance for float outputs (default 1e-5).")
@click.option("--rtol", type=float, default=None, help="Relative tolerance for float outputs (default 1e-5).")
@_import_opts
def infer(model, cases_path, output, dump_tensors, atol, rtol):
    """Run MODEL on every case with the numpy reference interpreter.

    Compares with output_k when present (int8 exact; float within atol + rtol*|expected|;
    hybrid int8-weight/float models default to atol 1e-3) and exits 1 on any failure."""
    g = api.load(model)
    results = api.infer(g, cases_path, atol, rtol, dump_tensors)
    if output:
        api.save_outputs(output, results)
    compared = [r for r in results if r.passed is not None]
    for r in results:
        _echo_case(r.index, r.passed, r.max_abs_diff, r.comparisons, "no expected output")
    if compared:
        failed = sum(1 for r in compared if not r.passed)
        click.echo(f"{len(compared) - failed} passed, {failed} failed")
        if failed:
            sys.exit(1)


# ---------------------------------------------------------------- plan

@main.command()
@_models_arg()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable plan.")
@click.option("--text", "as_text", is_flag=True, help="Table of every buffer (name, size, offset, steps).")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False), help="Write a timeline picture (SVG).")
@_board_opt()
@_ram_limit_opt()
@_separate_arenas_opt()
@_bind_opt()
@_memory_opts
@_import_opts
def plan(models, as_json, as_text, svg_path, board, ram_limit, separate_arenas, bind, memory):
    """Static memory plan of MODEL's arena: tensors and scratch, planned jointly.

    Prints `arena N B (lower bound L B, +x%)`; the lower bound is the largest sum of
    bytes live at one step. Constant tensors stay in flash and are not in the arena.
    With --patch, also the patch applied (`patch: first K nodes in N strips (cut tensor C)`).
    With --board (and/or --ram-limit) also checks that the model fits (as `check --board`);
    a misfit is one line on stderr and exit code 1.

    Several models: each model's plan, then the project's arena (one shared arena = the
    largest; --separate-arenas = the sum) and, with --board, the combined fit."""
    from pathlib import Path

    if len(models) > 1:
        _plan_project(models, as_json, as_text, svg_path, board, ram_limit, separate_arenas, bind, memory)
        return
    model = models[0]
    g = api.bind_graph(api.load(model), bind)
    with _patch_search(memory):
        mp, chosen = api.patched_memory_plan(g, **memory)
    if svg_path:
        Path(svg_path).write_text(api.plan_svg(mp, title=Path(model).name, patch=chosen))
    # the fit of the patch just chosen (no second search)
    fixed = dict(memory, patch=f"{chosen.nodes}:{chosen.strips}" if chosen is not None else "off")
    fit = api.fit(g, board, ram_limit, **fixed) if board else None
    if fit is not None:
        problems = fit.problems
    else:
        problems = api.arena_limit_problems(g, mp.arena_size, ram_limit) if ram_limit is not None else []
    if as_json:
        doc = api.plan_json(g, mp, chosen)
        if board or ram_limit is not None:
            doc["fits"] = not problems
            doc["fit_problems"] = [p.reason for p in problems]
        _json_out(doc)
    else:
        lines = api.plan_text(mp).splitlines()
        patched = memory["patch"] != "off"
        if patched:
            lines.insert(1, _patch_line(chosen, memory["patch"]))
        click.echo("\n".join(lines if as_text else lines[:1 + patched]))
        if svg_path:
            click.echo(f"timeline written to {svg_path}")
        if fit is not None and not problems:
            click.echo(fit.summary())
    for p in problems:
        click.echo(f"error: {p.reason}", err=True)
    if problems:
        sys.exit(1)


def _plan_project(models, as_json, as_text, svg_path, board, ram_limit, separate_arenas, bind, memory):
    """``plan A.ms B.ms``: each model's plan line (or table), then the combined arena and fit."""
    if bind or svg_path:
        raise click.UsageError(f"{'--bind' if bind else '--svg'} applies to one model")
    graphs = [api.load(m) for m in models]
    with _patch_search(memory):
        plans = api.project_memory_plans(graphs, **memory)
    sizes = [mp.arena_size for mp, _ in plans]
    arena = sum(sizes) if separate_arenas else max(sizes)
    how = "separate arenas: the sum" if separate_arenas else "one shared arena: the largest"
    fit = api.fit_project(graphs, board, ram_limit, separate_arenas, **memory) if board else None
    if fit is not None:
        problems = fit.combined.problems
    elif ram_limit is not None and arena > api.parse_size(ram_limit):
        problems = [api.Problem("", "", f"{' + '.join(models)}: arena {arena:,} B does not fit the RAM limit "
                                        f"{api.parse_size(ram_limit):,} B")]
    else:
        problems = []
    if as_json:
        doc = {"models": [dict(api.plan_json(g, mp, chosen), model=m)
                          for m, g, (mp, chosen) in zip(models, graphs, plans)],
               "arena_policy": "separate" if separate_arenas else "shared", "arena_bytes": arena}
        if board or ram_limit is not None:
            doc["fits"] = not problems
            doc["fit_problems"] = [p.reason for p in problems]
        _json_out(doc)
    else:
        for m, (mp, chosen) in zip(models, plans):
            lines = api.plan_text(mp).splitlines()
            if memory["patch"] != "off":
                lines.insert(1, _patch_line(chosen, memory["patch"]))
            click.echo(f"{m}: " + "\n".join(lines if as_text else lines[:1 + (memory["patch"] != "off")]))
        click.echo(f"project of {len(models)} models: arena {arena:,} B ({how}: "
                   f"{' / '.join(f'{n:,}' for n in sizes)} B)")
        if fit is not None and not problems:
            for line in fit.lines()[:-1]:
                click.echo(line)
            click.echo(fit.lines()[-1])
    for p in problems:
        click.echo(f"error: {p.reason}", err=True)
    if problems:
        sys.exit(1)


# ---------------------------------------------------------------- generate / build / run / validate

@main.command()
@_models_arg()
@_board_opt(api.DEFAULT_BOARD)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Project folder to write (must be empty or absent unless --force).")
@click.option("--name", "names", multiple=True,
              help="Symbol prefix of the generated C (default: the model file's stem); once per model, in order.")
@click.option("--force", is_flag=True, help="Replace a non-empty output folder holding a generated project.")
@_separate_arenas_opt()
@click.option("--app", "app", type=click.Choice(["validate", "none"]), default="validate", show_default=True,
              help="validate: the validation firmware for the board (build/run/validate); none: the model "
                   "library only, with micro_codegen.mk and CMakeLists.txt for your application's build.")
@_ram_limit_opt()
@_bind_opt()
@_memory_opts
@_import_opts
def generate(models, board, out_dir, names, force, separate_arenas, app, ram_limit, bind, memory):
    """Write the standalone C project of MODEL(S) for a board into DIR.

    Several models make one project with one API per model (<name>_init, <name>_invoke, ...);
    they share one arena sized for the largest (run them one at a time) unless
    --separate-arenas. The validation firmware serves every model (the host selects one)."""
    model = models[0] if len(models) == 1 else list(models)
    name = (names[0] if names else None) if len(models) == 1 and len(names) <= 1 else list(names)
    with _patch_search(memory):
        r = api.generate(model, board, out_dir, name=name, force=force, bind=bind, ram_limit=ram_limit,
                         separate_arenas=separate_arenas, app=app, **memory)
    what = "library" if app == "none" else f"board {r.board}"
    if len(r.models) <= 1:
        m = r.model
        click.echo(f"{r.out_dir}: {len(r.files)} files for {what}; {len(m.nodes)} nodes, "
                   f"arena {m.arena_size:,} B (lower bound {m.lower_bound:,} B), weights {m.weights_bytes:,} B in flash")
        return
    for m in r.models:
        click.echo(f"  {m.prefix}: {len(m.nodes)} nodes, arena {m.arena_size:,} B (lower bound {m.lower_bound:,} B), "
                   f"weights {m.weights_bytes:,} B")
    policy = "separate arenas (sum)" if r.separate_arenas else "one shared arena (the largest)"
    click.echo(f"{r.out_dir}: {len(r.files)} files for {what}; {len(r.models)} models, {policy} "
               f"{r.arena_bytes:,} B, weights {sum(m.weights_bytes for m in r.models):,} B in flash")


@main.command()
@click.argument("project_dir", type=click.Path(file_okay=False, exists=True))
@click.option("-j", "--jobs", type=int, default=None, help="Parallel compile jobs (default: CPU count).")
def build(project_dir, jobs):
    """Build a generated project with its board's toolchain; print the size summary."""
    r = api.build(project_dir, jobs=jobs)
    click.echo(f"{r.image}")
    click.echo(r.sizes.line())
    fit = r.fit_line()
    if fit:
        click.echo(fit)


class _StderrProgress(api.Progress):
    """Lines on stderr for steps that take longer than ``after`` seconds: ``[build] …`` when the
    step passes ``after``, ``[build] 3.1 s`` when it ends, ``[cases] 3/10 (2.4 s)`` about once a
    second while the cases run. Never on stdout (``--json`` stays clean)."""

    def __init__(self, after: float = 2.0, every: float = 1.0):
        self.after = after
        self.every = every
        self._lock = threading.Lock()
        self._cases_t0 = self._last = time.monotonic()

    def _say(self, text: str) -> None:
        click.echo(text, err=True)

    @contextlib.contextmanager
    def step(self, name: str):
        t0 = time.monotonic()
        if name == "cases":
            self._cases_t0 = self._last = t0
        state = {"done": False}

        def running():
            with self._lock:
                if not state["done"]:
                    self._say(f"[{name}] …")

        timer = threading.Timer(self.after, running)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            with self._lock:
                state["done"] = True
            timer.cancel()
            dt = time.monotonic() - t0
            if dt >= self.after:
                self._say(f"[{name}] {dt:.1f} s")

    def case(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._cases_t0 >= self.after and (now - self._last >= self.every or done == total):
            self._last = now
            with self._lock:
                self._say(f"[cases] {done}/{total} ({now - self._cases_t0:.1f} s)")


def _progress(flag: bool | None):
    """--progress / --no-progress; by default only when stderr is a terminal."""
    if flag is None:
        flag = sys.stderr.isatty()
    return _StderrProgress() if flag else None


def _runner_opt():
    return click.option("--runner", type=click.Choice(api.RUNNER_NAMES + (api.FARM_RUNNER,)), default=None,
                        help="Runner (default: the board's; real boards: openocd or pyocd flashes, then --port; "
                             "labgrid: the board on a labgrid place, with --place).")


def _farm_opts(f):
    """``--place NAME`` and ``--coordinator HOST:PORT`` of ``--runner labgrid``."""
    f = click.option("--coordinator", default=None, metavar="HOST:PORT",
                     help="With --runner labgrid: the labgrid coordinator (default: $LG_COORDINATOR, "
                          "else 127.0.0.1:20408).")(f)
    return click.option("--place", default=None, metavar="NAME",
                        help="With --runner labgrid: the labgrid place to acquire (released afterwards).")(f)


def _progress_opt():
    return click.option("--progress/--no-progress", "progress", default=None,
                        help="Report steps slower than 2 s on stderr (default: when stderr is a terminal).")


def _print_cases(report, show_timing: bool = True) -> None:
    for c in report.cases:
        outs = ", ".join(f"{o.dtype} {_fmt_shape(o.shape)}" for o in c.outputs)
        _echo_case(c.index, c.passed, c.max_abs_diff, c.comparisons, outs)
    if show_timing and report.tick_hz and report.node_ticks:
        total = sum(report.node_ticks) / report.tick_hz * 1e3
        worst = max(range(len(report.node_ticks)), key=lambda i: report.node_ticks[i])
        name = report.node_names[worst] if worst < len(report.node_names) else ""
        click.echo(f"invoke {total:.3f} ms on {report.board} ({len(report.node_ticks)} nodes; slowest: node {worst} "
                   f"{name!r} {report.node_ticks[worst] / report.tick_hz * 1e3:.3f} ms)")


def _port_opt():
    return click.option("--port", default=None,
                        help="Serial port of a real board (/dev/ttyACM0, COM3) or a pyserial URL (socket://host:port, "
                             "rfc2217://...); the board is flashed first.")


@main.command()
@click.argument("project_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--cases", "cases_path", required=True, type=click.Path(dir_okay=False),
              help="CASES.npz with input_k (and output_k to compare with).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the outputs to this .npz (output_k).")
@_port_opt()
@click.option("--atol", type=float, default=None, help="Absolute tolerance for float outputs (default 1e-5).")
@click.option("--rtol", type=float, default=None, help="Relative tolerance for float outputs (default 1e-5).")
@_runner_opt()
@_farm_opts
@_progress_opt()
@click.option("--model", "model", default=None,
              help="A project of several models: the one to run (its name, as in `generate --name`).")
def run(project_dir, cases_path, output, port, atol, rtol, runner, place, coordinator, progress, model):
    """Run a built project on its board, feeding every case over the protocol.

    The board's runner starts it: a host process, QEMU, or (real boards, with --port) the
    board's flash tool followed by its serial port; --runner labgrid --place NAME: the board
    of a labgrid place (acquired, flashed, released)."""
    report = api.run(project_dir, cases_path, output, port=port, atol=atol, rtol=rtol, progress=_progress(progress),
                     runner=runner, model=model, place=place, coordinator=coordinator)
    _print_cases(report)
    compared = [c for c in report.cases if c.passed is not None]
    if output:
        click.echo(f"outputs written to {output}")
    if compared:
        click.echo(f"{report.passed} passed, {report.failed} failed")
        if report.failed:
            sys.exit(1)


@main.command()
@_models_arg()
@_board_opt(api.DEFAULT_BOARD)
@click.option("--cases", "cases_path", default=None, type=click.Path(dir_okay=False),
              help="CASES.npz (default: MODEL.npz beside the model).")
@click.option("-o", "--output", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Keep the generated project in this folder (default: a temporary folder).")
@click.option("--force", is_flag=True, help="Replace a non-empty -o folder holding a generated project.")
@_port_opt()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--atol", type=float, default=None, help="Absolute tolerance for float outputs (default 1e-5).")
@click.option("--rtol", type=float, default=None, help="Relative tolerance for float outputs (default 1e-5).")
@_runner_opt()
@_farm_opts
@_progress_opt()
@_ram_limit_opt()
@_separate_arenas_opt()
@_bind_opt()
@_memory_opts
@_import_opts
def validate(models, board, cases_path, out_dir, force, port, as_json, atol, rtol, runner, place, coordinator,
             progress, ram_limit, separate_arenas, bind, memory):
    """Generate, build and run MODEL on a board and compare its outputs with the cases.

    int8 outputs must match exactly, float outputs within atol + rtol*|expected|.
    Exit code 0 iff every case passes. The default board is simulated in QEMU; a real
    board (e.g. --board nrf52840dk) is flashed and then talked to over --port. Inputs that
    only set output shapes take their value from the cases (the same in every case) unless
    --bind gives it.

    Several models: one firmware holding them all (as `generate A.ms B.ms`), each model run on
    the cases beside it (MODEL.npz); exit 0 iff every case of every model passes.

    --runner labgrid --place NAME [--coordinator HOST:PORT]: the board of a labgrid place
    (acquired, flashed through its debug probe or, QEMU boards, booted; always released)."""
    farm = dict(place=place, coordinator=coordinator)
    if len(models) > 1:
        _validate_project(models, board, cases_path, out_dir, force, port, as_json, atol, rtol, runner, progress,
                          ram_limit, separate_arenas, bind, memory, farm)
        return
    model = models[0]
    r = api.validate(model, board, cases_path, out_dir=out_dir, force=force, atol=atol, rtol=rtol, port=port,
                     progress=_progress(progress), runner=runner, bind=bind, ram_limit=ram_limit, **memory, **farm)
    report = r.report
    if as_json:
        _json_out(report.to_json())
    else:
        click.echo(f"{model} on {report.board}: arena {r.arena_bytes:,} B; {r.build.sizes.line()}")
        _print_cases(report)
        click.echo(f"{report.passed} passed, {report.failed} failed")
    if report.failed or report.passed == 0:
        sys.exit(1)


def _validate_project(models, board, cases_path, out_dir, force, port, as_json, atol, rtol, runner, progress,
                      ram_limit, separate_arenas, bind, memory, farm):
    if bind or cases_path:
        raise click.UsageError(f"{'--bind' if bind else '--cases'} applies to one model (several models: each "
                               f"runs the cases beside it, MODEL.npz)")
    results = api.validate_project(list(models), board, out_dir=out_dir, force=force, separate_arenas=separate_arenas,
                                   atol=atol, rtol=rtol, port=port, progress=_progress(progress), runner=runner,
                                   ram_limit=ram_limit, **memory, **farm)
    if as_json:
        _json_out({"models": [dict(r.report.to_json(), model=m) for m, r in zip(models, results)]})
    else:
        click.echo(f"{' + '.join(models)} on {results[0].report.board}: {results[0].build.sizes.line()}")
        for m, r in zip(models, results):
            click.echo(f"{m} ({r.report.hello.model}): arena {r.arena_bytes:,} B")
            _print_cases(r.report)
            click.echo(f"{r.report.passed} passed, {r.report.failed} failed")
    if any(r.report.failed or r.report.passed == 0 for r in results):
        sys.exit(1)


@main.command()
@_model_arg()
@_board_opt(api.DEFAULT_BOARD)
@click.option("--cases", "cases_path", default=None, type=click.Path(dir_okay=False),
              help="Take the inputs from case 0 of CASES.npz (default: MODEL.npz if it exists, else seeded "
                   "random inputs).")
@_port_opt()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@_progress_opt()
@_bind_opt()
@_memory_opts
@_import_opts
def bench(model, board, cases_path, port, as_json, progress, bind, memory):
    """Cost of one inference of MODEL on a board, per node.

    QEMU boards: exact guest instruction counts (deterministic: the same build gives the same
    numbers), measured by a QEMU plugin between markers around every node; interrupt handlers
    are not counted. Real boards with a cycle counter: cycles (--port). Also prints
    instructions per multiply-accumulate, per node and per node kind (conv, depthwise, 1x1,
    fc, other), and the image's sections."""
    r = api.bench(model, board, cases_path=cases_path, port=port, progress=_progress(progress), bind=bind,
                  **memory)
    if as_json:
        _json_out(r.to_json())
        return
    for line in r.table():
        click.echo(line)


@main.command()
@_model_arg()
@_board_opt(api.DEFAULT_BOARD)
@click.option("--case", "case", type=int, default=0, show_default=True, help="The case of CASES.npz to run.")
@click.option("--cases", "cases_path", default=None, type=click.Path(dir_okay=False),
              help="CASES.npz (default: MODEL.npz beside the model; without one, seeded random inputs).")
@click.option("-o", "--output", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Keep the generated project in this folder (debug image in build-debug/).")
@click.option("--force", is_flag=True, help="Replace a non-empty -o folder holding a generated project.")
@_port_opt()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--atol", type=float, default=None, help="Absolute tolerance for float tensors (default 1e-5).")
@click.option("--rtol", type=float, default=None, help="Relative tolerance for float tensors (default 1e-5).")
@_runner_opt()
@_farm_opts
@_progress_opt()
@_bind_opt()
@_memory_opts
@_import_opts
def debug(model, board, case, cases_path, out_dir, force, port, as_json, atol, rtol, runner, place, coordinator,
          progress, bind, memory):
    """Run MODEL on a board node by node and compare every tensor with the reference.

    The project is generated as `generate` makes it and built with debug tensor access; the
    firmware runs one node at a time and the host reads each node's outputs right after it
    ran (so in-place and zero-copy memory still holds them) and compares them with the
    reference interpreter's: integers exactly, floats within atol + rtol*|ref|. Prints a row
    per node and the first diverging node with its largest difference (element and both
    values); exit 1 if any node diverges."""
    r = api.debug(model, board, case=case, cases_path=cases_path, atol=atol, rtol=rtol, port=port, runner=runner,
                  out_dir=out_dir, force=force, bind=bind, progress=_progress(progress), place=place,
                  coordinator=coordinator, **memory)
    if as_json:
        _json_out(r.to_json())
    else:
        for line in r.lines():
            click.echo(line)
    if not r.passed:
        sys.exit(1)


# ---------------------------------------------------------------- boards / flash

def _bytes(n: int | None) -> str:
    if n is None:
        return "-"
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} B"


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
def boards(as_json):
    """List the boards (boards/<name>/board.toml) with core, RAM, flash and runner(s)."""
    bs = api.boards()
    if as_json:
        _json_out([b.to_json() for b in bs])
        return
    rows = [("board", "core", "RAM", "flash", "runner(s)", "QEMU machine")]
    for b in bs:
        ram, flash = b.region("ram"), b.region("flash")
        rows.append((b.name + (" *" if b.name == api.DEFAULT_BOARD else ""), b.core, _bytes(ram.length if ram else None),
                     _bytes(flash.length if flash else None), ", ".join(b.all_runners), b.qemu_machine or "-"))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        cells = [v.rjust(w) if c in (2, 3) else v.ljust(w) for c, (v, w) in enumerate(zip(r, widths))]
        click.echo("  ".join(cells).rstrip())
    click.echo("* default board of `validate`; RAM/flash are the first ram/flash regions of each board.toml")


@main.command()
@click.argument("project_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--runner", type=click.Choice(["openocd", "pyocd", api.FARM_RUNNER]), default=None,
              help="Flash tool (default: the board's runner); labgrid: through the debug probe of --place.")
@_farm_opts
@click.option("--dry-run", is_flag=True, help="Print the exact command (shell-quoted) and run nothing.")
def flash(project_dir, runner, place, coordinator, dry_run):
    """Flash the built firmware of PROJECT_DIR onto its real board (openocd or pyocd, or with
    --runner labgrid --place NAME the board of a labgrid place, by OpenOCD on its exporter).

    Builds nothing: run `micro-codegen build DIR` first. The board comes from DIR/manifest.json."""
    import shlex
    r = api.flash(project_dir, runner=runner, dry_run=dry_run, place=place, coordinator=coordinator)
    if dry_run:
        click.echo(shlex.join(r.argv))
        if not r.image.is_file():
            click.echo(f"note: {r.image} does not exist yet; run `micro-codegen build {project_dir}`", err=True)
        return
    click.echo(f"flashed {r.image} onto {r.board} with {r.runner}")
