"""The ``host`` runner: the validation firmware built for the host is a process whose
stdin/stdout carry the protocol; its stderr is kept for error messages. It runs in its own
process group; ``stop()`` closes its stdin (it exits on EOF) and kills the group if it has
not exited ``stop_timeout`` seconds later."""
from __future__ import annotations

import subprocess
import tempfile

from ..errors import ToolchainError
from ..toolchain import kill_group
from .base import Runner, register
from .transport import PipeTransport


@register
class HostRunner(Runner):
    name = "host"
    stop_timeout = 3.0          # seconds for the process to exit after its stdin closed

    proc: subprocess.Popen | None = None

    def start(self) -> PipeTransport:
        if not self.image.is_file():
            raise ToolchainError(f"{self.image}: no such executable; run `micro-codegen build {self.project_dir}`")
        self._stderr = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen([str(self.image)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, cwd=str(self.project_dir), bufsize=0,
                                         start_new_session=True)
        except OSError as e:
            raise ToolchainError(f"cannot start {self.image}: {e.strerror or e}") from None
        return PipeTransport(self.proc.stdin.fileno(), self.proc.stdout.fileno(),
                             description=f"host process {self.image.name} (pid {self.proc.pid})")

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.stdin and not proc.stdin.closed:
                try:
                    proc.stdin.close()        # the firmware sees EOF and exits
                except OSError:
                    pass
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                kill_group(proc)
        finally:
            if proc.stdout and not proc.stdout.closed:
                proc.stdout.close()

    def diagnostics(self) -> str:
        if getattr(self, "_final", None) is not None:
            return self._final
        parts = []
        proc = self.proc
        if proc is not None:
            try:
                code = proc.wait(timeout=0.5)     # a closed link usually means the process is exiting
            except subprocess.TimeoutExpired:
                code = None
            if code is not None:
                parts.append(f"process exited with code {code}")
        err = getattr(self, "_stderr", None)
        if err is not None:
            try:
                err.seek(0)
                text = err.read().decode("utf-8", "replace").strip()
            except (OSError, ValueError):
                text = ""
            if text:
                parts.append("stderr: " + " | ".join(text.splitlines()[-5:]))
        return "; ".join(parts)

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            self._final = self.diagnostics()
            err = getattr(self, "_stderr", None)
            if err is not None:
                err.close()
