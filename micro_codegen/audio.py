"""Audio feature front end: parameters per model, constant tables, and the numpy twin of the C code.

The C front end (``nnacl_subset/audio/audio_feature_fp32.c``) turns a stream of int16 samples into
one quantized feature frame per hop. This module

1. defines the parameters each MLPerf Tiny audio model was trained with (:func:`kws_params`,
   :func:`sww_params`; sources in ``docs/audio_frontend.md``),
2. builds the constant tables (window, FFT twiddles, packed mel filterbank, DCT-II matrix) as
   float32 arrays and renders them as a C ``audio_feature_param_t`` (:func:`render_params`),
3. computes the same features in numpy (:class:`FrontEnd`) with the same float32 operations in
   the same order as the C code, so the two agree bit for bit (float features and int8 frames),
4. re-derives the training pipelines' formulas in float64 (:func:`reference_features`: tf.signal
   stft / linear_to_mel_weight_matrix / mfccs_from_log_mel_spectrograms, and the streaming wake
   word LFBE) for tests against the twin within float tolerance (no TensorFlow needed).

Operation order shared by C and twin (each step one float32 rounding, no fused multiply-add):

1. sample ``x = s * sample_scale``; pre-emphasis ``e = x - pre * x_prev`` (the previous sample
   carries over between hops); the history of ``frame_length`` values shifts by one hop;
2. ``frame[n] = e[n] * window[n]``, zero padded to ``fft_length``;
3. real FFT: complex radix-2 DIT FFT of ``z[k] = frame[2k] + i frame[2k+1]`` (length N/2,
   bit-reversed input order, twiddles ``cos/sin(2 pi j / N)``), then the split step;
4. ``p = re*re + im*im``; magnitude ``sqrt(p)`` or power ``p * power_scale``;
5. mel band ``m`` = sequential sum over its non-zero weights, lowest bin first;
6. ``y = log_mult * ln(max(mel + log_add, log_floor))`` with :func:`ln_f32` (our polynomial,
   bit-reproducible, unlike libm logf);
7. ``y = (y + post_add) * post_mul``, clipped to ``[clip_lo, clip_hi]`` when ``clip``;
8. MFCC: ``c[k]`` = sequential sum over n of ``dct[k][n] * y[n]``;
9. int8: ``v = c / scale + zero_point``, truncated toward zero (C cast) and saturated to
   [-128, 127] -- the truncation of the reference pipelines' ``np.array(x/s + zp, dtype=np.int8)``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .errors import CodegenError

F32 = np.float32


# ------------------------------------------------------------------ parameters

@dataclass(frozen=True)
class FeatureParams:
    """Everything that defines one model's front end (see docs/audio_frontend.md for sources)."""
    name: str                       # C prefix: kws -> kws_feature_params
    sample_rate: int
    frame_length: int               # window length in samples
    hop_length: int                 # samples per push (window stride)
    fft_length: int                 # power of two >= frame_length
    window: str                     # "hann_periodic" | "hamming_symmetric"
    sample_scale: float             # int16 -> float multiplier
    preemphasis: float              # 0: none
    magnitude: bool                 # True: |X|; False: power |X|^2 * power_scale
    power_scale: float
    num_mel: int
    mel_lo_hz: float
    mel_hi_hz: float
    log_add: float                  # y = log_mult * ln(max(mel + log_add, log_floor))
    log_floor: float
    log_mult: float
    post_add: float = 0.0           # y = (y + post_add) * post_mul, then optional clip
    post_mul: float = 1.0
    clip: bool = False
    clip_lo: float = 0.0
    clip_hi: float = 0.0
    num_dct: int = 0                # 0: log-mel output, else MFCC coefficients kept
    out_scale: float = 1.0          # model input quantization
    out_zero_point: int = 0
    frames: int = 1                 # feature frames per inference
    notes: dict = field(default_factory=dict, compare=False)

    @property
    def num_bins(self) -> int:
        return self.fft_length // 2 + 1

    @property
    def num_out(self) -> int:
        return self.num_dct or self.num_mel

    @property
    def buffer_floats(self) -> int:
        """Size of the caller's work buffer (floats): history, FFT, spectrum, mel, output."""
        return self.frame_length + self.fft_length + self.num_bins + self.num_mel + self.num_out

    def check(self) -> None:
        n = self.fft_length
        if n < 4 or n & (n - 1) or n < self.frame_length:
            raise CodegenError(f"audio front end {self.name}: fft_length {n} must be a power of two >= "
                               f"frame_length {self.frame_length}")
        if not 0 < self.hop_length <= self.frame_length:
            raise CodegenError(f"audio front end {self.name}: hop {self.hop_length} must be in "
                               f"[1, frame_length {self.frame_length}]")
        if not 0 <= self.mel_lo_hz < self.mel_hi_hz <= self.sample_rate / 2:
            raise CodegenError(f"audio front end {self.name}: mel range [{self.mel_lo_hz}, {self.mel_hi_hz}] Hz "
                               f"must lie in [0, {self.sample_rate / 2}]")
        if self.num_dct > self.num_mel:
            raise CodegenError(f"audio front end {self.name}: {self.num_dct} DCT coefficients > {self.num_mel} mel bands")


def kws_params(out_scale: float = 0.584703, out_zero_point: int = 83, gain: float = 1.0) -> FeatureParams:
    """MLPerf Tiny keyword spotting (kws_ref_model): 10 MFCCs of 40 log-magnitude mel bands.

    The training pipeline divides each 1 s clip by its maximum sample (peak 1.0); a stream has
    no clip, so ``gain`` scales int16 samples instead: ``sample_scale = gain / 32768`` (gain 2
    for speech peaking at half full scale). A gain only shifts coefficient 0 by
    ``sqrt(2 * 40) * ln(gain)`` as long as the 1e-6 log offset is negligible.
    """
    return FeatureParams(
        name="kws", sample_rate=16000, frame_length=480, hop_length=320, fft_length=512,
        window="hann_periodic", sample_scale=gain / 32768.0, preemphasis=0.0, magnitude=True, power_scale=1.0,
        num_mel=40, mel_lo_hz=20.0, mel_hi_hz=4000.0, log_add=1e-6, log_floor=float(np.finfo(F32).tiny),
        log_mult=1.0, num_dct=10, out_scale=out_scale, out_zero_point=out_zero_point, frames=49)


def sww_params(out_scale: float = 0.00370104, out_zero_point: int = -128) -> FeatureParams:
    """MLPerf Tiny streaming wake word (str_ww_ref_model, "marvin"): 40 log mel filterbank
    energies in dB, ``(dB + 52) / 64`` clipped to [0, 1]."""
    return FeatureParams(
        name="sww", sample_rate=16000, frame_length=1024, hop_length=512, fft_length=1024,
        window="hamming_symmetric", sample_scale=1.0 / 32768.0, preemphasis=1.0 - 2.0 ** -5, magnitude=False,
        power_scale=1.0 / 1024, num_mel=40, mel_lo_hz=0.0, mel_hi_hz=8000.0, log_add=0.0, log_floor=1e-30,
        log_mult=10.0 / math.log(10.0), post_add=52.0, post_mul=1.0 / 64.0, clip=True, clip_lo=0.0, clip_hi=1.0,
        num_dct=0, out_scale=out_scale, out_zero_point=out_zero_point, frames=30)


def params_for_model(graph, kind: str, **kw) -> FeatureParams:
    """Front-end parameters with the model's own input scale / zero point (``kind`` "kws"/"sww")."""
    t = graph.tensors[graph.inputs[0]]
    if not t.quant:
        raise CodegenError(f"model input '{t.name}' is not quantized: the front end writes int8 frames")
    q = t.quant[0]
    make = {"kws": kws_params, "sww": sww_params}[kind]
    p = make(out_scale=float(q.scale), out_zero_point=int(q.zero_point), **kw)
    n_out = int(np.prod(t.shape)) // p.frames
    if n_out != p.num_out:
        raise CodegenError(f"model input '{t.name}' {t.describe()} is not {p.frames} frames of {p.num_out} features")
    return p


# ------------------------------------------------------------------ tables (float64 math, float32 storage)

def hertz_to_mel(f):
    """HTK mel scale of tf.signal (mel_ops.py): 1127 ln(1 + f / 700)."""
    return 1127.0 * np.log(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def window_f64(kind: str, n: int) -> np.ndarray:
    """tf.signal raised-cosine windows (window_ops.py): periodic divides by n, symmetric by n - 1."""
    k = np.arange(n, dtype=np.float64)
    if kind == "hann_periodic":
        return 0.5 - 0.5 * np.cos(2.0 * np.pi * k / n)
    if kind == "hamming_symmetric":
        return 0.54 - 0.46 * np.cos(2.0 * np.pi * k / (n - 1))
    raise CodegenError(f"unknown window '{kind}'")


def mel_matrix_f64(num_mel: int, num_bins: int, sample_rate: float, lo: float, hi: float) -> np.ndarray:
    """tf.signal.linear_to_mel_weight_matrix re-derived in float64: [num_bins, num_mel], DC row 0."""
    freqs = np.linspace(0.0, sample_rate / 2.0, num_bins)[1:]
    bins_mel = hertz_to_mel(freqs)[:, None]
    edges = np.linspace(hertz_to_mel(lo), hertz_to_mel(hi), num_mel + 2)
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    w = np.maximum(0.0, np.minimum(lower_slopes, upper_slopes))
    return np.concatenate([np.zeros((1, num_mel)), w], axis=0)


def dct_matrix_f64(num_dct: int, num_mel: int) -> np.ndarray:
    """tf.signal.mfccs_from_log_mel_spectrograms: unnormalised DCT-II (2 sum x cos) times
    rsqrt(2 N), i.e. sqrt(2/N) cos(pi k (2n+1) / 2N) for every k (HTK scaling, not orthonormal at k=0)."""
    k = np.arange(num_dct, dtype=np.float64)[:, None]
    n = np.arange(num_mel, dtype=np.float64)[None, :]
    return math.sqrt(2.0 / num_mel) * np.cos(np.pi * k * (2.0 * n + 1.0) / (2.0 * num_mel))


@dataclass(frozen=True)
class Tables:
    window: np.ndarray        # float32 [frame_length]
    twiddle_cos: np.ndarray   # float32 [N/2]   cos(2 pi j / N)
    twiddle_sin: np.ndarray   # float32 [N/2]   sin(2 pi j / N)
    mel_start: np.ndarray     # int16 [num_mel] first spectrum bin of each band
    mel_len: np.ndarray       # int16 [num_mel] non-zero weights per band
    mel_weights: np.ndarray   # float32 [sum(mel_len)] packed, band after band
    dct: np.ndarray           # float32 [num_dct, num_mel] (empty when num_dct == 0)


def tables(p: FeatureParams) -> Tables:
    p.check()
    n = p.fft_length
    j = np.arange(n // 2, dtype=np.float64)
    mel = mel_matrix_f64(p.num_mel, p.num_bins, p.sample_rate, p.mel_lo_hz, p.mel_hi_hz).astype(F32)
    starts, lens, packed = [], [], []
    for m in range(p.num_mel):
        nz = np.nonzero(mel[:, m])[0]
        if nz.size == 0:
            raise CodegenError(f"audio front end {p.name}: mel band {m} covers no FFT bin (fft_length too small)")
        lo, hi = int(nz[0]), int(nz[-1]) + 1
        starts.append(lo)
        lens.append(hi - lo)
        packed.append(mel[lo:hi, m])
    dct = dct_matrix_f64(p.num_dct, p.num_mel).astype(F32) if p.num_dct else np.zeros((0, p.num_mel), F32)
    return Tables(window=window_f64(p.window, p.frame_length).astype(F32),
                  twiddle_cos=np.cos(2.0 * np.pi * j / n).astype(F32),
                  twiddle_sin=np.sin(2.0 * np.pi * j / n).astype(F32),
                  mel_start=np.array(starts, np.int16), mel_len=np.array(lens, np.int16),
                  mel_weights=np.concatenate(packed).astype(F32), dct=dct)


# ------------------------------------------------------------------ the twin (float32, C operation order)

_LN2 = F32(0.693147180559945)
_SQRT2 = F32(1.41421356237)
_LOG_COEFFS = [F32(1.0) / F32(d) for d in (9.0, 7.0, 5.0, 3.0, 1.0)]   # as C folds 1.0f / 9.0f


def ln_f32(x: np.ndarray) -> np.ndarray:
    """Natural log of positive normal float32 values, the exact float32 steps of ``audio_ln_f32``
    (nnacl_subset/audio/audio_feature_fp32.c): x = m 2^e with m in [sqrt(1/2), sqrt(2)),
    s = (m-1)/(m+1), ln x = e ln2 + 2 s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9).
    Error < 2e-7 relative to the true log over the inputs used here."""
    x = np.ascontiguousarray(x, dtype=F32)
    u = x.view(np.uint32)
    e = ((u >> np.uint32(23)) & np.uint32(0xFF)).astype(np.int32) - np.int32(127)
    m = ((u & np.uint32(0x007FFFFF)) | np.uint32(0x3F800000)).view(F32)
    big = m > _SQRT2
    m = np.where(big, m * F32(0.5), m).astype(F32)
    e = e + big.astype(np.int32)
    s = (m - F32(1.0)) / (m + F32(1.0))
    s2 = s * s
    poly = np.full_like(s, _LOG_COEFFS[0])
    for c in _LOG_COEFFS[1:]:
        poly = poly * s2 + c
    return e.astype(F32) * _LN2 + F32(2.0) * s * poly


def _bitrev(m: int) -> np.ndarray:
    bits = m.bit_length() - 1
    idx = np.arange(m)
    rev = np.zeros(m, dtype=np.int64)
    for b in range(bits):
        rev |= ((idx >> b) & 1) << (bits - 1 - b)
    return rev


def rfft_f32(frames: np.ndarray, tab: Tables) -> tuple[np.ndarray, np.ndarray]:
    """Real FFT of float32 ``frames`` [F, N] -> (re, im) float32 [F, N/2+1], the C butterflies."""
    frames = np.asarray(frames, dtype=F32)
    n = frames.shape[1]
    m = n // 2
    zr = frames[:, 0::2][:, _bitrev(m)].copy()
    zi = frames[:, 1::2][:, _bitrev(m)].copy()
    length = 2
    while length <= m:
        half = length // 2
        step = n // length                # twiddle index stride in N-terms: 2 * (m / length)
        wr = tab.twiddle_cos[np.arange(half) * step]
        wi = -tab.twiddle_sin[np.arange(half) * step]
        for start in range(0, m, length):
            a = slice(start, start + half)
            b = slice(start + half, start + length)
            br, bi = zr[:, b], zi[:, b]
            tr = wr * br - wi * bi
            ti = wr * bi + wi * br
            ar, ai = zr[:, a].copy(), zi[:, a].copy()
            zr[:, b] = ar - tr
            zi[:, b] = ai - ti
            zr[:, a] = ar + tr
            zi[:, a] = ai + ti
        length *= 2
    # split step: X[k] = E + W^k O with E = (Z[k] + conj Z[m-k]) / 2, O = -i (Z[k] - conj Z[m-k]) / 2
    k = np.arange(1, m)
    ar, ai = zr[:, k], zi[:, k]
    br, bi = zr[:, m - k], zi[:, m - k]
    half = F32(0.5)
    er = half * (ar + br)
    ei = half * (ai - bi)
    orr = half * (ai + bi)
    oi = half * (br - ar)
    wr = tab.twiddle_cos[k]
    wi = -tab.twiddle_sin[k]
    xr = np.empty((frames.shape[0], m + 1), F32)
    xi = np.zeros((frames.shape[0], m + 1), F32)
    xr[:, k] = er + (wr * orr - wi * oi)
    xi[:, k] = ei + (wr * oi + wi * orr)
    xr[:, 0] = zr[:, 0] + zi[:, 0]
    xr[:, m] = zr[:, 0] - zi[:, 0]
    return xr, xi


def quantize(y: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    """``(int8)(y / scale + zp)`` with C truncation toward zero, saturated to [-128, 127]."""
    v = np.asarray(y, dtype=F32) / F32(scale) + F32(zero_point)
    return np.clip(np.trunc(v), -128, 127).astype(np.int8)


class FrontEnd:
    """The streaming front end in numpy: ``push(hop)`` -> one int8 frame, as the C code."""

    def __init__(self, params: FeatureParams):
        self.p = params
        self.tab = tables(params)
        self.history = np.zeros(params.frame_length, F32)
        self.prev = F32(0.0)
        self.last_float: np.ndarray | None = None

    def emphasise(self, samples: np.ndarray) -> np.ndarray:
        """Scaled, pre-emphasised samples (float32), carrying the previous sample over."""
        s = np.asarray(samples, dtype=np.int16)
        x = s.astype(F32) * F32(self.p.sample_scale)
        if self.p.preemphasis == 0.0:
            e = x
        else:
            prev = np.concatenate([[self.prev], x[:-1]]).astype(F32)
            e = x - F32(self.p.preemphasis) * prev
        if len(x):
            self.prev = x[-1]
        return e.astype(F32)

    def features_from_frames(self, frames: np.ndarray) -> np.ndarray:
        """Float32 features [F, num_out] of pre-emphasised frames [F, frame_length]."""
        p, tab = self.p, self.tab
        f = frames.shape[0]
        buf = np.zeros((f, p.fft_length), F32)
        buf[:, :p.frame_length] = frames * tab.window
        xr, xi = rfft_f32(buf, tab)
        pw = xr * xr + xi * xi
        spec = np.sqrt(pw) if p.magnitude else pw * F32(p.power_scale)
        mel = np.zeros((f, p.num_mel), F32)
        off = 0
        for mi in range(p.num_mel):
            st, ln = int(tab.mel_start[mi]), int(tab.mel_len[mi])
            acc = np.zeros(f, F32)
            for jj in range(ln):
                acc = acc + tab.mel_weights[off + jj] * spec[:, st + jj]
            mel[:, mi] = acc
            off += ln
        y = np.maximum(mel + F32(p.log_add), F32(p.log_floor))
        y = F32(p.log_mult) * ln_f32(y)
        if p.post_add != 0.0 or p.post_mul != 1.0:
            y = (y + F32(p.post_add)) * F32(p.post_mul)
        if p.clip:
            y = np.minimum(np.maximum(y, F32(p.clip_lo)), F32(p.clip_hi))
        if not p.num_dct:
            return y.astype(F32)
        out = np.zeros((f, p.num_dct), F32)
        for k in range(p.num_dct):
            acc = np.zeros(f, F32)
            for n in range(p.num_mel):
                acc = acc + tab.dct[k, n] * y[:, n]
            out[:, k] = acc
        return out

    def push(self, hop: np.ndarray) -> np.ndarray:
        """One hop of int16 samples in, one int8 frame out."""
        if len(hop) != self.p.hop_length:
            raise ValueError(f"push needs {self.p.hop_length} samples, got {len(hop)}")
        e = self.emphasise(hop)
        self.history = np.concatenate([self.history[self.p.hop_length:], e])
        self.last_float = self.features_from_frames(self.history[None, :])[0]
        return quantize(self.last_float, self.p.out_scale, self.p.out_zero_point)

    def run(self, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every complete hop of ``samples`` pushed in order (vectorised): (float [F, out], int8 [F, out])."""
        p = self.p
        hops = len(samples) // p.hop_length
        e = self.emphasise(np.asarray(samples[:hops * p.hop_length], dtype=np.int16))
        stream = np.concatenate([self.history, e])
        idx = (np.arange(hops)[:, None] + 1) * p.hop_length + np.arange(p.frame_length)[None, :]
        frames = stream[idx]
        self.history = stream[len(stream) - p.frame_length:].copy()
        y = self.features_from_frames(frames) if hops else np.zeros((0, p.num_out), F32)
        if hops:
            self.last_float = y[-1]
        return y, quantize(y, p.out_scale, p.out_zero_point)


# ------------------------------------------------------------------ the training pipelines, re-derived

def reference_features(p: FeatureParams, wave: np.ndarray) -> np.ndarray:
    """The training pipeline's float features of ``wave`` (float, already scaled like the C
    ``sample_scale`` does), computed offline in float64 with numpy's FFT: frames start at
    sample 0 (tf.signal.stft, pad_end=False); SWW pre-emphasis pads one zero in front
    (get_dataset.get_lfbe_func). KWS clip normalisation (wave / max) is the caller's."""
    x = np.asarray(wave, dtype=np.float64)
    if p.preemphasis:
        x = x - p.preemphasis * np.concatenate([[0.0], x[:-1]])
    nfr = 1 + (len(x) - p.frame_length) // p.hop_length
    idx = np.arange(nfr)[:, None] * p.hop_length + np.arange(p.frame_length)[None, :]
    frames = x[idx] * window_f64(p.window, p.frame_length)
    spec = np.abs(np.fft.rfft(frames, n=p.fft_length, axis=1))
    if not p.magnitude:
        spec = spec ** 2 / p.frame_length
    mel = spec @ mel_matrix_f64(p.num_mel, p.num_bins, p.sample_rate, p.mel_lo_hz, p.mel_hi_hz)
    if p.num_dct:                                  # KWS: log(mel + 1e-6), MFCC
        return np.log(mel + p.log_add) @ dct_matrix_f64(p.num_dct, p.num_mel).T
    y = 10.0 * np.log10(np.maximum(mel, p.log_floor))   # SWW: clip 1e-30, 10 log10, (+52)/64, [0, 1]
    return np.clip((y + 52.0 - 32.0 + 32.0) / 64.0, 0.0, 1.0)


# ------------------------------------------------------------------ C parameters

def render_params(p: FeatureParams, source: str = "") -> dict[str, str]:
    """``{<name>_feature_params.h: ..., <name>_feature_params.c: ...}``: the tables as C arrays
    and the ``const audio_feature_param_t <name>_feature_params`` (templates/c/audio/)."""
    from .emit.env import render          # the shared Jinja2 environment and C-literal filters

    tab = tables(p)
    ctx = dict(p=p, t=tab, source=source, guard=f"{p.name.upper()}_FEATURE_PARAMS_H")
    return {f"{p.name}_feature_params.h": render("audio/feature_params.h.j2", **ctx),
            f"{p.name}_feature_params.c": render("audio/feature_params.c.j2", **ctx)}
