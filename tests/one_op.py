"""Build, round-trip (through .ms bytes) and run one-op models with the reference interpreter."""
from __future__ import annotations

import numpy as np

from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.ir import DType
from micro_codegen.reference import run

_DT = {np.dtype(d.np): d for d in DType}


class C:
    """A constant node input (``quant`` = ``(scale, zp)`` or ``([scales], [zps])``)."""

    def __init__(self, array, quant=None):
        self.array, self.quant = np.asarray(array), quant


class Q:
    """A graph input carrying quantization parameters."""

    def __init__(self, array, quant):
        self.array, self.quant = np.asarray(array), quant


def run1(op, inputs, outputs, **attrs):
    """Build a one-op model, round-trip it through .ms bytes, run it.

    ``inputs``: numpy arrays (graph inputs), ``Q`` (quantized graph inputs) or ``C`` (constants).
    ``outputs``: ``(dtype, shape[, quant])`` tuples. Returns the list of outputs.
    """
    b = GraphBuilder(op)
    ids, feeds = [], []
    for k, item in enumerate(inputs):
        if isinstance(item, C):
            ids.append(b.const(f"c{k}", item.array, quant=item.quant))
        else:
            arr = item.array if isinstance(item, Q) else np.asarray(item)
            ids.append(b.input(f"x{k}", _DT[arr.dtype], arr.shape, quant=getattr(item, "quant", None)))
            feeds.append(arr)
    outs = b.node(op, ids, [(f"y{k}",) + tuple(o) for k, o in enumerate(outputs)], **attrs)
    outs = outs if isinstance(outs, list) else [outs]
    return run(roundtrip(b.build(outputs=outs)), feeds)
