"""Planner data model: :class:`Buffer`, :class:`Plan`, input validation, alias groups.

A *buffer* is a byte range that must stay intact from step ``first`` to step
``last`` (both inclusive).  Two kinds of link fix one buffer's offset relative to
another's:

* ``alias_of`` (a *view*): the buffer's bytes are bytes ``[alias_offset,
  alias_offset + size)`` of its target and hold the same data (a reshape, a slice read
  in place, one input of a concat written straight into the output);
* ``overwrites`` (*in place*): the buffer is written over its target, which starts
  ``overwrite_offset`` bytes after it; allowed only because the target (and everything
  sharing its data) dies at the step where this buffer starts.

Each buffer keeps only its own bytes over its own steps, so a view is declared live from the
step its bytes are written (its source's first step), and a source read only through views
may end early: the bytes no view covers are then free.

Linked buffers form a *group* that the strategies place as one *block* of *parts*
(one part per member, at its fixed offset from the block's start, with its own
lifetime): the block is as large as its parts' span, and two blocks only conflict
where two of their parts overlap in time and space.  Without links a block is one
part, exactly the buffer.

This module depends on nothing in micro_codegen except :class:`PlanError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from micro_codegen.errors import PlanError

__all__ = ["Buffer", "Plan", "Block", "align_up", "build_blocks", "group_offsets", "live_profile", "lower_bound",
           "validate_buffers"]


@dataclass(frozen=True)
class Buffer:
    """One memory request of the generated program."""

    name: str
    size: int  # bytes, >= 0 (0-size buffers get offset 0 and never conflict)
    first: int  # first step at which it is live, inclusive
    last: int  # last step, inclusive (first <= last)
    align: int = 16  # offset must be a multiple of this (power of two)
    alias_of: str | None = None  # a view: name of the buffer whose bytes (and data) this one is
    kind: str = "tensor"  # "tensor" | "scratch" | "input" | "output" (reports only)
    info: str = ""  # free text for reports
    alias_offset: int = 0  # a view starts this many bytes into its target
    overwrites: str | None = None  # written in place over this buffer, which dies at ``first``
    overwrite_offset: int = 0  # the overwritten buffer starts this many bytes after this one


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
    size: int  # span of the parts
    align: int
    first: int
    last: int
    members: tuple[str, ...]  # sorted member names (root included)
    #: (offset in the block, size, first, last) of every member of size > 0, in member order;
    #: one part (0, size, first, last) for a plain buffer
    parts: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def shaped(self) -> bool:
        """Some part does not cover the whole block: the strategies and the lower bound use the
        parts; otherwise the block is one rectangle (size x first..last), as a plain buffer."""
        return any(p[0] or p[1] != self.size for p in self.parts)


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
        for link in ("alias_of", "overwrites"):
            if getattr(b, link) is not None and not isinstance(getattr(b, link), str):
                raise PlanError(f"buffer {b.name!r}: {link} must be a buffer name or None")
        if not _is_int(b.alias_offset) or not _is_int(b.overwrite_offset):
            raise PlanError(f"buffer {b.name!r}: alias_offset and overwrite_offset must be integers")
        by_name[b.name] = b
    for b in by_name.values():
        if b.alias_of is not None:
            target = by_name.get(b.alias_of)
            if target is None:
                raise PlanError(f"buffer {b.name!r} is an alias of unknown buffer {b.alias_of!r}")
            if b.alias_offset < 0 or b.alias_offset + b.size > target.size:
                raise PlanError(
                    f"buffer {b.name!r} ({b.size} B at +{b.alias_offset}) is an alias of "
                    f"{target.name!r} ({target.size} B) but does not lie inside it"
                )
        if b.overwrites is not None:
            if b.overwrites not in by_name or b.overwrites == b.name:
                raise PlanError(f"buffer {b.name!r} overwrites unknown buffer {b.overwrites!r}")
    return by_name


def alias_roots(by_name: dict[str, Buffer]) -> dict[str, str]:
    """Map every buffer name to the root of its ``alias_of`` chain; PlanError on a cycle."""
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


def group_offsets(by_name: dict[str, Buffer]) -> tuple[dict[str, str], dict[str, int]]:
    """Groups of buffers linked by ``alias_of`` / ``overwrites``: ``({name: group name},
    {name: offset from the group's start})``.  The group's name is its smallest-named
    buffer without ``alias_of``; offsets are >= 0 and 0 for at least one member.
    PlanError when the links contradict each other (two offsets for one buffer)."""
    alias_roots(by_name)  # rejects alias cycles with a clear message
    edges: dict[str, list[tuple[str, int]]] = {n: [] for n in by_name}
    for b in by_name.values():
        for target, delta in ((b.alias_of, -b.alias_offset), (b.overwrites, b.overwrite_offset)):
            if target is not None:  # offset(target) = offset(b) + delta
                edges[b.name].append((target, delta))
                edges[target].append((b.name, -delta))
    group: dict[str, str] = {}
    rel: dict[str, int] = {}
    for start in sorted(by_name):
        if start in group:
            continue
        members = {start: 0}
        todo = [start]
        while todo:
            cur = todo.pop()
            for nxt, delta in edges[cur]:
                want = members[cur] + delta
                if nxt not in members:
                    members[nxt] = want
                    todo.append(nxt)
                elif members[nxt] != want:
                    raise PlanError(f"buffer {nxt!r}: its links put it at two offsets "
                                    f"({members[nxt]} and {want}) from {start!r}")
        low = min(members.values())
        name = min((m for m in members if by_name[m].alias_of is None), default=start)
        for m, r in members.items():
            group[m] = name
            rel[m] = r - low
    return group, rel


def build_blocks(buffers: Sequence[Buffer]) -> tuple[list[Block], dict[str, tuple[str, int]]]:
    """Validate ``buffers`` and fold linked groups into blocks.

    Returns ``(blocks sorted by name, {buffer name: (block name, offset in the block)})``.
    """
    by_name = validate_buffers(buffers)
    group, rel = group_offsets(by_name)
    groups: dict[str, list[Buffer]] = {}
    for name in sorted(by_name):
        groups.setdefault(group[name], []).append(by_name[name])
    blocks = []
    for root in sorted(groups):
        members = groups[root]
        parts = tuple((rel[m.name], m.size, m.first, m.last) for m in members if m.size > 0)
        blocks.append(
            Block(
                name=root,
                size=max((r + sz for r, sz, _, _ in parts), default=0),
                align=max(m.align for m in members),
                first=min(m.first for m in members),
                last=max(m.last for m in members),
                members=tuple(m.name for m in members),
                parts=parts,
            )
        )
    return blocks, {n: (group[n], rel[n]) for n in by_name}


def block_profile(block: Block) -> list[tuple[int, int]]:
    """``(step, live bytes from this step on)`` of one block: the length of the union of
    its live parts' byte ranges, at every step where that changes."""
    steps = sorted({p[2] for p in block.parts} | {p[3] + 1 for p in block.parts})
    out = []
    for step in steps:
        spans = sorted((r, r + sz) for r, sz, a, b in block.parts if a <= step <= b)
        total = end = 0
        for lo, hi in spans:
            if hi > end:
                total += hi - max(lo, end)
                end = hi
        out.append((step, total))
    return out


def _block_events(blocks: Sequence[Block]) -> list[tuple[int, int]]:
    """(step, change of live bytes) of every block (a shaped block: its parts' union)."""
    events: list[tuple[int, int]] = []
    for b in blocks:
        if b.size <= 0:
            continue
        if not b.shaped:
            events.append((b.first, b.size))
            events.append((b.last + 1, -b.size))
            continue
        live = 0
        for step, total in block_profile(b):
            events.append((step, total - live))
            live = total
    return events


def blocks_lower_bound(blocks: Sequence[Block]) -> int:
    """Max over steps of the bytes live at that step (a block counts the union of its
    live parts)."""
    events = _block_events(blocks)
    # At equal step, frees (negative) sort before allocations: last+1 == first
    # means the two blocks are not live together.
    events.sort()
    live = best = 0
    for _, delta in events:
        live += delta
        if live > best:
            best = live
    return best


def live_profile(buffers: Sequence[Buffer]) -> dict[int, int]:
    """Bytes live at every step where a buffer starts or ends (groups as in :func:`lower_bound`)."""
    blocks, _ = build_blocks(buffers)
    changes: dict[int, int] = {}
    for step, delta in _block_events(blocks):
        changes[step] = changes.get(step, 0) + delta
    out, live = {}, 0
    for step in sorted(changes):
        live += changes[step]
        out[step] = live
    return out


def lower_bound(buffers: Sequence[Buffer]) -> int:
    """Max over steps of the sum of live bytes; a group counts the union of its live
    members' byte ranges (its members' offsets are fixed), exactly as the strategies
    place it, so no valid plan's arena can be smaller than this.
    """
    blocks, _ = build_blocks(buffers)
    return blocks_lower_bound(blocks)
