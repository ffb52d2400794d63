package io.opsgi.net;

import io.opsgi.op.Activation;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.Add;
import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvTranspose2d;
import io.opsgi.op.ConvTranspose2dAttrs;
import io.opsgi.op.Dropout;
import io.opsgi.op.Flatten;
import io.opsgi.op.FlattenAttrs;
import io.opsgi.op.Kernel;
import io.opsgi.op.Linear;
import io.opsgi.op.LpPool2d;
import io.opsgi.op.LpPool2dAttrs;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dAttrs;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.OpException;
import io.opsgi.op.Operators;
import io.opsgi.op.OutputSize;
import io.opsgi.op.Pad;
import io.opsgi.op.Upsample;
import io.opsgi.op.UpsampleAttrs;
import io.opsgi.op.UpsampleMode;
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

/** Every layer type a description may use, by name: the operators of io.opsgi.op plus flatten and dropout. */
final class LayerTypes {
    private static final Map<String, LayerType> TYPES = new LinkedHashMap<>();

    static {
        register(new ConvType());
        register(new ConvTransposeType());
        register(new BatchNormType());
        register(new LinearType());
        register(new WindowPool(MaxPool2d.OP, Set.of("kernel_size", "stride", "padding", "dilation", "ceil_mode")));
        register(new WindowPool(AvgPool2d.OP, Set.of("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")));
        register(new WindowPool(LpPool2d.OP, Set.of("norm_type", "kernel_size", "stride", "ceil_mode")));
        register(new AdaptivePool(AdaptivePool2d.AVG, false));
        register(new AdaptivePool(AdaptivePool2d.MAX, false));
        register(new AdaptivePool(AdaptivePool2d.GLOBAL_AVG, true));
        register(new AdaptivePool(AdaptivePool2d.GLOBAL_MAX, true));
        register(new PadType());
        Map<Activation, Set<String>> params = Map.of(Activation.LEAKY_RELU, Set.of("negative_slope"), Activation.ELU, Set.of("alpha"),
                Activation.CELU, Set.of("alpha"), Activation.GELU, Set.of("approximate"), Activation.HARDTANH, Set.of("min_val", "max_val"),
                Activation.SOFTPLUS, Set.of("beta", "threshold"));
        for (Activation a : Activation.values()) {
            register(new ElementwiseType(a.op(), params.getOrDefault(a, Set.of())));
        }
        register(new ElementwiseType("softmax", Set.of("dim")));
        register(new ElementwiseType("log_softmax", Set.of("dim")));
        register(new PReluType());
        register(new AddType());
        register(new UpsampleType());
        register(new FlattenType());
        register(new DropoutType());
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

    private static Shape shapeOf(int... dims) {
        return Shape.of(dims);
    }

    /** Batch size and output plane of a 3-D (unbatched) or 4-D output. */
    private static long planes(Shape out) {
        return out.rank() == 4 ? out.dim(0) : 1;
    }

    // ------------------------------------------------------------------ convolutions

    /**
     * What nn.Conv2d and nn.ConvTranspose2d share: in/out channels divisible by groups (checked when
     * the module is built), a weight whose dimension 1 times the window is PyTorch's fan_in, an
     * optional bias, and an input whose channels must equal in_channels.
     */
    abstract static class ConvolutionType extends LayerType {
        ConvolutionType(String name, String op) {
            super(name, op);
        }

        /** The weight's shape, (out, in/groups, kH, kW) or transposed (in, out/groups, kH, kW). */
        abstract Shape weightShape(int in, int out, int groups, int[] k);

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
            Shape weight = weightShape(in, out, g, k);
            int fanIn = weight.dim(1) * k[0] * k[1];
            List<ParamSpec> p = new ArrayList<>(List.of(ParamSpec.uniform("weight", weight, fanIn)));
            if (c.bool("bias", true)) {
                p.add(ParamSpec.uniform("bias", shapeOf(out), fanIn));
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

    /** nn.Conv2d: weight (out, in/groups, kH, kW), bias (out). */
    static final class ConvType extends ConvolutionType {
        ConvType() {
            super(Conv2d.OP, Conv2d.OP);
        }

        @Override
        Set<String> attributes() {
            return Set.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "padding_mode");
        }

        @Override
        Shape weightShape(int in, int out, int groups, int[] k) {
            return shapeOf(out, in / groups, k[0], k[1]);
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return Conv2d.outputShape(c.input(), p.get("weight"), p.get("bias"), Conv2d.attrs(c.attrs()));
        }

        @Override
        long macs(LayerContext c, Shape out) {
            int[] k = c.pair("kernel_size");
            return planes(out) * out.dim(-3) * (long) out.dim(-2) * out.dim(-1) * (c.count("in_channels") / c.count("groups", 1)) * k[0] * k[1];
        }

        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            int[] k = c.pair("kernel_size");
            Conv2dAttrs a = Conv2d.attrs(c.attrs());
            return in.get(0).window(a.dilation().h() * (k[0] - 1) + 1, a.dilation().w() * (k[1] - 1) + 1, a.stride().h(), a.stride().w());
        }
    }

    /** nn.ConvTranspose2d: weight (in, out/groups, kH, kW), bias (out). */
    static final class ConvTransposeType extends ConvolutionType {
        ConvTransposeType() {
            super(ConvTranspose2d.OP, ConvTranspose2d.OP);
        }

        @Override
        Set<String> attributes() {
            return Set.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups", "bias", "dilation");
        }

        @Override
        Shape weightShape(int in, int out, int groups, int[] k) {
            return shapeOf(in, out / groups, k[0], k[1]);
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return ConvTranspose2d.outputShape(c.input(), p.get("weight"), p.get("bias"), ConvTranspose2d.attrs(c.attrs()));
        }

        @Override
        long macs(LayerContext c, Shape out) {
            Shape x = c.input();
            int[] k = c.pair("kernel_size");
            return planes(out) * c.count("in_channels") * (long) x.dim(-2) * x.dim(-1) * (c.count("out_channels") / c.count("groups", 1)) * k[0] * k[1];
        }

        /** An output reads at most ceil(k_eff / stride) input positions per axis; neighbouring outputs are 1/stride inputs apart. */
        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            int[] k = c.pair("kernel_size");
            ConvTranspose2dAttrs a = ConvTranspose2d.attrs(c.attrs());
            int eh = a.dilation().h() * (k[0] - 1) + 1, ew = a.dilation().w() * (k[1] - 1) + 1;
            int sh = a.stride().h(), sw = a.stride().w();
            return in.get(0).window((eh + sh - 1) / sh, (ew + sw - 1) / sw, 1.0 / sh, 1.0 / sw);
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
            Shape s = shapeOf(c.count("num_features"));
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

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            Shape x = c.input();
            if (x.rank() < 2 || x.rank() > 4) {
                throw new OpException("batch_norm", "input_rank", "expected 2D, 3D or 4D input (N, C, ...), got input of size " + x);
            }
            return x;
        }

        @Override
        long macs(LayerContext c, Shape out) {
            return out.size(); // inference folds to one multiply-add per element: x * scale + shift
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
            List<ParamSpec> p = new ArrayList<>(List.of(ParamSpec.uniform("weight", shapeOf(out, in), in)));
            if (c.bool("bias", true)) {
                p.add(ParamSpec.uniform("bias", shapeOf(out), in));
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

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return Linear.outputShape(c.input(), p.get("weight"), p.get("bias"));
        }

        @Override
        long macs(LayerContext c, Shape out) {
            int o = c.count("out_features");
            return o == 0 ? 0 : (long) out.size() / o * c.count("in_features") * o;
        }

        /** On an (N, C, H, W) input a linear layer mixes the width. */
        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            Field f = in.get(0);
            Shape x = c.input();
            return x.rank() == 4 && f.spatial() ? new Field(f.rfH(), f.rfW() + (x.dim(3) - 1) * f.jumpW(), f.jumpH(), f.jumpW(), true) : f;
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
            return List.of(ParamSpec.constant("weight", shapeOf(c.count("num_parameters", 1)), true, (float) c.number("init", 0.25)));
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
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return c.input();
        }

        @Override
        Map<String, Object> opAttrs(LayerSpec s) {
            return Map.of();
        }
    }

    // ------------------------------------------------------------------ pooling, padding

    /** max_pool2d, avg_pool2d, lp_pool2d: a sliding window. */
    static final class WindowPool extends LayerType {
        private final Set<String> attributes;

        WindowPool(String op, Set<String> attributes) {
            super(op, op);
            this.attributes = attributes;
        }

        @Override
        Set<String> attributes() {
            return attributes;
        }

        @Override
        Set<String> required() {
            return name.equals(LpPool2d.OP) ? Set.of("norm_type", "kernel_size") : Set.of("kernel_size");
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            switch (name) {
                case MaxPool2d.OP:
                    return MaxPool2d.outputShape(c.input(), MaxPool2d.attrs(c.attrs()));
                case AvgPool2d.OP:
                    return AvgPool2d.outputShape(c.input(), AvgPool2d.attrs(c.attrs()));
                default:
                    return LpPool2d.outputShape(c.input(), LpPool2d.attrs(c.attrs()));
            }
        }

        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            switch (name) {
                case MaxPool2d.OP: {
                    MaxPool2dAttrs a = MaxPool2d.attrs(c.attrs());
                    return in.get(0).window(a.dilation().h() * (a.kernel().h() - 1) + 1, a.dilation().w() * (a.kernel().w() - 1) + 1,
                            a.stride().h(), a.stride().w());
                }
                case AvgPool2d.OP: {
                    AvgPool2dAttrs a = AvgPool2d.attrs(c.attrs());
                    return in.get(0).window(a.kernel().h(), a.kernel().w(), a.stride().h(), a.stride().w());
                }
                default: {
                    LpPool2dAttrs a = LpPool2d.attrs(c.attrs());
                    return in.get(0).window(a.kernel().h(), a.kernel().w(), a.stride().h(), a.stride().w());
                }
            }
        }

        /** max_pool2d without its indices: the generic operator would compute them for nothing. */
        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            if (name.equals(MaxPool2d.OP)) {
                return MaxPool2d.apply((MaxPool2dKernel) kernel, inputs.get(0), MaxPool2d.attrs(s.attrs()));
            }
            return super.run(kernel, s, inputs, params);
        }
    }

    /** Adaptive pools (output_size, elements may be null to keep that size) and global pools (1x1). */
    static final class AdaptivePool extends LayerType {
        private final boolean global;

        AdaptivePool(String op, boolean global) {
            super(op, op);
            this.global = global;
        }

        @Override
        Set<String> attributes() {
            return global ? Set.of() : Set.of("output_size");
        }

        @Override
        Set<String> required() {
            return attributes();
        }

        private Integer[] size(LayerContext c) {
            if (global) {
                return new Integer[] {1, 1};
            }
            Object v = c.attrs().get("output_size");
            if (v instanceof Number) {
                int n = c.count("output_size");
                return new Integer[] {n, n};
            }
            if (v instanceof List<?> l && l.size() == 2 && l.stream().allMatch(e -> e == null || e instanceof Number)) {
                return new Integer[] {l.get(0) == null ? null : ((Number) l.get(0)).intValue(), l.get(1) == null ? null : ((Number) l.get(1)).intValue()};
            }
            throw c.error("attribute_type", "output_size must be an int or a list of two ints (or nulls), got output_size=" + v);
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            Integer[] s = size(c);
            return AdaptivePool2d.outputShape(name, c.input(), s[0], s[1]);
        }

        /** The longest of the overlapping windows ATen uses, and a stride of in/out. */
        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            int h = c.input().dim(-2), w = c.input().dim(-1), oh = out.dim(-2), ow = out.dim(-1);
            if (oh == 0 || ow == 0) {
                return in.get(0);
            }
            return in.get(0).window(longestWindow(h, oh), longestWindow(w, ow), (double) h / oh, (double) w / ow);
        }

        private static int longestWindow(int in, int out) {
            int longest = 0;
            for (int o = 0; o < out; o++) {
                longest = Math.max(longest, OutputSize.adaptiveEnd(o, in, out) - OutputSize.adaptiveStart(o, in, out));
            }
            return longest;
        }
    }

    /** F.pad: padding shifts what an output sees, it does not widen it. */
    static final class PadType extends LayerType {
        PadType() {
            super(Pad.OP, Pad.OP);
        }

        @Override
        Set<String> attributes() {
            return Set.of("pad", "mode", "value");
        }

        @Override
        Set<String> required() {
            return Set.of("pad");
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return Pad.outputShape(c.input(), Pad.attrs(c.attrs()));
        }
    }

    // ------------------------------------------------------------------ element-wise, residual

    /** The activations, softmax and log_softmax: the input's shape; {@code inplace} is accepted and means nothing here. */
    static final class ElementwiseType extends LayerType {
        private final Set<String> attributes;

        ElementwiseType(String op, Set<String> params) {
            super(op, op);
            this.attributes = union(params, "inplace");
        }

        @Override
        Set<String> attributes() {
            return attributes;
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return c.input();
        }
    }

    /** The residual add: two inputs of one shape. */
    static final class AddType extends LayerType {
        AddType() {
            super(Add.OP, Add.OP);
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
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return Add.outputShape(c.inputShapes.get(0), c.inputShapes.get(1));
        }

        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            return in.get(0).merge(in.get(1));
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return (Tensor) Operators.get(op).run(kernel, Map.of(), Map.of("input", inputs.get(0), "other", inputs.get(1))).get("output");
        }
    }

    /** nn.Upsample: nearest reads one input per axis, bilinear two; outputs are in/out inputs apart. */
    static final class UpsampleType extends LayerType {
        UpsampleType() {
            super(Upsample.OP, Upsample.OP);
        }

        @Override
        Set<String> attributes() {
            return Set.of("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor");
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return Upsample.outputShape(c.input(), Upsample.attrs(c.attrs()));
        }

        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            UpsampleAttrs a = Upsample.attrs(c.attrs());
            int taps = a.mode() == UpsampleMode.BILINEAR ? 2 : 1;
            return in.get(0).window(taps, taps, (double) c.input().dim(2) / out.dim(2), (double) c.input().dim(3) / out.dim(3));
        }
    }

    // ------------------------------------------------------------------ no kernel

    /** nn.Flatten: a view; folding H and W into features ends the spatial receptive field. */
    static final class FlattenType extends LayerType {
        FlattenType() {
            super(Flatten.OP, null);
        }

        @Override
        Set<String> attributes() {
            return Set.of("start_dim", "end_dim");
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return Flatten.outputShape(c.input(), Flatten.attrs(c.attrs()));
        }

        @Override
        Field field(LayerContext c, List<Field> in, Shape out) {
            Shape x = c.input();
            FlattenAttrs a = Flatten.attrs(c.attrs());
            if (x.rank() != 4) {
                return in.get(0);
            }
            int s = a.startDim() < 0 ? a.startDim() + 4 : a.startDim(), e = a.endDim() < 0 ? a.endDim() + 4 : a.endDim();
            boolean foldH = s <= 2 && 2 <= e, foldW = s <= 3 && 3 <= e;
            return foldH || foldW ? in.get(0).fold(foldH ? x.dim(2) : 1, foldW ? x.dim(3) : 1) : in.get(0);
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return Flatten.apply(inputs.get(0), Flatten.attrs(s.attrs()));
        }
    }

    /** nn.Dropout at inference: the identity. */
    static final class DropoutType extends LayerType {
        DropoutType() {
            super(Dropout.OP, null);
        }

        @Override
        Set<String> attributes() {
            return Set.of("p", "inplace");
        }

        @Override
        Shape outputShape(LayerContext c, Map<String, Shape> p) {
            return Dropout.outputShape(c.input(), Dropout.attrs(c.attrs()));
        }

        @Override
        Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
            return Dropout.apply(inputs.get(0), Dropout.attrs(s.attrs()));
        }
    }
}
