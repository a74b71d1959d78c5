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

import numpy as np

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


_CTYPES = {
    np.dtype(np.int8): "int8_t", np.dtype(np.uint8): "uint8_t", np.dtype(np.int16): "int16_t",
    np.dtype(np.uint16): "uint16_t", np.dtype(np.int32): "int32_t", np.dtype(np.uint32): "uint32_t",
    np.dtype(np.int64): "int64_t", np.dtype(np.uint64): "uint64_t", np.dtype(np.float32): "float",
    np.dtype(np.bool_): "uint8_t",
}


def ctype_of(dtype) -> str:
    """C element type of a numpy dtype (``bool`` is stored as ``uint8_t``)."""
    try:
        return _CTYPES[np.dtype(dtype).newbyteorder("=")]
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
    ints = flat.astype(np.int64).tolist() if ctype != "uint64_t" else [int(v) for v in flat]
    if ctype in _INT_LIMITS or ctype in ("int64_t", "uint64_t", "uint32_t"):
        return [c_int(v, ctype) for v in ints]
    return [str(v) for v in ints]


def c_array(values, per_line: int = 12, ctype: str | None = None, indent: str = "    ") -> str:
    """Body of a brace initialiser: ``per_line`` values per line, columns right-aligned,
    every line indented and ending with a comma except the last."""
    items = literals(values, ctype)
    if not items:
        return ""
    width = max(len(s) for s in items)
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
