"""The flash runners' probe/target arguments of every board, checked against the tools themselves.

A board's ``[runner_args]`` are copied into the flash command (runners/flash.py), so a name the tool
does not know stops the user at the first flash; the dry-run tests cannot see that (they compare
with the board file). Here each name is looked up where the tool looks it up:

- pyOCD: ``-t NAME`` must be a target of ``pyocd json --targets`` (built in, or from an installed
  CMSIS pack), or the target pyOCD's own board list (``pyocd json --boards``) gives for a board,
  i.e. a pack part name (exact: ``stm32f746nghx``, not ``stm32f746ng``), whose board file then
  tells the user to install the pack (``pyocd pack install NAME``: the index is not reachable here).
- OpenOCD: every ``-f FILE`` must be found on OpenOCD's script search path
  (``openocd -c "puts [find FILE]"``), e.g. ``target/nrf52.cfg``, ``board/stm32f746g-disco.cfg``.

The README's "Flashing a real board" shows each real board's flash commands; they must be the ones
the runners build from the board files.

pyOCD comes with the ``flash`` extra and OpenOCD from apt (scripts/setup.sh installs both); a missing
tool fails these tests, as a missing compiler does.
"""
from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, require_tool
from micro_codegen.boards import list_boards
from micro_codegen.runners import get_runner

FLASHED = [b for b in list_boards() if b.runner_args]


def runner_args(runner: str) -> list:
    """(board name, its [runner_args] for ``runner``) of every board that has them."""
    return [pytest.param(b.name, b.runner_args[runner], id=b.name) for b in FLASHED if runner in b.runner_args]


def option_values(args: list[str], *names: str) -> list[str]:
    """The values of ``-x VALUE`` / ``--xx VALUE`` / ``--xx=VALUE`` options ``names`` in ``args``."""
    out = []
    for i, a in enumerate(args):
        if a in names and i + 1 < len(args):
            out.append(args[i + 1])
        out += [a.split("=", 1)[1] for n in names if n.startswith("--") and a.startswith(n + "=")]
    return out


def pyocd_json(what: str) -> list[dict]:
    """``pyocd json --targets`` / ``--boards`` from the pyOCD of this interpreter."""
    try:
        import pyocd  # noqa: F401
    except ImportError:
        pytest.fail("pyocd is not installed: run scripts/setup.sh (pip install -e '.[flash]')")
    p = subprocess.run([sys.executable, "-m", "pyocd", "json", f"--{what}"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)[what]


@pytest.fixture(scope="module")
def pyocd_names() -> tuple[set[str], dict[str, str]]:
    """(targets pyOCD has now, {pack target: the pyOCD board that uses it})."""
    targets = {t["name"] for t in pyocd_json("targets")}
    packs = {b["target"]: b["name"] for b in pyocd_json("boards") if not b["is_target_builtin"]}
    return targets, packs


def test_every_flash_runner_of_a_board_has_runner_args():
    assert {b.name for b in FLASHED} >= {"nrf52840dk", "stm32f746g-disco"}
    for b in list_boards():
        flash_tools = {"openocd", "pyocd"} & set(b.all_runners)
        assert flash_tools <= set(b.runner_args) <= set(b.all_runners), b.name


@pytest.mark.parametrize("board, args", runner_args("pyocd"))
def test_pyocd_target_is_known_to_pyocd(board, args, pyocd_names):
    targets, packs = pyocd_names
    names = option_values(args, "-t", "--target")
    assert len(names) == 1, f"{board}: [runner_args] pyocd needs one -t TARGET; got {args}"
    name = names[0]
    if name in targets:
        return
    if name not in packs:
        pytest.fail(f"{board}: pyOCD knows no target {name!r} (not built in, not in an installed pack, "
                    f"not the target of a board pyOCD lists)")
    text = load_text(board)
    assert f"pyocd pack install {name}" in text, (f"{board}: {name} comes from a CMSIS pack ({packs[name]}); "
                                                  f"the board file must say `pyocd pack install {name}`")


@pytest.mark.parametrize("board, args", runner_args("openocd"))
def test_openocd_scripts_exist(board, args):
    openocd = require_tool("openocd")
    files = option_values(args, "-f", "--file")
    assert files, f"{board}: [runner_args] openocd names no -f config file"
    assert any(f.startswith(("target/", "board/")) for f in files), f"{board}: no target or board config"
    for f in files:
        p = subprocess.run([openocd, "-c", f"puts [find {f}]", "-c", "shutdown"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert p.returncode == 0 and p.stdout.strip().endswith(f), f"{board}: openocd cannot find {f}:\n{p.stderr}"


# the README's example project of each real board
README_IMAGES = {"nrf52840dk": "/home/me/micro_codegen/out/kws-nrf/build/kws.elf",
                 "stm32f746g-disco": "/home/me/micro_codegen/out/kws-stm/build/kws.elf"}


@pytest.mark.parametrize("board, runner", [pytest.param(b, r, id=f"{b.name}-{r}")
                                           for b in FLASHED for r in b.runner_args])
def test_readme_shows_the_runners_commands(board, runner):
    image = README_IMAGES[board.name]
    argv = get_runner(board, Path(image).parent.parent, Path(image), runner=runner).dry_run()
    assert shlex.join(argv) in (REPO / "README.md").read_text(encoding="utf-8"), shlex.join(argv)


def load_text(board: str) -> str:
    return next(b for b in FLASHED if b.name == board).path.read_text(encoding="utf-8")


def test_option_values():
    assert option_values(["-t", "nrf52840"], "-t", "--target") == ["nrf52840"]
    assert option_values(["--target=x", "-f", "a.cfg", "-c", "y", "-f", "b.cfg"], "-t", "--target") == ["x"]
    assert option_values(["-f", "a.cfg", "-c", "y", "--file", "b.cfg"], "-f", "--file") == ["a.cfg", "b.cfg"]
