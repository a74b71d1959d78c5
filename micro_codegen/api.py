"""Library entry points (no printing). The CLI is a thin layer over these."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .check import Problem, check_graph
from .ir import Graph, Tensor
from .ms_model import read_model


def load(path: str | Path) -> Graph:
    return read_model(path)


def _tensor_json(t: Tensor) -> dict:
    d = {"name": t.name, "dtype": t.dtype.short, "shape": list(t.shape)}
    if t.quant:
        if t.per_channel:
            d["quant"] = {"per_channel": len(t.quant)}
        else:
            d["quant"] = {"scale": t.quant[0].scale, "zero_point": t.quant[0].zero_point}
    if t.is_const:
        d["const"] = True
    return d


def inspect_graph(g: Graph) -> dict:
    """The ``inspect --json`` document."""
    nodes = []
    for i, n in enumerate(g.nodes):
        outs = [g.tensors[t] for t in n.outputs]
        nodes.append({
            "index": i, "name": n.name, "op": n.op,
            "dtype": outs[0].dtype.short if outs else "",
            "inputs": [_tensor_json(g.tensors[t]) for t in n.inputs],
            "outputs": [_tensor_json(t) for t in outs],
            "weight_bytes": sum(len(g.tensors[t].data) for t in n.inputs if g.tensors[t].is_const),
        })
    return {
        "model": g.source, "sha256": g.sha256, "version": g.version,
        "inputs": [_tensor_json(g.tensors[i]) for i in g.inputs],
        "outputs": [_tensor_json(g.tensors[i]) for i in g.outputs],
        "nodes": nodes,
        "op_counts": dict(sorted(Counter(n.op for n in g.nodes).items())),
        "weight_bytes": g.weight_bytes,
    }


def check(g: Graph) -> list[Problem]:
    return check_graph(g)
