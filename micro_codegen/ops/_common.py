"""Helpers shared by the op-family modules (not an op family itself).

* :func:`family` registers a family's ``plan(graph, index) -> OpPlan`` with the support
  rules of each of its ops (``_rules.py``); the plan may assume the rules hold.
  :class:`Unsupported` is what a plan (or an encoder below) raises when it meets a node its
  rules should have refused: an internal inconsistency, reported with the node's label.
* multipliers, padding, windows, axes come from :mod:`micro_codegen.numerics`, the module
  the reference interpreter uses too, so both sides derive them identically.
* the C constants (:func:`cconst`: ``#define`` values read from ``nnacl_subset/common/*.h``,
  printed by name in generated C) and encoders for the C parameter structs: activation /
  rounding codes, array fields as element designators (``"out_shape[0]": 1`` renders
  ``.out_shape[0] = 1``, no braces).

Conventions of every family: a kernel argument ``In(k)`` of a constant input passes the
tensor's data from flash as it is in the model; data a kernel needs repacked goes out as a
:class:`~micro_codegen.compiled.ConstArray` passed as ``Const(name)``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Mapping, Sequence

import numpy as np

from ..compiled import PARAM, CConst, In, Out
from ..errors import CodegenError, UnsupportedOpError
from ..ir import Graph, Tensor
from ..resources import data_dir
from .base import OpImpl, OpPlan, Rule, register

# ---------------------------------------------------------------- C constants (read from the headers)

_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Z][A-Z0-9_]*)\s+(-?(?:0x[0-9A-Fa-f]+|[0-9]+))[uU]?\b", re.MULTILINE)


@lru_cache(maxsize=1)
def c_constants() -> dict[str, int]:
    """Every integer ``#define NAME value`` of ``nnacl_subset/common/*.h``: the one source of
    the enum values that Python (op plans) and C (kernels) share."""
    out: dict[str, int] = {}
    for path in sorted((data_dir("nnacl_subset") / "common").glob("*.h")):
        for name, value in _DEFINE.findall(path.read_text(encoding="utf-8")):
            out[name] = int(value, 0)
    return out


def cconst(name: str) -> CConst:
    """The C constant ``name`` (printed by name in generated C, valued from the header)."""
    try:
        return CConst(name, c_constants()[name])
    except KeyError:
        raise CodegenError(f"C constant {name} is not defined in nnacl_subset/common/*.h") from None


NNACL_MAX_DIMS = c_constants()["NNACL_MAX_DIMS"]

#: the arguments of every one-input kernel ``f(param, input, output)``
UNARY_ARGS = (PARAM, In(0), Out(0))

#: fused activation -> NNACL_ACT_* (common/nnacl_common.h)
_NNACL_ACT = {"NO_ACTIVATION": "NNACL_ACT_NONE", "RELU": "NNACL_ACT_RELU", "RELU6": "NNACL_ACT_RELU6",
              "RELU1": "NNACL_ACT_RELU1"}


class Unsupported(UnsupportedOpError):
    """A node a plan cannot handle although it passed the op's rules (a missing rule);
    the message is the bare reason, ``ops.prepare`` adds the node's label."""


def family(ops: Sequence[str], plan: Callable[[Graph, int], OpPlan],
           rules: Sequence[Rule] | Mapping[str, Sequence[Rule]], candidates=None) -> None:
    """Register ``plan`` for every op of ``ops`` with its support rules: one sequence for all
    of them, or a mapping op -> sequence when the ops differ. ``candidates(g, i, plan)``: the
    other plans of the node (kernel variants) the cost model may prefer (``OpImpl.candidates``)."""
    for op in ops:
        register(OpImpl(op, plan, tuple(rules[op] if isinstance(rules, Mapping) else rules), candidates))


# ---------------------------------------------------------------- tensors

def io(g: Graph, i: int) -> tuple[list[Tensor], list[Tensor]]:
    n = g.nodes[i]
    return [g.tensors[t] for t in n.inputs], [g.tensors[t] for t in n.outputs]


def qparams(t: Tensor, what: str) -> tuple[float, int]:
    """Per-tensor (scale, zero point) or Unsupported."""
    if len(t.quant) != 1:
        raise Unsupported(f"{what} '{t.name}' needs per-tensor quantization; has {len(t.quant)} quant params")
    q = t.quant[0]
    if not q.scale > 0:
        raise Unsupported(f"{what} '{t.name}' has a non-positive scale {q.scale}")
    return float(q.scale), int(q.zero_point)


# ---------------------------------------------------------------- parameter encoders

def act_code(act: str | None, allowed=tuple(_NNACL_ACT)) -> CConst:
    act = act or "NO_ACTIVATION"
    if act not in allowed or act not in _NNACL_ACT:
        raise Unsupported(f"fused activation must be one of {', '.join(allowed)}; got {act}")
    return cconst(_NNACL_ACT[act])


def rounding_code(mode: str) -> CConst:
    """NNACL_ROUND_SINGLE / NNACL_ROUND_DOUBLE for a requantization rounding mode."""
    if mode not in ("single", "double"):
        raise Unsupported(f"requantization rounding {mode!r} has no C kernel (single, double)")
    return cconst(f"NNACL_ROUND_{mode.upper()}")


def array_fields(name: str, values: Sequence[int], length: int = NNACL_MAX_DIMS) -> dict:
    """``{"name[0]": v0, ...}`` for a fixed-size C array field (missing entries 0)."""
    vals = [int(v) for v in values]
    if len(vals) > length:
        raise Unsupported(f"{name} needs {len(vals)} entries; the kernel supports at most {length}")
    vals += [0] * (length - len(vals))
    return {f"{name}[{k}]": v for k, v in enumerate(vals)}


def coalesce(out_shape: Sequence[int], strides: Sequence[Sequence[int]]):
    """Merge adjacent dims that every operand walks contiguously (or broadcasts over both).

    ``strides[k][d]`` is operand k's element stride for output dim d (0 = broadcast).
    Returns (shape, strides) with size-1 dims dropped and mergeable neighbours fused.
    """
    dims = [(int(s), [int(st[d]) for st in strides]) for d, s in enumerate(out_shape) if int(s) != 1]
    if not dims:
        return [1], [[0] for _ in strides]
    merged = [dims[0]]
    for size, st in dims[1:]:
        psize, pst = merged[-1]
        if all(p == s * size for p, s in zip(pst, st)):
            merged[-1] = (psize * size, st)
        else:
            merged.append((size, st))
    return [m[0] for m in merged], [[m[1][k] for m in merged] for k in range(len(strides))]


def broadcast_strides(in_shape: Sequence[int], out_shape: Sequence[int]) -> list[int]:
    """Element strides of a (numpy-broadcast, right-aligned) input over the output dims."""
    nd = len(out_shape)
    shape = [1] * (nd - len(in_shape)) + [int(d) for d in in_shape]
    strides = [0] * nd
    acc = 1
    for d in range(nd - 1, -1, -1):
        strides[d] = 0 if shape[d] == 1 else acc
        acc *= shape[d]
    return strides


def prod(values) -> int:
    r = 1
    for v in values:
        r *= int(v)
    return r


def round_up(n: int, m: int) -> int:
    return -(-int(n) // m) * m


def pack_row_blocks(w: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``w`` as ``[n, K]`` rows (its first axis kept, the rest flattened), zero-padded to
    multiples of ``rows`` x ``cols`` and laid out in blocks ``[r // rows][k // cols][r % rows][k % cols]``,
    flattened: the weights of the int8 gemm convs and of the packed int8 FullConnection."""
    w2 = w.reshape(w.shape[0], -1)
    padded = np.zeros((round_up(w2.shape[0], rows), round_up(w2.shape[1], cols)), w.dtype)
    padded[:w2.shape[0], :w2.shape[1]] = w2
    blocks = padded.reshape(-1, rows, padded.shape[1] // cols, cols)
    return np.ascontiguousarray(blocks.transpose(0, 2, 1, 3)).reshape(-1)


# ---------------------------------------------------------------- in place (window ops)

_FAR = np.int64(1) << 62     # "reads nothing": a pixel whose window lies entirely in the padding


def _first_taps(start: np.ndarray, kernel: int, dilation: int, size: int) -> np.ndarray:
    """Per output row (column) whose window starts at ``start``: the first tap that lies
    inside [0, size), or -1 when none does."""
    k = np.where(start < 0, (dilation - 1 - start) // dilation, 0)
    pos = start + k * dilation
    return np.where((k < kernel) & (pos < size), pos, -1)


def window_shift(win, in_shape, out_c: int, in_itemsize: int, out_itemsize: int, group: int = 1,
                 aligned: bool = True, reads_first: bool = False) -> int:
    """The smallest D >= 0 (bytes) such that a kernel of window ``win`` (a
    :class:`~micro_codegen.numerics.Window`) over an NHWC input ``in_shape`` with ``out_c``
    output channels never overwrites an input byte it still has to read when its input starts
    D bytes after its output (``OpPlan.overlap_shift``).

    The kernel model: output pixels (all images, then rows, then columns) are produced in order,
    in groups of at most ``group`` pixels; a pixel reads only the taps of its window that lie
    inside the input (every channel of a tap: depthwise and grouped convs too) and writes only
    its own ``out_c`` outputs, and the reads and writes of one group may interleave in any order.
    So, with end(g) the end of the bytes written up to group g and first(g) the first input byte
    any pixel from g on reads (the suffix minimum of the window starts: a later row may start at
    column 0), D = max_g end(g) - first(g), at least 0.

    ``aligned``: the groups start at multiples of ``group`` (counted over all images' pixels);
    otherwise any split into runs of at most ``group`` consecutive pixels (D is then the maximum
    over every run start). ``reads_first``: each group reads all its input before it writes
    (im2col into scratch): first(g) is then taken from the next group on, and the grouping does
    not matter. A batch is pixels of image 0, then image 1, ... (image n's input at n * H*W*C).
    """
    n, h, w, c = (int(v) for v in in_shape)
    rows = _first_taps(np.arange(win.out_h, dtype=np.int64) * win.stride_h - win.pad_top, win.kernel_h,
                       win.dilation_h, h)
    cols = _first_taps(np.arange(win.out_w, dtype=np.int64) * win.stride_w - win.pad_left, win.kernel_w,
                       win.dilation_w, w)
    pix = (rows[:, None] * w + cols[None, :]) * (c * in_itemsize)
    pix = np.where((rows[:, None] >= 0) & (cols[None, :] >= 0), pix, _FAR)
    image = np.arange(n, dtype=np.int64)[:, None] * (h * w * c * in_itemsize)
    first = np.minimum((image + pix.reshape(1, -1)).reshape(-1), _FAR)
    total = first.size
    # suffix minimum: sf[q] = the first byte any pixel >= q reads (sf[total]: nothing left)
    sf = np.append(np.minimum.accumulate(first[::-1])[::-1], _FAR)
    end = (np.arange(total, dtype=np.int64) + 1) * (int(out_c) * out_itemsize)   # bytes written after pixel q
    if reads_first:
        d = end - sf[1:]
    elif aligned:
        starts = np.arange(0, total, max(int(group), 1))
        d = end[np.minimum(starts + group, total) - 1] - sf[starts]
    else:
        d = end[np.minimum(np.arange(total) + group, total) - 1] - sf[:total]
    return max(int(d.max()), 0) if total else 0
