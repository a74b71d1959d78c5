"""Helpers shared by the op-family modules (not an op family itself).

* :class:`Unsupported` — raised by a family's ``plan`` function with the bare reason;
  :func:`family` turns one ``plan(graph, index) -> OpPlan`` into the ``prepare`` /
  ``check`` pair of an :class:`~micro_codegen.ops.base.OpImpl` (``check`` runs the plan
  and reports the reason, so the rules cannot drift from what ``prepare`` accepts).
* :func:`ref_context` — an :class:`~micro_codegen.reference.registry.OpContext` for a
  node, so the families reuse the reference interpreter's own derivations (padding,
  windows, softmax scaling, ...) instead of re-deriving them.
* encoders for the C parameter structs: activation / rounding codes, array fields as
  element designators (``"out_shape[0]": 1`` renders ``.out_shape[0] = 1``, no braces).

Conventions of every family: constant inputs are never referenced as ``{inK}``; the data
a kernel needs from them goes out as :class:`ConstArray` (possibly repacked), so the
generator emits exactly the constants the calls name.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..errors import UnsupportedOpError
from ..ir import DType, Graph, Tensor
from ..reference.registry import OpContext
from .base import OpImpl, OpPlan, register

# ---------------------------------------------------------------- C constants (mirror the headers)

NNACL_MAX_DIMS = 6

NNACL_ACT = {"NO_ACTIVATION": 0, "RELU": 1, "RELU6": 2, "RELU1": 3}
NNACL_ROUND = {"single": 0, "double": 1}

CTYPE = {DType.INT8: "int8_t", DType.UINT8: "uint8_t", DType.INT16: "int16_t", DType.INT32: "int32_t",
         DType.FLOAT32: "float", DType.BOOL: "uint8_t", DType.INT64: "int64_t"}


class Unsupported(Exception):
    """A node this family cannot generate code for; the message is the bare reason."""


def family(ops: Sequence[str], plan: Callable[[Graph, int], OpPlan]) -> OpImpl:
    """Register ``plan`` for ``ops``: prepare = plan, check = plan's reason (or None)."""

    def check(g: Graph, i: int) -> str | None:
        try:
            plan(g, i)
        except Unsupported as e:
            return str(e)
        except UnsupportedOpError as e:
            return _strip_label(g, i, str(e))
        return None

    def prepare(g: Graph, i: int) -> OpPlan:
        try:
            return plan(g, i)
        except Unsupported as e:
            raise UnsupportedOpError(f"{g.node_label(i)}: {e}") from None

    return register(OpImpl(ops=tuple(ops), prepare=prepare, check=check))


def _strip_label(g: Graph, i: int, msg: str) -> str:
    prefix = g.node_label(i) + ": "
    return msg[len(prefix):] if msg.startswith(prefix) else msg


def ref_context(g: Graph, i: int) -> OpContext:
    """The reference interpreter's context for node ``i`` (constant inputs as arrays,
    activations as ``None``) — for calling the reference's attribute helpers."""
    node = g.nodes[i]
    ins = [g.tensors[t] for t in node.inputs]
    arrays = [t.array if t.is_const else None for t in ins]
    return OpContext(g, i, node, arrays, ins, [g.tensors[t] for t in node.outputs])


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


def in_ref(g: Graph, i: int, k: int) -> str:
    """Placeholder for input ``k``: ``{ink}`` for an activation, ``{const_ink}`` for a constant."""
    t = g.tensors[g.nodes[i].inputs[k]]
    return f"{{const_in{k}}}" if t.is_const else f"{{in{k}}}"


def const_inputs(g: Graph, i: int, ks: Sequence[int]):
    """ConstArrays ``in<k>`` for the constant ones among inputs ``ks``."""
    from .base import ConstArray
    out = []
    for k in ks:
        t = g.tensors[g.nodes[i].inputs[k]]
        if t.is_const:
            out.append(ConstArray(f"in{k}", CTYPE[t.dtype], np.ascontiguousarray(t.array).reshape(-1)))
    return tuple(out)


# ---------------------------------------------------------------- parameter encoders

def act_code(act: str | None, allowed=("NO_ACTIVATION", "RELU", "RELU6", "RELU1")) -> int:
    act = act or "NO_ACTIVATION"
    if act not in allowed or act not in NNACL_ACT:
        raise Unsupported(f"fused activation must be one of {', '.join(allowed)}; got {act}")
    return NNACL_ACT[act]


def rounding_code(mode: str) -> int:
    if mode not in NNACL_ROUND:
        raise Unsupported(f"requantization rounding {mode!r} has no C kernel (single, double)")
    return NNACL_ROUND[mode]


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
        strides[d] = 0 if shape[d] == 1 and out_shape[d] != 1 else acc
        if shape[d] == 1:
            strides[d] = 0
        acc *= shape[d]
    return strides


def prod(values) -> int:
    r = 1
    for v in values:
        r *= int(v)
    return r
