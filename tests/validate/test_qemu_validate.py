"""`validate` on the QEMU boards: generate + cross-build + run in qemu-system-arm + compare with
the shared reference outputs over the serial protocol.

Default run (the CI subset): KWS int8 on the default board (qemu-mps2-an386) and on
qemu-netduinoplus2 (an STM32F405 with its ST USART: the vendor driver under QEMU's model of that
peripheral), through the CLI's `validate --json`: every case passes, int8 bit-exact.

``-m slow``: all 9 shared MLPerf Tiny models on qemu-mps2-an386 and qemu-mps3-an547, and KWS +
ResNet int8 on qemu-mps2-an500 (M7) and qemu-mps2-an505 (M33), all 9 on qemu-netduinoplus2,
through ``api.validate``. A model that does not fit a board (the AN547's 512 KiB code memory
cannot hold the fp32 autoencoder's or the fp32 VWW net's weights; the STM32F405's 128 KiB of RAM
not the fp32 ResNet's or VWW net's arena, its 1 MiB of flash not the fp32 autoencoder) must be
refused before building with a BoardConfigError that names the board, the need and the capacity. ``benchmarks/qemu_validate.py``
runs the same sweep and prints the table with times.
"""
from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner

from micro_codegen import api
from micro_codegen.boards import load_board
from micro_codegen.cli import main
from micro_codegen.errors import BoardConfigError

from conftest import MLPERF, MLPERF_MODELS, needs_shared, require_tool
from mlperf_checks import check_all_passed

DEFAULT_BOARD = "qemu-mps2-an386"
VENDOR_BOARD = "qemu-netduinoplus2"
# (board, model) -> the memory the memory-fit check finds too small: weights (+ code) above the
# board's flash, or arena + stack above its RAM
DOES_NOT_FIT = {("qemu-mps3-an547", "ad01_fp32"): "flash", ("qemu-mps3-an547", "vww_96_float"): "flash",
                (VENDOR_BOARD, "ad01_fp32"): "flash", (VENDOR_BOARD, "pretrainedResnet"): "ram",
                (VENDOR_BOARD, "vww_96_float"): "ram"}

SWEEP = ([("qemu-mps2-an386", m) for m in MLPERF_MODELS] + [("qemu-mps3-an547", m) for m in MLPERF_MODELS]
         + [(b, m) for b in ("qemu-mps2-an500", "qemu-mps2-an505") for m in ("kws_ref_model", "pretrainedResnet_quant")]
         + [(VENDOR_BOARD, m) for m in MLPERF_MODELS])

pytestmark = [needs_shared, pytest.mark.qemu]


@pytest.fixture(scope="module", autouse=True)
def tools():
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")


# ------------------------------------------------------------------ default run (CI subset)

@pytest.mark.parametrize("model", ["kws_ref_model", pytest.param("pretrainedResnet", marks=pytest.mark.slow)])
def test_validate_cli_on_default_board(model):
    start = time.monotonic()
    r = CliRunner().invoke(main, ["validate", str(MLPERF / f"{model}.ms"), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["board"] == DEFAULT_BOARD                # the default board
    check_all_passed(model, doc)
    assert time.monotonic() - start < 120


def test_validate_cli_on_the_vendor_peripheral_board():
    """KWS int8 bit-exact on the STM32F405 in QEMU: firmware, memory map and ST USART driver of a
    vendor part (the validation protocol runs over QEMU's stm32f2xx USART model)."""
    r = CliRunner().invoke(main, ["validate", str(MLPERF / "kws_ref_model.ms"), "--board", VENDOR_BOARD, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["board"] == VENDOR_BOARD
    check_all_passed("kws_ref_model", doc)


def test_validate_relative_project_folder(tmp_path, monkeypatch):
    """Regression: QEMU loads the kernel image from a project folder given relative to the
    working directory ("Could not load kernel" before)."""
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["validate", str(MLPERF / "ad01_int8.ms"), "-o", "gen/q"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["run", "gen/q", "--cases", str(MLPERF / "ad01_int8.ms.npz")])
    assert r.exit_code == 0 and "0 failed" in r.output, r.output


# ------------------------------------------------------------------ slow: the full sweep

def refusal_numbers(message: str) -> list[int]:
    return [int(x.replace(",", "")) for x in re.findall(r"\d{1,3}(?:,\d{3})+|\d{4,}", message)]


@pytest.mark.slow
@pytest.mark.parametrize("board, model", SWEEP, ids=[f"{b}-{m}" for b, m in SWEEP])
def test_validate_sweep(board, model):
    path = MLPERF / f"{model}.ms"
    if (board, model) in DOES_NOT_FIT:
        with pytest.raises(BoardConfigError) as e:
            api.validate(path, board=board)
        msg = str(e.value)
        kind = DOES_NOT_FIT[(board, model)]
        capacity = load_board(board).region(kind).length
        nums = refusal_numbers(msg)
        assert board in msg and {"flash": " B flash ", "ram": " B RAM "}[kind] in msg, msg
        assert f"{capacity:,}" in msg, msg                         # names the board and its capacity
        assert any(n > capacity for n in nums), msg                # ... and the (larger) need
        return
    res = api.validate(path, board=board)
    doc = res.report.to_json()
    assert doc["board"] == board
    check_all_passed(model, doc)
