"""C-literal filters for the Jinja2 templates (pure functions, unit-tested).

``c_ident``  any string -> a valid C identifier (``"CONV_2D-0"`` -> ``"CONV_2D_0"``).
``c_float``  one float32 -> the shortest decimal literal that reads back to the same bits,
             with an ``f`` suffix (``0.1f``, ``-0.0f``, ``1e-45f``, ``INFINITY``, ``NAN``).
``c_int``    an integer -> a literal valid for its C type (``INT32_MIN`` has no plain literal).
``c_array``  a numpy array -> the body of a brace initialiser, ``per_line`` values per line,
             right-aligned columns.
``c_string`` text -> a C string literal (escaped, printable ASCII only).
"""
from __future__ import annotations

import re
import textwrap

import numpy as np

from ..errors import CodegenError
from ..ir import DType

#: generated C lines are at most this long
LINE_MAX = 100

C_KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern float for goto
if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void
volatile while _Bool _Complex _Imaginary""".split())


def c_ident(name: str, lower: bool = False) -> str:
    """``name`` as a C identifier: non-alphanumerics become ``_`` (runs collapsed, ends trimmed),
    a leading digit gets an ``n`` prefix, keywords get a ``_`` suffix, empty -> ``"x"``."""
    s = re.sub(r"[^0-9A-Za-z_]+", "_", str(name)).strip("_")
    s = re.sub(r"__+", "_", s)
    if lower:
        s = s.lower()
    if not s:
        s = "x"
    if s[0].isdigit():
        s = "n" + s
    if s in C_KEYWORDS:
        s += "_"
    return s


def c_float(value) -> str:
    """The float32 ``value`` as a C ``float`` literal that round-trips exactly.

    Finite values use numpy's shortest round-trip digits (Dragon4, as ``str(np.float32)``:
    positional or scientific as numpy chooses) plus an ``f`` suffix; ``-0.0f``
    keeps its sign; infinities and NaN use C99 ``<math.h>`` ``INFINITY`` / ``NAN`` (NaN
    payloads are not preserved).
    """
    x = np.float32(value)
    if np.isnan(x):
        return "NAN"
    if np.isinf(x):
        return "INFINITY" if x > 0 else "-INFINITY"
    return _tidy(str(x)) + "f"


_EXP = re.compile(r"e([+-])0*(\d)")


def _tidy(s: str) -> str:
    """``%g`` text -> C float literal body: ``1e+07`` -> ``1e7``, ``3`` -> ``3.0``."""
    if "e" in s:
        s = _EXP.sub(lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), s)
    elif "." not in s:
        s += ".0"
    return s


def float_literals(values) -> list[str]:
    """``c_float`` of every element (fast path for big weight arrays)."""
    a = np.asarray(values, dtype=np.float32).reshape(-1)
    if np.isfinite(a).all():
        return [_tidy(str(x)) + "f" for x in a]
    return [c_float(x) for x in a]


_INT_LIMITS = {
    "int32_t": (-(2 ** 31), "INT32_MIN"),
    "int64_t": (-(2 ** 63), "INT64_MIN"),
}


def c_int(value, ctype: str = "int32_t") -> str:
    """An integer literal; the minimum of a signed type is spelled with its ``<stdint.h>`` macro,
    64-bit values use ``INT64_C``/``UINT64_C``, unsigned values get a ``u`` suffix."""
    v = int(value)
    lim = _INT_LIMITS.get(ctype)
    if lim and v == lim[0]:
        return lim[1]
    if ctype == "int64_t" and not -(2 ** 31) <= v < 2 ** 31:
        return f"INT64_C({v})"
    if ctype == "uint64_t":
        return f"UINT64_C({v})"
    if ctype in ("uint32_t", "unsigned", "size_t"):
        return f"{v}u"
    return str(v)


#: the one DType -> C element type mapping (bool is stored as uint8_t)
C_TYPES = {
    DType.BOOL: "uint8_t", DType.INT8: "int8_t", DType.INT16: "int16_t", DType.INT32: "int32_t",
    DType.INT64: "int64_t", DType.UINT8: "uint8_t", DType.UINT16: "uint16_t", DType.UINT32: "uint32_t",
    DType.UINT64: "uint64_t", DType.FLOAT16: "uint16_t", DType.FLOAT32: "float",
}  # float16 travels as its IEEE binary16 bits (nnacl_common.h converts)
_NP_DTYPES = {d.np: d for d in C_TYPES}


def ctype(dtype: DType) -> str:
    """C element type of a tensor / constant dtype."""
    try:
        return C_TYPES[dtype]
    except KeyError:
        raise CodegenError(f"tensors of type {dtype.short} cannot be emitted") from None


def ctype_of(dtype) -> str:
    """C element type of a numpy dtype (``bool`` is stored as ``uint8_t``)."""
    try:
        return C_TYPES[_NP_DTYPES[np.dtype(dtype).newbyteorder("=")]]
    except KeyError:
        raise TypeError(f"no C element type for numpy dtype {np.dtype(dtype)}") from None


def literals(values, ctype: str | None = None) -> list[str]:
    """Each element of ``values`` (flattened in C order) as a C literal."""
    arr = np.asarray(values)
    if ctype is None:
        ctype = ctype_of(arr.dtype)
    flat = arr.reshape(-1)
    if ctype == "float":
        return float_literals(flat)
    if ctype == "double":
        raise TypeError("double arrays are not emitted (float32 only)")
    if arr.dtype == np.bool_:
        flat = flat.astype(np.uint8)
    elif arr.dtype == np.float16:
        flat = flat.astype("<f2").view(np.uint16)      # float16 travels as its binary16 bits
    ints = flat.astype(np.int64).tolist() if ctype != "uint64_t" else [int(v) for v in flat]
    if ctype in _INT_LIMITS or ctype in ("int64_t", "uint64_t", "uint32_t"):
        return [c_int(v, ctype) for v in ints]
    return [str(v) for v in ints]


def c_array(values, per_line: int = 12, ctype: str | None = None, indent: str = "    ",
            max_columns: int = LINE_MAX) -> str:
    """Body of a brace initialiser: at most ``per_line`` values per line (fewer when the line
    would pass ``max_columns``), columns right-aligned, every line indented and ending with a
    comma except the last."""
    items = literals(values, ctype)
    if not items:
        return ""
    width = max(len(s) for s in items)
    per_line = max(1, min(per_line, (max_columns - len(indent) - 1) // (width + 2)))
    lines = []
    for start in range(0, len(items), per_line):
        chunk = items[start:start + per_line]
        lines.append(indent + ", ".join(s.rjust(width) for s in chunk))
    return ",\n".join(lines)


def c_string(text: str) -> str:
    """A C string literal: printable ASCII kept, ``"`` and ``\\`` escaped, the rest as octal escapes."""
    out = []
    for ch in str(text):
        o = ord(ch)
        if ch in "\"\\":
            out.append("\\" + ch)
        elif 32 <= o < 127 and ch != "?":
            out.append(ch)
        else:
            for b in ch.encode("utf-8"):
                out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def c_comment(text: str) -> str:
    """Text safe inside a ``/* */`` comment (no ``*/``, printable ASCII)."""
    s = str(text).replace("*/", "* /").replace("/*", "/ *")
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in s)


def c_call(kernel: str, args, lead: str = "    ", tail: str = ";", open_: str = "(", close: str = ")",
           max_columns: int = LINE_MAX) -> str:
    """``kernel(arg, ...)`` + ``tail`` after ``lead``, on one line when it fits ``max_columns``,
    else with the arguments packed on continuation lines aligned after the open paren (one per
    line, indented 8 more than ``lead``, when even that does not fit). ``open_``/``close``
    ``{``/``}`` give an initialiser list instead of a call."""
    args = list(args)
    one = f"{lead}{kernel}{open_}{', '.join(args)}{close}{tail}"
    if len(one) <= max_columns:
        return one
    col = len(lead) + len(kernel) + len(open_)
    if col + max(len(a) for a in args) + 2 > max_columns:
        pad = " " * (len(lead) - len(lead.lstrip()) + 8)
        return f"{lead}{kernel}{open_}\n" + ",\n".join(pad + a for a in args) + f"{close}{tail}"
    lines, cur = [], f"{lead}{kernel}{open_}"
    for k, a in enumerate(args):
        piece = a + (", " if k < len(args) - 1 else f"{close}{tail}")
        if len(cur) + len(piece.rstrip()) > max_columns and len(cur) > col:
            lines.append(cur.rstrip())
            cur = " " * col
        cur += piece
    lines.append(cur)
    return "\n".join(lines)


def c_trailing_comment(code: str, comment: str, max_columns: int = LINE_MAX) -> str:
    """``code  /* comment */`` when it fits ``max_columns``, else the comment on the line(s) before."""
    one = f"{code}  /* {c_comment(comment)} */"
    if len(one) <= max_columns:
        return one
    code = code.rstrip()
    indent = code[:len(code) - len(code.lstrip())]
    return c_block_comment(comment, indent, max_columns) + "\n" + code


def c_wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` (comment-safe) as lines of at most ``width`` columns: ``first`` starts the first
    line, ``rest`` the others; breaks at spaces, and inside words longer than a line."""
    body = width - max(len(first), len(rest))
    return [(first if k == 0 else rest) + line
            for k, line in enumerate(textwrap.wrap(c_comment(text), body, break_on_hyphens=False) or [""])]


def c_block_comment(text: str, indent: str = "", max_columns: int = LINE_MAX) -> str:
    """``/* text */`` wrapped to ``max_columns`` (continuation lines start with `` * ``)."""
    lines = c_wrap(text, max_columns - 3, indent + "/* ", indent + " * ")
    if len(lines) == 1:
        return lines[0] + " */"
    return "\n".join(lines) + "\n" + indent + " */"
