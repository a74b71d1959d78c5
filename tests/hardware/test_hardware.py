"""The hardware tier: flash, then validate a few shared models on an attached board.

    pytest -m hardware --board nrf52840dk --port /dev/ttyACM0 [--runner pyocd]
    pytest -m hardware --board stm32f746g-disco --port /dev/ttyACM0

(README, "Testing on a real board", has the set-up step by step.) Without ``--board`` every test
here is skipped with that reason, and in CI (``CI`` set) always: no board is attached there. A
QEMU board may be given instead (``--board qemu-netduinoplus2``, no ``--port``): the validation
tests then run in simulation (the flash test is skipped: nothing to flash), which is how the tier
itself is exercised without hardware.

``test_flash``: generate + build KWS for the board, then ``micro-codegen flash`` (the board's
runner or ``--runner``) must exit 0. ``test_validate``: ``micro-codegen validate MODEL --board B
--port P [--runner R] --json`` (which flashes each model's firmware, then runs every case of
MODEL.ms.npz over the UART) must pass every case, int8 bit-exact. A model too big for the board
is skipped with the memory-fit message. The option handling itself is tested in the default run.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest
from click.testing import CliRunner, Result

from conftest import MLPERF, needs_shared
from micro_codegen.boards import load_board
from micro_codegen.cli import main
from mlperf_checks import check_all_passed

# a few shared models that fit the real boards (>= 256 KiB RAM): int8 CNNs, an int8 autoencoder, fp32
MODELS = ["kws_ref_model", "ad01_int8", "vww_96_int8", "kws_ref_model_float32"]


@dataclass(frozen=True)
class Target:
    board: str
    port: str | None
    runner: str | None
    simulated: bool

    def options(self) -> list[str]:
        """The CLI options that address this target."""
        out = ["--board", self.board]
        if self.port:
            out += ["--port", self.port]
        if self.runner:
            out += ["--runner", self.runner]
        return out


def hardware_target(config) -> Target:
    """The board the options name, or skip (no --board, or CI) / fail (a real board without --port)."""
    if os.environ.get("CI"):
        pytest.skip("hardware tests never run in CI (no board is attached there)")
    name = config.getoption("--board")
    if not name:
        pytest.skip("no board given: run pytest -m hardware --board B --port P [--runner R] "
                    "(README: Testing on a real board)")
    board = load_board(name)
    port, runner = config.getoption("--port"), config.getoption("--runner")
    if not board.is_simulated and not port:
        pytest.fail(f"board '{name}' is a real board: pass --port with its serial port (e.g. /dev/ttyACM0)")
    return Target(name, port, runner, board.is_simulated)


@pytest.fixture(scope="module")
def target(request) -> Target:
    return hardware_target(request.config)


def cli(*args) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.hardware
@needs_shared
def test_flash(target, tmp_path):
    if target.simulated:
        pytest.skip(f"board '{target.board}' is simulated: nothing to flash")
    project = tmp_path / "kws"
    r = cli("generate", MLPERF / "kws_ref_model.ms", "--board", target.board, "-o", project)
    assert r.exit_code == 0, r.output
    r = cli("build", project)
    assert r.exit_code == 0, r.output
    r = cli("flash", project, *(["--runner", target.runner] if target.runner else []))
    assert r.exit_code == 0, r.output


@pytest.mark.hardware
@needs_shared
@pytest.mark.parametrize("model", MODELS)
def test_validate(target, model):
    r = cli("validate", MLPERF / f"{model}.ms", *target.options(), "--json")
    if r.exit_code != 0 and "needs" in r.output and f"{target.board} has" in r.output:
        pytest.skip(f"{model} does not fit {target.board}: {r.output.strip()}")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["board"] == target.board
    check_all_passed(model, doc)


# ---------------------------------------------------------------- the options (default run)

class Options:
    def __init__(self, **values):
        self.values = values

    def getoption(self, name):
        return self.values.get(name.lstrip("-"))


def test_no_board_skips_with_the_command_to_run(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no board given: run pytest -m hardware --board B --port P"):
        hardware_target(Options())


def test_never_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.skip.Exception, match="never run in CI"):
        hardware_target(Options(board="nrf52840dk", port="/dev/ttyACM0"))


def test_a_real_board_needs_a_port(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.fail.Exception, match="'stm32f746g-disco' is a real board: pass --port"):
        hardware_target(Options(board="stm32f746g-disco"))


def test_options_reach_the_cli(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    t = hardware_target(Options(board="nrf52840dk", port="/dev/ttyACM0", runner="pyocd"))
    assert t.options() == ["--board", "nrf52840dk", "--port", "/dev/ttyACM0", "--runner", "pyocd"]
    assert not t.simulated
    t = hardware_target(Options(board="qemu-netduinoplus2"))
    assert t.options() == ["--board", "qemu-netduinoplus2"] and t.simulated
