"""Runners start a built project somewhere (host process, QEMU, a board) and hand back
a byte-stream :class:`~micro_codegen.runners.transport.Transport` to it.

Use as a context manager so the target is always stopped::

    with get_runner(board, project_dir, image) as link:
        client = ProtocolClient(link)
        ...

A runner class names the programs it needs (``programs``); a missing one raises
ToolchainError with the install hint. New runners register with :func:`register`.
"""
from __future__ import annotations

from pathlib import Path

from ..boards import FARM_RUNNER, Board
from ..errors import BoardConfigError, ToolchainError
from ..toolchain import require


class Runner:
    name = "base"
    programs: tuple[str, ...] = ()
    uses_port = False        # True: talks to the target over a serial port given with --port

    def __init__(self, board: Board, project_dir: str | Path, image: str | Path, port: str | None = None):
        self.board = board
        # absolute: runners start their process from inside the project (cwd), so a path
        # relative to the caller's directory would point elsewhere there
        self.project_dir = Path(project_dir).absolute()
        self.image = Path(image).absolute()
        self.port = port

    def check_programs(self) -> None:
        for p in self.programs:
            require(p)

    def start(self):
        """Start the target; return its Transport."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the target and release everything (idempotent, never raises)."""

    def diagnostics(self) -> str:
        """What the target said besides the protocol (exit code, stderr tail), for error messages."""
        return ""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


RUNNERS: dict[str, type[Runner]] = {}


def register(cls: type[Runner]) -> type[Runner]:
    RUNNERS[cls.name] = cls
    return cls


def check_runner_choice(board: Board, runner: str | None = None, port: str | None = None,
                        place: str | None = None, coordinator: str | None = None) -> None:
    """BoardConfigError unless ``runner`` (None: the board's) can run ``board`` with these options:
    one of the board's runners, or ``labgrid`` (any QEMU or real board, with ``place``); ``port``
    only for a real board outside labgrid; ``place`` / ``coordinator`` only with ``labgrid``."""
    if runner == FARM_RUNNER:
        if board.runner == "host":
            raise BoardConfigError(f"board '{board.name}' runs as a process on this machine: it cannot run on a "
                                   f"labgrid place (use a QEMU or a real board)")
        if not place:
            raise BoardConfigError("--runner labgrid needs --place NAME (a place of the labgrid coordinator)")
        if port:
            raise BoardConfigError("--port is not used with --runner labgrid: the place's serial port is")
        return
    if place or coordinator:
        raise BoardConfigError(f"--{'place' if place else 'coordinator'} needs --runner labgrid")
    allowed = getattr(board, "all_runners", None) or (board.runner,)
    if runner is not None and runner not in allowed:
        raise BoardConfigError(f"board '{board.name}' cannot use runner '{runner}' "
                               f"(its runners: {', '.join(allowed)})")


def get_runner(board: Board, project_dir: str | Path, image: str | Path, port: str | None = None,
               runner: str | None = None, place: str | None = None, coordinator: str | None = None) -> Runner:
    """The runner for ``board``: ``runner`` if given (one of the board's runners, or ``labgrid``
    with ``place`` and optionally ``coordinator``), else the board's default (``runner`` in its
    board.toml)."""
    check_runner_choice(board, runner, port, place, coordinator)
    name = runner or board.runner
    cls = RUNNERS.get(name)
    if cls is None:
        raise ToolchainError(f"board '{board.name}': runner '{name}' is not available "
                             f"(known runners: {', '.join(sorted(RUNNERS))})")
    if port and not cls.uses_port:
        raise BoardConfigError(f"board '{board.name}' is simulated (runner {name}): --port is only for real "
                               f"boards, drop it")
    if name == FARM_RUNNER:
        return cls(board, project_dir, image, place=place, coordinator=coordinator)
    return cls(board, project_dir, image, port)
