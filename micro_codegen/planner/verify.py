"""Independent checker of a :class:`Plan`.

It re-derives everything from ``plan.buffers`` and ``plan.offsets`` (it does
not reuse the strategies' alias grouping or conflict lists) and raises
:class:`PlanError` on the first broken rule, naming the buffers concerned:

1. buffer names are unique, every buffer has an integer offset >= 0, and
   ``plan.offsets`` names no buffer that is not in the plan;
2. every offset is a multiple of its buffer's alignment (a power of two);
3. every buffer lies inside the arena: ``offset + size <= arena_size``;
4. every ``alias_of`` names a known buffer, chains have no cycle, a view lies
   inside its target and sits at the target's offset + ``alias_offset``; every
   ``overwrites`` names another known buffer, which sits at this buffer's offset
   + ``overwrite_offset``;
5. two buffers whose (inclusive) lifetimes overlap have disjoint byte ranges
   ``[offset, offset + size)`` (0-byte buffers are exempt) unless they share data
   (linked by ``alias_of`` chains: the bytes they share hold the same values), or
   one is written in place over the other: ``b`` (or a buffer sharing its data)
   overwrites ``a`` (or a buffer sharing its data) and they are live together only
   at ``b``'s first step.  Checked with a sweep over start steps: O(n log n + n x
   live set).
"""

from __future__ import annotations

from micro_codegen.errors import PlanError

from .buffers import Buffer, Plan

__all__ = ["verify"]


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _roots(by_name: dict[str, Buffer]) -> dict[str, str]:
    """Root of every buffer's ``alias_of`` chain (buffers with one root share data)."""
    roots: dict[str, str] = {}
    for name in by_name:
        seen: list[str] = []
        cur = name
        while cur not in roots:
            if cur in seen:
                cycle = seen[seen.index(cur):] + [cur]
                raise PlanError("plan check: alias cycle " + " -> ".join(map(repr, cycle)))
            seen.append(cur)
            buf = by_name[cur]
            if buf.alias_of is None:
                roots[cur] = cur
                break
            if buf.alias_of not in by_name:
                raise PlanError(
                    f"plan check: buffer {cur!r} is an alias of unknown buffer {buf.alias_of!r}"
                )
            cur = buf.alias_of
        root = roots[cur]
        for s in seen:
            roots[s] = root
    return roots


def verify(plan: Plan) -> None:
    """Raise :class:`PlanError` unless ``plan`` is a valid placement of its buffers."""
    arena = plan.arena_size
    if not _int(arena) or arena < 0:
        raise PlanError(f"plan check: arena size must be an integer >= 0, got {arena!r}")
    offsets = plan.offsets
    by_name: dict[str, Buffer] = {}
    for b in plan.buffers:
        if b.name in by_name:
            raise PlanError(f"plan check: buffer {b.name!r} appears twice")
        by_name[b.name] = b
    for name in sorted(offsets):
        if name not in by_name:
            raise PlanError(f"plan check: offset given for unknown buffer {name!r}")

    # Rules 1-3, per buffer.
    for b in plan.buffers:
        if b.name not in offsets:
            raise PlanError(f"plan check: buffer {b.name!r} has no offset")
        off = offsets[b.name]
        if not _int(off) or off < 0:
            raise PlanError(f"plan check: buffer {b.name!r} has invalid offset {off!r}")
        if not _int(b.align) or b.align < 1 or b.align & (b.align - 1):
            raise PlanError(f"plan check: buffer {b.name!r} has invalid align {b.align!r}")
        if off % b.align:
            raise PlanError(
                f"plan check: buffer {b.name!r} at offset {off} is not aligned to {b.align} B"
            )
        if not _int(b.size) or b.size < 0:
            raise PlanError(f"plan check: buffer {b.name!r} has invalid size {b.size!r}")
        if off + b.size > arena:
            raise PlanError(
                f"plan check: buffer {b.name!r} [{off}, {off + b.size}) ends outside the "
                f"arena of {arena} B"
            )
        if b.first > b.last:
            raise PlanError(
                f"plan check: buffer {b.name!r} first step {b.first} > last step {b.last}"
            )

    # Rule 4, links.
    roots = _roots(by_name)
    overwritten: dict[tuple[str, str], int] = {}  # (root written, root overwritten) -> step
    for b in plan.buffers:
        if b.alias_of is not None:
            t = by_name[b.alias_of]
            if b.alias_offset < 0 or b.alias_offset + b.size > t.size:
                raise PlanError(
                    f"plan check: alias {b.name!r} ({b.size} B at +{b.alias_offset}) does not lie "
                    f"inside {t.name!r} ({t.size} B)"
                )
            if offsets[b.name] != offsets[t.name] + b.alias_offset:
                raise PlanError(
                    f"plan check: alias {b.name!r} is at offset {offsets[b.name]} but must be at "
                    f"{t.name!r}'s offset {offsets[t.name]} + {b.alias_offset}"
                )
        if b.overwrites is not None:
            t = by_name.get(b.overwrites)
            if t is None or t.name == b.name:
                raise PlanError(f"plan check: buffer {b.name!r} overwrites unknown buffer {b.overwrites!r}")
            if offsets[t.name] != offsets[b.name] + b.overwrite_offset:
                raise PlanError(
                    f"plan check: {b.name!r} is written in place over {t.name!r}, which must be at "
                    f"offset {offsets[b.name]} + {b.overwrite_offset}, not {offsets[t.name]}"
                )
            overwritten[(roots[b.name], roots[t.name])] = b.first

    # Rule 5, sweep by start step; `active` holds buffers live at the current start.
    order = sorted((b for b in plan.buffers if b.size > 0), key=lambda b: (b.first, b.name))
    active: list[Buffer] = []
    for b in order:
        active = [a for a in active if a.last >= b.first]
        b_off = offsets[b.name]
        b_end = b_off + b.size
        b_root = roots[b.name]
        for a in active:
            a_root = roots[a.name]
            if a_root == b_root:
                continue
            step = overwritten.get((b_root, a_root), overwritten.get((a_root, b_root)))
            if step is not None and max(a.first, b.first) == min(a.last, b.last) == step:
                continue
            a_off = offsets[a.name]
            a_end = a_off + a.size
            if a_off < b_end and b_off < a_end:
                raise PlanError(
                    f"plan check: buffers {a.name!r} [{a_off}, {a_end}) steps "
                    f"{a.first}..{a.last} and {b.name!r} [{b_off}, {b_end}) steps "
                    f"{b.first}..{b.last} overlap in memory while both live at step {b.first}"
                )
        active.append(b)
