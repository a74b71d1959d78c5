"""A TCP proxy that damages a serial link on purpose, seeded: the fault-injection tests
(tests/validate/test_fault_proxy.py) and benchmarks/protocol_faults.py put it between the
host side of the protocol and the firmware's UART in QEMU.

Fault kinds, each at a per-byte rate, per direction (:data:`KINDS`):

    drop     the byte is lost
    dup      the byte arrives twice
    replay   the whole chunk the byte came in is sent twice (a frame retransmitted: the host
             writes one frame per chunk)
    corrupt  the byte arrives XORed with a random non-zero value
    delay    the stream stalls before the byte for a random 20..600 ms (order is kept; longer
             than the 250 ms frame timeout cuts a frame, longer than the host's wait makes it
             resend)

Also :class:`LoseFrames`, a Transport wrapper that loses chosen frames exactly (the n-th
INVOKE request, the n-th INVOKE answer), for measurements that need one precise fault.
"""
from __future__ import annotations

import random
import select
import socket
import threading
import time
from dataclasses import dataclass, field

from micro_codegen.errors import ValidationError
from micro_codegen.runners.transport import SerialTransport, Transport
from micro_codegen.validate.protocol import FrameDecoder, encode_frame

KINDS = ("drop", "dup", "replay", "corrupt", "delay")
DIRECTIONS = ("to_target", "to_host")
DELAY_RANGE = (0.02, 0.6)                # seconds of one stall
PROXY_LIMIT = 120.0                      # the proxy thread never lives longer than this
PROXY_MAX_BYTES = 4 << 20                # ... nor forwards more than this


@dataclass
class Faults:
    """Per-byte fault probabilities for one direction, seeded."""
    drop: float = 0.0
    dup: float = 0.0
    replay: float = 0.0
    corrupt: float = 0.0
    delay: float = 0.0
    seed: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(("bytes",) + KINDS, 0))

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def rate(self, kind: str) -> float:
        return getattr(self, kind)

    def off(self) -> None:
        """No more faults from now on."""
        for kind in KINDS:
            setattr(self, kind, 0.0)

    @property
    def active(self) -> bool:
        return any(self.rate(k) > 0 for k in KINDS)

    def apply(self, data: bytes) -> list[tuple[float, bytes]]:
        """``data`` as it comes out of the faulty link: (stall before it in seconds, bytes) pieces."""
        if not self.active:
            return [(0.0, data)] if data else []
        self.counts["bytes"] += len(data)
        pieces: list[tuple[float, bytes]] = []
        out = bytearray()
        rng = self.rng
        replay = False
        for b in data:
            r = rng.random()
            for kind in KINDS:
                if r < self.rate(kind):
                    break
                r -= self.rate(kind)
            else:
                kind = None
            if kind is not None:
                self.counts[kind] += 1
            if kind == "drop":
                continue
            if kind == "delay":
                pieces.append((0.0, bytes(out)))
                out.clear()
                pieces.append((rng.uniform(*DELAY_RANGE), b""))
            out.append(b if kind != "corrupt" else b ^ rng.randrange(1, 256))
            if kind == "dup":
                out.append(b)
            replay = replay or kind == "replay"
        pieces.append((0.0, bytes(out)))
        if replay:
            pieces.append((0.0, data))
        return [(d, p) for d, p in _merge(pieces) if p or d]

    @property
    def rates(self) -> str:
        return " ".join(f"{k}={self.rate(k):g}" for k in KINDS if self.rate(k)) or "clean"

    @property
    def injected(self) -> int:
        return sum(self.counts[k] for k in KINDS)


def _merge(pieces: list[tuple[float, bytes]]) -> list[tuple[float, bytes]]:
    """Join a stall with the bytes after it: (stall, bytes) pairs."""
    out: list[tuple[float, bytes]] = []
    stall = 0.0
    for d, p in pieces:
        stall += d
        if p:
            out.append((stall, p))
            stall = 0.0
    if stall:
        out.append((stall, b""))
    return out


class FaultProxy(threading.Thread):
    """Listens on 127.0.0.1:<free port> for the host side (pyserial ``socket://``), forwards
    bytes to and from ``upstream`` (the QEMU UART link), passing each direction through its
    :class:`Faults`. One connection; stops on ``stop()``, after ``PROXY_LIMIT`` seconds, after
    ``PROXY_MAX_BYTES`` bytes, or when either side closes."""

    def __init__(self, upstream: SerialTransport, to_target: Faults, to_host: Faults):
        super().__init__(daemon=True, name="fault-proxy")
        self.upstream = upstream
        self.to_target = to_target
        self.to_host = to_host
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.halt = threading.Event()
        self.forwarded = 0
        self.error: BaseException | None = None

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=3.0)
        try:
            self.server.close()
        except OSError:
            pass

    def run(self) -> None:
        deadline = time.monotonic() + PROXY_LIMIT
        conn = None
        try:
            self.server.settimeout(0.05)
            while conn is None:
                if self.halt.is_set() or time.monotonic() > deadline:
                    return
                try:
                    conn, _ = self.server.accept()
                except socket.timeout:
                    continue
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._forward(conn, deadline)
        except (OSError, ValidationError) as e:     # a side closed: the session sees LinkClosed
            self.error = e
        finally:
            if conn is not None:
                conn.close()

    def _forward(self, conn: socket.socket, deadline: float) -> None:
        up_fd = self.upstream.port.fileno()
        # per direction: bytes waiting for their time (a stall holds everything behind it)
        queues = {"to_target": [], "to_host": []}
        release = {"to_target": 0.0, "to_host": 0.0}
        send = {"to_target": self.upstream.write, "to_host": conn.sendall}

        def enqueue(direction: str, faults: Faults, data: bytes) -> None:
            t = max(time.monotonic(), release[direction])
            for stall, piece in faults.apply(data):
                t += stall
                queues[direction].append((t, piece))
            release[direction] = t

        while not self.halt.is_set() and time.monotonic() < deadline and self.forwarded < PROXY_MAX_BYTES:
            now = time.monotonic()
            for direction, queue in queues.items():
                while queue and queue[0][0] <= now:
                    piece = queue.pop(0)[1]
                    if piece:
                        send[direction](piece)
            waits = [q[0][0] - now for q in queues.values() if q]
            ready, _, _ = select.select([conn, up_fd], [], [], max(0.0, min([0.02] + waits)))
            if conn in ready:
                data = conn.recv(65536)
                if not data:
                    return
                self.forwarded += len(data)
                enqueue("to_target", self.to_target, data)
            if up_fd in ready:
                data = self.upstream.read(65536, 0.0)
                self.forwarded += len(data)
                enqueue("to_host", self.to_host, data)


class LoseFrames(Transport):
    """Wraps a Transport and loses the request frames ``lose(type, n)`` picks and the frames
    from the target ``lose_answer(type, n)`` picks (``n``: how many frames of that type went
    that way before). Records when each request frame was written and each frame arrived.
    (Bytes from the target outside frames are dropped: for clean links.)"""

    def __init__(self, inner: Transport, lose=lambda msg_type, n: False, lose_answer=lambda msg_type, n: False):
        self.inner = inner
        self.lose = lose
        self.lose_answer = lose_answer
        self.description = inner.description
        self.written: list[tuple[int, float, bool]] = []     # (type, time, lost)
        self.arrived: list[tuple[int, float, bool]] = []     # (type, time, lost)
        self.decoder = FrameDecoder()

    def write(self, data: bytes) -> None:
        lost = self._record(self.written, data[2] if len(data) > 2 else -1, self.lose)
        if not lost:
            self.inner.write(data)

    def read(self, n: int, timeout: float) -> bytes:
        self.decoder.feed(self.inner.read(n, timeout))
        out = bytearray()
        while (f := self.decoder.next_frame()) is not None:
            if not self._record(self.arrived, f.type, self.lose_answer):
                out += encode_frame(f.type, f.seq, f.payload)
        return bytes(out)

    @staticmethod
    def _record(log: list, msg_type: int, pick) -> bool:
        lost = bool(pick(msg_type, sum(1 for t, _, _ in log if t == msg_type)))
        log.append((msg_type, time.monotonic(), lost))
        return lost

    def close(self) -> None:
        self.inner.close()
