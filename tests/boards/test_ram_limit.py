"""``--ram-limit SIZE`` (boards.limit_ram) and the optional "weights" memory region.

Host side: sizes are parsed, the RAM region shrinks in the fit check and in the generated
linker script, the manifest remembers the limit (``build`` and ``run`` use it), a model that
does not fit is refused in one line naming the model, its arena and the limit; the weights go
to the "weights" region (qemu-mps2-an386: PSRAM) in the fit check and the linker script.
QEMU: a small model validates with its firmware linked into 64 KiB of RAM.
"""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import require_tool
from micro_codegen import api
from micro_codegen.boards import MemoryNeeds, fit_problems, limit_ram, load_board, parse_size
from micro_codegen.cli import main
from micro_codegen.errors import BoardConfigError
from micro_codegen.toolchain import parse_size_sysv
from tiny_models import write_tiny_model


@pytest.mark.parametrize("text, n", [("256K", 262144), ("256k", 262144), ("256KiB", 262144), ("1M", 1 << 20),
                                     ("1MB", 1 << 20), ("262144", 262144), (" 64K ", 65536), (4096, 4096)])
def test_parse_size(text, n):
    assert parse_size(text) == n


@pytest.mark.parametrize("text", ["", "K", "25X", "-1K", "1.5M", "0", "0K"])
def test_parse_size_refuses(text):
    with pytest.raises(BoardConfigError, match="RAM limit"):
        parse_size(text)


def test_limit_ram_shrinks_the_ram_region_only():
    b = load_board("qemu-mps2-an386")
    small = limit_ram(b, "256K")
    assert small.region("ram").length == 262144 and small.ram_limit == 262144
    assert small.region("ram").origin == b.region("ram").origin
    assert small.region("flash") == b.region("flash")
    ram_tables = [t for t in small.raw["memory"] if t["kind"] == "ram"]
    assert ram_tables[0]["length"] == 262144
    assert b.region("ram").length == 4 << 20 and b.raw["memory"][1]["length"] == 4 << 20   # not mutated
    assert limit_ram(b, None) is b


def test_limit_ram_refuses_more_than_the_board_has_and_boards_without_ram():
    with pytest.raises(BoardConfigError, match=r"RAM limit 8,388,608 B is more than board 'qemu-mps2-an386' has"):
        limit_ram(load_board("qemu-mps2-an386"), "8M")
    with pytest.raises(BoardConfigError, match="board 'host' has no RAM region"):
        limit_ram(load_board("host"), "64K")


def test_generate_under_a_ram_limit_links_into_that_much_ram(tmp_path):
    model = write_tiny_model(tmp_path)
    r = api.generate(model, "qemu-mps2-an386", tmp_path / "proj", ram_limit="64K")
    ld = (tmp_path / "proj" / "board.ld").read_text()
    assert re.search(r"RAM\s+\(rwx\) : ORIGIN = 0x20000000, LENGTH = 0x00010000", ld), ld
    assert r.manifest["ram_limit_bytes"] == 65536
    assert json.loads((tmp_path / "proj" / "manifest.json").read_text())["ram_limit_bytes"] == 65536
    # without a limit the manifest has no key (projects generated before stay byte-identical)
    r = api.generate(model, "qemu-mps2-an386", tmp_path / "full")
    assert "ram_limit_bytes" not in r.manifest
    assert "LENGTH = 0x00400000" in (tmp_path / "full" / "board.ld").read_text()


def test_a_model_over_the_limit_is_refused_in_one_line(tmp_path):
    model = write_tiny_model(tmp_path)
    arena = api.memory_plan(api.load(model)).arena_size
    with pytest.raises(BoardConfigError) as e:
        api.generate(model, "qemu-mps2-an386", tmp_path / "proj", ram_limit=32 * 1024)   # stack alone is 32 KiB
    text = str(e.value)
    assert "\n" not in text
    assert text.startswith("tiny.ms needs ") and f"arena {arena:,}" in text, text
    assert "qemu-mps2-an386 has 32,768 B under the RAM limit" in text, text
    assert not (tmp_path / "proj").exists()


def test_cli_plan_and_check_with_a_ram_limit(tmp_path):
    model = str(write_tiny_model(tmp_path))
    runner = CliRunner()
    arena = api.memory_plan(api.load(model)).arena_size
    r = runner.invoke(main, ["plan", model, "--ram-limit", str(arena - 1)])
    assert r.exit_code == 1
    assert f"error: tiny.ms: arena {arena:,} B does not fit the RAM limit {arena - 1:,} B" in r.output
    r = runner.invoke(main, ["plan", model, "--ram-limit", str(arena)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["plan", model, "--board", "nrf52840dk", "--ram-limit", "64K"])
    assert r.exit_code == 0, r.output
    assert "fits nrf52840dk: RAM " in r.output and "of 65,536 B" in r.output
    r = runner.invoke(main, ["plan", model, "--board", "nrf52840dk", "--ram-limit", "16K", "--json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["fits"] is False and "under the RAM limit" in doc["fit_problems"][0]
    r = runner.invoke(main, ["check", model, "--board", "qemu-mps2-an386", "--ram-limit", "20K"])
    assert r.exit_code == 1 and "under the RAM limit" in r.output
    r = runner.invoke(main, ["plan", model, "--ram-limit", "lots"])
    assert r.exit_code == 2 and "Invalid value for '--ram-limit'" in r.output


def test_cli_generate_with_a_ram_limit(tmp_path):
    model = str(write_tiny_model(tmp_path))
    r = CliRunner().invoke(main, ["generate", model, "-o", str(tmp_path / "p"), "--ram-limit", "48K"])
    assert r.exit_code == 0, r.output
    assert "LENGTH = 0x0000C000" in (tmp_path / "p" / "board.ld").read_text()
    r = CliRunner().invoke(main, ["generate", model, "-o", str(tmp_path / "q"), "--ram-limit", "16K"])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "under the RAM limit" in r.output


# ---------------------------------------------------------------- the weights region

def test_weights_region_takes_the_weights_out_of_flash():
    an386, nrf = load_board("qemu-mps2-an386"), load_board("nrf52840dk")
    psram = an386.region("weights")
    assert (psram.name, psram.origin, psram.length) == ("PSRAM", 0x21000000, 16 << 20)
    assert nrf.region("weights") is None
    needs = MemoryNeeds("big.ms", arena=100_000, weights=12_000_000, code=20_000, firmware_ram=2_000)
    assert fit_problems(an386, needs) == []
    assert dict(needs.flash_parts(an386)) == {"code ~": 20_000}
    assert dict(needs.flash_parts(nrf)) == {"weights": 12_000_000, "code ~": 20_000}
    assert any(p.startswith("big.ms needs 12,020,000 B flash") for p in fit_problems(nrf, needs))
    over = MemoryNeeds("huge.ms", arena=100_000, weights=20_000_000, code=20_000, firmware_ram=2_000)
    (problem,) = fit_problems(an386, over)
    assert problem.startswith("huge.ms needs 20,000,000 B weights memory (weights 20,000,000), qemu-mps2-an386 has "
                              "16,777,216 B (PSRAM at 0x21000000"), problem


def test_linker_script_puts_the_weights_object_into_the_weights_region(tmp_path):
    model = write_tiny_model(tmp_path)
    api.generate(model, "qemu-mps2-an386", tmp_path / "a")
    ld = (tmp_path / "a" / "board.ld").read_text()
    assert "PSRAM    (r) : ORIGIN = 0x21000000, LENGTH = 0x01000000" in ld
    weights = ld.index(".weights :")
    assert weights < ld.index(".rodata :")          # the first matching rule wins in GNU ld
    assert "*tiny_weights.o(.rodata .rodata.*)" in ld and "} > PSRAM" in ld
    api.generate(model, "nrf52840dk", tmp_path / "b")
    assert ".weights" not in (tmp_path / "b" / "board.ld").read_text()


def test_size_summary_counts_the_weights_section_apart():
    sizes = parse_size_sysv("section size addr\n.text 100 0\n.weights 5000 553648128\n.rodata 20 100\n"
                            ".data 8 536870912\n.bss 40 536870920\n")
    assert (sizes.text, sizes.rodata, sizes.weights, sizes.flash) == (100, 20, 5000, 128)
    assert "weights 5,000 B" in sizes.line() and sizes.to_json()["weights_bytes"] == 5000
    assert "weights_bytes" not in parse_size_sysv(".text 100 0\n").to_json()


@pytest.mark.qemu
def test_validate_under_a_ram_limit_on_qemu(tmp_path):
    """The firmware linked into 64 KiB of the board's 4 MiB (stack 32 KiB + arena + data) runs."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    model = write_tiny_model(tmp_path)
    r = api.validate(model, "qemu-mps2-an386", out_dir=tmp_path / "proj", ram_limit="64K")
    assert r.report.failed == 0 and r.report.passed == 3, r.report.to_json()
    assert "LENGTH = 0x00010000" in (tmp_path / "proj" / "board.ld").read_text()
    assert r.build.board.region("ram").length == 65536      # build() took the limit from the manifest
    assert "of 65,536 B" in r.build.fit_line()
