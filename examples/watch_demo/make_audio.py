"""Synthesize the demo's test audio with espeak-ng: the wake word "marvin" and the ten KWS commands,
resampled to 16 kHz and mixed into noise.

    python examples/watch_demo/make_audio.py OUT_DIR            # one WAV per (word, voice, speed)
    python examples/watch_demo/make_audio.py OUT_DIR --stream   # also stream.wav: "marvin <command>" x 10

espeak-ng is a Debian package (scripts/setup.sh installs it). Deterministic: espeak-ng's output
is fixed for a given version, the noise comes from numpy.random.default_rng(seed).

Each clip is 1 s (16,000 samples, int16): the utterance's peak normalised to ``peak`` (default
0.5 full scale, the level the KWS front end's gain 2 expects), placed ``offset`` seconds in, white
noise at ``snr_db`` below the utterance's RMS added over the whole second.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 16000
WAKE_WORD = "marvin"
COMMANDS = ("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go")
VOICES = ("en-us", "en-us+f3", "en-gb", "en-gb+m3", "en-029", "en-gb-scotland")
SPEEDS = (140, 175)


class SynthesisError(RuntimeError):
    pass


def read_wav(path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise SynthesisError(f"{path}: {8 * w.getsampwidth()}-bit WAV, need 16-bit")
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, w.getnchannels())[:, 0]
        return x.copy(), w.getframerate()


def write_wav(path, samples: np.ndarray, rate: int = RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def resample(x: np.ndarray, rate_in: int, rate_out: int = RATE) -> np.ndarray:
    """Band-limited resampling through the FFT (bins above the lower Nyquist dropped)."""
    x = np.asarray(x, dtype=np.float64)
    if rate_in == rate_out:
        return x
    n_out = int(round(len(x) * rate_out / rate_in))
    spec = np.fft.rfft(x)
    keep = min(len(spec), n_out // 2 + 1)
    out = np.fft.irfft(spec[:keep], n=n_out) * (n_out / len(x))
    return out


def espeak(word: str, voice: str = "en-us", speed: int = 160) -> np.ndarray:
    """``word`` spoken by espeak-ng, float64 at 16 kHz, leading/trailing silence trimmed."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SynthesisError("espeak-ng not found: apt-get install espeak-ng (scripts/setup.sh does)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "w.wav"
        r = subprocess.run([exe, "-v", voice, "-s", str(speed), "-w", str(out), word], capture_output=True, text=True)
        if r.returncode:
            raise SynthesisError(f"espeak-ng -v {voice} failed: {r.stderr.strip()}")
        x, rate = read_wav(out)
    y = resample(x.astype(np.float64), rate)
    loud = np.nonzero(np.abs(y) > 0.02 * np.abs(y).max())[0]
    return y[loud[0]:loud[-1] + 1] if loud.size else y


def clip(utterance: np.ndarray, rng: np.random.Generator, peak: float = 0.5, snr_db: float = 20.0,
         offset: float = 0.15, length: int = RATE) -> np.ndarray:
    """One int16 clip of ``length`` samples: the utterance (peak ``peak`` of full scale) at
    ``offset`` s in white noise ``snr_db`` below the utterance's RMS."""
    u = utterance / np.abs(utterance).max() * peak * 32767.0
    u = u[:length - int(offset * RATE)]
    out = np.zeros(length)
    start = int(offset * RATE)
    out[start:start + len(u)] = u
    rms = np.sqrt(np.mean(u ** 2))
    out += rng.normal(0.0, rms * 10 ** (-snr_db / 20.0), length)
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def stream(rng: np.random.Generator, voice: str = "en-us", speed: int = 160, commands=COMMANDS,
           gap: float = 0.5, snr_db: float = 20.0, peak: float = 0.5) -> tuple[np.ndarray, list[tuple[str, float]]]:
    """"marvin <command>" for each command (each word in its own second, ``gap`` s of noise
    between pairs), white noise ``snr_db`` below the words' mean RMS: (int16, [(word, start s)])."""
    words = [w for cmd in commands for w in (WAKE_WORD, cmd)]
    utts = [espeak(w, voice, speed) for w in words]
    utts = [u / np.abs(u).max() * peak * 32767.0 for u in utts]
    pair = 2 * RATE + int(gap * RATE)
    out = np.zeros(int(gap * RATE) + pair * len(commands))
    events = []
    for k, (w, u) in enumerate(zip(words, utts)):
        start = int(gap * RATE) + (k // 2) * pair + (k % 2) * RATE
        u = u[:RATE]
        out[start:start + len(u)] = u
        events.append((w, start / RATE))
    rms = float(np.mean([np.sqrt(np.mean(u ** 2)) for u in utts]))
    out += rng.normal(0.0, rms * 10 ** (-snr_db / 20.0), len(out))
    return np.clip(np.round(out), -32768, 32767).astype(np.int16), events


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--snr-db", type=float, default=20.0)
    ap.add_argument("--stream", action="store_true", help="also write stream.wav and stream.txt (word, start s)")
    ap.add_argument("--stream-commands", default=",".join(COMMANDS), help="commands of the stream, comma-separated")
    ap.add_argument("--no-clips", action="store_true", help="write only the stream")
    args = ap.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    n = 0
    for word in () if args.no_clips else (WAKE_WORD, *COMMANDS):
        for voice in VOICES:
            for speed in SPEEDS:
                c = clip(espeak(word, voice, speed), rng, snr_db=args.snr_db)
                write_wav(args.out_dir / f"{word}_{voice.replace('+', '_')}_{speed}.wav", c)
                n += 1
    if args.stream:
        s, events = stream(rng, commands=args.stream_commands.split(","), snr_db=args.snr_db)
        write_wav(args.out_dir / "stream.wav", s)
        (args.out_dir / "stream.txt").write_text("".join(f"{w} {t:.3f}\n" for w, t in events))
    print(f"make_audio: {n} clips{' + stream.wav' if args.stream else ''} in {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
