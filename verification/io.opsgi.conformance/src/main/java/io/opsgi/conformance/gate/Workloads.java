package io.opsgi.conformance.gate;

import io.opsgi.conformance.VectorCase;
import io.opsgi.conformance.VectorFormatException;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The representative calls of each op the gate checks at realistic size and times kernels on:
 * the op's standard workloads (one per geometry class; ids and shapes from
 * {@code ../shared/perf/workloads.json}, which is outside this repository, so the few used are
 * written here), and, for ops without a standard workload of at least {@link #LARGE} input
 * elements except the convolutions (whose ResNet-sized workloads cost ~K times more per element),
 * the op's vector cases with the batch dimension repeated until the input has {@link #LARGE}
 * elements, as candidates in order of size (the caller keeps the first the reference accepts).
 */
final class Workloads {
    /** 2^21 input elements: a 64x180x180 activation map; above every vector case by ~1000x. */
    static final int LARGE = 1 << 21;

    private Workloads() {
    }

    /** The standard workloads of {@code op} (none for most ops), with seeded values. */
    static List<Workload> standard(String op, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Workload> out = new ArrayList<>();
        switch (op) {
            case "conv2d" -> {
                out.add(conv("r18_layer1_64x64_k3_56", 64, 56, 64, 3, 1, 1, 1, r));
                out.add(conv("mbv2_pw1x1_144x24_56", 144, 56, 24, 1, 1, 0, 1, r));
                out.add(conv("mbv2_dw3x3_144_56", 144, 56, 144, 3, 1, 1, 144, r));
            }
            case "conv_transpose2d" -> out.add(new Workload("convT_256x128_k4s2p1_14", op,
                    attrs("stride", List.of(2, 2), "padding", List.of(1, 1), "output_padding", List.of(0, 0), "dilation", List.of(1, 1),
                            "groups", 1),
                    inputs("input", random(r, 1, Shape.of(1, 256, 14, 14)), "weight", random(r, 1 / Math.sqrt(128 * 16), Shape.of(256, 128, 4, 4)),
                            "bias", random(r, 0.1, Shape.of(128)))));
            case "max_pool2d" -> out.add(new Workload("maxpool_k3s2p1_64x112", op,
                    attrs("kernel_size", List.of(3, 3), "stride", List.of(2, 2), "padding", List.of(1, 1), "dilation", List.of(1, 1),
                            "ceil_mode", false),
                    inputs("input", random(r, 1, Shape.of(1, 64, 112, 112)))));
            case "avg_pool2d" -> out.add(new Workload("avgpool_k2s2_64x112", op,
                    attrs("kernel_size", List.of(2, 2), "stride", List.of(2, 2), "padding", List.of(0, 0), "ceil_mode", false,
                            "count_include_pad", true, "divisor_override", null),
                    inputs("input", random(r, 1, Shape.of(1, 64, 112, 112)))));
            case "adaptive_avg_pool2d" -> out.add(new Workload("gap_512x7", op, attrs("output_size", List.of(1, 1)),
                    inputs("input", random(r, 1, Shape.of(1, 512, 7, 7)))));
            // ResNet-18's global pool, as workloads.json's gap_512x7 (an adaptive pool to 1x1 there).
            case "global_avg_pool2d" -> out.add(new Workload("gap_512x7", op, Map.of(), inputs("input", random(r, 1, Shape.of(1, 512, 7, 7)))));
            case "batch_norm" -> {
                Shape c = Shape.of(64);
                out.add(new Workload("bn_inf_64x112", op, attrs("eps", 1e-5, "momentum", 0.1, "training", false),
                        inputs("input", random(r, 1, Shape.of(1, 64, 112, 112)), "running_mean", random(r, 0.1, c),
                                "running_var", positive(r, c), "weight", positive(r, c), "bias", random(r, 0.1, c))));
            }
            case "relu" -> out.add(new Workload("relu_64x112", op, Map.of(), inputs("input", random(r, 1, Shape.of(1, 64, 112, 112)))));
            default -> {
            }
        }
        return out;
    }

    /** Whether {@code op} also needs a vector case scaled to {@link #LARGE} input elements. */
    static boolean needsScaledCase(String op, List<Workload> standard) {
        boolean convolution = op.equals("conv2d") || op.equals("conv_transpose2d");
        return !convolution && standard.stream().allMatch(w -> w.inputElements() < LARGE);
    }

    /**
     * The valid cases of an op, largest input first, each with its batch dimension (dim 0 of
     * {@code input} and of every input of the same shape) repeated until the input has at least
     * {@link #LARGE} elements, values scaled by a seeded factor in [0.5, 1.5) as the differential
     * check does (signs, zeros and specials stay). Cases whose input cannot be scaled so are left out.
     */
    static List<VectorCase> scalable(List<VectorCase> cases) {
        List<VectorCase> valid = new ArrayList<>();
        for (VectorCase c : cases) {
            if (!c.isErrorCase() && c.inputs().containsKey("input")) {
                valid.add(c);
            }
        }
        valid.sort(Comparator.comparingLong((VectorCase c) -> c.inputs().get("input").toFile().length()).reversed());
        return valid;
    }

    /** {@code c} scaled as {@link #scalable} describes; null if its input is empty or a scalar. */
    static Workload scaled(VectorCase c, long seed) throws VectorFormatException {
        Map<String, Tensor> in = c.readInputs();
        Tensor x = in.get("input");
        if (x == null || x.rank() == 0 || x.size() == 0) {
            return null;
        }
        int times = (LARGE + x.size() - 1) / x.size();
        SplittableRandom r = new SplittableRandom(seed ^ c.name().hashCode());
        Map<String, Tensor> out = new LinkedHashMap<>();
        in.forEach((name, t) -> out.put(name, t.shape().equals(x.shape()) ? repeated(t, times, r) : t));
        return new Workload(c.name() + " x" + times, c.op(), c.attrs(), out);
    }

    /**
     * {@code w} cut to one plane: its input to the first sample and channel (H and W kept), every
     * input of the input's shape alike, per-channel vectors (a batch norm's statistics) to their first
     * value. A kernel takes the same branches per row and plane as on {@code w}, at 1/(N*C) of the
     * work, so many such calls get its code compiled, by invocation counts, with {@code w}'s branches
     * in the profile (a few large calls get it compiled late, on stack, and deoptimized on the next
     * geometry). Null for an input of rank below 3 or of one plane already.
     */
    static Workload plane(Workload w) {
        Tensor x = w.inputs().get("input");
        if (x == null || x.rank() < 3 || x.rank() > 4) {
            return null;
        }
        int[] dims = x.shape().toArray();
        int channels = x.rank() == 4 ? dims[1] : dims[0];
        int planes = x.rank() == 4 ? dims[0] * dims[1] : dims[0];
        if (planes <= 1) {
            return null;
        }
        dims[0] = 1;
        if (x.rank() == 4) {
            dims[1] = 1;
        }
        Shape one = Shape.of(dims);
        Map<String, Tensor> in = new LinkedHashMap<>();
        w.inputs().forEach((name, t) -> {
            if (t.shape().equals(x.shape())) {
                in.put(name, Tensor.wrap(one, Arrays.copyOf(t.buffer(), one.size())));
            } else if (x.rank() == 4 && t.rank() == 1 && t.size() == channels) {
                in.put(name, Tensor.wrap(Shape.of(1), Arrays.copyOf(t.buffer(), 1)));
            } else {
                in.put(name, t);
            }
        });
        return new Workload(w.name() + " (one plane)", w.op(), w.attrs(), in);
    }

    private static Tensor repeated(Tensor t, int times, SplittableRandom r) {
        float[] src = t.buffer();
        float[] v = new float[src.length * times];
        for (int i = 0; i < v.length; i++) {
            v[i] = src[i % src.length] * (float) (0.5 + r.nextDouble());
        }
        int[] dims = t.shape().toArray();
        dims[0] *= times;
        return Tensor.wrap(Shape.of(dims), v);
    }

    private static Workload conv(String id, int c, int hw, int k, int kernel, int stride, int pad, int groups, SplittableRandom r) {
        int fanIn = c / groups * kernel * kernel;
        return new Workload(id, "conv2d",
                attrs("stride", List.of(stride, stride), "padding", List.of(pad, pad), "dilation", List.of(1, 1), "groups", groups,
                        "padding_mode", "zeros"),
                inputs("input", random(r, 1, Shape.of(1, c, hw, hw)), "weight", random(r, 1 / Math.sqrt(fanIn), Shape.of(k, c / groups, kernel, kernel))));
    }

    private static Tensor random(SplittableRandom r, double scale, Shape shape) {
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return Tensor.wrap(shape, v);
    }

    /** Values in [0.5, 1.5): a variance or a scale. */
    private static Tensor positive(SplittableRandom r, Shape shape) {
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.5 + r.nextDouble());
        }
        return Tensor.wrap(shape, v);
    }

    private static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Tensor> inputs(Object... kv) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Tensor) kv[i + 1]);
        }
        return m;
    }
}
