"""Load a model from any supported format into the IR: MindSpore Lite ``.ms``, TFLite
``.tflite`` and ONNX ``.onnx``, told apart by content (not by suffix).

``.ms`` is read by :mod:`micro_codegen.ms_model`; the importers (:mod:`.from_tflite`,
:mod:`.from_onnx`) turn the other formats into the same IR the official MindSpore Lite
converter would have written, so everything downstream is unchanged. The importers'
parser packages (``tflite``, ``onnx``) are imported only when such a file is loaded.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..errors import ModelFileError
from ..ir import Graph

#: format name -> what messages call it
FORMATS = {"ms": "MindSpore Lite (.ms)", "tflite": "TFLite (.tflite)", "onnx": "ONNX (.onnx)"}


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    """How ONNX models are imported (TFLite and .ms models have nothing to choose).

    ``input_layout``: ``"nchw"`` keeps 4-D graph inputs/outputs in their ONNX shape, with
    Transposes at the edges; ``"nhwc"`` makes them NHWC (no edge Transposes).
    ``input_shapes``: static shapes for graph inputs whose ONNX shape is dynamic."""

    input_layout: str = "nchw"
    input_shapes: Mapping[str, tuple[int, ...]] | None = None


_OPTIONS: contextvars.ContextVar[ImportOptions] = contextvars.ContextVar("import_options", default=ImportOptions())


@contextlib.contextmanager
def import_options(options: ImportOptions) -> Iterator[None]:
    """Within the block, every model loaded (by any api call) is imported with ``options``."""
    token = _OPTIONS.set(options)
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def sniff(data: bytes) -> str | None:
    """``"ms"``, ``"tflite"``, ``"onnx"`` or None: which format ``data`` holds, by content."""
    ident = bytes(data[4:8])
    if ident == b"MSL2":
        return "ms"
    if ident == b"TFL3":
        return "tflite"
    if _looks_like_onnx(data):
        return "onnx"
    return None


def _looks_like_onnx(data: bytes) -> bool:
    """A ModelProto starts with one of its fields' protobuf tags (ir_version, opset_import,
    producer_name, graph, ...) and parses as one with a graph."""
    if len(data) < 2 or data[0] not in (0x08, 0x12, 0x1a, 0x22, 0x2a, 0x32, 0x3a, 0x42):
        return False
    try:
        from onnx import ModelProto
    except ImportError:  # pragma: no cover - onnx is a dependency
        return False
    m = ModelProto()
    try:
        m.ParseFromString(data)
    except Exception:  # noqa: BLE001 - any protobuf decoding failure: not ONNX
        return False
    return m.HasField("graph")


def load_model(path: str | Path) -> Graph:
    """Read a ``.ms``, ``.tflite`` or ``.onnx`` file; raise :class:`ModelFileError` naming the file
    if it is none of them or is corrupt, :class:`UnsupportedOpError` if an importer cannot map a node."""
    from ..ms_model.reader import read_file
    path = Path(path)
    return load_bytes(read_file(path), str(path), base_dir=path.parent)


def load_bytes(data: bytes, source: str = "<bytes>", base_dir: Path | None = None) -> Graph:
    kind = sniff(data)
    if kind == "ms" or (kind is None and source.endswith(".ms")):
        from ..ms_model import read_bytes
        return read_bytes(data, source)   # its own message for a damaged .ms
    if kind is None:
        raise ModelFileError(f"{source}: not a model micro_codegen reads: the content is none of "
                             f"{', '.join(FORMATS.values())} (a .ms/.tflite file has its identifier "
                             f"MSL2/TFL3 at byte 4; an .onnx file is a ModelProto)")
    if kind == "tflite":
        from .from_tflite import read_tflite
        g = read_tflite(data, source)
    else:
        from .from_onnx import read_onnx
        opts = _OPTIONS.get()
        g = read_onnx(data, source, base_dir=base_dir, input_layout=opts.input_layout,
                      input_shapes=dict(opts.input_shapes) if opts.input_shapes else None)
    return dataclasses.replace(g, source=source, source_format=kind, sha256=hashlib.sha256(data).hexdigest())
