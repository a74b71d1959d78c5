"""What an op family tells the code generator about one node.

Each family module (``ops/<family>.py``) registers an :class:`OpImpl` (the op's support
rules and plan) for its op names in :data:`REGISTRY`. ``prepare(graph, index)`` returns an
:class:`~micro_codegen.compiled.OpPlan`:
the kernel and its symbolic arguments, the sources to copy, the header to include, the
parameter struct (designated initialisers; enum values as :class:`~micro_codegen.compiled.CConst`),
the constant arrays to put in flash (weights, packed weights, per-channel multipliers and
shifts), the scratch bytes (planned jointly with the tensors) and aliasing.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..compiled import OpPlan
from ..errors import UnsupportedOpError
from ..ir import Graph

Rule = Callable[[Graph, int], "str | None"]


@dataclass(frozen=True)
class OpImpl:
    """One op: its own support rules and the plan of a node that obeys them."""
    op: str
    #: the family's plan function: the node's OpPlan, assuming the rules hold
    prepare: Callable[[Graph, int], OpPlan]
    #: the op's own support rules in order (``ops/_rules.py`` describes them; check.py adds the
    #: rules every node obeys); the plan may assume they all hold
    rules: tuple[Rule, ...]
    #: other plans that compute the same outputs with the same scratch (kernel variants); for a
    #: known core, ``prepare`` takes the cheapest by the measured cost model (``ops/_costs.py``)
    candidates: Callable[[Graph, int, OpPlan], tuple[OpPlan, ...]] | None = None

    def check(self, graph: Graph, index: int) -> str | None:
        """The reason of the first own rule node ``index`` breaks, or None. The input count
        rule (``_rules.inputs``) runs first: the others may then read the inputs they name."""
        for rule in sorted(self.rules, key=lambda r: r.__name__ != "inputs"):
            reason = rule(graph, index)
            if reason:
                return reason
        return None


REGISTRY: dict[str, OpImpl] = {}


def register(impl: OpImpl) -> OpImpl:
    REGISTRY[impl.op] = impl
    return impl


def prepare(graph: Graph, index: int, core: str | None = None) -> OpPlan:
    """The OpPlan of node ``index``, or UnsupportedOpError (``<node label>: <reason>``) when
    its op has no implementation or the node breaks one of the op's rules. With ``core`` (a
    board's core), the cheapest of the family's candidate plans for that core."""
    label = graph.node_label(index)
    impl = REGISTRY.get(graph.nodes[index].op)
    if impl is None:
        raise UnsupportedOpError(f"{label}: no C implementation for {graph.nodes[index].op}")
    reason = impl.check(graph, index)
    if reason:
        raise UnsupportedOpError(f"{label}: {reason}")
    try:
        plan = impl.prepare(graph, index)
        if impl.candidates is None:
            return plan
        from ._costs import cheapest
        others = [p for p in impl.candidates(graph, index, plan) if p.scratch_bytes == plan.scratch_bytes]
        # The memory plan must not depend on the core: every candidate gets the in-place shift
        # that suits them all (the largest; None if one of them does not stream).
        shifts = [p.overlap_shift for p in [plan] + others]
        shift = None if None in shifts else max(shifts)
        chosen = plan if core is None else cheapest([plan] + others, core)
        return chosen if chosen.overlap_shift == shift else replace(chosen, overlap_shift=shift)
    except UnsupportedOpError as e:        # a plan met what its rules should have refused
        if str(e).startswith(label):
            raise
        raise UnsupportedOpError(f"{label}: {e}") from None
