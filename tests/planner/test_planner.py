"""Tests of the static memory planner (micro_codegen.planner)."""

from __future__ import annotations

import json
import random
import re
import time
import xml.etree.ElementTree as ET

import pytest

from micro_codegen.errors import PlanError
from micro_codegen.planner import (
    STRATEGY_NAMES,
    Buffer,
    Plan,
    lower_bound,
    plan,
    plan_to_json,
    render_svg,
    render_text,
    verify,
)
from micro_codegen.planner import strategies as strategies_mod
from micro_codegen.planner.buffers import align_up, build_blocks

SVG_NS = "{http://www.w3.org/2000/svg}"


# -- helpers -------------------------------------------------------------------


def chain(sizes, align=16):
    """Tensor i live [i, i+1]: the plain sequential CNN."""
    return [Buffer(f"t{i}", s, i, i + 1, align=align) for i, s in enumerate(sizes)]


def cnn_like(rng: random.Random) -> list[Buffer]:
    """A chain with residual branches (kept alive 2-4 steps) and one-step scratch buffers."""
    n = rng.randint(5, 60)
    bufs = []
    for i in range(n):
        last = i + 1
        if rng.random() < 0.25:
            last = min(n, i + rng.randint(2, 4))
        bufs.append(Buffer(f"t{i}", 16 * rng.randint(1, 600), i, last))
        if rng.random() < 0.3:
            bufs.append(Buffer(f"s{i}", 16 * rng.randint(1, 300), i, i, kind="scratch"))
    return bufs


def random_buffers(rng: random.Random, with_alias: bool = True) -> list[Buffer]:
    n = rng.randint(1, 24)
    horizon = rng.randint(1, 12)
    bufs: list[Buffer] = []
    for i in range(n):
        first = rng.randrange(horizon)
        size = rng.choice([0, rng.randint(1, 64), rng.randint(1, 3000), 16 * rng.randint(1, 100)])
        alias = None
        if with_alias and bufs and rng.random() < 0.15:
            target = rng.choice(bufs)
            alias = target.name
            size = rng.randint(0, target.size)
        bufs.append(
            Buffer(
                f"b{i}",
                size,
                first,
                first + rng.randint(0, 4),
                align=rng.choice([1, 2, 4, 8, 16, 32]),
                alias_of=alias,
                kind=rng.choice(["tensor", "tensor", "scratch", "input", "output"]),
            )
        )
    return bufs


def max_align(bufs) -> int:
    return max((b.align for b in bufs), default=1)


def naive_bound(bufs) -> int:
    """Every alias group stacked on top of the others, each rounded to the max alignment."""
    blocks, _ = build_blocks(bufs)
    a = max_align(bufs)
    return sum(align_up(b.size, a) for b in blocks)


def brute_lower_bound(bufs) -> int:
    """Step-by-step recomputation of lower_bound (an alias group counts the bytes its live
    members cover; a group whose members all cover it counts as one rectangle)."""
    blocks, _ = build_blocks(bufs)
    steps = {s for b in blocks for s in (b.first, b.last)}

    def live(b, s):
        if not b.shaped:
            return b.size if b.first <= s <= b.last else 0
        return len(set().union(*(range(r, r + n) for r, n, f, la in b.parts if f <= s <= la)))

    return max((sum(live(b, s) for b in blocks) for s in steps), default=0)


def assert_overlap_free(p: Plan) -> None:
    """Pairwise O(n^2) re-check, independent of verify()'s sweep."""
    _, where = build_blocks(p.buffers)
    roots = {n: w[0] for n, w in where.items()}
    bs = [b for b in p.buffers if b.size > 0]
    for i, a in enumerate(bs):
        for b in bs[i + 1:]:
            if roots[a.name] == roots[b.name]:
                continue
            if a.first <= b.last and b.first <= a.last:
                ao, bo = p.offsets[a.name], p.offsets[b.name]
                assert ao + a.size <= bo or bo + b.size <= ao, (a, b, ao, bo)


def assert_every_result_valid(bufs) -> dict:
    """Run every strategy, verify each result as a plan; return the results by name."""
    blocks, where = build_blocks(bufs)
    results = strategies_mod.run_strategies(blocks)
    assert [r.name for r in results] == list(STRATEGY_NAMES)
    for r in results:
        offsets = {b.name: r.offsets[where[b.name][0]] + where[b.name][1] for b in bufs}
        arena = align_up(max((offsets[b.name] + b.size for b in bufs), default=0), max_align(bufs))
        verify(Plan(offsets, arena, r.name, tuple(bufs), lower_bound(bufs)))
    return {r.name: r for r in results}


# -- hand cases ----------------------------------------------------------------


def test_three_buffer_chain_exact_offsets():
    p = plan([Buffer("a", 64, 0, 1), Buffer("b", 32, 1, 2), Buffer("c", 64, 2, 3)])
    assert p.offsets == {"a": 0, "b": 64, "c": 0}
    assert p.arena_size == 96
    assert p.lower_bound == 96
    assert p.strategy in STRATEGY_NAMES


def test_single_buffer_and_disjoint_lifetimes_share():
    p = plan([Buffer("x", 100, 0, 0), Buffer("y", 48, 1, 1), Buffer("z", 200, 2, 2)])
    assert p.offsets == {"x": 0, "y": 0, "z": 0}
    assert p.arena_size == 208  # 200 rounded up to 16
    assert p.lower_bound == 200


def test_all_live_together_stack_exactly():
    bufs = [Buffer("a", 32, 0, 3), Buffer("b", 64, 0, 3), Buffer("c", 16, 0, 3)]
    p = plan(bufs)
    assert p.arena_size == p.lower_bound == 112
    # Largest first at the bottom.
    assert sorted(p.offsets.values()) == [0, 64, 96]
    assert p.offsets["b"] == 0


def test_scratch_only_at_one_step():
    bufs = [
        Buffer("in", 1024, 0, 1, kind="input"),
        Buffer("s", 4096, 1, 1, kind="scratch"),
        Buffer("mid", 2048, 1, 2),
        Buffer("out", 1024, 2, 3, kind="output"),
    ]
    p = plan(bufs)
    assert p.lower_bound == 1024 + 4096 + 2048
    assert p.arena_size == p.lower_bound
    assert plan_to_json(p)["scratch_bytes"] == 4096


def test_lower_bound_steps_are_inclusive():
    # last == 1 and first == 2: never live together.
    assert lower_bound([Buffer("a", 10, 0, 1), Buffer("b", 20, 2, 3)]) == 20
    # last == 1 and first == 1: live together at step 1.
    assert lower_bound([Buffer("a", 10, 0, 1), Buffer("b", 20, 1, 3)]) == 30
    assert lower_bound([]) == 0


def test_empty_plan():
    p = plan([])
    assert p.offsets == {} and p.arena_size == 0 and p.lower_bound == 0
    verify(p)
    assert render_text(p).splitlines()[0] == "arena 0 B (lower bound 0 B, +0.0%)"
    ET.fromstring(render_svg(p))


def test_zero_size_buffers_get_offset_zero_and_never_conflict():
    bufs = [Buffer("a", 64, 0, 2), Buffer("z", 0, 0, 2), Buffer("b", 32, 1, 1)]
    p = plan(bufs)
    assert p.offsets["z"] == 0
    assert p.offsets["a"] == 0 or p.offsets["b"] == 0
    assert p.arena_size == 96
    # Hand-made: zero-size buffer placed inside another one is fine.
    verify(Plan({"a": 0, "z": 16, "b": 64}, 96, "hand", tuple(bufs), 96))


def test_alignment_respected_and_arena_rounded():
    bufs = [Buffer("a", 10, 0, 1, align=1), Buffer("b", 10, 0, 1, align=64)]
    p = plan(bufs)
    assert p.offsets["b"] % 64 == 0
    assert p.arena_size % 64 == 0
    assert p.arena_size == 64  # b at 0, a at 10 (align 1), end 20 -> 64
    assert p.lower_bound == 20


# -- known optima ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(60))
def test_chain_hits_lower_bound(seed):
    rng = random.Random(seed)
    sizes = [16 * rng.randint(1, 500) for _ in range(rng.randint(2, 40))]
    p = plan(chain(sizes))
    assert p.lower_bound == max(a + b for a, b in zip(sizes, sizes[1:]))
    assert p.arena_size == p.lower_bound


def test_chain_that_bottom_up_greedy_misses_hits_lower_bound():
    # Every bottom-up (first / best fit) greedy ordering needs > 256 B here;
    # the two-sided fit in time order alternates bottom / top and needs 256.
    sizes = [96, 128, 64, 112, 144]
    blocks, _ = build_blocks(chain(sizes))
    peaks = {r.name: r.peak for r in strategies_mod.run_strategies(blocks)}
    assert min(v for k, v in peaks.items() if k.endswith(("firstfit", "bestfit"))) > 256
    assert peaks["greedy_time_twosided"] == 256
    p = plan(chain(sizes))
    assert p.arena_size == p.lower_bound == 256


def test_residual_block_hits_lower_bound():
    # x feeds conv1 (step 1) and the add (step 3): live 0..3.
    bufs = [
        Buffer("x", 4096, 0, 3),
        Buffer("c1", 8192, 1, 2),
        Buffer("c2", 4096, 2, 3),
        Buffer("s2", 512, 2, 2, kind="scratch"),
        Buffer("y", 4096, 3, 4),
    ]
    p = plan(bufs)
    assert p.lower_bound == 4096 + 8192 + 4096 + 512
    assert p.arena_size == p.lower_bound


@pytest.mark.parametrize("seed", range(40))
def test_cnn_like_within_5_percent_of_lower_bound(seed):
    bufs = cnn_like(random.Random(seed))
    p = plan(bufs)
    assert p.lower_bound <= p.arena_size <= 1.05 * p.lower_bound


# -- stability ---------------------------------------------------------------------


def test_same_input_same_plan():
    bufs = cnn_like(random.Random(7))
    assert plan(bufs) == plan(bufs)
    assert render_text(plan(bufs)) == render_text(plan(bufs))
    assert render_svg(plan(bufs), "x") == render_svg(plan(bufs), "x")


@pytest.mark.parametrize("seed", range(12))
def test_permuted_input_gives_same_offsets(seed):
    rng = random.Random(1000 + seed)
    bufs = cnn_like(rng) if seed % 2 else random_buffers(rng)
    p1 = plan(bufs)
    shuffled = list(bufs)
    rng.shuffle(shuffled)
    p2 = plan(shuffled)
    assert p1.offsets == p2.offsets
    assert (p1.arena_size, p1.strategy, p1.lower_bound) == (
        p2.arena_size, p2.strategy, p2.lower_bound
    )
    assert p2.buffers == tuple(shuffled)  # the caller's order is kept


def test_numpy_path_gives_same_result(monkeypatch):
    rng = random.Random(5)
    bufs = [
        Buffer(f"b{i}", rng.randint(1, 5000), (f := rng.randrange(4)), f + rng.randint(0, 4),
               align=rng.choice([1, 4, 16, 64]))
        for i in range(150)
    ]
    blocks, _ = build_blocks(bufs)
    results = []
    for degree in (1, 10**9):
        monkeypatch.setattr(strategies_mod, "_NP_DEGREE", degree)
        results.append([(r.name, r.offsets, r.peak) for r in strategies_mod.run_strategies(blocks)])
    assert results[0] == results[1]


# -- random sets -------------------------------------------------------------------


@pytest.mark.parametrize("chunk", range(6))
def test_random_sets_verify_and_stay_in_bounds(chunk):
    for seed in range(chunk * 55, chunk * 55 + 55):  # 330 sets in all
        bufs = random_buffers(random.Random(seed))
        p = plan(bufs)
        verify(p)
        assert_overlap_free(p)
        assert set(p.offsets) == {b.name for b in bufs}
        assert p.lower_bound == lower_bound(bufs) == brute_lower_bound(bufs)
        assert p.lower_bound <= p.arena_size <= naive_bound(bufs)
        assert p.arena_size % max_align(bufs) == 0
        for b in bufs:
            assert p.offsets[b.name] % b.align == 0


@pytest.mark.parametrize("seed", range(40))
def test_every_strategy_result_is_valid(seed):
    assert_every_result_valid(random_buffers(random.Random(5000 + seed)))


def test_500_buffers_well_under_a_second():
    rng = random.Random(3)
    bufs = []
    step = 0
    while len(bufs) < 500:
        last = step + (rng.randint(2, 5) if rng.random() < 0.2 else 1)
        bufs.append(Buffer(f"t{len(bufs)}", 16 * rng.randint(1, 2000), step, last))
        if rng.random() < 0.3:
            bufs.append(
                Buffer(f"s{len(bufs)}", 16 * rng.randint(1, 200), step, step, kind="scratch")
            )
        step += 1
    t0 = time.perf_counter()
    p = plan(bufs)
    assert time.perf_counter() - t0 < 1.0
    assert p.arena_size <= 1.05 * p.lower_bound


# -- strategy registry ----------------------------------------------------------------


@pytest.fixture
def linear_stack():
    """Register ``linear_stack`` (every block above the previous one) for one test."""

    @strategies_mod.strategy("linear_stack")
    def stack(prob, greedy):
        offsets, top = [], 0
        for size, align in zip(prob.sizes, prob.aligns):
            offsets.append(align_up(top, align))
            top = offsets[-1] + size
        return offsets, top

    yield "linear_stack"
    del strategies_mod._STRATEGIES["linear_stack"]


def test_registered_strategy_runs_in_sorted_position(linear_stack):
    names = list(STRATEGY_NAMES)
    assert len(names) == 17 and names == sorted(names)
    # "linear_stack" sorts between the greedy strategies and "local_search".
    assert names[15:] == ["linear_stack", "local_search"]
    by_name = assert_every_result_valid(chain([96, 128, 64, 112, 144]))
    assert by_name["linear_stack"].offsets == {"t0": 0, "t1": 96, "t2": 224, "t3": 288, "t4": 400}
    assert by_name["linear_stack"].peak == 544
    assert plan(chain([96, 128, 64, 112, 144])).arena_size == 256  # plan() verifies its result
    for seed in range(20):
        bufs = random_buffers(random.Random(7000 + seed))
        assert_every_result_valid(bufs)
        plan(bufs)


def test_registered_ordering_adds_one_greedy_strategy_per_fit():
    before = list(STRATEGY_NAMES)
    added = [f"greedy_lastfirst_{fit}" for fit in ("bestfit", "firstfit", "twosided")]

    @strategies_mod.ordering("lastfirst")
    def last_first(prob, i):
        return (-prob.blocks[i].last, prob.blocks[i].name)

    try:
        assert list(STRATEGY_NAMES) == sorted(before + added)
        for seed in range(20):
            bufs = random_buffers(random.Random(8000 + seed))
            assert set(added) <= set(assert_every_result_valid(bufs))
            plan(bufs)
    finally:
        del strategies_mod._ORDERINGS["lastfirst"]
    assert list(STRATEGY_NAMES) == before


def test_registry_rejects_a_duplicate_name():
    before = list(STRATEGY_NAMES)
    with pytest.raises(ValueError, match="planner strategy 'local_search' is already registered"):
        strategies_mod.strategy("local_search")(lambda prob, greedy: ([], 0))
    with pytest.raises(ValueError, match="planner ordering 'size' is already registered"):
        strategies_mod.ordering("size")(lambda prob, i: (prob.blocks[i].name,))
    with pytest.raises(ValueError, match="prefix 'greedy_' is reserved"):
        strategies_mod.strategy("greedy_size_firstfit")
    assert list(STRATEGY_NAMES) == before
    assert strategies_mod._STRATEGIES["local_search"] is strategies_mod._local_search


# -- aliases -----------------------------------------------------------------------


def test_reshape_alias_chain_shares_memory():
    bufs = [
        Buffer("conv", 1600, 0, 1),
        Buffer("reshape", 1600, 1, 2, alias_of="conv"),
        Buffer("flat", 1600, 2, 3, alias_of="reshape"),
        Buffer("fc", 160, 3, 4),
    ]
    p = plan(bufs)
    assert p.offsets["conv"] == p.offsets["reshape"] == p.offsets["flat"]
    # The group is live 0..3, fc 3..4: they must not overlap.
    assert p.arena_size == p.lower_bound == 1600 + 160
    text = render_text(p)
    assert "alias of" in text


def test_alias_group_lifetime_is_union_of_members():
    # a (0..0) and its whole-size alias b (5..5) pin the memory over 0..5: c (2..3) cannot reuse it.
    bufs = [Buffer("a", 256, 0, 0), Buffer("b", 256, 5, 5, alias_of="a"), Buffer("c", 256, 2, 3)]
    p = plan(bufs)
    assert p.offsets["a"] == p.offsets["b"]
    assert p.offsets["c"] != p.offsets["a"]
    assert p.lower_bound == 512 and p.arena_size == 512


def test_a_smaller_view_holds_only_its_own_bytes_and_steps():
    # b views a's first 128 bytes over 0..5 (a view is live from when its bytes are written):
    # c (2..3) may use a's other 128 bytes once a died.
    bufs = [Buffer("a", 256, 0, 0), Buffer("b", 128, 0, 5, alias_of="a"), Buffer("c", 128, 2, 3)]
    p = plan(bufs)
    assert p.offsets["a"] == p.offsets["b"] and p.offsets["c"] == p.offsets["a"] + 128
    assert p.lower_bound == 256 and p.arena_size == 256


def test_alias_group_counts_once_in_lower_bound():
    bufs = [Buffer("a", 100, 0, 2), Buffer("b", 60, 1, 3, alias_of="a"), Buffer("c", 50, 1, 1)]
    assert lower_bound(bufs) == 150


def test_alias_group_uses_largest_alignment():
    bufs = [
        Buffer("pad", 8, 0, 1, align=1),
        Buffer("a", 32, 0, 1, align=4),
        Buffer("b", 16, 1, 1, align=64, alias_of="a"),
    ]
    p = plan(bufs)
    assert p.offsets["a"] == p.offsets["b"]
    assert p.offsets["a"] % 64 == 0


# -- input validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "bufs, pattern",
    [
        ([Buffer("a", 1, 0, 0), Buffer("a", 2, 0, 0)], r"'a'.*twice"),
        ([Buffer("neg", -1, 0, 0)], r"'neg'.*size"),
        ([Buffer("rev", 8, 3, 2)], r"'rev'.*first step 3.*last step 2"),
        ([Buffer("odd", 8, 0, 0, align=3)], r"'odd'.*power of two"),
        ([Buffer("zero", 8, 0, 0, align=0)], r"'zero'.*power of two"),
        ([Buffer("r", 8, 0, 0, alias_of="nope")], r"'r'.*unknown buffer 'nope'"),
        ([Buffer("x", 8, 0, 0, alias_of="y"), Buffer("y", 8, 0, 0, alias_of="x")], r"alias cycle"),
        ([Buffer("self", 8, 0, 0, alias_of="self")], r"alias cycle"),
        ([Buffer("t", 8, 0, 0), Buffer("big", 9, 0, 0, alias_of="t")], r"'big'.*does not lie inside"),
        ([Buffer("", 8, 0, 0)], r"name"),
        ([Buffer("f", 8.0, 0, 0)], r"'f'.*size"),
    ],
)
def test_invalid_input_raises_plan_error(bufs, pattern):
    with pytest.raises(PlanError, match=pattern):
        plan(bufs)
    with pytest.raises(PlanError):
        lower_bound(bufs)


# -- verify() on hand-made bad plans ----------------------------------------------------


GOOD_BUFS = (
    Buffer("a", 64, 0, 1),
    Buffer("b", 32, 1, 2),
    Buffer("c", 64, 2, 3),
    Buffer("r", 32, 3, 3, alias_of="c"),
)
GOOD_OFFSETS = {"a": 0, "b": 64, "c": 0, "r": 0}


def make(offsets=None, arena=96, bufs=GOOD_BUFS):
    return Plan(dict(GOOD_OFFSETS if offsets is None else offsets), arena, "hand", tuple(bufs), 96)


def test_verify_accepts_good_hand_plan():
    verify(make())


@pytest.mark.parametrize(
    "offsets, arena, pattern",
    [
        ({"a": 0, "b": 32, "c": 0, "r": 0}, 96, r"'a'.*'b'.*overlap.*step 1"),
        ({"a": 0, "b": 72, "c": 0, "r": 0}, 128, r"'b'.*offset 72.*not aligned to 16"),
        ({"a": 0, "b": 64, "c": 0, "r": 0}, 80, r"'b'.*outside the arena of 80"),
        ({"a": 0, "b": 64, "c": 0, "r": 16}, 96, r"alias 'r' is at offset 16 but must be at 'c'.s offset 0"),
        ({"a": 0, "b": 64, "c": 0}, 96, r"'r' has no offset"),
        ({"a": 0, "b": 64, "c": 0, "r": 0, "ghost": 0}, 96, r"unknown buffer 'ghost'"),
        ({"a": -16, "b": 64, "c": 0, "r": 0}, 96, r"'a'.*invalid offset"),
    ],
)
def test_verify_catches_bad_plans(offsets, arena, pattern):
    with pytest.raises(PlanError, match=pattern):
        verify(make(offsets, arena))


def test_verify_overlap_between_long_and_late_buffer():
    # The conflict is found although 'late' starts long after 'long' did.
    bufs = (Buffer("long", 64, 0, 10), Buffer("mid", 64, 2, 3), Buffer("late", 64, 9, 9))
    bad = Plan({"long": 0, "mid": 64, "late": 32}, 128, "hand", bufs, 128)
    with pytest.raises(PlanError, match=r"'long'.*'late'.*step 9"):
        verify(bad)


def test_verify_allows_alias_members_to_overlap():
    bufs = (Buffer("a", 64, 0, 2), Buffer("v", 64, 1, 3, alias_of="a"))
    verify(Plan({"a": 0, "v": 0}, 64, "hand", bufs, 64))


# -- reports -----------------------------------------------------------------------------


def test_text_header_format():
    p = make(arena=23552)
    p = Plan(p.offsets, 23552, "hand", p.buffers, 22016)
    assert render_text(p).splitlines()[0] == "arena 23,552 B (lower bound 22,016 B, +7.0%)"
    p0 = Plan({}, 0, "hand", (), 0)
    assert render_text(p0).splitlines()[0] == "arena 0 B (lower bound 0 B, +0.0%)"


def test_text_table_sorted_by_offset_then_name():
    bufs = [
        Buffer("big", 12_288, 0, 1, kind="input"),
        Buffer("zz", 1_024, 1, 2),
        Buffer("aa", 2_048, 2, 3, kind="scratch"),
    ]
    p = plan(bufs)
    lines = render_text(p).splitlines()
    assert re.fullmatch(r"arena [\d,]+ B \(lower bound [\d,]+ B, \+\d+\.\d%\)", lines[0])
    assert lines[1].split()[:5] == ["name", "kind", "size", "offset", "steps"]
    rows = [line.split() for line in lines[2:2 + len(bufs)]]
    keys = [(int(r[3].replace(",", "")), r[0]) for r in rows]
    assert keys == sorted(keys)
    row = {r[0]: r for r in rows}
    assert row["big"][1:3] == ["input", "12,288"] and row["big"][4] == "0..1"


def test_svg_is_valid_standalone_xml():
    bufs = [
        Buffer("in<&>", 3000, 0, 1, kind="input", info='int8 1x25x5x64 "q"'),
        Buffer("s", 500, 1, 1, kind="scratch"),
        Buffer("mid", 2000, 1, 2, kind="tensor"),
        Buffer("m2", 2000, 2, 2, alias_of="mid"),
        Buffer("odd", 100, 2, 3, kind="weights"),
        Buffer("out", 1000, 3, 4, kind="output"),
        Buffer("empty", 0, 0, 4),
    ]
    p = plan(bufs)
    svg = render_svg(p, title="demo & <model>")
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    texts = " ".join(t.text or "" for t in root.iter(SVG_NS + "text"))
    assert render_text(p).splitlines()[0] in texts
    assert "demo & <model>" in texts
    assert "step" in texts and "offset (bytes)" in texts
    titles = [t.text for r in root.iter(SVG_NS + "rect") for t in r.iter(SVG_NS + "title")]
    assert len(titles) == 6  # one per non-empty buffer
    assert any("in<&>" in t and "int8 1x25x5x64" in t for t in titles)
    # Colours by kind, deterministic.
    assert svg == render_svg(plan(list(reversed(bufs))), title="demo & <model>")


def test_plan_to_json():
    bufs = [Buffer("a", 64, 0, 1), Buffer("s", 48, 1, 1, kind="scratch"), Buffer("c", 64, 2, 3)]
    p = plan(bufs)
    j = plan_to_json(p)
    assert set(j) == {"arena_bytes", "lower_bound_bytes", "scratch_bytes", "strategy", "buffers"}
    assert j["arena_bytes"] == p.arena_size
    assert j["lower_bound_bytes"] == p.lower_bound
    assert j["scratch_bytes"] == 48
    assert j["strategy"] == p.strategy
    assert [b["name"] for b in j["buffers"]] == ["a", "s", "c"]
    assert j["buffers"][1] == {"name": "s", "offset": p.offsets["s"], "size": 48, "first": 1,
                               "last": 1, "kind": "scratch"}
    json.dumps(j)


def test_planner_does_not_import_the_rest_of_micro_codegen():
    import ast
    import pathlib

    import micro_codegen.planner as pkg

    for path in pathlib.Path(pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("micro_codegen"):
                    assert node.module == "micro_codegen.errors", (path, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("micro_codegen"), (path, alias.name)
