package io.opsgi.net;

import io.opsgi.conformance.Tolerance;
import io.opsgi.conformance.Tolerances;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How close a whole network's output must come to PyTorch's, built from the per-operator bounds of
 * {@link Tolerances} and the network's depth.
 *
 * <p>Derivation. The conformance kit bounds one operator's difference from PyTorch by
 * {@code c·sqrt(K)·u·(max|y| + 1)} (c = {@link Tolerances#REDUCTION_C}, u = 2^-24, K the length of
 * each sum), i.e. a relative error of {@code c·sqrt(K)·u} at the scale of its output. In a network
 * each layer adds its own such error to what it receives; the examples normalize every conv with a
 * batch norm, so activations stay at one scale and an error passes on roughly undamped and
 * unamplified (ReLU and max pooling are 1-Lipschitz and exact). Adding the layers' bounds, rather
 * than their squares, assumes the worst: no cancellation. So
 * <pre>
 * atol = c · u · (max|expected| + 1) · Σ_layers term(layer),   rtol = 1.3e-6 (assert_close's)
 * </pre>
 * with term = sqrt(K) for a layer that sums K terms (conv2d: C_in/groups·kH·kW; conv_transpose2d:
 * C_in/groups times the taps that reach one output; linear: in_features; global and adaptive average
 * pooling: H·W; batch norm at inference, add: 1); term = S + 1 for a bilinear upsample of an input whose
 * larger side is S ({@link Tolerances#interpolation}); term = 1.3e-6/(c·u) ≈ 5.5 (assert_close's rtol in the
 * same units) for the activations built on exp, tanh or erf; and 0 for the layers PyTorch and opsgi compute
 * bit for bit (ReLU family, max and average pooling, pad, flatten, dropout, nearest upsample, prelu).
 * The sum is over every layer, so both branches of a residual block count: for a chain it is the sum
 * over its depth.
 */
public final class NetworkTolerance {
    private static final Set<String> EXACT = Set.of("relu", "relu6", "leaky_relu", "hardtanh", "hardswish", "hardsigmoid", "prelu", "max_pool2d",
            "adaptive_max_pool2d", "global_max_pool2d", "avg_pool2d", "pad", "flatten", "dropout");
    private static final double LIBM_TERM = Tolerances.ASSERT_CLOSE_RTOL / (Tolerances.REDUCTION_C * Tolerances.UNIT_ROUNDOFF);

    private NetworkTolerance() {
    }

    /** The tolerance for the output of {@code net} where PyTorch gave {@code expected}. */
    public static Tolerance of(Network net, Tensor expected) {
        double depth = depth(net);
        double scale = Tolerances.maxAbsFinite(expected) + 1;
        double atol = Tolerances.REDUCTION_C * Tolerances.UNIT_ROUNDOFF * scale * depth;
        return Tolerance.close(Tolerances.ASSERT_CLOSE_RTOL, atol, String.format(Locale.ROOT,
                "network of summed depth %.1f: atol = %.0f*2^-24*(max|y| + 1)*depth", depth, Tolerances.REDUCTION_C));
    }

    /** Σ term(layer) over every layer: the network's depth in units of one operator bound (see the class comment). */
    public static double depth(Network net) {
        return net.layers().stream().mapToDouble(NetworkTolerance::term).sum();
    }

    static double term(PlannedLayer l) {
        String t = l.type();
        if (EXACT.contains(t)) {
            return 0;
        }
        Shape x = l.inputShapes().get(0);
        Map<String, Object> a = l.spec().attrs();
        switch (t) {
            case "conv2d": {
                Shape w = weight(l);
                return Math.sqrt((double) w.dim(1) * w.dim(2) * w.dim(3));
            }
            case "conv_transpose2d": {
                Shape w = weight(l);
                int groups = a.get("groups") instanceof Number n ? n.intValue() : 1;
                int[] s = pair(a.get("stride")), d = pair(a.get("dilation"));
                return Math.sqrt((double) w.dim(0) / groups * taps(w.dim(2), s[0], d[0]) * taps(w.dim(3), s[1], d[1]));
            }
            case "linear":
                return Math.sqrt(weight(l).dim(1));
            case "global_avg_pool2d": case "adaptive_avg_pool2d":
                return Math.sqrt((double) x.dim(-1) * x.dim(-2));
            case "lp_pool2d": {
                int[] k = pair(a.get("kernel_size"));
                return Math.sqrt((double) k[0] * k[1]) + LIBM_TERM;
            }
            case "softmax": case "log_softmax":
                return Math.sqrt(Math.max(1, x.rank() >= 2 ? x.dim(1) : x.size())) + LIBM_TERM;
            case "upsample":
                return "bilinear".equals(a.get("mode")) ? Math.max(x.dim(2), x.dim(3)) + 1 : 0;
            case "batch_norm": case "add":
                return 1;
            default:
                return LIBM_TERM; // the exp/tanh/erf activations
        }
    }

    private static Shape weight(PlannedLayer l) {
        return l.params().stream().filter(p -> p.name().equals("weight")).findFirst().orElseThrow().shape();
    }

    private static int taps(int k, int stride, int dilation) {
        int period = stride / gcd(stride, dilation);
        return (k + period - 1) / period;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? Math.max(1, a) : gcd(b, a % b);
    }

    private static int[] pair(Object v) {
        if (v instanceof Number n) {
            return new int[] {n.intValue(), n.intValue()};
        }
        if (v instanceof List<?> l && !l.isEmpty()) {
            return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(l.size() - 1)).intValue()};
        }
        return new int[] {1, 1};
    }
}
