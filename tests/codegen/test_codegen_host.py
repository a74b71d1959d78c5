"""Generated projects compiled and run: the warning bar (host gcc and arm-none-eabi-gcc),
symbols and memory sections, the host runner, the build / run / validate commands, and
end-to-end validation of the shared MLPerf Tiny models on the host."""
from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import MLPERF, MLPERF_MODELS, needs_shared, require_tool
from micro_codegen import api
from micro_codegen.cli import main
from micro_codegen.emit.filters import c_float
from micro_codegen.errors import CasesFileError, ValidationError
from micro_codegen.ms_model import read_model
from micro_codegen.toolchain import make
from tiny_models import write_tiny_model

ARM_FLAGS = "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
WARNINGS = ("-std=c99 -Wall -Wextra -Werror -Wshadow -Wdouble-promotion -Wvla -Wstrict-prototypes "
            "-Wmissing-prototypes -O2 -ffp-contract=off")


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(model path, generated + built project) of the tiny int8 model."""
    require_tool("gcc")
    require_tool("make")
    root = tmp_path_factory.mktemp("host")
    model = write_tiny_model(root / "model")
    api.generate(model, "host", root / "proj")
    return model, root / "proj"


@pytest.fixture(scope="module")
def tiny_built(tiny):
    model, proj = tiny
    return model, proj, api.build(proj)


# ---------------------------------------------------------------- compiling

@pytest.mark.host_cc
def test_host_build_uses_the_full_warning_list(tiny_built):
    model, proj, built = tiny_built
    assert WARNINGS in built.log and "-Werror" in (proj / "Makefile").read_text()
    assert built.image.is_file() and built.image == proj / "build" / "tiny"
    assert "warning" not in built.log.lower()
    arena = json.loads((proj / "manifest.json").read_text())["arena_bytes"]
    assert built.sizes.text > 0 and built.sizes.bss >= arena


@pytest.mark.arm_cc
def test_arm_compile_only(tiny):
    require_tool("arm-none-eabi-gcc")
    model, proj = tiny
    log = make(proj, ("objs",), {"BUILD": "build-arm", "CC": "arm-none-eabi-gcc", "BOARD_SRCS": "",
                                 "ARCH_FLAGS": ARM_FLAGS})
    assert WARNINGS in log and ARM_FLAGS in log
    objs = sorted(p.name for p in (proj / "build-arm").rglob("*.o"))
    assert {"tiny.o", "tiny_weights.o", "main_validate.o", "mc_protocol.o", "conv_int8.o"} <= set(objs)
    out = subprocess.run(["arm-none-eabi-objdump", "-f", str(proj / "build-arm" / "tiny.o")],
                         capture_output=True, text=True).stdout
    assert "elf32-littlearm" in out


@needs_shared
@pytest.mark.arm_cc
@pytest.mark.parametrize("model", ["kws_ref_model", "kws_ref_model_float32", "pretrainedResnet",
                                   "pretrainedResnet_quant"])
def test_arm_compile_only_shared(model, tmp_path):
    require_tool("arm-none-eabi-gcc")
    api.generate(MLPERF / f"{model}.ms", "host", tmp_path / "p")
    make(tmp_path / "p", ("objs",), {"BUILD": "build-arm", "CC": "arm-none-eabi-gcc", "BOARD_SRCS": "",
                                     "ARCH_FLAGS": ARM_FLAGS})


@pytest.mark.host_cc
def test_global_symbols_carry_the_model_prefix(tiny_built):
    _, proj, _ = tiny_built
    for obj in ("tiny.o", "tiny_weights.o", "main_validate.o"):
        out = subprocess.run(["nm", "-g", "--defined-only", str(proj / "build" / obj)], capture_output=True,
                             text=True, check=True).stdout
        names = [line.split()[-1] for line in out.splitlines() if line.strip()]
        assert names
        assert all(n.startswith("tiny_") or n == "main" for n in names), names


@needs_shared
@pytest.mark.host_cc
def test_weights_stay_in_flash(tmp_path):
    r = api.generate(MLPERF / "kws_ref_model.ms", "host", tmp_path / "kws", name="kws")
    built = api.build(tmp_path / "kws")
    assert built.sizes.rodata >= r.model.weights_bytes > 20_000
    assert built.sizes.data < 2_048                       # nothing big copied to RAM
    assert built.sizes.bss < r.arena_size + 8_192         # the arena + the protocol buffer
    nm = subprocess.run(["nm", str(tmp_path / "kws" / "build" / "kws_weights.o")], capture_output=True, text=True,
                        check=True).stdout
    assert {line.split()[1] for line in nm.splitlines()} == {"R"}      # all read-only data


@pytest.mark.host_cc
def test_c_float_literals_are_exact_in_c(tmp_path):
    require_tool("gcc")
    rng = np.random.default_rng(4)
    vals = rng.integers(0, 2 ** 32, 4000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    vals = np.concatenate([vals[np.isfinite(vals)], np.array([0.1, -0.0, 1e-45, 3.4028235e38, 1 / 3], np.float32)])
    lits = ",\n".join(c_float(v) for v in vals)
    bits = ",\n".join(f"{int(b)}u" for b in vals.view(np.uint32))
    src = tmp_path / "f.c"
    src.write_text(f"""#include <stdint.h>
#include <stdio.h>
#include <string.h>
static const float lit[] = {{{lits}}};
static const uint32_t want[] = {{{bits}}};
int main(void)
{{
    size_t i, bad = 0;
    for (i = 0; i < sizeof lit / sizeof lit[0]; ++i) {{
        uint32_t got;
        memcpy(&got, &lit[i], 4);
        bad += got != want[i];
    }}
    printf("%u\\n", (unsigned)bad);
    return bad != 0;
}}
""")
    subprocess.run(["gcc", *WARNINGS.split(), str(src), "-o", str(tmp_path / "f")], check=True)
    assert subprocess.run([str(tmp_path / "f")], capture_output=True, text=True).stdout.strip() == "0"


# ---------------------------------------------------------------- running

@pytest.mark.host_cc
def test_cli_build_and_run(tiny, tmp_path):
    model, proj = tiny
    r = _run("build", proj)
    assert r.exit_code == 0, r.output
    assert re.search(r"text [\d,]+ B  rodata [\d,]+ B  data [\d,]+ B  bss [\d,]+ B", r.output)
    out = tmp_path / "out.npz"
    r = _run("run", proj, "--cases", str(model) + ".npz", "-o", out)
    assert r.exit_code == 0, r.output
    assert "case 0: pass" in r.output and "3 passed, 0 failed" in r.output and "invoke" in r.output
    with np.load(out) as got, np.load(str(model) + ".npz") as want:
        assert sorted(got.files) == ["output_0", "output_1", "output_2"]
        for k in range(3):
            assert got[f"output_{k}"].dtype == np.int8
            assert np.array_equal(got[f"output_{k}"].reshape(-1), want[f"output_{k}"].reshape(-1))


@pytest.mark.host_cc
def test_relative_project_folders(tiny, tmp_path, monkeypatch):
    """Regression: `generate -o DIR`, `build DIR`, `run DIR` and `validate -o DIR` with DIR relative
    to the working directory (the runner starts the executable from inside the project)."""
    model, _ = tiny
    monkeypatch.chdir(tmp_path)
    cases = str(model) + ".npz"
    for args in (["generate", model, "--board", "host", "-o", "gen/x"], ["build", "gen/x"],
                 ["run", "gen/x", "--cases", cases], ["validate", model, "--board", "host", "-o", "gen/v"]):
        r = _run(*args)
        assert r.exit_code == 0, (args, r.output)
    assert "3 passed, 0 failed" in r.output


@pytest.mark.host_cc
def test_run_inputs_only_cases(tiny_built, tmp_path):
    model, proj, _ = tiny_built
    cases = tmp_path / "in.npz"
    with np.load(str(model) + ".npz") as z:
        np.savez(cases, input_0=z["input_0"], input_1=z["input_1"])
    r = _run("run", proj, "--cases", cases, "-o", tmp_path / "o.npz")
    assert r.exit_code == 0, r.output
    assert "case 1: ran (int8 1x3)" in r.output and "passed" not in r.output


@pytest.mark.host_cc
def test_run_refuses_a_stale_build(tiny_built, tmp_path):
    import shutil
    model, proj, _ = tiny_built
    copy = tmp_path / "proj"
    shutil.copytree(proj, copy)
    man = json.loads((copy / "manifest.json").read_text())
    man["model_sha256"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(ValidationError, match="rebuild"):
        api.run(copy, str(model) + ".npz")


@pytest.mark.host_cc
def test_host_runner_always_stops_the_process(tiny_built, tmp_path):
    from micro_codegen.boards import load_board
    from micro_codegen.runners import get_runner
    model, proj, _ = tiny_built
    runner = get_runner(load_board("host"), proj, proj / "build" / "tiny")
    with pytest.raises(RuntimeError):
        with runner:
            raise RuntimeError("boom")
    assert runner.proc.returncode is not None
    bad = tmp_path / "bad.npz"
    np.savez(bad, input_0=np.zeros(5, np.int8))
    with pytest.raises(CasesFileError, match="has 5 elements"):
        api.run(proj, bad)


@pytest.mark.host_cc
def test_dead_firmware_gives_a_clear_error(tiny_built, tmp_path):
    import shutil
    model, proj, _ = tiny_built
    copy = tmp_path / "proj"
    shutil.copytree(proj, copy)
    exe = copy / "build" / "tiny"
    exe.write_text("#!/bin/sh\necho 'firmware crashed' >&2\nexit 7\n")
    with pytest.raises(ValidationError, match=r"(closed|cannot).*exited with code 7.*firmware crashed"):
        api.run(copy, str(model) + ".npz")


@pytest.mark.host_cc
def test_cli_validate_json(tiny, tmp_path):
    model, _ = tiny
    r = _run("validate", model, "--board", "host", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert set(doc) == {"board", "cases", "passed", "failed"}
    assert doc["board"] == "host" and doc["passed"] == 3 and doc["failed"] == 0
    assert doc["cases"] == [{"index": k, "passed": True, "max_abs_diff": 0.0} for k in range(3)]


@pytest.mark.host_cc
def test_cli_validate_reports_mismatches(tiny, tmp_path):
    model, _ = tiny
    cases = tmp_path / "cases.npz"
    with np.load(str(model) + ".npz") as z:
        arrays = {k: z[k].copy() for k in z.files}
    arrays["output_1"].reshape(-1)[1] += 3
    np.savez(cases, **arrays)
    r = _run("validate", model, "--board", "host", "--cases", cases, "-o", tmp_path / "proj")
    assert r.exit_code == 1
    assert "case 0: pass" in r.output and "case 1: FAIL (max |diff| 3)" in r.output
    assert re.search(r"index\s+expected\s+got\n\s+1\s+", r.output)
    assert "2 passed, 1 failed" in r.output
    assert (tmp_path / "proj" / "build" / "tiny").is_file()        # -o keeps the project
    r = _run("validate", model, "--board", "host", "--cases", cases, "--json", "-o", tmp_path / "proj", "--force")
    doc = json.loads(r.output)
    assert r.exit_code == 1 and (doc["passed"], doc["failed"]) == (2, 1)
    assert doc["cases"][1] == {"index": 1, "passed": False, "max_abs_diff": 3.0}


def test_cli_validate_unknown_board(tiny):
    model, _ = tiny
    r = _run("validate", model, "--board", "qemu-nope")
    assert r.exit_code == 1
    assert "board 'qemu-nope' not found" in r.output and "available boards: " in r.output and "host" in r.output


# ---------------------------------------------------------------- the shared MLPerf Tiny models

#: expected worst |C - TFLite reference| per model (int8: exact; fp32: the default tolerance holds;
#: the hybrid KWS is judged with 1e-3 absolute, as the reference interpreter)
@needs_shared
@pytest.mark.host_cc
@pytest.mark.parametrize("model", MLPERF_MODELS)
def test_validate_mlperf_on_host(model, tmp_path):
    path = MLPERF / f"{model}.ms"
    r = api.validate(path, "host", out_dir=tmp_path / "proj")
    rep = r.report
    assert rep.failed == 0 and rep.passed == len(rep.cases) > 0, rep.to_json()
    g = read_model(path)
    if g.tensors[g.outputs[0]].dtype.short == "int8":
        assert all(c.max_abs_diff == 0 for c in rep.cases)
    assert r.build.sizes.data < 4_096                      # weights are not copied to RAM


@pytest.mark.host_cc
def test_kernel_error_names_the_failing_node(tmp_path, monkeypatch):
    """A kernel that returns an error status (here: an im2col conv given no scratch) stops invoke;
    the host learns which node failed and with which status."""
    import dataclasses

    import micro_codegen.pipeline as pipeline
    from micro_codegen import ops
    from micro_codegen.compiled import SCRATCH
    from tiny_models import fp32_conv_graph

    def no_scratch(g, i, core=None):
        return dataclasses.replace(ops.prepare(g, i, core), scratch_bytes=0)

    monkeypatch.setattr(pipeline, "prepare", no_scratch)
    model = write_tiny_model(tmp_path / "m", fp32_conv_graph(), name="conv32")
    assert SCRATCH in ops.prepare(read_model(model), 0).args
    with pytest.raises(ValidationError, match=r"invoke failed at node 0 'Conv2DFusion conv' \(kernel status 1\)"):
        api.validate(model, "host")
