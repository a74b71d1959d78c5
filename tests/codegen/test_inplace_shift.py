"""``ops._common.window_shift``: the in-place shift of a streaming window kernel, checked against
a brute-force simulation of byte ownership (input placed D bytes after the output in one buffer,
groups of output pixels processed in raster order)."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.numerics import Window
from micro_codegen.ops._common import window_shift


def _reads(win: Window, in_shape, isz: int) -> list[np.ndarray]:
    """Per output pixel (raster order over all images): the input bytes it reads, found tap by
    tap (every channel of every tap inside the input)."""
    n, h, w, c = in_shape
    out = []
    for b in range(n):
        for oy in range(win.out_h):
            for ox in range(win.out_w):
                taps = [(oy * win.stride_h - win.pad_top + ky * win.dilation_h,
                         ox * win.stride_w - win.pad_left + kx * win.dilation_w)
                        for ky in range(win.kernel_h) for kx in range(win.kernel_w)]
                starts = [((b * h + iy) * w + ix) * c * isz for iy, ix in taps if 0 <= iy < h and 0 <= ix < w]
                out.append(np.array(sorted({s + k for s in starts for k in range(c * isz)}), np.int64))
    return out


def _safe(reads, chunks, out_px: int, d: int, reads_first: bool) -> bool:
    """Simulate: the buffer holds the input from byte d on; chunk by chunk, the chunk's output
    bytes are written (before its reads, or after them with ``reads_first``); every read must find
    its byte still holding input."""
    clobbered = 0                 # output bytes [0, clobbered) written so far
    for lo, hi in chunks:
        if not reads_first:
            clobbered = hi * out_px
        for q in range(lo, hi):
            if reads[q].size and reads[q][0] + d < clobbered:
                return False
        clobbered = hi * out_px
    return True


def _aligned(total: int, group: int):
    return [(s, min(s + group, total)) for s in range(0, total, group)]


def _geometry(rng):
    k = int(rng.choice([1, 2, 3, 5]))
    kh, kw = k, int(rng.choice([k, 1, 3]))
    sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    dh, dw = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if rng.random() < 0.3 else (1, 1)
    h, w = int(rng.integers(max(1, (kh - 1) * dh + 1 - 2), 8)), int(rng.integers(1, 7))
    pt, pl = int(rng.integers(0, 3)), int(rng.integers(0, 3))
    pb, pr = int(rng.integers(0, 3)), int(rng.integers(0, 3))
    out_h = (h + pt + pb - ((kh - 1) * dh + 1)) // sh + 1
    out_w = (w + pl + pr - ((kw - 1) * dw + 1)) // sw + 1
    if out_h < 1 or out_w < 1:
        return None
    n = 1 if rng.random() < 0.75 else 2
    c, oc = int(rng.integers(1, 6)), int(rng.integers(1, 9))
    isz, osz = [(1, 1), (4, 4), (1, 4), (2, 2)][int(rng.integers(0, 4))]
    return Window(kh, kw, sh, sw, dh, dw, out_h, out_w, pt, pl), (n, h, w, c), oc, isz, osz


@pytest.mark.parametrize("seed", range(6))
def test_shift_is_safe_and_minimal(seed):
    rng = np.random.default_rng(seed)
    done = 0
    while done < 40:
        geo = _geometry(rng)
        if geo is None:
            continue
        win, in_shape, oc, isz, osz = geo
        reads = _reads(win, in_shape, isz)
        total, out_px = len(reads), oc * osz
        for group in (1, 2, 4, int(win.out_w)):
            for reads_first in (False, True):
                d = window_shift(win, in_shape, oc, isz, osz, group=group, reads_first=reads_first)
                chunks = _aligned(total, group)
                assert _safe(reads, chunks, out_px, d, reads_first), (geo, group, reads_first, d)
                if d > 0:   # minimal: one byte less clobbers an input byte still to be read
                    assert not _safe(reads, chunks if not reads_first else _aligned(total, 1), out_px, d - 1,
                                     reads_first), (geo, group, reads_first, d)
            # any runs of at most `group` pixels (not aligned)
            d = window_shift(win, in_shape, oc, isz, osz, group=group, aligned=False)
            assert d >= window_shift(win, in_shape, oc, isz, osz, group=group)
            for _ in range(3):
                cuts, q = [], 0
                while q < total:
                    step = int(rng.integers(1, group + 1))
                    cuts.append((q, min(q + step, total)))
                    q += step
                assert _safe(reads, cuts, out_px, d, False), (geo, group, cuts, d)
            if d > 0:       # minimal: some run start clobbers with one byte less
                assert any(not _safe(reads, [(q, q + 1) for q in range(s)] + [(s, min(s + group, total))],
                                     out_px, d - 1, False) for s in range(total)), (geo, group, d)
        done += 1


def test_shift_examples():
    # 3x3 stride 1 pad 1, 8x8x4 -> 8x8x4 int8, one pixel at a time: the output of row y, column x
    # must stay below the first tap of pixel (y, x): row y - 1, column x - 1 (column 0 at x = 0)
    win = Window(3, 3, 1, 1, 1, 1, 8, 8, 1, 1)
    assert window_shift(win, (1, 8, 8, 4), 4, 1, 1) == (8 + 2) * 4
    # whole rows at once: a row ends 2 input rows past its first tap
    assert window_shift(win, (1, 8, 8, 4), 4, 1, 1, group=8) == 2 * 8 * 4
    # 1x1 stride 1, channel expansion 4 -> 16: pixel q's input is at 4q, its output ends at 16 (q + 1)
    one = Window(1, 1, 1, 1, 1, 1, 8, 8, 0, 0)
    assert window_shift(one, (1, 8, 8, 4), 16, 1, 1) == 63 * 12 + 16
    assert window_shift(one, (1, 8, 8, 4), 16, 1, 1, reads_first=True) == 63 * 12
    # a 2x2 stride 2 pool never catches up with its input: D = one pixel (its own window)
    pool = Window(2, 2, 2, 2, 1, 1, 4, 4, 0, 0)
    assert window_shift(pool, (1, 8, 8, 4), 4, 1, 1) == 4
