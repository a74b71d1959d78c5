"""Always-on voice demo: wake word (str_ww_ref_model) -> keyword spotting (kws_ref_model) in QEMU.

    python examples/watch_demo/run_demo.py [--board qemu-mps2-an386] [--wav FILE] [--models DIR]

1. ``generate str_ww_ref_model.ms kws_ref_model.ms --name ww --name kws --app none`` (one shared
   arena) into OUT/lib; the two audio front ends' parameters (``micro_codegen.audio``) and the C
   front end (``nnacl_subset/audio``) into OUT/audio; the board files (board.h, start-up, UART,
   timing, linker script) into OUT/board, with the memory of an nrf52840 (1 MiB flash, 256 KiB RAM,
   no external weight memory) so that the link fails if the demo would not fit the watch.
2. ``make -f examples/watch_demo/firmware/Makefile OUT=OUT`` -> OUT/build/watch_demo.elf.
3. Boot it in QEMU (``micro_codegen.runners.qemu``: the UART is a TCP socket) and stream the WAV
   (16 kHz mono int16) over it in blocks of 512 samples; print the firmware's events.
4. Compute the same thing in numpy (front end twin + reference interpreter: ``pipeline``) and
   compare every wake-word window and every KWS result bit for bit; exit 1 on a difference.
5. Print the budget: instructions per second of audio per stage, RAM and flash, duty cycle.

Serial protocol (host -> firmware): ``B`` + 512 int16 little endian = one block; ``E`` = end.
Firmware -> host, text lines: ``R ...`` (ready, once), then per block zero or more of
``W <end> <s0> <s1> <s2> <fe> <ww> <rc>`` (wake-word window ending at sample <end>: int8 scores,
front-end and model cost), ``D <end>`` (detection), ``K <start> <12 int8 scores> <fe> <kws> <rc>``
(KWS on the second from sample <start>), and ``.`` when the block is done; after ``E``:
``S <key> <value>`` totals, ``.``, exit 0.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))           # this checkout's micro_codegen
from micro_codegen.toolchain import TOOL_TIMEOUT, run_tool  # noqa: E402
DEFAULT_WAV = ROOT / "tests" / "data" / "audio" / "marvin_yes_stream.wav"
KWS_LABELS = ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence", "unknown"]
RATE = 16000
BLOCK = 512                 # the wake-word hop: samples per UART block
WW_FRAMES = 30
WW_THRESHOLD = 115          # int8 score of class 0 ("marvin"): p > 0.95
WW_REFRACTORY = 16000       # samples between two detections
KWS_DELAY = 4800            # 0.3 s after a detection (NOTES-issue15-F.md, hit_rate.py)
KWS_HOP, KWS_LEAD, KWS_FRAMES = 320, 160, 49
KWS_GAIN = 2.0              # speech peaks at half full scale; the model was trained on peak-normalised clips
CLOCK_HZ = 64_000_000       # nrf52840
NRF_RAM, NRF_FLASH = 256 * 1024, 1024 * 1024


def default_models() -> Path:
    env = os.environ.get("MICRO_CODEGEN_SHARED")
    for base in ([Path(env)] if env else []) + [ROOT.parent / "shared"]:
        if (base / "models" / "mlperf_tiny" / "kws_ref_model.ms").is_file():
            return base / "models" / "mlperf_tiny"
    return ROOT.parent / "shared" / "models" / "mlperf_tiny"


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != RATE:
            raise SystemExit(f"{path}: need 16 kHz mono 16-bit PCM, got {w.getframerate()} Hz, "
                             f"{w.getnchannels()} channel(s), {8 * w.getsampwidth()} bit")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)


# ------------------------------------------------------------------ the numpy pipeline

@dataclass
class Result:
    windows: list = field(default_factory=list)      # (end, (s0, s1, s2))
    detections: list = field(default_factory=list)   # end
    kws: list = field(default_factory=list)          # (start, (12 scores))
    costs: dict = field(default_factory=dict)
    info: str = ""


def pipeline(x: np.ndarray, models: Path, ww_stride: int = 1) -> Result:
    """What the firmware computes, in numpy: front end twin + reference interpreter."""
    from micro_codegen import audio, reference
    from micro_codegen.ms_model.reader import read_model
    kws_g, ww_g = read_model(models / "kws_ref_model.ms"), read_model(models / "str_ww_ref_model.ms")
    pw = audio.params_for_model(ww_g, "sww")
    pk = audio.params_for_model(kws_g, "kws", gain=KWS_GAIN)
    n = len(x) // BLOCK * BLOCK
    x = x[:n]
    _, q = audio.FrontEnd(pw).run(x)
    res = Result()
    pending = None
    for k in range(0, len(q) - WW_FRAMES + 1, ww_stride):
        end = BLOCK * (k + WW_FRAMES)
        out = reference.run(ww_g, [q[k:k + WW_FRAMES].reshape(1, WW_FRAMES, 1, pw.num_out)])[0].reshape(-1)
        res.windows.append((end, tuple(int(v) for v in out)))
        # the firmware feeds a block's samples to KWS after scoring the window that ends with it
        armed = pending is not None and kws_done(pending) > end - BLOCK
        if out[0] > WW_THRESHOLD and not armed and (not res.detections or end - res.detections[-1] > WW_REFRACTORY):
            res.detections.append(end)
            pending = end + KWS_DELAY
            if kws_done(pending) <= n:
                seg = np.concatenate([np.zeros(KWS_LEAD, np.int16), x[pending:kws_done(pending)]])
                _, f = audio.FrontEnd(pk).run(seg)
                o = reference.run(kws_g, [f[1:1 + KWS_FRAMES].reshape(1, KWS_FRAMES, pk.num_out, 1)])[0]
                res.kws.append((pending, tuple(int(v) for v in o.reshape(-1))))
    return res


def kws_done(start: int) -> int:
    """Sample index after the last sample the KWS second starting at ``start`` uses."""
    return start + KWS_FRAMES * KWS_HOP + KWS_HOP - KWS_LEAD


# ------------------------------------------------------------------ build

def make_board(name: str):
    """The board, with an nrf52840's memory when it is an MPS2 in QEMU: flash 1 MiB, RAM 256 KiB,
    the weights in flash (no PSRAM region)."""
    from micro_codegen.boards import limit_ram, load_board
    b = load_board(name)
    if b.raw.get("qemu"):
        b = limit_ram(b, NRF_RAM)
        raw = dict(b.raw)
        raw["memory"] = [dict(t, length=min(t["length"], NRF_FLASH)) if t["kind"] == "flash" else t
                         for t in raw["memory"] if t["kind"] != "weights"]
        import dataclasses
        b = dataclasses.replace(b, raw=raw, memory=tuple(m for m in b.memory if m.kind != "weights"))
    return b


def build(out: Path, models: Path, board_name: str, log, pdm: bool = False, ww_stride: int = 1) -> Path:
    from micro_codegen import audio
    from micro_codegen.emit.env import render
    from micro_codegen.ms_model.reader import read_model
    from micro_codegen.resources import data_dir
    board = make_board(board_name)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    ww_ms, kws_ms = models / "str_ww_ref_model.ms", models / "kws_ref_model.ms"
    cmd = [sys.executable, "-m", "micro_codegen", "generate", str(ww_ms), str(kws_ms), "--name", "ww",
           "--name", "kws", "--board", board_name, "--ram-limit", str(NRF_RAM), "--app", "none", "-o", str(out / "lib")]
    r = run_tool(cmd, 600.0, cwd=ROOT)
    if r.returncode:
        raise SystemExit(f"generate failed:\n{r.stdout}{r.stderr}")
    log(r.stdout.strip().splitlines()[-1])
    adir = out / "audio"
    (adir / "audio").mkdir(parents=True)
    for kind, g, kw in (("sww", read_model(ww_ms), {}), ("kws", read_model(kws_ms), {"gain": KWS_GAIN})):
        for fname, text in audio.render_params(audio.params_for_model(g, kind, **kw),
                                               source="examples/watch_demo/run_demo.py").items():
            (adir / fname).write_text(text)
    for f in ("audio_feature_fp32.c", "audio_feature_fp32.h"):
        shutil.copy(data_dir("nnacl_subset") / "audio" / f, adir / "audio" / f)
    bdir = out / "board"
    bdir.mkdir()
    for tpl in board.templates:
        (bdir / Path(tpl).name.removesuffix(".j2")).write_text(
            render(tpl, board=board.raw, banner=" * watch_demo board files"))
    flags = " ".join(board.cflags)
    r = run_tool(["make", "-s", "-j4", "-f", str(HERE / "firmware" / "Makefile"), f"OUT={out}",
                  f"ARCH_FLAGS={flags}"] + (["PDM=1"] if pdm else []) +
                 ([f"WW_STRIDE={ww_stride}"] if ww_stride != 1 else []), 900.0, cwd=ROOT)
    if r.returncode:
        raise SystemExit(f"firmware build failed:\n{r.stdout}{r.stderr}")
    return out / "build" / "watch_demo.elf"


def memory(elf: Path) -> tuple[int, int]:
    """(RAM, flash) bytes of the ELF: RAM = .data + .bss + arena + stack; flash = everything loaded
    from flash (.text, .rodata with the weights, .data's initial values)."""
    r = run_tool(["arm-none-eabi-size", "-A", str(elf)], TOOL_TIMEOUT)
    if r.returncode:
        raise SystemExit(f"arm-none-eabi-size -A {elf} failed: {r.stderr.strip()}")
    ram = flash = 0
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        name, size, addr = parts[0], int(parts[1]), int(parts[2])
        if size == 0 or name.startswith((".comment", ".ARM.attributes", ".debug")):
            continue
        if addr >= 0x20000000:
            ram += size
            if name == ".data":
                flash += size
        else:
            flash += size
    return ram, flash


# ------------------------------------------------------------------ run

def stream(elf: Path, board_name: str, x: np.ndarray, log, timeout: float = 600.0, port: str | None = None,
           runner_name: str | None = None) -> Result:
    """Boot the firmware (QEMU; or flash a real board and open ``port``), stream ``x``, collect
    its lines. A real board's UART (115200 baud) carries about a third of real time."""
    from micro_codegen.runners import get_runner
    board = make_board(board_name)
    runner = get_runner(board, elf.parent, elf, port=port, runner=runner_name)
    res = Result()
    n = len(x) // BLOCK * BLOCK

    def session(link):
        buf = bytearray()

        def lines():
            nonlocal buf
            out = []
            deadline = time.monotonic() + 60
            while True:
                while b"\n" in buf:
                    line, _, rest = bytes(buf).partition(b"\n")
                    buf = bytearray(rest)
                    text = line.decode("ascii", "replace").strip()
                    if text == ".":
                        return out
                    out.append(text)
                chunk = link.read(4096, 0.5)
                if chunk:
                    buf += chunk
                elif time.monotonic() > deadline:
                    raise SystemExit(f"firmware stopped answering; {runner.diagnostics()}")

        res.info = " ".join(lines())
        for pos in range(0, n, BLOCK):
            link.write(b"B" + x[pos:pos + BLOCK].astype("<i2").tobytes())
            for t in lines():
                f = t.split()
                if f[0] == "W":
                    res.windows.append((int(f[1]), tuple(int(v) for v in f[2:5])))
                    res.costs.setdefault("ww_fe_per_hop", []).append(int(f[5]))
                elif f[0] == "D":
                    res.detections.append(int(f[1]))
                    log(f"  {int(f[1]) / RATE:7.3f} s  sample {int(f[1]):7d}  wake word detected")
                elif f[0] == "K":
                    scores = tuple(int(v) for v in f[2:14])
                    res.kws.append((int(f[1]), scores))
                    best = int(np.argmax(scores))
                    log(f"  {int(f[1]) / RATE:7.3f} s  sample {int(f[1]):7d}  KWS: {KWS_LABELS[best]} "
                        f"(score {scores[best]}; front end {int(f[14]):,} + model {int(f[15]):,} instr)")
        link.write(b"E")
        for t in lines():
            f = t.split()
            if f[0] == "S":
                res.costs[f[1]] = int(f[2])

    if not board.raw.get("qemu"):
        with runner as link:
            session(link)
        return res
    code, _ = runner.run(session, timeout=timeout)
    if code != 0:
        raise SystemExit(f"firmware exited with {code}: {runner.diagnostics()}")
    return res


def budget(res: Result, ram: int, flash: int) -> str:
    c = res.costs
    secs = c["samples"] / RATE
    rows = [("front end (wake word, always on)", c["ww_fe"]), ("front end (KWS, after a detection)", c["kws_fe"]),
            ("wake word model", c["ww"]), ("KWS model", c["kws"])]
    total = sum(v for _, v in rows)
    unit = "instr" if "instructions" in res.info else "cycles"
    lines = [f"budget over {secs:.2f} s of audio ({c['windows']} wake-word windows, {c['detections']} detections, "
             f"{c['kws_runs']} KWS runs):",
             f"  {'stage':36s} {unit + '/s of audio':>18s} {'duty @64 MHz':>13s}"]
    for name, v in rows + [("total", total)]:
        lines.append(f"  {name:36s} {v / secs:18,.0f} {100 * v / secs / CLOCK_HZ:12.2f}%")
    hops = c["samples"] // BLOCK
    lines.append(f"  per call: wake-word front end {c['ww_fe'] / max(hops, 1):,.0f} {unit}/hop (32 ms), "
                 f"wake word {c['ww'] / max(c['windows'], 1):,.0f}/window, KWS front end "
                 f"{c['kws_fe'] / max(c['kws_runs'], 1):,.0f} + model {c['kws'] / max(c['kws_runs'], 1):,.0f}/run")
    lines.append(f"  RAM   {ram:9,} B of {NRF_RAM:,} (nrf52840: {100 * ram / NRF_RAM:.1f} %; "
                 f"stack and the shared model arena included)")
    lines.append(f"  flash {flash:9,} B of {NRF_FLASH:,} (nrf52840: {100 * flash / NRF_FLASH:.1f} %; "
                 f"weights, front-end tables and code)")
    lines.append("  (QEMU counts instructions; the duty cycle assumes 1 instruction per cycle)")
    return "\n".join(lines)


def compare(fw: Result, ref: Result) -> list[str]:
    bad = []
    if len(fw.windows) != len(ref.windows):
        bad.append(f"{len(fw.windows)} wake-word windows from the firmware, {len(ref.windows)} from numpy")
    for a, b in zip(fw.windows, ref.windows):
        if a != b:
            bad.append(f"window ending at {a[0]}: firmware {a[1]}, numpy {b[1]}")
    if fw.detections != ref.detections:
        bad.append(f"detections: firmware {fw.detections}, numpy {ref.detections}")
    if fw.kws != ref.kws:
        bad.append(f"KWS: firmware {fw.kws}, numpy {ref.kws}")
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--board", default="qemu-mps2-an386")
    ap.add_argument("--wav", type=Path, default=DEFAULT_WAV, help="16 kHz mono int16 (default: %(default)s)")
    ap.add_argument("--models", type=Path, default=None, help="folder with the two MLPerf Tiny .ms models")
    ap.add_argument("--out", type=Path, default=None, help="build folder (default: a temporary one)")
    ap.add_argument("--no-check", action="store_true", help="skip the numpy comparison")
    ap.add_argument("--build-only", action="store_true", help="generate and build; print RAM and flash")
    ap.add_argument("--flash-dry-run", action="store_true",
                    help="real board: print the flash command (openocd/pyocd) for the built ELF, run nothing")
    ap.add_argument("--ww-stride", type=int, default=1, metavar="N",
                    help="score the wake word on every N-th 32 ms hop only (default 1: every hop)")
    ap.add_argument("--pdm", action="store_true",
                    help="nrf52840dk: audio from a PDM microphone (firmware/pdm_nrf52840.c); build only")
    ap.add_argument("--port", help="real board: its UART (e.g. /dev/ttyACM0); flashes it, then streams")
    ap.add_argument("--runner", help="real board: flash tool (default: the board's)")
    args = ap.parse_args(argv)
    models = args.models or default_models()
    if not (models / "kws_ref_model.ms").is_file() or not (models / "str_ww_ref_model.ms").is_file():
        raise SystemExit(f"{models}: kws_ref_model.ms / str_ww_ref_model.ms not found; pass --models DIR")
    x = read_wav(args.wav)
    tmp = None
    out = args.out
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="watch_demo_")
        out = Path(tmp.name)
    try:
        if args.pdm and args.board != "nrf52840dk":
            raise SystemExit("--pdm is for --board nrf52840dk (the nRF52840's PDM peripheral)")
        if args.ww_stride < 1:
            raise SystemExit("--ww-stride must be >= 1")
        elf = build(out.resolve(), models.resolve(), args.board, print, pdm=args.pdm, ww_stride=args.ww_stride)
        ram, flash = memory(elf)
        print(f"firmware {elf}: RAM {ram:,} B, flash {flash:,} B (nrf52840: {NRF_RAM:,} / {NRF_FLASH:,})")
        if args.flash_dry_run:
            import shlex
            from micro_codegen.runners import get_runner
            runner = get_runner(make_board(args.board), elf.parent, elf, runner=args.runner)
            if not hasattr(runner, "dry_run"):
                raise SystemExit(f"board {args.board} is simulated: nothing to flash")
            print(shlex.join(runner.dry_run()))
        if args.build_only or args.flash_dry_run or args.pdm:
            return 0
        print(f"streaming {args.wav.name} ({len(x) / RATE:.2f} s) to {args.board}:")
        fw = stream(elf, args.board, x, print, port=args.port, runner_name=args.runner)
        print(budget(fw, ram, flash))
        if not args.no_check:
            bad = compare(fw, pipeline(x, models, args.ww_stride))
            if bad:
                print("MISMATCH with the numpy pipeline:\n  " + "\n  ".join(bad[:10]))
                return 1
            print(f"numpy pipeline (front end twin + reference interpreter): all {len(fw.windows)} wake-word "
                  f"windows and {len(fw.kws)} KWS results equal, bit for bit")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
