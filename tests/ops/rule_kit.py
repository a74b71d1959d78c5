"""Building blocks of the rule-case tables: tests/ops/test_rules.py and one
``tests/ops/cases_<family>.py`` per op family added since (each defines ``VALID`` and
``REFUSED`` in test_rules.py's shape; test_rules.py merges them)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from micro_codegen import ops
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.fold import CONSTANT_OUTPUT
from micro_codegen.ir import DType

I8, U8, I16, I32, F32 = DType.INT8, DType.UINT8, DType.INT16, DType.INT32, DType.FLOAT32
IQ, OQ = (0.05, 0), (0.1, 0)


@dataclass(frozen=True)
class A:
    """An activation tensor (a graph input, or the node's output)."""
    dtype: DType
    shape: tuple
    quant: object = None


@dataclass(frozen=True)
class K:
    """A constant input."""
    array: np.ndarray
    quant: object = None


def graph(op, ins, outs, attrs):
    b = GraphBuilder(op)
    ids = [b.const(f"c{k}", t.array, quant=t.quant) if isinstance(t, K) else
           b.input(f"x{k}", t.dtype, t.shape, quant=t.quant) for k, t in enumerate(ins)]
    ys = b.node(op, ids, [(f"y{k}", t.dtype, t.shape, t.quant) for k, t in enumerate(outs)], name="n", **attrs)
    g = b.build(outputs=ys if isinstance(ys, list) else [ys])
    return g if op == CONSTANT_OUTPUT else roundtrip(g)     # internal op: not in the .ms schema




def arity(op):
    """The ``inputs(...)`` rule object of ``op``."""
    return ops.REGISTRY[op].rules[[r.__name__ for r in ops.REGISTRY[op].rules].index("inputs")]
