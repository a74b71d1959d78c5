"""Placement strategies of the static memory planner.

Every strategy works on *blocks* (alias groups folded into one request, see
``buffers.py``).  Blocks of size 0 are not placed at all (offset 0).  Two
blocks *conflict* when their inclusive lifetimes overlap; only conflicting
blocks need disjoint byte ranges.  The *peak* of a placement is
max(offset + size); the *target* is the lower bound rounded up to the largest
block alignment (no placement can do better).

Placing an ordering (shared by all strategies):

1. Walk the blocks in the given order.
2. For the current block, collect the byte ranges of the blocks that are
   already placed *and* conflict with it, sorted by offset; the free gaps are
   the spaces between them (the last gap is unbounded).
3. Pick an aligned offset inside a gap with one of three fit rules:

   * *first fit* (``firstfit``): the lowest aligned offset of the first gap
     that fits the block;
   * *best fit* (``bestfit``): the smallest gap that fits (ties: lowest
     offset);
   * *two-sided* (``twosided``): only gaps below the target count; in each,
     both the lowest and the highest aligned offset are candidates.  A
     candidate scores the latest ``last`` step among the things it is flush
     against (blocks directly below / above it; the floor and the target
     count as living forever; not flush: lowest score).  Highest score wins,
     ties go to the lower offset.  Short-lived blocks thus gather next to
     each other and leave one contiguous hole when they die (a plain chain
     alternates between bottom and top and reaches the lower bound).

   If nothing fits, the block goes at the first aligned offset above all
   collected ranges.

Strategies live in a registry; adding one is one function and one decorator
line in this module, nothing else changes:

* ``@ordering("<order>")`` registers ``key(problem, i)``, the sort key of
  block ``i`` (an index into ``problem.blocks``).  Every key must end with
  the block name, so orders are total and do not depend on the caller's order.
  Each ordering yields one strategy per fit rule, ``greedy_<order>_<fit>``,
  which places the blocks in that order with that fit rule.
* ``@strategy("<name>")`` registers ``fn(problem, greedy) -> (offsets,
  peak)``, run after all greedy strategies; ``greedy`` holds their
  :class:`GreedyResult` s (read-only), best first (by peak, then name).
  ``offsets`` are indexed like ``problem.blocks``; ``plan()`` verifies the
  chosen result.  Names starting with ``greedy_`` are reserved for the
  orderings.

Registering a name twice raises ``ValueError``.  ``STRATEGY_NAMES`` (sorted)
and ``run_strategies`` follow the registry and iterate it in name order.  The
registered orderings (5, so 15 greedy strategies) and strategies:

1. ``greedy_size_*``: largest block first; ties: longer lifetime, earlier
   first step, name.
2. ``greedy_breadth_*``: by *breadth*, the largest total of live bytes at any
   step of the block's lifetime, descending (blocks on the memory peak
   first); ties: larger size, earlier first step, name.
3. ``greedy_conflicts_*``: by the summed size of the block and every block it
   conflicts with, descending; ties: larger size, name.
4. ``greedy_area_*``: by size x lifetime length, descending; ties: name.
5. ``greedy_time_*``: by first step ascending (a linear scan through the
   program); ties: larger size, name.
6. ``local_search``: a bounded, deterministic improvement of the greedy
   results:

   1. Take the ``_SEARCH_STARTS`` best greedy results (by peak, then
      strategy name) as starting points, each with its ordering and fit
      rule.  The iteration budget, ``_WORK_BUDGET / (blocks + conflicts)``
      clamped to [``_MIN_ITERS``, ``_MAX_ITERS``], is split evenly among them.
   2. From each start, with ``random.Random(_SEED)`` (a constant seed):

      a. Stop if the peak has reached the target.
      b. Pick one block at random among those that end above the target
         (or, if none, among those that end at the peak).
      c. With probability 3/4 move it to a random earlier position of the
         ordering; otherwise swap two random blocks among it and the blocks
         it conflicts with.
      d. Re-place the ordering from the first changed position on (the
         placement of the unchanged prefix cannot change).
      e. Keep the new ordering if its cost (peak, then the bytes that stick
         out above the target) is not larger than the current one (equal
         costs are accepted to walk plateaus); remember the lowest peak seen.

   3. Return the lowest-peak placement over all starts (earliest start wins
      ties); stop early once one start reaches the target.

``run_strategies`` returns every strategy's result, sorted by name;
``plan()`` keeps the one with the smallest arena (ties by strategy name).
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np

from .buffers import Block, align_up, blocks_lower_bound

__all__ = ["GreedyResult", "StrategyResult", "STRATEGY_NAMES", "ordering", "run_strategies",
           "strategy"]

FIRST_FIT = "firstfit"
BEST_FIT = "bestfit"
TWO_SIDED = "twosided"
FITS = (FIRST_FIT, BEST_FIT, TWO_SIDED)
_SEED = 0x6D656D  # fixed: the planner must be deterministic
_WORK_BUDGET = 250_000
_MAX_ITERS = 1000
_MIN_ITERS = 8
_SEARCH_STARTS = 3
# Blocks with at least this many conflicts find their gap with numpy (same result).
_NP_DEGREE = 96


@dataclass(frozen=True)
class StrategyResult:
    name: str
    offsets: dict[str, int]  # block (root) name -> offset, every block
    peak: int  # max(offset + size)


@dataclass(frozen=True)
class GreedyResult:
    """A greedy strategy's result, as the other strategies receive it (read-only)."""

    name: str  # greedy_<ordering>_<fit>
    order: list[int]  # block indices in placement order
    fit: str
    offsets: list[int]  # indexed like _Problem.blocks
    peak: int


class _Problem:
    """Blocks of size > 0 in name order, with their conflict lists."""

    def __init__(self, blocks: Sequence[Block]):
        self.blocks = sorted((b for b in blocks if b.size > 0), key=lambda b: b.name)
        n = len(self.blocks)
        self.sizes = [b.size for b in self.blocks]
        self.aligns = [b.align for b in self.blocks]
        self.adj: list[list[int]] = [[] for _ in range(n)]
        by_start = sorted(range(n), key=lambda i: (self.blocks[i].first, self.blocks[i].name))
        active: list[int] = []
        for i in by_start:
            first = self.blocks[i].first
            active = [j for j in active if self.blocks[j].last >= first]
            for j in active:
                self.adj[i].append(j)
                self.adj[j].append(i)
            active.append(i)
        self.n_conflicts = sum(len(a) for a in self.adj) // 2
        self.lower_bound = blocks_lower_bound(self.blocks)
        self.adj_np = [np.array(a, dtype=np.int64) if len(a) >= _NP_DEGREE else None
                       for a in self.adj]
        # Shaped blocks (parts at different offsets, see buffers.Block) and their neighbours
        # find their gaps from part-level ranges, in Python.
        self.shaped = [b.shaped for b in self.blocks]
        self.part_level = [self.shaped[i] or any(self.shaped[j] for j in self.adj[i]) for i in range(n)]
        for i in range(n):
            if self.part_level[i]:
                self.adj_np[i] = None
        self.any_np = any(a is not None for a in self.adj_np)
        self.sizes_np = np.array(self.sizes, dtype=np.int64)
        self.lasts = [b.last for b in self.blocks]
        self.lasts_np = np.array(self.lasts, dtype=np.int64)
        self.forever = max(self.lasts, default=0) + 1
        # Two-sided placement aims at the lower bound, rounded up to the largest alignment.
        self.ceiling = align_up(self.lower_bound, max(self.aligns, default=1))

    # -- data of the ordering keys ---------------------------------------------

    @cached_property
    def breadth(self) -> list[int]:
        """Largest live-byte total at any step of each block's lifetime."""
        blocks = self.blocks
        # The live total only rises at a block's first step, so its maximum
        # over [first, last] is reached at one of the start steps inside it.
        starts = sorted({b.first for b in blocks})
        allocs = sorted((b.first, b.size) for b in blocks)
        frees = sorted((b.last, b.size) for b in blocks)
        profile = []
        live = ia = ifr = 0
        for s in starts:
            while ia < len(allocs) and allocs[ia][0] <= s:
                live += allocs[ia][1]
                ia += 1
            while ifr < len(frees) and frees[ifr][0] < s:
                live -= frees[ifr][1]
                ifr += 1
            profile.append(live)
        out = []
        for b in blocks:
            lo = bisect_left(starts, b.first)
            hi = bisect_right(starts, b.last)
            out.append(max(profile[lo:hi]))
        return out

    @cached_property
    def conflict_bytes(self) -> list[int]:
        """Size of each block plus the sizes of the blocks it conflicts with."""
        sizes = self.sizes
        return [sizes[i] + sum(sizes[j] for j in adj) for i, adj in enumerate(self.adj)]

    # -- placement -------------------------------------------------------------

    def taken(self, i: int, offsets: list[int], placed: bytearray) -> list[tuple[int, int, int]]:
        """``(lo, hi, last)`` of the placed blocks that conflict with block ``i``, sorted.

        Block ``i`` may go at offset ``x`` iff ``x + size <= lo`` or ``x >= hi`` for every
        entry.  A plain pair gives the other block's byte range; a shaped pair gives one entry
        per pair of parts that overlap in time, the range that keeps them apart (part
        ``p`` of ``i`` at ``x + p.off`` vs part ``q`` of ``j``: ``x <= off_j + q.off - p.off -
        p.size`` or ``x >= off_j + q.off + q.size - p.off``), shifted to that form.
        """
        sizes, lasts, blocks = self.sizes, self.lasts, self.blocks
        size = sizes[i]
        out = []
        for j in self.adj[i]:
            if not placed[j]:
                continue
            off = offsets[j]
            if not (self.shaped[i] or self.shaped[j]):
                out.append((off, off + sizes[j], lasts[j]))
                continue
            for pr, ps, pf, pl in blocks[i].parts:
                for qr, qs, qf, ql in blocks[j].parts:
                    if pf <= ql and qf <= pl:
                        out.append((off + qr - pr - ps + size, off + qr + qs - pr, ql))
        out.sort()
        return out

    def place(
        self,
        order: Sequence[int],
        fit: str,
        prev_offsets: list[int] | None = None,
        start: int = 0,
    ) -> tuple[list[int], int]:
        """Place ``order``; positions < ``start`` keep ``prev_offsets``."""
        sizes, aligns, adj_np = self.sizes, self.aligns, self.adj_np
        n = len(sizes)
        placed = bytearray(n)
        if start and prev_offsets is not None:
            offsets = list(prev_offsets)
            peak = 0
            for k in range(start):
                i = order[k]
                placed[i] = 1
                end = offsets[i] + sizes[i]
                if end > peak:
                    peak = end
        else:
            offsets = [0] * n
            peak = 0
            start = 0
        npst = None
        if self.any_np:
            # numpy mirrors of the state; `placed_np` shares the bytearray's memory.
            off_np = np.array(offsets, dtype=np.int64)
            npst = (off_np, off_np + self.sizes_np, np.frombuffer(placed, dtype=np.bool_))
        best_fit = fit == BEST_FIT
        two_sided = fit == TWO_SIDED
        for k in range(start, len(order)):
            i = order[k]
            size = sizes[i]
            found = -1
            if two_sided:
                found = self._two_sided(i, offsets, placed, npst)
            if found < 0:
                mask = -aligns[i]
                add = aligns[i] - 1
                if adj_np[i] is not None:
                    found = self._np_fit(i, npst, best_fit)
                else:
                    cursor = 0
                    best_gap = -1
                    for lo, hi, _ in self.taken(i, offsets, placed):
                        if lo > cursor:
                            cand = (cursor + add) & mask
                            if cand + size <= lo:
                                if not best_fit:
                                    found = cand
                                    break
                                gap = lo - cursor
                                if best_gap < 0 or gap < best_gap:
                                    best_gap = gap
                                    found = cand
                        if hi > cursor:
                            cursor = hi
                    if found < 0:
                        found = (cursor + add) & mask
            offsets[i] = found
            placed[i] = 1
            if npst is not None:
                npst[0][i] = found
                npst[1][i] = found + size
            end = found + size
            if end > peak:
                peak = end
        return offsets, peak

    def _np_fit(self, i: int, npst, best_fit: bool) -> int:
        """First / best fit for a block with many conflicts (vectorised, same result).

        The result only depends on the gaps, not on how equal starts are ordered.
        """
        size, align = self.sizes[i], self.aligns[i]
        off_np, end_np, placed_np = npst
        nb = self.adj_np[i]
        sel = nb[placed_np[nb]]
        lo = off_np[sel]
        order = np.argsort(lo)
        lo = lo[order]
        hi = end_np[sel][order]
        if len(lo) == 0:
            return 0
        run = np.maximum.accumulate(hi)
        cursor = np.empty_like(run)
        cursor[0] = 0
        cursor[1:] = run[:-1]
        cand = (cursor + (align - 1)) & -align
        fits = (lo > cursor) & (cand + size <= lo)
        if fits.any():
            if best_fit:
                gaps = np.where(fits, lo - cursor, np.iinfo(np.int64).max)
                return int(cand[int(np.argmin(gaps))])
            return int(cand[int(np.argmax(fits))])
        return (int(run[-1]) + align - 1) & -align

    def _two_sided(self, i: int, offsets: list[int], placed: bytearray, npst) -> int:
        """Offset for block ``i`` below the ceiling, or -1 if none fits.

        Candidates are the lowest and the highest aligned offset of every free
        gap under the ceiling.  A candidate scores the largest ``last`` step of
        the things it touches (blocks flush below / above it; the floor and the
        ceiling count as living forever); the best score wins, ties go to the
        lower offset.
        """
        size = self.sizes[i]
        mask = -self.aligns[i]
        add = self.aligns[i] - 1
        ceiling = self.ceiling
        forever = self.forever
        if self.adj_np[i] is not None:
            # Same list as below, gathered and sorted by numpy.
            off_np, end_np, placed_np = npst
            nb = self.adj_np[i]
            sel = nb[placed_np[nb]]
            lo, hi, last = off_np[sel], end_np[sel], self.lasts_np[sel]
            order = np.lexsort((last, hi, lo))
            taken = list(zip(lo[order].tolist(), hi[order].tolist(), last[order].tolist()))
        else:
            taken = self.taken(i, offsets, placed)
        best_score = -2
        best_off = -1
        cursor = 0
        below = forever  # the floor
        for lo, hi, last in taken + [(ceiling, ceiling, forever)]:
            if lo > ceiling:
                lo, last = ceiling, forever
            if lo > cursor:
                for cand in ((cursor + add) & mask, (lo - size) & mask):
                    if cand < cursor or cand + size > lo:
                        continue
                    score = -1
                    if cand == cursor:
                        score = below
                    if cand + size == lo and last > score:
                        score = last
                    if score > best_score or (score == best_score and cand < best_off):
                        best_score, best_off = score, cand
            if lo >= ceiling:
                break
            if hi > cursor:
                cursor, below = hi, last
            elif hi == cursor and last > below:
                below = last
        return best_off

    def by_name(self, offsets: list[int]) -> dict[str, int]:
        return {b.name: offsets[i] for i, b in enumerate(self.blocks)}

    # -- local search ----------------------------------------------------------

    def search_budget(self) -> int:
        work = len(self.blocks) + self.n_conflicts
        return max(_MIN_ITERS, min(_MAX_ITERS, _WORK_BUDGET // max(1, work)))

    def _cost(self, offsets: list[int], peak: int) -> tuple[int, int]:
        """(peak, summed bytes sticking out above the target ceiling)."""
        ceiling, sizes = self.ceiling, self.sizes
        excess = 0
        for i, off in enumerate(offsets):
            end = off + sizes[i]
            if end > ceiling:
                excess += end - (off if off > ceiling else ceiling)
        return peak, excess

    def local_search(self, order: list[int], fit: str, budget: int) -> tuple[list[int], int]:
        n = len(order)
        offsets, peak = self.place(order, fit)
        best_offsets, best_peak = offsets, peak
        if n < 2 or peak <= self.ceiling:
            return best_offsets, best_peak
        rng = random.Random(_SEED)
        cur = list(order)
        cost = self._cost(offsets, peak)
        pos = [0] * n
        for k, i in enumerate(cur):
            pos[i] = k
        sizes, adj, ceiling = self.sizes, self.adj, self.ceiling
        for _ in range(budget):
            over = [i for i in cur if offsets[i] + sizes[i] > ceiling]
            if not over:
                over = [i for i in cur if offsets[i] + sizes[i] == peak]
            c = over[rng.randrange(len(over))]
            cand = list(cur)
            if rng.random() < 0.75 and pos[c] > 0:
                p = pos[c]
                q = rng.randrange(p)
                del cand[p]
                cand.insert(q, c)
                start = q
            else:
                group = sorted([c] + adj[c], key=lambda i: pos[i])
                if len(group) < 2:
                    continue
                a, b = rng.sample(range(len(group)), 2)
                pa, pb = pos[group[a]], pos[group[b]]
                cand[pa], cand[pb] = cand[pb], cand[pa]
                start = min(pa, pb)
            new_offsets, new_peak = self.place(cand, fit, offsets, start)
            new_cost = self._cost(new_offsets, new_peak)
            if new_cost <= cost:
                cur, offsets, peak, cost = cand, new_offsets, new_peak, new_cost
                for k, i in enumerate(cur):
                    pos[i] = k
                if peak < best_peak:
                    best_offsets, best_peak = offsets, peak
                    if best_peak <= self.ceiling:
                        break
        return best_offsets, best_peak


# -- registry ------------------------------------------------------------------

OrderKey = Callable[[_Problem, int], tuple]
StrategyFn = Callable[[_Problem, list[GreedyResult]], tuple[list[int], int]]

_ORDERINGS: dict[str, OrderKey] = {}
_STRATEGIES: dict[str, StrategyFn] = {}


def _register(table: dict, kind: str, name: str, fn: Callable) -> Callable:
    if name in table:
        raise ValueError(f"planner {kind} {name!r} is already registered")
    table[name] = fn
    return fn


def ordering(name: str) -> Callable[[OrderKey], OrderKey]:
    """Decorator: register a sort key as ordering ``name`` (adds ``greedy_<name>_<fit>``)."""
    return partial(_register, _ORDERINGS, "ordering", name)


def strategy(name: str) -> Callable[[StrategyFn], StrategyFn]:
    """Decorator: register ``fn(problem, greedy) -> (offsets, peak)`` as strategy ``name``."""
    if name.startswith("greedy_"):
        raise ValueError(f"planner strategy {name!r}: the prefix 'greedy_' is reserved for "
                         "the orderings (register one with @ordering)")
    return partial(_register, _STRATEGIES, "strategy", name)


def _greedy_rules() -> list[tuple[str, str, str]]:
    """(strategy name, ordering, fit rule) of every greedy strategy, in name order."""
    return [(f"greedy_{o}_{f}", o, f) for o in sorted(_ORDERINGS) for f in FITS]


class _StrategyNames(Sequence[str]):
    """Every strategy name, sorted; follows the registry."""

    def _names(self) -> tuple[str, ...]:
        return tuple(sorted([name for name, _, _ in _greedy_rules()] + list(_STRATEGIES)))

    def __getitem__(self, index):
        return self._names()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return repr(self._names())


STRATEGY_NAMES: Sequence[str] = _StrategyNames()


# -- the orderings and strategies (numbered as in the module docstring) ----------


@ordering("size")
def _by_size(p: _Problem, i: int) -> tuple:
    b = p.blocks[i]
    return (-b.size, -(b.last - b.first), b.first, b.name)


@ordering("breadth")
def _by_breadth(p: _Problem, i: int) -> tuple:
    b = p.blocks[i]
    return (-p.breadth[i], -b.size, b.first, b.name)


@ordering("conflicts")
def _by_conflicts(p: _Problem, i: int) -> tuple:
    b = p.blocks[i]
    return (-p.conflict_bytes[i], -b.size, b.name)


@ordering("area")
def _by_area(p: _Problem, i: int) -> tuple:
    b = p.blocks[i]
    return (-b.size * (b.last - b.first + 1), b.name)


@ordering("time")
def _by_time(p: _Problem, i: int) -> tuple:
    b = p.blocks[i]
    return (b.first, -b.size, b.name)


@strategy("local_search")
def _local_search(prob: _Problem, greedy: list[GreedyResult]) -> tuple[list[int], int]:
    """Step 6: search from the best greedy results (the search itself: _Problem.local_search)."""
    starts = greedy[:_SEARCH_STARTS]
    budget = prob.search_budget() // len(starts)
    best = None
    for g in starts:
        res = prob.local_search(g.order, g.fit, budget)
        if best is None or res[1] < best[1]:
            best = res
        if best[1] <= prob.ceiling:
            break
    return best


def run_strategies(blocks: Sequence[Block]) -> list[StrategyResult]:
    """Run every registered strategy on ``blocks``; results sorted by strategy name."""
    prob = _Problem(blocks)
    zero = {b.name: 0 for b in blocks if b.size == 0}

    def pack(name: str, offsets: list[int], peak: int) -> StrategyResult:
        d = dict(zero)
        d.update(prob.by_name(offsets))
        return StrategyResult(name=name, offsets=d, peak=peak)

    orders = {o: sorted(range(len(prob.blocks)), key=partial(_ORDERINGS[o], prob))
              for o in sorted(_ORDERINGS)}
    greedy = [GreedyResult(name, orders[o], fit, *prob.place(orders[o], fit))
              for name, o, fit in _greedy_rules()]
    greedy.sort(key=lambda g: (g.peak, g.name))
    results = [pack(g.name, g.offsets, g.peak) for g in greedy]
    results += [pack(name, *_STRATEGIES[name](prob, greedy)) for name in sorted(_STRATEGIES)]
    results.sort(key=lambda r: r.name)
    return results
