"""Code generation: C-literal filters, the golden tree of a tiny model, determinism,
atomic writing, kernel selection, support errors before any file, boards and toolchain
helpers. Compiling and running the generated code is in test_codegen_host.py."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import GOLDEN, MLPERF, needs_shared
from tiny_models import fp32_conv_graph, render, write_tiny_model
from micro_codegen import api
from micro_codegen.boards import load_board, parse_board
from micro_codegen.builder import GraphBuilder
from micro_codegen.cli import main
from micro_codegen.emit import c_array, c_float, c_ident
from micro_codegen.emit.filters import c_comment, c_int, c_string, float_literals
from micro_codegen.errors import BoardConfigError, CodegenError, ToolchainError, UnsupportedOpError
from micro_codegen.ir import DType
from micro_codegen.ms_model import read_model, write_model
from micro_codegen.toolchain import parse_size_sysv, require

I8, F32, I32 = DType.INT8, DType.FLOAT32, DType.INT32
GOLDEN_TINY = GOLDEN / "tiny"
#: files rendered from templates (compared with the golden tree); the rest are verbatim copies
RENDERED = ("Makefile", "main_validate.c", "manifest.json", "tiny.c", "tiny.h", "tiny_weights.c",
            "tiny_weights.h")




@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return write_tiny_model(tmp_path_factory.mktemp("tinymodel"))


# ---------------------------------------------------------------- filters

@pytest.mark.parametrize("name, ident", [
    ("CONV_2D-0", "CONV_2D_0"), ("model/conv2d/Conv2D;x", "model_conv2d_Conv2D_x"), ("3x", "n3x"),
    ("", "x"), ("--", "x"), ("int", "int_"), ("a__b", "a_b"), ("é", "x"),
])
def test_c_ident(name, ident):
    assert c_ident(name) == ident
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", c_ident(name))


def test_c_ident_lower():
    assert c_ident("DEPTHWISE_CONV_2D-1", lower=True) == "depthwise_conv_2d_1"


@pytest.mark.parametrize("value, text", [
    (0.1, "0.1f"), (1.0, "1.0f"), (-2.5, "-2.5f"), (0.0, "0.0f"), (-0.0, "-0.0f"), (1e-45, "1e-45f"),
    (3.4028235e38, "3.4028235e38f"), (1e7, "1e7f"), (1e-5, "1e-5f"), (float("inf"), "INFINITY"),
    (float("-inf"), "-INFINITY"), (float("nan"), "NAN"), (16777216.0, "1.6777216e7f"), (123.0, "123.0f"),
])
def test_c_float_special_values(value, text):
    assert c_float(value) == text


def _parse_c_float(text: str) -> np.float32:
    return np.float32(float(text[:-1]))


def test_c_float_round_trips_every_bit_pattern_sampled():
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2 ** 32, 20000, dtype=np.uint64).astype(np.uint32)
    vals = bits.view(np.float32)
    vals = vals[np.isfinite(vals)]
    texts = float_literals(vals)
    assert texts == [c_float(v) for v in vals]
    back = np.array([_parse_c_float(t) for t in texts], dtype=np.float32)
    assert np.array_equal(back.view(np.uint32), vals.view(np.uint32))
    assert all(re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?f", t) for t in texts)
    assert max(len(t) for t in texts) <= len("-1.17549435e-38f")


def test_c_float_is_shortest():
    assert c_float(np.float32(0.1)) == "0.1f"              # not 0.100000001f
    assert c_float(np.float32(1 / 3)) == "0.33333334f"


def test_c_int_limits():
    assert c_int(-2 ** 31) == "INT32_MIN"
    assert c_int(5) == "5"
    assert c_int(7, "uint32_t") == "7u"
    assert c_int(2 ** 40, "int64_t") == "INT64_C(1099511627776)"


def test_c_array_layout():
    text = c_array(np.arange(-3, 22, dtype=np.int8), per_line=12)
    lines = text.split("\n")
    assert len(lines) == 3
    assert lines[0] == "    " + ", ".join(f"{v:>2}" for v in range(-3, 9)) + ","
    assert lines[-1].strip() == "21"
    assert c_array(np.zeros(0, np.int8)) == ""
    assert c_array(np.array([-2 ** 31, 1], np.int32), ctype="int32_t") == "    INT32_MIN,         1"
    assert c_array(np.array([0.5, -1.0], np.float32)) == "     0.5f, -1.0f"
    assert c_array(np.array([np.inf, 1.0], np.float32)) == "    INFINITY,     1.0f"


def test_c_string_and_comment():
    assert c_string('a"b\\c?') == '"a\\"b\\\\c\\077"'
    assert c_string("é") == '"\\303\\251"'
    assert "*/" not in c_comment("x */ y /* z")


# ---------------------------------------------------------------- the golden tree

def _golden_view(files: dict[str, bytes]) -> dict[str, bytes]:
    """The rendered files; manifest.json keeps only their own entries (copied files are checked
    against their sources separately, so kernel edits do not churn the golden tree)."""
    out = {k: files[k] for k in RENDERED}
    man = json.loads(files["manifest.json"])
    man["files"] = [f for f in man["files"] if f["path"] in RENDERED]
    out["manifest.json"] = (json.dumps(man, indent=2) + "\n").encode()
    return out


def test_golden_tree(tiny_model, update_golden):
    r = render(read_model(tiny_model), load_board("host"), name="tiny")
    got = _golden_view(r.files)
    if update_golden:
        shutil.rmtree(GOLDEN_TINY, ignore_errors=True)
        GOLDEN_TINY.mkdir(parents=True)
        for rel, data in got.items():
            (GOLDEN_TINY / rel).write_bytes(data)
    assert GOLDEN_TINY.is_dir(), "no golden tree: run pytest tests/codegen/test_emit.py --update-golden"
    want = {p.name: p.read_bytes() for p in GOLDEN_TINY.iterdir() if p.is_file()}
    assert sorted(want) == sorted(got)
    for rel in sorted(got, key=lambda r: (r == "manifest.json", r)):
        assert got[rel].decode() == want[rel].decode(), f"{rel} differs from tests/codegen/golden/tiny (--update-golden)"


def test_copied_files_are_verbatim(tiny_model):
    from micro_codegen.resources import data_dir
    r = render(read_model(tiny_model), load_board("host"), name="tiny")
    nroot, troot = data_dir("nnacl_subset"), data_dir("templates") / "c"
    for rel, data in r.files.items():
        if rel.startswith("nnacl/"):
            assert data == (nroot / rel[len("nnacl/"):]).read_bytes()
    assert r.files["mc_protocol.c"] == (troot / "mc_protocol.c").read_bytes()
    assert r.files["board_host.c"] == (troot / "board" / "host" / "board_host.c").read_bytes()
    man = json.loads(r.files["manifest.json"])
    import hashlib
    assert {f["path"] for f in man["files"]} == set(r.files) - {"manifest.json"}
    for f in man["files"]:
        assert f["sha256"] == hashlib.sha256(r.files[f["path"]]).hexdigest()


def test_generated_text_conventions(tiny_model):
    g = read_model(tiny_model)
    r = render(g, load_board("host"), name="tiny")
    banner = f"/* Generated by micro_codegen 0.1.0 from tiny.ms (sha256 {g.sha256[:12]}...) -- do not edit. */"
    for rel in ("tiny.c", "tiny.h", "tiny_weights.c", "tiny_weights.h", "main_validate.c"):
        text = r.files[rel].decode()
        assert text.startswith(banner + "\n"), rel
        assert str(tiny_model.parent) not in text and "/tmp" not in text
    assert r.files["Makefile"].decode().startswith("# Generated by micro_codegen 0.1.0 from tiny.ms")
    model_c = r.files["tiny.c"].decode()
    assert "static uint8_t tiny_arena[TINY_ARENA_SIZE]\n    __attribute__((aligned(16)));" in model_c
    assert re.search(r'/\* node 0  Conv2DFusion "conv1"  1x6x6x2 -> 1x6x6x4  int8  out @arena\[\d+, \d+\)', model_c)
    assert re.search(r'/\* node 3  Reshape "flat"  1x1x1x4 -> 1x4  int8  out @arena\[\d+, \d+\) = input', model_c)
    assert "static const conv_param_t tiny_conv1_param = {\n    .batch = 1," in model_c
    weights_c = r.files["tiny_weights.c"].decode()
    for m in re.finditer(r"^const (\w+) (\w+)\[(\d+)\] __attribute__\(\(aligned\((\d+)\)\)\) = \{\n(.*?)\n\};",
                         weights_c, re.S | re.M):
        assert m.group(2).startswith("tiny_")
        assert int(m.group(4)) >= 8
        rows = m.group(5).split("\n")
        counts = {len(row.split(",")) - (1 if row.endswith(",") else 0) for row in rows[:-1]}
        assert len(counts) <= 1 and all(c <= 12 for c in counts)   # 12 a line, fewer for wide values
        assert sum(len([v for v in row.split(",") if v.strip()]) for row in rows) == int(m.group(3))
    header = r.files["tiny.h"].decode()
    for decl in ("int tiny_init(void);", "int tiny_invoke(int *failed_node);", "void *tiny_input(int k);",
                 "void *tiny_output(int k);", "#define TINY_ARENA_SIZE", "#define TINY_INPUT_0_SCALE 0.05f",
                 "#define TINY_INPUT_0_ZERO_POINT -3", "#define TINY_OUTPUT_0_SHAPE {1, 3}"):
        assert decl in header
    # every file-scope symbol carries the model prefix
    for rel in ("tiny.c", "tiny_weights.c", "main_validate.c"):
        text = r.files[rel].decode()
        for m in re.finditer(r"^(?:static )?(?:const )?\w[\w ]*?\**\b(\w+)(?:\[[^\]]*\])?(?: __attribute__.*)? =",
                             text, re.M):
            assert m.group(1).startswith("tiny_"), (rel, m.group(0))
        for m in re.finditer(r"^(?:static )?(?:const )?\w[\w ]*?\**\b(\w+)\((?:void|int|uint32_t)", text, re.M):
            assert m.group(1).startswith("tiny_") or m.group(1) == "main", (rel, m.group(0))


def test_only_needed_kernels_are_copied(tmp_path):
    path = tmp_path / "conv32.ms"
    write_model(fp32_conv_graph(), path)
    r = render(read_model(path), load_board("host"))
    kernels = sorted(k for k in r.files if k.startswith("nnacl/"))
    assert kernels and all(k.startswith(("nnacl/fp32/conv", "nnacl/fp32/dot_block", "nnacl/common/"))
                           for k in kernels), kernels
    assert "nnacl/common/conv_param.h" in kernels and "nnacl/common/fullconnection_param.h" not in kernels
    makefile = r.files["Makefile"].decode()
    assert "nnacl/fp32/conv_fp32.c" in makefile and "int8" not in makefile
    assert "LDLIBS =\n" in makefile            # no -lm for a conv
    assert r.name == "conv32"                  # default name: the file stem


def test_generate_is_deterministic(tiny_model, tmp_path):
    a = api.generate(read_model(tiny_model), "host", tmp_path / "a")
    b = api.generate(read_model(tiny_model), "host", tmp_path / "b")
    fa = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    fb = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert fa == fb and len(fa) == len(a.files) == len(b.files)
    for rel in fa:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


@needs_shared
def test_generate_shared_model_twice_is_identical():
    g = read_model(MLPERF / "kws_ref_model.ms")
    a = render(g, load_board("host"), name="kws").files
    b = render(read_model(MLPERF / "kws_ref_model.ms"), load_board("host"), name="kws").files
    assert a == b
    assert a["kws.c"].startswith(b"/* Generated by micro_codegen 0.1.0 from kws_ref_model.ms (sha256 ")


# ---------------------------------------------------------------- writing

def _unsupported_graph():
    b = GraphBuilder("bad")
    x = b.input("x", F32, (1, 4))
    y = b.node("ReverseV2", [x], [("y", F32, (1, 4))], name="rev1", axis=(1,))
    return b.build(outputs=[y])


def test_unsupported_op_fails_before_writing(tmp_path):
    path = tmp_path / "bad.ms"
    write_model(_unsupported_graph(), path)
    out = tmp_path / "sub" / "out"
    with pytest.raises(UnsupportedOpError) as e:
        api.generate(read_model(path), "host", out)
    assert "ReverseV2 'rev1' (node 0)" in str(e.value) and "not supported" in str(e.value)
    assert not out.exists() and not out.parent.exists()
    assert list(tmp_path.iterdir()) == [path]


def test_refuses_non_empty_dir_unless_force(tiny_model, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    with pytest.raises(CodegenError, match="not empty"):
        api.generate(read_model(tiny_model), "host", out)
    with pytest.raises(CodegenError, match="no manifest.json"):
        api.generate(read_model(tiny_model), "host", out, force=True)
    assert (out / "keep.txt").read_text() == "x"
    shutil.rmtree(out)
    api.generate(read_model(tiny_model), "host", out)
    (out / "stale.c").write_text("old")
    api.generate(read_model(tiny_model), "host", out, force=True)
    assert not (out / "stale.c").exists() and (out / "tiny.c").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]        # no temporary folders left


def test_render_failure_leaves_nothing(tiny_model, tmp_path, monkeypatch):
    import micro_codegen.emit.writer as writer
    calls = []
    real = Path.write_bytes

    def flaky(self, data):
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(OSError):
        writer.write_tree({"a.c": b"1", "b.c": b"2", "c.c": b"3", "d.c": b"4"}, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_cli_generate(tiny_model, tmp_path):
    out = tmp_path / "proj"
    r = CliRunner().invoke(main, ["generate", str(tiny_model), "--board", "host", "-o", str(out), "--name", "Tiny"])
    assert r.exit_code == 0, r.output
    assert "arena" in r.output and (out / "tiny.c").is_file()
    man = json.loads((out / "manifest.json").read_text())
    assert man["board"] == "host" and man["name"] == "tiny" and man["arena_bytes"] > 0
    assert man["model_sha256"] == read_model(tiny_model).sha256 and man["executable"] == "build/tiny"
    r = CliRunner().invoke(main, ["generate", str(tiny_model), "--board", "host", "-o", str(out)])
    assert r.exit_code == 1 and "not empty" in r.output and "--force" in r.output
    r = CliRunner().invoke(main, ["generate", str(tiny_model), "--board", "no-such-board", "-o", str(tmp_path / "x")])
    assert r.exit_code == 1 and "board 'no-such-board' not found" in r.output and "host" in r.output


def test_cli_generate_unsupported(tmp_path):
    path = tmp_path / "bad.ms"
    write_model(_unsupported_graph(), path)
    r = CliRunner().invoke(main, ["generate", str(path), "--board", "host", "-o", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert r.output.count("\n") == 1 and "ReverseV2 'rev1' (node 0)" in r.output
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- boards, toolchain

def test_host_board():
    b = load_board("host")
    assert (b.name, b.core, b.toolchain, b.runner, b.cflags) == ("host", "host", "gcc", "host", ())
    assert b.is_host and "board/host/board_host.c" in b.sources


@pytest.mark.parametrize("doc, message", [
    ({"core": "host", "toolchain": "gcc", "cflags": [], "runner": "host"}, "missing required key 'name'"),
    ({"name": "x", "core": "host", "toolchain": "gcc", "cflags": "-O2", "runner": "host"},
     "key 'cflags' must be a list of strings"),
    ({"name": "x", "core": "host", "toolchain": "gcc", "cflags": [], "runner": "host", "colour": 1},
     "unknown key 'colour'"),
    ({"name": "x", "core": "host", "toolchain": "clang", "cflags": [], "runner": "host"},
     "key 'toolchain' must be one of"),
    ({"name": "x", "core": "m4", "toolchain": "gcc", "cflags": [], "runner": "qemu",
      "memory": [{"name": "RAM", "origin": 0}]}, "missing required key 'memory[0].length'"),
    ({"name": "x", "core": "m4", "toolchain": "gcc", "cflags": [], "runner": "qemu",
      "uart": {"kind": "cmsdk", "base": "0x40004000"}}, "key 'uart.base' must be an integer"),
])
def test_board_schema_errors_name_file_and_key(doc, message):
    with pytest.raises(BoardConfigError) as e:
        parse_board(Path("/boards/x.toml"), doc)
    assert str(e.value).startswith("/boards/x.toml: ") and message in str(e.value)


def test_board_file_errors(tmp_path):
    bad = tmp_path / "b" / "board.toml"
    bad.parent.mkdir()
    bad.write_text("name = \n")
    with pytest.raises(BoardConfigError, match="not valid TOML"):
        load_board(str(bad))
    bad.write_text('name = "other"\ncore = "host"\ntoolchain = "gcc"\ncflags = []\nrunner = "host"\n')
    with pytest.raises(BoardConfigError, match="folder is 'b'"):
        load_board(str(bad))


def test_board_fit_is_checked(tiny_model):
    from micro_codegen.boards import Board, Memory
    small = Board("small", "cortex-m4", "arm-none-eabi", (), "qemu", Path("x"),
                  memory=(Memory("RAM", 0x20000000, 64, "ram"), Memory("FLASH", 0, 1 << 20, "flash")))
    with pytest.raises(BoardConfigError, match=r"^tiny\.ms needs [\d,]+ B RAM \(arena 256 \+ stack 0 \+ "
                                               r"firmware [\d,]+\), small has 64 B"):
        render(read_model(tiny_model), small)


def test_size_parsing():
    out = """build/kws  :
section              size      addr
.interp                28       792
.text               12625      4160
.rodata              834      16384
.rodata.str1.1        10      17000
.eh_frame             600      17300
.init_array             8      15808
.data                 112      16400
.bss                 7456      16512
.comment               31         0
Total               21000
"""
    s = parse_size_sysv(out)
    assert (s.text, s.rodata, s.data, s.bss) == (12625, 844, 120, 7456)
    assert s.flash == 12625 + 844 + 120 and s.ram == 120 + 7456
    assert "text 12,625 B" in s.line()


def test_missing_tool_has_install_hint(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolchainError) as e:
        require("arm-none-eabi-gcc")
    assert "not found" in str(e.value) and "apt-get install gcc-arm-none-eabi" in e.value.hint
