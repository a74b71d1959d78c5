"""Boards as data: ``boards/<name>/board.toml``, schema-checked.

A board file says which core and toolchain to build for, the compiler/linker flags,
the board glue to copy from ``templates/c/`` (UART, clock, startup), its memories
and how to run it (runner + QEMU machine). Adding a board means adding a file; the
code only knows the schema below. Every error names the file and the key.

Keys (``*`` = required)::

    name*         str         must equal the folder name
    description   str
    core*         str         "host", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55", ... (CORES)
    toolchain*    str         "gcc" (host) or "arm-none-eabi"; arm-none-eabi boards also need a
                              "flash" and a "ram" [[memory]] region and stack_size
    cflags*       [str]       architecture flags (-mcpu=..., -mthumb, -mfloat-abi=..., -mfpu=...)
    ldflags       [str]
    fpu           str         e.g. "fpv4-sp-d16" (informative)
    runner*       str         default runner: "host", "qemu", "openocd", "pyocd" (RUNNER_NAMES);
                              "qemu" needs a [qemu] table
    runners       [str]       other runners that work for this board
    sources       [str]       board glue under templates/c/ copied into the project (plain files,
                              written under their base name: board/host/board.h -> board.h)
    templates     [str]       board templates under templates/c/ rendered into the project with
                              ``board`` = this file's table (cortex_m/board.ld.j2 -> board.ld)
    cpu_hz        int         core clock
    semihosting   bool        QEMU/debugger semihosting available (exit codes, file reads)
    dwt_cyccnt    bool        DWT cycle counter usable (not in QEMU)
    caches        any         cache set-up (board templates interpret it)
    systick_in_sleep  bool    SysTick keeps counting while the core sleeps in WFI (default true); false
                              (nRF52: the CPU clock stops) makes timed waits poll instead of sleeping
    stack_guard   str         "msplim" (v8-M cores, their default), "mpu" (Cortex-M3/M4/M7, their default:
                              a no-access MPU region over the lowest 256 B of the stack) or "none"
    heap_size, stack_size, irq_count   int
    [[memory]]    name* str, origin* int, length* int, kind str ("ram" | "flash" | "weights"),
                  sections [str]
    [uart]        kind* str (UART_KINDS), base* int, clock int, clock_hz int, baud int, irq int,
                  tx_pin / rx_pin int|str (pin number or name), af int (pin alternate function)
    [qemu]        machine* str, cpu str, args [str], settle_ms int (wait after connecting to the UART
                  before sending: for UART models that drop bytes until the firmware enables them)
    [runner_args] <runner> = [str]
    [[image_words]]    name* str, address* int, value* int: 32-bit words the image places at fixed
                  addresses outside the memory regions (nRF52 UICR); the flash tool writes them with it
    [[startup_writes]] name* str, address* int, value* int, if_address int, if_at_least int: register
                  writes Reset_Handler does first (only when the word at if_address >= if_at_least)

Addresses and sizes are TOML integers (``origin = 0x20000000``, not a string). A file that is not
valid TOML is reported with the line and the key on it.

Memory fit (:func:`check_fit`, before building; :func:`check_image_fit`, after): in the first
"ram" region go the stack, the heap, the arena and the firmware's .data/.bss; in the first
"flash" region the code, the weights (.rodata) and the .data initial values. A board may also
have a "weights" region (optional: external flash or PSRAM the loader fills, e.g. QEMU's
16 MiB PSRAM of the MPS2 boards): the model's constant arrays (``<name>_weights.c``) are then
linked there (output section ``.weights``) and counted against it instead of flash.

RAM limit (:func:`limit_ram`, ``--ram-limit SIZE``): the first "ram" region shrinks to SIZE,
in the fit checks and in the generated linker script, so that the firmware really runs in
that much RAM (e.g. an nrf52840's 256 KiB on an emulated MPS2 board with 4 MiB).
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BoardConfigError
from .resources import data_dir

DEFAULT_BOARD = "qemu-mps2-an386"
TOOLCHAINS = ("gcc", "arm-none-eabi")
CORES = ("host", "cortex-m0", "cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m23", "cortex-m33",
         "cortex-m35p", "cortex-m55", "cortex-m85")
RUNNER_NAMES = ("host", "qemu", "openocd", "pyocd")      # runners/ registers these
SIMULATED_RUNNERS = ("host", "qemu")
FARM_RUNNER = "labgrid"      # runners/farm.py: any QEMU or real board on a labgrid place; never a board's own runner
MEMORY_KINDS = ("ram", "flash", "weights")
UART_KINDS = ("cmsdk", "nrf_uarte", "stm32_usart", "stm32f4_usart")  # templates/c/cortex_m/board_uart_<kind>.c.j2
#: stack_guard -> the cores that have it (templates/c/cortex_m/board_startup.c.j2)
STACK_GUARDS = {"msplim": ("cortex-m23", "cortex-m33", "cortex-m35p", "cortex-m55", "cortex-m85"),
                "mpu": ("cortex-m3", "cortex-m4", "cortex-m7"), "none": CORES}


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
    "systick_in_sleep": (_bool, False), "stack_guard": (_str, False),
}
_MEMORY = {"name": (_str, True), "origin": (_int, True), "length": (_int, True), "kind": (_str, False),
           "sections": (_str_list, False)}
_UART = {"kind": (_str, True), "base": (_int, True), "clock": (_int, False), "clock_hz": (_int, False),
         "baud": (_int, False), "irq": (_int, False), "tx_pin": (_int_or_str, False),
         "rx_pin": (_int_or_str, False), "af": (_int, False)}
_QEMU = {"machine": (_str, True), "cpu": (_str, False), "args": (_str_list, False), "settle_ms": (_int, False)}
_WORD = {"name": (_str, True), "address": (_int, True), "value": (_int, True)}
_WRITE = dict(_WORD, if_address=(_int, False), if_at_least=(_int, False))
_WORD_LISTS = {"image_words": _WORD, "startup_writes": _WRITE}
_TABLES = ("memory", "uart", "qemu", "runner_args") + tuple(_WORD_LISTS)


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
    ram_limit: int | None = None     # set by limit_ram: the first "ram" region was shrunk to this

    @property
    def is_host(self) -> bool:
        return self.core == "host"

    @property
    def stack_size(self) -> int:
        return int(self.raw.get("stack_size", 0))

    @property
    def heap_size(self) -> int:
        return int(self.raw.get("heap_size", 0))

    @property
    def all_runners(self) -> tuple[str, ...]:
        """The default runner first, then the others the board lists."""
        return tuple(dict.fromkeys((self.runner,) + self.runners))

    @property
    def is_simulated(self) -> bool:
        """Runs on the host or in QEMU (nothing to flash)."""
        return self.runner in SIMULATED_RUNNERS

    @property
    def qemu_machine(self) -> str | None:
        return self.qemu.get("machine") or None

    def to_json(self) -> dict:
        """The ``boards --json`` entry."""
        ram, flash = self.region("ram"), self.region("flash")
        return {"name": self.name, "core": self.core, "description": self.description,
                "ram_bytes": ram.length if ram else None, "flash_bytes": flash.length if flash else None,
                "runners": list(self.all_runners), "qemu_machine": self.qemu_machine,
                "cpu_hz": self.raw.get("cpu_hz"), "fpu": self.fpu or None,
                "stack_bytes": self.stack_size, "heap_bytes": self.heap_size}

    def region(self, kind: str) -> Memory | None:
        """The first memory of ``kind`` ("ram" / "flash" / "weights"), also matched by name
        ("ram" / "flash" only)."""
        for m in self.memory:
            if m.kind == kind or (not m.kind and kind != "weights" and kind in m.name.lower()):
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
            hint = ""
            if check is _int and isinstance(doc[key], str) and doc[key].strip().lower().startswith("0x"):
                hint = f" (write a hex number without quotes: {key} = {doc[key].strip()})"
            raise BoardConfigError(f"{path}: key '{where}{key}' must be {_TYPE_NAMES[check]}; "
                                   f"got {doc[key]!r}{hint}")


def _one_of(path: Path, key: str, value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise BoardConfigError(f"{path}: key '{key}' has unknown {what} {value!r} (known: {', '.join(allowed)})")


def _check_words(path: Path, key: str, words, schema: dict) -> None:
    """``[[image_words]]`` / ``[[startup_writes]]``: tables of 32-bit words at word-aligned addresses."""
    if not isinstance(words, list) or not all(isinstance(w, dict) for w in words):
        raise BoardConfigError(f"{path}: key '{key}' must be an array of tables ([[{key}]])")
    for i, w in enumerate(words):
        _check_table(path, f"{key}[{i}].", w, schema)
        for field_ in ("address", "value", "if_address", "if_at_least"):
            if field_ in w and not 0 <= w[field_] <= 0xFFFFFFFF:
                raise BoardConfigError(f"{path}: key '{key}[{i}].{field_}' must be a 32-bit value; got {w[field_]:#x}")
        if w["address"] % 4:
            raise BoardConfigError(f"{path}: key '{key}[{i}].address' must be word-aligned; got {w['address']:#x}")
        if ("if_address" in w) != ("if_at_least" in w):
            raise BoardConfigError(f"{path}: key '{key}[{i}]' needs both if_address and if_at_least, or neither")


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
        if "kind" in m:
            _one_of(path, f"memory[{i}].kind", m["kind"], MEMORY_KINDS, "memory kind")
        mems.append(Memory(m["name"], m["origin"], m["length"], m.get("kind", "")))
    for key, schema in (("uart", _UART), ("qemu", _QEMU)):
        if key in doc:
            if not isinstance(doc[key], dict):
                raise BoardConfigError(f"{path}: key '{key}' must be a table ([{key}])")
            _check_table(path, f"{key}.", doc[key], schema)
    for key, schema in _WORD_LISTS.items():
        _check_words(path, key, doc.get(key, []), schema)
    runner_args = doc.get("runner_args", {})
    if not isinstance(runner_args, dict) or not all(_str_list(v) for v in runner_args.values()):
        raise BoardConfigError(f"{path}: key 'runner_args' must be a table of string lists")
    # values with a fixed vocabulary, then the keys that depend on each other
    _one_of(path, "core", doc["core"], CORES, "core")
    _one_of(path, "runner", doc["runner"], RUNNER_NAMES, "runner")
    for i, r in enumerate(doc.get("runners", [])):
        _one_of(path, f"runners[{i}]", r, RUNNER_NAMES, "runner")
    for r in runner_args:
        _one_of(path, f"runner_args.{r}", r, RUNNER_NAMES, "runner")
    if "uart" in doc:
        _one_of(path, "uart.kind", doc["uart"]["kind"], UART_KINDS, "UART kind")
    if "stack_guard" in doc:
        _one_of(path, "stack_guard", doc["stack_guard"], tuple(STACK_GUARDS), "stack guard")
        if doc["core"] not in STACK_GUARDS[doc["stack_guard"]]:
            raise BoardConfigError(f"{path}: key 'stack_guard' = {doc['stack_guard']!r} needs one of the cores "
                                   f"{', '.join(STACK_GUARDS[doc['stack_guard']])}; core is {doc['core']!r}")
    for key in ("stack_size", "heap_size", "cpu_hz"):
        if key in doc and doc[key] < 0:
            raise BoardConfigError(f"{path}: key '{key}' must be >= 0; got {doc[key]}")
    if doc["runner"] == "qemu" and "qemu" not in doc:
        raise BoardConfigError(f"{path}: key 'qemu' is required with runner = \"qemu\" ([qemu] machine = ...)")
    if doc["toolchain"] == "arm-none-eabi":
        kinds = {m.kind for m in mems}
        for kind in ("flash", "ram"):
            if kind not in kinds:
                raise BoardConfigError(f"{path}: key 'memory' needs a region with kind = \"{kind}\" "
                                       f"(toolchain arm-none-eabi links into it)")
        if "stack_size" not in doc:
            raise BoardConfigError(f"{path}: missing required key 'stack_size' (toolchain arm-none-eabi)")
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
        raise BoardConfigError(f"board '{name}' not found: no {path}; available boards: {known}",
                               hint="pass --board host, or add boards/<name>/board.toml")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise BoardConfigError(f"{path}: not valid TOML: not UTF-8 ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise BoardConfigError(f"{path}: cannot read: {e.strerror}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise BoardConfigError(_toml_error(path, text, e)) from None
    return parse_board(path, doc)


_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"']+)\s*=\s*(.*?)\s*$")
_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")


def _toml_error(path: Path, text: str, e: Exception) -> str:
    """``path: line N: key 'memory[1].origin' = 0x2000000G is not valid TOML (...)``: the key on
    the line tomllib complains about, with its table ([uart], the k-th [[memory]])."""
    m = _TOML_LINE.search(str(e))
    lines = text.splitlines()
    if not m or not 1 <= int(m.group(1)) <= len(lines):
        return f"{path}: not valid TOML: {e}"
    n = int(m.group(1))
    km = _TOML_KEY.match(lines[n - 1])
    if not km:
        return f"{path}: line {n}: not valid TOML: {e}"
    where, counts = "", {}
    for line in lines[:n - 1]:
        tm = _TOML_TABLE.match(line)
        if tm:
            name = tm.group(2)
            if tm.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                where = f"{name}[{counts[name]}]."
            else:
                where = f"{name}."
    key, value = km.group(1).strip("\"'"), km.group(2).split("#")[0].strip()
    hint = ""
    if value.lower().startswith(("0x", "0o", "0b")):
        hint = "; integers are written 0x0004_0000 (hex digits 0-9 a-f), 0o17 or 0b101, without quotes"
    return f"{path}: line {n}: key '{where}{key}' has an invalid value {value!r}{hint} (not valid TOML: {e})"


def list_boards() -> list[Board]:
    return [load_board(n) for n in board_names()]


_SIZE = re.compile(r"^\s*(\d+)\s*([kKmM]?)(?:i?[bB])?\s*$")


def parse_size(text: str | int) -> int:
    """``256K`` / ``256KiB`` / ``1M`` / ``262144`` -> bytes (K = 1024, M = 1024 * 1024)."""
    if isinstance(text, int) and not isinstance(text, bool):
        n = text
    else:
        m = _SIZE.match(str(text))
        if not m:
            raise BoardConfigError(f"RAM limit {text!r} is not a size; write e.g. 256K, 1M or 262144")
        n = int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]
    if n <= 0:
        raise BoardConfigError(f"RAM limit must be > 0; got {text!r}")
    return n


def limit_ram(board: Board, limit: str | int | None) -> Board:
    """``board`` with its first "ram" region shrunk to ``limit`` bytes (``parse_size``; None:
    ``board`` unchanged), for the fit checks and the linker script (``raw`` changes too). The
    limit must be at most the region's length."""
    if limit is None:
        return board
    n = parse_size(limit)
    ram = board.region("ram")
    if ram is None:
        raise BoardConfigError(f"board '{board.name}' has no RAM region to limit (--ram-limit is for "
                               f"microcontroller boards)")
    if n > ram.length:
        raise BoardConfigError(f"RAM limit {n:,} B is more than board '{board.name}' has ({ram.length:,} B in "
                               f"{ram.name})")
    memory = tuple(dataclasses.replace(m, length=n) if m is ram else m for m in board.memory)
    raw = dict(board.raw)
    raw["memory"] = [dict(t, length=n) if t.get("name") == ram.name else t for t in raw.get("memory", [])]
    return dataclasses.replace(board, memory=memory, raw=raw, ram_limit=n)


def board_for(name: str, ram_limit: str | int | None = None) -> Board:
    """:func:`load_board`, then :func:`limit_ram` (the board a manifest or a command names)."""
    return limit_ram(load_board(name), ram_limit)


@dataclass(frozen=True)
class MemoryNeeds:
    """What a generated project needs of a board's memories, before it is built.

    ``code`` (.text + the non-weight .rodata: parameter structs, tables, strings) and
    ``firmware_ram`` (.data + .bss besides the arena: protocol buffers, UART ring, per-node
    timing) are estimates (``emit.project.memory_needs``); the rest is exact. ``build`` checks
    the real sizes of the ELF afterwards (:func:`check_image_fit`)."""
    label: str              # what is checked, e.g. "kws_ref_model.ms"
    arena: int
    weights: int
    code: int
    firmware_ram: int
    data_init: int = 0      # .data initial values, copied from flash at start-up

    def ram_parts(self, board: Board) -> list[tuple[str, int]]:
        parts = [("arena", self.arena), ("stack", board.stack_size), ("heap", board.heap_size),
                 ("firmware", self.firmware_ram)]
        return [(k, v) for k, v in parts if v or k in ("arena", "stack")]

    def flash_parts(self, board: Board | None = None) -> list[tuple[str, int]]:
        """What goes to flash; the weights only when ``board`` has no "weights" region."""
        weights = 0 if board is not None and board.region("weights") is not None else self.weights
        parts = [("weights", weights), ("code ~", self.code), ("data", self.data_init)]
        return [(k, v) for k, v in parts if v or k not in ("data", "weights")]


def _parts(parts: list[tuple[str, int]]) -> str:
    return " + ".join(f"{k}{'' if k.endswith('~') else ' '}{v:,}" for k, v in parts)


def _refusal(label: str, need: int, kind: str, parts: str, board: Board, region: Memory) -> str:
    unit = {"ram": "RAM", "flash": "flash", "weights": "weights memory"}[kind]
    has = f"has {region.length:,} B"
    if kind == "ram" and board.ram_limit is not None:
        has = f"has {region.length:,} B under the RAM limit"
    return (f"{label} needs {need:,} B {unit} ({parts}), {board.name} {has} "
            f"({region.name} at 0x{region.origin:08X}; {need - region.length:,} B over)")


def fit_problems(board: Board, needs: MemoryNeeds) -> list[str]:
    """One message per memory region that ``needs`` overflows (empty: it fits). Boards without
    memory regions (host) always fit."""
    out = []
    ram, flash = board.region("ram"), board.region("flash")
    if ram is not None:
        parts = needs.ram_parts(board)
        need = sum(v for _, v in parts)
        if need > ram.length:
            out.append(_refusal(needs.label, need, "ram", _parts(parts), board, ram))
    if flash is not None:
        parts = needs.flash_parts(board)
        need = sum(v for _, v in parts)
        if need > flash.length:
            out.append(_refusal(needs.label, need, "flash", _parts(parts), board, flash))
    weights = board.region("weights")
    if weights is not None and needs.weights > weights.length:
        out.append(_refusal(needs.label, needs.weights, "weights", f"weights {needs.weights:,}", board, weights))
    return out


FIT_HINT = "`micro-codegen boards` lists every board with its RAM and flash"


def check_fit(board: Board, needs: MemoryNeeds) -> None:
    """Refuse (BoardConfigError, one line with the numbers) a model that does not fit the board:
    arena + stack + heap + firmware data vs the RAM region, code + weights + .data vs flash
    (weights vs the "weights" region when the board has one)."""
    problems = fit_problems(board, needs)
    if problems:
        raise BoardConfigError("; ".join(problems), hint=FIT_HINT)


def image_fit_problems(board: Board, sizes, label: str) -> list[str]:
    """The built image (``toolchain.SizeSummary``: text/rodata/data/bss/weights) against the
    board: text + rodata + data vs flash, data + bss + stack + heap vs RAM, the ``.weights``
    section vs the "weights" region."""
    out = []
    ram, flash = board.region("ram"), board.region("flash")
    if ram is not None:
        parts = [("data", sizes.data), ("bss", sizes.bss), ("stack", board.stack_size), ("heap", board.heap_size)]
        parts = [(k, v) for k, v in parts if v or k in ("data", "bss")]
        need = sum(v for _, v in parts)
        if need > ram.length:
            out.append(_refusal(label, need, "ram", _parts(parts), board, ram))
    if flash is not None:
        parts = [("text", sizes.text), ("rodata", sizes.rodata), ("data", sizes.data)]
        need = sum(v for _, v in parts)
        if need > flash.length:
            out.append(_refusal(label, need, "flash", _parts(parts), board, flash))
    weights, used = board.region("weights"), getattr(sizes, "weights", 0)
    if weights is not None and used > weights.length:
        out.append(_refusal(label, used, "weights", f"weights {used:,}", board, weights))
    return out


def check_image_fit(board: Board, sizes, label: str) -> None:
    problems = image_fit_problems(board, sizes, label)
    if problems:
        raise BoardConfigError("; ".join(problems), hint=FIT_HINT)
