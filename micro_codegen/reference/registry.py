"""Kernel registry of the reference interpreter.

A kernel is ``fn(ctx: OpContext) -> list[np.ndarray]`` registered for one or more
op names with :func:`kernel`. It returns one array per node output, with the
output tensor's dtype; the interpreter reshapes to the declared output shape and
checks the element count.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import UnsupportedOpError
from ..ir import Graph, Node, Tensor


@dataclass
class OpContext:
    graph: Graph
    index: int                       # node index
    node: Node
    inputs: list[np.ndarray]         # one array per node input (constants included), in order
    in_tensors: list[Tensor]
    out_tensors: list[Tensor]

    @property
    def label(self) -> str:
        return self.graph.node_label(self.index)

    def attr(self, key, default=None):
        return self.node.attrs.get(key, default)

    def unsupported(self, reason: str) -> UnsupportedOpError:
        return UnsupportedOpError(f"{self.label}: {reason}")

    def check_size(self, shape) -> tuple[int, ...]:
        """``shape`` (an output shape computed from input *values*: multiples, paddings, a target
        shape, a range) when its element count is within the tensor limit of model files
        (``ms_model.reader.MAX_ELEMENTS``), checked before the kernel allocates it."""
        from ..ms_model.reader import MAX_ELEMENTS
        shape = tuple(int(d) for d in shape)
        n = 1
        for d in shape:
            n *= max(d, 0)
        if n > MAX_ELEMENTS:
            raise self.unsupported(f"the output would have {n:,} elements (shape {list(shape)}); at most "
                                   f"{MAX_ELEMENTS:,} per tensor are supported")
        return shape


Kernel = Callable[[OpContext], list]
KERNELS: dict[str, Kernel] = {}


def kernel(*ops: str):
    def deco(fn: Kernel) -> Kernel:
        for op in ops:
            KERNELS[op] = fn
        return fn
    return deco
