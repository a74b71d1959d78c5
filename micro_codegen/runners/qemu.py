"""The ``qemu`` runner: boots a Cortex-M ELF in ``qemu-system-arm`` and links to its UART0.

Command line (machine and CPU from the board's ``[qemu]`` table, extra ``args`` appended)::

    qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic -monitor none
        -semihosting-config enable=on,target=native
        -serial tcp:127.0.0.1:PORT,server=on,wait=on -icount shift=0 -kernel fw.elf

1. Pick a free TCP port (bind to port 0, release it); QEMU listens on it and, because of
   ``wait=on``, does not start the guest until a client connects. A port taken in between
   makes QEMU fail with "Address already in use": retry with a new port (3 attempts).
2. Connect with ``serial.serial_for_url("socket://127.0.0.1:PORT")``, polling until QEMU
   listens or exits (stderr then becomes the error message).
3. Wait the board's ``[qemu] settle_ms`` (QEMU's STM32 USART drops what arrives before the
   firmware enables it), then hand the link to the caller as a
   :class:`~micro_codegen.runners.transport.Transport`; every
   byte received is also kept (last 4 KiB) so that text the firmware printed outside the protocol
   (a HardFault report) can be shown in error messages.
4. The firmware ends with semihosting ``SYS_EXIT_EXTENDED``: QEMU exits with that code, which
   :meth:`QemuRunner.wait` returns. ``stop()`` (also on every error path, and from ``__exit__``)
   kills QEMU if it is still running.

``-icount shift=0`` makes time deterministic (1 instruction = 1 ns of virtual time), so SysTick
counts repeat exactly from run to run. ``-monitor none`` and ``stdin=/dev/null`` keep QEMU away
from the terminal (a killed QEMU would otherwise leave it in raw mode). QEMU runs in its own
process group, stopped as a group (``toolchain.kill_group``: SIGTERM, SIGKILL after
``stop_timeout``); on Linux it also gets SIGTERM if the Python process dies without cleaning
up, so a hung firmware never outlives us (``setpriv --pdeathsig TERM`` when util-linux has it,
else a ``preexec_fn``).

:meth:`QemuRunner.launch_pty` boots the image with its UART on a pseudo-terminal instead (``-serial
pty``, the guest runs at once); the labgrid runner (runners/farm.py) hands that pty to a farm's
exporter.
"""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable, TypeVar

from ..errors import ToolchainError, ValidationError
from ..toolchain import INSTALL_HINTS, kill_group, require
from .base import Runner, register
from .transport import SerialTransport

QEMU = "qemu-system-arm"
QEMU_HINT = INSTALL_HINTS[QEMU]
FAULT_EXIT_CODE = 250          # BOARD_EXIT_FAULT in templates/c/cortex_m/board.h.j2
T = TypeVar("T")


def free_tcp_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def qemu_program() -> str:
    """Path of qemu-system-arm, or ToolchainError with the install hint."""
    try:
        return require(QEMU)
    except ToolchainError:
        raise ToolchainError(f"'{QEMU}' not found on PATH: the QEMU boards need it", hint=QEMU_HINT) from None


def _die_with_parent() -> None:
    """In the QEMU child (Linux): get SIGTERM if this Python process dies without cleaning up
    (SIGKILL), so that no orphaned QEMU keeps spinning a hung firmware."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@register
class QemuRunner(Runner):
    """Runs a board's ELF in QEMU; ``start()`` returns the UART link, ``wait()`` the exit code."""

    name = "qemu"
    programs = (QEMU,)
    connect_timeout = 10.0       # seconds for QEMU to start listening
    stop_timeout = 3.0           # seconds between terminate and kill

    proc: subprocess.Popen | None = None
    link: SerialTransport | None = None

    def __init__(self, board, project_dir: str | Path, image: str | Path, port: str | None = None,
                 extra_args: tuple[str, ...] | list[str] = ()):
        super().__init__(board, project_dir, image, port)
        self.extra_args = tuple(extra_args)
        self.returncode: int | None = None
        self.killed = False
        self.tcp_port: int | None = None
        self._stderr = None
        self._stdout = None
        self._final: str | None = None

    # ------------------------------------------------------------ command line
    def command(self, tcp_port: int | None, qemu: str = QEMU) -> list[str]:
        """The exact argv for this board and image, with the UART on ``tcp_port`` (None: on a new
        pseudo-terminal, ``-serial pty``)."""
        q = getattr(self.board, "qemu", None) or {}
        if "machine" not in q:
            raise ToolchainError(f"board '{self.board.name}' has no [qemu] machine: it cannot run in QEMU")
        argv = [qemu, "-machine", q["machine"]]
        if q.get("cpu"):
            argv += ["-cpu", q["cpu"]]
        argv += ["-nographic", "-monitor", "none",
                 "-semihosting-config", "enable=on,target=native",
                 "-serial", "pty" if tcp_port is None else f"tcp:127.0.0.1:{tcp_port},server=on,wait=on,nodelay=on",
                 "-icount", "shift=0"]
        argv += list(q.get("args", ())) + list(self.extra_args)
        argv += ["-kernel", str(self.image)]
        return argv

    def settle_time(self) -> float:
        """Seconds to give the guest after connecting, before the host sends anything: the
        board's ``[qemu] settle_ms`` (default 0), for UART models that drop bytes until the
        firmware has enabled the UART (QEMU's STM32 USART) where the host would otherwise lose
        its first request to a retry."""
        return ((getattr(self.board, "qemu", None) or {}).get("settle_ms", 0)) / 1000.0

    # ------------------------------------------------------------ lifecycle
    def start(self) -> SerialTransport:
        qemu = self._program()
        last_error = ""
        for _attempt in range(3):
            self.tcp_port = free_tcp_port()
            self._launch(qemu)
            link, last_error = self._connect()
            if link is not None:
                self.link = link
                time.sleep(self.settle_time())
                return link
            self._reap()
            if "in use" not in last_error.lower():
                break
        raise ToolchainError(f"{QEMU} did not start for board '{self.board.name}': {last_error}")

    def launch_pty(self) -> str:
        """Start QEMU with its UART on a new pseudo-terminal and return the pty's path (from QEMU's
        "char device redirected to /dev/pts/N" line); the guest runs at once, ``stop()`` ends it.
        (The labgrid runner: an exporter's ser2net serves the pty.)"""
        qemu = self._program()
        self.tcp_port = None
        self._launch(qemu)
        deadline = time.monotonic() + self.connect_timeout
        while True:
            self._stdout.seek(0)
            found = re.search(rb"char device redirected to (/dev/\S+)", self._stdout.read())
            if found:
                return found.group(1).decode()
            code = self.proc.poll()
            if code is not None or time.monotonic() > deadline:
                self._reap()
                why = f"exited with code {code}" if code is not None else \
                    f"named no pty within {self.connect_timeout:.0f} s"
                raise ToolchainError(f"{QEMU} did not start for board '{self.board.name}': {why}; "
                                     f"{self._stderr_tail() or 'no message on stderr'}")
            time.sleep(0.02)

    def _program(self) -> str:
        """qemu-system-arm's path, once the image is known to exist."""
        qemu = qemu_program()
        if not self.image.is_file():
            raise ToolchainError(f"{self.image}: no such firmware image; run `micro-codegen build {self.project_dir}`")
        return qemu

    def _launch(self, qemu: str) -> None:
        self._close_files()
        self._stderr = tempfile.TemporaryFile()
        self._stdout = tempfile.TemporaryFile()
        self.returncode = None
        self.killed = False
        cwd = self.project_dir if self.project_dir.is_dir() else None
        setpriv = shutil.which("setpriv")
        # the parent-death signal: set by util-linux's setpriv when present, so that no Python code
        # runs between fork and exec (with other threads running, gRPC's in the labgrid runner, that
        # child sometimes crashed); else by a preexec_fn
        prefix = [setpriv, "--pdeathsig", "TERM"] if setpriv else []
        try:
            self.proc = subprocess.Popen(prefix + self.command(self.tcp_port, qemu), stdin=subprocess.DEVNULL,
                                         stdout=self._stdout, stderr=self._stderr, cwd=cwd,
                                         start_new_session=True,
                                         preexec_fn=None if setpriv else _die_with_parent)
        except OSError as e:
            raise ToolchainError(f"cannot start {qemu}: {e.strerror or e}", hint=QEMU_HINT) from None

    def _connect(self) -> tuple[SerialTransport | None, str]:
        import serial  # pyserial; imported here so that `import micro_codegen` does not need it

        url = f"socket://127.0.0.1:{self.tcp_port}"
        deadline = time.monotonic() + self.connect_timeout
        while True:
            code = self.proc.poll()
            if code is not None:
                self.returncode = code
                return None, f"exited with code {code} before accepting the UART connection; " + \
                    (self._stderr_tail() or "no message on stderr")
            try:
                port = serial.serial_for_url(url, timeout=1.0)
                return SerialTransport(port, f"QEMU {self.board.name} UART ({url})"), ""
            except (serial.SerialException, OSError) as e:
                if time.monotonic() > deadline:
                    return None, f"no UART connection to {url} within {self.connect_timeout:.0f} s ({e})"
                time.sleep(0.02)

    def wait(self, timeout: float, budget: float | None = None) -> int:
        """Wait for the firmware to exit (semihosting); return its exit code. If it is still
        running after ``timeout`` seconds, kill QEMU and raise ValidationError (which names
        ``budget``, the caller's whole time limit, when given)."""
        if self.proc is None:
            raise ValidationError("QEMU is not running (start() was not called)")
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill()
            limit = budget if budget is not None else timeout
            raise ValidationError(f"board '{self.board.name}': the firmware did not exit within {limit:g} s; "
                                  f"QEMU killed. {self.diagnostics()}".rstrip()) from None
        return self.returncode

    def run(self, session: Callable[[SerialTransport], T] | None = None,
            timeout: float = 60.0) -> tuple[int, T | None]:
        """Start QEMU, run ``session(link)`` (if given), wait for the exit; return
        ``(exit code, session result)``. QEMU is always stopped, whatever happens."""
        deadline = time.monotonic() + timeout
        with self as link:
            result = session(link) if session is not None else None
            code = self.wait(max(deadline - time.monotonic(), 0.1), budget=timeout)
        return code, result

    def stop(self) -> None:
        try:
            if self.link is not None:
                self.link.drain()
                self.link.close()
        finally:
            self._reap()

    def _kill(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        self.killed = True
        kill_group(proc, self.stop_timeout)

    def _reap(self) -> None:
        proc = self.proc
        if proc is None:
            return
        self._kill()
        code = proc.poll()
        if code is not None and not self.killed:
            self.returncode = code

    def _close_files(self) -> None:
        for f in (self._stderr, self._stdout):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass
        self._stderr = self._stdout = None

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            self._final = self.diagnostics()
            self._close_files()

    # ------------------------------------------------------------ diagnostics
    @staticmethod
    def _file_lines(f) -> list[str]:
        if f is None:
            return []
        try:
            f.seek(0)
            text = f.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return []
        # QEMU's own notes about "-serial ...,wait=on" and "-serial pty" are not errors
        return [t.strip() for t in text.splitlines()
                if t.strip() and "QEMU waiting for connection" not in t and "char device redirected" not in t]

    def _stderr_tail(self) -> str:
        lines = self._file_lines(self._stderr)
        return "stderr: " + " | ".join(lines[-5:]) if lines else ""

    def console_text(self) -> list[str]:
        """Lines QEMU printed (stderr and stdout): QEMU's errors and the firmware's semihosting
        console (board_console_puts, e.g. its fault report)."""
        return self._file_lines(self._stderr) + self._file_lines(self._stdout)

    def diagnostics(self) -> str:
        """Exit status, the firmware's fault report (semihosting console, else UART), QEMU's stderr."""
        if self._final is not None:
            return self._final
        parts = []
        if self.killed:
            parts.append("QEMU was killed")
        elif self.returncode is not None:
            meaning = " (firmware fault: HardFault or unexpected exception)" \
                if self.returncode == FAULT_EXIT_CODE else ""
            parts.append(f"QEMU exited with code {self.returncode}{meaning}")
        console = self.console_text()
        faults = [t for t in console if t.startswith("*** ")]
        other = [t for t in console if not t.startswith("*** ")]
        if faults:
            parts.append("firmware: " + " | ".join(faults[-2:]))
        elif self.link is not None and self.link.printed():
            parts.append("UART: " + self.link.printed())
        if other:
            parts.append("QEMU: " + " | ".join(other[-5:]))
        return "; ".join(parts)
