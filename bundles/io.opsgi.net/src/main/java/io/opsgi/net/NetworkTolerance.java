package io.opsgi.net;

import io.opsgi.op.OpSchema;
import io.opsgi.op.Tolerance;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How close a whole network's output must come to PyTorch's, built from the per-operator bounds of
 * {@link ToleranceClass} and the network's depth.
 *
 * <p>Derivation. The conformance kit bounds one operator's difference from PyTorch by
 * {@code c·sqrt(K)·u·(max|y| + 1)} (c = {@link ToleranceClass#REDUCTION_C}, u = 2^-24, K the length of
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
 * pooling to 1x1: H·W; batch norm at inference, add: 1); term = S + 1 for a bilinear upsample of an input whose
 * larger side is S ({@link ToleranceClass#interpolation}); term = 1.3e-6/(c·u) ≈ 5.5 (assert_close's rtol in the
 * same units) for the activations built on exp, tanh or erf; and 0 for the layers PyTorch and opsgi compute
 * bit for bit (ReLU family, max and average pooling, pad, flatten, dropout, nearest upsample, prelu).
 * The sum is over every layer, so both branches of a residual block count: for a chain it is the sum
 * over its depth. Each layer's term is its operator's {@link OpSchema#networkDepth}: its tolerance
 * class's {@link ToleranceClass#depth} at its K (add, bit-exact alone, counts 1: its inputs already differ).
 */
public final class NetworkTolerance {
    private NetworkTolerance() {
    }

    /** The tolerance for the output of {@code net} where PyTorch gave {@code expected}. */
    public static Tolerance of(Network net, Tensor expected) {
        return of(depth(net), expected);
    }

    /**
     * The tolerance for value {@code output} of {@code net} (one of several outputs) where PyTorch gave {@code expected}:
     * the sum over the layers it is computed from, not over the whole network (a feature map early in the network
     * has not been through the head's roundings; the input itself, 0: bit for bit).
     */
    public static Tolerance of(Network net, String output, Tensor expected) {
        return of(depth(net, output), expected);
    }

    private static Tolerance of(double depth, Tensor expected) {
        double scale = ToleranceClass.maxAbsFinite(expected) + 1;
        double atol = ToleranceClass.REDUCTION_C * ToleranceClass.UNIT_ROUNDOFF * scale * depth;
        return Tolerance.close(ToleranceClass.ASSERT_CLOSE_RTOL, atol, String.format(Locale.ROOT,
                "network of summed depth %.1f: atol = %.0f*2^-24*(max|y| + 1)*depth", depth, ToleranceClass.REDUCTION_C));
    }

    /** Σ term(layer) over every layer: the network's depth in units of one operator bound (see the class comment). */
    public static double depth(Network net) {
        return net.layers().stream().mapToDouble(NetworkTolerance::term).sum();
    }

    /** Σ term(layer) over the layers value {@code output} is computed from (itself included): every branch reaching it counts. */
    public static double depth(Network net, String output) {
        Set<String> upstream = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(output));
        while (!todo.isEmpty()) {
            PlannedLayer l = net.layer(todo.pop());
            if (l != null && upstream.add(l.name())) {
                todo.addAll(l.inputs());
            }
        }
        return net.layers().stream().filter(l -> upstream.contains(l.name())).mapToDouble(NetworkTolerance::term).sum();
    }

    private static double term(PlannedLayer l) {
        return l.schema().networkDepth(l.node(), l.outputShape());
    }
}
