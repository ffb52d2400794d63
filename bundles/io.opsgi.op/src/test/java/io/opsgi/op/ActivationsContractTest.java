package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The activation contracts: element-wise functions, prelu, softmax and log_softmax. */
class ActivationsContractTest {

    // ---- element-wise ----

    @Test
    void elementwise_keeps_the_shape_and_skips_empty_inputs() {
        AtomicReference<ActivationAttrs> seen = new AtomicReference<>();
        Tensor y = Activations.apply((a, x, out) -> seen.set(a), zeros(2, 3, 4), ActivationAttrs.of(Activation.RELU));
        assertEquals(shape(2, 3, 4), y.shape());
        assertEquals(Activation.RELU, seen.get().fn());
        assertEquals(shape(0, 3), Activations.apply(NoKernel.INSTANCE, zeros(0, 3), ActivationAttrs.of(Activation.TANH)).shape());
    }

    @Test
    void pytorch_defaults() {
        ActivationAttrs a = ActivationAttrs.of(Activation.SOFTPLUS);
        assertEquals(0.01f, a.negativeSlope());
        assertEquals(1f, a.alpha());
        assertEquals(-1f, a.minVal());
        assertEquals(1f, a.maxVal());
        assertEquals(1f, a.beta());
        assertEquals(20f, a.threshold());
        assertFalse(a.tanhApproximation());
    }

    @Test
    void every_activation_is_an_operator_by_its_functional_name() {
        for (Activation fn : Activation.values()) {
            assertSame(fn, Activation.byOp(fn.op()));
            assertEquals(ElementwiseKernel.class, Operators.get(fn.op()).kernelType(), fn.op());
        }
    }

    private static ActivationAttrs parsed(String op, Map<String, Object> a) {
        AtomicReference<ActivationAttrs> seen = new AtomicReference<>();
        Operators.get(op).run((ElementwiseKernel) (at, x, y) -> seen.set(at), a, inputs("input", zeros(4)));
        return seen.get();
    }

    @Test
    void parses_parameters() {
        assertEquals(ActivationAttrs.leakyRelu(0.2f), parsed("leaky_relu", attrs("negative_slope", 0.2)));
        assertEquals(ActivationAttrs.elu(-0.5f), parsed("elu", attrs("alpha", -0.5)), "negative alpha is accepted");
        assertEquals(ActivationAttrs.celu(2f), parsed("celu", attrs("alpha", 2)));
        assertEquals(ActivationAttrs.hardtanh(-2f, 3f), parsed("hardtanh", attrs("min_val", -2, "max_val", 3)));
        assertEquals(ActivationAttrs.softplus(2f, 10f), parsed("softplus", attrs("beta", 2, "threshold", 10)));
        assertTrue(parsed("gelu", attrs("approximate", "tanh")).tanhApproximation());
        assertFalse(parsed("gelu", attrs("approximate", "none")).tanhApproximation());
        assertFalse(parsed("gelu", attrs()).tanhApproximation());
    }

    @Test
    void alpha_nonzero() {
        assertRule("celu", "alpha_nonzero", () -> ActivationAttrs.celu(0f), "alpha cannot be 0", "alpha=0");
        assertRule("celu", "alpha_nonzero", () -> ActivationAttrs.celu(-0f), "alpha=0");
        assertRule("celu", "alpha_nonzero", () -> parsed("celu", attrs("alpha", 0.0)), "alpha=0");
        // Only celu divides by alpha.
        assertEquals(0f, ActivationAttrs.elu(0f).alpha());
    }

    @Test
    void approximate() {
        assertRule("gelu", "approximate", () -> parsed("gelu", attrs("approximate", "foo")), "either none or tanh", "'foo'");
        assertRule("gelu", "approximate", () -> parsed("gelu", attrs("approximate", "Tanh")), "'Tanh'"); // case-sensitive
    }

    // ---- prelu ----

    private static int[] preluLayout(Tensor x, Tensor w) {
        int[] seen = new int[3];
        Tensor y = Activations.prelu((outer, channels, inner, xs, ws, ys) -> {
            seen[0] = outer;
            seen[1] = channels;
            seen[2] = inner;
        }, x, w);
        assertEquals(x.shape(), y.shape());
        return seen;
    }

    @Test
    void prelu_layout() {
        assertArrayEquals(new int[] {2, 3, 20}, preluLayout(zeros(2, 3, 4, 5), zeros(3)));
        assertArrayEquals(new int[] {2, 3, 20}, preluLayout(zeros(2, 3, 4, 5), zeros(1)), "one shared slope");
        assertArrayEquals(new int[] {4, 3, 1}, preluLayout(zeros(4, 3), zeros(3)));
        assertArrayEquals(new int[] {1, 1, 5}, preluLayout(zeros(5), zeros(1)), "1-D: a single channel");
        // The trap: unbatched (C, H, W) takes dim 1, i.e. H, as the channel.
        assertArrayEquals(new int[] {3, 4, 5}, preluLayout(zeros(3, 4, 5), zeros(4)));
    }

    @Test
    void prelu_weight_size() {
        assertRule("prelu", "weight_size", () -> Activations.prelu(NoKernel.INSTANCE, zeros(1, 4, 2, 2), zeros(3)),
                "mismatch of parameter numbers and input channel size", "parameter numbers=3", "channel size=4");
        assertRule("prelu", "weight_size", () -> Activations.prelu(NoKernel.INSTANCE, zeros(3, 4, 5), zeros(3)), "channel size=4");
        assertRule("prelu", "weight_size", () -> Activations.prelu(NoKernel.INSTANCE, zeros(5), zeros(5)), "channel size=1");
    }

    @Test
    void prelu_weight_rank() {
        assertRule("prelu", "weight_rank", () -> Activations.prelu(NoKernel.INSTANCE, zeros(1, 4, 2, 2), zeros(2, 2)),
                "scalar or 1D", "[2, 2]");
    }

    @Test
    void prelu_input_rank() {
        assertRule("prelu", "input_rank", () -> Activations.prelu(NoKernel.INSTANCE, Tensor.of(Shape.of(), 1f), zeros(1)), "[]");
    }

    @Test
    void prelu_through_operators() {
        assertRule("prelu", "missing_input", () -> Operators.get("prelu").run(NoKernel.INSTANCE, attrs(), inputs("input", zeros(2, 3))),
                "'weight'");
    }

    // ---- softmax ----

    private static int[] softmaxLayout(Tensor x, int dim, boolean log) {
        int[] seen = new int[4];
        Activations.softmax((outer, channels, inner, lg, xs, ys) -> {
            seen[0] = outer;
            seen[1] = channels;
            seen[2] = inner;
            seen[3] = lg ? 1 : 0;
        }, x, dim, log);
        return seen;
    }

    @Test
    void softmax_layout() {
        assertArrayEquals(new int[] {2, 3, 20, 0}, softmaxLayout(zeros(2, 3, 4, 5), 1, false));
        assertArrayEquals(new int[] {24, 5, 1, 1}, softmaxLayout(zeros(2, 3, 4, 5), -1, true));
        assertArrayEquals(new int[] {1, 2, 60, 0}, softmaxLayout(zeros(2, 3, 4, 5), -4, false));
        assertArrayEquals(new int[] {1, 1, 1, 0}, softmaxLayout(Tensor.of(Shape.of(), 3f), 0, false), "0-D: one element");
        assertArrayEquals(new int[] {1, 1, 1, 0}, softmaxLayout(Tensor.of(Shape.of(), 3f), -1, false));
    }

    @Test
    void dim_range() {
        assertRule("softmax", "dim_range", () -> Activations.softmax(NoKernel.INSTANCE, zeros(2, 3, 4, 5), 4, false),
                "dimension out of range", "[-4, 3]", "dim=4");
        assertRule("log_softmax", "dim_range", () -> Activations.softmax(NoKernel.INSTANCE, zeros(2, 3, 4, 5), -5, true), "dim=-5");
        // A 0-D tensor counts as 1-D for the range: [-1, 0].
        assertRule("softmax", "dim_range", () -> Activations.softmax(NoKernel.INSTANCE, Tensor.of(Shape.of(), 1f), 1, false), "[-1, 0]");
    }

    @Test
    void softmax_skips_empty_inputs() {
        assertEquals(shape(0, 3), Activations.softmax(NoKernel.INSTANCE, zeros(0, 3), 1, false).shape());
    }

    private static int[] parsedSoftmax(String op, Map<String, Object> a, Tensor x) {
        int[] seen = new int[4];
        Operators.get(op).run((SoftmaxKernel) (outer, channels, inner, lg, xs, ys) -> {
            seen[0] = outer;
            seen[1] = channels;
            seen[2] = inner;
            seen[3] = lg ? 1 : 0;
        }, a, inputs("input", x));
        return seen;
    }

    @Test
    void softmax_through_operators() {
        assertArrayEquals(new int[] {6, 4, 5, 1}, parsedSoftmax("log_softmax", attrs("dim", 2), zeros(2, 3, 4, 5)));
        assertRule("softmax", "dim_range", () -> parsedSoftmax("softmax", attrs("dim", 2), zeros(2, 3)), "dim=2");
    }

    @Test
    void omitted_dim_is_pytorchs_implicit_choice() {
        // _get_softmax_dim: 0 for 0-, 1- and 3-D inputs, else 1.
        assertArrayEquals(new int[] {1, 3, 20, 0}, parsedSoftmax("softmax", attrs(), zeros(3, 4, 5)));
        assertArrayEquals(new int[] {2, 3, 20, 0}, parsedSoftmax("softmax", attrs(), zeros(2, 3, 4, 5)));
        assertArrayEquals(new int[] {1, 7, 1, 0}, parsedSoftmax("softmax", attrs(), zeros(7)));
        assertArrayEquals(new int[] {2, 7, 1, 1}, parsedSoftmax("log_softmax", attrs(), zeros(2, 7)));
    }
}
