#!/usr/bin/python3
"""Writes ONNX's own backend node cases (onnx 1.12, Debian python3-onnx) for every op the opsgi
importer supports, in the vectors' format (FORMAT.md, "ONNX node cases").

    /usr/bin/python3 reference-vectors/onnx/generate.py

Every op folder and manifest.json next to this file is deleted and rewritten; two runs give
byte-identical files (onnx seeds numpy with 0 before each of its export functions).

The cases are onnx's, taken from the `expect(...)` calls of onnx/backend/test/case/node/<op>.py.
Each case's model is rewritten in two ways, both recorded in the case, and its bytes are
committed (`<case>.model.onnx`) so a replay imports exactly what was written:
- opsgi networks take one input, so every graph input after the first becomes an initializer
  holding the value onnx fed it (weights, shapes, scales, pads, the other operand);
- a case whose opset is below 9 (opsgi imports opsets 9 to 17) is written at opset 13, where the
  op has the very same definition (checked: its schema's since_version is unchanged).
Cases with a non-float32 tensor, a sequence or an optional are kept too (model only): the importer
must refuse them. Where casting to float32 changes nothing (pad, pools, clip move or compare
values), such an integer case also gets a float32 twin `<case>_as_float32`, so edge/reflect pad
are replayed although onnx ships them only for int32.

opsgi's own cases (own_cases.py: PyTorch-exported 1-D convolutions and pools with PyTorch's outputs,
Resize tf_crop_and_resize with onnx's reference outputs) are written into the same op folders after
onnx's, tagged `opsgi`, with an empty `onnx_name` and a `source`; their model bytes are as built there.
"""
import hashlib
import importlib
import json
import os
import re
import shutil
import sys

import numpy as np
import onnx
import onnx.backend.test.case.node as node_cases
from onnx import helper, numpy_helper

import own_cases

ROOT = os.path.dirname(os.path.abspath(__file__))
FORMAT_VERSION = 1
RAISED_OPSET = 13
MIN_OPSET, MAX_OPSET = 9, 17
DATA_LIMIT = 256 * 1024  # per case; only the 3-D pooling cases (750 KB) exceed it
NAME_RE = re.compile(r"[a-z0-9_]+\Z")

# ONNX op -> the module of onnx/backend/test/case/node holding its cases. LpPool has none in 1.12.
OPS = {
    "Conv": "conv", "ConvTranspose": "convtranspose", "MaxPool": "maxpool", "AveragePool": "averagepool",
    "GlobalAveragePool": "globalaveragepool", "GlobalMaxPool": "globalmaxpool", "LpPool": None,
    "BatchNormalization": "batchnorm", "Relu": "relu", "LeakyRelu": "leakyrelu", "Elu": "elu", "Selu": "selu",
    "Celu": "celu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softplus": "softplus", "Softsign": "softsign",
    "HardSigmoid": "hardsigmoid", "HardSwish": "hardswish", "PRelu": "prelu", "Clip": "clip",
    "Softmax": "softmax", "LogSoftmax": "logsoftmax", "Gemm": "gemm", "MatMul": "matmul", "Add": "add",
    "Sub": "sub", "Mul": "mul", "Div": "div", "Concat": "concat", "Flatten": "flatten", "Reshape": "reshape",
    "Transpose": "transpose", "Resize": "resize", "Upsample": "upsample", "Pad": "pad", "Identity": "identity",
    "Dropout": "dropout", "Split": "split", "Sqrt": "sqrt", "Erf": "erf", "Pow": "pow", "ReduceMean": "reducemean",
    "LayerNormalization": "layernormalization", "InstanceNormalization": "instancenorm", "DepthToSpace": "depthtospace",
    "SpaceToDepth": "spacetodepth", "LRN": "lrn", "ReduceMax": "reducemax", "ReduceMin": "reducemin", "ReduceSum": "reducesum",
    "ReduceSumSquare": "reducesumsquare", "ReduceL2": "reducel2", "ReduceL1": "reducel1",
    "ReduceLogSum": "reduce_log_sum", "Expand": "expand", "Tile": "tile", "Slice": "slice", "Gather": "gather",
    "Abs": "abs", "Neg": "neg", "Reciprocal": "reciprocal", "Floor": "floor", "Ceil": "ceil", "Sign": "sign", "Exp": "exp", "Log": "log",
    "Max": "max", "Min": "min", "Sum": "sum", "Mean": "mean",
}
# Integer cases whose float32 twin has the same meaning: these ops only move, pick or compare values.
EXACT_IN_FLOAT = {"Pad", "MaxPool", "Clip"}


def collect():
    """onnx's node cases of OPS, in module order then onnx's order, without the `_expanded` function
    bodies (those test other ops). Modules are imported one by one: some others fail on numpy >= 1.24."""
    for module in sorted({m for m in OPS.values() if m}):
        importlib.import_module("onnx.backend.test.case.node." + module)
    by_op = {op: [] for op in OPS}
    for case in node_cases._NodeTestCases:
        op = case.model.graph.node[0].op_type
        if not case.name.endswith("_expanded") and op in by_op and len(case.model.graph.node) == 1:
            by_op[op].append(case)
    return by_op


def tensor_kind(value):
    if isinstance(value, list):
        return "sequence"
    if value is None:
        return "optional"
    return str(value.dtype)


def rewrite(case, name):
    """The case's model as opsgi replays it (see the module comment), and what was changed."""
    model = case.model
    graph = model.graph
    inputs, outputs = case.data_sets[0]
    changes = []
    graph_inputs = list(graph.input)
    initializers = []
    for vi, value in list(zip(graph_inputs, inputs))[1:]:
        if isinstance(value, np.generic):  # a scalar (Pad's value, Clip's bounds)
            value = np.asarray(value)
        if isinstance(value, np.ndarray):
            initializers.append(numpy_helper.from_array(value, vi.name))
    kept = graph_inputs[:1] + [vi for vi in graph_inputs[1:] if vi.name not in {t.name for t in initializers}]
    if initializers:
        changes.append("inputs " + ", ".join(t.name for t in initializers) + " became initializers")
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    op = graph.node[0].op_type
    if opset < MIN_OPSET:
        assert onnx.defs.get_schema(op, RAISED_OPSET).since_version == opset, (name, op, opset)
        changes.append(f"opset {opset} raised to {RAISED_OPSET} (same {op} definition)")
        opset = RAISED_OPSET
    new_graph = helper.make_graph(list(graph.node), name, kept, list(graph.output), initializer=initializers)
    new_model = helper.make_model_gen_version(new_graph, producer_name="opsgi-onnx-node-cases",
                                              opset_imports=[helper.make_operatorsetid("", opset)])
    onnx.checker.check_model(new_model)
    assert len(kept) == 1 or isinstance(inputs[1], list), (name, [vi.name for vi in kept])
    return new_model, opset, changes


def as_float32(case):
    """The float32 twin of an integer case of an op in EXACT_IN_FLOAT: the data inputs and outputs
    (and their declared types) cast to float32; integer shapes/pads stay as they are."""
    graph = case.model.graph
    inputs, outputs = case.data_sets[0]
    op = graph.node[0].op_type
    float_positions = {0} if op != "Clip" else set(range(len(inputs)))  # Clip's min/max share T
    new_inputs = [v.astype(np.float32) if i in float_positions else v for i, v in enumerate(inputs)]
    new_outputs = [v.astype(np.float32) for v in outputs]
    for v, cast in zip(inputs, new_inputs):
        if not np.array_equal(v.astype(np.float64), cast.astype(np.float64)):
            return None
    model = onnx.ModelProto()
    model.CopyFrom(case.model)
    for i, vi in enumerate(model.graph.input):
        if i in float_positions:
            vi.type.tensor_type.elem_type = onnx.TensorProto.FLOAT
    for vi in model.graph.output:
        vi.type.tensor_type.elem_type = onnx.TensorProto.FLOAT
    return type(case)(name=case.name + "_as_float32", model_name=case.model_name + "_as_float32", url=None,
                      model_dir=None, model=model, data_sets=[(new_inputs, new_outputs)], kind="node",
                      rtol=case.rtol, atol=case.atol)


def save(folder, file, array):
    np.save(os.path.join(folder, file), np.ascontiguousarray(array))
    return file


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    for entry in sorted(os.listdir(ROOT)):
        path = os.path.join(ROOT, entry)
        if os.path.isdir(path) and os.path.exists(os.path.join(path, "cases.json")):
            shutil.rmtree(path)
    by_op = collect()
    own_by_op = {op: [] for op in OPS}
    for c in own_cases.all_cases():
        own_by_op[c.op].append(c)
    names, digest, summary, ops = set(), hashlib.sha256(), [], []
    for op, cases in by_op.items():
        twins = [as_float32(c) for c in cases if op in EXACT_IN_FLOAT
                 and {tensor_kind(v) for v in list(c.data_sets[0][0]) + list(c.data_sets[0][1])} - {"float32", "int64"}]
        cases = cases + [t for t in twins if t is not None]
        if not cases and not own_by_op[op]:
            summary.append(f"{op:20s} no node case in onnx {onnx.__version__}")
            continue
        folder_name = op.lower()
        folder = os.path.join(ROOT, folder_name)
        os.makedirs(folder)
        records, replayed = [], 0
        for case in cases:
            name = (case.name[len("test_"):] if case.name.startswith("test_") else case.name).lower()
            base = name
            n = 2
            while name in names:  # onnx 1.12 names two Resize cases test_resize_tf_crop_and_resize
                name, n = f"{base}_{n}", n + 1
            assert NAME_RE.match(name), name
            names.add(name)
            inputs, outputs = case.data_sets[0]
            model, opset, changes = rewrite(case, name)
            record = {"name": name, "onnx_name": case.name, "onnx_op": op, "opset": opset,
                      "model": save_model(folder, name, model), "attrs": node_attrs(model.graph.node[0])}
            if changes:
                record["rewritten"] = changes
            if case.name.endswith("_as_float32"):
                record["tags"] = ["as_float32"]
            graph_input = model.graph.input[0]
            kinds = {tensor_kind(inputs[0])} | {tensor_kind(v) for v in outputs}
            size = sum(v.nbytes for v in [inputs[0]] + list(outputs) if isinstance(v, np.ndarray))
            if kinds == {"float32"} and size > DATA_LIMIT:
                record["data_omitted"] = f"{size} bytes of data (3-D pooling): the importer must refuse it"
            elif kinds == {"float32"}:
                record["inputs"] = {graph_input.name: save(folder, f"{name}.{graph_input.name}.npy", inputs[0])}
                record["expected"] = {vi.name: save(folder, f"{name}.{vi.name}.npy", v)
                                      for vi, v in zip(model.graph.output, outputs)}
                replayed += 1
            else:
                odd = sorted(kinds - {"float32"})
                record["not_float32"] = odd  # the importer must refuse it: FORMAT.md
            records.append(record)
        for case in own_by_op[op]:
            assert NAME_RE.match(case.name) and case.name not in names, case.name
            names.add(case.name)
            opset = next(o.version for o in case.model.opset_import if o.domain in ("", "ai.onnx"))
            record = {"name": case.name, "onnx_name": "", "onnx_op": op, "opset": opset, "source": case.source, "tags": ["opsgi"],
                      "model": save_model(folder, case.name, case.model),
                      "attrs": node_attrs(next(n for n in case.model.graph.node if n.op_type == op)),
                      "inputs": {"x": save(folder, f"{case.name}.x.npy", case.x)},
                      "expected": {"y": save(folder, f"{case.name}.y.npy", case.y)}}
            records.append(record)
        write_json(os.path.join(folder, "cases.json"), {"op": op, "cases": records})
        ops.append(folder_name)
        own = len(own_by_op[op])
        summary.append(f"{op:20s} {len(records) - own:3d} cases, {replayed:3d} float32 with data, "
                       f"{len(records) - own - replayed:3d} model only (refusal expected)" + (f"; {own:2d} of opsgi's own" if own else ""))
    write_json(os.path.join(ROOT, "manifest.json"),
               {"format_version": FORMAT_VERSION, "generated_by": "onnx/generate.py", "onnx_version": onnx.__version__,
                "ops": ops, "numpy_version": np.__version__})
    for folder_name in ["."] + ops:
        folder = os.path.join(ROOT, folder_name)
        for f in sorted(os.listdir(folder)):
            if os.path.isfile(os.path.join(folder, f)) and not f.endswith((".py", ".md")):
                with open(os.path.join(folder, f), "rb") as fh:
                    digest.update(f"{folder_name}/{f}".encode() + hashlib.sha256(fh.read()).digest())
    print("\n".join(summary))
    own = sum(len(v) for v in own_by_op.values())
    print(f"onnx {onnx.__version__}, {len(names) - own} of onnx's cases and {own} of opsgi's own, content sha256 {digest.hexdigest()}")


def save_model(folder, name, model):
    file = f"{name}.model.onnx"
    with open(os.path.join(folder, file), "wb") as f:
        f.write(model.SerializeToString())
    return file


def node_attrs(n):
    """The node's attributes for the human reader (the model bytes are what a replay reads)."""
    out = {}
    for a in n.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list):
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        elif isinstance(v, onnx.TensorProto):
            v = numpy_helper.to_array(v).tolist()
        out[a.name] = v
    return out


if __name__ == "__main__":
    sys.exit(main())
