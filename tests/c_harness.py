"""Run one node's generated kernel call on the host, the way generated code would.

:class:`KernelLib` compiles every ``nnacl_subset/**/*.c`` once (host gcc, the project's
warning flags, ``-ffp-contract=off``) into objects. :meth:`KernelLib.run_node` then takes
the :class:`~micro_codegen.ops.OpPlan` of a node, renders a tiny C shim exactly as the
generator would use the plan -- the ``static const`` parameter struct with designated
initialisers, the call with its symbolic arguments resolved -- links it with the kernel
objects into a shared library and calls it through ctypes on numpy buffers.

Constants are passed in at run time (``Const(name)`` -> ``consts[k]``) rather than
rendered as C arrays, which keeps the shims tiny. The shim also exports
``node_scratch_size()``: the C ``<fn>_scratch_size(&param)`` of the called kernel when its
header declares one (the Python ``scratch_bytes`` is checked against it).
"""
from __future__ import annotations

import ctypes
import hashlib
import re
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from micro_codegen.compiled import CConst
from micro_codegen.emit.filters import ctype

REPO = Path(__file__).resolve().parents[1]
NNACL = REPO / "nnacl_subset"

WARN_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wdouble-promotion", "-Wvla",
              "-Wstrict-prototypes", "-Wmissing-prototypes"]
HOST_FLAGS = WARN_FLAGS + ["-O2", "-fPIC", "-ffp-contract=off"]
ARM_FLAGS = WARN_FLAGS + ["-O2", "-ffp-contract=off", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
                          "-mfpu=fpv4-sp-d16"]


def kernel_sources() -> list[Path]:
    return sorted(NNACL.rglob("*.c"))


def c_value(v) -> str:
    """A parameter value as a C initialiser expression."""
    if isinstance(v, CConst):
        return v.name
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, np.integer)):
        v = int(v)
        return "(-2147483647 - 1)" if v == -(1 << 31) else str(v)
    if isinstance(v, (float, np.floating)):
        f = float(np.float32(v))
        if np.isinf(f):
            return "(1.0f / 0.0f)" if f > 0 else "(-1.0f / 0.0f)"
        return repr(f) + "f"
    return str(v)


class KernelLib:
    def __init__(self, workdir: Path, cc: str = "gcc"):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cc = cc
        self.objects = self._compile_kernels()
        digest = hashlib.sha1()
        for src in sorted(NNACL.rglob("*.[ch]")):
            digest.update(src.read_bytes())
        self._kernels_digest = digest.hexdigest()

    def _compile_kernels(self) -> list[Path]:
        objs = []
        procs = []
        for src in kernel_sources():
            rel = src.relative_to(NNACL)
            obj = self.workdir / ("k_" + "_".join(rel.with_suffix(".o").parts))
            procs.append(subprocess.Popen([self.cc, *HOST_FLAGS, "-I", str(NNACL), "-c", str(src), "-o", str(obj)],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            objs.append(obj)
        errors = []
        for p in procs:
            out, err = p.communicate()
            if p.returncode:
                errors.append(err)
        if errors:
            raise RuntimeError("kernel compilation failed:\n" + "\n".join(errors))
        return objs

    # ------------------------------------------------------------ shim

    def shim_source(self, graph, index: int, plan) -> str:
        node = graph.nodes[index]
        const_index = {c.name: k for k, c in enumerate(plan.consts)}
        locals_ = []

        def arg(a) -> str:
            if a.kind == "param":
                return "&node_param"
            if a.kind in ("in", "out"):
                t = graph.tensors[(node.inputs if a.kind == "in" else node.outputs)[a.ref]]
                qual = "const " if a.kind == "in" else ""
                return f"(({qual}{ctype(t.dtype)} *){a.kind}s[{a.ref}])"
            if a.kind == "const":
                c = plan.consts[const_index[a.ref]]
                return f"((const {ctype(c.dtype)} *)consts[{const_index[a.ref]}])"
            if a.kind == "pointers":
                qual = "" if all(x.kind == "out" for x in a.items) else "const "
                locals_.append(f"  {qual}void *const {a.ref}[{len(a.items)}] = {{{', '.join(arg(x) for x in a.items)}}};")
                return str(a.ref)
            return {"scratch": "scratch", "scratch_size": "scratch_size", "null": "NULL"}[a.kind]

        fields = [f"  .{key} = {c_value(value)}," for key, value in plan.params.items()]
        args = [arg(a) for a in plan.args]
        call = f"{plan.kernel}({', '.join(args)});" if plan.kernel else ""
        fn = plan.kernel
        header_text = (NNACL / plan.header).read_text() if plan.header else ""
        if fn and re.search(rf"\b{fn}_scratch_size\s*\(", header_text):
            scratch_fn = f"return {fn}_scratch_size(&node_param);"
        else:
            scratch_fn = "return (size_t)-1;"
        lines = ["#include <stddef.h>", "#include <stdint.h>"]
        if plan.header:
            lines.append(f'#include "{plan.header}"')
        if plan.param_type:
            lines += [f"static const {plan.param_type} node_param = {{", *fields, "};"]
        lines += [
            "int run_node(void *const *ins, void *const *outs, const void *const *consts, void *scratch,",
            "             size_t scratch_size);",
            "size_t node_scratch_size(void);",
            "int run_node(void *const *ins, void *const *outs, const void *const *consts, void *scratch,",
            "             size_t scratch_size) {",
            "  (void)ins; (void)outs; (void)consts; (void)scratch; (void)scratch_size;",
            *locals_,
            f"  return {call}" if plan.returns_status else f"  {call}",
            "" if plan.returns_status else "  return 0;",
            "}",
            "size_t node_scratch_size(void) {",
            f"  {scratch_fn}" if plan.param_type else "  return (size_t)-1;",
            "}",
        ]
        return "\n".join(lines) + "\n"

    def build(self, graph, index: int, plan):
        src = self.shim_source(graph, index, plan)
        tag = hashlib.sha1((self._kernels_digest + src).encode()).hexdigest()[:16]
        c_path = self.workdir / f"shim_{tag}.c"
        so_path = self.workdir / f"shim_{tag}.so"
        if not so_path.exists():
            c_path.write_text(src)
            r = subprocess.run([self.cc, *HOST_FLAGS, "-I", str(NNACL), "-shared", "-o", str(so_path), str(c_path),
                                *map(str, self.objects), "-lm"], capture_output=True, text=True)
            if r.returncode:
                raise RuntimeError(f"shim compilation failed:\n{r.stderr}\n--- shim ---\n{src}")
        lib = ctypes.CDLL(str(so_path))
        lib.run_node.restype = ctypes.c_int
        lib.run_node.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
        lib.node_scratch_size.restype = ctypes.c_size_t
        lib.node_scratch_size.argtypes = []
        return lib

    def c_scratch_size(self, graph, index: int, plan) -> int | None:
        v = self.build(graph, index, plan).node_scratch_size()
        return None if v == ctypes.c_size_t(-1).value else int(v)

    def run_node(self, graph, index: int, plan, inputs: list[np.ndarray], alias_output_to: int | None = None,
                 overlap: int | None = None):
        """Run node ``index`` on ``inputs`` (one array per graph input of the node's
        non-constant inputs, in node input order). ``alias_output_to=k``: output 0 is
        written into input k's buffer (in-place execution). ``overlap=D``: output 0 and input 0
        share one 16-byte aligned buffer, the input ``D`` rounded up to 16 bytes after the
        output's start, as the planner places a window op that runs in place
        (``OpPlan.overlap_shift``). Returns the output arrays."""
        lib = self.build(graph, index, plan)
        node = graph.nodes[index]
        in_bufs = []
        it = iter(inputs)
        for ti in node.inputs:
            t = graph.tensors[ti]
            if t.is_const:
                in_bufs.append(np.ascontiguousarray(t.array.copy()))
            else:
                in_bufs.append(np.ascontiguousarray(np.asarray(next(it), dtype=t.dtype.np).reshape(t.shape)).copy())
        out_bufs = []
        for k, ti in enumerate(node.outputs):
            t = graph.tensors[ti]
            if k == 0 and alias_output_to is not None:
                out_bufs.append(in_bufs[alias_output_to])
            else:
                fill = 0x5A if t.dtype.np.kind in "iu" else np.nan
                out_bufs.append(np.full(t.shape, fill, dtype=t.dtype.np))
        if overlap is not None:
            in_bufs[0], out_bufs[0] = _overlapping(in_bufs[0], out_bufs[0], overlap)
        consts = [np.ascontiguousarray(c.values).reshape(-1).astype(c.dtype.np) for c in plan.consts]
        scratch = np.full(max(int(plan.scratch_bytes), 1) + 64, 0xA5, dtype=np.uint8)

        def ptrs(arrs):
            a = (ctypes.c_void_p * max(len(arrs), 1))()
            for k, x in enumerate(arrs):
                a[k] = x.ctypes.data
            return a

        rc = lib.run_node(ptrs(in_bufs), ptrs(out_bufs), ptrs(consts),
                          scratch.ctypes.data if plan.scratch_bytes else None, int(plan.scratch_bytes))
        if rc:
            raise RuntimeError(f"kernel returned {rc}")
        if plan.scratch_bytes and np.any(scratch[plan.scratch_bytes:] != 0xA5):
            raise AssertionError("kernel wrote past the end of its scratch buffer")
        return [np.array(o) for o in out_bufs]


def _overlapping(x: np.ndarray, y: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Views of one buffer: ``y``'s shape at its start (filled 0x5A), ``x`` (copied)
    ``shift`` rounded up to 16 bytes after it; the buffer is 16-byte aligned."""
    at = -(-int(shift) // 16) * 16
    size = max(y.nbytes, at + x.nbytes)
    raw = np.full(size + 32, 0x5A, np.uint8)
    base = (-raw.ctypes.data) % 16
    buf = raw[base:base + size]
    buf[at:at + x.nbytes] = np.ascontiguousarray(x).reshape(-1).view(np.uint8)
    return (buf[at:at + x.nbytes].view(x.dtype).reshape(x.shape),
            buf[:y.nbytes].view(y.dtype).reshape(y.shape))


def mismatch_table(expected: np.ndarray, got: np.ndarray, mask: np.ndarray, limit: int = 12) -> str:
    idx = np.argwhere(mask.reshape(expected.shape))
    lines = [f"{int(mask.sum())} of {mask.size} elements differ", f"{'index':>20} {'expected':>14} {'got':>14}"]
    for ix in idx[:limit]:
        ix = tuple(int(v) for v in ix)
        lines.append(f"{str(ix):>20} {expected[ix]!s:>14} {got[ix]!s:>14}")
    return "\n".join(lines)


def assert_close(expected: np.ndarray, got: np.ndarray, atol: float = 1e-5, rtol: float = 1e-5):
    expected = np.asarray(expected)
    got = np.asarray(got).reshape(expected.shape)
    if expected.dtype.kind in "iub":
        mask = expected != got
    else:
        e = expected.astype(np.float64)
        o = got.astype(np.float64)
        mask = ~(np.abs(e - o) <= atol + rtol * np.abs(e))
        mask &= ~(np.isnan(e) & np.isnan(o))
    if mask.any():
        raise AssertionError(mismatch_table(expected, got, mask))


# ---------------------------------------------------------------- bare-metal self-test (QEMU)
#
# The SIMD32 (SMLAD) dot products of int8/dot_int8.h only exist on Arm cores, so the host
# tests cannot reach them. This small firmware runs the int8 conv / FC kernels on a
# Cortex-M4F under qemu-system-arm (mps2-an386) against naive scalar loops written here,
# over geometries that exercise every tail of the 4-byte loops, and reports through
# semihosting (exit code 0 = all equal).

ARM_SELFTEST_LD = """\
MEMORY { FLASH (rx) : ORIGIN = 0x00000000, LENGTH = 4M
         RAM (rwx)  : ORIGIN = 0x20000000, LENGTH = 4M }
_estack = ORIGIN(RAM) + LENGTH(RAM);
SECTIONS {
  .text : { KEEP(*(.isr_vector)) *(.text*) *(.rodata*) . = ALIGN(4); } > FLASH
  .ARM.exidx : { *(.ARM.exidx*) } > FLASH
  _sidata = LOADADDR(.data);
  .data : { _sdata = .; *(.data*) . = ALIGN(4); _edata = .; } > RAM AT > FLASH
  .bss (NOLOAD) : { _sbss = .; *(.bss*) *(COMMON) . = ALIGN(4); _ebss = .; } > RAM
}
"""

ARM_STARTUP_C = r"""
#include <stdint.h>
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);
void Reset_Handler(void);
void Default_Handler(void);

static int sh_call(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
static void sh_print(const char *s) { sh_call(0x04, (void *)s); }
static void sh_exit(int ok) { sh_call(0x18, (void *)(uintptr_t)(ok ? 0x20026 : 0x20023)); for (;;) {} }

void Default_Handler(void) { sh_print("fault\n"); sh_exit(0); }
void Reset_Handler(void) {
  uint32_t *src = &_sidata, *dst = &_sdata;
  while (dst < &_edata) { *dst++ = *src++; }
  for (dst = &_sbss; dst < &_ebss; ) { *dst++ = 0; }
  *(volatile uint32_t *)0xE000ED88 |= (0xFu << 20);   /* CPACR: enable CP10/CP11 (FPU) */
  __asm__ volatile("dsb\n isb");
  sh_exit(main() == 0);
}
__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(void) = {
  (void (*)(void))(uintptr_t)&_estack, Reset_Handler, Default_Handler, Default_Handler, Default_Handler,
  Default_Handler, Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0, Default_Handler,
  Default_Handler};

"""

ARM_SELFTEST_C = r"""
#include <stdint.h>
#include <string.h>
#include "int8/conv_int8.h"
#include "int8/conv_gemm_int8.h"
#include "int8/fullconnection_int8.h"

""" + ARM_STARTUP_C + r"""
static uint32_t seed = 12345u;
static int8_t rnd8(void) { seed = seed * 1664525u + 1013904223u; return (int8_t)(seed >> 24); }

#define MAXBUF 4096
static int8_t in_buf[MAXBUF], w_buf[MAXBUF], out_k[MAXBUF], out_n[MAXBUF], scratch[MAXBUF], pk_buf[MAXBUF];
static int32_t bias[64], mult[64], shft[64];

/* OHWI weights, group 1; the kernels' contract: the bias has -input_zp * sum(w) folded in, so they
 * add raw x * w and a padded tap counts as x = input_zp */
static void naive_conv(const conv_param_t *p, int8_t *out) {
  int32_t oy, ox, oc, ky, kx, ic;
  for (oy = 0; oy < p->out_h; ++oy) for (ox = 0; ox < p->out_w; ++ox) for (oc = 0; oc < p->out_c; ++oc) {
    int32_t acc = bias[oc];
    for (ky = 0; ky < p->kernel_h; ++ky) for (kx = 0; kx < p->kernel_w; ++kx) {
      int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
      int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
      const int inside = iy >= 0 && ix >= 0 && iy < p->in_h && ix < p->in_w;
      for (ic = 0; ic < p->in_c; ++ic)
        acc += (inside ? in_buf[(iy * p->in_w + ix) * p->in_c + ic] : p->input_zp) *
               w_buf[((oc * p->kernel_h + ky) * p->kernel_w + kx) * p->in_c + ic];
    }
    out[(oy * p->out_w + ox) * p->out_c + oc] =
        nnacl_requant_i8(acc, mult[oc], shft[oc], p->rounding, p->output_zp, p->act_min, p->act_max);
  }
}

static int check_conv(int32_t variant, int32_t h, int32_t w, int32_t c, int32_t oc, int32_t k, int32_t s,
                      int32_t pad, int32_t zp) {
  conv_param_t p;
  int32_t i, n;
  memset(&p, 0, sizeof(p));
  p.batch = 1; p.in_h = h; p.in_w = w; p.in_c = c; p.out_c = oc; p.kernel_h = k; p.kernel_w = k;
  p.stride_h = s; p.stride_w = s; p.dilation_h = 1; p.dilation_w = 1; p.pad_top = pad; p.pad_left = pad;
  p.out_h = (h + 2 * pad - k) / s + 1; p.out_w = (w + 2 * pad - k) / s + 1; p.group = 1; p.variant = variant;
  p.input_zp = zp; p.output_zp = 3; p.rounding = NNACL_ROUND_DOUBLE; p.act_min = -128; p.act_max = 127;
  for (i = 0; i < h * w * c; ++i) in_buf[i] = rnd8();
  for (i = 0; i < oc * k * k * c; ++i) w_buf[i] = rnd8();
  for (i = 0; i < oc; ++i) { bias[i] = rnd8() * 37; mult[i] = 1200000000 + rnd8() * 1000000; shft[i] = -9; }
  n = p.out_h * p.out_w * oc;
  if (variant == CONV_VARIANT_1X1 || variant == CONV_VARIANT_IM2COL) { /* packed gemm weights */
    const int32_t kk = k * k * c, kpad = conv_gemm_int8_kpad(kk);
    memset(pk_buf, 0, sizeof(pk_buf));
    for (i = 0; i < oc * kk; ++i) pk_buf[conv_gemm_int8_windex(i / kk, i % kk, kpad)] = w_buf[i];
  }
  if (conv_int8(&p, in_buf, variant == CONV_VARIANT_GENERAL ? w_buf : pk_buf, bias, mult, shft, scratch,
                sizeof(scratch), out_k) != NNACL_OK) return 1;
  naive_conv(&p, out_n);
  return memcmp(out_k, out_n, (size_t)n) != 0;
}

static int check_fc(int32_t depth, int32_t units, int32_t in_zp, int32_t w_zp) {
  fullconnection_param_t p;
  int32_t i, u, d;
  memset(&p, 0, sizeof(p));
  p.rows = 2; p.depth = depth; p.units = units; p.input_zp = in_zp; p.weight_zp = w_zp; p.output_zp = -5;
  p.per_channel = 1; p.rounding = NNACL_ROUND_SINGLE; p.act_min = -128; p.act_max = 127;
  for (i = 0; i < 2 * depth; ++i) in_buf[i] = rnd8();
  for (i = 0; i < units * depth; ++i) w_buf[i] = rnd8();
  for (i = 0; i < units; ++i) { bias[i] = rnd8() * 41; mult[i] = 1100000000 + rnd8() * 1000000; shft[i] = -10; }
  fullconnection_int8(&p, in_buf, w_buf, bias, mult, shft, out_k);
  for (i = 0; i < 2; ++i) for (u = 0; u < units; ++u) {
    int32_t acc = bias[u];
    for (d = 0; d < depth; ++d) acc += (in_buf[i * depth + d] - in_zp) * (w_buf[u * depth + d] - w_zp);
    out_n[i * units + u] = nnacl_requant_i8(acc, mult[u], shft[u], p.rounding, p.output_zp, -128, 127);
  }
  return memcmp(out_k, out_n, (size_t)(2 * units)) != 0;
}

int main(void) {
  int fails = 0;
  int32_t c;
  for (c = 1; c <= 9; ++c) {
    fails += check_conv(CONV_VARIANT_IM2COL, 6, 5, c, 7, 3, 1, 1, -7);
    fails += check_conv(CONV_VARIANT_1X1, 4, 5, c, 5, 1, 1, 0, 11);
    fails += check_fc(c, 5, 9, 0);
  }
  fails += check_conv(CONV_VARIANT_IM2COL, 9, 7, 16, 6, 3, 2, 1, 128 - 1);
  fails += check_conv(CONV_VARIANT_1X1, 6, 6, 33, 9, 1, 2, 0, -128);
  fails += check_conv(CONV_VARIANT_GENERAL, 5, 6, 13, 4, 3, 1, 1, 5);
  fails += check_fc(64, 10, -128, 0);
  fails += check_fc(37, 7, 20, -3);
  sh_print(fails ? "SIMD32 self-test FAILED\n" : "SIMD32 self-test ok\n");
  return fails;
}
"""


def build_arm_selftest(workdir: Path, cc: str = "arm-none-eabi-gcc") -> Path:
    """Compile the self-test firmware (int8 kernels + ARM_SELFTEST_C) -> ELF path."""
    workdir = Path(workdir)
    (workdir / "selftest.ld").write_text(ARM_SELFTEST_LD)
    (workdir / "selftest.c").write_text(ARM_SELFTEST_C)
    sources = [NNACL / "int8" / f for f in ("conv_int8.c", "conv_general_int8.c", "conv_im2col_int8.c",
                                             "conv_1x1_int8.c", "conv_gemm_int8.c", "conv_depthwise_int8.c",
                                             "conv_depthwise_3x3_int8.c", "fullconnection_int8.c")]
    elf = workdir / "selftest.elf"
    r = subprocess.run([cc, *ARM_FLAGS, "-I", str(NNACL), *map(str, sources), str(workdir / "selftest.c"),
                        "-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs",
                        "-T", str(workdir / "selftest.ld"), "-o", str(elf)], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"self-test build failed:\n{r.stderr}")
    return elf


# ---------------------------------------------------------------- in place on the Arm paths (QEMU)
#
# One firmware runs many one-node plans that have an ``overlap_shift`` twice each on the Arm core
# (so the SIMD32 / MVE / VFP paths): on separate buffers, and with input 0 placed
# align_up(overlap_shift, 16) bytes after output 0 in one buffer; the two outputs must be equal
# byte for byte (int8 outputs also equal the reference). Semihosting exit code 0 = all equal.

#: (cflags, qemu machine, FLASH origin / length, RAM origin / length) per QEMU board
ARM_OVERLAP_TARGETS = {
    "qemu-mps2-an386": (ARM_FLAGS, "mps2-an386", (0x0, "4M"), (0x20000000, "4M")),
    "qemu-mps3-an547": (WARN_FLAGS + ["-O2", "-ffp-contract=off", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=hard"],
                        "mps3-an547", (0x0, "512K"), (0x21000000, "4M")),
}


def _c_list(values) -> str:
    return ", ".join(c_value(v.item() if hasattr(v, "item") else v) for v in values) or "0"


def overlap_firmware_source(cases) -> str:
    """The firmware's C: ``cases`` are (label, one-node graph, plan, input 0 array, expected
    output or None); every plan's inputs past 0 are constants of the plan."""
    from micro_codegen.ir import DType
    body, calls = [], []
    headers = sorted({plan.header for _, _, plan, _, _ in cases})
    max_in = max(x.nbytes for *_, x, _ in cases)
    max_out = max(g.tensors[g.nodes[0].outputs[0]].size * g.tensors[g.nodes[0].outputs[0]].dtype.itemsize
                  for _, g, *_ in cases)
    max_at = max(-(-plan.overlap_shift // 16) * 16 + x.nbytes for _, _, plan, x, _ in cases)
    max_scratch = max(plan.scratch_bytes for _, _, plan, _, _ in cases)
    max_aux = 0
    for j, (label, g, plan, x, expected) in enumerate(cases):
        node = g.nodes[0]
        y = g.tensors[node.outputs[0]]
        if len(node.outputs) > 1:
            aux = g.tensors[node.outputs[1]]
            max_aux = max(max_aux, aux.size * aux.dtype.itemsize)
        const_index = {c.name: k for k, c in enumerate(plan.consts)}
        for k, c in enumerate(plan.consts):
            body.append(f"static const {ctype(c.dtype)} c{j}_{k}[] __attribute__((aligned(16))) = "
                        f"{{{_c_list(np.asarray(c.values).reshape(-1).astype(c.dtype.np))}}};")

        def arg(a, j=j, const_index=const_index, node=node, y=y):
            if a.kind == "param":
                return f"&p{j}"
            if a.kind == "in":
                assert a.ref == 0, "only input 0 may be an activation"
                return f"(const {ctype(g.tensors[node.inputs[0]].dtype)} *)x"
            if a.kind == "out":
                return f"({ctype(y.dtype)} *)y" if a.ref == 0 else "(void *)aux"
            if a.kind == "const":
                return f"c{j}_{const_index[a.ref]}"
            return {"scratch": "(void *)scratch", "scratch_size": "sizeof(scratch)", "null": "NULL"}[a.kind]

        fields = "\n".join(f"  .{key} = {c_value(value)}," for key, value in plan.params.items())
        call = f"{plan.kernel}({', '.join(arg(a) for a in plan.args)})"
        body += [f"static const {plan.param_type} p{j} = {{\n{fields}\n}};",
                 f"static const uint8_t in{j}[] = {{{_c_list(np.ascontiguousarray(x).reshape(-1).view(np.uint8))}}};"]
        if expected is not None and y.dtype == DType.INT8:
            body.append(f"static const uint8_t want{j}[] = "
                        f"{{{_c_list(np.ascontiguousarray(expected).reshape(-1).view(np.uint8))}}};")
        ret = f"return {call};" if plan.returns_status else f"{call};\n  return 0;"
        body += [f"static int call{j}(const void *x, void *y) {{", f"  {ret}", "}"]
        at = -(-plan.overlap_shift // 16) * 16
        check_exp = f" || memcmp(sep_out, want{j}, {y.size})" if expected is not None and y.dtype == DType.INT8 \
            else ""
        calls.append(f"  if (run({j}, call{j}, in{j}, sizeof(in{j}), {at}u, {y.size * y.dtype.itemsize}u)"
                     f"{check_exp}) {{ sh_print(\"FAIL {label}\\n\"); ++fails; }}")
    return "\n".join([
        "#include <stddef.h>", "#include <stdint.h>", "#include <string.h>",
        *[f'#include "{h}"' for h in headers], ARM_STARTUP_C,
        f"static uint8_t buf[{max(max_at, max_out)}] __attribute__((aligned(16)));",
        f"static uint8_t sep_in[{max_in}] __attribute__((aligned(16)));",
        f"static uint8_t sep_out[{max_out}] __attribute__((aligned(16)));",
        f"static uint8_t scratch[{max(max_scratch, 1)}] __attribute__((aligned(16)));",
        *([f"static uint8_t aux[{max_aux}] __attribute__((aligned(16)));"] if max_aux else []),
        *body,
        "typedef int (*call_fn)(const void *x, void *y);",
        "/* the call on separate buffers, then with the input `at` bytes after the output in buf: equal? */",
        "static int run(int j, call_fn f, const uint8_t *in, size_t n_in, size_t at, size_t n_out) {",
        "  (void)j;",
        "  memcpy(sep_in, in, n_in);",
        "  memset(sep_out, 0x5A, n_out);",
        "  if (f(sep_in, sep_out) != 0) return 1;",
        "  memset(buf, 0x5A, sizeof(buf));",
        "  memcpy(buf + at, in, n_in);",
        "  if (f(buf + at, buf) != 0) return 1;",
        "  return memcmp(buf, sep_out, n_out) != 0;",
        "}",
        "int main(void) {",
        "  int fails = 0;",
        *calls,
        '  sh_print(fails ? "in-place check FAILED\\n" : "in-place check ok\\n");',
        "  return fails;",
        "}", ""])


def run_overlap_firmware(workdir: Path, board: str, cases, qemu: str, cc: str = "arm-none-eabi-gcc") -> str:
    """Build the firmware of :func:`overlap_firmware_source` for a QEMU ``board`` (with the plans'
    kernel sources), run it; returns its output, raises AssertionError when a case differs."""
    flags, machine, (fo, fl), (ro, rl) = ARM_OVERLAP_TARGETS[board]
    workdir = Path(workdir)
    ld = ARM_SELFTEST_LD.replace("ORIGIN = 0x00000000, LENGTH = 4M", f"ORIGIN = {fo:#010x}, LENGTH = {fl}")
    ld = ld.replace("ORIGIN = 0x20000000, LENGTH = 4M", f"ORIGIN = {ro:#010x}, LENGTH = {rl}")
    (workdir / "overlap.ld").write_text(ld)
    (workdir / "overlap.c").write_text(overlap_firmware_source(cases))
    sources = sorted({NNACL / src for _, _, plan, _, _ in cases for src in plan.kernel_sources})
    bits: dict[str, int] = {}
    for _, _, plan, _, _ in cases:
        for name, b in plan.define_bits:
            bits[name] = bits.get(name, 0) | b
    defines = [f"-D{name}={b:#x}" for name, b in sorted(bits.items())]
    elf = workdir / "overlap.elf"
    r = subprocess.run([cc, *flags, *defines, "-I", str(NNACL), *map(str, sources), str(workdir / "overlap.c"),
                        "-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs", "-T", str(workdir / "overlap.ld"),
                        "-o", str(elf), "-lm"], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"in-place firmware build failed:\n{r.stderr[:4000]}")
    r = subprocess.run([qemu, "-M", machine, "-nographic", "-semihosting-config", "enable=on,target=native",
                        "-kernel", str(elf)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"in-place check on {board} failed (exit {r.returncode}):\n{r.stdout}{r.stderr}"
    return r.stdout


# ---------------------------------------------------------------- kernel vs reference, one node

@pytest.fixture(scope="module")
def klib(tmp_path_factory):
    """The host-compiled kernel library, once per test module (``from c_harness import klib``)."""
    from conftest import require_tool
    require_tool("gcc")
    return KernelLib(tmp_path_factory.mktemp("kernels"))


def rng(case_id: str) -> np.random.Generator:
    """A generator seeded from the case id (stable across runs and processes)."""
    return np.random.default_rng(zlib.crc32(case_id.encode()))


def rand_i8(gen, shape):
    return gen.integers(-128, 128, size=shape).astype(np.int8)


def conv_out_hw(in_hw, k, stride, dil, pad_mode, pads):
    """Output (h, w) of a conv window: SAME, VALID or explicit PAD (top, bottom, left, right)."""
    eff = [(k[d] - 1) * dil[d] + 1 for d in range(2)]
    if pad_mode == "SAME":
        return [-(-in_hw[d] // stride[d]) for d in range(2)]
    if pad_mode == "VALID":
        return [(in_hw[d] - eff[d]) // stride[d] + 1 for d in range(2)]
    return [(in_hw[d] + pads[2 * d] + pads[2 * d + 1] - eff[d]) // stride[d] + 1 for d in range(2)]


def rand_f32(gen, shape, scale=1.0):
    return (gen.standard_normal(shape) * scale).astype(np.float32)


def rand_dtype(gen, dtype, shape):
    """Random data of any dtype: bools, N(0, 1) floats (float16 / float32), integers in
    [-1000, 1000] clipped to the type's range."""
    from micro_codegen.ir import DType
    if dtype == DType.BOOL:
        return gen.integers(0, 2, size=shape).astype(np.bool_)
    if dtype in (DType.FLOAT16, DType.FLOAT32):
        return rand_f32(gen, shape).astype(dtype.np)
    info = np.iinfo(dtype.np)
    return gen.integers(max(info.min, -1000), min(info.max, 1000), size=shape, endpoint=True).astype(dtype.np)


def one_node_graph(g, i: int):
    """Node ``i`` of ``g`` as a one-op model (its non-constant inputs become graph inputs)."""
    from micro_codegen.ir import Graph
    node = g.nodes[i]
    return Graph(name=f"{g.name}_{i}", tensors=g.tensors, nodes=(node,),
                 inputs=tuple(t for t in node.inputs if not g.tensors[t].is_const), outputs=node.outputs,
                 version=g.version)


def check_family_models_node_by_node(klib: KernelLib, models):
    """The ``family_models()`` of a kernel test, (name, graph, inputs) each: every graph passes
    check, and each node's C call matches the reference (:func:`check_node`) on the activations
    the reference computes for it."""
    from micro_codegen import reference
    from micro_codegen.check import check_graph
    for name, g, inputs in models:
        assert not check_graph(g), name
        acts = {g.inputs[k]: a for k, a in enumerate(inputs)}
        for i, node in enumerate(g.nodes):
            node_in = [acts[t] for t in node.inputs if not g.tensors[t].is_const]
            sub = one_node_graph(g, i)
            check_node(klib, sub, node_in)
            acts.update(dict(zip(node.outputs, reference.run(sub, node_in))))


def check_node(klib: KernelLib, g, inputs, variant=None, index: int = 0):
    """Reference vs C for node ``index`` of the one-op model ``g`` (round-tripped through
    .ms bytes first): the plan ``ops.prepare`` makes, its C scratch size, every output
    (int exact, float within 1e-5 + 1e-5 |ref|) and, for an ``inplace`` plan, the aliased
    run too, for a plan with an ``overlap_shift`` the run with input 0 that far after output 0
    in one buffer. ``variant``: the CONV_VARIANT_* the plan must pick. Returns the plan."""
    from micro_codegen import ops, reference
    from micro_codegen.builder import roundtrip
    g = roundtrip(g)
    expected = reference.run(g, inputs)
    plan = ops.prepare(g, index)
    if variant is not None:
        assert plan.params["variant"].name == f"CONV_VARIANT_{variant}"
    c_scratch = klib.c_scratch_size(g, index, plan)
    if c_scratch is not None:
        assert c_scratch == plan.scratch_bytes, f"C scratch {c_scratch} != Python {plan.scratch_bytes}"
    got = klib.run_node(g, index, plan, inputs)
    assert len(got) == len(expected)
    for e, o in zip(expected, got):
        assert_close(e, o)
    if plan.inplace is not None:
        got = klib.run_node(g, index, plan, inputs, alias_output_to=plan.inplace)
        assert_close(expected[0], got[0])
    if plan.overlap_shift is not None:      # output 0 overwriting input 0 in place
        got = klib.run_node(g, index, plan, inputs, overlap=plan.overlap_shift)
        assert_close(expected[0], got[0])
    return plan


GUARD_BYTE, INPUT_BYTE = 0x5A, 0xC3


def run_guarded(klib: KernelLib, g, plan, in_bytes: list[int], out_bytes: list[int], index: int = 0,
                guard: int = 256) -> list[np.ndarray]:
    """Run ``plan`` (node ``index`` of ``g``) with every node input a buffer of ``in_bytes[k]``
    bytes and every output one of ``out_bytes[k]`` bytes, each followed by ``guard`` more bytes
    (inputs all INPUT_BYTE, outputs all GUARD_BYTE), constants from the plan. Asserts that
    nothing was written past an output's bytes and that no input changed; returns the whole
    output buffers (bytes read from past an empty input show up as INPUT_BYTE). For kernels
    on empty tensors (zero-size dims), whose buffers the numpy harness cannot bound."""
    lib = klib.build(g, index, plan)
    ins = [np.full(n + guard, INPUT_BYTE, np.uint8) for n in in_bytes]
    outs = [np.full(n + guard, GUARD_BYTE, np.uint8) for n in out_bytes]
    consts = [np.ascontiguousarray(c.values).reshape(-1).astype(c.dtype.np) for c in plan.consts]
    scratch = np.full(max(int(plan.scratch_bytes), 1), 0xA5, dtype=np.uint8)

    def ptrs(arrs):
        a = (ctypes.c_void_p * max(len(arrs), 1))()
        for k, x in enumerate(arrs):
            a[k] = x.ctypes.data
        return a

    rc = lib.run_node(ptrs(ins), ptrs(outs), ptrs(consts), scratch.ctypes.data if plan.scratch_bytes else None,
                      int(plan.scratch_bytes))
    assert rc == 0, f"kernel returned {rc}"
    for k, (o, n) in enumerate(zip(outs, out_bytes)):
        assert np.all(o[n:] == GUARD_BYTE), f"output {k}: written past its {n} bytes"
    for k, x in enumerate(ins):
        assert np.all(x == INPUT_BYTE), f"input {k} was modified"
    return outs
