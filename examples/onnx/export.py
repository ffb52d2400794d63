#!/usr/bin/python3
"""Exports whole models to ONNX with torch.onnx.export (PyTorch 1.13, torchvision 0.14), with an input
and PyTorch's output, for opsgi's ONNX importer to be proven against.

    /usr/bin/python3 examples/onnx/export.py           # the small models, committed (CI runs them)
    /usr/bin/python3 examples/onnx/export.py --only two_heads_c10   # only the named small model(s), the others left alone
    /usr/bin/python3 examples/onnx/export.py --full    # instead: ResNet-18, MobileNetV2, SqueezeNet 1.1 at full
                                                       # size into examples/onnx/full/ (git-ignored, ~80 MB)
    /usr/bin/python3 examples/onnx/export.py --bench   # --full plus batch-8 files and the shipped examples
                                                       # (full/example_<name>/) for benchmarks/run-models

Every model is built with random weights (nothing is downloaded): torchvision's own initialisation
under a fixed seed, then batch-norm running statistics calibrated as training would set them (a few
forward passes in train mode on random batches, cumulative average) and the affine parameters drawn
away from 1 and 0, then eval mode. Each model is exported at torch's default opset (14) as model.onnx
and/or at opset 11 as model.opset11.onnx (which, per model: SMALL, SHIPPED, FULL) (batch 1; --bench adds model.b8.onnx, batch 8, default opset),
(opset 11 keeps batch norms as BatchNormalization nodes, see onnx_bytes), with input.npy and expected.npy (PyTorch's output for that input, eval mode, one thread) and
expected.json (torch version, opsets, output shape, parameter count). A model with several outputs
(two_heads_c10) has expected.0.npy, expected.1.npy, ... instead, one per graph output in the graph's order (what
`./opsgi run --expected` takes, one per output), and expected.json lists output_names and output_shapes.

Deterministic: fixed seeds, one thread; two runs on one kind of CPU write byte-identical files (the sha256
printed at the end). Another kind writes other last bits (PyTorch picks its kernels per CPU: AVX2 or
AVX-512, and the batch-norm calibration runs on them), so --full and --bench leave the committed small set
alone. The shipped examples/ networks are exported from the module examples/generate.py builds, with the
committed weights, and their output is checked against the committed expected.npy.
"""
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":  # examples/generate.py, imported below, wants it too
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import argparse
import hashlib
import io
import json
import shutil

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)
sys.path.insert(0, EXAMPLES)
import generate as shipped  # noqa: E402  examples/generate.py: the shipped example networks

SEED = 1402
DEFAULT_OPSET = torch.onnx._constants.ONNX_DEFAULT_OPSET
BOTH = {"model.onnx": DEFAULT_OPSET, "model.opset11.onnx": 11}
DEFAULT = {"model.onnx": DEFAULT_OPSET}
OPSET11 = {"model.opset11.onnx": 11}
# LayerNorm is exported as ReduceMean/Sub/Pow/Sqrt/Div before opset 17, as LayerNormalization from 17.
WITH_OPSET17 = {"model.onnx": DEFAULT_OPSET, "model.opset11.onnx": 11, "model.opset17.onnx": 17}
# Shipped examples exported as ONNX, with the opsets committed for each (the committed files stay ~6 MB;
# both opsets where the exporter writes them differently: Resize, Clip).
SHIPPED = {"resnet_bottleneck_block": OPSET11, "mobilenet_v2_inverted_residual": BOTH, "unet_up_bilinear": BOTH,
           "classifier_head": DEFAULT}


class UNet(nn.Module):
    """A small U-Net: two encoder levels, a transposed-conv up step and a bilinear up step (F.interpolate,
    align_corners=False), each concatenated with its skip, plus a coarse head upsampled with nearest
    (F.interpolate x4) and added to the fine one."""

    def __init__(self, cin=3, cout=2, w=16):
        super().__init__()
        cbr = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())  # noqa: E731
        self.e1, self.e2, self.mid = cbr(cin, w), cbr(w, 2 * w), cbr(2 * w, 4 * w)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2)
        self.d2 = cbr(4 * w, 2 * w)
        self.d1 = cbr(3 * w, w)
        self.fine = nn.Conv2d(w, cout, 1)
        self.coarse = nn.Conv2d(4 * w, cout, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool2d(e1, 2))
        mid = self.mid(F.max_pool2d(e2, 2))
        d2 = self.d2(torch.cat([self.up2(mid), e2], 1))
        d1 = self.d1(torch.cat([F.interpolate(d2, scale_factor=2, mode="bilinear", align_corners=False), e1], 1))
        return self.fine(d1) + F.interpolate(self.coarse(mid), scale_factor=4, mode="nearest")


class TwoHeads(nn.Module):
    """A tiny CNN returning (features, logits), as detectors and feature extractors do: features is the second
    conv's output before its ReLU (a value a fused plan would fold into the conv's epilogue), read again by the
    head (conv, ReLU, global average pool, Linear)."""
    OUTPUT_NAMES = ["features", "logits"]

    def __init__(self, cin=3, w=8, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU())
        self.down = nn.Sequential(nn.Conv2d(w, 2 * w, 3, padding=1, stride=2, bias=False), nn.BatchNorm2d(2 * w))
        self.head = nn.Sequential(nn.ReLU(), nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(2 * w, classes))

    def forward(self, x):
        features = self.down(self.stem(x))
        return features, self.head(features)


def torchvision_model(name, **kw):
    return getattr(torchvision.models, name)(weights=None, **kw)


def convnext_small():
    """torchvision's ConvNeXt reduced: the 4x4 stem with its channel LayerNorm, one block at 32 channels (7x7
    depthwise conv, NHWC LayerNorm, Linear 4x, GELU, Linear, layer scale), the downsample (LayerNorm, 2x2 conv),
    one block at 64, the head (pool, LayerNorm, Linear). The layer scales (1e-6 at initialisation, which would
    hide the blocks) are drawn around 1."""
    from torchvision.models.convnext import CNBlockConfig, ConvNeXt
    model = ConvNeXt([CNBlockConfig(32, 64, 1), CNBlockConfig(64, None, 1)], stochastic_depth_prob=0.0, num_classes=10)
    g = torch.Generator().manual_seed(SEED + 17)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layer_scale"):
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)
    return model


# name -> (constructor, input shape, opsets). Small: committed and run by CI (10 classes and a smaller input keep
# them a few MB; the architecture is torchvision's). Full: regenerated by --full, run by a documented command.
SMALL = {
    "squeezenet1_1_c10": (lambda: torchvision_model("squeezenet1_1", num_classes=10), (1, 3, 128, 128), DEFAULT),
    "mobilenet_v2_w035_c10": (lambda: torchvision_model("mobilenet_v2", width_mult=0.35, num_classes=10), (1, 3, 96, 96), OPSET11),
    "unet_small": (lambda: UNet(), (1, 3, 64, 64), BOTH),
    "convnext_small_c10": (convnext_small, (1, 3, 64, 64), WITH_OPSET17),
    "two_heads_c10": (lambda: TwoHeads(), (1, 3, 32, 32), BOTH),
}
# The shipped examples/ networks as whole-model benchmarks (--bench: into full/example_<name>/, with batch-8 files).
BENCH_EXAMPLES = ["person_detector", "resnet_basic_block", "resnet_bottleneck_block", "mobilenet_v2_inverted_residual",
                  "unet_up_transposed", "unet_up_bilinear", "classifier_head"]
FULL = {
    "resnet18": (lambda: torchvision_model("resnet18"), (1, 3, 224, 224), BOTH),
    "mobilenet_v2": (lambda: torchvision_model("mobilenet_v2"), (1, 3, 224, 224), BOTH),
    "squeezenet1_1": (lambda: torchvision_model("squeezenet1_1"), (1, 3, 224, 224), BOTH),
    "unet": (lambda: UNet(w=32), (1, 3, 256, 256), BOTH),
}


def calibrate(model, shape, g):
    """Batch-norm running statistics as training sets them (cumulative average over random batches of 2),
    affine parameters away from 1 and 0; then eval mode (the same recipe as examples/generate.py)."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn((2,) + tuple(shape[1:]), generator=g))
        for m in bns:
            m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
            m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            m.momentum = 0.1
        for m in model.modules():  # LayerNorm's affine parameters away from 1 and 0 too
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
    model.eval()


def npy(tensor):
    a = tensor.detach().contiguous().numpy().astype("<f4", copy=False)
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=(1, 0), allow_pickle=False)
    return buf.getvalue()


def onnx_bytes(model, x, opset):
    """At the default opset torch's default export (batch norm folded into the conv before it); at opset 11 with
    training=PRESERVE (the model is in eval mode), which keeps every batch norm a BatchNormalization node."""
    buf = io.BytesIO()
    mode = torch.onnx.TrainingMode.EVAL if opset == DEFAULT_OPSET else torch.onnx.TrainingMode.PRESERVE
    names = getattr(model, "OUTPUT_NAMES", ["output"])
    torch.onnx.export(model, (x,), buf, opset_version=opset, input_names=["input"], output_names=names,
                      do_constant_folding=True, training=mode)
    return buf.getvalue()


def jsonb(obj):
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode()


def export(name, model, x, opsets, bench=False):
    """The files of one model (relative to its folder)."""
    with torch.no_grad():
        y = model(x)
    files = {f: onnx_bytes(model, x, opset) for f, opset in opsets.items()}
    files["input.npy"] = npy(x)
    if isinstance(y, tuple):  # several outputs: one file each, in the graph's order
        for i, t in enumerate(y):
            files[f"expected.{i}.npy"] = npy(t)
        shapes = {"output_names": model.OUTPUT_NAMES, "output_shapes": [list(t.shape) for t in y]}
        y = y[0]
    else:
        files["expected.npy"] = npy(y)
        shapes = {"output_shape": list(y.shape)}
    meta = {"torch_version": torch.__version__, "torchvision_version": torchvision.__version__,
            "opsets": dict(opsets), "input_shape": list(x.shape), **shapes,
            "parameters": sum(p.numel() for p in model.parameters()), "max_abs_output": float(y.abs().max())}
    if bench:
        x8 = torch.randn((8,) + tuple(x.shape[1:]), generator=torch.Generator().manual_seed(SEED + 8))
        with torch.no_grad():
            y8 = model(x8)
        files["model.b8.onnx"] = onnx_bytes(model, x8, DEFAULT_OPSET)
        files["input.b8.npy"] = npy(x8)
        files["expected.b8.npy"] = npy(y8)
    files["expected.json"] = jsonb(meta)
    return files


def built(name, ctor, shape):
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED + sum(map(ord, name)))
    model = ctor()
    calibrate(model, shape, g)
    return model, torch.randn(shape, generator=g)


def shipped_example(name):
    """The shipped example as examples/generate.py builds it, with its committed weights and input."""
    layers, shape = getattr(shipped, name)()
    model = shipped.Graph(layers)
    state = {}
    for key in model.state_dict():
        layer, param = key[len("mods."):].rsplit(".", 1)
        path = os.path.join(EXAMPLES, name, "weights", f"{layer}.{param}.npy")
        state[key] = torch.from_numpy(np.load(path)) if os.path.exists(path) else model.state_dict()[key]
    model.load_state_dict(state)
    model.eval()
    x = torch.from_numpy(np.load(os.path.join(EXAMPLES, name, "input.npy")))
    with torch.no_grad():
        y = model(x)
    want = np.load(os.path.join(EXAMPLES, name, "expected.npy"))
    # Not bit for bit: PyTorch picks its conv kernels per CPU (AVX2 or AVX-512), which changes the sums' order and the
    # last bits (person_detector: 1.2e-7 of 0.36 on an AVX2 machine); another network would differ by far more.
    err = float(np.abs(y.numpy() - want).max())
    assert err <= 1e-5 * float(np.abs(want).max()), f"{name}: the module does not reproduce examples/{name}/expected.npy (max error {err})"
    return model, x


def write_all(root, models):
    digest, total = hashlib.sha256(), 0
    for name, files in models.items():
        folder = os.path.join(root, name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        for f in sorted(files):
            with open(os.path.join(folder, f), "wb") as out:
                out.write(files[f])
            digest.update(f"{name}/{f}".encode() + hashlib.sha256(files[f]).digest())
            total += len(files[f])
        meta = json.loads(files["expected.json"])
        outputs = meta.get("output_shape") or meta["output_shapes"]
        print(f"{name:<32} {meta['parameters']:>11,} parameters  input {meta['input_shape']}  output {outputs}"
              f"  {sum(len(v) for k, v in files.items() if k.endswith('.onnx')):>11,} bytes of .onnx")
    return digest, total


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--full", action="store_true", help="also the full-size torchvision models into examples/onnx/full/")
    p.add_argument("--bench", action="store_true", help="--full plus batch-8 files")
    p.add_argument("--only", nargs="+", metavar="NAME", choices=sorted(list(SMALL) + ["example_" + n for n in SHIPPED]),
                   help="only these small models (folder names); the other committed folders are left alone")
    args = p.parse_args()
    torch.set_num_threads(1)
    if not (args.full or args.bench):
        small = {}
        for name, (ctor, shape, opsets) in SMALL.items():
            if not args.only or name in args.only:
                small[name] = export(name, *built(name, ctor, shape), opsets)
        for name, opsets in SHIPPED.items():
            if not args.only or "example_" + name in args.only:
                small["example_" + name] = export(name, *shipped_example(name), opsets)
        digest, total = write_all(HERE, small)
        print(f"small: torch {torch.__version__}, {total:,} bytes, content sha256 {digest.hexdigest()}")
    else:
        full = {name: export(name, *built(name, ctor, shape), opsets, bench=args.bench) for name, (ctor, shape, opsets) in FULL.items()}
        if args.bench:
            full.update({"example_" + name: export(name, *shipped_example(name), DEFAULT, bench=True) for name in BENCH_EXAMPLES})
        digest, total = write_all(os.path.join(HERE, "full"), full)
        print(f"full: {total:,} bytes, content sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
