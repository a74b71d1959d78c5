"""Fuzz the reader: seeded mutations of real models give ModelFileError or a valid graph.

Never another exception and never a hang (each case is bounded by a timer).
"""
from __future__ import annotations

import signal

import numpy as np
import pytest

from conftest import MLPERF, needs_shared
from micro_codegen.check import check_graph
from micro_codegen.errors import ModelFileError
from micro_codegen.ms_model import read_bytes

# the larger models take 8-17 s each: slow tier (the default run still fuzzes two models)
NAMES = ["kws_ref_model", "kws_ref_model_float32", "str_ww_ref_model", "pretrainedResnet_quant", "ad01_int8"]
SLOW_NAMES = {"kws_ref_model", "str_ww_ref_model", "pretrainedResnet_quant"}
MODELS = [pytest.param(m, marks=pytest.mark.slow) if m in SLOW_NAMES else m for m in NAMES]
CASES_PER_MODEL = 220          # 1,100 mutations in all
CASE_SECONDS = 2.0


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def _mutate(rng: np.random.Generator, data: bytes) -> bytes:
    buf = bytearray(data)
    kind = rng.integers(4)
    if kind == 0:                                  # truncation
        return bytes(buf[: int(rng.integers(0, len(buf)))])
    if kind == 1:                                  # bit flips (header and table area more often)
        for _ in range(int(rng.integers(1, 9))):
            hi = len(buf) if rng.random() < 0.5 else min(len(buf), 4096)
            pos = int(rng.integers(0, hi))
            buf[pos] ^= 1 << int(rng.integers(8))
        return bytes(buf)
    if kind == 2:                                  # splice: copy a run of bytes elsewhere
        n = int(rng.integers(1, 64))
        src, dst = (int(rng.integers(0, len(buf) - n)) for _ in range(2))
        buf[dst:dst + n] = buf[src:src + n]
        return bytes(buf)
    pos = int(rng.integers(0, len(buf) - 4))       # random 32-bit word (offsets, lengths)
    buf[pos:pos + 4] = int(rng.integers(0, 2**32)).to_bytes(4, "little")
    return bytes(buf)


@needs_shared
@pytest.mark.parametrize("model", MODELS)
def test_mutations_give_model_file_error_or_graph(model):
    data = (MLPERF / f"{model}.ms").read_bytes()
    rng = np.random.default_rng(sorted(NAMES).index(model))
    old = signal.signal(signal.SIGALRM, _alarm)
    outcomes = {"error": 0, "graph": 0}
    try:
        for case in range(CASES_PER_MODEL):
            mutated = _mutate(rng, data)
            signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
            try:
                g = read_bytes(mutated, f"{model}#{case}")
                check_graph(g)                      # a graph that reads must also be checkable
                outcomes["graph"] += 1
            except ModelFileError as e:
                assert str(e).startswith(f"{model}#{case}: ")
                assert "\n" not in str(e)
                outcomes["error"] += 1
            except _Timeout:
                pytest.fail(f"case {case} of {model} took more than {CASE_SECONDS} s")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, old)
    assert outcomes["error"] > 0 and sum(outcomes.values()) == CASES_PER_MODEL
