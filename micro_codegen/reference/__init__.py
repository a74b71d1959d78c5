"""Reference interpreter: executes an ``ir.Graph`` on numpy arrays.

This is the semantic oracle: generated C, on-target runs and the layer-by-layer
debugger are all compared against it. See ``micro_codegen/numerics.py`` for the int8 arithmetic.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import CodegenError, ModelFileError, UnsupportedOpError
from ..ir import Graph
from .registry import KERNELS, OpContext

# importing the op modules registers their kernels
from . import ops_loader  # noqa: F401,E402


def run(graph: Graph, inputs: list[np.ndarray], dump: dict | None = None,
        explain: Callable[[Graph, int], str | None] | None = None) -> list[np.ndarray]:
    """Run ``graph`` on ``inputs`` (one array per graph input, in order).

    A node its kernel cannot compute raises UnsupportedOpError naming it. ``explain(graph,
    node_index)`` (callers pass ``check.check_node``) gives the rule a node breaks: a kernel that
    fails on a node it explains raises UnsupportedOpError with that rule; on a node it accepts
    (or without ``explain``), the kernel's own exception, a bug.

    If ``dump`` is a dict, every tensor computed (graph inputs included) is stored in it
    under its tensor index. Returns one array per graph output.
    """
    if len(inputs) != len(graph.inputs):
        raise ValueError(f"model has {len(graph.inputs)} inputs, got {len(inputs)} arrays")
    values: dict[int, np.ndarray] = {}
    for ti, arr in zip(graph.inputs, inputs):
        t = graph.tensors[ti]
        arr = np.asarray(arr)
        if not t.shape and arr.size != 1:   # shape [] in a converted model: not known (cases.load_cases)
            values[ti] = arr.astype(t.dtype.np, copy=False)
            continue
        if any(d < 0 for d in t.shape):     # a dynamic dimension: the array's own size along it
            if arr.ndim != len(t.shape) or any(d >= 0 and d != a for d, a in zip(t.shape, arr.shape)):
                raise ValueError(f"input '{t.name}' is {t.describe()} (-1: any size), got shape {arr.shape}")
            values[ti] = arr.astype(t.dtype.np, copy=False)
            continue
        if arr.size != t.size:
            raise ValueError(f"input '{t.name}' needs {t.size} elements ({t.describe()}), got shape {arr.shape}")
        values[ti] = arr.astype(t.dtype.np, copy=False).reshape(t.shape)
    for ni, node in enumerate(graph.nodes):
        fn = KERNELS.get(node.op)
        if fn is None:
            raise UnsupportedOpError(f"{graph.node_label(ni)}: no reference kernel for {node.op}")
        args = []
        for ti in node.inputs:
            t = graph.tensors[ti]
            if t.is_const:
                args.append(t.array)
            elif ti in values:
                args.append(values[ti])
            else:
                raise UnsupportedOpError(f"{graph.node_label(ni)}: input tensor '{t.name}' is never computed")
        ctx = OpContext(graph, ni, node, args, [graph.tensors[i] for i in node.inputs],
                        [graph.tensors[i] for i in node.outputs])
        try:
            outs = fn(ctx)
        except UnsupportedOpError as e:
            if str(e).startswith(ctx.label):
                raise
            raise UnsupportedOpError(f"{ctx.label}: {e}") from None
        except CodegenError:
            raise
        except Exception:
            reason = explain(graph, ni) if explain is not None else None
            if reason is None:          # a node `check` accepts must run: a bug of its kernel
                raise
            raise UnsupportedOpError(f"{ctx.label}: {reason}") from None
        if len(outs) != len(node.outputs):
            raise UnsupportedOpError(f"{ctx.label}: has {len(node.outputs)} outputs; its reference kernel computes "
                                     f"{len(outs)}")
        for ti, arr in zip(node.outputs, outs):
            t = graph.tensors[ti]
            arr = np.asarray(arr)
            if t.shape and all(d >= 0 for d in t.shape):
                if arr.size != t.size:
                    raise ModelFileError(f"{ctx.label}: output '{t.name}' has {arr.size} elements, but the "
                                         f"model declares shape {list(t.shape)}")
                arr = arr.reshape(t.shape)
            values[ti] = arr.astype(t.dtype.np, copy=False)
    if dump is not None:
        dump.update(values)
    for ti in graph.outputs:
        if ti not in values and not graph.tensors[ti].is_const:
            raise UnsupportedOpError(f"graph output '{graph.tensors[ti].name}' is never computed")
    return [values[i] if i in values else graph.tensors[i].array for i in graph.outputs]
