"""examples/watch_demo: the one-command demo (wake word -> KWS in QEMU over the UART) and its
bit-exact check against the numpy pipeline (front end twin + reference interpreter)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import MLPERF, REPO, needs_shared, require_tool

DEMO = REPO / "examples" / "watch_demo"
sys.path.insert(0, str(DEMO))
import run_demo  # noqa: E402

pytestmark = needs_shared


def _run(argv, capsys) -> tuple[int, str]:
    code = run_demo.main(argv + ["--models", str(MLPERF)])
    return code, capsys.readouterr().out


def test_numpy_pipeline_on_the_stored_stream():
    """marvin at 0.5 s, yes at 1.5 s: one detection, KWS hears "yes" on the second from 0.3 s later."""
    x = run_demo.read_wav(run_demo.DEFAULT_WAV)
    res = run_demo.pipeline(x, MLPERF)
    assert len(res.windows) == len(x) // 512 - 29
    assert res.detections == [15360]
    assert [s for s, _ in res.kws] == [15360 + run_demo.KWS_DELAY]
    scores = res.kws[0][1]
    assert run_demo.KWS_LABELS[scores.index(max(scores))] == "yes"


@pytest.mark.arm_cc
@pytest.mark.qemu
def test_demo_in_qemu_equals_numpy(tmp_path, capsys):
    """The README's command: builds under the nrf52840's 256 KiB / 1 MiB, streams the stored WAV,
    prints the events and the budget, and every window equals the numpy pipeline's (exit 0)."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    code, out = _run(["--out", str(tmp_path / "out")], capsys)
    assert code == 0, out
    assert "wake word detected" in out and "KWS: yes" in out
    assert re.search(r"all 64 wake-word windows and 1 KWS results equal, bit for bit", out), out
    for stage in ("front end (wake word", "wake word model", "KWS model", "total", "RAM", "flash"):
        assert stage in out
    ram, flash = run_demo.memory(tmp_path / "out" / "build" / "watch_demo.elf")
    assert ram <= run_demo.NRF_RAM and flash <= run_demo.NRF_FLASH


@pytest.mark.slow
@pytest.mark.arm_cc
@pytest.mark.qemu
def test_ww_stride_scores_every_second_window(tmp_path, capsys):
    """--ww-stride 2: half the wake-word windows, still the same detection, still bit-exact."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    code, out = _run(["--out", str(tmp_path / "out"), "--ww-stride", "2"], capsys)
    assert code == 0, out
    assert "all 32 wake-word windows and 1 KWS results equal, bit for bit" in out and "KWS: yes" in out


@pytest.mark.arm_cc
def test_nrf52840dk_build_and_flash_dry_run(tmp_path, capsys):
    require_tool("arm-none-eabi-gcc")
    code, out = _run(["--board", "nrf52840dk", "--out", str(tmp_path / "out"), "--flash-dry-run"], capsys)
    assert code == 0, out
    assert "openocd -f interface/jlink.cfg" in out and "watch_demo.elf} verify reset exit" in out
    ram, flash = run_demo.memory(tmp_path / "out" / "build" / "watch_demo.elf")
    assert 0 < ram <= 256 * 1024 and 0 < flash <= 1024 * 1024


@pytest.mark.arm_cc
def test_pdm_microphone_build_compiles(tmp_path, capsys):
    """nrf52840dk with the PDM driver instead of the UART stream: compiles and links (-Werror)."""
    require_tool("arm-none-eabi-gcc")
    code, out = _run(["--board", "nrf52840dk", "--pdm", "--out", str(tmp_path / "out")], capsys)
    assert code == 0, out
    nm = subprocess.run(["arm-none-eabi-nm", str(tmp_path / "out" / "build" / "watch_demo.elf")], capture_output=True,
                        text=True, check=True).stdout
    assert " pdm_wait_hop" in nm and " pdm_start" in nm


@pytest.mark.slow
@pytest.mark.arm_cc
@pytest.mark.qemu
def test_demo_on_a_synthesized_stream(tmp_path, capsys):
    """25 s: "marvin <command>" x 10 (make_audio.py, espeak-ng): 10 detections, 10 KWS results,
    all 767 windows bit-exact (~45 s)."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng not found: run scripts/setup.sh")
    subprocess.run([sys.executable, str(DEMO / "make_audio.py"), str(tmp_path / "audio"), "--stream", "--no-clips"],
                   check=True, capture_output=True)
    code, out = _run(["--out", str(tmp_path / "out"), "--wav", str(tmp_path / "audio" / "stream.wav")], capsys)
    assert code == 0, out
    assert out.count("wake word detected") == 10
    assert "all 767 wake-word windows and 10 KWS results equal, bit for bit" in out
