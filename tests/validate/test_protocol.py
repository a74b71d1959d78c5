"""The framed protocol: frames, CRC, resync, retries and timeouts on the host side (with
scripted fake targets), and the real firmware (host build) surviving malformed input."""
from __future__ import annotations

import struct
import subprocess
import time
import zlib

import numpy as np
import pytest

from micro_codegen.errors import ValidationError
from micro_codegen.runners.transport import LinkClosed, PipeTransport, SerialTransport, Transport
from micro_codegen.validate.protocol import (MAGIC, MAX_CHUNK, VERSION, FrameDecoder, Msg, ProtocolClient,
                                             ProtocolError, Status, crc32, decode_frames, encode_frame, parse_hello)

# ---------------------------------------------------------------- frames


def test_crc_is_ieee():
    assert crc32(b"123456789") == 0xCBF43926


def test_frame_layout():
    f = encode_frame(Msg.SET_INPUT, 7, b"\x01\x02\x03")
    assert f[:2] == MAGIC == b"\xA5\x5A"
    assert f[2] == 0x02 and f[3] == 7
    assert struct.unpack_from("<I", f, 4)[0] == 3
    assert f[8:11] == b"\x01\x02\x03"
    assert struct.unpack_from("<I", f, 11)[0] == zlib.crc32(f[2:11])
    assert len(f) == 8 + 3 + 4


def test_decode_round_trip_and_split_feeding():
    frames = [encode_frame(0x81, k, bytes(range(k))) for k in range(5)]
    stream = b"".join(frames)
    d = FrameDecoder()
    got = []
    for byte in stream:            # one byte at a time
        d.feed(bytes([byte]))
        while (f := d.next_frame()) is not None:
            got.append(f)
    assert [(f.type, f.seq, f.payload) for f in got] == [(0x81, k, bytes(range(k))) for k in range(5)]
    assert d.skipped_bytes == 0


def test_bad_crc_frame_is_dropped_and_next_frame_found():
    good = encode_frame(0x83, 1, b"\x00" * 16)
    bad = bytearray(encode_frame(0x83, 9, b"\x00" * 16))
    bad[10] ^= 0xFF
    d = FrameDecoder()
    d.feed(bytes(bad) + good)
    f = d.next_frame()
    assert f is not None and f.seq == 1
    assert d.bad_frames == 1 and d.next_frame() is None


def test_resync_after_garbage():
    garbage = bytes(np.random.default_rng(1).integers(0, 256, 3000, dtype=np.uint8))
    garbage += b"\xA5\x5A\x81\x01\xFF\xFF\xFF\x7F"       # magic + absurd length
    garbage += b"\xA5"                                    # half a magic
    frames = decode_frames(garbage + encode_frame(0x81, 42, b"hello") + b"\xA5\x5A\x01")
    assert [(f.seq, f.payload) for f in frames][-1] == (42, b"hello")


# ---------------------------------------------------------------- a scripted target

class FakeTarget(Transport):
    """Answers requests like the firmware would (INVOKE: ACCEPTED first); ``drop`` lists
    request numbers (0-based) whose answer is lost, ``corrupt`` those whose answer arrives
    with a bad CRC, ``garbage`` is sent before every answer, ``dead`` never answers,
    ``version`` is the protocol version HELLO reports."""

    description = "fake target"

    def __init__(self, drop=(), corrupt=(), garbage=b"", dead=False, closed=False, stale=False,
                 version=VERSION):
        self.drop, self.corrupt, self.garbage = set(drop), set(corrupt), garbage
        self.dead, self.closed, self.stale, self.version = dead, closed, stale, version
        self.inbox = FrameDecoder(max_payload=1 << 20)
        self.outbox = bytearray()
        self.requests = []
        self.inputs = bytearray(3000)
        self.output = np.array([1.5, -2.0], np.float32).tobytes()
        self.longest = None          # frames longer than this are lost (both ways)

    def write(self, data: bytes) -> None:
        if self.closed:
            raise LinkClosed("fake target: closed")
        self.inbox.feed(data)
        while (f := self.inbox.next_frame()) is not None:
            n = len(self.requests)
            self.requests.append(f)
            if self.dead or n in self.drop or (self.longest and len(data) > self.longest):
                continue
            if f.type == Msg.INVOKE:
                self.outbox += encode_frame(Msg.ACCEPTED, f.seq, bytes([0, Msg.INVOKE]))
            answer = bytearray(encode_frame(f.type | 0x80, f.seq, self._answer(f)))
            if self.longest and len(answer) > self.longest:
                continue
            if n in self.corrupt:
                answer[-1] ^= 0x55
            if self.stale:
                self.outbox += encode_frame(f.type | 0x80, (f.seq - 1) & 0xFF, b"\x00stale")
            self.outbox += self.garbage + bytes(answer)

    def _answer(self, f) -> bytes:
        if f.type == Msg.HELLO:
            head = struct.pack("<BBBBBBHIIHH8s", 0, self.version, 2, 1, 1, 0, 1024, 4096, 1000, 3, 0,
                               b"\x11" * 8)
            infos = struct.pack("<BBHI", 32, 2, 0, 3000) + struct.pack("<2I", 1, 3000)
            infos += struct.pack("<BBHI", 43, 1, 0, 8) + struct.pack("<I", 2)
            return head + b"\x03fak" + b"\x04host" + infos
        if f.type == Msg.SET_INPUT:
            k, off = struct.unpack_from("<B3xI", f.payload)
            data = f.payload[8:]
            self.inputs[off:off + len(data)] = data
            return b"\x00"
        if f.type == Msg.INVOKE:
            return struct.pack("<B3xiiI", 0, -1, 0, 1234)
        if f.type == Msg.GET_OUTPUT:
            k, off, n = struct.unpack("<III", f.payload)
            out = self.output
            return struct.pack("<B3xI", 0, len(out)) + out[off:off + n]
        return bytes([Status.BAD_TYPE])

    def read(self, n: int, timeout: float) -> bytes:
        if self.closed:
            raise LinkClosed("fake target: closed")
        if not self.outbox:
            time.sleep(min(timeout, 0.01))
            return b""
        chunk = bytes(self.outbox[:n])
        del self.outbox[:n]
        return chunk


def test_client_happy_path_and_chunking():
    t = FakeTarget()
    c = ProtocolClient(t, timeout=0.2)
    h = c.hello()
    assert (h.model, h.board, h.arena_size, h.node_count, h.sha256_prefix) == ("fak", "host", 4096, 3, "11" * 8)
    assert h.inputs[0].dims == (1, 3000) and h.outputs[0].nbytes == 8 and h.timing and not h.debug_tensors
    data = bytes(range(256)) * 11 + b"xyz"        # 2,819 bytes -> 3 frames
    c.set_input(0, data)
    sets = [f for f in t.requests if f.type == Msg.SET_INPUT]
    assert len(sets) == 3 and all(len(f.payload) - 8 <= MAX_CHUNK for f in sets)
    assert bytes(t.inputs[:len(data)]) == data
    r = c.invoke()
    assert (r.status, r.failed_node, r.ticks) == (0, -1, 1234)
    assert np.frombuffer(c.get_output(0), np.float32).tolist() == [1.5, -2.0]


class RunningTarget(Transport):
    """Serves INVOKE like the firmware, in time: ACCEPTED at once, the answer ``run_seconds``
    later; frames that arrive meanwhile wait their turn; a resend (same seq) is answered from
    the cache. ``lose`` holds what the link loses: ("request" | "accepted" | "answer", n) for
    the n-th INVOKE frame sent (0-based)."""

    description = "running target"

    def __init__(self, run_seconds: float, lose=()):
        self.run_seconds, self.lose = run_seconds, set(lose)
        self.inbox = FrameDecoder()
        self.out: list[tuple[float, bytes]] = []     # (time it arrives, bytes)
        self.busy_until = 0.0
        self.cached_seq = None
        self.frames = 0
        self.runs = 0
        self.sent_at: list[float] = []

    def write(self, data: bytes) -> None:
        self.inbox.feed(data)
        while (f := self.inbox.next_frame()) is not None:
            n, self.frames = self.frames, self.frames + 1
            self.sent_at.append(time.monotonic())
            if ("request", n) in self.lose:
                continue
            start = max(time.monotonic(), self.busy_until)
            answer = encode_frame(Msg.INVOKE | 0x80, f.seq, struct.pack("<B3xiiI", 0, -1, 0, 5))
            if f.seq == self.cached_seq:
                self.out.append((start, answer))
                continue
            self.runs += 1
            self.cached_seq = f.seq
            self.busy_until = start + self.run_seconds
            if ("accepted", n) not in self.lose:
                self.out.append((start, encode_frame(Msg.ACCEPTED, f.seq, bytes([0, Msg.INVOKE]))))
            if ("answer", n) not in self.lose:
                self.out.append((self.busy_until, answer))
            self.out.sort(key=lambda x: x[0])

    def read(self, n: int, timeout: float) -> bytes:
        end = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if self.out and self.out[0][0] <= now:
                return self.out.pop(0)[1]
            if now >= end:
                return b""
            time.sleep(min(end - now, 0.005))


def test_lost_first_invoke_is_resent_after_the_ack_timeout_not_the_invoke_timeout():
    t = RunningTarget(0.05, lose={("request", 0)})
    c = ProtocolClient(t, invoke_timeout=60.0)
    start = time.monotonic()
    assert c.invoke().ticks == 5
    took = time.monotonic() - start
    assert took < 5.0, f"a lost INVOKE took {took:.2f} s to recover (invoke timeout 60 s)"   # ~0.35 s
    assert t.sent_at[1] - t.sent_at[0] >= c.ack_timeout and c.stats.retries == 1 and t.runs == 1


def test_lost_accepted_during_a_long_run_still_gets_its_answer_and_runs_once():
    t = RunningTarget(1.0, lose={("accepted", 0)})
    c = ProtocolClient(t, invoke_timeout=20.0, ack_timeout=0.1, retries=3)   # ack waits 0.1, 0.2, then 20 s
    start = time.monotonic()
    assert c.invoke().ticks == 5
    assert 0.9 < time.monotonic() - start < 10.0
    assert t.runs == 1 and c.stats.retries == 2


def test_lost_answer_after_accepted_is_asked_again_and_served_from_the_cache():
    t = RunningTarget(0.05, lose={("answer", 0)})
    c = ProtocolClient(t, invoke_timeout=60.0)
    start = time.monotonic()
    assert c.invoke().ticks == 5
    assert time.monotonic() - start < 5.0                  # polled after 0.5 s, not after 60 s
    assert t.runs == 1 and c.stats.polls == 1 and c.stats.retries == 0


def test_polls_during_a_long_run_are_answered_from_the_cache_after_it():
    t = RunningTarget(1.2)
    c = ProtocolClient(t, invoke_timeout=60.0)
    assert c.invoke().ticks == 5
    assert t.runs == 1 and c.stats.polls >= 1 and c.stats.retries == 0      # polled after 0.5 s
    assert c.invoke_seconds >= 1.2


def test_retries_back_off_exponentially_and_stay_bounded():
    t = RunningTarget(0.0, lose={("request", n) for n in range(10)})
    c = ProtocolClient(t, retries=4, ack_timeout=0.05, max_wait=0.2, invoke_timeout=0.3)
    start = time.monotonic()
    with pytest.raises(ValidationError, match=r"INVOKE \(seq 1\) failed after 4 attempt\(s\): not ACCEPTED"):
        c.invoke()
    gaps = [b - a for a, b in zip(t.sent_at, t.sent_at[1:])]
    assert len(t.sent_at) == 4
    for gap, want in zip(gaps, (0.05, 0.1, 0.2)):          # doubled per attempt, capped at max_wait
        assert gap >= want * 0.9, gaps
    assert time.monotonic() - start < 0.05 + 0.1 + 0.2 + 0.3 + 2.0     # the last one waits the invoke timeout


def test_firmware_of_another_protocol_version_is_refused_clearly():
    with pytest.raises(ValidationError, match="firmware speaks protocol version 1, this micro-codegen speaks "
                                              f"version {VERSION}") as e:
        ProtocolClient(FakeTarget(version=1), timeout=0.1).hello()
    assert "regenerate" in e.value.hint


def test_chunks_shrink_on_a_link_that_loses_long_frames():
    t = FakeTarget()
    t.longest = 300
    t.output = bytes(range(256)) * 8
    c = ProtocolClient(t, timeout=0.05)
    data = bytes(range(255)) * 11 + b"xyz"
    c.set_input(0, data)                           # 1024 -> 512 -> 256 data bytes per frame
    assert bytes(t.inputs[:len(data)]) == data and c.chunk == 256
    assert c.get_output(0, len(t.output)) == t.output
    assert c.stats.retries == 2                    # only the first chunk needed the shrinking


def test_client_retries_a_dropped_answer():
    t = FakeTarget(drop={1})
    c = ProtocolClient(t, timeout=0.1, invoke_timeout=0.2, retries=3)
    c.hello()
    assert c.invoke().ticks == 1234
    assert c.stats.retries == 1 and t.requests[1].seq == t.requests[2].seq


def test_client_survives_corrupt_answer_garbage_and_stale_frames():
    t = FakeTarget(corrupt={0}, garbage=b"\x00\xA5\x13garbage\xA5\x5A\x99", stale=True)
    c = ProtocolClient(t, timeout=0.1, retries=3)
    h = c.hello()
    assert h.board == "host"
    assert c.stats.retries == 1 and c.stats.bad_frames >= 1 and c.stats.stale_frames >= 1


def test_dead_link_raises_validation_error_in_bounded_time():
    t = FakeTarget(dead=True)
    c = ProtocolClient(t, timeout=0.1, retries=3)
    start = time.monotonic()
    with pytest.raises(ValidationError, match=r"HELLO \(seq 1\) failed after 3 attempt\(s\).*link looks dead"):
        c.hello()
    assert time.monotonic() - start < 0.1 + 0.2 + 0.4 + 1.5       # the waits double; generous margin
    assert len(t.requests) == 3


def test_closed_link_raises_at_once():
    c = ProtocolClient(FakeTarget(closed=True), timeout=5.0)
    start = time.monotonic()
    with pytest.raises(LinkClosed):
        c.hello()
    assert time.monotonic() - start < 0.5


def test_error_status_raises_protocol_error():
    class Refusing(FakeTarget):
        def _answer(self, f):
            return bytes([Status.BAD_INDEX])
    with pytest.raises(ProtocolError, match="BAD_INDEX") as e:
        ProtocolClient(Refusing(), timeout=0.1).set_input(5, b"x")
    assert e.value.status == Status.BAD_INDEX


def test_parse_hello_rejects_truncation():
    with pytest.raises(ValidationError, match="malformed HELLO"):
        parse_hello(b"\x00\x01")


def test_serial_transport_with_pyserial_loopback():
    import serial
    port = serial.serial_for_url("loop://", timeout=0.1)
    t = SerialTransport(port, "loop")
    t.write(encode_frame(0x81, 3, b"abc"))
    data = b""
    deadline = time.monotonic() + 1
    while len(data) < 15 and time.monotonic() < deadline:
        data += t.read(4096, 0.1)
    assert decode_frames(data)[0].payload == b"abc"
    assert t.read(10, 0.05) == b""
    t.close()


# ---------------------------------------------------------------- the real firmware (host build)

@pytest.fixture(scope="module")
def firmware(tmp_path_factory):
    """The tiny model's validation firmware, built for the host: normal and debug (MC_DEBUG_TENSORS)."""
    from tiny_models import write_tiny_model

    from micro_codegen import api
    from micro_codegen.toolchain import make
    root = tmp_path_factory.mktemp("fw")
    model = write_tiny_model(root / "model")
    api.generate(model, "host", root / "proj")
    api.build(root / "proj")
    make(root / "proj", variables={"BUILD": "build-debug", "DEFINES": "-DMC_PROFILE -DMC_DEBUG_TENSORS"})
    return root / "proj", model


class Proc:
    def __init__(self, exe):
        self.p = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.t = PipeTransport(self.p.stdin.fileno(), self.p.stdout.fileno(), "firmware")

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=5)
        self.p.stdout.close()
        return self.p.returncode


def _raw(t: Transport, data: bytes, wait: float = 3.0, expect: int = 1) -> list:
    """Send raw bytes; collect answers until ``expect`` frames came back or ``wait`` seconds passed."""
    t.write(data)
    d = FrameDecoder()
    frames = []
    end = time.monotonic() + wait
    while len(frames) < expect and time.monotonic() < end:
        d.feed(t.read(4096, end - time.monotonic()))
        while (f := d.next_frame()) is not None:
            frames.append(f)
    return frames


@pytest.mark.host_cc
def test_firmware_survives_malformed_frames(firmware):
    proj, model = firmware
    proc = Proc(proj / "build" / "tiny")
    try:
        t = proc.t
        # random garbage: ignored (no magic inside with this seed -> no answer at all)
        garbage = bytes(np.random.default_rng(5).integers(0, 256, 2000, dtype=np.uint8)).replace(MAGIC, b"..")
        assert _raw(t, garbage, 0.3, expect=0) == []
        # a length the firmware cannot hold: ERROR BAD_LENGTH, back to scanning
        (f,) = _raw(t, b"\xA5\x5A\x02\x09" + struct.pack("<I", 0xFFFFFFF0) + b"\x00" * 64)
        assert (f.type, f.seq, f.status) == (Msg.ERROR, 9, Status.BAD_LENGTH)
        # bad CRC: ERROR BAD_CRC
        bad = bytearray(encode_frame(Msg.HELLO, 10))
        bad[-1] ^= 1
        (f,) = _raw(t, bytes(bad))
        assert (f.type, f.seq, f.status) == (Msg.ERROR, 10, Status.BAD_CRC)
        # unknown type, bad index, out-of-range offset/length, oversized reads, bad INVOKE: error statuses
        cases = [
            (encode_frame(0x42, 11), 0xC2, Status.BAD_TYPE),
            (encode_frame(Msg.SET_INPUT, 12, struct.pack("<B3xI", 7, 0) + b"x"), 0x82, Status.BAD_INDEX),
            (encode_frame(Msg.SET_INPUT, 13, struct.pack("<B3xI", 0, 71) + b"xx"), 0x82, Status.BAD_RANGE),
            (encode_frame(Msg.SET_INPUT, 14, struct.pack("<B3xI", 0, 0xFFFFFFFF) + b"x"), 0x82, Status.BAD_RANGE),
            (encode_frame(Msg.SET_INPUT, 15, b"\x00"), 0x82, Status.BAD_LENGTH),
            (encode_frame(Msg.GET_OUTPUT, 16, struct.pack("<III", 0, 0, 4)), 0x84, Status.BAD_RANGE),
            (encode_frame(Msg.GET_OUTPUT, 17, struct.pack("<III", 0, 2, 0xFFFFFFFF)), 0x84, Status.BAD_LENGTH),
            (encode_frame(Msg.GET_OUTPUT, 18, struct.pack("<III", 3, 0, 1)), 0x84, Status.BAD_INDEX),
            (encode_frame(Msg.GET_OUTPUT, 19, b"\x00"), 0x84, Status.BAD_LENGTH),
            (encode_frame(Msg.INVOKE, 20, struct.pack("<i", 99)), 0x83, Status.BAD_INDEX),
            (encode_frame(Msg.INVOKE, 21, b"\x01\x02"), 0x83, Status.BAD_LENGTH),
            (encode_frame(Msg.GET_TIMING, 22, struct.pack("<HH", 5, 2)), 0x85, Status.BAD_RANGE),
            (encode_frame(Msg.GET_TIMING, 23, struct.pack("<HH", 0, 1000)), 0x85, Status.BAD_LENGTH),
            (encode_frame(Msg.GET_TENSOR, 24, struct.pack("<III", 0, 0, 4)), 0x86, Status.UNSUPPORTED),
        ]
        for frame, rtype, status in cases:
            (f,) = _raw(t, frame)
            assert (f.type, f.seq, f.status) == (rtype, frame[3], status), frame.hex()
        # a frame cut short: the firmware gives up after its byte timeout and answers TIMEOUT
        (f,) = _raw(t, encode_frame(Msg.SET_INPUT, 25, b"\x00" * 40)[:20])
        assert (f.type, f.seq, f.status) == (Msg.ERROR, 25, Status.TIMEOUT)
        # still alive: HELLO and a full case work
        c = ProtocolClient(t, timeout=2.0)
        h = c.hello()
        assert h.model == "tiny" and h.board == "host" and h.node_count == 6
        from micro_codegen import reference
        from micro_codegen.ms_model import read_model
        g = read_model(model)
        x = np.arange(72, dtype=np.int8).reshape(1, 6, 6, 2)
        c.set_input(0, x.tobytes())
        r = c.invoke()
        assert r.status == 0 and r.failed_node == -1
        got = np.frombuffer(c.get_output(0), np.int8)
        assert np.array_equal(got, reference.run(g, [x])[0].reshape(-1))
        hz, ticks = c.get_timing()
        assert hz == 1_000_000_000 and len(ticks) == 6
    finally:
        assert proc.close() == 0          # exits cleanly when stdin closes


@pytest.mark.host_cc
def test_invoke_is_accepted_before_it_runs_and_a_resend_is_not_run_again(firmware):
    """ACCEPTED comes before the answer; the run overwrites the inputs (arena reuse), so a
    resent INVOKE (same seq, nothing in between) gets the first answer without running; after
    any other request the same seq is a new INVOKE."""
    proj, model = firmware
    proc = Proc(proj / "build" / "tiny")
    try:
        c = ProtocolClient(proc.t, timeout=2.0)
        c.hello()
        c.set_input(0, np.ones(72, np.int8).tobytes())
        first = _raw(proc.t, encode_frame(Msg.INVOKE, 77), expect=2)
        assert [(f.type, f.seq) for f in first] == [(Msg.ACCEPTED, 77), (Msg.INVOKE | 0x80, 77)]
        assert first[0].payload == bytes([Status.OK, Msg.INVOKE])
        again = _raw(proc.t, encode_frame(Msg.INVOKE, 77) * 2, expect=2)
        assert [f.payload for f in again] == [first[1].payload] * 2          # cached: no ACCEPTED, no run
        out = _raw(proc.t, encode_frame(Msg.GET_OUTPUT, 78, struct.pack("<III", 0, 0, 0)))
        assert out[0].status == Status.OK
        rerun = _raw(proc.t, encode_frame(Msg.INVOKE, 77), expect=2)
        assert [f.type for f in rerun] == [Msg.ACCEPTED, Msg.INVOKE | 0x80]   # a new INVOKE: runs
    finally:
        proc.close()


@pytest.mark.host_cc
def test_debug_build_serves_every_tensor_layer_by_layer(firmware):
    from micro_codegen import reference
    from micro_codegen.ms_model import read_model
    proj, model = firmware
    g = read_model(model)
    x = np.random.default_rng(2).integers(-128, 128, (1, 6, 6, 2), dtype=np.int8)
    dump = {}
    reference.run(g, [x], dump=dump)
    proc = Proc(proj / "build-debug" / "tiny")
    try:
        c = ProtocolClient(proc.t, timeout=2.0)
        assert c.hello().debug_tensors
        for i, node in enumerate(g.nodes):
            c.set_input(0, x.tobytes())
            assert c.invoke(last_node=i).status == 0
            ti = node.outputs[0]
            got = np.frombuffer(c.get_tensor(ti), g.tensors[ti].dtype.np)
            assert np.array_equal(got, dump[ti].reshape(-1)), f"node {i}"
        with pytest.raises(ProtocolError, match="BAD_INDEX"):
            c.get_tensor(1)                       # a constant: not in the arena
        # node by node: the inputs once, then each node alone on the arena as the last left it
        c.set_input(0, x.tobytes())
        for i, node in enumerate(g.nodes):
            assert c.invoke(last_node=i, first_node=i).status == 0
            ti = node.outputs[0]
            got = np.frombuffer(c.get_tensor(ti), g.tensors[ti].dtype.np)
            assert np.array_equal(got, dump[ti].reshape(-1)), f"node {i} alone"
        for last, first in ((2, 3), (-1, 6), (1, -1)):  # first after last, past the end, negative
            f = _raw(proc.t, encode_frame(Msg.INVOKE, 90, struct.pack("<ii", last, first)))[0]
            assert (f.type, f.status) == (0x83, Status.BAD_INDEX)
    finally:
        proc.close()
