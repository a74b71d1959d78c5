"""Build small ONNX models in tests and compare the imported graph with the ONNX reference.

    m = model([node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])], {"x": (1, 3, 8, 8)}, ["y"],
              {"w": rand(4, 3, 3, 3)})
    check(m, seed=0)        # imports, runs our reference and onnx.reference, compares
"""
from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from micro_codegen.importers.from_onnx import read_onnx
from micro_codegen.ms_model import read_bytes, write_bytes
from micro_codegen.ms_model.reader import validate
from micro_codegen.reference import run

_RNG = np.random.default_rng(1234)
node = helper.make_node


def rand(*shape, lo=-1.0, hi=1.0, dtype=np.float32) -> np.ndarray:
    """Seeded uniform data (one generator for the whole test module)."""
    return _RNG.uniform(lo, hi, size=shape).astype(dtype)


def model(nodes, inputs: dict, outputs, inits: dict | None = None, opset: int = 17,
          in_types: dict | None = None):
    """A one-graph ONNX model: ``inputs`` name -> shape (float32 unless ``in_types`` says
    otherwise), ``outputs`` names (types/shapes left to shape inference), ``inits`` name -> array."""
    in_types = in_types or {}
    g = helper.make_graph(
        nodes, "test",
        [helper.make_tensor_value_info(n, in_types.get(n, TensorProto.FLOAT), s) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.UNDEFINED, None) for n in outputs],
        [numpy_helper.from_array(np.asarray(a), n) for n, a in (inits or {}).items()])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def import_model(m, **kw):
    """read_onnx of ``m``'s bytes, checked to validate and round-trip through .ms bytes."""
    g = read_onnx(m.SerializeToString(), "<test>", None, **kw)
    validate(g)
    assert read_bytes(write_bytes(g), "<rt>") == g
    return g


def expected(m, feeds: dict) -> list[np.ndarray]:
    return ReferenceEvaluator(m).run(None, feeds)


def check(m, feeds: dict | None = None, atol=1e-5, rtol=1e-5, **kw):
    """Import ``m``, run it with our reference interpreter and with onnx.reference; compare.
    ``feeds`` default: seeded uniform [-1, 1] float inputs. Returns the imported graph."""
    if feeds is None:
        feeds = {vi.name: rand(*[d.dim_value for d in vi.type.tensor_type.shape.dim]) for vi in m.graph.input
                 if vi.name not in {t.name for t in m.graph.initializer}}
    g = import_model(m, **kw)
    nhwc = kw.get("input_layout") == "nhwc"
    ins = [np.transpose(a, (0, 2, 3, 1)) if nhwc and a.ndim == 4 else a for a in feeds.values()]
    got = run(g, ins)
    for k, (e, r) in enumerate(zip(expected(m, feeds), got)):
        if nhwc and np.ndim(e) == 4:
            e = np.transpose(e, (0, 2, 3, 1))
        r = np.asarray(r).reshape(np.shape(e))
        np.testing.assert_allclose(r.astype(np.float64), np.asarray(e).astype(np.float64), atol=atol, rtol=rtol,
                                   err_msg=f"output {k} ({m.graph.output[k].name})")
    return g


def ops(g) -> list[str]:
    return [n.op for n in g.nodes]
