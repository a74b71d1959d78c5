"""Several models in one project (``generate A.ms B.ms``) and the library-only output
(``generate --app none``): names, arenas, determinism, the combined fit, a CMake project on the
host that links two models, and the validation firmware serving each model."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import MLPERF, needs_shared, require_tool
from tiny_models import fp32_conv_graph, tiny_graph, write_tiny_model

from micro_codegen import api
from micro_codegen.boards import load_board
from micro_codegen.cli import main
from micro_codegen.emit import render_models
from micro_codegen.errors import CodegenError
from micro_codegen.pipeline import compile_project
from micro_codegen.toolchain import toolchain


def _render(graphs, names=(), separate=False, app="validate", board="host"):
    b = load_board(board)
    proj = compile_project(graphs, names, board=b, separate_arenas=separate)
    return proj, render_models(proj.models, b, toolchain(b.toolchain).cc, names, separate, app, proj.kernel_files)


def test_two_models_one_project():
    proj, r = _render([tiny_graph(), fp32_conv_graph()], ["tiny", "conv"])
    files = r.files
    for stem in ("tiny", "conv"):
        assert {f"{stem}.h", f"{stem}.c", f"{stem}_weights.h", f"{stem}_weights.c"} <= set(files)
    # one shared arena sized for the largest; the models' own arenas are gone
    sizes = [cm.arena.size for cm in proj.models]
    assert r.arena_bytes == max(sizes) == proj.arena_size
    assert f"#define MC_SHARED_ARENA_SIZE {max(sizes)}u" in files["mc_shared_arena.h"].decode()
    for stem in ("tiny", "conv"):
        src = files[f"{stem}.c"].decode()
        assert "static uint8_t" not in src and "mc_shared_arena[" in src
    # kernel files: the union, each once in the Makefile
    make = files["Makefile"].decode()
    for rel in proj.kernel_files:
        if rel.endswith(".c"):
            assert make.count(f"nnacl/{rel}") == 1
    main_c = files["main_validate.c"].decode()
    assert "mc_proto_serve_models(mc_models, 2u);" in main_c
    man = json.loads(files["manifest.json"])
    assert [m["name"] for m in man["models"]] == ["tiny", "conv"] and man["arena_policy"] == "shared"
    assert man["executable"] == "build/tiny_conv"


def test_separate_arenas_sum():
    proj, r = _render([tiny_graph(), fp32_conv_graph()], ["tiny", "conv"], separate=True)
    assert "mc_shared_arena.h" not in r.files
    assert r.arena_bytes == sum(cm.arena.size for cm in proj.models) == proj.needs.arena
    assert "static uint8_t tiny_arena[" in r.files["tiny.c"].decode()


def test_multi_model_output_is_deterministic():
    a = _render([tiny_graph(), fp32_conv_graph()], ["tiny", "conv"])[1].files
    b = _render([tiny_graph(), fp32_conv_graph()], ["tiny", "conv"])[1].files
    assert a == b


@pytest.mark.parametrize("names, message", [
    (["same", "same"], "two models are named 'same'"),
    (["kws", "kws_node"], "model names 'kws' and 'kws_node' clash"),
    (["mc_protocol", "b"], "clashes with a file or symbol of the project"),
])
def test_name_clashes_are_one_line_errors(names, message):
    with pytest.raises(CodegenError, match=message) as e:
        _render([tiny_graph(), fp32_conv_graph()], names)
    assert "\n" not in str(e.value)


def test_cli_duplicate_stems(tmp_path):
    a = write_tiny_model(tmp_path / "a")
    b = write_tiny_model(tmp_path / "b")
    res = CliRunner().invoke(main, ["generate", str(a), str(b), "--board", "host", "-o", str(tmp_path / "out")])
    assert res.exit_code == 1 and "two models are named 'tiny'" in res.output
    res = CliRunner().invoke(main, ["generate", str(a), str(b), "--name", "x", "--name", "y", "--name", "z",
                                    "--board", "host", "-o", str(tmp_path / "out")])
    assert res.exit_code == 1 and "give --name at most once per model" in res.output
    res = CliRunner().invoke(main, ["generate", str(a), str(b), "--name", "one", "--name", "two", "--board", "host",
                                    "-o", str(tmp_path / "out"), "--app", "none"])
    assert res.exit_code == 0, res.output
    assert "2 models, one shared arena" in res.output
    assert {"one.h", "two.h", "CMakeLists.txt", "micro_codegen.mk", "README.md"} <= {
        p.name for p in (tmp_path / "out").iterdir()}
    assert not (tmp_path / "out" / "main_validate.c").exists()
    res = CliRunner().invoke(main, ["build", str(tmp_path / "out")])
    assert res.exit_code == 1 and "library-only project" in res.output


def test_plan_and_check_several_models(tmp_path):
    a = write_tiny_model(tmp_path / "a")
    b = write_tiny_model(tmp_path / "b", fp32_conv_graph(), name="conv")
    res = CliRunner().invoke(main, ["plan", str(a), str(b)])
    assert res.exit_code == 0, res.output
    assert "project of 2 models: arena" in res.output and "one shared arena" in res.output
    res = CliRunner().invoke(main, ["plan", str(a), str(b), "--separate-arenas", "--json"])
    doc = json.loads(res.output)
    assert doc["arena_bytes"] == sum(m["arena_bytes"] for m in doc["models"])
    res = CliRunner().invoke(main, ["check", str(a), str(b), "--board", "nrf52840dk"])
    assert res.exit_code == 0, res.output
    assert "combined: arena" in res.output and "fits nrf52840dk" in res.output


# ---------------------------------------------------------------- the two MLPerf Tiny audio models

KWS, WW = MLPERF / "kws_ref_model.ms", MLPERF / "str_ww_ref_model.ms"


@needs_shared
def test_kws_and_wake_word_fit_nrf52840dk():
    res = CliRunner().invoke(main, ["check", str(KWS), str(WW), "--board", "nrf52840dk"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert any(line.startswith("combined: arena ") and "one shared arena" in line for line in lines), res.output
    assert any(line.startswith("fits nrf52840dk: RAM ") for line in lines), res.output
    fit = api.fit_project([api.load(KWS), api.load(WW)], "nrf52840dk")
    assert fit.combined.needs.arena == max(n.arena for n in fit.models)
    assert fit.combined.needs.weights == sum(n.weights for n in fit.models)


_MAIN_C = r"""
#include <stdio.h>
#include <string.h>

#include "kws_ref_model.h"
#include "str_ww_ref_model.h"

static int load(const char *path, void *dst, size_t n)
{
    FILE *f = fopen(path, "rb");
    size_t got;
    if (f == NULL) {
        return 1;
    }
    got = fread(dst, 1, n, f);
    fclose(f);
    return got != n;
}

static int save(const char *path, const void *src, size_t n)
{
    FILE *f = fopen(path, "wb");
    size_t put;
    if (f == NULL) {
        return 1;
    }
    put = fwrite(src, 1, n, f);
    fclose(f);
    return put != n;
}

/* the models share one arena: run the wake word, then KWS, then the wake word again */
int main(int argc, char **argv)
{
    if (argc != 5 || kws_ref_model_init() != 0 || str_ww_ref_model_init() != 0) {
        return 2;
    }
    if (load(argv[3], str_ww_ref_model_input(0), STR_WW_REF_MODEL_INPUT_0_BYTES) ||
        str_ww_ref_model_invoke(NULL) != 0) {
        return 3;
    }
    if (load(argv[1], kws_ref_model_input(0), KWS_REF_MODEL_INPUT_0_BYTES) || kws_ref_model_invoke(NULL) != 0 ||
        save(argv[2], kws_ref_model_output(0), KWS_REF_MODEL_OUTPUT_0_BYTES)) {
        return 4;
    }
    if (load(argv[3], str_ww_ref_model_input(0), STR_WW_REF_MODEL_INPUT_0_BYTES) ||
        str_ww_ref_model_invoke(NULL) != 0 ||
        save(argv[4], str_ww_ref_model_output(0), STR_WW_REF_MODEL_OUTPUT_0_BYTES)) {
        return 5;
    }
    printf("ok %d %d\n", KWS_REF_MODEL_OUTPUT_0_ZERO_POINT, STR_WW_REF_MODEL_INPUT_0_ZERO_POINT);
    return 0;
}
"""

_APP_CMAKE = """cmake_minimum_required(VERSION 3.13)
project(watch_app C)
add_subdirectory(models models_build)
add_executable(app main.c)
target_link_libraries(app PRIVATE kws_ref_model_str_ww_ref_model)
"""


@needs_shared
@pytest.mark.host_cc
@pytest.mark.slow
def test_library_builds_in_a_cmake_project(tmp_path):
    """generate --app none for two models, dropped into a minimal CMake project (the README's
    three lines), built with host gcc under the project's warning flags; one inference of each
    model equals case 0 of its .ms.npz."""
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.fail("cmake not found: run scripts/setup.sh")
    require_tool("gcc")
    app = tmp_path / "app"
    api.generate([KWS, WW], "nrf52840dk", app / "models", app="none")
    (app / "CMakeLists.txt").write_text(_APP_CMAKE)
    (app / "main.c").write_text(_MAIN_C)
    flags = "-Wall -Wextra -Werror -Wshadow -Wdouble-promotion -Wvla -Wstrict-prototypes -Wmissing-prototypes"
    build = tmp_path / "build"
    subprocess.run([cmake, "-S", str(app), "-B", str(build), "-DCMAKE_C_COMPILER=gcc", f"-DCMAKE_C_FLAGS={flags}"],
                   check=True, capture_output=True, text=True)
    out = subprocess.run([cmake, "--build", str(build), "-j", "4"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    cases = {m: np.load(str(m) + ".npz") for m in (KWS, WW)}
    (tmp_path / "kws.in").write_bytes(cases[KWS]["input_0"].tobytes())
    (tmp_path / "ww.in").write_bytes(cases[WW]["input_0"].tobytes())
    run = subprocess.run([str(build / "app"), str(tmp_path / "kws.in"), str(tmp_path / "kws.out"),
                          str(tmp_path / "ww.in"), str(tmp_path / "ww.out")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    got_kws = np.frombuffer((tmp_path / "kws.out").read_bytes(), np.int8)
    got_ww = np.frombuffer((tmp_path / "ww.out").read_bytes(), np.int8)
    np.testing.assert_array_equal(got_kws, cases[KWS]["output_0"].reshape(-1))
    np.testing.assert_array_equal(got_ww, cases[WW]["output_0"].reshape(-1))


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
def test_validation_firmware_serves_each_model(tmp_path):
    """One firmware with both models (shared arena) on QEMU: `run --model` validates each."""
    project = tmp_path / "two"
    r = api.generate([KWS, WW], "qemu-mps2-an386", project, name=["kws", "ww"])
    assert r.arena_bytes == max(m.arena_size for m in r.models)
    api.build(project)
    for name, model in (("kws", KWS), ("ww", WW)):
        report = api.run(project, Path(str(model) + ".npz"), model=name)
        assert report.failed == 0 and report.passed > 0, report.to_json()
        assert report.hello.model == name and report.hello.model_count == 2
    with pytest.raises(CodegenError, match="choose one with --model"):
        api.run(project, Path(str(KWS) + ".npz"))


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
def test_validate_several_models_cli():
    res = CliRunner().invoke(main, ["validate", str(KWS), str(WW)])
    assert res.exit_code == 0, res.output
    assert res.output.count("0 failed") == 2 and "4 passed" in res.output and "5 passed" in res.output
