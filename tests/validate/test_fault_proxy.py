"""Fault injection on the serial link: the host side of the protocol against the real
validation firmware in QEMU, through a TCP proxy on 127.0.0.1 (``tests/fault_proxy.py``) that
drops, duplicates, replays, corrupts and delays bytes (seeded, each fault kind in each
direction, at several rates).

Properties checked
  * no wrong result is ever reported as a pass: the host side either finishes every case with
    outputs equal to the reference, byte for byte, or raises a one-line ``ValidationError``
    within the retry bound of the request it gave up on (:func:`request_bound`) -- it never
    hangs (every session runs under a wall-clock limit in a worker thread) and never returns
    a damaged output (CRC-32), a stale one (seq) or one of a model run twice (the firmware's
    INVOKE cache);
  * the firmware survives whatever came through: after the faulty session a clean client on
    the same link gets HELLO and a correct case;
  * a lost INVOKE is resent after the ACCEPTED timeout (0.3 s), a lost INVOKE answer asked for
    again after 0.5 s, not after the invoke timeout;
  * the firmware answers malformed frames (garbage, bad CRC, oversize length, wrong index or
    range, unknown type, truncated frame) with ERROR frames or error statuses and keeps serving.

Also here (no QEMU): :class:`SerialTransport` over pyserial ``socket://`` and a pty (the
``/dev/tty*`` path) -- one code path that returns what has arrived without waiting out its
timeout -- and the host decoder giving up on a cut-short frame after a timeout.

Default run: every fault kind in both directions at once at a low rate (must complete), a
hopeless link (must fail clearly), a lost first INVOKE / INVOKE answer and the malformed-frame
test. ``-m slow``
runs the matrix: 5 kinds x 2 directions x rates 1e-4, 1e-3, 1e-2 x 2 seeds (60 sessions).
"""
from __future__ import annotations

import os
import socket
import struct
import threading
import time
from contextlib import contextmanager

import numpy as np
import pytest

from micro_codegen.errors import ValidationError
from micro_codegen.runners.transport import LinkClosed, SerialTransport, Transport
from micro_codegen.validate.protocol import (MAGIC, RETRIES, FrameDecoder, Msg, ProtocolClient, Status,
                                             encode_frame)

from conftest import MLPERF, needs_shared, require_tool
from fault_proxy import DIRECTIONS, KINDS, FaultProxy, Faults, LoseFrames

MODEL = MLPERF / "ad01_int8.ms"          # 640 int8 in, 640 int8 out: ~700 bytes each way per case
BOARD = "qemu-mps2-an386"
N_CASES = 3
INVOKE_TIMEOUT = 3.0                     # host: the wait for an ACCEPTED INVOKE's answer (it takes ms)
SESSION_LIMIT = 90.0                     # wall clock per faulty session; the test fails if exceeded
DELAY_DRAIN = 1.0                        # s: longer than any stall the proxy queues (fault_proxy.DELAY_RANGE)


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


def test_decoder_refuses_implausible_lengths():
    d = FrameDecoder()
    d.feed(MAGIC + struct.pack("<BBI", 0x81, 1, 1 << 17) + encode_frame(0x81, 2, b"ok"))
    f = d.next_frame()
    assert f is not None and f.seq == 2 and d.bad_frames == 1


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


def request_bound(client: ProtocolClient, msg: str) -> float:
    """The longest one request may take before it gives up (the retry policy's waits; an
    INVOKE attempt may wait for its ACCEPTED and then for the answer)."""
    n = client.retries
    if msg != "INVOKE":
        return sum(client.backoff(client.timeout, k) for k in range(n))
    run = client.invoke_wait()
    return sum(client.backoff(client.ack_timeout, k) + run for k in range(n)) + run


class TimedClient(ProtocolClient):
    """Records which request it gave up on, its bound and how long it took."""

    failed_request: tuple[str, float, float] | None = None     # (message, its bound, seconds taken)

    def request(self, msg, payload=b"", **kwargs):
        start = time.monotonic()
        bound = request_bound(self, msg.name)
        try:
            return super().request(msg, payload, **kwargs)
        except ValidationError:
            self.failed_request = (msg.name, bound, time.monotonic() - start)
            raise


def new_client(link: Transport) -> TimedClient:
    return TimedClient(link, invoke_timeout=INVOKE_TIMEOUT)      # the default retry policy otherwise


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
                name, bound, spent = client.failed_request
                assert spent <= bound + 2.0, f"{name} gave up after {spent:.1f} s (bound {bound:g} s)"
        else:
            # never a wrong result: every output is the reference, byte for byte
            assert len(result) == len(cases)
            for outs, case in zip(result, cases):
                for got, want in zip(outs, case.expected):
                    assert got.dtype == want.dtype and np.array_equal(got, want), \
                        f"case {case.index}: a wrong output came through as an answer"

        rates = f"to target {to_target.rates}, to host {to_host.rates}"
        # the firmware survived: stop the faults, a fresh client gets HELLO and a correct case
        to_target.off()
        to_host.off()
        assert runner.proc.poll() is None, f"QEMU exited: {runner.diagnostics()}"
        time.sleep(DELAY_DRAIN)                # stalled bytes of the faulty session are still on the way
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


def make_faults(kind: str, direction: str, rate: float, seed: int) -> tuple[Faults, Faults]:
    hot = Faults(seed=seed, **{kind: rate})
    cold = Faults(seed=seed + 1)
    return (hot, cold) if direction == "to_target" else (cold, hot)


# ================================================================ QEMU tests

@needs_shared
@pytest.mark.qemu
def test_every_fault_kind_both_directions_at_a_low_rate_completes(firmware):
    """3e-4 per byte of each of the five kinds, both ways: every case completes, bit-exact."""
    faults = [Faults(**dict.fromkeys(KINDS, 3e-4), seed=s) for s in (101, 202)]
    out = faulty_session(firmware, *faults)
    assert faults[0].injected + faults[1].injected > 0
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
@pytest.mark.parametrize("lose", ["invoke", "answer"])
def test_lost_first_invoke_or_its_answer_is_recovered_within_a_second(firmware, lose):
    """The first INVOKE frame is lost on the way (resent after the 0.3 s ACCEPTED timeout), or
    its answer is (asked again after 0.5 s, answered from the firmware's cache) -- not after the
    invoke timeout (120 s by default). benchmarks/protocol_faults.py prints the figures."""
    from micro_codegen.runners.qemu import QemuRunner
    from micro_codegen.validate.run import run_cases
    board, proj, image, cases = firmware
    answer = Msg.INVOKE | 0x80
    with QemuRunner(board, proj, image) as upstream:
        link = LoseFrames(upstream, lose=lambda t, n: lose == "invoke" and t == Msg.INVOKE and n == 0,
                          lose_answer=lambda t, n: lose == "answer" and t == answer and n == 0)
        client = ProtocolClient(link)                  # default policy: invoke timeout 120 s
        hello = client.hello()
        runs, _, _ = run_cases(client, hello, cases[:1], timing=False)
    assert np.array_equal(runs[0].outputs[0], cases[0].expected[0])
    sent = [t for msg_type, t, _ in link.written if msg_type == Msg.INVOKE]
    answered = [t for msg_type, t, lost in link.arrived if msg_type == answer and not lost]
    assert len(sent) == 2 and (client.stats.retries, client.stats.polls) == ((1, 0) if lose == "invoke" else (0, 1))
    assert answered[0] - sent[0] < 3.0, f"recovered after {answered[0] - sent[0]:.2f} s"     # ~0.3 / ~0.5 s


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("rate", [1e-4, 1e-3, 1e-2])
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_fault_matrix(firmware, kind, direction, rate, seed):
    """Never a wrong result reported as a pass; at <= 1e-3 every session must also complete."""
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
        drain(link, quiet=1.0)        # a frame the garbage started must time out first (250 ms guest time)
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
