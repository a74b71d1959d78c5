"""Lower a checked graph + its OpPlans + the memory plan to what the templates print.

Everything here is data (strings and numbers in a fixed order); all C syntax that is
not a literal lives in ``templates/c/``. Names: every symbol starts with the model
prefix (``kws_``), node-specific ones continue with the node's name as a lower-case C
identifier (``kws_conv_2d_0_param``); clashes get ``_<n>`` suffixes in node order.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..errors import CodegenError, PlanError
from ..ir import DType, Graph, Tensor
from ..ops import ConstArray, OpPlan
from ..schedule import MemoryPlan
from .filters import c_comment, c_float, c_ident, c_int, ctype_of

CTYPES = {
    DType.BOOL: "uint8_t", DType.INT8: "int8_t", DType.INT16: "int16_t", DType.INT32: "int32_t",
    DType.INT64: "int64_t", DType.UINT8: "uint8_t", DType.UINT16: "uint16_t", DType.UINT32: "uint32_t",
    DType.UINT64: "uint64_t", DType.FLOAT32: "float",
}
_NAME_MAX = 40


def ctype(dtype: DType) -> str:
    try:
        return CTYPES[dtype]
    except KeyError:
        raise CodegenError(f"tensors of type {dtype.short} cannot be emitted") from None


def shape_text(shape) -> str:
    return "x".join(map(str, shape)) or "scalar"


class Namer:
    """Unique C identifiers, first come first served (deterministic in call order)."""

    def __init__(self, reserved: Sequence[str] = ()):
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
class NodeCode:
    index: int
    name: str
    op: str
    comment: str                # one line, without /* */
    func: str                   # static int <func>(void)
    call: list[str]             # the op's C statement(s), placeholders substituted, one item per line
    returns_status: bool = False    # call is one ``f(...);`` of a kernel returning a status
    has_return: bool = False        # the op's own statements end with a return
    alias_of: int | None = None     # no code: output k is input ``alias_of`` (same memory)
    param_type: str | None = None
    param_symbol: str | None = None
    param_fields: list[tuple[str, str]] = field(default_factory=list)   # (field designator, C value)
    header: str = ""


@dataclass
class TensorIO:
    index: int
    name: str
    dtype: DType
    shape: tuple[int, ...]
    nbytes: int
    offset: int
    scale: float | None
    zero_point: int | None

    @property
    def ctype(self) -> str:
        return ctype(self.dtype)

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
    tensors: list[tuple[int, int, int]]     # (tensor index, arena offset, bytes) of every arena tensor
    headers: list[str]
    kernel_sources: list[str]
    libm: bool
    needs_math_h: bool
    define_bits: dict[str, int] = field(default_factory=dict)   # -D<name>=<bits> (OpPlan.define_bits OR-ed)

    @property
    def defines(self) -> list[str]:
        """``-DCONV_INT8_VARIANTS=0x16``..., sorted by name."""
        return [f"-D{k}=0x{v:02X}" for k, v in sorted(self.define_bits.items())]

    @property
    def weights_bytes(self) -> int:
        return sum(c.nbytes for c in self.consts)


class _Placeholders:
    """``str.format_map`` mapping that renders placeholders lazily and records which were used."""

    def __init__(self, values: dict[str, Any], lazy: dict[str, Any], where: str):
        self.values = values
        self.lazy = lazy
        self.where = where
        self.used: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.used.add(key)
        if key in self.values:
            return self.values[key]
        if key in self.lazy:
            v = self.lazy[key]()
            self.values[key] = v
            return v
        raise CodegenError(f"{self.where}: the op plan uses an unknown placeholder {{{key}}} "
                           f"(known: {', '.join(sorted(set(self.values) | set(self.lazy)))})")

    def format(self, text: str) -> str:
        try:
            return string.Formatter().vformat(text, (), self)
        except (ValueError, IndexError) as e:
            raise CodegenError(f"{self.where}: malformed C template {text!r}: {e}") from None


def _param_value(v: Any, subst: _Placeholders, indent: str) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, np.integer)):
        return c_int(int(v), "int64_t") if not -(2 ** 31) <= int(v) < 2 ** 31 else c_int(int(v), "int32_t")
    if isinstance(v, (float, np.floating)):
        return c_float(v)
    if isinstance(v, str):
        return subst.format(v)
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return "{" + ", ".join(_param_value(x, subst, indent) for x in v) + "}"
    if isinstance(v, dict):
        inner = indent + "    "
        items = [f"{inner}.{k} = {_param_value(x, subst, inner)}," for k, x in v.items()]
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    raise CodegenError(f"{subst.where}: parameter value {v!r} has an unsupported type {type(v).__name__}")


def _io(g: Graph, ti: int, mem: MemoryPlan) -> TensorIO:
    t = g.tensors[ti]
    scale = zp = None
    if t.quant and len(t.quant) == 1 and t.dtype in (DType.INT8, DType.UINT8, DType.INT16):
        scale, zp = float(t.quant[0].scale), int(t.quant[0].zero_point)
    return TensorIO(ti, t.name, t.dtype, tuple(t.shape), t.nbytes, mem.tensor_offset(ti), scale, zp)


_INT_FN = re.compile(r"^\s*int\s+(\w+)\s*\(", re.MULTILINE)
_CALL = re.compile(r"^\s*(\w+)\s*\((.*)\)\s*;\s*$", re.DOTALL)


def status_functions(header_texts: Sequence[str]) -> set[str]:
    """Names of the functions declared ``int f(...)`` in the kernel headers (they return a status)."""
    out: set[str] = set()
    for text in header_texts:
        out.update(_INT_FN.findall(text))
    return out


def lower(g: Graph, plans: Sequence[OpPlan], mem: MemoryPlan, prefix: str,
          int_functions: set[str] | frozenset = frozenset()) -> ModelCode:
    """``int_functions``: kernels returning a status; a call that is just ``f(...);`` of one of
    them becomes ``return f(...);`` so invoke reports the failing node."""
    prefix = c_ident(prefix, lower=True)
    namer = Namer(reserved=[f"{prefix}_arena", f"{prefix}_init", f"{prefix}_invoke", f"{prefix}_invoke_until",
                            f"{prefix}_input", f"{prefix}_output", f"{prefix}_node_ticks", f"{prefix}_tensor",
                            f"{prefix}_nodes", f"{prefix}_tensors", f"{prefix}_input_offsets",
                            f"{prefix}_output_offsets", f"{prefix}_ticks", f"{prefix}_tensor_entry_t"])
    consts: list[ConstCode] = []
    tensor_consts: dict[int, str] = {}       # const tensor index -> symbol (raw model data)
    nodes: list[NodeCode] = []
    headers: list[str] = []
    kernel_sources: list[str] = []
    define_bits: dict[str, int] = {}
    libm = False

    def arena_ptr(ti: int) -> str:
        t = g.tensors[ti]
        return f"({ctype(t.dtype)} *)&{prefix}_arena[{mem.tensor_offset(ti)}]"

    def const_tensor(ti: int) -> str:
        if ti not in tensor_consts:
            t: Tensor = g.tensors[ti]
            sym = namer.take(f"{prefix}_{c_ident(t.name, lower=True)[:_NAME_MAX]}")
            arr = np.ascontiguousarray(t.array).reshape(-1)
            if t.dtype == DType.BOOL:
                arr = arr.astype(np.uint8)
            consts.append(ConstCode(sym, ctype(t.dtype), int(arr.size), arr, 8,
                                    f"tensor {t.name!r}: {t.describe()} (model data)"))
            tensor_consts[ti] = sym
        return tensor_consts[ti]

    for i, (node, plan) in enumerate(zip(g.nodes, plans)):
        where = g.node_label(i)
        base = f"{prefix}_{c_ident(node.name, lower=True)[:_NAME_MAX]}"
        stem = namer.take(base)
        func = namer.take(f"{prefix}_node_{i}")
        param_symbol = namer.take(f"{stem}_param") if plan.param_type else None

        # constants of this node
        const_syms: dict[str, str] = {}
        for ca in plan.consts:
            if not isinstance(ca, ConstArray):
                raise CodegenError(f"{where}: op plan const {ca!r} is not a ConstArray")
            sym = namer.take(f"{stem}_{c_ident(ca.name, lower=True)}")
            arr = np.ascontiguousarray(np.asarray(ca.values)).reshape(-1)
            want = ca.ctype
            try:
                have = ctype_of(arr.dtype)
            except TypeError:
                have = None
            if have != want:
                np_type = {"int8_t": np.int8, "uint8_t": np.uint8, "int16_t": np.int16, "int32_t": np.int32,
                           "uint32_t": np.uint32, "int64_t": np.int64, "float": np.float32}.get(want)
                if np_type is None:
                    raise CodegenError(f"{where}: const '{ca.name}' has unsupported C type {want!r}")
                conv = arr.astype(np_type)
                if np.issubdtype(np_type, np.integer) and not np.array_equal(conv.astype(np.int64),
                                                                              arr.astype(np.int64)):
                    raise CodegenError(f"{where}: const '{ca.name}' values do not fit {want}")
                arr = conv
            if arr.size == 0:             # C has no zero-length arrays
                arr = np.zeros(1, arr.dtype)
            consts.append(ConstCode(sym, want, int(arr.size), arr, max(int(ca.align), 8),
                                    f"{node.op} {node.name!r} (node {i}): {ca.name}"))
            const_syms[ca.name] = sym

        # placeholders
        values: dict[str, Any] = {}
        lazy: dict[str, Any] = {}
        for k, ti in enumerate(node.inputs):
            t = g.tensors[ti]
            if t.is_const:
                lazy[f"in{k}"] = (lambda ti=ti: const_tensor(ti))
            else:
                values[f"in{k}"] = arena_ptr(ti)
        for k, ti in enumerate(node.outputs):
            values[f"out{k}"] = arena_ptr(ti)
        scratch_off = mem.scratch_offset(i)
        values["scratch"] = f"(void *)&{prefix}_arena[{scratch_off}]" if scratch_off is not None else "NULL"
        values["scratch_size"] = f"{int(plan.scratch_bytes)}u" if scratch_off is not None else "0u"
        for cname, sym in const_syms.items():
            values[f"const_{cname}"] = sym
        if param_symbol:
            values["param"] = f"&{param_symbol}"
        subst = _Placeholders(values, lazy, where)

        # the call
        call_lines: list[str] = []
        returns_status = has_return = False
        alias_of = None
        if not plan.call:
            if any(o not in mem.aliases for o in node.outputs):
                raise PlanError(f"{where}: the op emits no code (output = input {plan.inplace}) but the "
                                f"planner did not alias its output")
            alias_of = plan.inplace
        else:
            text = subst.format(plan.call).strip()
            mcall = _CALL.match(text)
            returns_status = bool(mcall and mcall.group(1) in int_functions and ";" not in mcall.group(2))
            call_lines = [line.rstrip() for line in text.splitlines()]
            has_return = any(line.lstrip().startswith("return") for line in call_lines)

        # parameters (only when the call uses them: an unused static const would warn)
        param_fields: list[tuple[str, str]] = []
        if param_symbol and "param" in subst.used:
            param_fields = [(str(k), _param_value(v, subst, "    ")) for k, v in dict(plan.params).items()]
        elif param_symbol:
            param_symbol = None

        # comment: node 3  Conv2DFusion "conv1"  1x49x10x1 -> 1x25x5x64  int8  out @arena[0, 8000)
        acts = [g.tensors[t] for t in node.inputs if not g.tensors[t].is_const]
        outs = [g.tensors[t] for t in node.outputs]
        ins_txt = ", ".join(shape_text(t.shape) for t in acts) or "-"
        outs_txt = ", ".join(shape_text(t.shape) for t in outs)
        dtype_txt = outs[0].dtype.short if outs else ""
        locs = []
        for ti in node.outputs:
            off = mem.tensor_offset(ti)
            loc = f"@arena[{off}, {off + g.tensors[ti].nbytes})"
            if ti in mem.aliases:
                loc += f" = {'input' if not plan.call else 'in place of'} '{g.tensors[mem.aliases[ti]].name}'"
            locs.append(loc)
        comment = f"node {i}  {node.op} \"{node.name}\"  {ins_txt} -> {outs_txt}  {dtype_txt}  out {', '.join(locs)}"
        if scratch_off is not None:
            comment += f"  scratch @arena[{scratch_off}, {scratch_off + int(plan.scratch_bytes)})"

        nodes.append(NodeCode(i, node.name, node.op, c_comment(comment), func, call_lines, returns_status,
                              has_return, alias_of, plan.param_type, param_symbol, param_fields, plan.header))
        if plan.header and plan.header not in headers:
            headers.append(plan.header)
        for src in plan.kernel_sources:
            if src not in kernel_sources:
                kernel_sources.append(src)
        libm = libm or bool(plan.libm)
        for macro, bits in plan.define_bits:
            define_bits[macro] = define_bits.get(macro, 0) | int(bits)

    tensors = sorted((ti, mem.tensor_offset(ti), g.tensors[ti].nbytes) for ti in mem.buffer_names)
    needs_math = any(c.ctype == "float" and not np.isfinite(c.values).all() for c in consts)
    needs_math = needs_math or any("INFINITY" in v or "NAN" in v for n in nodes for _, v in n.param_fields)
    return ModelCode(
        prefix=prefix, macro=prefix.upper(), arena_size=mem.arena_size, lower_bound=mem.plan.lower_bound,
        nodes=nodes, consts=consts, inputs=[_io(g, ti, mem) for ti in g.inputs],
        outputs=[_io(g, ti, mem) for ti in g.outputs], tensors=tensors, headers=sorted(headers),
        kernel_sources=kernel_sources, libm=libm, needs_math_h=needs_math, define_bits=define_bits)
