package io.opsgi.benchmarks;

import io.opsgi.conformance.Tolerances;
import io.opsgi.op.Kernel;
import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.op.Output;
import io.opsgi.op.Tolerance;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workload bound to its opsgi contract: the data_init tensors, the kernel call the contract itself
 * makes (it is run once with a kernel of the op's family that only records what it is handed), and
 * that call of any kernel of the family into a caller-owned output. Benchmarks time that call, not
 * the contract's {@code run}, which allocates a fresh output per call: on multi-MB outputs the
 * first-touch page faults would be timed instead of the kernel.
 *
 * <p>Nothing here knows an op: the op's {@link Operator} (from {@link Operators}) names its inputs and
 * runs its contract, and the workload's fields become attributes and tensors by the rules in
 * {@link #attrs} and {@link #tensors}; the only fact per op is {@link #DATA_INIT_PREFIX}. A workload of a
 * new op needs no change here (and an {@code op_fn} in {@code peers/torch_peer.py}).
 */
final class OpCase {
    /**
     * workloads.json names some attributes its own way: {@code pad} is PyTorch's {@code padding},
     * {@code k} is {@code kernel_size}; {@code out_h}/{@code out_w} make {@code output_size}.
     * Fields named as PyTorch names them pass as they are.
     */
    private static final Map<String, String> ATTRIBUTE_NAMES = Map.of("pad", "padding", "k", "kernel_size");
    private static final List<String> TORCH_ATTRIBUTES = List.of("stride", "dilation", "groups", "output_padding", "eps", "momentum",
            "ceil_mode", "count_include_pad", "negative_slope", "min_val", "max_val", "alpha", "beta", "threshold", "dim");
    /** The one per-op fact: data_init names batch norm's parameters {@code bn_<input>} (its {@code weight} is not a conv weight). */
    private static final Map<String, String> DATA_INIT_PREFIX = Map.of("batch_norm", "bn_");

    final Workload workload;
    final Shape outputShape;
    private final Map<String, Object> torchAttrs;
    private final Map<String, Tensor> tensors;
    private final Class<? extends Kernel> family;
    /** The kernel method the contract called, its arguments, and which of them is the output. */
    private final Method method;
    private final Object[] args;
    private final int output;

    private OpCase(Workload workload, Shape outputShape, Map<String, Object> torchAttrs, Map<String, Tensor> tensors,
            Class<? extends Kernel> family, Method method, Object[] args, int output) {
        this.workload = workload;
        this.outputShape = outputShape;
        this.torchAttrs = torchAttrs;
        this.tensors = tensors;
        this.family = family;
        this.method = method;
        this.args = args;
        this.output = output;
    }

    /** The opsgi op name whose kernels compute this workload (workloads.json uses the same names). */
    String op() {
        return workload.op();
    }

    int outputSize() {
        return outputShape.size();
    }

    /** The kernel call's arguments (the geometry first), as the contract made it. */
    Object[] args() {
        return args.clone();
    }

    /** The kernel family whose method the contract calls (what a registry lease is taken for). */
    Class<? extends Kernel> family() {
        return family;
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
        return KernelChain.supports(family, k, args[0]);
    }

    /**
     * The kernel call that writes this workload's output into {@code y}, allocating nothing. Index
     * outputs ({@code long[]}, max pooling's) are not asked for: the peers return values only.
     */
    Runnable bind(Kernel k, float[] y) {
        if (y.length != outputSize()) {
            throw new IllegalArgumentException(workload.id() + ": output must have " + outputSize() + " elements, got " + y.length);
        }
        Object[] a = args.clone();
        a[output] = y;
        for (int i = 0; i < a.length; i++) {
            if (a[i] instanceof long[]) {
                a[i] = null;
            }
        }
        if (k instanceof Variants.Prepared p && a[0] instanceof io.opsgi.op.ConvGeometry g) {
            // conv2d(g, x, w, bias, y): weights prepared once here, outside the timing
            io.opsgi.op.PreparedConv2d prepared = p.inner().prepare(g, (float[]) a[2], (float[]) a[3], io.opsgi.op.Epilogue.NONE);
            float[] x = (float[]) a[1];
            return () -> prepared.run(x, null, y);
        }
        return () -> {
            try {
                method.invoke(k, a);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
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
        Operator operator;
        try {
            operator = Operators.get(w.op());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("workload " + w.id() + ": opsgi has no op '" + w.op() + "'", e);
        }
        Map<String, Object> attrs = attrs(w);
        Map<String, Tensor> t = tensors(w, operator, init);
        List<Method> methods = new ArrayList<>();
        List<Object[]> calls = new ArrayList<>();
        Class<? extends Kernel> family = operator.kernelType();
        Kernel recorder = (Kernel) Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, (proxy, m, a) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("hashCode") ? System.identityHashCode(proxy) : m.getName().equals("equals") ? proxy == a[0] : "recorder";
            }
            if (m.getReturnType() == boolean.class) {
                return true; // supports(...): the recorder takes every geometry
            }
            methods.add(m);
            calls.add(a);
            return null;
        });
        Object out = operator.run(recorder, attrs, t).get("output");
        if (calls.size() != 1 || !(out instanceof Tensor y)) {
            throw new IllegalStateException("workload " + w.id() + ": the " + w.op() + " contract made " + calls.size()
                    + " kernel calls; a benchmark binds exactly one (empty output?)");
        }
        Method m = methods.get(0);
        Object[] a = calls.get(0);
        return new OpCase(w, y.shape(), attrs, t, family, m, a, outputParameter(m, a, y.buffer()));
    }

    /** The parameter the contract's output tensor is written through. */
    private static int outputParameter(Method m, Object[] args, float[] output) {
        Annotation[][] annotations = m.getParameterAnnotations();
        for (int p = 0; p < args.length; p++) {
            for (Annotation an : annotations[p]) {
                if (an instanceof Output && args[p] == output) {
                    return p;
                }
            }
        }
        throw new IllegalStateException(m + ": no @Output parameter holds the contract's output");
    }

    /** The workload's attributes in PyTorch's terms ({@link #ATTRIBUTE_NAMES}, {@link #TORCH_ATTRIBUTES}). */
    static Map<String, Object> attrs(Workload w) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        w.json().fields().forEachRemaining(f -> {
            String name = ATTRIBUTE_NAMES.getOrDefault(f.getKey(), f.getKey());
            if (ATTRIBUTE_NAMES.containsKey(f.getKey()) || TORCH_ATTRIBUTES.contains(name)) {
                attrs.put(name, f.getValue().isIntegralNumber() ? (Object) f.getValue().asInt()
                        : f.getValue().isNumber() ? (Object) f.getValue().asDouble() : (Object) f.getValue().asBoolean());
            }
        });
        if (w.json().has("out_h")) {
            attrs.put("output_size", List.of(w.integer("out_h"), w.integer("out_w")));
        }
        return attrs;
    }

    /**
     * The op's inputs from data_init: {@code input} of {@code input_shape}; an input with a
     * {@code <name>_shape} field (a conv weight) has that shape; every other input is a per-channel
     * vector of {@code K} values (the output channels) where the workload has {@code K}, else {@code C},
     * present unless the workload says {@code "<name>": false} (a conv without bias).
     */
    static Map<String, Tensor> tensors(Workload w, Operator operator, DataInit init) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        String prefix = DATA_INIT_PREFIX.getOrDefault(w.op(), "");
        for (String name : operator.inputs()) {
            if (name.equals("input")) {
                Shape xs = w.shape("input_shape");
                t.put(name, Tensor.wrap(xs, init.tensor("input", xs.size())));
            } else if (w.json().has(name + "_shape")) {
                Shape s = w.shape(name + "_shape");
                t.put(name, Tensor.wrap(s, name.equals("weight") ? init.weight(s.toArray()) : init.tensor(prefix + name, s.size())));
            } else if (!w.json().has(name) || w.flag(name)) {
                int channels = w.json().has("K") ? w.integer("K") : w.integer("C");
                t.put(name, Tensor.wrap(Shape.of(channels), init.tensor(prefix + name, channels)));
            }
        }
        return t;
    }
}
