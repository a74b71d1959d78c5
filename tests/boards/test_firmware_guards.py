"""Start-up and UART facts of the real boards that would stop a user at the first flash or reset,
checked on the built image and in QEMU (issue 18):

- nrf52840dk: the image holds UICR.APPROTECT = HwDisabled and the start-up writes
  APPROTECT.DISABLE = SwDisable (nRF52840 rev 3 re-locks the debug port at every reset otherwise);
- where SysTick stops in sleep (nRF52), a timed UART wait polls instead of sleeping in WFI, so a
  torn frame still times out (the polling path runs here on an MPS2 board with that flag);
- Cortex-M3/M4/M7 get an MPU guard region at the bottom of the stack: an overflow is a reported
  MemManage fault at the guard, not a write below the stack;
- the flash runner shows the firmware's UART fault report, as the QEMU runner does.
Hardware-only halves (the debug port really stays open after a reset; SysTick really stops in WFI)
are manual checks, listed in README "Flashing a real board".
"""
from __future__ import annotations

import re
import struct
import subprocess

import pytest

from micro_codegen.errors import ValidationError
from micro_codegen.runners.flash import OpenOcdRunner
from micro_codegen.runners.qemu import FAULT_EXIT_CODE, QemuRunner
from micro_codegen.validate.run import runner_diagnostics

from conftest import MLPERF, needs_shared, require_tool
from test_boards_qemu import board_ns, board_table, build_bringup, elf_symbols, render_board

UICR_APPROTECT, HW_DISABLED = 0x10001208, 0x5A
APPROTECT_DISABLE, SW_DISABLE = 0x40000558, 0x5A


def ihex_words(hex_text: str) -> dict[int, int]:
    """Intel HEX (what nrfjprog / the flash tools program) -> {address: byte}."""
    mem, upper = {}, 0
    for line in hex_text.split():
        raw = bytes.fromhex(line[1:])
        n, addr, kind, data = raw[0], int.from_bytes(raw[1:3], "big"), raw[3], raw[4:4 + raw[0]]
        if kind == 0:
            mem.update({upper + addr + i: b for i, b in enumerate(data[:n])})
        elif kind == 4:
            upper = int.from_bytes(data, "big") << 16
    return mem


def function_body(c_source: str, signature: str) -> str:
    """The definition of the function whose header is ``signature`` (not its prototype)."""
    start = c_source.index(signature + "\n{")
    return c_source[start:c_source.index("\n}\n", start)]


@pytest.mark.arm_cc
def test_nrf52840dk_image_keeps_the_debug_port_open(tmp_path):
    """UICR.APPROTECT = HwDisabled is in the image (a loadable word at 0x10001208 that the flash
    tools program with it), and Reset_Handler's C part writes APPROTECT.DISABLE = SwDisable first,
    on rev 3 parts only (FICR 0x10000134 >= 5, the MDK's check)."""
    elf = build_bringup("nrf52840dk", tmp_path)
    objcopy = require_tool("arm-none-eabi-objcopy")
    subprocess.run([objcopy, "-O", "ihex", str(elf), str(tmp_path / "fw.hex")], check=True)
    mem = ihex_words((tmp_path / "fw.hex").read_text())
    word = bytes(mem.get(UICR_APPROTECT + i, 0xFF) for i in range(4))
    assert struct.unpack("<I", word)[0] == HW_DISABLED
    assert not [a for a in mem if 0x10001000 <= a < 0x10002000 and not UICR_APPROTECT <= a < UICR_APPROTECT + 4]

    reset = function_body((tmp_path / "board_startup.c").read_text(), "void board_reset_c(void)")
    write = f"REG32(0x{APPROTECT_DISABLE:08X}u) = 0x{SW_DISABLE:08X}u;"
    assert "if (REG32(0x10000134u) >= 0x5u)" in reset and write in reset
    assert reset.index(write) < reset.index("__data_start")          # before anything else runs
    objdump = require_tool("arm-none-eabi-objdump")
    dis = subprocess.run([objdump, "-d", "--disassemble=board_reset_c", str(elf)], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    assert "@ 0x558" in dis and f"#{SW_DISABLE}" in dis                # str of 0x5A to 0x40000000 + 0x558


@pytest.mark.arm_cc
def test_boards_without_image_words_have_no_uicr_section(tmp_path):
    elf = build_bringup("qemu-mps2-an386", tmp_path)
    objdump = require_tool("arm-none-eabi-objdump")
    headers = subprocess.run([objdump, "-h", str(elf)], stdout=subprocess.PIPE, text=True, check=True).stdout
    assert ".image_word" not in headers
    assert "APPROTECT" not in (tmp_path / "board_startup.c").read_text()


@pytest.mark.parametrize("name, sleeps", [("nrf52840dk", False), ("stm32f746g-disco", True),
                                          ("qemu-mps2-an386", True)])
def test_timed_uart_wait_sleeps_only_where_systick_runs_in_sleep(name, sleeps, tmp_path):
    """nRF52's SysTick stops in WFI: a WFI there would never end without a byte, so a torn frame
    (mc_protocol.c's 250 ms byte timeout) would never time out. Its timed wait polls."""
    render_board(board_table(name), tmp_path, extra=())
    body = function_body((tmp_path / "board_io.c").read_text(), "int board_uart_getc_timeout(uint32_t timeout_ms)")
    assert ("wfi" in body) == sleeps


@pytest.mark.qemu
def test_polling_timed_wait_times_out_a_torn_transfer(tmp_path):
    """The polling wait (systick_in_sleep = false) on an MPS2 board: a byte that never comes times
    out after the timeout, one that is there returns at once, and streamed bytes never time out.
    (QEMU -icount runs MMIO polling at ~15 M instructions/s, so the timeout here is 20 ms.)"""
    require_tool("qemu-system-arm")
    doc = dict(board_table("qemu-mps2-an386"), systick_in_sleep=False)
    elf = build_bringup("qemu-mps2-an386", tmp_path, doc)
    assert "wfi" not in function_body((tmp_path / "board_io.c").read_text(),
                                      "int board_uart_getc_timeout(uint32_t timeout_ms)")
    ms = doc["cpu_hz"] // 1000

    def session(link):
        link.read_until(b"\r\n", 20.0)
        link.write(b"W" + struct.pack("<I", 20))                      # nothing follows: times out
        torn = struct.unpack("<ciI", link.read_exactly(9, 120.0))
        link.write(b"W" + struct.pack("<I", 20) + b"k")
        ready = struct.unpack("<ciI", link.read_exactly(9, 60.0))
        n = 4 * 1044
        link.write(b"G" + struct.pack("<I", n) + bytes(n))
        stream = struct.unpack("<cII", link.read_exactly(9, 60.0))
        link.write(b"X\x00")
        return torn, ready, stream

    code, (torn, ready, stream) = QemuRunner(board_ns(doc), tmp_path, elf).run(session, timeout=240.0)
    assert code == 0
    assert torn[:2] == (b"w", -1) and 20 * ms <= torn[2] < 30 * ms, torn
    assert ready[:2] == (b"w", ord("k")) and ready[2] < 20 * ms, ready
    assert stream == (b"g", 0, 0)              # no timeout, time never ran backwards


@pytest.mark.qemu
def test_stack_overflow_trapped_by_mpu_guard(tmp_path):
    """On an M4 (no MSPLIM) runaway recursion hits the MPU guard region at the bottom of the stack:
    a MemManage fault (escalated to HardFault) at the guard, reported as a stack overflow. Without
    the guard the pushes ran off the bottom of RAM (QEMU drops those writes and reads 0) and the
    report was an INVSTATE UsageFault from a return to address 0."""
    require_tool("qemu-system-arm")
    elf = build_bringup("qemu-mps2-an386", tmp_path)
    bottom = elf_symbols(elf)["__stack_limit"]
    runner = QemuRunner(board_ns(board_table("qemu-mps2-an386")), tmp_path, elf)

    def session(link):
        link.read_until(b"\r\n", 20.0)
        link.write(b"O" + struct.pack("<I", 10))       # 10 x 256 B frames: fine
        assert link.read_exactly(5, 10.0)[:1] == b"o"
        link.write(b"O" + struct.pack("<I", 1000))     # 256 KB of stack: overflow
        return link.read_until(b"***\r\n", 20.0).decode("ascii", "replace")

    code, report = runner.run(session, timeout=30.0)
    assert code == FAULT_EXIT_CODE and "stack overflow: sp=" in report, report
    cfsr = int(re.search(r"cfsr=0x([0-9A-F]{8})", report).group(1), 16)
    mmfar = int(re.search(r"mmfar=0x([0-9A-F]{8})", report).group(1), 16)
    assert cfsr & 0x80 and cfsr & 0x12, report          # MMARVALID and DACCVIOL / MSTKERR
    assert bottom <= mmfar < bottom + 256, report         # at the guard, nothing below it touched
    assert "firmware: *** HardFault" in runner.diagnostics()


def test_flash_runner_reports_the_uart_fault_report(tmp_path, monkeypatch):
    """A real board's fault report (text on its UART) reaches the error message, as in QEMU; the
    board is a pyserial loop:// port (what is written is read back), the flash step a no-op."""
    from micro_codegen.boards import load_board
    runner = OpenOcdRunner(load_board("nrf52840dk"), tmp_path, tmp_path / "fw.elf", port="loop://")
    monkeypatch.setattr(runner, "flash", lambda dry_run=False: [])
    monkeypatch.setattr(runner, "settle_time", 0.0)
    report = b"\r\n*** HardFault (exception 3) pc=0x00001234 lr=0x00005679 cfsr=0x00010000 ***\r\n"
    with pytest.raises(ValidationError) as e:
        with runner_diagnostics(runner), runner as link:
            link.port.write(b"\xa5\x5a\x81" + report)       # a torn frame, then the firmware's report
            raise ValidationError("nrf52840dk UART: no answer")
    assert "pc=0x00001234 lr=0x00005679 cfsr=0x00010000" in str(e.value)
    assert "flashed with openocd; UART loop://" in str(e.value)


@pytest.mark.qemu
@pytest.mark.slow           # ~6-15 s: generates and builds KWS
@needs_shared
def test_run_reports_a_stack_overflow_during_invoke(tmp_path):
    """KWS on qemu-mps2-an386 with its stack cut to 768 B (512 B usable above the guard; it needs
    ~870 B): HELLO fits, the first INVOKE does not. `run` fails with the firmware's report of a
    MemManage fault at the guard. Without the guard the pushes went below RAM, where QEMU drops
    writes and reads 0: the report was an INVSTATE UsageFault from a return to address 0."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    from micro_codegen import api
    proj = tmp_path / "kws"
    api.generate(MLPERF / "kws_ref_model.ms", "qemu-mps2-an386", proj)
    ld = proj / "board.ld"
    ld.write_text(re.sub(r"__stack_size = 0x[0-9A-F]+;", "__stack_size = 0x300;", ld.read_text()))
    api.build(proj)
    with pytest.raises(ValidationError) as e:
        api.run(proj, str(MLPERF / "kws_ref_model.ms.npz"))
    msg = str(e.value)
    assert "*** HardFault (exception 3) stack overflow: sp=0x200000" in msg, msg
    cfsr = int(re.search(r"cfsr=0x([0-9A-F]{8})", msg).group(1), 16)
    mmfar = int(re.search(r"mmfar=0x([0-9A-F]{8})", msg).group(1), 16)
    assert cfsr & 0x80 and cfsr & 0x12 and 0x20000000 <= mmfar < 0x20000100, msg


@pytest.mark.parametrize("change, message", [
    ({"image_words": [{"name": "UICR.X", "address": 0x10001209, "value": 0x5A}]},
     "key 'image_words[0].address' must be word-aligned"),
    ({"image_words": [{"name": "UICR.X", "address": 0x10001208, "value": 1 << 32}]},
     "key 'image_words[0].value' must be a 32-bit value"),
    ({"startup_writes": [{"name": "R", "address": 0x40000558, "value": 0x5A, "if_address": 0x10000134}]},
     "needs both if_address and if_at_least"),
    ({"startup_writes": [{"name": "R", "address": 0x40000558}]}, "missing required key 'startup_writes[0].value'"),
    ({"stack_guard": "msplim"}, "key 'stack_guard' = 'msplim' needs one of the cores cortex-m23"),
    ({"stack_guard": "canary"}, "unknown stack guard 'canary'"),
    ({"systick_in_sleep": "no"}, "key 'systick_in_sleep' must be true or false"),
])
def test_board_schema_checks_the_start_up_keys(change, message, tmp_path):
    from micro_codegen.boards import parse_board
    from micro_codegen.errors import BoardConfigError
    with pytest.raises(BoardConfigError, match=re.escape(message)):
        parse_board(tmp_path / "nrf52840dk" / "board.toml", dict(board_table("nrf52840dk"), **change))
