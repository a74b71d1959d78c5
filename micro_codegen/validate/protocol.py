"""Host side of the framed request/response protocol (host pipe, QEMU serial, board UART).

Frame (all integers little-endian)::

    +------+------+------+-----+------------+-----------------+-----------+
    | 0xA5 | 0x5A | type | seq | length u32 | payload[length] | crc32 u32 |
    +------+------+------+-----+------------+-----------------+-----------+

``crc32`` is the IEEE CRC-32 (``zlib.crc32``) of type, seq, length and payload. The host
sends requests; the target answers each with type ``request | 0x80`` and the same
``seq``, and every response payload starts with a status byte (:class:`Status`). A
frame the target cannot process (bad CRC, length above 1,040 bytes, a frame cut short
for 250 ms) is answered with an ``ERROR`` frame (type 0xFF, the frame's seq, one status
byte) and the target goes back to scanning for the magic. Every request is idempotent
(a retried ``INVOKE`` -- same seq, no other request in between -- returns the cached
answer of the first one and is not run again, since the run may overwrite its inputs),
so the host retries on timeout.

``INVOKE`` is acknowledged: as soon as the target has checked the request, before it runs
the model, it sends an ``ACCEPTED`` frame (type 0xFE, the request's seq, payload: status
OK + the request type). The host waits :data:`ACK_TIMEOUT` for it, so a lost ``INVOKE`` is
resent after 0.3 s instead of after the whole invoke timeout; once ``ACCEPTED`` has
arrived it waits for the answer as long as the model may run. Protocol version 2 added
``ACCEPTED``; the host refuses a firmware of another version (HELLO's version byte, read
before anything else of the answer) and says to regenerate the project.

Requests (payload -> response payload after the status byte; ``x3`` = reserved):

=============  ===========================================  ==========================================
HELLO 0x01     (empty)                                      version u8, flags u8 (1 = debug tensors,
                                                            2 = timing), n_in u8, n_out u8, models u8
                                                            (0 before SELECT existed), max_chunk u16,
                                                            arena u32, tick_hz u32, nodes u16,
                                                            selected model u8, x1, sha256[:8], name (u8 len +
                                                            bytes), board (u8 len + bytes), per input
                                                            then output: dtype u8 (MindSpore TypeId),
                                                            rank u8, x2, nbytes u32, dims u32 x rank
SET_INPUT 0x02 k u8, x3, offset u32, data (<= 1 KiB)        (nothing)
INVOKE 0x03    optional last_node i32 (-1 = to the end),    first an ACCEPTED frame (0xFE: status,
               then optional first_node i32 (default 0:     request type u8), then: x3, failed node
               > 0 resumes on the arena as left)            i32 (-1), kernel status i32, ticks u32
                                                            (sum over the nodes run)
GET_OUTPUT 04  k u32, offset u32, length u32 (<= 1 KiB)     x3, total bytes u32, data
GET_TIMING 05  first u16, count u16 (<= 256)                x3, tick_hz u32, ticks u32 x count
GET_TENSOR 06  tensor index u32, offset u32, length u32     x3, total bytes u32, data (debug builds
                                                            only, else status UNSUPPORTED)
SELECT 0x07    model index u8                               (nothing); the other requests address
                                                            that model from now on (projects of
                                                            several models; BAD_INDEX if >= models)
=============  ===========================================  ==========================================

Big tensors are moved in chunks of at most ``max_chunk`` (1 KiB) so a UART with a small
receive buffer can carry them. On a noisy link the chunks shrink: after a failed attempt,
a ``SET_INPUT``/``GET_OUTPUT``/``GET_TENSOR`` is resent with half the data (down to
:data:`MIN_CHUNK`), and later chunks keep the smaller size -- a short frame gets through
where a long one is almost always hit.

The host side (:class:`ProtocolClient`) resynchronises after garbage (scans for the magic,
drops frames with a bad CRC or an implausible length, gives up on a frame still incomplete
when a request times out), ignores stale answers (wrong seq or type), retries a request a
bounded number of times with a growing wait each (see :class:`ProtocolClient` for the
numbers), and raises :class:`~micro_codegen.errors.ValidationError` on a dead or closed
link; it never blocks without a deadline. Outputs are only ever taken from frames whose
CRC checks, so a damaged answer is retried, never returned. The client talks over any
:class:`~micro_codegen.runners.transport.Transport` (a plain byte stream: a subprocess pipe
or a pyserial port; a runner's ``start()`` returns one). ``tests/validate/test_fault_proxy.py``
checks all this against the real firmware in QEMU through a proxy that drops, duplicates
and corrupts bytes.
"""
from __future__ import annotations

import enum
import struct
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable

from ..errors import ValidationError
from ..runners.transport import Transport

MAGIC = b"\xA5\x5A"
HEADER = struct.Struct("<2sBBI")        # magic, type, seq, length
VERSION = 2                             # 2: INVOKE is acknowledged with ACCEPTED
MAX_CHUNK = 1024                        # data bytes per frame (the target may announce less)
MIN_CHUNK = 64                          # ... and the least a noisy link shrinks it to
# the longest legitimate answer is a HELLO with 255 inputs and 255 outputs of rank 6 (~16.5 KiB);
# a header claiming more is garbage (a false magic in data), not a frame worth waiting for
MAX_RESPONSE_PAYLOAD = 1 << 16
RESPONSE = 0x80

# retry policy (ProtocolClient's defaults; the numbers are in its docstring)
TIMEOUT = 0.5           # s: first wait for an answer (above the target's 250 ms frame timeout)
ACK_TIMEOUT = 0.3       # s: first wait for INVOKE's ACCEPTED
BACKOFF = 2.0           # each further attempt waits this much longer ...
MAX_WAIT = 4.0          # ... up to this (s)
RETRIES = 6             # attempts per request


class Msg(enum.IntEnum):
    HELLO = 0x01
    SET_INPUT = 0x02
    INVOKE = 0x03
    GET_OUTPUT = 0x04
    GET_TIMING = 0x05
    GET_TENSOR = 0x06
    SELECT = 0x07
    ACCEPTED = 0xFE
    ERROR = 0xFF


class Status(enum.IntEnum):
    OK = 0
    BAD_CRC = 1
    BAD_TYPE = 2
    BAD_LENGTH = 3
    BAD_INDEX = 4
    BAD_RANGE = 5
    INVOKE_FAILED = 6
    UNSUPPORTED = 7
    TIMEOUT = 8


FLAG_DEBUG_TENSORS = 1
FLAG_TIMING = 2


class ProtocolError(ValidationError):
    """The target answered with an error status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------- frames

def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def encode_frame(msg_type: int, seq: int, payload: bytes = b"") -> bytes:
    body = struct.pack("<BBI", msg_type & 0xFF, seq & 0xFF, len(payload)) + bytes(payload)
    return MAGIC + body + struct.pack("<I", crc32(body))


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes

    @property
    def status(self) -> int:
        return self.payload[0] if self.payload else -1


class FrameDecoder:
    """Incremental decoder: feed bytes, take complete frames. Garbage before a magic,
    frames with an implausible length and frames with a bad CRC are skipped (counted in
    ``skipped_bytes`` / ``bad_frames``); decoding resumes at the next magic."""

    def __init__(self, max_payload: int = MAX_RESPONSE_PAYLOAD):
        self.buf = bytearray()
        self.max_payload = max_payload
        self.skipped_bytes = 0
        self.bad_frames = 0

    def feed(self, data: bytes) -> None:
        self.buf += data

    def next_frame(self) -> Frame | None:
        buf = self.buf
        while True:
            start = buf.find(MAGIC)
            if start < 0:
                keep = 1 if buf[-1:] == MAGIC[:1] else 0
                self.skipped_bytes += len(buf) - keep
                del buf[:len(buf) - keep]
                return None
            if start:
                self.skipped_bytes += start
                del buf[:start]
            if len(buf) < HEADER.size:
                return None
            _, mtype, seq, length = HEADER.unpack_from(buf)
            if length > self.max_payload:
                self._drop_one()
                continue
            end = HEADER.size + length + 4
            if len(buf) < end:
                return None
            body = bytes(buf[2:HEADER.size + length])
            (crc,) = struct.unpack_from("<I", buf, HEADER.size + length)
            if crc != crc32(body):
                self._drop_one()
                continue
            payload = bytes(buf[HEADER.size:HEADER.size + length])
            del buf[:end]
            return Frame(mtype, seq, payload)

    @property
    def pending(self) -> int:
        """Bytes held for a frame not complete yet (call after ``next_frame`` returned None)."""
        return len(self.buf)

    def clear(self) -> None:
        """Forget every byte held (counted as skipped)."""
        self.skipped_bytes += len(self.buf)
        self.buf.clear()

    def discard_partial(self) -> bool:
        """Give up on an incomplete frame at the start of the buffer (call after a timeout):
        it was cut short on the way, or it is a false magic in garbage whose "length" would
        otherwise swallow the next real frames. Scanning resumes after its first byte.
        True if something was dropped."""
        if self.buf:
            self._drop_one()
            return True
        return False

    def _drop_one(self) -> None:
        self.bad_frames += 1
        self.skipped_bytes += 1
        del self.buf[:1]


def decode_frames(data: bytes) -> list[Frame]:
    """Every valid frame in ``data`` (a convenience for tests)."""
    d = FrameDecoder()
    d.feed(data)
    out = []
    while (f := d.next_frame()) is not None:
        out.append(f)
    return out


# ---------------------------------------------------------------- messages

@dataclass(frozen=True)
class TensorInfo:
    dtype: int            # MindSpore TypeId (32 int8, 43 float32, ...)
    nbytes: int
    dims: tuple[int, ...]


@dataclass(frozen=True)
class Hello:
    version: int
    flags: int
    max_chunk: int
    arena_size: int
    tick_hz: int
    node_count: int
    sha256_prefix: str    # hex, 16 digits
    model: str
    board: str
    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]
    model_count: int = 1      # models in the firmware (SELECT chooses); 0 from firmware before SELECT
    model_index: int = 0      # the model the requests address

    @property
    def debug_tensors(self) -> bool:
        return bool(self.flags & FLAG_DEBUG_TENSORS)

    @property
    def timing(self) -> bool:
        return bool(self.flags & FLAG_TIMING)


def parse_hello(payload: bytes) -> Hello:
    try:
        (status, version, flags, n_in, n_out, n_models, max_chunk, arena, tick_hz, nodes, selected, _r2,
         sha) = struct.unpack_from("<BBBBBBHIIHBB8s", payload)
        pos = 28
        names = []
        for _ in range(2):
            n = payload[pos]
            names.append(payload[pos + 1:pos + 1 + n].decode("ascii", "replace"))
            pos += 1 + n
        infos = []
        for _ in range(n_in + n_out):
            dtype, rank, _x, nbytes = struct.unpack_from("<BBHI", payload, pos)
            dims = struct.unpack_from(f"<{rank}I", payload, pos + 8)
            infos.append(TensorInfo(dtype, nbytes, tuple(dims)))
            pos += 8 + 4 * rank
    except (struct.error, IndexError):
        raise ValidationError(f"malformed HELLO answer ({len(payload)} bytes)") from None
    return Hello(version, flags, max_chunk, arena, tick_hz, nodes, sha.hex(), names[0], names[1],
                 tuple(infos[:n_in]), tuple(infos[n_in:]), n_models, selected)


@dataclass(frozen=True)
class InvokeResult:
    status: int           # 0 = every node ran
    failed_node: int      # -1, or the node whose kernel returned an error
    kernel_status: int
    ticks: int            # sum over the nodes run, in target ticks (0 without a clock)


@dataclass
class LinkStats:
    requests: int = 0
    retries: int = 0
    polls: int = 0            # INVOKEs resent while waiting for an ACCEPTED one's answer
    skipped_bytes: int = 0
    bad_frames: int = 0
    stale_frames: int = 0
    received_bytes: int = 0
    error_frames: list = field(default_factory=list)


class ProtocolClient:
    """Requests over a :class:`Transport`, with resync, bounded retries and timeouts.

    Retry policy (the defaults; every wait is a deadline, nothing blocks without one):

    * A request is sent at most ``retries`` (6) times. Attempt ``k`` (0-based) waits
      ``min(timeout * 2**k, max_wait)`` for its answer: 0.5, 1, 2, 4, 4, 4 s, so a dead link
      is reported 15.5 s after the request started, and a slow target gets ever more time.
    * It is sent again at once when the attempt is known to have failed: the target reported
      an ERROR for it, an answer arrived with a bad CRC, or an answer stopped arriving
      mid-frame for ``gap_timeout`` (0.25 s, the mirror of the firmware's frame timeout).
    * ``INVOKE`` waits ``min(ack_timeout * 2**k, max_wait)`` (0.3, 0.6, 1.2, 2.4, 4 s) for the
      target's ``ACCEPTED``, then for the answer as long as the model may run
      (:meth:`invoke_wait`). So a lost INVOKE is resent after 0.3 s. While it waits for the
      answer it sends the INVOKE again after 0.5, 1, 2, 4, 4, ... s ("polls", not counted as
      attempts): the target reads them once the run is over and answers each from its cache,
      so a lost answer is recovered at most 4 s after the run ended. The last attempt of an
      INVOKE none of whose attempts was ACCEPTED waits :meth:`invoke_wait` as well, in case
      the ACCEPTED was lost and the model is still running.

    Every request is idempotent and carries a sequence number (one per request, the same on
    every resend); an answer is taken only from an intact frame with the request's seq and
    type, so a duplicated or late answer to an earlier request is skipped as stale, and a
    resent INVOKE is answered from the target's cache, never run twice.
    """

    def __init__(self, transport: Transport, timeout: float = TIMEOUT, invoke_timeout: float = 120.0,
                 retries: int = RETRIES, gap_timeout: float = 0.25, ack_timeout: float = ACK_TIMEOUT,
                 max_wait: float = MAX_WAIT):
        if retries < 1:
            raise ValueError("retries must be >= 1")
        self.transport = transport
        self.timeout = timeout
        self.invoke_timeout = invoke_timeout
        self.retries = retries
        self.gap_timeout = gap_timeout
        self.ack_timeout = ack_timeout
        self.max_wait = max(max_wait, timeout, ack_timeout)
        self.decoder = FrameDecoder()
        self.seq = 0
        self.stats = LinkStats()
        self.hello_info: Hello | None = None
        self.invoke_seconds: float | None = None    # longest clean whole-model INVOKE seen
        self.chunk_limit = MAX_CHUNK                # halved by damaged chunk transfers

    def backoff(self, first: float, attempt: int) -> float:
        """Seconds attempt ``attempt`` (0-based) waits: ``first`` doubled per attempt, capped."""
        return min(first * BACKOFF ** attempt, self.max_wait)

    # -- plumbing

    def _next_frame(self, deadline: float) -> tuple[Frame | None, str]:
        """The next intact frame, or (None, why this attempt is over): the deadline passed,
        a damaged frame arrived (and nothing else is pending), or a frame stopped arriving
        mid-way for ``gap_timeout`` seconds (it is dropped, so it cannot swallow the next)."""
        bad0 = self.decoder.bad_frames
        last_rx = time.monotonic()
        while True:
            f = self.decoder.next_frame()
            if f is not None:
                return f, ""
            now = time.monotonic()
            pending = self.decoder.pending
            if self.decoder.bad_frames > bad0 and not pending:
                return None, "an answer arrived damaged (bad CRC)"
            if pending and now - last_rx >= self.gap_timeout:
                self.decoder.discard_partial()
                return None, f"an answer was cut short (no byte for {self.gap_timeout:g} s)"
            remaining = deadline - now
            if remaining <= 0:
                return None, ""
            wait = min(remaining, self.gap_timeout - (now - last_rx)) if pending else remaining
            data = self.transport.read(65536, max(wait, 0.0))
            if data:
                last_rx = time.monotonic()
                self.stats.received_bytes += len(data)
                self.decoder.feed(data)

    def request(self, msg: Msg, payload: bytes = b"", timeout: float | None = None,
                check: bool = True, run_timeout: float | None = None,
                shrink: Callable[[], bytes | None] | None = None) -> Frame:
        """Send ``msg`` and return its answer (status checked unless ``check=False``).

        ``timeout``: the first attempt's wait (default ``self.timeout``), doubled per attempt.
        ``run_timeout``: the request is acknowledged (INVOKE): the attempts wait
        ``ack_timeout``, doubled per attempt, for ACCEPTED, then up to ``run_timeout`` for the
        answer, sending the same frame again ("polls") after ``timeout``, doubled per poll.
        ``shrink``: called after a failed attempt; returns a smaller payload for the next
        attempts (same seq) or None to keep the current one."""
        self.seq = (self.seq + 1) & 0xFF
        seq = self.seq
        frame = encode_frame(int(msg), seq, payload)
        acked = run_timeout is not None
        first = self.ack_timeout if acked else (self.timeout if timeout is None else timeout)
        self.stats.requests += 1
        last_problem = "no answer"
        accepted = False
        rx0, bad0, errors0 = self.stats.received_bytes, self.decoder.bad_frames, len(self.stats.error_frames)
        self.decoder.clear()     # leftovers of earlier requests: no answer to this one can be among them
        for attempt in range(self.retries):
            if attempt:
                self.stats.retries += 1
                smaller = shrink() if shrink is not None else None
                if smaller is not None:
                    frame = encode_frame(int(msg), seq, smaller)
            self.transport.write(frame)
            wait = self.backoff(first, attempt)
            if acked and not accepted and attempt == self.retries - 1:
                wait = max(wait, run_timeout)        # its ACCEPTED may have been lost while it runs
            deadline = time.monotonic() + wait
            run_end = None                             # once ACCEPTED: the answer is due before this
            polls = 0
            while True:
                f, why = self._next_frame(deadline)
                now = time.monotonic()
                if f is None and not why and run_end is not None and now < run_end:
                    # still running, or its answer was lost: ask again (a resend is queued while the
                    # target computes, then answered from its cache; it never runs twice)
                    self.transport.write(frame)
                    self.stats.polls += 1
                    polls += 1
                    deadline = min(run_end, now + self.backoff(self.timeout, polls))
                    continue
                if f is None:
                    if not why:                        # a cut-short frame must not swallow the retry's answer
                        self.decoder.discard_partial()
                    last_problem = why or (f"no answer within {wait:g} s" if not acked else
                                           f"no answer within {run_timeout:g} s of ACCEPTED" if accepted else
                                           f"not ACCEPTED within {wait:g} s")
                    break
                if f.type == Msg.ERROR:
                    self.stats.error_frames.append(f.status)
                    if f.seq == seq:
                        last_problem = f"target reported {_status_name(f.status)} for the request frame"
                        break        # our frame was damaged on the way: send it again
                    continue
                if acked and f.type == Msg.ACCEPTED and f.seq == seq:
                    if run_end is None:
                        accepted = True
                        run_end = now + run_timeout
                        deadline = min(run_end, now + self.timeout)
                    continue
                if f.seq != seq or f.type != (int(msg) | RESPONSE):
                    self.stats.stale_frames += 1
                    continue
                self.stats.skipped_bytes = self.decoder.skipped_bytes
                self.stats.bad_frames = self.decoder.bad_frames
                if check and f.status != Status.OK:
                    raise ProtocolError(f"{self.transport.description}: {msg.name} failed with status "
                                        f"{_status_name(f.status)}", f.status)
                return f
        self.stats.skipped_bytes = self.decoder.skipped_bytes
        self.stats.bad_frames = self.decoder.bad_frames
        received = self.stats.received_bytes - rx0
        if received == 0:
            verdict, hint = "the link looks dead", "check that the firmware runs and the port is right"
        else:
            verdict = (f"the link is too noisy ({received:,} bytes arrived: {self.decoder.bad_frames - bad0} "
                       f"damaged frame(s), {len(self.stats.error_frames) - errors0} error report(s))")
            hint = "check the wiring and that both ends use the same baud rate"
        raise ValidationError(f"{self.transport.description}: {msg.name} (seq {seq}) failed after "
                              f"{self.retries} attempt(s): {last_problem}; {verdict}", hint=hint)

    # -- requests

    def hello(self) -> Hello:
        f = self.request(Msg.HELLO)
        if len(f.payload) > 1 and f.payload[1] != VERSION:     # first: another version may lay HELLO out otherwise
            raise ValidationError(f"{self.transport.description}: the firmware speaks protocol version "
                                  f"{f.payload[1]}, this micro-codegen speaks version {VERSION}",
                                  hint="regenerate and rebuild the project with this micro-codegen "
                                       "(micro-codegen generate ... --force, then build)")
        self.hello_info = parse_hello(f.payload)
        return self.hello_info

    def select(self, index: int) -> Hello:
        """Address model ``index`` of a firmware with several models (SELECT), then HELLO it."""
        self.request(Msg.SELECT, struct.pack("<B", index))
        return self.hello()

    @property
    def chunk(self) -> int:
        """Data bytes per frame: the target's ``max_chunk``, less on a noisy link."""
        h = self.hello_info
        return max(1, min(self.chunk_limit, h.max_chunk if h else MAX_CHUNK))

    def _shrinker(self, sizes: list[int], payload: Callable[[int], bytes]) -> Callable[[], bytes | None]:
        """A ``request(shrink=...)`` callback: halves ``sizes[-1]`` (and the chunk size of the
        transfers that follow) down to MIN_CHUNK and returns ``payload(new size)``, appending
        the new size to ``sizes``."""
        def shrink() -> bytes | None:
            if sizes[-1] <= MIN_CHUNK:
                return None
            sizes.append(max(MIN_CHUNK, sizes[-1] // 2))
            self.chunk_limit = min(self.chunk_limit, sizes[-1])
            return payload(sizes[-1])
        return shrink

    def set_input(self, k: int, data: bytes) -> None:
        data = bytes(data)
        off = 0
        while True:
            def payload(n: int, off: int = off) -> bytes:
                return struct.pack("<B3xI", k, off) + data[off:off + n]
            # the sizes sent under this seq; the answer may be any of theirs, so the smallest was written
            sizes = [min(self.chunk, len(data) - off)]
            self.request(Msg.SET_INPUT, payload(sizes[0]), shrink=self._shrinker(sizes, payload))
            off += sizes[-1]
            if off >= len(data):
                return

    def invoke_wait(self) -> float:
        """The longest to wait for an INVOKE's answer once the target has ACCEPTED it (it
        cannot answer while it computes; a model that never returns, a link that died):
        ``invoke_timeout`` until a whole-model INVOKE has come back without a resend, then 4x
        its time + ``timeout`` (a poll-recovered answer overstates the time by at most 4 s). Partial (layer-by-layer) invokes are no longer than the whole model."""
        if self.invoke_seconds is None:
            return self.invoke_timeout
        return min(self.invoke_timeout, self.timeout + 4.0 * self.invoke_seconds)

    def invoke(self, last_node: int = -1, first_node: int = 0, timeout: float | None = None) -> InvokeResult:
        """Run nodes ``first_node``..``last_node`` (-1: to the end). ``first_node`` > 0 resumes
        on the arena as the previous INVOKE left it (node-by-node debugging). ``timeout``: the
        wait for the answer once ACCEPTED (default :meth:`invoke_wait`)."""
        if first_node:
            payload = struct.pack("<ii", last_node, first_node)
        else:
            payload = b"" if last_node < 0 else struct.pack("<i", last_node)
        retries0 = self.stats.retries
        start = time.monotonic()
        f = self.request(Msg.INVOKE, payload, check=False,
                         run_timeout=self.invoke_wait() if timeout is None else timeout)
        if last_node < 0 and not first_node and self.stats.retries == retries0 and f.status == Status.OK:
            took = time.monotonic() - start
            self.invoke_seconds = took if self.invoke_seconds is None else max(self.invoke_seconds, took)
        if f.status not in (Status.OK, Status.INVOKE_FAILED) or len(f.payload) < 16:
            raise ProtocolError(f"{self.transport.description}: INVOKE failed with status "
                                f"{_status_name(f.status)}", f.status)
        failed, kstatus, ticks = struct.unpack_from("<iiI", f.payload, 4)
        return InvokeResult(f.status, failed, kstatus, ticks)

    def _answer(self, msg: Msg, payload: bytes, min_len: int, shrink=None) -> Frame:
        """``request`` whose OK answer must carry at least ``min_len`` payload bytes."""
        f = self.request(msg, payload, shrink=shrink)
        if len(f.payload) < min_len:
            raise ValidationError(f"{self.transport.description}: {msg.name} answer has {len(f.payload)} "
                                  f"bytes, expected at least {min_len}")
        return f

    def _get_bytes(self, msg: Msg, index: int, nbytes: int | None) -> bytes:
        if nbytes is None:     # ask for 0 bytes: the answer carries the total size
            f = self._answer(msg, struct.pack("<III", index, 0, 0), 8)
            (nbytes,) = struct.unpack_from("<I", f.payload, 4)
        out = bytearray()
        while len(out) < nbytes:
            def payload(n: int, off: int = len(out)) -> bytes:
                return struct.pack("<III", index, off, n)
            # the sizes asked under this seq: the answer may be to any of them (same offset)
            sizes = [min(self.chunk, nbytes - len(out))]
            f = self._answer(msg, payload(sizes[0]), 8, shrink=self._shrinker(sizes, payload))
            (size,) = struct.unpack_from("<I", f.payload, 4)
            data = f.payload[8:]
            if size != nbytes or len(data) not in sizes:
                raise ValidationError(f"{self.transport.description}: {msg.name} {index}: asked {sizes[-1]} of "
                                      f"{nbytes} bytes at {len(out)}, got {len(data)} of {size}")
            out += data
        return bytes(out)

    def get_output(self, k: int, nbytes: int | None = None) -> bytes:
        if nbytes is None and self.hello_info is not None:
            nbytes = self.hello_info.outputs[k].nbytes
        return self._get_bytes(Msg.GET_OUTPUT, k, nbytes)

    def get_tensor(self, index: int, nbytes: int | None = None) -> bytes:
        return self._get_bytes(Msg.GET_TENSOR, index, nbytes)

    def get_timing(self, node_count: int | None = None) -> tuple[int, list[int]]:
        """(tick_hz, ticks per node of the last INVOKE)."""
        if node_count is None:
            node_count = self.hello_info.node_count if self.hello_info else 0
        ticks: list[int] = []
        hz = 0
        step = self.chunk // 4
        for first in range(0, node_count, step):
            count = min(step, node_count - first)
            f = self._answer(Msg.GET_TIMING, struct.pack("<HH", first, count), 8 + 4 * count)
            (hz,) = struct.unpack_from("<I", f.payload, 4)
            ticks += list(struct.unpack_from(f"<{count}I", f.payload, 8))
        return hz, ticks


def _status_name(status: int) -> str:
    try:
        return Status(status).name
    except ValueError:
        return f"status {status}"
