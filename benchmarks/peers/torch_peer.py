#!/usr/bin/python3
"""The PyTorch side of the opsgi benchmarks (run by ../run through the Java harness, with /usr/bin/python3).

  export: writes one ONNX model per workload (torch.onnx.export; weights are initializers, so ONNX
          Runtime may pre-pack them as it would for a real model) and checks.json, the float64
          reference sum and sum|.| of every workload's output.
  time:   times PyTorch 1.13 on every workload at the given thread counts: warm up, then time calls
          one by one for a fixed budget, report the median (the method JMH's SampleTime mode uses).

Data follow workloads.json's data_init exactly; ../src/main/java/io/opsgi/benchmarks/DataInit.java is
the Java twin of fill() below. The checks let the Java side prove both produce the same tensors.
"""
import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

WEIGHT_SCALE = "2/sqrt(weight_shape[1]*kh*kw)"


def fill(n, seed, scale, offset=0.0):
    """fill(n, seed, scale)[i] = float32(((h(i, seed) / 2^32) - 0.5) * scale + offset), computed in float64,
    h(i, seed) = (i * 2654435761 + seed * 40503 + 12345) mod 2^32. The offset (running_var, bn weight) is
    added in float64 before the single rounding to float32."""
    i = np.arange(n, dtype=np.int64)  # i * 2654435761 < 2^63 for any tensor here
    h = (i * 2654435761 + seed * 40503 + 12345) % (1 << 32)
    return (((h.astype(np.float64) / 2.0 ** 32) - 0.5) * scale + offset).astype(np.float32)


def tensor(shape, spec, scale=None):
    n = int(np.prod(shape))
    s = spec["scale"] if scale is None else scale
    return torch.from_numpy(fill(n, spec["seed"], float(s), float(spec.get("offset", 0.0))).reshape(shape))


def inputs(w, init):
    """The workload's tensors by name, float32, exactly per data_init."""
    t = {"input": tensor(w["input_shape"], init["input"])}
    if w["op"] in ("conv2d", "conv_transpose2d"):
        if init["weight"]["scale"] != WEIGHT_SCALE:
            raise SystemExit("workloads.json changed the weight scale formula to %r: update fill() callers" % init["weight"]["scale"])
        ws = w["weight_shape"]
        t["weight"] = tensor(ws, init["weight"], 2.0 / math.sqrt(ws[1] * w["kh"] * w["kw"]))
        if w.get("bias"):
            t["bias"] = tensor([w["K"]], init["bias"])
    if w["op"] == "batch_norm":
        for name in ("running_mean", "running_var", "weight", "bias"):
            t[name] = tensor([w["C"]], init["bn_" + name])
    return t


def op_fn(w):
    """The op as PyTorch users call it: f(tensors) -> output."""
    op = w["op"]
    if op == "conv2d":
        return lambda t: F.conv2d(t["input"], t["weight"], t.get("bias"), w["stride"], w["pad"], w["dilation"], w["groups"])
    if op == "conv_transpose2d":
        return lambda t: F.conv_transpose2d(t["input"], t["weight"], t.get("bias"), w["stride"], w["pad"],
                                            w.get("output_padding", 0), w["groups"], w["dilation"])
    if op == "max_pool2d":
        return lambda t: F.max_pool2d(t["input"], w["k"], w["stride"], w["pad"])
    if op == "avg_pool2d":
        # Same result when pad = 0; False keeps torch.onnx.export from adding an explicit Pad node before AveragePool.
        return lambda t: F.avg_pool2d(t["input"], w["k"], w["stride"], w["pad"], count_include_pad=w["pad"] > 0)
    if op == "adaptive_avg_pool2d":
        return lambda t: F.adaptive_avg_pool2d(t["input"], (w["out_h"], w["out_w"]))
    if op == "batch_norm":
        return lambda t: F.batch_norm(t["input"], t["running_mean"], t["running_var"], t["weight"], t["bias"], False, 0.0, w["eps"])
    if op == "relu":
        return lambda t: torch.relu(t["input"])
    raise SystemExit("no PyTorch call for op %r (workload %s)" % (op, w["id"]))


class Model(torch.nn.Module):
    """The op with every tensor but the input as a buffer, so the export makes them initializers."""

    def __init__(self, fn, params):
        super().__init__()
        self.fn = fn
        self.names = list(params)
        for k, v in params.items():
            self.register_buffer(k, v)

    def forward(self, x):
        t = {k: getattr(self, k) for k in self.names}
        t["input"] = x
        return self.fn(t)


def check_of(y):
    return {"sum": float(y.double().sum()), "sum_abs": float(y.double().abs().sum())}


def float64_check(w, t):
    fn = op_fn(w)
    return check_of(fn({k: v.double() for k, v in t.items()}))


def load(path, pattern):
    spec = json.load(open(path))
    ws = [w for w in spec["workloads"] if re.search(pattern, w["id"])]
    return spec, ws


def export(args):
    spec, ws = load(args.workloads, args.filter)
    os.makedirs(args.out, exist_ok=True)
    checks = {}
    with torch.no_grad():
        for w in ws:
            t = inputs(w, spec["data_init"])
            checks[w["id"]] = float64_check(w, t)
            x = t.pop("input")
            path = os.path.join(args.out, w["id"] + ".onnx")
            torch.onnx.export(Model(op_fn(w), t).eval(), (x,), path, opset_version=17, input_names=["input"],
                              output_names=["output"], do_constant_folding=True)
    with open(os.path.join(args.out, "checks.json"), "w") as f:
        json.dump({"generated_by": "torch_peer.py (float64 PyTorch on the data_init tensors)", "checks": checks}, f, indent=1)
    print("exported %d ONNX models to %s" % (len(ws), args.out), file=sys.stderr)


def median_ms(fn, warmup_s, measure_s, min_calls):
    end = time.perf_counter() + warmup_s
    calls = 0
    while calls < 2 or time.perf_counter() < end:
        fn()
        calls += 1
    samples = []
    end = time.perf_counter() + measure_s
    while len(samples) < min_calls or time.perf_counter() < end:
        t0 = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    m = len(samples)
    med = samples[m // 2] if m % 2 else (samples[m // 2 - 1] + samples[m // 2]) / 2
    return med / 1e6, m


def time_all(args):
    spec, ws = load(args.workloads, args.filter)
    threads = [int(s) for s in args.threads.split(",")]
    torch.set_num_interop_threads(1)
    results = []
    with torch.inference_mode():
        for w in ws:
            t = inputs(w, spec["data_init"])
            fn = op_fn(w)
            want = float64_check(w, t)
            for n in threads:
                torch.set_num_threads(n)
                got = check_of(fn(t))
                bad = [k for k in want if abs(got[k] - want[k]) > 1e-3 * want["sum_abs"]]
                ms, calls = median_ms(lambda: fn(t), args.warmup, args.measure, args.min_calls)
                results.append({"workload": w["id"], "threads": n, "median_ms": ms, "calls": calls,
                                "check": "ok" if not bad else "output %s differs from float64: %s vs %s" % (bad, got, want)})
                print("  torch %-32s %dt %10.4f ms (%d calls)" % (w["id"], n, ms, calls), file=sys.stderr)
    out = {"peer": "PyTorch", "version": torch.__version__, "onednn": torch.backends.mkldnn.is_available(),
           "config": torch.__config__.show(), "warmup_s": args.warmup, "measure_s": args.measure, "results": results}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("export", "time"):
        s = sub.add_parser(name)
        s.add_argument("--workloads", required=True)
        s.add_argument("--filter", default="")
        s.add_argument("--out", required=True)
    t = sub.choices["time"]
    t.add_argument("--threads", default="1,2")
    t.add_argument("--warmup", type=float, default=1.5, help="seconds")
    t.add_argument("--measure", type=float, default=3.0, help="seconds")
    t.add_argument("--min-calls", type=int, default=5)
    args = p.parse_args()
    if os.environ.get("OPENBLAS_CORETYPE"):
        print("warning: OPENBLAS_CORETYPE=%s slows OpenBLAS-based code down; ../run unsets it" % os.environ["OPENBLAS_CORETYPE"], file=sys.stderr)
    export(args) if args.cmd == "export" else time_all(args)


if __name__ == "__main__":
    main()
