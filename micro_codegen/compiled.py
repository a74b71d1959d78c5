"""The values passed between the stages of the pipeline (no behaviour, no imports upstream).

* :class:`OpPlan` is what an op family (``ops/<family>.py``) says about one node: the kernel
  to call and its arguments, the parameter struct, the constant arrays for flash, scratch
  and aliasing. Arguments are symbolic (:class:`Arg`); ``emit`` turns them into C.
* :class:`CompiledModel` is what ``pipeline.compile_model`` returns and ``emit`` renders:
  the graph, one OpPlan per node, where every tensor lives in the arena, the kernel files
  the model needs and what it needs of a board's memories.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .boards import MemoryNeeds
from .ir import DType, Graph


@dataclass(frozen=True)
class CConst:
    """A named integer constant of the C kernels (a ``#define`` of an ``nnacl_subset`` header).
    Generated C prints the name; Python reads the value from the header (one source)."""
    name: str
    value: int


@dataclass(frozen=True)
class ConstArray:
    """A constant array the kernel reads from flash (weights, packed weights, multipliers, ...)."""
    name: str              # unique within the node: "weight", "bias", "multiplier", ...
    dtype: DType           # element type in C (values are converted to it, and must fit)
    values: np.ndarray     # emitted flattened in C order
    align: int = 8


@dataclass(frozen=True)
class Arg:
    """One argument of a kernel call.

    ``kind``: ``param`` (address of the node's parameter struct), ``in`` / ``out`` (typed pointer
    to input / output ``ref``; a constant input points to its data in flash), ``const`` (the
    ConstArray named ``ref``), ``scratch`` / ``scratch_size`` (the node's scratch buffer and its
    byte size; NULL / 0 without scratch), ``null`` (NULL), ``pointers`` (a local array of
    ``const void *`` holding ``items``, e.g. Concat's inputs)."""
    kind: str
    ref: int | str | None = None
    items: tuple["Arg", ...] = ()


PARAM = Arg("param")
SCRATCH = Arg("scratch")
SCRATCH_SIZE = Arg("scratch_size")
NULL = Arg("null")


def In(k: int) -> Arg:  # noqa: N802 - reads like the C argument it stands for
    return Arg("in", k)


def Out(k: int) -> Arg:  # noqa: N802
    return Arg("out", k)


def Const(name: str) -> Arg:  # noqa: N802
    return Arg("const", name)


def Pointers(name: str, items) -> Arg:  # noqa: N802
    return Arg("pointers", name, tuple(items))


@dataclass(frozen=True)
class OpPlan:
    """How one node becomes C. ``kernel == ""`` means no code: output 0 *is* input ``inplace``."""
    kernel: str = ""                       # the C function to call
    args: tuple[Arg, ...] = ()
    returns_status: bool = False           # the kernel returns int (0 = ok); invoke reports the node
    kernel_sources: tuple[str, ...] = ()   # .c files under nnacl_subset/ ("int8/conv_int8.c"); headers follow
    header: str = ""                       # header under nnacl_subset/ to #include ("int8/conv_int8.h")
    param_type: str | None = None          # C struct type of the parameters
    params: dict = field(default_factory=dict)   # field -> int | float | bool | CConst | list | dict
    consts: tuple[ConstArray, ...] = ()
    scratch_bytes: int = 0
    inplace: int | None = None             # output 0 may share input k's memory
    always_alias: bool = False             # True: output 0 IS input k (zero-copy, e.g. Reshape)
    #: the kernel streams: output 0 may overwrite input 0 in place when input 0 dies here and
    #: starts at least this many bytes after output 0 (``ops/_common.window_shift``); None: never
    overlap_shift: int | None = None
    #: Concat of contiguous pieces: input k may be written straight into this byte offset of
    #: output 0 (the node then emits no code); Split / slice of contiguous ranges: output k
    #: may be read in place at this byte offset of input 0. Empty: always copy.
    part_offsets: tuple[int, ...] = ()
    view_offsets: tuple[int, ...] = ()
    libm: bool = False                     # needs -lm (expf, tanhf, ...)
    #: preprocessor bit sets, OR-ed over the model's nodes into -D<name>=<bits> in the Makefile
    #: (e.g. ("CONV_INT8_VARIANTS", 1 << variant): which conv variants the dispatcher compiles)
    define_bits: tuple[tuple[str, int], ...] = ()

    def flat_args(self) -> tuple[Arg, ...]:
        """The arguments with the items of ``Pointers`` arrays in their place."""
        return tuple(x for a in self.args for x in (a.items if a.kind == "pointers" else (a,)))


def _frozen(d: Mapping) -> Mapping:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class ArenaLayout:
    """Where the planner put every activation tensor and scratch buffer (byte offsets)."""
    size: int
    lower_bound: int
    tensors: Mapping[int, int]        # tensor index -> offset, every arena tensor
    scratch: Mapping[int, int]        # node index -> offset of its scratch buffer
    aliases: Mapping[int, int]        # output tensor -> input tensor whose memory it shares
    overwrites: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # out -> (input, shift): in place
    zero_copy: Mapping[int, str] = field(default_factory=dict)  # node -> "views" | "parts": emits no code

    def __post_init__(self):
        for name in ("tensors", "scratch", "aliases", "overwrites", "zero_copy"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))


@dataclass(frozen=True)
class MemoryOptions:
    """How the arena is made smaller than every tensor whole (``pipeline.compile_model``)."""
    patch: object = None               # patch-based inference: None / "off", "auto", "K", "K:N"
    patch_overhead: float = 1.3        # "auto" / "K": most estimated instructions, x the unpatched model's
    share: bool = True                 # in-place window ops, zero-copy Concat / Split / slice

    @classmethod
    def of(cls, patch=None, patch_overhead: float = 1.3, share: bool = True) -> "MemoryOptions":
        return cls(None if patch in (None, "off") else patch, float(patch_overhead), bool(share))


@dataclass(frozen=True)
class BoundInput:
    """A model input whose value was given at generation time (``--bind NAME=VALUES``): a
    constant of the generated code, no longer an input of the firmware."""
    position: int                      # in the model file's input order
    name: str
    values: np.ndarray

    def to_json(self) -> dict:
        return {"position": self.position, "name": self.name, "values": self.values.reshape(-1).tolist()}


@dataclass(frozen=True)
class CompiledModel:
    """A checked, prepared and planned model: everything ``emit`` needs besides the board."""
    graph: Graph                       # after constant folding (fold.py): the nodes that run
    name: str                          # model name (the C prefix is derived from it)
    model_file: str                    # file name shown in banners and the manifest
    sha256: str                        # of the model file
    plans: tuple[OpPlan, ...]          # one per node, in execution order
    arena: ArenaLayout
    kernel_files: tuple[str, ...]      # under nnacl_subset/, sorted: sources, headers and their includes
    needs: MemoryNeeds                 # what the project needs of a board (estimates for code)
    bound: tuple[BoundInput, ...] = ()  # inputs of the model file given at generation time
    patch: object = None               # patch.Patch: the patch-based inference applied (None: off)

    @property
    def libm(self) -> bool:
        return any(p.libm for p in self.plans)


@dataclass(frozen=True)
class Project:
    """Several compiled models in one generated project (``pipeline.compile_project``): one
    API per model, the union of their kernel files (each compiled once), weights per model.

    ``separate_arenas`` False (the default): the models share ONE arena sized for the largest
    (they run one at a time: invoking one overwrites the others' inputs and outputs); True:
    each model keeps its own arena (they may run overlapped, e.g. from two threads)."""
    models: tuple[CompiledModel, ...]  # in command-line order; names (C prefixes) distinct
    separate_arenas: bool
    kernel_files: tuple[str, ...]      # the union, sorted
    needs: MemoryNeeds                 # of the whole project: arena max (shared) or sum (separate)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(cm.name for cm in self.models)

    @property
    def arena_size(self) -> int:
        sizes = [cm.arena.size for cm in self.models]
        return sum(sizes) if self.separate_arenas else max(sizes, default=0)
