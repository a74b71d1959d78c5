"""Independent checker of a :class:`Plan`.

It re-derives everything from ``plan.buffers`` and ``plan.offsets`` (it does
not reuse the strategies' alias grouping or conflict lists) and raises
:class:`PlanError` on the first broken rule, naming the buffers concerned:

1. buffer names are unique, every buffer has an integer offset >= 0, and
   ``plan.offsets`` names no buffer that is not in the plan;
2. every offset is a multiple of its buffer's alignment (a power of two);
3. every buffer lies inside the arena: ``offset + size <= arena_size``;
4. every ``alias_of`` names a known buffer, chains have no cycle, an alias is
   not larger than its target, and every alias-group member has the group
   root's offset;
5. two buffers of different alias groups whose (inclusive) lifetimes overlap
   have disjoint byte ranges ``[offset, offset + size)``; 0-byte buffers are
   exempt.  Checked with a sweep over start steps: O(n log n + n x live set).
"""

from __future__ import annotations

from micro_codegen.errors import PlanError

from .buffers import Buffer, Plan

__all__ = ["verify"]


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _roots(by_name: dict[str, Buffer]) -> dict[str, str]:
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
            target = by_name.get(buf.alias_of)
            if target is None:
                raise PlanError(
                    f"plan check: buffer {cur!r} is an alias of unknown buffer {buf.alias_of!r}"
                )
            if buf.size > target.size:
                raise PlanError(
                    f"plan check: alias {cur!r} ({buf.size} B) is larger than its target "
                    f"{target.name!r} ({target.size} B)"
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

    # Rule 4, alias groups.
    roots = _roots(by_name)
    for b in plan.buffers:
        root = roots[b.name]
        if offsets[b.name] != offsets[root]:
            raise PlanError(
                f"plan check: alias {b.name!r} is at offset {offsets[b.name]} but its "
                f"group root {root!r} is at offset {offsets[root]}"
            )

    # Rule 5, sweep by start step; `active` holds buffers live at the current start.
    order = sorted((b for b in plan.buffers if b.size > 0), key=lambda b: (b.first, b.name))
    active: list[Buffer] = []
    for b in order:
        active = [a for a in active if a.last >= b.first]
        b_off = offsets[b.name]
        b_end = b_off + b.size
        b_root = roots[b.name]
        for a in active:
            if roots[a.name] == b_root:
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
