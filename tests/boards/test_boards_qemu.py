"""Cortex-M boards: board data, start-up templates, QEMU bring-up and flash runners.

The bring-up firmware (templates/c/cortex_m/bringup_main.c.j2 + the board templates, rendered here
straight from each board.toml) is built with arm-none-eabi-gcc and run in qemu-system-arm through
:class:`~micro_codegen.runners.qemu.QemuRunner`: it must print "hello <board>", echo bytes both
ways over the UART (QEMU tcp serial <-> pyserial socket://), use the FPU (and MVE on the M55),
read a host file through semihosting, report a HardFault, and exit with the code the host asks for.
Missing qemu-system-arm or arm-none-eabi-gcc fails these tests (scripts/setup.sh installs both).
"""
from __future__ import annotations

import struct
import subprocess
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from micro_codegen.errors import ToolchainError, ValidationError
from micro_codegen.runners.flash import OpenOcdRunner, PyOcdRunner
from micro_codegen.runners.qemu import FAULT_EXIT_CODE, QemuRunner

from conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates" / "c"
QEMU_BOARDS = ["qemu-mps2-an386", "qemu-mps2-an500", "qemu-mps2-an505", "qemu-mps3-an547", "qemu-netduinoplus2"]
REAL_BOARDS = ["nrf52840dk", "stm32f746g-disco"]
ALL_BOARDS = QEMU_BOARDS + REAL_BOARDS
UART_DRIVERS = {"cmsdk": "cortex_m/board_uart_cmsdk.c.j2", "nrf_uarte": "cortex_m/board_uart_nrf_uarte.c.j2",
                "stm32_usart": "cortex_m/board_uart_stm32_usart.c.j2",
                "stm32f4_usart": "cortex_m/board_uart_stm32f4_usart.c.j2"}
# the generated projects' warning bar (STYLE.md) and optimisation flags (emit/project.py)
WARN = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wdouble-promotion", "-Wvla",
        "-Wstrict-prototypes", "-Wmissing-prototypes"]
OPT = ["-O2", "-ffp-contract=off", "-ffunction-sections", "-fdata-sections"]


# ------------------------------------------------------------------ helpers

def board_table(name: str) -> dict:
    with open(REPO / "boards" / name / "board.toml", "rb") as f:
        return tomllib.load(f)


def board_ns(doc: dict) -> SimpleNamespace:
    """The parts of a board the runners use, straight from the TOML table."""
    mems = [SimpleNamespace(**m) for m in doc.get("memory", [])]

    def region(kind):
        return next((m for m in mems if m.kind == kind), None)

    return SimpleNamespace(name=doc["name"], qemu=doc.get("qemu", {}), uart=doc.get("uart", {}),
                           runner_args=doc.get("runner_args", {}), memory=mems, region=region)


def render_board(doc: dict, out: Path, extra: tuple[str, ...] = ("cortex_m/bringup_main.c.j2",)) -> list[str]:
    """Render the board's templates (as emit/project.py does: context ``board`` = the TOML table)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for tpl in list(doc["templates"]) + list(extra):
        name = Path(tpl).name.removesuffix(".j2")
        (out / name).write_text(env.get_template(tpl).render(board=doc), encoding="utf-8")
        files.append(name)
    return files


def build_bringup(name: str, out: Path, doc: dict | None = None) -> Path:
    """Render + compile + link the bring-up firmware for board ``name`` (or its table ``doc``,
    e.g. with a key changed); return the ELF."""
    gcc = require_tool("arm-none-eabi-gcc")
    doc = doc or board_table(name)
    files = render_board(doc, out)
    srcs = [f for f in files if f.endswith(".c")]
    cmd = [gcc, *doc["cflags"], *OPT, *WARN, *srcs, *doc.get("ldflags", []), "-Wl,--gc-sections",
           "-Wl,-Map=bringup.map", "-o", "bringup.elf", "-lm"]
    p = subprocess.run(cmd, cwd=out, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, f"{name}: build failed:\n{' '.join(cmd)}\n{p.stdout}"
    return out / "bringup.elf"


def elf_symbols(elf: Path) -> dict[str, int]:
    nm = require_tool("arm-none-eabi-nm")
    p = subprocess.run([nm, str(elf)], stdout=subprocess.PIPE, text=True, check=True)
    syms = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def vector_table(elf: Path, out: Path) -> list[int]:
    objcopy = require_tool("arm-none-eabi-objcopy")
    raw = out / "vectors.bin"
    subprocess.run([objcopy, "-O", "binary", "-j", ".vectors", str(elf), str(raw)], check=True)
    data = raw.read_bytes()
    return list(struct.unpack(f"<{len(data) // 4}I", data))


def fnv1a32(data: bytes) -> int:
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def expected_dot() -> int:
    return sum((i - 32) * (3 - i % 7) for i in range(64))


@pytest.fixture(scope="module")
def an386_elf(tmp_path_factory) -> Path:
    return build_bringup("qemu-mps2-an386", tmp_path_factory.mktemp("an386"))


# ------------------------------------------------------------------ board data

@pytest.mark.parametrize("name", ALL_BOARDS)
def test_board_file_is_complete(name):
    doc = board_table(name)
    assert doc["name"] == name and doc["toolchain"] == "arm-none-eabi"
    assert doc["core"].startswith("cortex-m") and f"-mcpu={doc['core']}" in doc["cflags"]
    assert "-mfloat-abi=hard" in doc["cflags"] and "-Tboard.ld" in doc["ldflags"]
    assert isinstance(doc["cpu_hz"], int) and doc["cpu_hz"] >= 1_000_000
    kinds = [m["kind"] for m in doc["memory"]]
    assert kinds.count("flash") == 1 and kinds.count("ram") == 1
    spans = sorted((m["origin"], m["origin"] + m["length"]) for m in doc["memory"])
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:])), "regions overlap"
    ram = next(m for m in doc["memory"] if m["kind"] == "ram")
    assert 0 < doc["stack_size"] <= ram["length"] // 4
    for tpl in doc["templates"]:
        assert (TEMPLATES / tpl).is_file(), tpl
    assert UART_DRIVERS[doc["uart"]["kind"]] in doc["templates"]
    if name in QEMU_BOARDS:
        assert doc["runner"] == "qemu" and doc["qemu"]["machine"] and doc["semihosting"] is True
        assert doc["qemu"]["cpu"] == doc["core"]
    else:
        assert doc["runner"] in ("openocd", "pyocd") and set(doc["runners"]) == {"openocd", "pyocd"}
        assert doc["semihosting"] is False and doc["dwt_cyccnt"] is True
        assert "qemu" not in doc


@pytest.mark.parametrize("name", ALL_BOARDS)
def test_board_file_passes_boards_schema(name):
    from micro_codegen.boards import load_board
    b = load_board(name)
    assert b.name == name and b.region("flash") is not None and b.region("ram") is not None


def test_board_memory_maps():
    """The QEMU memory maps we rely on (hw/arm/mps2.c, mps2-tz.c) and the real parts' data sheets."""
    expect = {  # name: (flash origin, flash length, ram origin, ram length, UART base)
        "qemu-mps2-an386": (0x00000000, 4 << 20, 0x20000000, 4 << 20, 0x40004000),
        "qemu-mps2-an500": (0x00000000, 4 << 20, 0x20000000, 4 << 20, 0x40004000),
        "qemu-mps2-an505": (0x10000000, 4 << 20, 0x38000000, 4 << 20, 0x50200000),
        "qemu-mps3-an547": (0x00000000, 512 << 10, 0x21000000, 4 << 20, 0x49303000),
        "nrf52840dk": (0x00000000, 1 << 20, 0x20000000, 256 << 10, 0x40002000),
        "stm32f746g-disco": (0x08000000, 1 << 20, 0x20000000, 320 << 10, 0x40011000),
        "qemu-netduinoplus2": (0x08000000, 1 << 20, 0x20000000, 128 << 10, 0x40011000),
    }
    for name, (fo, fl, ro, rl, uart) in expect.items():
        doc = board_table(name)
        mem = {m["kind"]: (m["origin"], m["length"]) for m in doc["memory"]}
        weights = {"weights": (0x21000000, 16 << 20)} if name == "qemu-mps2-an386" else {}   # PSRAM
        assert mem == {"flash": (fo, fl), "ram": (ro, rl), **weights}, name
        assert doc["uart"]["base"] == uart, name


# ------------------------------------------------------------------ templates: compile and link

@pytest.mark.arm_cc
@pytest.mark.parametrize("name", ALL_BOARDS)
def test_templates_render_compile_and_link(name, tmp_path):
    """Every board's templates build clean at the warning bar and link with its linker script."""
    elf = build_bringup(name, tmp_path)
    doc = board_table(name)
    flash = next(m for m in doc["memory"] if m["kind"] == "flash")
    ram = next(m for m in doc["memory"] if m["kind"] == "ram")
    syms = elf_symbols(elf)
    vectors = vector_table(elf, tmp_path)
    assert syms["board_vector_table"] == flash["origin"]
    assert vectors[0] == syms["__stack_top"] == ram["origin"] + doc["stack_size"]
    assert syms["__stack_limit"] == ram["origin"]
    assert vectors[1] == syms["Reset_Handler"] | 1
    assert vectors[3] == syms["board_fault_entry"] | 1                      # HardFault
    assert vectors[15] == syms["SysTick_Handler"] | 1
    for sym in ("__data_start", "__bss_end", "__heap_end"):
        assert ram["origin"] <= syms[sym] <= ram["origin"] + ram["length"], sym
    assert flash["origin"] <= syms["__data_load"] < flash["origin"] + flash["length"]
    irq = doc["uart"].get("irq")
    if irq is not None:
        assert len(vectors) == 16 + irq + 1
        assert vectors[16 + irq] == syms["board_uart_irq_handler"] | 1
    assert ("semihost_call" in (tmp_path / "board_semihosting.c").read_text()) == doc["semihosting"]


@pytest.mark.arm_cc
def test_linker_script_refuses_a_board_without_ram(tmp_path):
    doc = board_table("nrf52840dk")
    doc["memory"] = [m for m in doc["memory"] if m["kind"] == "flash"]
    render_board(doc, tmp_path, extra=())
    assert "ASSERT(0" in (tmp_path / "board.ld").read_text()


# ------------------------------------------------------------------ QEMU bring-up

def bringup_session(link, doc: dict, blob_name: str, blob: bytes, exit_code: int, throughput_bytes: int) -> dict:
    """Talk to the bring-up firmware: hello, echo, FPU/MVE, ticks, host->target and target->host
    throughput, semihosting file read, then ask it to exit with ``exit_code``."""
    out = {}
    hello = link.read_until(b"\r\n", 20.0)
    assert hello.endswith(f"hello {doc['name']}\r\n".encode()), hello

    data = bytes(range(256)) * 2 + b"\x00\xff\r\n\x11\x13"   # every byte value, also XON/XOFF
    link.write(b"E" + struct.pack("<I", len(data)) + data)
    assert link.read_exactly(len(data), 20.0) == data

    link.write(b"M")
    tag, fbits, dot = struct.unpack("<cIi", link.read_exactly(9, 10.0))
    assert tag == b"m" and struct.unpack("<f", struct.pack("<I", fbits))[0] == 1.5 * -2.25 + 0.5
    assert dot == expected_dot()

    link.write(b"T")
    tag, lo, hi, hz = struct.unpack("<cIII", link.read_exactly(13, 10.0))
    assert tag == b"t" and hz == doc["cpu_hz"] and (hi << 32 | lo) > 0

    payload = bytes((i * 7 + 3) & 0xFF for i in range(throughput_bytes))
    t0 = time.monotonic()
    link.write(b"R" + struct.pack("<I", len(payload)) + payload)
    tag, h, _ticks = struct.unpack("<cII", link.read_exactly(9, 60.0))
    out["host_to_target_Bps"] = len(payload) / (time.monotonic() - t0)
    assert tag == b"r" and h == fnv1a32(payload)

    t0 = time.monotonic()
    link.write(b"S" + struct.pack("<I", throughput_bytes))
    got = link.read_exactly(throughput_bytes, 60.0)
    out["target_to_host_Bps"] = throughput_bytes / (time.monotonic() - t0)
    assert got == bytes(i & 0xFF for i in range(throughput_bytes))

    path = blob_name.encode()
    t0 = time.monotonic()
    link.write(b"F" + bytes([len(path)]) + path)
    tag, n, h, _ticks = struct.unpack("<cIII", link.read_exactly(13, 20.0))
    out["semihosting_read_Bps"] = n / (time.monotonic() - t0)
    assert tag == b"f" and n == len(blob) and h == fnv1a32(blob)

    link.write(b"X" + bytes([exit_code]))
    return out


@pytest.mark.qemu
@pytest.mark.parametrize("name", QEMU_BOARDS)
def test_bringup_in_qemu(name, tmp_path, record_property):
    """Start-up, UART both ways, FPU (MVE on M55), SysTick, semihosting read and exit code, per board
    (each takes 2-4 s, so all of them run by default)."""
    require_tool("qemu-system-arm")
    elf = build_bringup(name, tmp_path)
    doc = board_table(name)
    blob = bytes((i * 131 + 7) & 0xFF for i in range(20000))
    (tmp_path / "blob.bin").write_bytes(blob)
    exit_code = 40 + QEMU_BOARDS.index(name)
    runner = QemuRunner(board_ns(doc), tmp_path, elf)
    t0 = time.monotonic()
    code, rates = runner.run(lambda link: bringup_session(link, doc, "blob.bin", blob, exit_code, 8192),
                             timeout=60.0)
    elapsed = time.monotonic() - t0
    assert code == exit_code, runner.diagnostics()
    assert runner.proc.poll() is not None
    for key, value in rates.items():
        record_property(key, round(value))
    record_property("seconds", round(elapsed, 2))
    print(f"\n{name}: {elapsed:.2f} s; host->target {rates['host_to_target_Bps']:,.0f} B/s, "
          f"target->host {rates['target_to_host_Bps']:,.0f} B/s, "
          f"semihosting read {rates['semihosting_read_Bps']:,.0f} B/s")
    assert rates["host_to_target_Bps"] > 1000          # ~20-45 KB/s measured; only a sanity floor here


@pytest.mark.qemu
@pytest.mark.parametrize("name", ["qemu-mps2-an386", pytest.param("qemu-mps3-an547", marks=pytest.mark.slow),
                                  pytest.param("qemu-netduinoplus2", marks=pytest.mark.slow)])
def test_timing_is_monotonic_and_deterministic(name, tmp_path):
    """board_ticks() across WFI sleeps and 1 kHz SysTick wraps: a streamed 27 KB never trips the
    250 ms byte timeout, time never runs backwards, and a fixed loop always takes the same ticks
    (QEMU -icount). Regression test: counting periods only in SysTick_Handler lost or double-counted
    one around the wrap (the counter shows 0 for a clock after the exception, and QEMU can raise the
    exception late), which made the validation protocol time out frames."""
    require_tool("qemu-system-arm")
    elf = build_bringup(name, tmp_path)
    doc = board_table(name)
    runner = QemuRunner(board_ns(doc), tmp_path, elf)

    def session(link):
        link.read_until(b"\r\n", 20.0)
        for _ in range(3):
            n = 27 * 1044
            link.write(b"G" + struct.pack("<I", n))
            for _ in range(27):                      # frame-sized writes, as the protocol does
                link.write(bytes(1044))
                time.sleep(0.002)
            tag, timeouts, backwards = struct.unpack("<cII", link.read_exactly(9, 60.0))
            assert (tag, timeouts, backwards) == (b"g", 0, 0)
        link.write(b"D" + struct.pack("<I", 200))
        tag, lo, hi = struct.unpack("<cII", link.read_exactly(9, 60.0))
        link.write(b"X\x00")
        return lo, hi

    code, (lo, hi) = runner.run(session, timeout=60.0)
    assert code == 0, runner.diagnostics()
    # deterministic under -icount shift=0, up to the 1 kHz SysTick handler falling inside or not
    assert hi - lo <= 3
    per_iteration = lo * 1e9 / doc["cpu_hz"] / 100_000  # 1 instruction = 1 ns: 6 on M4, 5 on M55 (LOB)
    assert 4 <= per_iteration <= 7


@pytest.mark.qemu
def test_bytes_sent_at_once_reach_the_stm32_usart(tmp_path):
    """QEMU's STM32 USART drops what arrives before the firmware enables it; the runner waits the
    board's settle_ms after connecting, so a host that writes at once (as the protocol's HELLO does)
    loses nothing. Before, the first request was lost in most boots and only a retry answered it."""
    require_tool("qemu-system-arm")
    elf = build_bringup("qemu-netduinoplus2", tmp_path)
    doc = board_table("qemu-netduinoplus2")
    assert doc["qemu"]["settle_ms"] >= 50
    data = bytes(range(32))

    def session(link):
        link.write(b"E" + struct.pack("<I", len(data)) + data)      # before the firmware said hello
        hello = b"hello qemu-netduinoplus2\r\n"
        got = link.read_until(hello, 20.0)
        echoed = got[got.index(hello) + len(hello):]
        echoed += link.read_exactly(len(data) - len(echoed), 10.0)
        link.write(b"X\x00")
        return echoed

    code, echoed = QemuRunner(board_ns(doc), tmp_path, elf).run(session, timeout=60.0)
    assert code == 0 and echoed == data


@pytest.mark.qemu
def test_hardfault_is_reported_and_exits(an386_elf):
    """An undefined instruction: the fault handler reports pc/cfsr over the UART and the semihosting
    console, then exits with BOARD_EXIT_FAULT; the runner's diagnostics carry the report."""
    require_tool("qemu-system-arm")
    runner = QemuRunner(board_ns(board_table("qemu-mps2-an386")), an386_elf.parent, an386_elf)

    def session(link):
        link.read_until(b"\r\n", 20.0)
        link.write(b"P")
        return link.read_until(b"***\r\n", 20.0)

    code, report = runner.run(session, timeout=30.0)
    assert code == FAULT_EXIT_CODE
    assert b"*** HardFault (exception 3) pc=0x" in report and b"cfsr=0x00010000" in report   # UNDEFINSTR
    diag = runner.diagnostics()
    assert "exited with code 250" in diag and "firmware: *** HardFault" in diag


@pytest.mark.qemu
def test_stack_overflow_trapped_by_msplim(tmp_path):
    """On v8-M (M33) the start-up sets MSPLIM: runaway recursion is a STKOF UsageFault, reported."""
    require_tool("qemu-system-arm")
    elf = build_bringup("qemu-mps2-an505", tmp_path)
    runner = QemuRunner(board_ns(board_table("qemu-mps2-an505")), tmp_path, elf)

    def session(link):
        link.read_until(b"\r\n", 20.0)
        link.write(b"O" + struct.pack("<I", 10))       # 10 x 256 B frames: fine
        assert link.read_exactly(5, 10.0)[:1] == b"o"
        link.write(b"O" + struct.pack("<I", 1000))     # 256 KB of stack: overflow
        return link.read_until(b"***\r\n", 20.0)

    code, report = runner.run(session, timeout=30.0)
    assert code == FAULT_EXIT_CODE and b"cfsr=0x00100000" in report        # UFSR.STKOF


@pytest.mark.qemu
def test_runner_kills_hung_firmware(an386_elf):
    require_tool("qemu-system-arm")
    runner = QemuRunner(board_ns(board_table("qemu-mps2-an386")), an386_elf.parent, an386_elf)

    def session(link):
        link.read_until(b"\r\n", 20.0)
        link.write(b"H")                               # the firmware spins forever

    t0 = time.monotonic()
    with pytest.raises(ValidationError, match="did not exit within 1 s; QEMU killed"):
        runner.run(session, timeout=1.0)
    assert time.monotonic() - t0 < 15
    assert runner.proc.poll() is not None              # QEMU is gone
    assert "QEMU was killed" in runner.diagnostics()


@pytest.mark.qemu
def test_runner_kills_qemu_when_the_session_fails(an386_elf):
    require_tool("qemu-system-arm")
    runner = QemuRunner(board_ns(board_table("qemu-mps2-an386")), an386_elf.parent, an386_elf)

    def session(link):
        link.read_until(b"\r\n", 20.0)
        raise RuntimeError("host side gave up")

    with pytest.raises(RuntimeError, match="gave up"):
        runner.run(session, timeout=30.0)
    assert runner.proc.poll() is not None


@pytest.mark.qemu
def test_qemu_start_failure_reports_stderr(an386_elf):
    require_tool("qemu-system-arm")
    doc = board_table("qemu-mps2-an386")
    doc["qemu"]["machine"] = "no-such-machine"
    runner = QemuRunner(board_ns(doc), an386_elf.parent, an386_elf)
    with pytest.raises(ToolchainError, match="did not start.*exited with code 1.*unsupported machine type"):
        with runner:
            pass
    assert runner.proc.poll() is not None


def test_qemu_command_line(tmp_path):
    board = board_ns(board_table("qemu-mps3-an547"))
    argv = QemuRunner(board, tmp_path, tmp_path / "fw.elf").command(4321)
    line = " ".join(argv)
    assert argv[0] == "qemu-system-arm" and argv[-2:] == ["-kernel", str(tmp_path / "fw.elf")]
    for part in ("-machine mps3-an547", "-cpu cortex-m55", "-nographic", "-monitor none",
                 "-semihosting-config enable=on,target=native",
                 "-serial tcp:127.0.0.1:4321,server=on,wait=on", "-icount shift=0"):
        assert part in line


def test_qemu_missing_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    elf = tmp_path / "fw.elf"
    elf.write_bytes(b"\x7fELF")
    runner = QemuRunner(board_ns(board_table("qemu-mps2-an386")), tmp_path, elf)
    with pytest.raises(ToolchainError) as e:
        with runner:
            pass
    assert "qemu-system-arm" in str(e.value) and "apt-get install qemu-system-arm" in e.value.hint


# ------------------------------------------------------------------ flash runners

@pytest.mark.parametrize("name, runner_cls, expect", [
    ("nrf52840dk", OpenOcdRunner, ["-f", "interface/jlink.cfg", "-c", "transport select swd",
                                   "-f", "target/nrf52.cfg"]),
    ("stm32f746g-disco", OpenOcdRunner, ["-f", "board/stm32f746g-disco.cfg"]),
    ("nrf52840dk", PyOcdRunner, ["flash", "-t", "nrf52840"]),
    ("stm32f746g-disco", PyOcdRunner, ["flash", "-t", "stm32f746nghx"]),
])
@pytest.mark.parametrize("image_name", ["fw.elf", "fw.hex"])
def test_flash_dry_run(name, runner_cls, expect, image_name, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))          # dry runs need no tool installed
    image = tmp_path / "project dir" / "build" / image_name
    argv = runner_cls(board_ns(board_table(name)), tmp_path, image).dry_run()
    assert argv[0] == runner_cls.program
    assert argv[1:1 + len(expect)] == expect
    if runner_cls is OpenOcdRunner:
        assert argv[-2:] == ["-c", f"program {{{image}}} verify reset exit"]
    else:
        assert argv[-1] == str(image)


def test_pyocd_bin_image_gets_flash_base_address(tmp_path):
    image = tmp_path / "fw.bin"
    argv = PyOcdRunner(board_ns(board_table("stm32f746g-disco")), tmp_path, image).dry_run()
    assert argv[-3:] == ["--base-address", "0x08000000", str(image)]


@pytest.mark.parametrize("runner_cls, hint", [(OpenOcdRunner, "apt-get install openocd"),
                                              (PyOcdRunner, "pip install pyocd")])
def test_flash_missing_program(runner_cls, hint, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    image = tmp_path / "fw.elf"
    image.write_bytes(b"\x7fELF")
    runner = runner_cls(board_ns(board_table("nrf52840dk")), tmp_path, image)
    with pytest.raises(ToolchainError) as e:
        runner.flash()
    assert runner_cls.program in str(e.value) and hint in e.value.hint


def test_flash_needs_runner_args(tmp_path):
    doc = board_table("nrf52840dk")
    del doc["runner_args"]
    with pytest.raises(ToolchainError, match=r"no \[runner_args\] openocd"):
        OpenOcdRunner(board_ns(doc), tmp_path, tmp_path / "fw.elf").dry_run()


def test_flash_start_needs_a_port(tmp_path):
    runner = OpenOcdRunner(board_ns(board_table("stm32f746g-disco")), tmp_path, tmp_path / "fw.elf")
    with pytest.raises(ValidationError, match="--port"):
        runner.start()
