"""Reports of a :class:`Plan`: a text table, a standalone SVG timeline, a JSON dict."""

from __future__ import annotations

import zlib
from xml.sax.saxutils import escape

from .buffers import Buffer, Plan

__all__ = ["link_text", "summary_line", "render_text", "render_svg", "plan_to_json"]

KIND_COLOURS = {
    "input": "#59a14f",
    "output": "#e15759",
    "scratch": "#f28e2b",
    "tensor": "#4e79a7",
}
_OTHER_COLOURS = ("#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def _colour(kind: str) -> str:
    if kind in KIND_COLOURS:
        return KIND_COLOURS[kind]
    return _OTHER_COLOURS[zlib.crc32(kind.encode("utf-8")) % len(_OTHER_COLOURS)]


def _percent(plan: Plan) -> str:
    if plan.lower_bound <= 0:
        return "+0.0%"
    return f"{(plan.arena_size / plan.lower_bound - 1.0) * 100.0:+.1f}%"


def summary_line(plan: Plan) -> str:
    """``arena 23,552 B (lower bound 22,016 B, +7.0%)``"""
    return (
        f"arena {plan.arena_size:,} B (lower bound {plan.lower_bound:,} B, {_percent(plan)})"
    )


def _sorted_buffers(plan: Plan) -> list[Buffer]:
    return sorted(plan.buffers, key=lambda b: (plan.offsets[b.name], b.name))


def link_text(b: Buffer) -> str:
    """How ``b`` shares memory: ``t3`` (alias), ``t3 +256`` (a view / piece of t3 at byte 256),
    ``over t2 (+32)`` (written in place over t2, which starts 32 bytes after it)."""
    parts = []
    if b.alias_of is not None:
        parts.append(b.alias_of + (f" +{b.alias_offset:,}" if b.alias_offset else ""))
    if b.overwrites is not None:
        parts.append(f"over {b.overwrites} (+{b.overwrite_offset:,})")
    return ", ".join(parts)


def render_text(plan: Plan) -> str:
    """Summary line, then one row per buffer sorted by offset then name."""
    has_alias = any(b.alias_of is not None or b.overwrites is not None for b in plan.buffers)
    header = ["name", "kind", "size", "offset", "steps"] + (["alias of"] if has_alias else [])
    right = {"size", "offset"}
    rows = []
    for b in _sorted_buffers(plan):
        row = [b.name, b.kind, f"{b.size:,}", f"{plan.offsets[b.name]:,}", f"{b.first}..{b.last}"]
        if has_alias:
            row.append(link_text(b))
        rows.append(row)
    widths = [max(len(r[c]) for r in [header] + rows) for c in range(len(header))]

    def fmt(row: list[str]) -> str:
        cells = [
            cell.rjust(w) if header[c] in right else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(row, widths))
        ]
        return "  ".join(cells).rstrip()

    lines = [summary_line(plan), fmt(header)]
    lines.extend(fmt(r) for r in rows)
    lines.append(f"strategy {plan.strategy}, {len(plan.buffers)} buffers")
    return "\n".join(lines) + "\n"


def _num(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def render_svg(plan: Plan, title: str = "", bands: tuple[tuple[int, int, str], ...] = ()) -> str:
    """A standalone SVG timeline: x = step, y = arena offset (0 at the bottom). ``bands``:
    ``(first step, last step, label)`` ranges shaded behind the buffers (e.g. a patch stage)."""
    width, left, right, top, bottom, plot_h = 960, 90, 24, 78, 52, 380
    plot_w = width - left - right
    height = top + plot_h + bottom
    bufs = list(plan.buffers)
    smin = min((b.first for b in bufs), default=0)
    smax = max((b.last for b in bufs), default=0)
    nsteps = smax - smin + 1
    span = max(plan.arena_size, 1)

    def x(step: float) -> float:
        return left + (step - smin) * plot_w / nsteps

    def y(offset: float) -> float:
        return top + plot_h - offset * plot_h / span

    out: list[str] = []
    add = out.append
    add('<?xml version="1.0" encoding="UTF-8"?>')
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">'
    )
    doc_title = title or "memory plan"
    add(f"<title>{escape(doc_title)}</title>")
    add(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')
    add(f'<text x="{left}" y="20" font-size="15" font-weight="bold">{escape(doc_title)}</text>')
    add(
        f'<text x="{left}" y="40">{escape(summary_line(plan))}, '
        f"strategy {escape(plan.strategy)}, {len(bufs)} buffers</text>"
    )
    # Legend: one swatch per kind present, in sorted order.
    lx = left
    for kind in sorted({b.kind for b in bufs}):
        add(f'<rect x="{lx}" y="50" width="12" height="12" fill="{_colour(kind)}"/>')
        add(f'<text x="{lx + 16}" y="60">{escape(kind)}</text>')
        lx += 28 + 7 * len(kind)
    # Plot frame and axes.
    add(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#f7f7f7" '
        f'stroke="#333333" stroke-width="1"/>'
    )
    for first, last, label in bands:
        bx0, bx1 = x(first), x(last + 1)
        add(
            f'<rect x="{_num(bx0)}" y="{top}" width="{_num(bx1 - bx0)}" height="{plot_h}" '
            f'fill="#fff3c4"><title>{escape(label)}</title></rect>'
        )
        add(f'<text x="{_num(bx0 + 4)}" y="{top + 14}" font-size="11">{escape(label)}</text>')
    # Buffers (largest first so small ones stay visible on top; members of an
    # alias group overlap by design).
    for b in sorted(bufs, key=lambda b: (-b.size, plan.offsets[b.name], b.name)):
        if b.size <= 0:
            continue
        off = plan.offsets[b.name]
        x0, x1 = x(b.first), x(b.last + 1)
        y0, y1 = y(off + b.size), y(off)
        tip = [f"{b.name} ({b.kind})"]
        if b.info:
            tip.append(b.info)
        tip.append(f"{b.size:,} B at offset {off:,}..{off + b.size:,}")
        tip.append(f"steps {b.first}..{b.last}")
        if link_text(b):
            tip.append(f"shares memory: {link_text(b)}")
        add(
            f'<rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(x1 - x0)}" '
            f'height="{_num(max(y1 - y0, 0.5))}" fill="{_colour(b.kind)}" fill-opacity="0.8" '
            f'stroke="#ffffff" stroke-width="0.5"><title>{escape(chr(10).join(tip))}</title></rect>'
        )
        if x1 - x0 > 8 * len(b.name) and y1 - y0 > 14:
            add(
                f'<text x="{_num((x0 + x1) / 2)}" y="{_num((y0 + y1) / 2 + 4)}" '
                f'text-anchor="middle" font-size="10" fill="#ffffff" '
                f'pointer-events="none">{escape(b.name)}</text>'
            )
    # Lower bound (dashed).
    if 0 < plan.lower_bound <= span:
        ly = _num(y(plan.lower_bound))
        add(
            f'<line x1="{left}" y1="{ly}" x2="{left + plot_w}" y2="{ly}" stroke="#222222" '
            f'stroke-dasharray="5,4"><title>lower bound {plan.lower_bound:,} B</title></line>'
        )
    # X ticks: at most ~20 labels.
    stride = max(1, -(-nsteps // 20))
    for s in range(smin, smax + 1, stride):
        cx = _num(x(s + 0.5))
        add(
            f'<line x1="{cx}" y1="{top + plot_h}" x2="{cx}" y2="{top + plot_h + 4}" '
            f'stroke="#333333"/>'
        )
        add(f'<text x="{cx}" y="{top + plot_h + 17}" text-anchor="middle">{s}</text>')
    # Y ticks: 0, 1/4, ... arena.
    for k in range(5):
        val = plan.arena_size * k // 4
        cy = _num(y(val))
        add(f'<line x1="{left - 4}" y1="{cy}" x2="{left}" y2="{cy}" stroke="#333333"/>')
        add(f'<text x="{left - 6}" y="{cy}" text-anchor="end" dy="4">{val:,}</text>')
    add(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 12}" text-anchor="middle">step</text>'
    )
    add(
        f'<text x="18" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 18 {top + plot_h / 2:.1f})">offset (bytes)</text>'
    )
    add("</svg>")
    return "\n".join(out) + "\n"


def plan_to_json(plan: Plan) -> dict:
    """A JSON-ready dict; ``buffers`` keeps the caller's order."""
    return {
        "arena_bytes": plan.arena_size,
        "lower_bound_bytes": plan.lower_bound,
        "scratch_bytes": sum(b.size for b in plan.buffers if b.kind == "scratch"),
        "strategy": plan.strategy,
        "buffers": [
            {
                "name": b.name,
                "offset": plan.offsets[b.name],
                "size": b.size,
                "first": b.first,
                "last": b.last,
                "kind": b.kind,
                **({"alias_of": b.alias_of, "alias_offset": b.alias_offset} if b.alias_of else {}),
                **({"overwrites": b.overwrites, "overwrite_offset": b.overwrite_offset}
                   if b.overwrites else {}),
            }
            for b in plan.buffers
        ],
    }

