"""The one table from MindSpore ``PrimitiveType`` to IR ops.

Every primitive of the schema is read generically: its attributes come from the
field table generated from the schema (``schema/fields.py``), enum values become
enum member names and vectors become tuples. A primitive type number not in the
schema becomes an opaque node (``known=False``) that ``check`` reports.
"""
from __future__ import annotations

import importlib
import keyword
from functools import lru_cache

from .schema import fields as _fields
from .schema.PrimitiveType import PrimitiveType as _PT

TABLES = _fields.TABLES
ENUM_NAMES = frozenset(_fields.ENUMS)

#: primitive name -> PrimitiveType number, and back
PRIMITIVE_IDS: dict[str, int] = {
    k: v for k, v in vars(_PT).items() if not k.startswith("_") and isinstance(v, int) and k != "NONE"
}
PRIMITIVE_NAMES: dict[int, str] = {v: k for k, v in PRIMITIVE_IDS.items()}


def op_name(type_id: int) -> str:
    return PRIMITIVE_NAMES.get(type_id, f"PrimitiveType#{type_id}")


def camel(field: str) -> str:
    """flatc's Python object-API attribute name for a schema field."""
    head, *rest = field.split("_")
    name = head + "".join(p[:1].upper() + p[1:] for p in rest)
    return name + "_" if keyword.iskeyword(name) else name


@lru_cache(maxsize=None)
def enum_maps(enum: str) -> tuple[dict[int, str], dict[str, int]]:
    cls = getattr(importlib.import_module(f"{__package__}.schema.{enum}"), enum)
    fwd = {v: k for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, int)}
    return fwd, {k: v for v, k in fwd.items()}


@lru_cache(maxsize=None)
def table_class(name: str):
    """The flatc object-API class ``<name>T``."""
    return getattr(importlib.import_module(f"{__package__}.schema.{name}"), name + "T")


def _scalar(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def attrs_from_table(op: str, obj) -> dict:
    """Convert a flatc ``<op>T`` object to a plain attribute dict (schema field names)."""
    out = {}
    for field, ftype in TABLES[op]:
        v = getattr(obj, camel(field))
        if ftype in ENUM_NAMES:
            v = enum_maps(ftype)[0].get(int(v), int(v))
        elif ftype.startswith("["):
            if ftype == "[Attribute]":
                v = tuple((_scalar(a.name) or "", bytes(bytearray(a.data if a.data is not None else b"")))
                          for a in (v or ()))
            else:
                v = None if v is None else tuple(_scalar(x) for x in v)
        elif ftype == "Vec2D":
            v = None if v is None else tuple(
                tuple(_scalar(x) for x in (vec.data if vec.data is not None else ())) for vec in (v.data or ()))
        else:
            v = _scalar(v)
        out[field] = v
    return out


def table_from_attrs(op: str, attrs: dict):
    """Inverse of :func:`attrs_from_table`: build the flatc ``<op>T`` object."""
    obj = table_class(op)()
    for field, ftype in TABLES[op]:
        if field not in attrs:
            continue
        v = attrs[field]
        if v is None:
            pass
        elif ftype in ENUM_NAMES:
            v = enum_maps(ftype)[1][v] if isinstance(v, str) else int(v)
        elif ftype == "[Attribute]":
            items = []
            for name, data in v:
                a = table_class("Attribute")()
                a.name, a.data = name, list(data)
                items.append(a)
            v = items
        elif ftype.startswith("["):
            v = list(v)
        elif ftype == "Vec2D":
            vec2d = table_class("Vec2D")()
            vec2d.data = []
            for row in v:
                vec = table_class("Vec")()
                vec.data = list(row)
                vec2d.data.append(vec)
            v = vec2d
        setattr(obj, camel(field), v)
    return obj
