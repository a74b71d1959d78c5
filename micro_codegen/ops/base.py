"""What an op family tells the code generator about one node.

Each family module (``ops/<family>.py``) registers an :class:`OpImpl` for its op names
in :data:`REGISTRY`. ``prepare(graph, index)`` returns an :class:`OpPlan`: the kernel
sources to copy, the header to include, the parameter struct (designated
initialisers), the constant arrays to put in flash (weights, packed/dequantized
weights, per-channel multipliers and shifts), the scratch bytes the kernel needs and
the C call. ``scratch_bytes`` is planned jointly with the tensors by the memory planner.

Placeholders in ``call`` and in string-valued ``params`` (``str.format`` syntax):
``{in0}``, ``{in1}``… typed pointers to the node's inputs (arena or flash),
``{out0}``… typed pointers to the outputs, ``{param}`` the address of the parameter
struct, ``{scratch}`` (``void *``) and ``{scratch_size}``, ``{const_<name>}`` the symbol of
the constant array ``<name>``. Pointer types follow the tensors' dtypes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..errors import UnsupportedOpError
from ..ir import Graph


@dataclass(frozen=True)
class ConstArray:
    name: str              # unique within the node: "weight", "bias", "multiplier", ...
    ctype: str             # "int8_t", "int16_t", "int32_t", "uint8_t", "float"
    values: np.ndarray     # emitted flattened in C order
    align: int = 8


@dataclass(frozen=True)
class OpPlan:
    kernel_sources: tuple[str, ...] = ()   # .c files under nnacl_subset/ ("int8/conv_int8.c"); headers follow
    header: str = ""                       # header under nnacl_subset/ to #include ("int8/conv_int8.h")
    param_type: str | None = None          # C struct type of the parameters
    params: dict = field(default_factory=dict)   # field -> int | float | bool | str (C expression / placeholder)
    consts: tuple[ConstArray, ...] = ()
    call: str = ""                         # C statement(s); "" = no code (e.g. Reshape as an alias)
    scratch_bytes: int = 0
    inplace: int | None = None             # the output may share input k's memory
    always_alias: bool = False             # True: output IS input k (zero-copy, e.g. Reshape)
    libm: bool = False                     # needs -lm (expf, tanhf, ...)
    #: preprocessor bit sets, OR-ed over the model's nodes into -D<name>=<bits> in the Makefile
    #: (e.g. ("CONV_INT8_VARIANTS", 1 << variant): which conv variants the dispatcher compiles)
    define_bits: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class OpImpl:
    ops: tuple[str, ...]
    prepare: Callable[[Graph, int], OpPlan]
    #: extra support rule beyond check.py: reason string or None
    check: Callable[[Graph, int], "str | None"] = lambda g, i: None


REGISTRY: dict[str, OpImpl] = {}


def register(impl: OpImpl) -> OpImpl:
    for op in impl.ops:
        REGISTRY[op] = impl
    return impl


def prepare(graph: Graph, index: int) -> OpPlan:
    node = graph.nodes[index]
    impl = REGISTRY.get(node.op)
    if impl is None:
        raise UnsupportedOpError(f"{graph.node_label(index)}: no C implementation for {node.op}")
    reason = impl.check(graph, index)
    if reason:
        raise UnsupportedOpError(f"{graph.node_label(index)}: {reason}")
    return impl.prepare(graph, index)
