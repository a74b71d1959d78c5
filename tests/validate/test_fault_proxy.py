"""Fault injection on the serial link: the host side of the protocol against the real
validation firmware in QEMU, through a TCP proxy on 127.0.0.1 that drops, duplicates and
corrupts bytes (seeded, each fault kind in each direction, at several rates).

Properties checked
  * the host side either finishes every case with outputs equal to the reference, or raises
    a one-line ``ValidationError`` no later than ``retries x timeout`` after the request it
    gave up on started -- it never hangs (every session runs under a wall-clock limit in a
    worker thread) and never returns a wrong output (CRC-32 catches the damage);
  * the firmware survives whatever came through: after the faulty session a clean client on
    the same link gets HELLO and a correct case;
  * the firmware answers malformed frames (garbage, bad CRC, oversize length, wrong index or
    range, unknown type, truncated frame) with ERROR frames or error statuses and keeps serving.

Also here (no QEMU): :class:`SerialTransport` over pyserial ``socket://`` and a pty (the
``/dev/tty*`` path) -- one code path that returns what has arrived without waiting out its
timeout -- and the host decoder giving up on a cut-short frame after a timeout.

Default run: one rate per fault kind and direction, a mixed-fault run, a hopeless link and
the malformed-frame test (~15 s). ``-m slow`` adds a rate sweep with several seeds.
"""
from __future__ import annotations

import os
import random
import select
import socket
import struct
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pytest

from micro_codegen.errors import ValidationError
from micro_codegen.runners.transport import LinkClosed, SerialTransport, Transport
from micro_codegen.validate.protocol import MAGIC, FrameDecoder, Msg, ProtocolClient, Status, encode_frame

from conftest import MLPERF, needs_shared, require_tool

MODEL = MLPERF / "ad01_int8.ms"          # 640 int8 in, 640 int8 out: ~700 bytes each way per case
BOARD = "qemu-mps2-an386"
N_CASES = 3
TIMEOUT = 0.5                            # host: seconds per attempt (answers take milliseconds)
INVOKE_TIMEOUT = 3.0
RETRIES = 8
SESSION_LIMIT = 25.0                     # wall clock per faulty session; the test fails if exceeded
PROXY_LIMIT = 60.0                       # the proxy thread never lives longer than this
PROXY_MAX_BYTES = 4 << 20                # ... nor forwards more than this


# ================================================================ transports (no QEMU)

def _collect(t: Transport, n: int, limit: float) -> tuple[bytes, float]:
    start = time.monotonic()
    out = b""
    while len(out) < n and time.monotonic() - start < limit:
        out += t.read(65536, limit)
    return out, time.monotonic() - start


def test_serial_transport_socket_url_reads_everything_available_at_once():
    import serial
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = serial.serial_for_url(f"socket://127.0.0.1:{srv.getsockname()[1]}", timeout=1.0)
    peer, _ = srv.accept()
    t = SerialTransport(port)
    try:
        blob = bytes(range(256)) * 40                    # 10 KiB in one burst
        peer.sendall(blob)
        time.sleep(0.05)
        first = t.read(65536, 2.0)
        assert len(first) > 1                            # not one byte per call (socket in_waiting says 1)
        data, took = _collect(t, len(blob) - len(first), 2.0)
        assert first + data == blob
        # a read with a long timeout returns as soon as something arrived, not after the timeout
        threading.Timer(0.1, peer.sendall, (b"abc",)).start()
        start = time.monotonic()
        got = t.read(4096, 5.0)
        assert got and time.monotonic() - start < 1.0
        got += _collect(t, 3 - len(got), 1.0)[0]
        assert got == b"abc"
        assert t.read(10, 0.05) == b""
        t.write(b"xyz")
        assert peer.recv(16) == b"xyz"
        assert t.sent == 3 and t.received == len(blob) + 3 and bytes(t.tail[-3:]) == b"abc"
        peer.close()
        with pytest.raises(LinkClosed):
            for _ in range(3):
                t.read(10, 0.5)
    finally:
        t.close()
        peer.close()
        srv.close()


def test_serial_transport_tty_path_is_the_same_code():
    import serial
    master, slave = os.openpty()
    try:
        port = serial.serial_for_url(os.ttyname(slave), baudrate=115200, timeout=1.0)
        t = SerialTransport(port)
        frame = encode_frame(0x81, 5, bytes(600))
        os.write(master, frame)
        start = time.monotonic()
        data, _ = _collect(t, len(frame), 2.0)
        assert data == frame and time.monotonic() - start < 1.0
        assert t.read(10, 0.05) == b""
        t.write(b"hi")
        assert os.read(master, 16) == b"hi"
        t.close()
    finally:
        os.close(master)
        os.close(slave)


class _Scripted(Transport):
    """Answers the first request with a false magic whose length swallows what follows, the
    retry with a good HELLO-less answer."""

    description = "scripted"

    def __init__(self):
        self.out = bytearray()
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        seq = data[3]
        if self.writes == 1:
            self.out += MAGIC + struct.pack("<BBI", 0x83, seq, 60000) + b"\x00" * 5   # cut short
        else:
            self.out += encode_frame(0x83, seq, struct.pack("<B3xiiI", 0, -1, 0, 7))

    def read(self, n: int, timeout: float) -> bytes:
        if not self.out:
            time.sleep(min(timeout, 0.01))
            return b""
        d = bytes(self.out[:n])
        del self.out[:n]
        return d


def test_cut_short_frame_is_dropped_after_timeout_so_the_retry_gets_through():
    c = ProtocolClient(_Scripted(), timeout=0.1, invoke_timeout=0.1, retries=2)
    assert c.invoke().ticks == 7
    assert c.stats.retries == 1


class _SlowInvoke(Transport):
    """INVOKE takes 50 ms; the first transmission of the second INVOKE is lost."""

    description = "scripted"

    def __init__(self):
        self.out = []          # (time it is ready, bytes)
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        if self.writes == 2:
            return
        self.out.append((time.monotonic() + 0.05, encode_frame(0x83, data[3], struct.pack("<B3xiiI", 0, -1, 0, 9))))

    def read(self, n: int, timeout: float) -> bytes:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.out and self.out[0][0] <= time.monotonic():
                return self.out.pop(0)[1]
            time.sleep(0.005)
        return b""


def test_lost_invoke_is_resent_long_before_invoke_timeout():
    c = ProtocolClient(_SlowInvoke(), timeout=0.2, invoke_timeout=30.0, retries=3)
    assert c.invoke_wait() == 30.0
    c.invoke()                                    # clean: 50 ms, so the next waits ~0.2 + 4 x 0.05 s
    assert 0.04 < c.invoke_seconds < 0.5
    start = time.monotonic()
    assert c.invoke().ticks == 9
    assert time.monotonic() - start < 2.0 and c.stats.retries == 1


def test_decoder_refuses_implausible_lengths():
    d = FrameDecoder()
    d.feed(MAGIC + struct.pack("<BBI", 0x81, 1, 1 << 17) + encode_frame(0x81, 2, b"ok"))
    f = d.next_frame()
    assert f is not None and f.seq == 2 and d.bad_frames == 1


# ================================================================ the fault proxy

@dataclass
class Faults:
    """Per-byte fault probabilities for one direction, seeded."""
    drop: float = 0.0
    dup: float = 0.0
    corrupt: float = 0.0
    seed: int = 0
    counts: dict = field(default_factory=lambda: {"bytes": 0, "drop": 0, "dup": 0, "corrupt": 0})

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    @property
    def active(self) -> bool:
        return self.drop > 0 or self.dup > 0 or self.corrupt > 0

    def apply(self, data: bytes) -> bytes:
        if not self.active:
            return data
        out = bytearray()
        rng = self.rng
        for b in data:
            r = rng.random()
            if r < self.drop:
                self.counts["drop"] += 1
            elif r < self.drop + self.dup:
                out += bytes((b, b))
                self.counts["dup"] += 1
            elif r < self.drop + self.dup + self.corrupt:
                out.append(b ^ rng.randrange(1, 256))
                self.counts["corrupt"] += 1
            else:
                out.append(b)
        self.counts["bytes"] += len(data)
        return bytes(out)

    @property
    def rates(self) -> str:
        return "/".join(f"{r:g}" for r in (self.drop, self.dup, self.corrupt))

    @property
    def injected(self) -> int:
        return self.counts["drop"] + self.counts["dup"] + self.counts["corrupt"]


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
            up_fd = self.upstream.port.fileno()
            while not self.halt.is_set() and time.monotonic() < deadline and self.forwarded < PROXY_MAX_BYTES:
                ready, _, _ = select.select([conn, up_fd], [], [], 0.02)
                if conn in ready:
                    data = conn.recv(65536)
                    if not data:
                        return
                    self.forwarded += len(data)
                    out = self.to_target.apply(data)
                    if out:
                        self.upstream.write(out)
                if up_fd in ready:
                    data = self.upstream.read(65536, 0.0)
                    self.forwarded += len(data)
                    out = self.to_host.apply(data)
                    if out:
                        conn.sendall(out)
        except (OSError, ValidationError) as e:     # a side closed: the session sees LinkClosed
            self.error = e
        finally:
            if conn is not None:
                conn.close()


# ================================================================ QEMU fixtures

@pytest.fixture(scope="module")
def firmware(tmp_path_factory):
    """ad01_int8's validation firmware for qemu-mps2-an386, its cases and the board."""
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    from micro_codegen import api
    from micro_codegen.boards import load_board
    from micro_codegen.cases import load_cases
    from micro_codegen.manifest import read_manifest
    proj = tmp_path_factory.mktemp("fault") / "proj"
    api.generate(MODEL, BOARD, proj)
    api.build(proj)
    image = proj / read_manifest(proj)["executable"]
    cases = load_cases(str(MODEL) + ".npz", api.load(MODEL))[:N_CASES]
    return load_board(BOARD), proj, image, cases


@contextmanager
def proxied_qemu(firmware, to_target: Faults, to_host: Faults):
    """QEMU running the firmware, the proxy in front of its UART, the host's pyserial link to
    the proxy. Everything is torn down on exit."""
    import serial

    from micro_codegen.runners.qemu import QemuRunner
    board, proj, image, _ = firmware
    runner = QemuRunner(board, proj, image)
    upstream = runner.start()
    proxy = FaultProxy(upstream, to_target, to_host)
    link = None
    try:
        proxy.start()
        link = SerialTransport(serial.serial_for_url(f"socket://127.0.0.1:{proxy.port}", timeout=1.0),
                               "proxied QEMU UART")
        yield runner, proxy, link
    finally:
        if link is not None:
            link.close()
        proxy.stop()
        runner.stop()


class TimedClient(ProtocolClient):
    """Records which request it gave up on, that request's timeout and how long it took."""

    failed_request: tuple[str, float, float] | None = None     # (message, its timeout, seconds taken)

    def request(self, msg, payload=b"", timeout=None, check=True):
        start = time.monotonic()
        try:
            return super().request(msg, payload, timeout=timeout, check=check)
        except ValidationError:
            limit = self.timeout if timeout is None else timeout
            self.failed_request = (msg.name, limit, time.monotonic() - start)
            raise


def new_client(link: Transport) -> TimedClient:
    return TimedClient(link, timeout=TIMEOUT, invoke_timeout=INVOKE_TIMEOUT, retries=RETRIES)


def run_session(client: ProtocolClient, cases) -> list[list[np.ndarray]]:
    from micro_codegen.validate.run import run_cases
    hello = client.hello()
    runs, _, _ = run_cases(client, hello, cases, timing=False)
    return [r.outputs for r in runs]


def bounded(fn, limit: float, on_timeout):
    """Run ``fn()`` in a worker thread; its result or exception. If it is still running after
    ``limit`` seconds, call ``on_timeout()`` (tears the link down) and fail: a hang."""
    box: dict = {}

    def work():
        try:
            box["result"] = fn()
        except BaseException as e:   # noqa: BLE001 -- handed to the test thread
            box["error"] = e

    t = threading.Thread(target=work, daemon=True)
    start = time.monotonic()
    t.start()
    t.join(limit)
    took = time.monotonic() - start
    if t.is_alive():
        on_timeout()
        t.join(5.0)
        pytest.fail(f"host side still running after {limit:g} s: it hangs")
    return box.get("result"), box.get("error"), took


def faulty_session(firmware, to_target: Faults, to_host: Faults) -> dict:
    """One session through the proxy; checks every property; returns what happened."""
    cases = firmware[3]
    with proxied_qemu(firmware, to_target, to_host) as (runner, proxy, link):
        client = new_client(link)
        result, error, took = bounded(lambda: run_session(client, cases), SESSION_LIMIT, link.close)

        if error is not None:
            # a clear ValidationError, raised within the bound of the request it gave up on
            assert isinstance(error, ValidationError), f"{type(error).__name__}: {error}"
            msg = str(error)
            assert "\n" not in msg and "proxied QEMU UART" in msg, msg
            if client.failed_request is not None:
                name, limit, spent = client.failed_request
                assert spent <= RETRIES * limit + 1.0, \
                    f"{name} gave up after {spent:.1f} s (bound {RETRIES * limit:g} s)"
        else:
            # never a wrong result: every output is the reference, byte for byte
            assert len(result) == len(cases)
            for outs, case in zip(result, cases):
                for got, want in zip(outs, case.expected):
                    assert got.dtype == want.dtype and np.array_equal(got, want), \
                        f"case {case.index}: a wrong output came through as an answer"

        rates = f"to target {to_target.rates}, to host {to_host.rates}"
        # the firmware survived: stop the faults, a fresh client gets HELLO and a correct case
        to_target.drop = to_target.dup = to_target.corrupt = 0.0
        to_host.drop = to_host.dup = to_host.corrupt = 0.0
        assert runner.proc.poll() is None, f"QEMU exited: {runner.diagnostics()}"
        clean = new_client(link)
        outs, err2, _ = bounded(lambda: run_session(clean, cases[:1]), SESSION_LIMIT, link.close)
        assert err2 is None, f"firmware unusable after the faults: {err2}"
        assert np.array_equal(outs[0][0], cases[0].expected[0])
        assert b"***" not in upstream_tail(runner), "firmware reported a fault"
        out = {"passed": error is None, "error": None if error is None else str(error), "seconds": took,
               "injected": (dict(to_target.counts), dict(to_host.counts)), "retries": client.stats.retries}
        print(f"\n  fault session [{rates}]: {'completed' if error is None else 'ValidationError'} in {took:.2f} s, "
              f"{client.stats.retries} retries; to target {to_target.counts}, to host {to_host.counts}"
              + (f"; {error}" if error is not None else ""))
        return out


def upstream_tail(runner) -> bytes:
    return bytes(runner.link.tail) if runner.link is not None else b""


KINDS = ("drop", "dup", "corrupt")
DIRECTIONS = ("to_target", "to_host")


def make_faults(kind: str, direction: str, rate: float, seed: int) -> tuple[Faults, Faults]:
    hot = Faults(seed=seed, **{kind: rate})
    cold = Faults(seed=seed + 1)
    return (hot, cold) if direction == "to_target" else (cold, hot)


# ================================================================ QEMU tests

@needs_shared
@pytest.mark.qemu
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_single_fault_kind_recovers(firmware, kind, direction):
    """1 fault per ~1000 bytes: every case must still complete, bit-exact (the host resyncs)."""
    to_target, to_host = make_faults(kind, direction, 1e-3, seed=KINDS.index(kind) * 10 + DIRECTIONS.index(direction))
    out = faulty_session(firmware, to_target, to_host)
    injected = to_target.injected + to_host.injected
    assert injected > 0, "the proxy injected nothing: raise the rate"
    assert out["passed"], f"{kind} {direction} at 1e-3: {out['error']}"
    assert out["retries"] > 0


@needs_shared
@pytest.mark.qemu
@pytest.mark.parametrize("rate, must_pass", [(3e-4, True), (1e-3, False)])
def test_all_faults_both_directions(firmware, rate, must_pass):
    """Every fault kind in both directions; at 3 x 1e-3 per byte a 665-byte frame gets through
    only one attempt in ~7, so giving up (clearly) is as good an outcome as finishing."""
    faults = [Faults(drop=rate, dup=rate, corrupt=rate, seed=s) for s in (101, 202)]
    out = faulty_session(firmware, *faults)
    assert faults[0].injected > 0 and faults[1].injected > 0
    if must_pass:
        assert out["passed"], out["error"]


@needs_shared
@pytest.mark.qemu
def test_hopeless_link_fails_clearly_and_in_bounded_time(firmware):
    """Every 20th byte damaged: no 1 KiB frame gets through; a ValidationError, not a hang."""
    faults = [Faults(drop=0.02, dup=0.02, corrupt=0.02, seed=s) for s in (7, 8)]
    out = faulty_session(firmware, *faults)
    assert not out["passed"]
    assert f"failed after {RETRIES} attempt(s)" in out["error"] and "the link is too noisy" in out["error"]


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("rate", [3e-4, 1e-3, 5e-3, 1e-2])
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_fault_rate_sweep(firmware, kind, direction, rate, seed):
    to_target, to_host = make_faults(kind, direction, rate, seed=1000 * seed + KINDS.index(kind))
    out = faulty_session(firmware, to_target, to_host)
    if rate <= 1e-3:
        assert out["passed"], f"{kind} {direction} at {rate:g}: {out['error']}"


# ---------------------------------------------------------------- malformed frames

def read_frames(link: Transport, want: int, limit: float = 3.0) -> list:
    """At least ``want`` frames (or what came within ``limit`` seconds)."""
    d = FrameDecoder()
    frames = []
    deadline = time.monotonic() + limit
    while len(frames) < want and time.monotonic() < deadline:
        d.feed(link.read(65536, deadline - time.monotonic()))
        while (f := d.next_frame()) is not None:
            frames.append(f)
    return frames


def drain(link: Transport, quiet: float = 0.4) -> bytes:
    """Everything until ``quiet`` seconds of silence (the firmware's 250 ms frame timeout)."""
    out = b""
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        data = link.read(65536, quiet)
        if not data:
            break
        out += data
    return out


def header(msg_type: int, seq: int, length: int) -> bytes:
    return MAGIC + struct.pack("<BBI", msg_type, seq, length)


@needs_shared
@pytest.mark.qemu
def test_firmware_survives_malformed_frames(firmware):
    board, proj, image, cases = firmware
    from micro_codegen.runners.qemu import QemuRunner
    runner = QemuRunner(board, proj, image)

    def session():
        link = runner.link

        def answer_to(frame: bytes, seq: int):
            link.write(frame)
            got = [f for f in read_frames(link, 1) if f.seq == seq]
            assert got, f"no answer to {frame[:12].hex()}"
            return got[0]

        # garbage (with a few magics in it) -> whatever ERROR frames, then silence
        rng = np.random.default_rng(5)
        garbage = bytearray(rng.integers(0, 256, 3000, dtype=np.uint8).tobytes())
        garbage[100:108] = header(0x01, 9, 12)[:8]            # a frame start whose payload is garbage
        garbage[2000:2002] = MAGIC
        link.write(bytes(garbage))
        drain(link)
        # bad CRC
        bad = bytearray(encode_frame(Msg.HELLO, 11))
        bad[-1] ^= 0xFF
        f = answer_to(bytes(bad), 11)
        assert (f.type, f.status) == (Msg.ERROR, Status.BAD_CRC)
        # oversize lengths (the payload that follows is skipped by the magic scan)
        for seq, n in ((12, 0xFFFFFFFF), (13, 1041), (14, 0x80000000)):
            f = answer_to(header(Msg.SET_INPUT, seq, n) + bytes(64), seq)
            assert (f.type, f.status) == (Msg.ERROR, Status.BAD_LENGTH)
        drain(link)
        # wrong index / range / length / type: answered with an error status
        for seq, (msg, payload, status) in enumerate([
                (Msg.SET_INPUT, struct.pack("<B3xI", 5, 0) + b"x", Status.BAD_INDEX),
                (Msg.SET_INPUT, struct.pack("<B3xI", 0, 0xFFFFFFF0) + bytes(32), Status.BAD_RANGE),
                (Msg.SET_INPUT, struct.pack("<B3xI", 0, 600) + bytes(64), Status.BAD_RANGE),
                (Msg.SET_INPUT, b"\x00\x00", Status.BAD_LENGTH),
                (Msg.GET_OUTPUT, struct.pack("<III", 7, 0, 4), Status.BAD_INDEX),
                (Msg.GET_OUTPUT, struct.pack("<III", 0, 0xFFFFFFFC, 8), Status.BAD_RANGE),
                (Msg.GET_OUTPUT, struct.pack("<III", 0, 0, 4096), Status.BAD_LENGTH),
                (Msg.GET_OUTPUT, b"\x00", Status.BAD_LENGTH),
                (Msg.GET_TENSOR, struct.pack("<III", 0, 0, 4), Status.UNSUPPORTED),
                (Msg.INVOKE, struct.pack("<i", 99999), Status.BAD_INDEX),
                (Msg.INVOKE, struct.pack("<i", -7), Status.BAD_INDEX),
                (Msg.INVOKE, b"\x01\x02\x03", Status.BAD_LENGTH),
                (Msg.GET_TIMING, struct.pack("<HH", 0, 5000), Status.BAD_LENGTH),
                (Msg.GET_TIMING, struct.pack("<HH", 60000, 4), Status.BAD_RANGE),
                (Msg.GET_TIMING, b"", Status.BAD_LENGTH),
                (0x42, b"", Status.BAD_TYPE),
                (0x85, b"", Status.BAD_TYPE)], start=20):
            f = answer_to(encode_frame(msg, seq, payload), seq)
            assert f.type == (int(msg) & 0x7F) | 0x80 and f.status == status, (hex(msg), f)
        # truncated frames: a cut-short payload and a cut-short header -> TIMEOUT after 250 ms of silence
        start = time.monotonic()
        f = answer_to(header(Msg.SET_INPUT, 50, 100) + bytes(10), 50)
        assert (f.type, f.status) == (Msg.ERROR, Status.TIMEOUT) and time.monotonic() - start < 2.0
        link.write(MAGIC + b"\x01\x33")
        frames = read_frames(link, 1)
        assert [(f.type, f.status) for f in frames] == [(Msg.ERROR, Status.TIMEOUT)]
        drain(link)
        # ... and the firmware still serves: HELLO + a valid case
        client = new_client(link)
        outs = run_session(client, cases[:1])
        assert np.array_equal(outs[0][0], cases[0].expected[0])
        assert client.stats.retries == 0
        return True

    with runner:
        ok, err, _ = bounded(session, 60.0, lambda: runner.link.close())
        if err is not None:
            raise err
        assert ok and runner.proc.poll() is None, runner.diagnostics()
        assert b"***" not in bytes(runner.link.tail)
