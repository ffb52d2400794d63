#!/usr/bin/python3
"""Writes the example networks of opsgi from PyTorch 1.13 (Debian python3-torch).

    /usr/bin/python3 examples/generate.py

For every example: <name>/model.json (the opsgi network description), <name>/weights/<layer>.<param>.npy
(the PyTorch state_dict, float32), <name>/input.npy, <name>/expected.npy (PyTorch's output in eval mode)
and <name>/expected.json (PyTorch's parameter count and the output shape). Also known_parameter_counts.json:
parameter counts of single layers and blocks, as PyTorch counts them.

One layer list per example is the single source of truth: the same list is written as model.json and
built as a PyTorch module, so the description and the reference cannot drift apart. Batch norm running
statistics are calibrated on random batches (as training would set them) and the affine parameters are
drawn away from 1 and 0, so every layer computes something. Deterministic: fixed seeds, one thread,
JSON keys in a fixed order; two runs write byte-identical files.
"""
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import hashlib
import io
import json
import shutil

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.abspath(__file__))
SEED = 2024


# ---------------------------------------------------------------------------------------------
# Layer lists -> PyTorch modules
# ---------------------------------------------------------------------------------------------

ACTIVATIONS = {"relu": nn.ReLU, "relu6": nn.ReLU6, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "silu": nn.SiLU,
               "hardswish": nn.Hardswish}


def module(layer):
    """The torch module of one layer spec, built from the same attributes model.json holds."""
    t, a = layer["type"], {k: v for k, v in layer.items() if k not in ("name", "type", "inputs")}
    if t == "conv2d":
        return nn.Conv2d(a["in_channels"], a["out_channels"], a["kernel_size"], stride=a.get("stride", 1), padding=a.get("padding", 0),
                         dilation=a.get("dilation", 1), groups=a.get("groups", 1), bias=a.get("bias", True))
    if t == "conv_transpose2d":
        return nn.ConvTranspose2d(a["in_channels"], a["out_channels"], a["kernel_size"], stride=a.get("stride", 1),
                                  padding=a.get("padding", 0), output_padding=a.get("output_padding", 0), groups=a.get("groups", 1),
                                  bias=a.get("bias", True), dilation=a.get("dilation", 1))
    if t == "batch_norm":
        return nn.BatchNorm2d(a["num_features"], eps=a.get("eps", 1e-5))
    if t == "linear":
        return nn.Linear(a["in_features"], a["out_features"], bias=a.get("bias", True))
    if t == "max_pool2d":
        return nn.MaxPool2d(a["kernel_size"], stride=a.get("stride"), padding=a.get("padding", 0))
    if t == "global_avg_pool2d":
        return nn.AdaptiveAvgPool2d(1)
    if t == "flatten":
        return nn.Flatten(a.get("start_dim", 1), a.get("end_dim", -1))
    if t == "dropout":
        return nn.Dropout(a.get("p", 0.5))
    if t == "upsample":
        scale = a.get("scale_factor")
        return nn.Upsample(size=a.get("size"), scale_factor=tuple(scale) if isinstance(scale, list) else scale, mode=a.get("mode", "nearest"),
                           align_corners=a.get("align_corners"))
    if t == "add":
        return None
    if t in ACTIVATIONS:
        return ACTIVATIONS[t]()
    raise ValueError(f"no torch module for layer type {t}")


class Graph(nn.Module):
    """Runs a layer list as opsgi does: each layer reads the one before it unless 'inputs' names others."""

    def __init__(self, layers):
        super().__init__()
        self.layers = layers
        self.mods = nn.ModuleDict()
        for l in layers:
            m = module(l)
            if m is not None:
                self.mods[l["name"]] = m

    def forward(self, x):
        values, last = {"input": x}, "input"
        for l in self.layers:
            ins = [values[n] for n in l.get("inputs", [last])]
            values[l["name"]] = ins[0] + ins[1] if l["type"] == "add" else self.mods[l["name"]](ins[0])
            last = l["name"]
        return values[last]


def conv(name, cin, cout, k, **kw):
    return {"name": name, "type": "conv2d", "in_channels": cin, "out_channels": cout, "kernel_size": k, **kw}


def bn(name, c):
    return {"name": name, "type": "batch_norm", "num_features": c}


def act(name, t="relu"):
    return {"name": name, "type": t}


def cbr(i, cin, cout, **kw):
    """Conv-BN-ReLU, the conv without bias (the batch norm's shift replaces it)."""
    return [conv(f"conv{i}", cin, cout, 3, padding=1, bias=False, **kw), bn(f"bn{i}", cout), act(f"relu{i}")]


# ---------------------------------------------------------------------------------------------
# The examples
# ---------------------------------------------------------------------------------------------

def person_detector():
    """Conv-BN-ReLU blocks 3->64->64, pool, 64->128->128, pool, 128->256 stride 2, 256->256, global average pool, flatten, linear 256->2."""
    return ([*cbr(1, 3, 64), *cbr(2, 64, 64), {"name": "pool1", "type": "max_pool2d", "kernel_size": 2},
             *cbr(3, 64, 128), *cbr(4, 128, 128), {"name": "pool2", "type": "max_pool2d", "kernel_size": 2},
             *cbr(5, 128, 256, stride=2), *cbr(6, 256, 256),
             {"name": "gap", "type": "global_avg_pool2d"}, {"name": "flatten", "type": "flatten"},
             {"name": "fc", "type": "linear", "in_features": 256, "out_features": 2}], (1, 3, 224, 224))


def resnet_basic_block():
    """ResNet's basic block (64 channels, stride 1): conv3x3-BN-ReLU-conv3x3-BN, plus the input, ReLU."""
    return ([conv("conv1", 64, 64, 3, padding=1, bias=False), bn("bn1", 64), act("relu1"),
             conv("conv2", 64, 64, 3, padding=1, bias=False), bn("bn2", 64),
             {"name": "residual", "type": "add", "inputs": ["bn2", "input"]}, act("relu2")], (1, 64, 14, 14))


def resnet_bottleneck_block():
    """ResNet's bottleneck 256->64->64->256 (1x1, 3x3, 1x1 convs with batch norm), plus the input, ReLU."""
    return ([conv("conv1", 256, 64, 1, bias=False), bn("bn1", 64), act("relu1"),
             conv("conv2", 64, 64, 3, padding=1, bias=False), bn("bn2", 64), act("relu2"),
             conv("conv3", 64, 256, 1, bias=False), bn("bn3", 256),
             {"name": "residual", "type": "add", "inputs": ["bn3", "input"]}, act("relu3")], (1, 256, 14, 14))


def mobilenet_v2_inverted_residual():
    """MobileNetV2's inverted residual (32 channels, expansion 6, stride 1): 1x1 expand, 3x3 depthwise, 1x1 project, plus the input."""
    return ([conv("expand", 32, 192, 1, bias=False), bn("expand_bn", 192), act("expand_relu6", "relu6"),
             conv("depthwise", 192, 192, 3, padding=1, groups=192, bias=False), bn("depthwise_bn", 192), act("depthwise_relu6", "relu6"),
             conv("project", 192, 32, 1, bias=False), bn("project_bn", 32),
             {"name": "residual", "type": "add", "inputs": ["project_bn", "input"]}], (1, 32, 14, 14))


def unet_up_transposed():
    """A U-Net decoder step: transposed conv 4/2/1 doubles the plane (64->32 channels), then conv3x3-BN-ReLU."""
    return ([{"name": "up", "type": "conv_transpose2d", "in_channels": 64, "out_channels": 32, "kernel_size": 4, "stride": 2, "padding": 1},
             bn("up_bn", 32), act("up_relu"), *cbr(1, 32, 32)], (1, 64, 8, 8))


def unet_up_bilinear():
    """A U-Net decoder step: bilinear upsample x2 (align_corners=False), then conv3x3-BN-ReLU twice (64->32->32)."""
    return ([{"name": "up", "type": "upsample", "scale_factor": 2, "mode": "bilinear", "align_corners": False},
             *cbr(1, 64, 32), *cbr(2, 32, 32)], (1, 64, 8, 8))


def classifier_head():
    """A classifier head on a 4x4 feature map: flatten (keeping the batch), dropout, linear, ReLU, dropout, linear."""
    return ([{"name": "flatten", "type": "flatten"}, {"name": "drop1", "type": "dropout", "p": 0.2},
             {"name": "fc1", "type": "linear", "in_features": 1024, "out_features": 64}, act("relu"),
             {"name": "drop2", "type": "dropout", "p": 0.5},
             {"name": "fc2", "type": "linear", "in_features": 64, "out_features": 10}], (1, 64, 4, 4))


EXAMPLES = [person_detector, resnet_basic_block, resnet_bottleneck_block, mobilenet_v2_inverted_residual, unet_up_transposed,
            unet_up_bilinear, classifier_head]


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def npy(tensor):
    a = tensor.detach().contiguous().numpy().astype("<f4", copy=False)
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=(1, 0), allow_pickle=False)
    return buf.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def jsonb(obj):
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode()


def model_json(name, doc, shape, layers):
    """model.json for a person to read: one layer per line, its name and type first (insertion order is deterministic)."""
    head = {"name": name, "description": doc, "input": list(shape), "weights": {"npy": "weights"}}
    lines = [("{" if i == 0 else " ") + f"{json.dumps(k)}: {json.dumps(v)}," for i, (k, v) in enumerate(head.items())]
    lines.append(' "layers": [')
    lines += ["  " + json.dumps(l) + ("," if i < len(layers) - 1 else "") for i, l in enumerate(layers)]
    lines.append(" ]}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == {**head, "layers": layers}
    return text.encode()


def calibrate(model, shape, g):
    """Sets the batch norm running statistics as training would (cumulative average over random batches), then
    draws the affine parameters away from 1 and 0."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn((max(2, shape[0]),) + tuple(shape[1:]), generator=g))
        for m in bns:
            m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
            m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            m.momentum = 0.1
    model.eval()


def example(fn):
    name = fn.__name__
    layers, shape = fn()
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED + sum(map(ord, name)))
    model = Graph(layers)
    calibrate(model, shape, g)
    x = torch.randn(shape, generator=g)
    with torch.no_grad():
        y = model(x)
    files = {}
    for key, t in model.state_dict().items():
        layer, param = key[len("mods."):].rsplit(".", 1)
        if param == "num_batches_tracked":
            continue  # a step counter, not used at inference
        files[f"{name}/weights/{layer}.{param}.npy"] = npy(t)
    doc = (fn.__doc__ or "").strip()
    files[f"{name}/model.json"] = model_json(name, doc, shape, layers)
    files[f"{name}/input.npy"] = npy(x)
    files[f"{name}/expected.npy"] = npy(y)
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked"))
    files[f"{name}/expected.json"] = jsonb({"torch_version": torch.__version__, "parameters": params, "buffers": buffers,
                                            "output_shape": list(y.shape), "max_abs_output": float(y.abs().max())})
    return files, (name, params, list(y.shape))


def known_parameter_counts():
    """Parameter counts PyTorch gives for single layers and blocks the issue names."""
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    separable = nn.Sequential(nn.Conv2d(256, 256, 3, padding=1, groups=256, bias=False), nn.Conv2d(256, 256, 1, bias=False))
    return {
        "conv2d_3_64_k7": count(nn.Conv2d(3, 64, 7)),
        "conv2d_64_128_k3": count(nn.Conv2d(64, 128, 3)),
        "conv2d_512_512_k3": count(nn.Conv2d(512, 512, 3)),
        "depthwise_separable_256_k3_no_bias": count(separable),
        "conv2d_256_256_k3": count(nn.Conv2d(256, 256, 3, padding=1)),
        "resnet_bottleneck_256_64_64_256_bn": count(Graph(resnet_bottleneck_block()[0])),
        "person_detector": count(Graph(person_detector()[0])),
    }


def main():
    torch.set_num_threads(1)
    for entry in sorted(os.listdir(ROOT)):
        path = os.path.join(ROOT, entry)
        if os.path.isdir(path) and os.path.exists(os.path.join(path, "model.json")):
            shutil.rmtree(path)
    files, rows = {}, []
    for fn in EXAMPLES:
        f, row = example(fn)
        files.update(f)
        rows.append(row)
    files["known_parameter_counts.json"] = jsonb(known_parameter_counts())
    digest, total = hashlib.sha256(), 0
    for rel in sorted(files):
        write(os.path.join(ROOT, rel), files[rel])
        digest.update(rel.encode() + hashlib.sha256(files[rel]).digest())
        total += len(files[rel])
    for name, params, out in rows:
        print(f"{name:<34} {params:>10,} parameters  output {out}")
    print(f"torch {torch.__version__}, {len(files)} files, {total:,} bytes, content sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
