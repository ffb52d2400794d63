package io.opsgi.benchmarks;

import io.opsgi.conformance.Tolerances;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptiveGeometry;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.BatchNorm;
import io.opsgi.op.BatchNormAttrs;
import io.opsgi.op.BatchNormGeometry;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ConvTranspose2d;
import io.opsgi.op.ConvTranspose2dKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;
import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A workload bound to its opsgi contract: the data_init tensors, the geometry the contract itself
 * computes (it is called once with a kernel that only records what it is handed), and a call of any
 * kernel of the op's family into a caller-owned output. Benchmarks time that call, not the contract's
 * {@code apply}, which allocates a fresh output per call: on multi-MB outputs the first-touch page
 * faults would be timed instead of the kernel.
 */
final class OpCase {
    final Workload workload;
    final Shape outputShape;
    private final Map<String, Object> torchAttrs;
    private final Map<String, Tensor> tensors;
    private final Predicate<Kernel> supports;
    private final Binder binder;

    /** Binds a kernel and an output array to one call. */
    private interface Binder {
        Runnable bind(Kernel k, float[] y);
    }

    private OpCase(Workload workload, Shape outputShape, Map<String, Object> torchAttrs, Map<String, Tensor> tensors,
            Predicate<Kernel> supports, Binder binder) {
        this.workload = workload;
        this.outputShape = outputShape;
        this.torchAttrs = torchAttrs;
        this.tensors = tensors;
        this.supports = supports;
        this.binder = binder;
    }

    /** The opsgi op name whose kernels compute this workload (workloads.json uses the same names). */
    String op() {
        return workload.op();
    }

    int outputSize() {
        return outputShape.size();
    }

    /** Tensor data one call moves: every input and weight tensor, and the output (what a remote call sends and receives). */
    long bytesPerCall() {
        long elements = outputSize();
        for (Tensor t : tensors.values()) {
            elements += t.shape().size();
        }
        return elements * Float.BYTES;
    }

    /** The input tensor (what the peers are fed too). */
    Tensor input() {
        return tensors.get("input");
    }

    /** Whether {@code k} computes this geometry (specialised conv kernels decline the rest). */
    boolean supports(Kernel k) {
        return supports.test(k);
    }

    /** The kernel call that writes this workload's output into {@code y}, allocating nothing. */
    Runnable bind(Kernel k, float[] y) {
        if (y.length != outputSize()) {
            throw new IllegalArgumentException(workload.id() + ": output must have " + outputSize() + " elements, got " + y.length);
        }
        return binder.bind(k, y);
    }

    /** One call of {@code k} into a fresh output. */
    float[] compute(Kernel k) {
        float[] y = new float[outputSize()];
        bind(k, y).run();
        return y;
    }

    /**
     * The conformance suite's tolerance for this op's output, given the reference output: the rule of
     * the op's schema that judges kernels against PyTorch's vectors, for this case's attributes.
     */
    Tolerance tolerance(float[] expected) {
        return Tolerances.forOutput(op(), torchAttrs, tensors, Tensor.wrap(outputShape, expected));
    }

    static OpCase of(Workload w, DataInit init) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        Shape xs = w.shape("input_shape");
        t.put("input", Tensor.wrap(xs, init.tensor("input", xs.size())));
        switch (w.op()) {
            case "conv2d":
                return conv2d(w, init, t);
            case "conv_transpose2d":
                return convTranspose2d(w, init, t);
            case "max_pool2d":
                return maxPool2d(w, t);
            case "avg_pool2d":
                return avgPool2d(w, t);
            case "adaptive_avg_pool2d":
                return adaptiveAvgPool2d(w, t);
            case "batch_norm":
                return batchNorm(w, init, t);
            case "relu":
                return relu(w, t);
            default:
                throw new IllegalArgumentException("workload " + w.id() + ": no binding for op '" + w.op() + "' in OpCase");
        }
    }

    private static void putWeights(Workload w, DataInit init, Map<String, Tensor> t) {
        Shape ws = w.shape("weight_shape");
        t.put("weight", Tensor.wrap(ws, init.weight(ws.toArray())));
        if (w.flag("bias")) {
            t.put("bias", Tensor.wrap(Shape.of(w.integer("K")), init.tensor("bias", w.integer("K"))));
        }
    }

    private static OpCase conv2d(Workload w, DataInit init, Map<String, Tensor> t) {
        putWeights(w, init, t);
        Map<String, Object> attrs = Map.of("stride", w.integer("stride"), "padding", w.integer("pad"),
                "dilation", w.integer("dilation", 1), "groups", w.integer("groups", 1));
        Captured<ConvGeometry> c = new Captured<>();
        Tensor out = Conv2d.apply((g, x, wt, b, y) -> c.set(g, x, wt, b), t.get("input"), t.get("weight"), t.get("bias"), Conv2d.attrs(attrs));
        ConvGeometry g = c.geometry();
        float[] x = c.arrays[0], wt = c.arrays[1], b = c.arrays[2];
        return new OpCase(w, out.shape(), attrs, t, k -> ((Conv2dKernel) k).supports(g), (k, y) -> {
            Conv2dKernel kernel = (Conv2dKernel) k;
            return () -> kernel.conv2d(g, x, wt, b, y);
        });
    }

    private static OpCase convTranspose2d(Workload w, DataInit init, Map<String, Tensor> t) {
        putWeights(w, init, t);
        Map<String, Object> attrs = Map.of("stride", w.integer("stride"), "padding", w.integer("pad"),
                "output_padding", w.integer("output_padding", 0), "dilation", w.integer("dilation", 1), "groups", w.integer("groups", 1));
        Captured<ConvGeometry> c = new Captured<>();
        Tensor out = ConvTranspose2d.apply((g, x, wt, b, y) -> c.set(g, x, wt, b), t.get("input"), t.get("weight"), t.get("bias"),
                ConvTranspose2d.attrs(attrs));
        ConvGeometry g = c.geometry();
        float[] x = c.arrays[0], wt = c.arrays[1], b = c.arrays[2];
        return new OpCase(w, out.shape(), attrs, t, k -> ((ConvTranspose2dKernel) k).supports(g), (k, y) -> {
            ConvTranspose2dKernel kernel = (ConvTranspose2dKernel) k;
            return () -> kernel.convTranspose2d(g, x, wt, b, y);
        });
    }

    private static OpCase maxPool2d(Workload w, Map<String, Tensor> t) {
        Map<String, Object> attrs = Map.of("kernel_size", w.integer("k"), "stride", w.integer("stride"), "padding", w.integer("pad"));
        Captured<PoolGeometry> c = new Captured<>();
        Tensor out = MaxPool2d.apply((g, x, y, idx) -> c.set(g, x), t.get("input"), MaxPool2d.attrs(attrs));
        PoolGeometry g = c.geometry();
        float[] x = c.arrays[0];
        // Values only, as the peers compute: F.max_pool2d without return_indices, ONNX MaxPool with one output.
        return new OpCase(w, out.shape(), attrs, t, k -> true, (k, y) -> {
            MaxPool2dKernel kernel = (MaxPool2dKernel) k;
            return () -> kernel.maxPool2d(g, x, y, null);
        });
    }

    private static OpCase avgPool2d(Workload w, Map<String, Tensor> t) {
        Map<String, Object> attrs = Map.of("kernel_size", w.integer("k"), "stride", w.integer("stride"), "padding", w.integer("pad"));
        AvgPool2dAttrs a = AvgPool2d.attrs(attrs);
        Captured<PoolGeometry> c = new Captured<>();
        Tensor out = AvgPool2d.apply((g, aa, x, y) -> c.set(g, x), t.get("input"), a);
        PoolGeometry g = c.geometry();
        float[] x = c.arrays[0];
        return new OpCase(w, out.shape(), attrs, t, k -> true, (k, y) -> {
            AvgPool2dKernel kernel = (AvgPool2dKernel) k;
            return () -> kernel.avgPool2d(g, a, x, y);
        });
    }

    private static OpCase adaptiveAvgPool2d(Workload w, Map<String, Tensor> t) {
        Map<String, Object> attrs = Map.of("output_size", List.of(w.integer("out_h"), w.integer("out_w")));
        Captured<AdaptiveGeometry> c = new Captured<>();
        Tensor out = AdaptivePool2d.avg((g, x, y) -> c.set(g, x), t.get("input"), w.integer("out_h"), w.integer("out_w"));
        AdaptiveGeometry g = c.geometry();
        float[] x = c.arrays[0];
        return new OpCase(w, out.shape(), attrs, t, k -> true, (k, y) -> {
            AdaptiveAvgPool2dKernel kernel = (AdaptiveAvgPool2dKernel) k;
            return () -> kernel.adaptiveAvgPool2d(g, x, y);
        });
    }

    private static OpCase batchNorm(Workload w, DataInit init, Map<String, Tensor> t) {
        int ch = w.integer("C");
        Shape cs = Shape.of(ch);
        Map<String, Tensor> p = new HashMap<>();
        for (String name : List.of("running_mean", "running_var", "weight", "bias")) {
            p.put(name, Tensor.wrap(cs, init.tensor("bn_" + name, ch)));
        }
        t.putAll(p);
        Map<String, Object> attrs = Map.of("training", false, "eps", w.number("eps"));
        BatchNormAttrs a = BatchNorm.attrs(attrs);
        Captured<BatchNormGeometry> c = new Captured<>();
        Tensor out = BatchNorm.apply((g, aa, x, mean, var, wt, b, y, nm, nv) -> c.set(g, x, mean, var, wt, b), t.get("input"),
                p.get("running_mean"), p.get("running_var"), p.get("weight"), p.get("bias"), a).output();
        BatchNormGeometry g = c.geometry();
        float[][] v = c.arrays;
        return new OpCase(w, out.shape(), attrs, t, k -> true, (k, y) -> {
            BatchNormKernel kernel = (BatchNormKernel) k;
            return () -> kernel.batchNorm(g, a, v[0], v[1], v[2], v[3], v[4], y, null, null);
        });
    }

    private static OpCase relu(Workload w, Map<String, Tensor> t) {
        ActivationAttrs a = Activations.attrs(Activation.RELU, Map.of());
        Captured<Object> c = new Captured<>();
        Tensor out = Activations.apply((aa, x, y) -> c.set(null, x), t.get("input"), a);
        c.geometry();
        float[] x = c.arrays[0];
        return new OpCase(w, out.shape(), Map.of(), t, k -> true, (k, y) -> {
            ElementwiseKernel kernel = (ElementwiseKernel) k;
            return () -> kernel.activate(a, x, y);
        });
    }

    /** What the contract handed its kernel: the geometry and the input arrays, exactly as a real call passes them. */
    private static final class Captured<G> {
        G geometry;
        float[][] arrays;

        G geometry() {
            if (arrays == null) {
                throw new IllegalStateException("the contract did not call its kernel (empty output?)");
            }
            return geometry;
        }

        void set(G g, float[]... inputs) {
            if (arrays != null) {
                throw new IllegalStateException("the contract called its kernel twice");
            }
            geometry = g;
            arrays = inputs;
        }
    }
}
