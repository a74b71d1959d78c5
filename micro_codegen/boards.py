"""Boards as data: ``boards/<name>/board.toml``, schema-checked.

A board file says which core and toolchain to build for, the compiler/linker flags,
the board glue to copy from ``templates/c/`` (UART, clock, startup), its memories
and how to run it (runner + QEMU machine). Adding a board means adding a file; the
code only knows the schema below. Every error names the file and the key.

Keys (``*`` = required)::

    name*         str         must equal the folder name
    description   str
    core*         str         "host", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55", ...
    toolchain*    str         "gcc" (host) or "arm-none-eabi"
    cflags*       [str]       architecture flags (-mcpu=..., -mthumb, -mfloat-abi=..., -mfpu=...)
    ldflags       [str]
    fpu           str         e.g. "fpv4-sp-d16" (informative)
    runner*       str         default runner: "host", "qemu", "openocd", "pyocd"
    runners       [str]       other runners that work for this board
    sources       [str]       board glue under templates/c/ copied into the project (plain files,
                              written under their base name: board/host/board.h -> board.h)
    templates     [str]       board templates under templates/c/ rendered into the project with
                              ``board`` = this file's table (cortex_m/board.ld.j2 -> board.ld)
    cpu_hz        int         core clock
    semihosting   bool        QEMU/debugger semihosting available (exit codes, file reads)
    dwt_cyccnt    bool        DWT cycle counter usable (not in QEMU)
    caches        any         cache set-up (board templates interpret it)
    heap_size, stack_size, irq_count   int
    [[memory]]    name* str, origin* int, length* int, kind str ("ram" | "flash"), sections [str]
    [uart]        kind* str, base* int, clock int, clock_hz int, baud int, irq int,
                  tx_pin / rx_pin int|str (pin number or name), af int (pin alternate function)
    [qemu]        machine* str, cpu str, args [str]
    [runner_args] <runner> = [str]
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BoardConfigError
from .resources import data_dir

DEFAULT_BOARD = "qemu-mps2-an386"
TOOLCHAINS = ("gcc", "arm-none-eabi")


def _str(v):
    return isinstance(v, str)


def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _str_list(v):
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _bool(v):
    return isinstance(v, bool)


def _any(v):
    return True


def _int_or_str(v):
    return _int(v) or _str(v)


_TYPE_NAMES = {_str: "a string", _int: "an integer", _str_list: "a list of strings", _bool: "true or false",
               _any: "a value", _int_or_str: "an integer or a string"}

# key -> (check, required)
_TOP = {
    "name": (_str, True), "description": (_str, False), "core": (_str, True), "toolchain": (_str, True),
    "cflags": (_str_list, True), "ldflags": (_str_list, False), "fpu": (_str, False), "runner": (_str, True),
    "runners": (_str_list, False), "sources": (_str_list, False), "templates": (_str_list, False),
    "cpu_hz": (_int, False), "semihosting": (_bool, False), "dwt_cyccnt": (_bool, False), "caches": (_any, False),
    "heap_size": (_int, False), "stack_size": (_int, False), "irq_count": (_int, False),
}
_MEMORY = {"name": (_str, True), "origin": (_int, True), "length": (_int, True), "kind": (_str, False),
           "sections": (_str_list, False)}
_UART = {"kind": (_str, True), "base": (_int, True), "clock": (_int, False), "clock_hz": (_int, False),
         "baud": (_int, False), "irq": (_int, False), "tx_pin": (_int_or_str, False),
         "rx_pin": (_int_or_str, False), "af": (_int, False)}
_QEMU = {"machine": (_str, True), "cpu": (_str, False), "args": (_str_list, False)}
_TABLES = ("memory", "uart", "qemu", "runner_args")


@dataclass(frozen=True)
class Memory:
    name: str
    origin: int
    length: int
    kind: str = ""


@dataclass(frozen=True)
class Board:
    name: str
    core: str
    toolchain: str
    cflags: tuple[str, ...]
    runner: str
    path: Path
    description: str = ""
    ldflags: tuple[str, ...] = ()
    fpu: str = ""
    runners: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    memory: tuple[Memory, ...] = ()
    uart: dict = field(default_factory=dict)
    qemu: dict = field(default_factory=dict)
    runner_args: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, compare=False, repr=False)   # the whole table (template context)

    @property
    def is_host(self) -> bool:
        return self.core == "host"

    def region(self, kind: str) -> Memory | None:
        """The first memory of ``kind`` ("ram" / "flash"), also matched by name."""
        for m in self.memory:
            if m.kind == kind or (not m.kind and kind in m.name.lower()):
                return m
        return None


def _check_table(path: Path, where: str, doc: dict, schema: dict) -> None:
    for key in doc:
        if key not in schema:
            raise BoardConfigError(f"{path}: unknown key '{where}{key}' (known: {', '.join(sorted(schema))})")
    for key, (check, required) in schema.items():
        if key not in doc:
            if required:
                raise BoardConfigError(f"{path}: missing required key '{where}{key}'")
            continue
        if not check(doc[key]):
            raise BoardConfigError(f"{path}: key '{where}{key}' must be {_TYPE_NAMES[check]}; "
                                   f"got {doc[key]!r}")


def parse_board(path: str | Path, doc: dict[str, Any]) -> Board:
    """Check ``doc`` (a parsed board.toml) against the schema and build a :class:`Board`."""
    path = Path(path)
    top = {k: v for k, v in doc.items() if k not in _TABLES}
    _check_table(path, "", top, _TOP)
    if doc["toolchain"] not in TOOLCHAINS:
        raise BoardConfigError(f"{path}: key 'toolchain' must be one of {', '.join(TOOLCHAINS)}; "
                               f"got {doc['toolchain']!r}")
    if path.name == "board.toml" and doc["name"] != path.parent.name:
        raise BoardConfigError(f"{path}: key 'name' is {doc['name']!r} but the folder is {path.parent.name!r}")
    memory = doc.get("memory", [])
    if not isinstance(memory, list) or not all(isinstance(m, dict) for m in memory):
        raise BoardConfigError(f"{path}: key 'memory' must be an array of tables ([[memory]])")
    mems = []
    for i, m in enumerate(memory):
        _check_table(path, f"memory[{i}].", m, _MEMORY)
        if m["origin"] < 0 or m["length"] <= 0:
            raise BoardConfigError(f"{path}: key 'memory[{i}]' needs origin >= 0 and length > 0")
        mems.append(Memory(m["name"], m["origin"], m["length"], m.get("kind", "")))
    for key, schema in (("uart", _UART), ("qemu", _QEMU)):
        if key in doc:
            if not isinstance(doc[key], dict):
                raise BoardConfigError(f"{path}: key '{key}' must be a table ([{key}])")
            _check_table(path, f"{key}.", doc[key], schema)
    runner_args = doc.get("runner_args", {})
    if not isinstance(runner_args, dict) or not all(_str_list(v) for v in runner_args.values()):
        raise BoardConfigError(f"{path}: key 'runner_args' must be a table of string lists")
    for src in doc.get("sources", []) + doc.get("templates", []):
        if src.startswith("/") or ".." in Path(src).parts:
            raise BoardConfigError(f"{path}: key 'sources'/'templates' entry {src!r} must be a relative path "
                                   f"under templates/c")
    return Board(
        name=doc["name"], core=doc["core"], toolchain=doc["toolchain"], cflags=tuple(doc["cflags"]),
        runner=doc["runner"], path=path, description=doc.get("description", ""),
        ldflags=tuple(doc.get("ldflags", ())), fpu=doc.get("fpu", ""), runners=tuple(doc.get("runners", ())),
        sources=tuple(doc.get("sources", ())), templates=tuple(doc.get("templates", ())), memory=tuple(mems),
        uart=dict(doc.get("uart", {})), qemu=dict(doc.get("qemu", {})), runner_args=dict(runner_args),
        raw=doc)


def boards_dir() -> Path:
    return data_dir("boards")


def board_names() -> list[str]:
    d = boards_dir()
    return sorted(p.parent.name for p in d.glob("*/board.toml"))


def board_file(name: str) -> Path:
    """``name`` is a board name (``boards/<name>/board.toml``) or a path to a board.toml."""
    if name.endswith(".toml") or "/" in name or "\\" in name:
        return Path(name)
    return boards_dir() / name / "board.toml"


def load_board(name: str) -> Board:
    path = board_file(name)
    if not path.is_file():
        known = ", ".join(board_names()) or "none"
        later = " (that board is added by a later release)" if name == DEFAULT_BOARD else ""
        raise BoardConfigError(f"board '{name}' not found: no {path}{later}; available boards: {known}",
                               hint="pass --board host, or add boards/<name>/board.toml")
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise BoardConfigError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise BoardConfigError(f"{path}: cannot read: {e.strerror}") from None
    return parse_board(path, doc)


def list_boards() -> list[Board]:
    return [load_board(n) for n in board_names()]


def check_fit(board: Board, ram_bytes: int, flash_bytes: int) -> None:
    """Refuse a model whose RAM (arena + firmware data) or flash does not fit the board."""
    for kind, need in (("ram", ram_bytes), ("flash", flash_bytes)):
        region = board.region(kind)
        if region is not None and need > region.length:
            raise BoardConfigError(f"board '{board.name}': needs {need:,} B of {kind} but {region.name} has "
                                   f"{region.length:,} B ({need - region.length:,} B too many)")
