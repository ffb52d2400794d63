#!/usr/bin/python3
"""The PyTorch side of benchmarks/run-models: times whole models (the very modules examples/onnx/export.py
built and exported, rebuilt here from the same seeds) with PyTorch 1.13 at the given thread counts and
batch sizes, on the inputs export.py wrote (input.npy, input.b8.npy), after checking each output against
the expected.npy export.py recorded (so the timed module is the exported one). Writes one JSON file.

    /usr/bin/python3 benchmarks/peers/torch_models.py --models resnet18,mobilenet_v2 --dir examples/onnx/full \
        --threads 1,2 --batches 1,8 --out torch-models.json
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "onnx", "export.py")


def load_export():
    spec = importlib.util.spec_from_file_location("onnx_export", EXPORT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", required=True, help="comma-separated names of examples/onnx/export.py's FULL models, or example_<name> for a shipped example")
    p.add_argument("--dir", required=True, help="where export.py --bench wrote them")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--batches", default="1,8")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds")
    p.add_argument("--measure", type=float, default=5.0, help="seconds")
    p.add_argument("--min-calls", type=int, default=5)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    export = load_export()
    torch.set_num_interop_threads(1)
    results = []
    with torch.inference_mode():
        for name in args.models.split(","):
            torch.set_num_threads(1)
            if name.startswith("example_"):  # a shipped example, with its committed weights
                model, _ = export.shipped_example(name[len("example_"):])
            else:
                ctor, shape, _ = export.FULL[name]
                model, _ = export.built(name, ctor, shape)
            for batch in [int(b) for b in args.batches.split(",")]:
                suffix = "" if batch == 1 else f".b{batch}"
                x = torch.from_numpy(np.load(os.path.join(args.dir, name, f"input{suffix}.npy")))
                want = np.load(os.path.join(args.dir, name, f"expected{suffix}.npy"))
                for n in [int(t) for t in args.threads.split(",")]:
                    torch.set_num_threads(n)
                    got = model(x).numpy()
                    err = float(np.abs(got - want).max())
                    check = "ok" if err <= 1e-3 * (1 + float(np.abs(want).max())) else f"output differs from expected{suffix}.npy by {err}"
                    ms, calls = median_ms(lambda: model(x), args.warmup, args.measure, args.min_calls)
                    results.append({"model": name, "batch": batch, "threads": n, "median_ms": ms, "calls": calls, "check": check})
                    print("  torch %-14s b%d %dt %10.3f ms (%d calls) %s" % (name, batch, n, ms, calls, check), file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump({"peer": "PyTorch", "version": torch.__version__, "warmup_s": args.warmup, "measure_s": args.measure,
                   "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
