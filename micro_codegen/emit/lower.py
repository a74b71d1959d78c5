"""Lower a :class:`~micro_codegen.compiled.CompiledModel` to what the templates print.

Everything here is data (names, C expressions, numbers in a fixed order); all C syntax
beyond single expressions lives in ``templates/c/``. Names: every symbol starts with the
model prefix (``kws_``), node-specific ones continue with the node's name as a lower-case
C identifier (``kws_conv_2d_0_param``); clashes get ``_<n>`` suffixes in node order. Arena
offsets are named (``KWS_AT_CONV_2D_0``: the output of node ``CONV_2D-0``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compiled import Arg, CConst, CompiledModel, OpPlan
from ..errors import CodegenError, PlanError
from ..ir import DType, Graph, Tensor
from .filters import c_float, c_ident, c_int, ctype

_NAME_MAX = 40


def shape_text(shape) -> str:
    return "x".join(map(str, shape)) or "scalar"


class Namer:
    """Unique C identifiers, first come first served (deterministic in call order)."""

    def __init__(self, reserved=()):
        self.used: set[str] = set(reserved)

    def take(self, base: str) -> str:
        name, n = base, 2
        while name in self.used:
            name = f"{base}_{n}"
            n += 1
        self.used.add(name)
        return name


@dataclass
class ConstCode:
    symbol: str
    ctype: str
    count: int
    values: np.ndarray          # flattened, printed by the c_array filter
    align: int
    comment: str

    @property
    def nbytes(self) -> int:
        return int(self.values.size * self.values.dtype.itemsize)


@dataclass
class PointerArray:
    """A local ``const void *const name[] = {items};`` the call passes (e.g. Concat's inputs);
    ``void *const`` when every item is an output (Split's outputs: the kernel writes them)."""
    name: str
    items: list[str]
    writable: bool = False


@dataclass
class NodeCode:
    index: int
    name: str
    op: str
    comment: str                # one line, without /* */ (the template wraps it)
    func: str                   # static int <func>(void)
    kernel: str = ""            # "" = no code (``no_code`` says why)
    args: list[str] = field(default_factory=list)     # C expressions
    pointer_arrays: list[PointerArray] = field(default_factory=list)
    returns_status: bool = False
    no_code: str | None = None  # the comment of a node without code
    param_type: str | None = None
    param_symbol: str | None = None
    param_fields: list[tuple[str, str]] = field(default_factory=list)   # (field designator, C value)


@dataclass
class ArenaName:
    """A named arena offset (``#define``-like enum constant in the model source)."""
    name: str
    offset: int
    comment: str


@dataclass
class TensorIO:
    index: int
    name: str
    dtype: DType
    shape: tuple[int, ...]
    nbytes: int
    offset: int
    offset_name: str
    scale: float | None
    zero_point: int | None

    @property
    def ctype(self) -> str:
        return ctype(self.dtype)

    @property
    def summary(self) -> str:
        """``"x": int8 1x6x6x2, real = 0.05f * (q + 3)``"""
        text = f'"{self.name}": {self.dtype.short} {shape_text(self.shape)}'
        if self.scale is not None:
            zp = self.zero_point
            text += f", real = {c_float(self.scale)} * (q {'+' if zp < 0 else '-'} {abs(zp)})"
        return text

    def to_json(self) -> dict:
        d = {"name": self.name, "dtype": self.dtype.short, "shape": list(self.shape), "nbytes": self.nbytes}
        if self.scale is not None:
            d["quant"] = {"scale": self.scale, "zero_point": self.zero_point}
        return d


@dataclass
class ModelCode:
    prefix: str                 # lower-case C identifier, e.g. "kws"
    macro: str                  # upper-case, e.g. "KWS"
    arena_size: int
    lower_bound: int
    nodes: list[NodeCode]
    consts: list[ConstCode]
    inputs: list[TensorIO]
    outputs: list[TensorIO]
    arena_names: list[ArenaName]            # every named offset, by offset then name
    tensors: list[tuple[int, str, int]]     # (tensor index, offset name, bytes) of every arena tensor
    headers: list[str]
    libm: bool
    needs_math_h: bool
    define_bits: dict[str, int] = field(default_factory=dict)   # -D<name>=<bits> (OpPlan.define_bits OR-ed)
    arena: str = ""             # the arena's C symbol: "<prefix>_arena", or the shared one
    shared_arena: bool = False  # the arena is shared with other models (declared in mc_shared_arena.h)

    @property
    def defines(self) -> list[str]:
        """``-DCONV_INT8_VARIANTS=0x16``..., sorted by name."""
        return [f"-D{k}=0x{v:02X}" for k, v in sorted(self.define_bits.items())]

    @property
    def weights_bytes(self) -> int:
        return sum(c.nbytes for c in self.consts)

    @property
    def arena_entries(self) -> list[tuple[str, str]]:
        """(``NAME = offset,``, comment) of the arena enum, the code padded to one column."""
        codes = [f"{a.name} = {a.offset}," for a in self.arena_names]
        width = max((len(c) for c in codes), default=0)
        return [(c.ljust(width), a.comment) for c, a in zip(codes, self.arena_names)]


def _param_value(v: Any, where: str, indent: str) -> str:
    if isinstance(v, CConst):
        return v.name
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, np.integer)):
        return c_int(int(v), "int64_t") if not -(2 ** 31) <= int(v) < 2 ** 31 else c_int(int(v), "int32_t")
    if isinstance(v, (float, np.floating)):
        return c_float(v)
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return "{" + ", ".join(_param_value(x, where, indent) for x in v) + "}"
    if isinstance(v, dict):
        inner = indent + "    "
        items = [f"{inner}.{k} = {_param_value(x, where, inner)}," for k, x in v.items()]
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    raise CodegenError(f"{where}: parameter value {v!r} has an unsupported type {type(v).__name__}")


def _as_ctype(values, dtype: DType, where: str) -> np.ndarray:
    """``values`` flattened as ``dtype`` (integers must fit); never empty (C has no empty arrays)."""
    arr = np.ascontiguousarray(np.asarray(values)).reshape(-1)
    want = np.uint8 if dtype == DType.BOOL else dtype.np
    if arr.dtype != want:
        conv = arr.astype(want)
        if np.issubdtype(want, np.integer) and not np.array_equal(conv.astype(np.int64), arr.astype(np.int64)):
            raise CodegenError(f"{where}: values do not fit {ctype(dtype)}")
        arr = conv
    return arr if arr.size else np.zeros(1, arr.dtype)


class _Lowering:
    """The state of one lowering: names taken, constants emitted, arena names."""

    def __init__(self, cm: CompiledModel, prefix: str, arena: str | None = None):
        self.cm, self.g, self.prefix, self.macro = cm, cm.graph, prefix, prefix.upper()
        self.arena = arena or f"{prefix}_arena"
        self.namer = Namer(reserved=[f"{prefix}_{s}" for s in (
            "arena", "init", "invoke", "invoke_until", "input", "output", "node_ticks", "tensor", "nodes",
            "tensors", "input_offsets", "output_offsets", "ticks", "tensor_entry_t")])
        self.macros = Namer(reserved=[f"{self.macro}_{s}" for s in ("ARENA_SIZE", "NODE_COUNT", "INPUT_COUNT",
                                                                     "OUTPUT_COUNT")])
        self.consts: list[ConstCode] = []
        self.const_symbols: dict[tuple, str] = {}     # (ctype, align, bytes) -> symbol
        self.tensor_consts: dict[int, str] = {}     # const tensor index -> symbol (raw model data)
        self.offset_names = self._name_offsets()

    # -- arena names

    def _name_offsets(self) -> dict[tuple[str, int], ArenaName]:
        """("tensor", index) / ("scratch", node) -> ArenaName, named after the graph input or
        the producing node (``_<k>`` for a node's output k > 0)."""
        g, arena = self.g, self.cm.arena
        names: dict[tuple[str, int], ArenaName] = {}
        for k, ti in enumerate(g.inputs):
            if ti in arena.tensors:
                names[("tensor", ti)] = self._arena_name(f"INPUT_{k}", arena.tensors[ti], g.tensors[ti], "input")
        for i, node in enumerate(g.nodes):
            stem = c_ident(node.name)[:_NAME_MAX].upper()
            for k, ti in enumerate(node.outputs):
                if ti in arena.tensors and ("tensor", ti) not in names:
                    what = f"node {i} output" + (" (graph output)" if ti in g.outputs else "")
                    names[("tensor", ti)] = self._arena_name(stem if k == 0 else f"{stem}_{k}", arena.tensors[ti],
                                                             g.tensors[ti], what)
            if i in arena.scratch:
                names[("scratch", i)] = ArenaName(self.macros.take(f"{self.macro}_AT_{stem}_SCRATCH"),
                                                  arena.scratch[i], f"scratch of node {i}, "
                                                  f"{int(self.cm.plans[i].scratch_bytes):,} B")
        for ti, off in arena.tensors.items():     # tensors nobody writes (not expected after check)
            if ("tensor", ti) not in names:
                names[("tensor", ti)] = self._arena_name(f"T{ti}", off, g.tensors[ti], "tensor")
        return names

    def _arena_name(self, base: str, offset: int, t: Tensor, what: str) -> ArenaName:
        return ArenaName(self.macros.take(f"{self.macro}_AT_{base}"), offset,
                         f"{what} '{t.name}': {t.dtype.short} {shape_text(t.shape)}, {t.nbytes:,} B")

    def arena_ptr(self, ti: int) -> str:
        t = self.g.tensors[ti]
        return f"({ctype(t.dtype)} *)&{self.arena}[{self.offset_names[('tensor', ti)].name}]"

    # -- constants

    def const_tensor(self, ti: int) -> str:
        """Symbol of a constant input's data (emitted once, however many nodes read it)."""
        if ti not in self.tensor_consts:
            t = self.g.tensors[ti]
            sym = self.namer.take(f"{self.prefix}_{c_ident(t.name, lower=True)[:_NAME_MAX]}")
            self.consts.append(ConstCode(sym, ctype(t.dtype), t.size or 1, _as_ctype(t.array, t.dtype, t.name), 8,
                                         f"tensor {t.name!r}: {t.describe()} (model data)"))
            self.tensor_consts[ti] = sym
        return self.tensor_consts[ti]

    # -- nodes

    def node(self, i: int, plan: OpPlan) -> NodeCode:
        g, node = self.g, self.g.nodes[i]
        where = g.node_label(i)
        stem = self.namer.take(f"{self.prefix}_{c_ident(node.name, lower=True)[:_NAME_MAX]}")
        code = NodeCode(i, node.name, node.op, self._comment(i, plan), self.namer.take(f"{self.prefix}_node_{i}"))
        if i in self.cm.arena.zero_copy:
            code.no_code = {"views": "the outputs are read in place from the input",
                            "parts": "the inputs were written in place into the output"}[self.cm.arena.zero_copy[i]]
            return code
        if not plan.kernel:
            if any(o not in self.cm.arena.aliases for o in node.outputs):
                raise PlanError(f"{where}: the op emits no code (output = input {plan.inplace}) but the "
                                f"planner did not alias its output")
            code.no_code = f"output is input {plan.inplace} (same memory)"
            return code
        consts = {}
        for ca in plan.consts:
            arr = _as_ctype(ca.values, ca.dtype, f"{where}: const '{ca.name}'")
            key = (ctype(ca.dtype), max(int(ca.align), 8), arr.dtype.str, arr.tobytes())
            if key not in self.const_symbols:     # identical arrays (patch clones' weights): once
                sym = self.namer.take(f"{stem}_{c_ident(ca.name, lower=True)}")
                self.consts.append(ConstCode(sym, key[0], int(arr.size), arr, key[1],
                                             f"{node.op} {node.name!r} (node {i}): {ca.name}"))
                self.const_symbols[key] = sym
            consts[ca.name] = self.const_symbols[key]
        if plan.param_type and any(a.kind == "param" for a in plan.args):   # an unused static const would warn
            code.param_type, code.param_symbol = plan.param_type, self.namer.take(f"{stem}_param")
            code.param_fields = [(str(k), _param_value(v, where, "    ")) for k, v in dict(plan.params).items()]
        code.kernel, code.returns_status = plan.kernel, plan.returns_status
        code.args = [self._arg(i, a, consts, code) for a in plan.args]
        return code

    def _arg(self, i: int, a: Arg, consts: dict[str, str], code: NodeCode) -> str:
        node, where = self.g.nodes[i], self.g.node_label(i)
        if a.kind == "param":
            if code.param_symbol is None:
                raise CodegenError(f"{where}: the call passes the parameters but the op plan has no param_type")
            return f"&{code.param_symbol}"
        if a.kind in ("in", "out"):
            tensors = node.inputs if a.kind == "in" else node.outputs
            if not 0 <= int(a.ref) < len(tensors):
                raise CodegenError(f"{where}: the call passes {a.kind}put {a.ref}; the node has {len(tensors)}")
            ti = tensors[int(a.ref)]
            return self.const_tensor(ti) if self.g.tensors[ti].is_const else self.arena_ptr(ti)
        if a.kind == "const":
            if a.ref not in consts:
                raise CodegenError(f"{where}: the call passes const '{a.ref}'; the op plan has "
                                   f"{', '.join(sorted(consts)) or 'none'}")
            return consts[a.ref]
        if a.kind in ("scratch", "scratch_size"):
            off = self.offset_names.get(("scratch", i))
            if a.kind == "scratch":
                return "NULL" if off is None else f"(void *)&{self.arena}[{off.name}]"
            return "0u" if off is None else f"{int(self.cm.plans[i].scratch_bytes)}u"
        if a.kind == "null":
            return "NULL"
        if a.kind == "pointers":
            arr = PointerArray(str(a.ref), [self._arg(i, x, consts, code) for x in a.items],
                               writable=all(x.kind == "out" for x in a.items))
            code.pointer_arrays.append(arr)
            return arr.name
        raise CodegenError(f"{where}: unknown kernel argument kind {a.kind!r}")

    def _comment(self, i: int, plan: OpPlan) -> str:
        """``node 3  Conv2DFusion "conv1"  1x49x10x1 -> 1x25x5x64  int8  out @arena[0, 8000)``"""
        g, node, arena = self.g, self.g.nodes[i], self.cm.arena
        acts = [g.tensors[t] for t in node.inputs if not g.tensors[t].is_const]
        outs = [g.tensors[t] for t in node.outputs]
        locs = []
        for ti in node.outputs:
            off = arena.tensors[ti]
            loc = f"@arena[{off}, {off + g.tensors[ti].nbytes})"
            if ti in arena.aliases:
                loc += f" = {'input' if not plan.kernel else 'in place of'} '{g.tensors[arena.aliases[ti]].name}'"
            elif ti in arena.overwrites:
                src, shift = arena.overwrites[ti]
                loc += f" over '{g.tensors[src].name}' (+{shift})"
            locs.append(loc)
        text = (f"node {i}  {node.op} \"{node.name}\"  {', '.join(shape_text(t.shape) for t in acts) or '-'} -> "
                f"{', '.join(shape_text(t.shape) for t in outs)}  {outs[0].dtype.short if outs else ''}  "
                f"out {', '.join(locs)}")
        if i in arena.scratch:
            off = arena.scratch[i]
            text += f"  scratch @arena[{off}, {off + int(plan.scratch_bytes)})"
        return text

    def io(self, ti: int) -> TensorIO:
        t = self.g.tensors[ti]
        scale = zp = None
        if t.quant and len(t.quant) == 1 and t.dtype in (DType.INT8, DType.UINT8, DType.INT16):
            scale, zp = float(t.quant[0].scale), int(t.quant[0].zero_point)
        name = self.offset_names[("tensor", ti)]
        return TensorIO(ti, t.name, t.dtype, tuple(t.shape), t.nbytes, name.offset, name.name, scale, zp)


def lower(cm: CompiledModel, prefix: str, shared_arena: str | None = None) -> ModelCode:
    """What the templates need to print ``cm`` with symbols prefixed by ``prefix``;
    ``shared_arena``: the symbol of an arena several models share (default: its own)."""
    g: Graph = cm.graph
    prefix = c_ident(prefix, lower=True)
    lw = _Lowering(cm, prefix, shared_arena)
    nodes = [lw.node(i, plan) for i, plan in enumerate(cm.plans)]
    define_bits: dict[str, int] = {}
    for plan in cm.plans:
        for macro, bits in plan.define_bits:
            define_bits[macro] = define_bits.get(macro, 0) | int(bits)
    tensors = sorted((ti, lw.offset_names[("tensor", ti)].name, g.tensors[ti].nbytes) for ti in cm.arena.tensors)
    arena_names = sorted(lw.offset_names.values(), key=lambda a: (a.offset, a.name))
    needs_math = any(c.ctype == "float" and not np.isfinite(c.values).all() for c in lw.consts)
    needs_math = needs_math or any("INFINITY" in v or "NAN" in v for n in nodes for _, v in n.param_fields)
    return ModelCode(
        prefix=prefix, macro=prefix.upper(), arena_size=cm.arena.size, lower_bound=cm.arena.lower_bound,
        nodes=nodes, consts=lw.consts, inputs=[lw.io(ti) for ti in g.inputs], outputs=[lw.io(ti) for ti in g.outputs],
        arena_names=arena_names, tensors=tensors, headers=sorted({p.header for p in cm.plans if p.header}),
        libm=cm.libm, needs_math_h=needs_math, define_bits=define_bits, arena=lw.arena,
        shared_arena=shared_arena is not None)
