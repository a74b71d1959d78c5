"""What the generated C looks like: named constants, named arena offsets, lines <= 100
columns, kernel calls printed from the op plans; the C constants Python uses are the
compiler's (one source: the nnacl headers)."""
from __future__ import annotations

import re
import subprocess

import pytest

from conftest import MLPERF, MLPERF_MODELS, SEED_ARCH, needs_shared, require_tool, shared_models
from tiny_models import render, tiny_graph
from micro_codegen import ops
from micro_codegen.boards import load_board
from micro_codegen.emit.filters import LINE_MAX, c_block_comment, c_call, c_trailing_comment
from micro_codegen.ms_model import read_model
from micro_codegen.ops._common import c_constants, cconst
from micro_codegen.resources import data_dir

NNACL = data_dir("nnacl_subset")
RAW_ENUM_FIELD = re.compile(r"^\s*\.(variant|act_type|rounding|hybrid_mode|type) = -?\d+,$", re.MULTILINE)
RAW_ARENA_OFFSET = re.compile(r"_arena\[\d+\]")


def _rendered_c(files: dict[str, bytes]) -> dict[str, str]:
    return {p: b.decode() for p, b in files.items() if p.endswith((".c", ".h")) and not p.startswith("nnacl/")}


def _check_style(result) -> None:
    files = result.files
    for path, text in _rendered_c(files).items():
        long = [(k + 1, len(line)) for k, line in enumerate(text.splitlines()) if len(line) > LINE_MAX]
        assert not long, f"{path}: lines over {LINE_MAX} columns (line, length): {long[:5]}"
        assert not RAW_ENUM_FIELD.search(text), f"{path}: magic number for an enum field: " \
                                                f"{RAW_ENUM_FIELD.search(text).group(0)}"
        assert not RAW_ARENA_OFFSET.search(text), f"{path}: raw arena offset {RAW_ARENA_OFFSET.search(text).group(0)}"
        assert "- -" not in text, f"{path}: '- -' in {path}"
    assert {f"{result.name}.c", f"{result.name}.h"} <= set(files), sorted(files)     # no "<name>_model.c" stutter


def test_tiny_model_c_style():
    r = render(tiny_graph(), load_board("host"), name="tiny")
    _check_style(r)
    model_c = r.files["tiny.c"].decode()
    assert ".variant = CONV_VARIANT_IM2COL," in model_c and ".act_type = NNACL_ACT_NONE," in model_c
    assert "TINY_AT_INPUT_0 = " in model_c and "(int8_t *)&tiny_arena[TINY_AT_CONV1]" in model_c
    assert "(q + 3)" in r.files["tiny.h"].decode()


@needs_shared
@pytest.mark.parametrize("model", MLPERF_MODELS)
def test_mlperf_c_style(model):
    board = load_board("qemu-mps2-an386") if model not in ("ad01_fp32", "vww_96_float") else load_board("host")
    _check_style(render(read_model(MLPERF / f"{model}.ms"), board))


# ---------------------------------------------------------------- one source for C constants

@pytest.mark.host_cc
def test_c_constants_are_the_compilers(tmp_path):
    """Every value Python reads from the headers is what the C compiler sees."""
    consts = c_constants()
    assert consts["NNACL_MAX_DIMS"] == 6 and consts["NNACL_ACT_RELU6"] == 2 and consts["CONV_VARIANT_DW3X3"] == 4
    headers = sorted(p.relative_to(NNACL).as_posix() for p in (NNACL / "common").glob("*.h"))
    src = [f'#include "{h}"' for h in headers]
    src += [f"typedef char check_{name}[({name}) == ({value}) ? 1 : -1];" for name, value in sorted(consts.items())]
    (tmp_path / "check.c").write_text("\n".join(src) + "\n")
    gcc = require_tool("gcc")
    r = subprocess.run([gcc, "-std=c99", "-Wall", "-Werror", "-Wno-unused-local-typedefs", "-fsyntax-only",
                        "-I", str(NNACL), str(tmp_path / "check.c")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]


def test_unknown_c_constant_is_an_error():
    from micro_codegen.errors import CodegenError
    with pytest.raises(CodegenError, match="NOT_A_CONSTANT is not defined"):
        cconst("NOT_A_CONSTANT")


@needs_shared
def test_returns_status_matches_the_kernel_headers():
    """An op plan says its kernel returns a status exactly when the header declares it ``int``."""
    seen = set()
    for path in [MLPERF / f"{m}.ms" for m in MLPERF_MODELS] + shared_models(SEED_ARCH):
        g = read_model(path)
        for i in range(len(g.nodes)):
            plan = ops.prepare(g, i)
            if not plan.kernel or plan.kernel in seen:
                continue
            seen.add(plan.kernel)
            header = (NNACL / plan.header).read_text()
            m = re.search(rf"^(\w+)\s+{plan.kernel}\s*\(", header, re.MULTILINE)
            assert m, f"{plan.kernel} not declared in {plan.header}"
            assert plan.returns_status == (m.group(1) == "int"), plan.kernel
    assert len(seen) >= 10


# ---------------------------------------------------------------- filters

def test_c_call_fits_or_wraps():
    assert c_call("f", ["a", "b"]) == "    f(a, b);"
    args = [f"argument_number_{k}" for k in range(8)]
    text = c_call("some_kernel", args, "    return ")
    lines = text.splitlines()
    assert len(lines) > 1 and all(len(line) <= LINE_MAX for line in lines)
    assert lines[1].startswith(" " * len("    return some_kernel("))
    assert text.replace("\n", "").replace(" ", "") == "returnsome_kernel(" + ",".join(args) + ");"
    huge = ["x" * 95]
    assert c_call("f", huge).splitlines()[1] == " " * 12 + huge[0] + ");"
    assert c_call("int a[2] = ", ["1", "2"], "", ";", "{", "}") == "int a[2] = {1, 2};"


def test_comments_wrap():
    text = "node 3  Conv2DFusion \"" + "a/" * 80 + "\"  1x2 -> 1x2"
    block = c_block_comment(text)
    assert block.startswith("/* ") and block.endswith(" */")
    assert all(len(line) <= LINE_MAX for line in block.splitlines())
    assert c_trailing_comment("    X = 1,", "short") == "    X = 1,  /* short */"
    wrapped = c_trailing_comment("    X = 1,", "long " * 30)
    assert wrapped.splitlines()[-1] == "    X = 1," and wrapped.startswith("    /* ")
