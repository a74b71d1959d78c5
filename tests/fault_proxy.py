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
    reorder  the chunk the byte came in is held back and sent after the next chunk that way
             (adjacent chunks swapped: a request after its resend, an answer after the next
             frame, the halves of a frame; a held chunk nothing follows within
             ``REORDER_HOLD`` goes out late on its own)

and, frame-aware, :class:`StaleAnswers`: for a chosen share of the host's requests, the proxy
sends the host an OLD answer of the same type (an earlier seq: the answer to an earlier
request, e.g. another case's output) right before the true one -- a stale answer the host
must skip by its seq.

The proxy's forwarding thread records any exception, and running out of its time or byte
budget, as :attr:`FaultProxy.error`; :meth:`FaultProxy.check` (call it at teardown) fails the
test with it -- a broken proxy must not pass for a noisy link. Only a side closing its end is
a normal end (the tests check QEMU itself).

``tests/fault_qemu.py`` puts the proxy inside a ``qemu-system-arm`` wrapper, so the real
``micro-codegen validate`` runs through it.

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

from micro_codegen.runners.transport import LinkClosed, SerialTransport, Transport
from micro_codegen.validate.protocol import RESPONSE, Frame, FrameDecoder, encode_frame

KINDS = ("drop", "dup", "replay", "corrupt", "delay", "reorder")
DIRECTIONS = ("to_target", "to_host")
DELAY_RANGE = (0.02, 0.6)                # seconds of one stall
REORDER_HOLD = 0.3                       # s: a held chunk goes out alone if nothing follows it
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
    reorder: float = 0.0
    seed: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(("bytes",) + KINDS, 0))

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.held: list[tuple[float, bytes]] | None = None     # a chunk "reorder" holds back ...
        self.held_at = 0.0                                      # ... since this time

    def release(self) -> list[tuple[float, bytes]]:
        """The held chunk (now sent late, on its own), or nothing."""
        held, self.held = self.held or [], None
        return held

    def overdue(self, now: float) -> bool:
        return self.held is not None and now - self.held_at >= REORDER_HOLD

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
        """``data`` as it comes out of the faulty link: (stall before it in seconds, bytes) pieces
        (after them a chunk "reorder" held back before)."""
        if not self.active:
            return ([(0.0, data)] if data else []) + self.release()
        self.counts["bytes"] += len(data)
        pieces: list[tuple[float, bytes]] = []
        out = bytearray()
        rng = self.rng
        replay = reorder = False
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
            reorder = reorder or kind == "reorder"
        pieces.append((0.0, bytes(out)))
        if replay:
            pieces.append((0.0, data))
        pieces = [(d, p) for d, p in _merge(pieces) if p or d]
        if reorder and self.held is None:
            self.held, self.held_at = pieces, time.monotonic()
            return []
        return pieces + self.release()

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


class StaleAnswers:
    """Frame-aware stale-answer injection: remembers every answer frame the target sent; when
    the host sends a request (type T, seq S), with probability ``rate`` returns an earlier
    answer of type ``T | 0x80`` whose seq is not S (a random one of the last ``depth``: the
    previous one or one from long ago), which the proxy sends the host right away -- ahead
    of the target's true answer. ``injected`` lists them as (type, seq of the request, the
    old frame)."""

    def __init__(self, rate: float = 0.0, seed: int = 0, depth: int = 16):
        self.rate = rate
        self.rng = random.Random(seed)
        self.depth = depth
        self.requests = FrameDecoder()
        self.answers = FrameDecoder()
        self.old: dict[int, list[Frame]] = {}
        self.injected: list[tuple[int, int, Frame]] = []

    def off(self) -> None:
        self.rate = 0.0

    def seen_answers(self, data: bytes) -> None:
        self.answers.feed(data)
        while (f := self.answers.next_frame()) is not None:
            kept = self.old.setdefault(f.type, [])
            kept.append(f)
            del kept[:-self.depth]

    def on_requests(self, data: bytes) -> bytes:
        """Old answers to send the host ahead of the answers to the requests in ``data``."""
        self.requests.feed(data)
        out = b""
        while (f := self.requests.next_frame()) is not None:
            older = [a for a in self.old.get(f.type | RESPONSE, []) if a.seq != f.seq]
            if older and self.rng.random() < self.rate:
                stale = self.rng.choice(older)
                self.injected.append((f.type, f.seq, stale))
                out += encode_frame(stale.type, stale.seq, stale.payload)
        return out


class FaultProxy(threading.Thread):
    """Listens on 127.0.0.1:<free port> for the host side (pyserial ``socket://``), forwards
    bytes to and from ``upstream`` (the QEMU UART link), passing each direction through its
    :class:`Faults` (and the host's requests through ``stale``, :class:`StaleAnswers`). One
    connection; ends when either side closes its end or on ``stop()``. Anything else that ends
    it -- an exception, ``PROXY_LIMIT`` seconds,
    ``PROXY_MAX_BYTES`` bytes, no connection -- is kept in :attr:`error` for :meth:`check`.
    ``server``: a listening socket to serve on (default: a new one on a free port)."""

    def __init__(self, upstream: SerialTransport, to_target: Faults, to_host: Faults,
                 stale: StaleAnswers | None = None, server: socket.socket | None = None):
        super().__init__(daemon=True, name="fault-proxy")
        self.upstream = upstream
        self.to_target = to_target
        self.to_host = to_host
        self.stale = stale or StaleAnswers()
        if server is None:
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.bind(("127.0.0.1", 0))
            server.listen(1)
        self.server = server
        self.port = self.server.getsockname()[1]
        self.halt = threading.Event()
        self.forwarded = 0
        self.error: str | None = None

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=3.0)
        if self.is_alive() and self.error is None:
            self.error = "the proxy thread did not stop within 3 s"
        try:
            self.server.close()
        except OSError:
            pass

    def check(self) -> None:
        """Fail (AssertionError) if the forwarding thread broke (call after :meth:`stop`)."""
        assert self.error is None, f"fault proxy: {self.error}"

    def run(self) -> None:
        deadline = time.monotonic() + PROXY_LIMIT
        conn = None
        try:
            self.server.settimeout(0.05)
            while conn is None:
                if self.halt.is_set():
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no connection within {PROXY_LIMIT:g} s")
                try:
                    conn, _ = self.server.accept()
                except socket.timeout:
                    continue
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._forward(conn, deadline)
        except (ConnectionResetError, BrokenPipeError, LinkClosed):
            pass                                     # a side closed its end while bytes were on the way
        except BaseException as e:  # noqa: BLE001 -- kept for check(): a broken proxy must fail the test
            self.error = f"{type(e).__name__}: {e}"
        finally:
            if conn is not None:
                conn.close()

    def _forward(self, conn: socket.socket, deadline: float) -> None:
        up_fd = self.upstream.port.fileno()
        # per direction: bytes waiting for their time (a stall holds everything behind it)
        queues = {"to_target": [], "to_host": []}
        release = {"to_target": 0.0, "to_host": 0.0}
        send = {"to_target": self.upstream.write, "to_host": conn.sendall}

        faults = {"to_target": self.to_target, "to_host": self.to_host}

        def enqueue(direction: str, pieces: list[tuple[float, bytes]]) -> None:
            t = max(time.monotonic(), release[direction])
            for stall, piece in pieces:
                t += stall
                queues[direction].append((t, piece))
            release[direction] = t

        while not self.halt.is_set():
            if time.monotonic() > deadline or self.forwarded > PROXY_MAX_BYTES:
                raise TimeoutError(f"still forwarding after {PROXY_LIMIT:g} s / {self.forwarded:,} bytes")
            now = time.monotonic()
            for direction, queue in queues.items():
                if faults[direction].overdue(now):
                    enqueue(direction, faults[direction].release())
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
                stale = self.stale.on_requests(data)
                if stale:
                    enqueue("to_host", [(0.0, stale)])
                enqueue("to_target", self.to_target.apply(data))
            if up_fd in ready:
                data = self.upstream.read(65536, 0.0)
                self.forwarded += len(data)
                self.stale.seen_answers(data)
                enqueue("to_host", self.to_host.apply(data))


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
