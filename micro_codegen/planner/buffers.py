"""Planner data model: :class:`Buffer`, :class:`Plan`, input validation, alias groups.

A *buffer* is a byte range that must stay intact from step ``first`` to step
``last`` (both inclusive).  Buffers linked by ``alias_of`` share memory; they are
collected into an *alias group* that the strategies place as one *block*:

* lifetime = union of the members' lifetimes (min ``first`` .. max ``last``),
* size = max member size, alignment = max member alignment,
* every member gets the block's (the group root's) offset.

This module depends on nothing in micro_codegen except :class:`PlanError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from micro_codegen.errors import PlanError

__all__ = ["Buffer", "Plan", "Block", "align_up", "build_blocks", "lower_bound", "validate_buffers"]


@dataclass(frozen=True)
class Buffer:
    """One memory request of the generated program."""

    name: str
    size: int  # bytes, >= 0 (0-size buffers get offset 0 and never conflict)
    first: int  # first step at which it is live, inclusive
    last: int  # last step, inclusive (first <= last)
    align: int = 16  # offset must be a multiple of this (power of two)
    alias_of: str | None = None  # name of a buffer whose memory this one shares
    kind: str = "tensor"  # "tensor" | "scratch" | "input" | "output" (reports only)
    info: str = ""  # free text for reports


@dataclass(frozen=True)
class Plan:
    """Result of :func:`micro_codegen.planner.plan`."""

    offsets: dict[str, int]  # buffer name -> byte offset
    arena_size: int  # bytes: max(offset + size) rounded up to the max alignment
    strategy: str  # name of the strategy that produced the offsets
    buffers: tuple[Buffer, ...]  # the input buffers, in the caller's order
    lower_bound: int  # lower_bound(buffers)


@dataclass(frozen=True)
class Block:
    """An alias group as the strategies see it (internal)."""

    name: str  # the group root's name
    size: int
    align: int
    first: int
    last: int
    members: tuple[str, ...]  # sorted member names (root included)


def align_up(value: int, align: int) -> int:
    """Smallest multiple of ``align`` (a power of two) that is >= ``value``."""
    return (value + align - 1) & -align


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_buffers(buffers: Iterable[Buffer]) -> dict[str, Buffer]:
    """Check every field of every buffer; return ``{name: buffer}``.

    Raises :class:`PlanError` naming the offending buffer and the rule.
    """
    by_name: dict[str, Buffer] = {}
    for b in buffers:
        if not isinstance(b, Buffer):
            raise PlanError(f"planner input {b!r} is not a Buffer")
        if not isinstance(b.name, str) or not b.name:
            raise PlanError(f"buffer {b.name!r}: name must be a non-empty string")
        if b.name in by_name:
            raise PlanError(f"buffer {b.name!r} is given twice (buffer names must be unique)")
        if not _is_int(b.size) or b.size < 0:
            raise PlanError(f"buffer {b.name!r}: size must be an integer >= 0, got {b.size!r}")
        if not _is_int(b.first) or not _is_int(b.last):
            raise PlanError(
                f"buffer {b.name!r}: first/last must be integers, got {b.first!r}..{b.last!r}"
            )
        if b.first > b.last:
            raise PlanError(
                f"buffer {b.name!r}: first step {b.first} is after last step {b.last}"
            )
        if not _is_int(b.align) or b.align < 1 or (b.align & (b.align - 1)) != 0:
            raise PlanError(
                f"buffer {b.name!r}: align must be a power of two, got {b.align!r}"
            )
        if not isinstance(b.kind, str) or not isinstance(b.info, str):
            raise PlanError(f"buffer {b.name!r}: kind and info must be strings")
        if b.alias_of is not None and not isinstance(b.alias_of, str):
            raise PlanError(f"buffer {b.name!r}: alias_of must be a buffer name or None")
        by_name[b.name] = b
    for b in by_name.values():
        if b.alias_of is None:
            continue
        target = by_name.get(b.alias_of)
        if target is None:
            raise PlanError(f"buffer {b.name!r} is an alias of unknown buffer {b.alias_of!r}")
        if b.size > target.size:
            raise PlanError(
                f"buffer {b.name!r} ({b.size} B) is an alias of {target.name!r} "
                f"({target.size} B) but is larger than it"
            )
    return by_name


def alias_roots(by_name: dict[str, Buffer]) -> dict[str, str]:
    """Map every buffer name to the root of its alias chain; PlanError on a cycle."""
    roots: dict[str, str] = {}
    for name in by_name:
        if name in roots:
            continue
        chain: list[str] = []
        on_chain: set[str] = set()
        cur = name
        while True:
            if cur in roots:
                root = roots[cur]
                break
            if cur in on_chain:
                cycle = chain[chain.index(cur):] + [cur]
                raise PlanError("alias cycle: " + " -> ".join(repr(c) for c in cycle))
            chain.append(cur)
            on_chain.add(cur)
            nxt = by_name[cur].alias_of
            if nxt is None:
                root = cur
                break
            cur = nxt
        for c in chain:
            roots[c] = root
    return roots


def build_blocks(buffers: Sequence[Buffer]) -> tuple[list[Block], dict[str, str]]:
    """Validate ``buffers`` and fold alias groups into blocks.

    Returns ``(blocks sorted by root name, {buffer name: root name})``.
    """
    by_name = validate_buffers(buffers)
    roots = alias_roots(by_name)
    groups: dict[str, list[Buffer]] = {}
    for name in sorted(by_name):
        groups.setdefault(roots[name], []).append(by_name[name])
    blocks = []
    for root in sorted(groups):
        members = groups[root]
        blocks.append(
            Block(
                name=root,
                size=max(m.size for m in members),
                align=max(m.align for m in members),
                first=min(m.first for m in members),
                last=max(m.last for m in members),
                members=tuple(m.name for m in members),
            )
        )
    return blocks, roots


def blocks_lower_bound(blocks: Sequence[Block]) -> int:
    """Max over steps of the summed sizes of the blocks live at that step."""
    events: list[tuple[int, int]] = []
    for b in blocks:
        if b.size > 0:
            events.append((b.first, b.size))
            events.append((b.last + 1, -b.size))
    # At equal step, frees (negative) sort before allocations: last+1 == first
    # means the two blocks are not live together.
    events.sort()
    live = best = 0
    for _, delta in events:
        live += delta
        if live > best:
            best = live
    return best


def lower_bound(buffers: Sequence[Buffer]) -> int:
    """Max over steps of the sum of live bytes; an alias group counts once.

    An alias group counts as one block (its largest member's size over the
    union of its members' lifetimes), exactly as the strategies place it, so
    no valid plan's arena can be smaller than this.
    """
    blocks, _ = build_blocks(buffers)
    return blocks_lower_bound(blocks)
