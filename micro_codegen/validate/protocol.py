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
(a retried ``INVOKE`` with the same seq and no ``SET_INPUT`` in between returns the
cached answer, since the run may overwrite its inputs), so the host retries on
timeout.

Requests (payload -> response payload after the status byte; ``x3`` = reserved):

=============  ===========================================  ==========================================
HELLO 0x01     (empty)                                      version u8, flags u8 (1 = debug tensors,
                                                            2 = timing), n_in u8, n_out u8, x1,
                                                            max_chunk u16, arena u32, tick_hz u32,
                                                            nodes u16, x2, sha256[:8], name (u8 len +
                                                            bytes), board (u8 len + bytes), per input
                                                            then output: dtype u8 (MindSpore TypeId),
                                                            rank u8, x2, nbytes u32, dims u32 x rank
SET_INPUT 0x02 k u8, x3, offset u32, data (<= 1 KiB)        (nothing)
INVOKE 0x03    optional last_node i32 (-1 = whole model)    x3, failed node i32 (-1), kernel status
                                                            i32, ticks u32 (sum over the nodes run)
GET_OUTPUT 04  k u32, offset u32, length u32 (<= 1 KiB)     x3, total bytes u32, data
GET_TIMING 05  first u16, count u16 (<= 256)                x3, tick_hz u32, ticks u32 x count
GET_TENSOR 06  tensor index u32, offset u32, length u32     x3, total bytes u32, data (debug builds
                                                            only, else status UNSUPPORTED)
=============  ===========================================  ==========================================

Big tensors are moved in chunks of at most ``max_chunk`` (1 KiB) so a UART with a small
receive buffer can carry them. The host side (:class:`ProtocolClient`) resynchronises
after garbage (scans for the magic, drops frames with a bad CRC), ignores stale answers
(wrong seq), retries a request a bounded number of times with a timeout each, and
raises :class:`~micro_codegen.errors.ValidationError` on a dead or closed link; it
never blocks without a deadline. Transports are plain byte streams
(:class:`Transport`): a subprocess pipe (:class:`PipeTransport`) or any pyserial port
(:class:`SerialTransport`, e.g. ``serial_for_url("socket://127.0.0.1:4321")``).
"""
from __future__ import annotations

import enum
import os
import select
import struct
import time
import zlib
from dataclasses import dataclass, field

from ..errors import ValidationError

MAGIC = b"\xA5\x5A"
HEADER = struct.Struct("<2sBBI")        # magic, type, seq, length
VERSION = 1
MAX_CHUNK = 1024                        # data bytes per frame (the target may announce less)
MAX_REQUEST_PAYLOAD = MAX_CHUNK + 16    # what the target accepts
MAX_RESPONSE_PAYLOAD = 1 << 20          # anything longer is treated as garbage
RESPONSE = 0x80


class Msg(enum.IntEnum):
    HELLO = 0x01
    SET_INPUT = 0x02
    INVOKE = 0x03
    GET_OUTPUT = 0x04
    GET_TIMING = 0x05
    GET_TENSOR = 0x06
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


class LinkClosed(ValidationError):
    """The other end closed the link (process exited, socket closed)."""


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


# ---------------------------------------------------------------- transports

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
    """Any pyserial port object (``serial.Serial``, ``serial_for_url("socket://...")``)."""

    def __init__(self, port, description: str | None = None):
        self.port = port
        self.description = description or f"serial port {getattr(port, 'port', port)}"

    def write(self, data: bytes) -> None:
        try:
            self.port.write(data)
            self.port.flush()
        except Exception as e:  # pyserial raises SerialException / OSError
            raise LinkClosed(f"{self.description}: cannot write ({e})") from None

    def read(self, n: int, timeout: float) -> bytes:
        try:
            self.port.timeout = max(timeout, 0.0)
            first = self.port.read(1)
            if not first:
                return b""
            waiting = self.port.in_waiting
            return first + (self.port.read(min(waiting, n - 1)) if waiting and n > 1 else b"")
        except Exception as e:
            raise LinkClosed(f"{self.description}: cannot read ({e})") from None

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:
            pass


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

    @property
    def debug_tensors(self) -> bool:
        return bool(self.flags & FLAG_DEBUG_TENSORS)

    @property
    def timing(self) -> bool:
        return bool(self.flags & FLAG_TIMING)


def parse_hello(payload: bytes) -> Hello:
    try:
        (status, version, flags, n_in, n_out, _r, max_chunk, arena, tick_hz, nodes, _r2,
         sha) = struct.unpack_from("<BBBBBBHIIHH8s", payload)
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
                 tuple(infos[:n_in]), tuple(infos[n_in:]))


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
    skipped_bytes: int = 0
    bad_frames: int = 0
    stale_frames: int = 0
    error_frames: list = field(default_factory=list)


class ProtocolClient:
    """Requests over a :class:`Transport`, with resync, bounded retries and timeouts.

    ``timeout`` bounds the wait for each answer (``invoke_timeout`` for INVOKE), a request
    is sent at most ``retries`` times, so no call blocks longer than
    ``retries * timeout`` (plus the transport's own write time).
    """

    def __init__(self, transport: Transport, timeout: float = 2.0, invoke_timeout: float = 120.0,
                 retries: int = 3):
        if retries < 1:
            raise ValueError("retries must be >= 1")
        self.transport = transport
        self.timeout = timeout
        self.invoke_timeout = invoke_timeout
        self.retries = retries
        self.decoder = FrameDecoder()
        self.seq = 0
        self.stats = LinkStats()
        self.hello_info: Hello | None = None

    # -- plumbing

    def _next_frame(self, deadline: float) -> Frame | None:
        while True:
            f = self.decoder.next_frame()
            if f is not None:
                return f
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            data = self.transport.read(65536, remaining)
            if data:
                self.decoder.feed(data)

    def request(self, msg: Msg, payload: bytes = b"", timeout: float | None = None,
                check: bool = True) -> Frame:
        """Send ``msg`` and return its answer (status checked unless ``check=False``)."""
        self.seq = (self.seq + 1) & 0xFF
        seq = self.seq
        frame = encode_frame(int(msg), seq, payload)
        timeout = self.timeout if timeout is None else timeout
        self.stats.requests += 1
        last_problem = "no answer"
        for attempt in range(self.retries):
            if attempt:
                self.stats.retries += 1
            self.transport.write(frame)
            deadline = time.monotonic() + timeout
            while True:
                f = self._next_frame(deadline)
                if f is None:
                    last_problem = f"no answer within {timeout:g} s"
                    break
                if f.type == Msg.ERROR:
                    self.stats.error_frames.append(f.status)
                    if f.seq == seq:
                        last_problem = f"target reported {_status_name(f.status)} for the request frame"
                        break        # our frame was damaged on the way: send it again
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
        raise ValidationError(f"{self.transport.description}: {msg.name} (seq {seq}) failed after "
                              f"{self.retries} attempt(s): {last_problem}; the link looks dead",
                              hint="check that the firmware runs and the port is right")

    # -- requests

    def hello(self) -> Hello:
        f = self.request(Msg.HELLO)
        h = parse_hello(f.payload)
        if h.version != VERSION:
            raise ValidationError(f"{self.transport.description}: protocol version {h.version}; "
                                  f"this host speaks version {VERSION}")
        self.hello_info = h
        return h

    @property
    def chunk(self) -> int:
        h = self.hello_info
        return max(1, min(MAX_CHUNK, h.max_chunk if h else MAX_CHUNK))

    def set_input(self, k: int, data: bytes) -> None:
        data = bytes(data)
        for off in range(0, max(len(data), 1), self.chunk):
            part = data[off:off + self.chunk]
            self.request(Msg.SET_INPUT, struct.pack("<B3xI", k, off) + part)

    def invoke(self, last_node: int = -1, timeout: float | None = None) -> InvokeResult:
        payload = b"" if last_node < 0 else struct.pack("<i", last_node)
        f = self.request(Msg.INVOKE, payload, timeout=self.invoke_timeout if timeout is None else timeout,
                         check=False)
        if f.status not in (Status.OK, Status.INVOKE_FAILED) or len(f.payload) < 16:
            raise ProtocolError(f"{self.transport.description}: INVOKE failed with status "
                                f"{_status_name(f.status)}", f.status)
        failed, kstatus, ticks = struct.unpack_from("<iiI", f.payload, 4)
        return InvokeResult(f.status, failed, kstatus, ticks)

    def _get_bytes(self, msg: Msg, index: int, nbytes: int | None) -> bytes:
        if nbytes is None:     # ask for 0 bytes: the answer carries the total size
            f = self.request(msg, struct.pack("<III", index, 0, 0))
            (nbytes,) = struct.unpack_from("<I", f.payload, 4)
        out = bytearray()
        for off in range(0, nbytes, self.chunk):
            n = min(self.chunk, nbytes - off)
            f = self.request(msg, struct.pack("<III", index, off, n))
            (size,) = struct.unpack_from("<I", f.payload, 4)
            data = f.payload[8:]
            if size != nbytes or len(data) != n:
                raise ValidationError(f"{self.transport.description}: {msg.name} {index}: asked {n} of "
                                      f"{nbytes} bytes at {off}, got {len(data)} of {size}")
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
            f = self.request(Msg.GET_TIMING, struct.pack("<HH", first, count))
            (hz,) = struct.unpack_from("<I", f.payload, 4)
            ticks += list(struct.unpack_from(f"<{count}I", f.payload, 8))
        return hz, ticks


def _status_name(status: int) -> str:
    try:
        return Status(status).name
    except ValueError:
        return f"status {status}"
