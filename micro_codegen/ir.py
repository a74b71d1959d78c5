"""The intermediate representation: small frozen dataclasses, no flatbuffers.

A :class:`Graph` holds every tensor of the model (activations and constants) and the
nodes in file order. Nodes refer to tensors by index. Constant tensor data is kept
as immutable ``bytes`` (little-endian, as in the file); :attr:`Tensor.array` gives a
read-only numpy view with the tensor's dtype and shape.

Conventions (those of the MindSpore Lite converter for TFLite models): activations
are NHWC; ``Conv2DFusion`` weights are OHWI (``[out, kh, kw, in/group]``), depthwise
weights ``[channels*multiplier, kh, kw, 1]``; ``FullConnection`` weights ``[out, in]``.
Enum-valued attributes hold the enum member *name* (``"SAME"``, ``"RELU6"``).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np


class DType(enum.Enum):
    """Element types, valued with MindSpore's TypeId numbers."""

    BOOL = 30
    INT8 = 32
    INT16 = 33
    INT32 = 34
    INT64 = 35
    UINT8 = 37
    UINT16 = 38
    UINT32 = 39
    UINT64 = 40
    FLOAT16 = 42
    FLOAT32 = 43
    FLOAT64 = 44

    @property
    def np(self) -> np.dtype:
        return np.dtype(_NP[self])

    @property
    def itemsize(self) -> int:
        return self.np.itemsize

    @property
    def short(self) -> str:
        return self.name.lower()


_NP = {
    DType.BOOL: np.bool_, DType.INT8: np.int8, DType.INT16: np.int16, DType.INT32: np.int32,
    DType.INT64: np.int64, DType.UINT8: np.uint8, DType.UINT16: np.uint16, DType.UINT32: np.uint32,
    DType.UINT64: np.uint64, DType.FLOAT16: np.float16, DType.FLOAT32: np.float32,
    DType.FLOAT64: np.float64,
}


@dataclass(frozen=True)
class QuantParam:
    """One entry of a tensor's ``quantParams`` (one per channel when per-channel)."""

    scale: float = 1.0
    zero_point: int = 0
    min: float = 0.0
    max: float = 0.0
    narrow_range: bool = True
    num_bits: int = 8
    inited: bool = False
    var_corr: float = 1.0
    mean_corr: float = 0.0
    dst_dtype: int = 32
    round_type: int = 1
    multiplier: int = 1


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: DType
    shape: tuple[int, ...]
    format: str = "NHWC"
    data: bytes | None = None          # constant data; None for activations
    quant: tuple[QuantParam, ...] = ()
    node_type: int = 0                 # MindSpore NodeType (kept for round trips)
    quant_clusters: tuple[float, ...] = ()
    compress_type: str = "NONE"        # weightQuantCompressType; anything else is unsupported
    external_data: bool = False        # weights live in a separate file (unsupported)

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        """Number of elements."""
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def array(self) -> np.ndarray:
        """Read-only numpy view of the constant data with this tensor's dtype and shape."""
        if self.data is None:
            raise ValueError(f"tensor '{self.name}' has no constant data")
        return np.frombuffer(self.data, dtype=self.dtype.np.newbyteorder("<")).reshape(self.shape)

    @property
    def is_quantized(self) -> bool:
        return len(self.quant) > 0

    @property
    def per_channel(self) -> bool:
        return len(self.quant) > 1

    @property
    def scales(self) -> np.ndarray:
        return np.array([q.scale for q in self.quant], dtype=np.float64)

    @property
    def zero_points(self) -> np.ndarray:
        return np.array([q.zero_point for q in self.quant], dtype=np.int64)

    def describe(self) -> str:
        """``int8 1x25x5x64``"""
        return f"{self.dtype.short} {'x'.join(map(str, self.shape)) or 'scalar'}"


@dataclass(frozen=True)
class Node:
    name: str
    op: str                            # MindSpore primitive name, e.g. "Conv2DFusion"
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    attrs: Mapping[str, Any] = field(default_factory=dict)
    quant_type: str = "QUANT_NONE"
    known: bool = True                 # False: primitive type not in our schema (opaque node)

    def attr(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)


@dataclass(frozen=True)
class SubGraph:
    name: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    nodes: tuple[int, ...]
    tensors: tuple[int, ...]


@dataclass(frozen=True)
class Graph:
    name: str
    tensors: tuple[Tensor, ...]
    nodes: tuple[Node, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    subgraphs: tuple[SubGraph, ...] = ()
    version: str = ""
    fmk_type: int = 0
    source: str = field(default="", compare=False)   # path the graph was read from (for messages)
    source_format: str = field(default="ms", compare=False)   # "ms", "tflite" or "onnx" (importers/)
    sha256: str = field(default="", compare=False)

    def tensor(self, i: int) -> Tensor:
        return self.tensors[i]

    def node_label(self, index: int) -> str:
        """``Conv2DFusion 'conv1' (node 3)`` — how messages name a node."""
        n = self.nodes[index]
        return f"{n.op} '{n.name}' (node {index})"

    @property
    def weight_bytes(self) -> int:
        return sum(len(t.data) for t in self.tensors if t.data is not None)

    def consumers(self) -> dict[int, list[int]]:
        """tensor index -> indices of the nodes that read it (in node order)."""
        out: dict[int, list[int]] = {}
        for ni, n in enumerate(self.nodes):
            for t in n.inputs:
                out.setdefault(t, []).append(ni)
        return out

    def producers(self) -> dict[int, int]:
        """tensor index -> index of the node that writes it."""
        return {t: ni for ni, n in enumerate(self.nodes) for t in n.outputs}
