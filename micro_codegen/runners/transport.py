"""Byte-stream links to a running target: what a runner's ``start()`` returns and what the
validation protocol (``validate/protocol.py``) talks over.

:class:`Transport` is a plain byte stream; :class:`PipeTransport` wraps a subprocess's pipes (the
host board), :class:`SerialTransport` any pyserial port (``socket://`` for QEMU's UART,
``/dev/tty*`` for a board, ``loop://`` in tests: one code path). A closed link raises
:class:`LinkClosed`.
"""
from __future__ import annotations

import os
import re
import select
import time

from ..errors import ValidationError


def uart_text(data: bytes, min_run: int = 6) -> list[str]:
    """Printable ASCII runs of at least ``min_run`` characters in ``data`` (the firmware's text
    among protocol frames), e.g. ``*** HardFault (exception 3) pc=0x... ***``."""
    runs = re.findall(rb"[\x20-\x7e]{%d,}" % min_run, data)
    return [r.decode("ascii") for r in runs]


class LinkClosed(ValidationError):
    """The other end closed the link (process exited, socket closed)."""


class Transport:
    """A byte stream. ``read`` returns what is available (up to ``n`` bytes), waiting at
    most ``timeout`` seconds; ``b""`` means nothing arrived. A closed link raises
    :class:`LinkClosed`."""

    description = "link"

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def read(self, n: int, timeout: float) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        pass


class PipeTransport(Transport):
    """The stdin/stdout pipes of a subprocess (the host board)."""

    def __init__(self, write_fd: int, read_fd: int, description: str = "host process"):
        self.write_fd = write_fd
        self.read_fd = read_fd
        self.description = description

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.write_fd, view)
            except (BrokenPipeError, OSError) as e:
                raise LinkClosed(f"{self.description}: cannot write ({e.strerror or e})") from None
            view = view[n:]

    def read(self, n: int, timeout: float) -> bytes:
        try:
            ready, _, _ = select.select([self.read_fd], [], [], max(timeout, 0.0))
        except (OSError, ValueError) as e:
            raise LinkClosed(f"{self.description}: cannot read ({e})") from None
        if not ready:
            return b""
        data = os.read(self.read_fd, n)
        if not data:
            raise LinkClosed(f"{self.description}: closed its output")
        return data


class SerialTransport(Transport):
    """Any pyserial port object: ``serial_for_url("socket://127.0.0.1:PORT")`` (QEMU's UART),
    ``serial_for_url("/dev/ttyACM0", baudrate=...)`` (a board), ``loop://`` (tests).

    One code path for all of them: ``read`` waits up to ``timeout`` for the first byte,
    then takes whatever else has already arrived with timeout 0 (pyserial's socket
    ``in_waiting`` only ever says 0 or 1, and a socket ``read(n)`` with a timeout waits
    for all ``n`` bytes). The link counts the bytes sent and received and keeps the last
    :attr:`TAIL_BYTES` received, so text the firmware printed outside the protocol (a
    HardFault report) can be quoted in error messages.
    """

    TAIL_BYTES = 4096

    def __init__(self, port, description: str | None = None):
        self.port = port
        self.description = description or f"serial port {getattr(port, 'port', port)}"
        self.tail = bytearray()
        self.received = 0
        self.sent = 0

    def write(self, data: bytes) -> None:
        try:
            self.port.write(data)
            self.port.flush()
        except Exception as e:  # pyserial raises SerialException / OSError
            raise LinkClosed(f"{self.description}: cannot write ({e})") from None
        self.sent += len(data)

    def read(self, n: int, timeout: float) -> bytes:
        try:
            self.port.timeout = max(timeout, 0.0)
            first = self.port.read(1)
            if not first:
                return b""
            rest = b""
            if n > 1:
                self.port.timeout = 0
                rest = self.port.read(n - 1)
        except Exception as e:  # pyserial raises SerialException / OSError
            raise LinkClosed(f"{self.description}: cannot read ({e})") from None
        data = first + rest
        self._keep(data)
        return data

    def _keep(self, data: bytes) -> None:
        self.received += len(data)
        self.tail += data
        if len(self.tail) > self.TAIL_BYTES:
            del self.tail[:len(self.tail) - self.TAIL_BYTES]

    def drain(self, limit: float = 0.5) -> None:
        """Keep what the firmware sent after the caller stopped reading (a fault report), for
        up to ``limit`` seconds, until the line is quiet for 50 ms."""
        deadline = time.monotonic() + limit
        try:
            while time.monotonic() < deadline and self.read(4096, 0.05):
                pass
        except ValidationError:
            pass

    def printed(self) -> str:
        """The firmware's text among the last bytes received, for error messages: its fault
        report (``*** HardFault ... ***``) if there is one, else the last printable runs."""
        text = uart_text(bytes(self.tail))
        return " | ".join([t for t in text if t.startswith("*** ")] or text[-3:])

    def read_exactly(self, n: int, timeout: float) -> bytes:
        """``n`` bytes, or ValidationError after ``timeout`` seconds without them."""
        deadline = time.monotonic() + timeout
        out = bytearray()
        while len(out) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ValidationError(f"{self.description}: expected {n} bytes within {timeout:.1f} s, "
                                      f"got {len(out)}")
            out += self.read(n - len(out), left)
        return bytes(out)

    def read_until(self, marker: bytes, timeout: float) -> bytes:
        """Bytes up to and including ``marker`` (and whatever arrived with it), or
        ValidationError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        out = bytearray()
        while marker not in out:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ValidationError(f"{self.description}: no {marker!r} within {timeout:.1f} s "
                                      f"(got {bytes(out[-80:])!r})")
            out += self.read(256, left)
        return bytes(out)

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:
            pass
