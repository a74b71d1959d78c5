"""Build small IR graphs in code (tests, examples), e.g. a one-op model of any op.

    b = GraphBuilder("tiny")
    x = b.input("x", DType.INT8, (1, 8, 8, 3), quant=(0.05, -3))
    w = b.const("w", np.ones((4, 3, 3, 3), np.int8), quant=([0.01] * 4, [0] * 4))
    bias = b.const("b", np.zeros(4, np.int32), quant=([0.0005] * 4, [0] * 4))
    y = b.node("Conv2DFusion", [x, w, bias], [("y", DType.INT8, (1, 8, 8, 4), (0.1, 2))],
               kernel_size=(3, 3), stride=(1, 1), dilation=(1, 1), pad_mode="SAME",
               pad_list=(1, 1, 1, 1), group=1, in_channel=3, out_channel=4, format="NHWC")
    g = b.build(outputs=[y])          # write with ms_model.write_model(g, path)

Attribute values use schema field names; enum fields take member names. Missing
attributes get the schema defaults when the graph is written and read back.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .ir import DType, Graph, Node, QuantParam, Tensor

_NP_TO_DTYPE = {np.dtype(d.np): d for d in DType}


def _quant(q) -> tuple[QuantParam, ...]:
    """``None`` | ``(scale, zp)`` | ``([scales], [zps])`` -> QuantParam tuple."""
    if q is None:
        return ()
    scale, zp = q
    if np.ndim(scale) == 0:
        return (QuantParam(scale=float(scale), zero_point=int(zp), inited=True),)
    zps = list(zp) if np.ndim(zp) else [int(zp)] * len(scale)
    return tuple(QuantParam(scale=float(s), zero_point=int(z), inited=True) for s, z in zip(scale, zps))


class GraphBuilder:
    def __init__(self, name: str = "model"):
        self.name = name
        self.tensors: list[Tensor] = []
        self.nodes: list[Node] = []
        self.inputs: list[int] = []

    def _add(self, t: Tensor) -> int:
        self.tensors.append(t)
        return len(self.tensors) - 1

    def tensor(self, name: str, dtype: DType, shape: Sequence[int], quant=None, fmt: str = "NHWC") -> int:
        return self._add(Tensor(name=name, dtype=dtype, shape=tuple(int(d) for d in shape), format=fmt,
                                quant=_quant(quant), node_type=2))

    def input(self, name: str, dtype: DType, shape: Sequence[int], quant=None, fmt: str = "NHWC") -> int:
        i = self.tensor(name, dtype, shape, quant, fmt)
        self.inputs.append(i)
        return i

    def const(self, name: str, array: np.ndarray, quant=None, fmt: str = "NHWC") -> int:
        array = np.ascontiguousarray(array)
        dtype = _NP_TO_DTYPE[array.dtype]
        return self._add(Tensor(name=name, dtype=dtype, shape=tuple(array.shape), format=fmt,
                                data=array.astype(array.dtype.newbyteorder("<")).tobytes(), quant=_quant(quant)))

    def node(self, op: str, inputs: Sequence[int], outputs: Sequence, name: str | None = None, **attrs):
        """Add a node. ``outputs`` items are tensor indices or ``(name, dtype, shape[, quant])`` tuples.

        Returns the output tensor index (or a list of them when there are several).
        """
        out_ids = []
        for o in outputs:
            if isinstance(o, (int, np.integer)):
                out_ids.append(int(o))
            else:
                out_ids.append(self.tensor(o[0], o[1], o[2], o[3] if len(o) > 3 else None))
        self.nodes.append(Node(name=name or f"{op}_{len(self.nodes)}", op=op, inputs=tuple(inputs),
                               outputs=tuple(out_ids), attrs=dict(attrs)))
        return out_ids[0] if len(out_ids) == 1 else out_ids

    def build(self, outputs: Sequence[int]) -> Graph:
        return Graph(name=self.name, tensors=tuple(self.tensors), nodes=tuple(self.nodes),
                     inputs=tuple(self.inputs), outputs=tuple(outputs), version="MindSpore Lite 2.0.0")


def roundtrip(g: Graph) -> Graph:
    """Write ``g`` as .ms bytes and read it back (fills schema defaults, as a real file would)."""
    from .ms_model import read_bytes, write_bytes
    return read_bytes(write_bytes(g), f"<{g.name}>")
