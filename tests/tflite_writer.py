"""A tiny TFLite writer for tests, on the flatbuffers builder functions of the ``tflite``
package (``tflite.ModelStart`` ...): tensors, constants, builtin/custom operators with their
options, one subgraph.

    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 4, 4, 2))
    k = w.const("perm", np.array([0, 3, 1, 2], np.int32))
    y = w.tensor("y", "FLOAT32", (1, 2, 4, 4))
    w.op("TRANSPOSE", [x, k], [y])
    data = w.build(outputs=[y])
"""
from __future__ import annotations

import flatbuffers
import numpy as np
import tflite
from tflite.utils import BUILTIN_OPCODE2NAME

_CODES = {v: k for k, v in BUILTIN_OPCODE2NAME.items()}
_NP_TYPES = {"FLOAT32": np.float32, "FLOAT16": np.float16, "INT32": np.int32, "UINT8": np.uint8, "INT64": np.int64,
             "BOOL": np.bool_, "INT16": np.int16, "INT8": np.int8, "COMPLEX64": np.complex64}


class TfliteWriter:
    def __init__(self):
        self.tensors: list[dict] = []
        self.ops: list[dict] = []
        self.inputs: list[int] = []

    def tensor(self, name: str, dtype: str, shape, data: bytes | None = None, quant=None) -> int:
        """A tensor; ``quant`` = (scales, zero_points[, axis]) (scalars for per-tensor)."""
        self.tensors.append(dict(name=name, type=getattr(tflite.TensorType, dtype), shape=list(shape), data=data,
                                 quant=quant))
        return len(self.tensors) - 1

    def input(self, name: str, dtype: str, shape, quant=None) -> int:
        i = self.tensor(name, dtype, shape, quant=quant)
        self.inputs.append(i)
        return i

    def const(self, name: str, array: np.ndarray, dtype: str | None = None, quant=None) -> int:
        array = np.asarray(array)
        dtype = dtype or next(k for k, v in _NP_TYPES.items() if np.dtype(v) == array.dtype)
        return self.tensor(name, dtype, array.shape, array.astype(array.dtype.newbyteorder("<")).tobytes(), quant)

    def op(self, builtin: str, inputs, outputs, options: str | None = None, custom: str | None = None, **fields):
        """An operator; ``options`` = the options table name (``"Conv2DOptions"``), ``fields`` its
        fields in CamelCase (``Padding=1``, ``StrideW=2``; lists become int32 vectors)."""
        self.ops.append(dict(builtin=builtin, inputs=list(inputs), outputs=list(outputs), options=options,
                             fields=fields, custom=custom))

    # ---------------------------------------------------------------- serialisation
    def build(self, outputs, inputs=None) -> bytes:
        b = flatbuffers.Builder(1024)
        codes = []
        for o in self.ops:
            key = (o["builtin"], o["custom"])
            if key not in codes:
                codes.append(key)
        code_offs = []
        for builtin, custom in codes:
            cs = b.CreateString(custom) if custom else None
            tflite.OperatorCodeStart(b)
            code = _CODES[builtin]
            tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, 127))
            tflite.OperatorCodeAddBuiltinCode(b, code)
            if cs is not None:
                tflite.OperatorCodeAddCustomCode(b, cs)
            tflite.OperatorCodeAddVersion(b, 1)
            code_offs.append(tflite.OperatorCodeEnd(b))
        buffers = [None] + [t["data"] for t in self.tensors]
        buf_offs = []
        for data in buffers:
            vec = b.CreateNumpyVector(np.frombuffer(data, np.uint8)) if data else None
            tflite.BufferStart(b)
            if vec is not None:
                tflite.BufferAddData(b, vec)
            buf_offs.append(tflite.BufferEnd(b))
        t_offs = []
        for i, t in enumerate(self.tensors):
            name = b.CreateString(t["name"])
            shape = _ints(b, t["shape"])
            q = _quant(b, t["quant"]) if t["quant"] is not None else None
            tflite.TensorStart(b)
            tflite.TensorAddName(b, name)
            tflite.TensorAddShape(b, shape)
            tflite.TensorAddType(b, t["type"])
            tflite.TensorAddBuffer(b, i + 1 if t["data"] else 0)
            if q is not None:
                tflite.TensorAddQuantization(b, q)
            t_offs.append(tflite.TensorEnd(b))
        op_offs = []
        for o in self.ops:
            opt = _options(b, o["options"], o["fields"]) if o["options"] else None
            ins, outs = _ints(b, o["inputs"]), _ints(b, o["outputs"])
            tflite.OperatorStart(b)
            tflite.OperatorAddOpcodeIndex(b, codes.index((o["builtin"], o["custom"])))
            tflite.OperatorAddInputs(b, ins)
            tflite.OperatorAddOutputs(b, outs)
            if opt is not None:
                tflite.OperatorAddBuiltinOptionsType(b, getattr(tflite.BuiltinOptions, o["options"]))
                tflite.OperatorAddBuiltinOptions(b, opt)
            op_offs.append(tflite.OperatorEnd(b))
        tensors_vec = _offsets(b, t_offs)
        ops_vec = _offsets(b, op_offs)
        sg_in = _ints(b, self.inputs if inputs is None else inputs)
        sg_out = _ints(b, outputs)
        tflite.SubGraphStart(b)
        tflite.SubGraphAddTensors(b, tensors_vec)
        tflite.SubGraphAddOperators(b, ops_vec)
        tflite.SubGraphAddInputs(b, sg_in)
        tflite.SubGraphAddOutputs(b, sg_out)
        sg = tflite.SubGraphEnd(b)
        codes_vec = _offsets(b, code_offs)
        subgraphs = _offsets(b, [sg])
        bufs = _offsets(b, buf_offs)
        tflite.ModelStart(b)
        tflite.ModelAddVersion(b, 3)
        tflite.ModelAddOperatorCodes(b, codes_vec)
        tflite.ModelAddSubgraphs(b, subgraphs)
        tflite.ModelAddBuffers(b, bufs)
        b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
        return bytes(b.Output())


def _ints(b, values) -> int:
    b.StartVector(4, len(values), 4)
    for v in reversed(values):
        b.PrependInt32(int(v))
    return b.EndVector()


def _offsets(b, offs) -> int:
    b.StartVector(4, len(offs), 4)
    for o in reversed(offs):
        b.PrependUOffsetTRelative(o)
    return b.EndVector()


def _quant(b, quant) -> int:
    scales, zps = np.atleast_1d(quant[0]).astype(np.float32), np.atleast_1d(quant[1]).astype(np.int64)
    axis = quant[2] if len(quant) > 2 else 0
    s = b.CreateNumpyVector(scales)
    z = b.CreateNumpyVector(zps)
    tflite.QuantizationParametersStart(b)
    tflite.QuantizationParametersAddScale(b, s)
    tflite.QuantizationParametersAddZeroPoint(b, z)
    tflite.QuantizationParametersAddQuantizedDimension(b, axis)
    return tflite.QuantizationParametersEnd(b)


def _options(b, table: str, fields: dict) -> int:
    vecs = {k: _ints(b, v) for k, v in fields.items() if isinstance(v, (list, tuple))}
    getattr(tflite, f"{table}Start")(b)
    for k, v in fields.items():
        getattr(tflite, f"{table}Add{k}")(b, vecs.get(k, v))
    return getattr(tflite, f"{table}End")(b)
