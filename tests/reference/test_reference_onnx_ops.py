"""The reference interpreter on the single-operator ONNX zoo (``shared/models/onnx_ops``).

One test per ``test_<name>.ms``: run case 0 through :func:`micro_codegen.reference.run`
and compare every output with the entry's target (tests/onnx_zoo.py: ONNX's expected
values, or the official runtime's where the ``.ms`` encodes other semantics).

Tolerance: float ``|got - exp| <= 1e-5 + 1e-5 |exp|``, integers and bools exact; shapes
must be equal. Entries a kernel rejects (UnsupportedOpError) are skipped with its message,
except the deliberate rejections of :data:`onnx_zoo.REJECT`, which must raise.
:data:`onnx_zoo.XFAIL` lists the entries neither target can match, each with the reason.
"""
from __future__ import annotations

import pytest

from conftest import skip_unless_shared
from onnx_zoo import ENTRIES, MS_TARGET, REJECT, XFAIL, ZOO, check, load, target
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.reference import run
from micro_codegen.reference.registry import KERNELS

skip_unless_shared(ZOO, module=True)


@pytest.mark.parametrize("name", ENTRIES)
def test_zoo_entry(name):
    g, ins, exp, ms = load(name)
    missing = sorted({n.op for n in g.nodes if n.op not in KERNELS})
    if missing:
        pytest.skip(f"no reference kernel for {', '.join(missing)}")
    if name in REJECT:
        pytest.skip(f"rejected on purpose, checked by test_zoo_rejected: {REJECT[name][1]}")
    dyn = [g.tensors[i].describe() for i in g.inputs if any(d < 0 for d in g.tensors[i].shape)]
    if dyn:
        pytest.skip(f"input with a dynamic dimension ({', '.join(dyn)}): the reference runs static shapes")
    if name in XFAIL and _fails(g, ins, exp, ms, name):
        pytest.xfail(XFAIL[name])
    try:
        got = run(g, ins)
    except UnsupportedOpError as e:
        pytest.skip(f"reference kernel rejects it: {e}")
    want, label = target(name, exp, ms)
    assert want is not None, f"{name}: the file has no outputs for {label}"
    check(name, got, want, label)


def _fails(g, ins, exp, ms, name) -> bool:
    """True when the XFAIL entry indeed fails (an unexpected pass then runs the normal checks)."""
    try:
        got = run(g, ins)
    except Exception:  # noqa: BLE001 — any failure is the expected one for an XFAIL entry
        return True
    try:
        check(name, got, target(name, exp, ms)[0], "target")
    except AssertionError:
        return True
    return False


@pytest.mark.parametrize("name", sorted(REJECT))
def test_zoo_rejected(name):
    g, ins, _, _ = load(name)
    missing = sorted({n.op for n in g.nodes if n.op not in KERNELS})
    if missing:
        pytest.skip(f"no reference kernel for {', '.join(missing)}")
    with pytest.raises(UnsupportedOpError, match=REJECT[name][0]):
        run(g, ins)


def test_target_lists_name_real_entries():
    for table in (MS_TARGET, XFAIL, REJECT):
        unknown = sorted(set(table) - set(ENTRIES))
        assert not unknown, f"not in the zoo: {unknown}"
    assert not set(MS_TARGET) & set(XFAIL) and not set(MS_TARGET) & set(REJECT)
