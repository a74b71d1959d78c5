"""How well the MLPerf Tiny audio models hear the synthesized words, through the numpy front end
twin (bit-identical to the C front end) and the reference interpreter.

    python examples/watch_demo/hit_rate.py --models ../shared/models/mlperf_tiny [--audio DIR]

Without --audio the clips are synthesized into a temporary folder (make_audio.py, espeak-ng).
Reports, for every clip ``<word>_<voice>_<speed>.wav``:
  * KWS (kws_ref_model): the 1 s clip -> 49 MFCC frames -> top class, hit when it is the word;
  * wake word (str_ww_ref_model): the clip with 0.5 s of silence before and after, every
    30-frame window scored; "fires" when a window's int8 score passes 115 (p > 0.95, the
    threshold of the MLPerf reference firmware and evaluate.py).
and on stream.wav ("marvin <command>" x 10): wake-word detections (debounced by 1 s) inside a
"marvin" second or elsewhere, and the KWS class of the second that starts at each detection
and KWS_DELAY_S later (the wake word fires while "marvin" is still being said; its tail in the
KWS window makes the command "unknown").
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_audio import COMMANDS, RATE, WAKE_WORD, main as make_audio_main, read_wav  # noqa: E402

KWS_LABELS = ["down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence", "unknown"]
SWW_THRESHOLD = 115
KWS_DELAY_S = 0.3       # start of the KWS second after a detection (see the docstring)
KWS_GAIN = 2.0          # make_audio.py puts speech peaks at half full scale; training clips peak at 1.0


def load_models(models: Path):
    from micro_codegen.ms_model.reader import read_model
    return read_model(models / "kws_ref_model.ms"), read_model(models / "str_ww_ref_model.ms")


def kws_class(kws, x: np.ndarray) -> str:
    """Top class of a 1 s clip (160 zeros first so that frame 1 starts at the clip, as tf.signal.stft)."""
    from micro_codegen import audio, reference
    p = audio.params_for_model(kws, "kws", gain=KWS_GAIN)
    x = np.concatenate([np.zeros(160, np.int16), x[:RATE], np.zeros(max(0, RATE - len(x)) + 320, np.int16)])
    _, q = audio.FrontEnd(p).run(x)
    out = reference.run(kws, [q[1:1 + p.frames].reshape(1, p.frames, p.num_out, 1)])[0].reshape(-1)
    return KWS_LABELS[int(np.argmax(out))]


def sww_scores(sww, x: np.ndarray) -> np.ndarray:
    """int8 wake-word score of every 30-frame window; window k ends at sample 512 (k + 30)."""
    from micro_codegen import audio, reference
    p = audio.params_for_model(sww, "sww")
    _, q = audio.FrontEnd(p).run(x)
    return np.array([int(reference.run(sww, [q[k:k + p.frames].reshape(1, p.frames, 1, p.num_out)])[0].reshape(-1)[0])
                     for k in range(len(q) - p.frames + 1)])


def detections(scores: np.ndarray, hop: int = 512, frames: int = 30, debounce_s: float = 1.0) -> list[float]:
    """End times (s) of the windows that fire, later fires within ``debounce_s`` merged."""
    out: list[float] = []
    for k in np.nonzero(scores > SWW_THRESHOLD)[0]:
        t = hop * (int(k) + frames) / RATE
        if not out or t - out[-1] > debounce_s:
            out.append(t)
    return out


def evaluate(audio_dir: Path, models: Path) -> dict:
    kws, sww = load_models(models)
    res = {"kws": {}, "sww_marvin": [0, 0], "sww_other": [0, 0]}
    pad = np.zeros(RATE // 2, np.int16)
    for f in sorted(audio_dir.glob("*_*_*.wav")):
        word = f.name.split("_")[0]
        x, _ = read_wav(f)
        if word in COMMANDS:
            hit = kws_class(kws, x) == word
            h = res["kws"].setdefault(word, [0, 0])
            h[0] += hit
            h[1] += 1
        fired = sww_scores(sww, np.concatenate([pad, x, pad])).max() > SWW_THRESHOLD
        key = "sww_marvin" if word == WAKE_WORD else "sww_other"
        res[key][0] += int(fired)
        res[key][1] += 1
    stream = audio_dir / "stream.wav"
    if stream.is_file():
        x, _ = read_wav(stream)
        events = [(w, float(t)) for w, t in (line.split() for line in (audio_dir / "stream.txt").read_text().splitlines())]
        marvins = [t for w, t in events if w == WAKE_WORD]
        true_det, false_det, kws_hits, kws_hits_delayed = 0, 0, 0, 0
        for t in detections(sww_scores(sww, x)):
            inside = [m for m in marvins if m <= t <= m + 1.5]
            if inside:
                true_det += 1
                cmd = next(w for w, s in events if s == inside[0] + 1.0)
                start = int(t * RATE)
                kws_hits += kws_class(kws, x[start:start + RATE]) == cmd
                start = int((t + KWS_DELAY_S) * RATE)
                kws_hits_delayed += kws_class(kws, x[start:start + RATE]) == cmd
            else:
                false_det += 1
        res["stream"] = dict(marvins=len(marvins), true=true_det, false=false_det, kws_after_detection=kws_hits,
                             kws_delayed=kws_hits_delayed)
    return res


def report(res: dict) -> str:
    lines = ["KWS (kws_ref_model) on 1 s clips, top-1:"]
    tot = [0, 0]
    for w, (h, n) in sorted(res["kws"].items()):
        lines.append(f"  {w:6s} {h:3d}/{n}")
        tot[0] += h
        tot[1] += n
    lines.append(f"  total  {tot[0]}/{tot[1]} = {100 * tot[0] / max(tot[1], 1):.0f} %")
    m, o = res["sww_marvin"], res["sww_other"]
    lines.append(f"wake word (str_ww_ref_model, score > {SWW_THRESHOLD}): marvin clips fire {m[0]}/{m[1]}, "
                 f"command clips fire {o[0]}/{o[1]}")
    if "stream" in res:
        s = res["stream"]
        lines.append(f"stream: {s['true']}/{s['marvins']} marvins detected, {s['false']} false detections, "
                     f"KWS right on the second after {s['kws_after_detection']}/{s['true']} detections, "
                     f"on the second from {KWS_DELAY_S} s after {s['kws_delayed']}/{s['true']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=Path, required=True, help="folder with kws_ref_model.ms and str_ww_ref_model.ms")
    ap.add_argument("--audio", type=Path, help="clips from make_audio.py (default: synthesize now)")
    args = ap.parse_args(argv)
    if args.audio is None:
        with tempfile.TemporaryDirectory() as tmp:
            make_audio_main([tmp, "--stream"])
            print(report(evaluate(Path(tmp), args.models)))
    else:
        print(report(evaluate(args.audio, args.models)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
