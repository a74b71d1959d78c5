"""Boards from the user's side: `boards [--json]`, board-file schema errors, the memory-fit check
(before building, after building, and in `check --board`), `flash [--runner] [--dry-run]`,
runner selection, progress lines and runner diagnostics in errors.

Real-board projects are generated and cross-built here with arm-none-eabi-gcc (no board needed);
flashing is only ever dry-run or refused."""
from __future__ import annotations

import dataclasses
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MLPERF, needs_shared, require_tool, skip_unless_shared
from micro_codegen import api, cli
from micro_codegen.boards import DEFAULT_BOARD, Memory, load_board, parse_board
from micro_codegen.builder import GraphBuilder
from micro_codegen.errors import BoardConfigError, ToolchainError, ValidationError
from micro_codegen.ir import DType
from micro_codegen.ms_model import write_model
from tiny_models import write_tiny_model

REPO = Path(__file__).resolve().parents[2]
REAL_BOARDS = ["nrf52840dk", "stm32f746g-disco"]
QEMU_BOARDS = ["qemu-mps2-an386", "qemu-mps2-an500", "qemu-mps2-an505", "qemu-mps3-an547", "qemu-netduinoplus2"]
KWS = MLPERF / "kws_ref_model.ms"


def _run(*args, **kw):
    return CliRunner().invoke(cli.main, [str(a) for a in args], **kw)


def _one_error_line(r) -> str:
    """The CLI's error: exit code 1 and exactly one line on stderr."""
    assert r.exit_code == 1, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]


# ---------------------------------------------------------------- `boards`

def test_boards_json_lists_every_board():
    r = _run("boards", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    by_name = {b["name"]: b for b in doc}
    assert sorted(by_name) == sorted(["host", *QEMU_BOARDS, *REAL_BOARDS])
    for b in doc:
        assert {"name", "core", "ram_bytes", "flash_bytes", "runners", "qemu_machine"} <= set(b)
    nrf = by_name["nrf52840dk"]
    assert (nrf["core"], nrf["ram_bytes"], nrf["flash_bytes"], nrf["runners"], nrf["qemu_machine"]) == \
        ("cortex-m4", 256 << 10, 1 << 20, ["openocd", "pyocd"], None)
    stm = by_name["stm32f746g-disco"]
    assert (stm["core"], stm["ram_bytes"], stm["flash_bytes"], stm["runners"]) == \
        ("cortex-m7", 320 << 10, 1 << 20, ["openocd", "pyocd"])
    an386 = by_name["qemu-mps2-an386"]
    assert (an386["core"], an386["ram_bytes"], an386["flash_bytes"], an386["runners"], an386["qemu_machine"]) == \
        ("cortex-m4", 4 << 20, 4 << 20, ["qemu"], "mps2-an386")
    assert by_name["qemu-mps3-an547"]["flash_bytes"] == 512 << 10
    host = by_name["host"]
    assert (host["ram_bytes"], host["flash_bytes"], host["runners"], host["qemu_machine"]) == (None, None, ["host"], None)


def test_boards_table():
    r = _run("boards")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["board", "core", "RAM", "flash", "runner(s)", "QEMU", "machine"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert re.search(r"nrf52840dk\s+cortex-m4\s+256 KiB\s+1 MiB\s+openocd, pyocd\s+-$", rows["nrf52840dk"])
    assert re.search(r"stm32f746g-disco\s+cortex-m7\s+320 KiB\s+1 MiB\s+openocd, pyocd", rows["stm32f746g-disco"])
    assert re.search(r"qemu-mps2-an386 \*\s+cortex-m4\s+4 MiB\s+4 MiB\s+qemu\s+mps2-an386", rows["qemu-mps2-an386"])
    assert re.search(r"qemu-mps3-an547\s+cortex-m55\s+4 MiB\s+512 KiB\s+qemu\s+mps3-an547", rows["qemu-mps3-an547"])
    assert re.search(r"qemu-netduinoplus2\s+cortex-m4\s+128 KiB\s+1 MiB\s+qemu\s+netduinoplus2$", rows["qemu-netduinoplus2"])
    assert re.search(r"host\s+host\s+-\s+-\s+host", rows["host"])
    assert "default board" in lines[-1]


# ---------------------------------------------------------------- board-file schema

NRF_TOML = (REPO / "boards" / "nrf52840dk" / "board.toml").read_text()


def _board_file(tmp_path, text: str, name: str = "myboard") -> Path:
    path = tmp_path / name / "board.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace('name = "nrf52840dk"', f'name = "{name}"'))
    return path


def _sub(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


@pytest.mark.parametrize("edit, message", [
    # missing key
    (lambda t: _sub(t, 'core = "cortex-m4"\n', ""), r"missing required key 'core'"),
    (lambda t: _sub(t, "stack_size = 0x4000\n", ""), r"missing required key 'stack_size'"),
    (lambda t: _sub(t, 'base = 0x40002000\n', ""), r"missing required key 'uart\.base'"),
    # wrong type
    (lambda t: _sub(t, "stack_size = 0x4000", 'stack_size = "16K"'), r"key 'stack_size' must be an integer; got '16K'"),
    (lambda t: re.sub(r"(?m)^cflags = .*$", 'cflags = "-mcpu=cortex-m4 -mthumb"', t),
     r"key 'cflags' must be a list of strings"),
    (lambda t: _sub(t, "semihosting = false", "semihosting = 0"), r"key 'semihosting' must be true or false"),
    # a hex address written as a string
    (lambda t: _sub(t, "origin = 0x20000000", 'origin = "0x20000000"'),
     r"key 'memory\[1\]\.origin' must be an integer; got '0x20000000' \(write a hex number without quotes"),
    # unknown kind
    (lambda t: _sub(t, 'kind = "ram"', 'kind = "sram"'), r"key 'memory\[1\]\.kind' has unknown memory kind 'sram' "
                                                          r"\(known: ram, flash, weights\)"),
    (lambda t: _sub(t, 'kind = "nrf_uarte"', 'kind = "pl011"'), r"key 'uart\.kind' has unknown UART kind 'pl011'"),
    (lambda t: _sub(t, 'runner = "openocd"', 'runner = "jlink"'), r"key 'runner' has unknown runner 'jlink'"),
    (lambda t: _sub(t, 'core = "cortex-m4"', 'core = "cortex-m5"'), r"key 'core' has unknown core 'cortex-m5'"),
    # bad hex (not valid TOML): the line and the key, with its [[memory]] index
    (lambda t: _sub(t, "origin = 0x20000000", "origin = 0x2000000G"),
     r"line \d+: key 'memory\[1\]\.origin' has an invalid value '0x2000000G'; integers are written 0x"),
    (lambda t: _sub(t, "base = 0x40002000", "base = 0x4000_2000_"),
     r"line \d+: key 'uart\.base' has an invalid value '0x4000_2000_'"),
    # keys that depend on each other
    (lambda t: _sub(t, 'kind = "ram"', 'kind = "flash"'), r"key 'memory' needs a region with kind = \"ram\""),
    (lambda t: _sub(t, 'runner = "openocd"', 'runner = "qemu"'), r"key 'qemu' is required with runner = \"qemu\""),
    (lambda t: _sub(t, "stack_size = 0x4000", "stack_size = -1"), r"key 'stack_size' must be >= 0"),
    (lambda t: t + "\n[colour]\nx = 1\n", r"unknown key 'colour'"),
])
def test_board_file_errors_name_file_and_key(tmp_path, edit, message):
    path = _board_file(tmp_path, edit(NRF_TOML))
    with pytest.raises(BoardConfigError) as e:
        load_board(str(path))
    text = str(e.value)
    assert text.startswith(f"{path}: "), text
    assert re.search(message, text), text
    assert "\n" not in text


def test_the_unmodified_file_loads(tmp_path):
    b = load_board(str(_board_file(tmp_path, NRF_TOML)))
    assert b.name == "myboard" and b.stack_size == 0x4000 and b.region("ram").length == 256 << 10


def test_boards_command_reports_a_broken_file(tmp_path, monkeypatch):
    import micro_codegen.boards as boards_mod
    root = tmp_path / "boards"
    _board_file(root, NRF_TOML, "good")
    bad = _board_file(root, _sub(NRF_TOML, "length = 0x00040000", 'length = "256K"'), "bad")
    monkeypatch.setattr(boards_mod, "boards_dir", lambda: root)
    line = _one_error_line(_run("boards"))
    assert f"{bad}: key 'memory[1].length' must be an integer" in line


def test_parse_board_checks_vocabulary_after_types():
    doc = {"name": "x", "core": "cortex-m4", "toolchain": "arm-none-eabi", "cflags": [], "runner": "openocd",
           "runners": ["openocd", "stlink"], "stack_size": 1024,
           "memory": [{"name": "F", "origin": 0, "length": 1024, "kind": "flash"},
                      {"name": "R", "origin": 0x20000000, "length": 1024, "kind": "ram"}]}
    with pytest.raises(BoardConfigError, match=r"^/b/x\.toml: key 'runners\[1\]' has unknown runner 'stlink'"):
        parse_board(Path("/b/x.toml"), doc)


# ---------------------------------------------------------------- memory fit before building

FIT_RE = re.compile(r"^error: (?P<model>\S+) needs (?P<need>[\d,]+) B (?P<kind>RAM|flash) \((?P<parts>[^)]*)\), "
                    r"(?P<board>\S+) has (?P<has>[\d,]+) B \((?P<region>\w+) at 0x[0-9A-F]{8}; (?P<over>[\d,]+) B over\)")


def _num(s: str) -> int:
    return int(s.replace(",", ""))


def _parts(text: str) -> dict[str, int]:
    out = {}
    for part in text.split(" + "):
        m = re.fullmatch(r"(\w+) ~?([\d,]+)", part)
        assert m, part
        out[m.group(1)] = _num(m.group(2))
    return out


@needs_shared
@pytest.mark.parametrize("board", REAL_BOARDS)
def test_model_too_big_for_flash_is_refused_with_the_numbers(board, tmp_path):
    """ad01_fp32 has 1,063,456 B of weights: more than the 1 MiB flash of both real boards."""
    model = MLPERF / "ad01_fp32.ms"
    out = tmp_path / "proj"
    line = _one_error_line(_run("generate", model, "--board", board, "-o", out))
    m = FIT_RE.match(line)
    assert m, line
    parts = _parts(m.group("parts"))
    assert (m.group("model"), m.group("kind"), m.group("board"), m.group("region")) == \
        ("ad01_fp32.ms", "flash", board, "FLASH")
    assert set(parts) == {"weights", "code"} and parts["weights"] == 1_063_456
    assert 4_000 < parts["code"] < 20_000                       # an estimate of the firmware's code
    assert _num(m.group("need")) == sum(parts.values())
    assert _num(m.group("has")) == 1_048_576
    assert _num(m.group("over")) == _num(m.group("need")) - 1_048_576
    assert "~" in m.group("parts")                              # the code size is marked as an estimate
    assert not out.exists()                                     # refused before anything was written


def _big_activation_model(folder: Path) -> Path:
    """fp32 RELU on 1x64x128x4: a 256 KiB arena (input + output, 128 KiB each), no weights: too
    much for the nRF52840's 256 KiB of RAM once the stack is added, not for the STM32F746's 320 KiB."""
    b = GraphBuilder("bigact")
    x = b.input("x", DType.FLOAT32, (1, 64, 128, 4))
    y = b.node("Activation", [x], [("y", DType.FLOAT32, (1, 64, 128, 4))], name="relu", activation_type="RELU")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bigact.ms"
    write_model(b.build(outputs=[y]), path)
    return path


def test_model_too_big_for_ram_is_refused_with_the_numbers(tmp_path):
    model = _big_activation_model(tmp_path)
    line = _one_error_line(_run("generate", model, "--board", "nrf52840dk", "-o", tmp_path / "proj"))
    m = FIT_RE.match(line)
    assert m, line
    parts = _parts(m.group("parts"))
    assert (m.group("model"), m.group("kind"), m.group("board"), m.group("region")) == \
        ("bigact.ms", "RAM", "nrf52840dk", "RAM")
    assert list(parts) == ["arena", "stack", "firmware"]
    assert parts["arena"] == api.memory_plan(api.load(model)).arena_size == 2 * 64 * 128 * 4 * 4
    assert parts["stack"] == 0x4000                             # nrf52840dk's stack_size
    assert 1_000 < parts["firmware"] < 4_096
    assert _num(m.group("need")) == sum(parts.values()) and _num(m.group("has")) == 262_144
    # the same model fits a board with more RAM
    assert _run("check", model, "--board", "stm32f746g-disco").exit_code == 0


def test_check_board_reports_a_graph_level_problem(tmp_path):
    model = _big_activation_model(tmp_path)
    r = _run("check", model, "--board", "nrf52840dk", "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["supported"] is False and len(doc["problems"]) == 1
    p = doc["problems"][0]
    assert (p["node"], p["op"], p["index"]) == ("", "", -1)
    assert re.match(r"bigact\.ms needs [\d,]+ B RAM \(arena [\d,]+ \+ stack 16,384 \+ firmware [\d,]+\), "
                    r"nrf52840dk has 262,144 B", p["reason"])
    r = _run("check", model, "--board", "nrf52840dk")
    assert r.exit_code == 1 and "needs" in r.stderr and "nrf52840dk has 262,144 B" in r.stderr
    # without --board only support is checked
    assert json.loads(_run("check", model, "--json").stdout) == {"supported": True, "problems": [], "folded": []}


@needs_shared
def test_check_board_fits(tmp_path):
    r = _run("check", KWS, "--board", "nrf52840dk")
    assert r.exit_code == 0, r.output
    assert re.search(r"fits nrf52840dk: RAM [\d,]+ of 262,144 B, flash ~[\d,]+ of 1,048,576 B", r.stdout)
    # vww_96_float: 843,400 B of weights fit 1 MiB of flash, not the 512 KiB ITCM of the AN547
    assert _run("check", MLPERF / "vww_96_float.ms", "--board", "nrf52840dk").exit_code == 0
    r = _run("check", MLPERF / "vww_96_float.ms", "--board", "qemu-mps3-an547", "--json")
    assert r.exit_code == 1 and "qemu-mps3-an547 has 524,288 B" in json.loads(r.stdout)["problems"][0]["reason"]


# ---------------------------------------------------------------- real boards: generate + cross build

@pytest.fixture(scope="module")
def real_projects(tmp_path_factory):
    """kws_ref_model generated and built for both real boards: {board: project dir}."""
    skip_unless_shared(MLPERF)
    require_tool("arm-none-eabi-gcc")
    root = tmp_path_factory.mktemp("real")
    out = {}
    for board in REAL_BOARDS:
        proj = root / board
        r = _run("generate", KWS, "--board", board, "-o", proj)
        assert r.exit_code == 0, r.output
        r = _run("build", proj)
        assert r.exit_code == 0, r.output
        out[board] = (proj, r.stdout)
    return out


@pytest.mark.arm_cc
@pytest.mark.parametrize("board", REAL_BOARDS)
def test_real_board_build(real_projects, board):
    proj, output = real_projects[board]
    makefile = (proj / "Makefile").read_text()
    assert "SECTION_FLAGS = -ffunction-sections -fdata-sections" in makefile
    assert "LDFLAGS = -Wl,--gc-sections" in makefile and "-Werror" in makefile
    assert "KERNEL_DEFINES = -DCONV_INT8_VARIANTS=0x" in makefile
    man = json.loads((proj / "manifest.json").read_text())
    assert man["board"] == board and (proj / man["executable"]).is_file()
    ram = load_board(board).region("ram").length
    m = re.search(r"flash ([\d,]+) of 1,048,576 B \([\d.]+%\), RAM ([\d,]+) of ([\d,]+) B .* on " + board, output)
    assert m, output
    assert _num(m.group(3)) == ram and _num(m.group(2)) >= man["arena_bytes"] + 0x4000


@pytest.mark.arm_cc
def test_built_image_is_checked_against_the_board(real_projects, monkeypatch):
    """The ELF's real sizes: data + bss + stack vs RAM, text + rodata + data vs flash."""
    import micro_codegen.boards as boards_mod
    proj, _ = real_projects["nrf52840dk"]
    real = load_board("nrf52840dk")
    small = dataclasses.replace(real, memory=(Memory("FLASH", 0, 1 << 20, "flash"),
                                              Memory("RAM", 0x20000000, 20_000, "ram")))
    monkeypatch.setattr(boards_mod, "load_board", lambda name: small)
    with pytest.raises(BoardConfigError) as e:
        api.build(proj)
    msg = str(e.value)
    m = re.match(r"kws_ref_model\.elf \(kws_ref_model\.ms\) needs ([\d,]+) B RAM \(data ([\d,]+) \+ bss ([\d,]+) \+ "
                 r"stack 16,384\), nrf52840dk has 20,000 B", msg)
    assert m, msg
    assert _num(m.group(1)) == _num(m.group(2)) + _num(m.group(3)) + 16_384
    assert _num(m.group(3)) >= json.loads((proj / "manifest.json").read_text())["arena_bytes"]


@pytest.mark.arm_cc
def test_link_overflow_is_a_fit_error(real_projects, tmp_path):
    proj, _ = real_projects["stm32f746g-disco"]
    copy = tmp_path / "proj"
    shutil.copytree(proj, copy)
    ld = copy / "board.ld"
    ld.write_text(re.sub(r"(RAM\s+\(rwx\) : ORIGIN = 0x20000000, LENGTH = )0x[0-9A-F]+", r"\g<1>0x00004000",
                         ld.read_text()))
    for elf in (copy / "build").glob("*.elf"):
        elf.unlink()
    with pytest.raises(BoardConfigError, match=r"does not fit board 'stm32f746g-disco' at link time: region RAM "
                                               r"overflowed by [\d,]+ B; stm32f746g-disco has 327,680 B"):
        api.build(copy)


# ---------------------------------------------------------------- flash

EXPECTED_FLASH = {
    ("nrf52840dk", "openocd"): ["openocd", "-f", "interface/jlink.cfg", "-c", "transport select swd",
                                "-f", "target/nrf52.cfg", "-c", "program {ELF} verify reset exit"],
    ("nrf52840dk", "pyocd"): ["pyocd", "flash", "-t", "nrf52840", "ELF"],
    ("stm32f746g-disco", "openocd"): ["openocd", "-f", "board/stm32f746g-disco.cfg",
                                      "-c", "program {ELF} verify reset exit"],
    ("stm32f746g-disco", "pyocd"): ["pyocd", "flash", "-t", "stm32f746nghx", "ELF"],
}


@pytest.mark.arm_cc
@pytest.mark.parametrize("board, runner", sorted(EXPECTED_FLASH))
def test_flash_dry_run(real_projects, board, runner, tmp_path, monkeypatch):
    proj, _ = real_projects[board]
    monkeypatch.setenv("PATH", str(tmp_path))                 # a dry run needs neither tool
    elf = str((proj / json.loads((proj / "manifest.json").read_text())["executable"]).absolute())
    r = _run("flash", proj, "--runner", runner, "--dry-run")
    assert r.exit_code == 0, r.output
    line = r.stdout.strip()
    assert "\n" not in line
    want = [a.replace("ELF", elf) for a in EXPECTED_FLASH[(board, runner)]]
    assert shlex.split(line) == want
    assert line == shlex.join(want)                             # shell-quoted: paste it into a shell
    if runner == "openocd":
        assert "'program {" in line
    assert r.stderr == ""


@pytest.mark.arm_cc
@pytest.mark.parametrize("board", REAL_BOARDS)
def test_flash_default_runner_is_the_boards(real_projects, board):
    proj, _ = real_projects[board]
    r = _run("flash", proj, "--dry-run")
    assert r.exit_code == 0 and shlex.split(r.stdout)[0] == load_board(board).runner == "openocd"


@pytest.mark.arm_cc
@pytest.mark.parametrize("runner, hint", [("openocd", "apt-get install openocd"), ("pyocd", "pip install pyocd")])
def test_flash_missing_program_gives_an_install_hint(real_projects, runner, hint, tmp_path, monkeypatch):
    proj, _ = real_projects["nrf52840dk"]
    monkeypatch.setenv("PATH", str(tmp_path))
    line = _one_error_line(_run("flash", proj, "--runner", runner))
    assert f"'{runner}' not found on PATH" in line and hint in line
    with pytest.raises(ToolchainError) as e:
        api.flash(proj, runner=runner)
    assert hint in e.value.hint


@pytest.mark.parametrize("board", ["qemu-mps2-an386", "host"])
def test_flash_refuses_a_simulated_board(board, tmp_path):
    model = write_tiny_model(tmp_path / "m")
    proj = tmp_path / "proj"
    assert _run("generate", model, "--board", board, "-o", proj).exit_code == 0
    for extra in ((), ("--dry-run",), ("--runner", "pyocd")):
        line = _one_error_line(_run("flash", proj, *extra))
        assert f"board '{board}' is simulated" in line and "use `micro-codegen run` or `validate`" in line


def test_flash_needs_a_built_image(tmp_path):
    model = write_tiny_model(tmp_path / "m")
    proj = tmp_path / "proj"
    assert _run("generate", model, "--board", "stm32f746g-disco", "-o", proj).exit_code == 0
    line = _one_error_line(_run("flash", proj))
    assert "no firmware image" in line and "micro-codegen build" in line
    # a dry run still shows the command, with a note on stderr
    r = _run("flash", proj, "--dry-run")
    assert r.exit_code == 0 and r.stdout.startswith("openocd -f board/stm32f746g-disco.cfg")
    assert "does not exist yet" in r.stderr


# ---------------------------------------------------------------- runners, --port, defaults

def test_every_board_gets_its_runner(tmp_path):
    from micro_codegen.runners import RUNNERS, get_runner
    assert {"host", "qemu", "openocd", "pyocd"} <= set(RUNNERS)
    for b in api.boards():
        r = get_runner(b, tmp_path, tmp_path / "fw.elf", port="/dev/ttyACM0" if not b.is_simulated else None)
        assert r.name == b.runner
        for other in b.all_runners:
            assert get_runner(b, tmp_path, tmp_path / "fw.elf", runner=other).name == other
    with pytest.raises(BoardConfigError, match="cannot use runner 'pyocd'"):
        get_runner(load_board("qemu-mps2-an386"), tmp_path, tmp_path / "fw.elf", runner="pyocd")


def test_port_is_refused_on_a_simulated_board(tmp_path):
    model = write_tiny_model(tmp_path / "m")
    line = _one_error_line(_run("validate", model, "--port", "/dev/ttyACM0"))
    assert "board 'qemu-mps2-an386' is simulated" in line and "--port" in line
    line = _one_error_line(_run("validate", model, "--board", "host", "--port", "socket://127.0.0.1:9"))
    assert "board 'host' is simulated" in line


@pytest.mark.arm_cc
def test_real_board_run_needs_a_port(real_projects, tmp_path, monkeypatch):
    proj, _ = real_projects["nrf52840dk"]
    for runner in ((), ("--runner", "pyocd")):
        line = _one_error_line(_run("run", proj, "--cases", str(KWS) + ".npz", *runner))
        assert "board 'nrf52840dk': pass --port" in line
    monkeypatch.setenv("PATH", str(tmp_path))
    line = _one_error_line(_run("run", proj, "--cases", str(KWS) + ".npz", "--port", "/dev/ttyACM0"))
    assert "'openocd' not found" in line and "apt-get install openocd" in line
    line = _one_error_line(_run("run", proj, "--cases", str(KWS) + ".npz", "--runner", "qemu"))
    assert "board 'nrf52840dk' cannot use runner 'qemu' (its runners: openocd, pyocd)" in line


def test_runner_must_be_one_of_the_boards(tmp_path):
    model = write_tiny_model(tmp_path / "m")
    line = _one_error_line(_run("validate", model, "--runner", "pyocd"))
    assert "board 'qemu-mps2-an386' cannot use runner 'pyocd' (its runners: qemu)" in line


def test_validate_defaults_to_the_qemu_an386():
    import inspect
    assert DEFAULT_BOARD == "qemu-mps2-an386"
    opt = next(p for p in cli.validate.params if p.name == "board")
    assert opt.default == DEFAULT_BOARD
    assert inspect.signature(api.validate).parameters["board"].default == DEFAULT_BOARD
    assert next(p for p in cli.validate.params if p.name == "port").default is None


# ---------------------------------------------------------------- progress and diagnostics

def test_progress_lines(capsys):
    p = cli._StderrProgress(after=0.0, every=0.0)
    with p.step("build"):
        pass
    with p.step("cases"):
        for k in range(3):
            p.case(k + 1, 3)
    err = capsys.readouterr()
    assert err.out == ""
    assert re.search(r"^\[build\] \d+\.\d s$", err.err, re.M)
    assert re.search(r"^\[cases\] 3/3 \(\d+\.\d s\)$", err.err, re.M)
    quiet = cli._StderrProgress(after=60.0)
    with quiet.step("build"):
        quiet.case(1, 1)
    assert capsys.readouterr().err == ""


@pytest.mark.host_cc
def test_validate_json_keeps_stdout_clean_with_progress(tmp_path, monkeypatch):
    require_tool("gcc")
    model = write_tiny_model(tmp_path / "m")
    monkeypatch.setattr(cli, "_progress", lambda flag: cli._StderrProgress(after=0.0) if flag else None)
    r = _run("validate", model, "--board", "host", "--json", "--progress")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["passed"] == 3
    for step in ("generate", "build", "boot", "cases"):
        assert re.search(rf"^\[{step}\] \d+\.\d s$", r.stderr, re.M), r.stderr
    r = _run("validate", model, "--board", "host", "--json", "--no-progress")
    assert r.exit_code == 0 and r.stderr == ""


@needs_shared
@pytest.mark.qemu
def test_firmware_fault_is_in_the_error(tmp_path):
    """A firmware that faults: the error carries QEMU's exit code and the fault report."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    proj = tmp_path / "proj"
    api.generate(KWS, "qemu-mps2-an386", proj)
    main_c = proj / "main_validate.c"
    text = main_c.read_text()
    assert "    mc_proto_serve(" in text
    main_c.write_text(text.replace("    mc_proto_serve(", '    __asm volatile(".inst.n 0xde00"); /* UDF */\n'
                                                         "    mc_proto_serve(", 1))
    api.build(proj)
    with pytest.raises(ValidationError) as e:
        api.run(proj, str(KWS) + ".npz")
    msg = str(e.value)
    assert "QEMU exited with code 250 (firmware fault" in msg and "HardFault" in msg and "pc=0x" in msg
    r = _run("run", proj, "--cases", str(KWS) + ".npz")
    assert "HardFault" in _one_error_line(r)


@pytest.mark.host_cc
def test_host_firmware_exit_code_is_in_the_error(tmp_path):
    require_tool("gcc")
    model = write_tiny_model(tmp_path / "m")
    proj = tmp_path / "proj"
    api.generate(model, "host", proj)
    exe = api.build(proj).image
    exe.write_text("#!/bin/sh\necho 'assert failed: arena' >&2\nexit 3\n")
    with pytest.raises(ValidationError, match=r"\[process exited with code 3; stderr: assert failed: arena\]"):
        api.run(proj, str(model) + ".npz")
