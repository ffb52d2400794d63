package io.opsgi.net;

import io.opsgi.op.Activation;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.AvgPool2d;
import io.opsgi.op.Concat;
import io.opsgi.op.Constant;
import io.opsgi.op.Conv2d;
import io.opsgi.op.ConvTranspose2d;
import io.opsgi.op.Dropout;
import io.opsgi.op.Flatten;
import io.opsgi.op.Kernel;
import io.opsgi.op.Linear;
import io.opsgi.op.LpPool2d;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.Matmul;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.Operators;
import io.opsgi.op.Pad;
import io.opsgi.op.Permute;
import io.opsgi.op.Reshape;
import io.opsgi.op.Resize;
import io.opsgi.op.Upsample;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/** Every layer type a description may use, by name: the operators of io.opsgi.op plus flatten and dropout. */
final class LayerTypes {
    private static final Map<String, LayerType> TYPES = new LinkedHashMap<>();

    static {
        register(new ConvolutionType(Conv2d.OP, false, "padding_mode", "pads", "auto_pad"));
        register(new ConvolutionType(ConvTranspose2d.OP, true, "output_padding"));
        register(new BatchNormType());
        register(new LinearType());
        register(new MaxPool());
        register(new Plain(AvgPool2d.OP, Set.of("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"),
                Set.of("kernel_size")));
        register(new Plain(LpPool2d.OP, Set.of("norm_type", "kernel_size", "stride", "ceil_mode", "padding", "abs_input"), Set.of("norm_type", "kernel_size")));
        for (String adaptive : List.of(AdaptivePool2d.AVG, AdaptivePool2d.MAX)) {
            register(new Plain(adaptive, Set.of("output_size"), Set.of("output_size")));
        }
        register(new Plain(AdaptivePool2d.GLOBAL_AVG, Set.of(), Set.of()));
        register(new Plain(AdaptivePool2d.GLOBAL_MAX, Set.of(), Set.of()));
        register(new Plain(Pad.OP, Set.of("pad", "mode", "value"), Set.of("pad")));
        Map<Activation, Set<String>> params = Map.of(Activation.LEAKY_RELU, Set.of("negative_slope"), Activation.ELU, Set.of("alpha"),
                Activation.CELU, Set.of("alpha"), Activation.GELU, Set.of("approximate"), Activation.HARDTANH, Set.of("min_val", "max_val"),
                Activation.SOFTPLUS, Set.of("beta", "threshold"), Activation.HARDSIGMOID, Set.of("alpha", "beta"), Activation.SELU, Set.of("alpha", "gamma"));
        // inplace is accepted and means nothing here
        for (Activation a : Activation.values()) {
            register(new Plain(a.op(), union(params.getOrDefault(a, Set.of()), "inplace"), Set.of()));
        }
        register(new Plain("softmax", Set.of("dim", "inplace"), Set.of()));
        register(new Plain("log_softmax", Set.of("dim", "inplace"), Set.of()));
        register(new PReluType());
        for (BinaryOp op : BinaryOp.values()) {
            register(new TwoInputType(op.op()));
        }
        register(new TwoInputType(Matmul.OP));
        register(new Plain(Upsample.OP, Set.of("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"), Set.of()));
        register(new Plain(Resize.OP, Set.of("mode", "coordinate_transformation_mode", "nearest_mode", "scales", "sizes", "exclude_outside",
                "extrapolation_value", "cubic_coeff_a", "roi"), Set.of()));
        register(new KernelLess(Flatten.OP, Set.of("start_dim", "end_dim"), (x, a) -> Flatten.apply(x, Flatten.attrs(a))));
        register(new KernelLess(Dropout.OP, Set.of("p", "inplace"), (x, a) -> Dropout.apply(x, Dropout.attrs(a))));
        register(new KernelLess(Reshape.OP, Set.of("shape"), (x, a) -> Reshape.apply(x, Reshape.shape(a))));
        register(new KernelLess(Permute.OP, Set.of("dims"), (x, a) -> Permute.apply(x, Permute.dims(a))));
        register(new ConcatType());
        register(new ConstantType());
    }

    private LayerTypes() {
    }

    private static void register(LayerType t) {
        TYPES.put(t.name, t);
    }

    /** The type called {@code name}, or null. */
    static LayerType get(String name) {
        return TYPES.get(name);
    }

    static Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(TYPES.keySet()));
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> s = new HashSet<>(a);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }

    // ------------------------------------------------------------------ convolutions

    /**
     * nn.Conv2d and nn.ConvTranspose2d: in/out channels divisible by groups (checked when the module
     * is built), a weight (out, in/groups, kH, kW), transposed (in, out/groups, kH, kW), whose
     * dimension 1 times the window is PyTorch's fan_in, an optional bias (out), and an input whose
     * channels must equal in_channels.
     */
    static final class ConvolutionType extends LayerType {
        private final Set<String> attributes;
        private final boolean transposed;

        ConvolutionType(String op, boolean transposed, String... attributes) {
            super(op, op);
            this.transposed = transposed;
            this.attributes = union(Set.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"), attributes);
        }

        @Override
        Set<String> attributes() {
            return attributes;
        }

        @Override
        Set<String> required() {
            return Set.of("in_channels", "out_channels", "kernel_size");
        }

        @Override
        List<ParamSpec> params(LayerContext c) {
            int in = c.count("in_channels"), out = c.count("out_channels"), g = c.count("groups", 1);
            int[] k = c.pair("kernel_size");
            if (g < 1 || in % g != 0 || out % g != 0) {
                throw c.error("groups", "in_channels and out_channels must be divisible by groups, got in_channels=" + in + ", out_channels=" + out
                        + ", groups=" + g);
            }
            Shape weight = transposed ? Shape.of(in, out / g, k[0], k[1]) : Shape.of(out, in / g, k[0], k[1]);
            int fanIn = weight.dim(1) * k[0] * k[1];
            List<ParamSpec> p = new ArrayList<>(List.of(ParamSpec.uniform("weight", weight, fanIn)));
            if (c.bool("bias", true)) {
                p.add(ParamSpec.uniform("bias", Shape.of(out), fanIn));
            }
            return p;
        }

        @Override
        void checkChannels(LayerContext c) {
            int in = c.count("in_channels"), have = c.channels(true);
            if (have >= 0 && have != in) {
                throw c.error("channels", "in_channels=" + in + " but " + c.describeInput() + " has " + have + " channels");
            }
        }
    }

    // ------------------------------------------------------------------ normalization, fully connected

    /** nn.BatchNorm2d at inference: weight, bias (affine), running_mean, running_var (track_running_stats). */
    static final class BatchNormType extends LayerType {
        BatchNormType() {
            super("batch_norm", "batch_norm");
        }

        @Override
        Set<String> attributes() {
            return Set.of("num_features", "eps", "momentum", "affine", "track_running_stats");
        }

        @Override
        Set<String> required() {
            return Set.of("num_features");
        }

        @Override
        List<ParamSpec> params(LayerContext c) {
            Shape s = Shape.of(c.count("num_features"));
            List<ParamSpec> p = new ArrayList<>();
            if (c.bool("affine", true)) {
                p.add(ParamSpec.constant("weight", s, true, 1f));
                p.add(ParamSpec.constant("bias", s, true, 0f));
            }
            if (c.bool("track_running_stats", true)) {
                p.add(ParamSpec.constant("running_mean", s, false, 0f));
                p.add(ParamSpec.constant("running_var", s, false, 1f));
            }
            return p;
        }

        @Override
        void checkChannels(LayerContext c) {
            int f = c.count("num_features"), have = c.channels(false);
            if (have >= 0 && have != f) {
                throw c.error("channels", "num_features=" + f + " but " + c.describeInput() + " has " + have + " channels");
            }
        }

        /** Inference: running statistics if tracked; without them PyTorch normalizes with the batch's own (training mode). */
        @Override
        Map<String, Object> opAttrs(LayerSpec s) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("training", Boolean.FALSE.equals(s.attrs().get("track_running_stats")));
            a.put("eps", s.attrs().getOrDefault("eps", 1e-5));
            a.put("momentum", s.attrs().getOrDefault("momentum", 0.1));
            return a;
        }
    }

    /** nn.Linear: weight (out_features, in_features), bias (out_features). */
    static final class LinearType extends LayerType {
        LinearType() {
            super(Linear.OP, Linear.OP);
        }

        @Override
        Set<String> attributes() {
            return Set.of("in_features", "out_features", "bias");
        }

        @Override
        Set<String> required() {
            return Set.of("in_features", "out_features");
        }

        @Override
        List<ParamSpec> params(LayerContext c) {
            int in = c.count("in_features"), out = c.count("out_features");
            List<ParamSpec> p = new ArrayList<>(List.of(ParamSpec.uniform("weight", Shape.of(out, in), in)));
            if (c.bool("bias", true)) {
                p.add(ParamSpec.uniform("bias", Shape.of(out), in));
            }
            return p;
        }

        @Override
        void checkChannels(LayerContext c) {
            int in = c.count("in_features");
            Shape x = c.input();
            if (x.rank() >= 1 && x.dim(-1) != in) {
                throw c.error("channels", "in_features=" + in + " but " + c.describeInput() + " has " + x.dim(-1) + " features in its last dimension");
            }
        }
    }

    /** nn.PReLU: weight (num_parameters), filled with init. */
    static final class PReluType extends LayerType {
        PReluType() {
            super("prelu", "prelu");
        }

        @Override
        Set<String> attributes() {
            return Set.of("num_parameters", "init");
        }

        @Override
        List<ParamSpec> params(LayerContext c) {
            return List.of(ParamSpec.constant("weight", Shape.of(c.count("num_parameters", 1)), true, (float) c.number("init", 0.25)));
        }

        @Override
        void checkChannels(LayerContext c) {
            int n = c.count("num_parameters", 1);
            Shape x = c.input();
            int have = x.rank() >= 2 ? x.dim(1) : 1;
            if (n != 1 && n != have) {
                throw c.error("channels", "num_parameters=" + n + " but " + c.describeInput() + " has " + have + " channels");
            }
        }

        @Override
        Map<String, Object> opAttrs(LayerSpec s) {
            return Map.of();
        }
    }

    // ------------------------------------------------------------------ pooling, padding

    /** max_pool2d without its indices: the generic operator would compute them for nothing. */
    static final class MaxPool extends Plain {
        MaxPool() {
            super(MaxPool2d.OP, Set.of("kernel_size", "stride", "padding", "dilation", "ceil_mode"), Set.of("kernel_size"));
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return MaxPool2d.apply((MaxPool2dKernel) kernel, inputs.get(0), MaxPool2d.attrs(s.attrs()));
        }
    }

    // ------------------------------------------------------------------ element-wise, residual

    /** add, sub, mul, div (torch broadcasting; the residual add is its same-shape case) and matmul: inputs {@code input}, {@code other}. */
    static final class TwoInputType extends LayerType {
        TwoInputType(String op) {
            super(op, op);
        }

        @Override
        Set<String> attributes() {
            return Set.of();
        }

        @Override
        int arity() {
            return 2;
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return (Tensor) Operators.get(op).run(kernel, Map.of(), Map.of("input", inputs.get(0), "other", inputs.get(1))).get("output");
        }
    }

    // ------------------------------------------------------------------ no kernel

    /** torch.cat: one or more inputs, the attribute dim. */
    static final class ConcatType extends LayerType {
        ConcatType() {
            super(Concat.OP, null);
        }

        @Override
        Set<String> attributes() {
            return Set.of("dim");
        }

        @Override
        int arity() {
            return VARIADIC;
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return Concat.apply(inputs, Concat.dim(s.attrs()));
        }
    }

    /** A constant tensor: no input, its value the parameter {@code value} of the shape the attribute {@code shape} gives (a buffer, not trained). */
    static final class ConstantType extends LayerType {
        ConstantType() {
            super(Constant.OP, null);
        }

        @Override
        Set<String> attributes() {
            return Set.of("shape");
        }

        @Override
        Set<String> required() {
            return Set.of("shape");
        }

        @Override
        int arity() {
            return 0;
        }

        @Override
        List<ParamSpec> params(LayerContext c) {
            Object v = c.attrs().get("shape");
            if (!(v instanceof List<?> l) || !l.stream().allMatch(e -> e instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue())
                    && n.doubleValue() <= Integer.MAX_VALUE)) {
                throw c.error("attribute_type", "shape must be a list of non-negative ints, got shape=" + v);
            }
            return List.of(ParamSpec.constant("value", Shape.of(l.stream().mapToInt(e -> ((Number) e).intValue()).toArray()), false, 0f));
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return params.get("value");
        }
    }

    // ------------------------------------------------------------------ the rest

    /** A layer whose module adds only attribute names to its operator (pools, pad, activations, upsample): they pass straight through. */
    static class Plain extends LayerType {
        private final Set<String> attributes;
        private final Set<String> required;

        Plain(String op, Set<String> attributes, Set<String> required) {
            this(op, op, attributes, required);
        }

        Plain(String name, String op, Set<String> attributes, Set<String> required) {
            super(name, op);
            this.attributes = attributes;
            this.required = required;
        }

        @Override
        Set<String> attributes() {
            return attributes;
        }

        @Override
        Set<String> required() {
            return required;
        }
    }

    /** nn.Flatten (a view) and nn.Dropout at inference (the identity): the contract computes them, no kernel. */
    static final class KernelLess extends Plain {
        private final BiFunction<Tensor, Map<String, Object>, Tensor> apply;

        KernelLess(String op, Set<String> attributes, BiFunction<Tensor, Map<String, Object>, Tensor> apply) {
            super(op, null, attributes, Set.of());
            this.apply = apply;
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return apply.apply(inputs.get(0), s.attrs());
        }
    }
}
