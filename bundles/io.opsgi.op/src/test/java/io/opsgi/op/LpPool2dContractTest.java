package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.tensor.Shape;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The lp_pool2d contract: avg_pool2d's geometry without padding or dilation, plus norm_type. */
class LpPool2dContractTest {
    private static final String OP = "lp_pool2d";

    private static Shape out(Shape x, LpPool2dAttrs a) {
        return LpPool2d.outputShape(x, a);
    }

    @Test
    void shapes() {
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 4, 4), LpPool2dAttrs.of(2, 2)));
        assertEquals(shape(2, 3, 2, 2), out(shape(2, 3, 5, 5), new LpPool2dAttrs(2, HW.of(3), HW.of(2), false))); // (5-3)/2 + 1
        assertEquals(shape(3, 1, 1), out(shape(3, 2, 2), LpPool2dAttrs.of(1, 2)));
        // 3x3 ones, k=2 s=2 ceil (the scaling-quirk example): 2x2.
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 3, 3), new LpPool2dAttrs(1, HW.of(2), null, true)));
        assertEquals(shape(1, 1, 1, 1), out(shape(1, 1, 3, 3), LpPool2dAttrs.of(1, 2)));
    }

    @Test
    void kernel_receives_unpadded_geometry_and_norm_type() {
        AtomicReference<PoolGeometry> g = new AtomicReference<>();
        AtomicReference<Double> p = new AtomicReference<>();
        LpPool2d.apply((geo, norm, x, y) -> {
            g.set(geo);
            p.set(norm);
        }, zeros(1, 2, 5, 4), new LpPool2dAttrs(1.5, HW.of(2, 3), HW.of(1, 1), false));
        assertEquals(new PoolGeometry(1, 2, 5, 4, 2, 3, 1, 1, 0, 0, 1, 1, 4, 2), g.get());
        assertEquals(1.5, p.get());
    }

    @Test
    void negative_and_infinite_norms_are_legal() {
        assertEquals(-1.0, LpPool2dAttrs.of(-1, 2).normType());
        assertEquals(Double.POSITIVE_INFINITY, LpPool2dAttrs.of(Double.POSITIVE_INFINITY, 2).normType());
    }

    @Test
    void empty_batch() {
        assertEquals(shape(0, 1, 2, 2), LpPool2d.apply(NoKernel.INSTANCE, zeros(0, 1, 4, 4), LpPool2dAttrs.of(2, 2)).shape());
    }

    // ---- one error per rule ----

    @Test
    void norm_type_nonzero() {
        assertRule(OP, "norm_type_nonzero", () -> LpPool2dAttrs.of(0, 2), "norm_type", "norm_type=0.0");
        assertRule(OP, "norm_type_nonzero", () -> LpPool2dAttrs.of(-0.0, 2), "norm_type");
    }

    @Test
    void stride_positive() {
        assertRule(OP, "stride_positive", () -> new LpPool2dAttrs(2, HW.of(2), HW.of(0), false), "stride should not be zero", "stride=[0, 0]");
        assertRule(OP, "stride_positive", () -> new LpPool2dAttrs(2, HW.of(0), null, false), "stride=[0, 0]");
    }

    @Test
    void kernel_size_positive() {
        assertRule(OP, "kernel_size_positive", () -> new LpPool2dAttrs(2, HW.of(0, 2), HW.of(1), false), "kernel_size=[0, 2]");
    }

    @Test
    void input_rank() {
        assertRule(OP, "input_rank", () -> out(shape(4, 4), LpPool2dAttrs.of(2, 2)), "[4, 4]");
    }

    @Test
    void empty_input() {
        assertRule(OP, "empty_input", () -> out(shape(1, 0, 4, 4), LpPool2dAttrs.of(2, 2)), "[1, 0, 4, 4]");
    }

    @Test
    void output_size_too_small() {
        // No padding: a kernel larger than the input leaves nothing.
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 3, 3), LpPool2dAttrs.of(2, 4)), "(1x3x3)", "(1x0x0)");
    }

    // ---- attributes in PyTorch's terms ----

    private static double parsedNorm(Map<String, Object> a) {
        AtomicReference<Double> p = new AtomicReference<>();
        Operators.get(OP).run((LpPool2dKernel) (g, norm, x, y) -> p.set(norm), a, inputs("input", zeros(1, 1, 4, 4)));
        return p.get();
    }

    @Test
    void parses_attributes() {
        assertEquals(3.0, parsedNorm(attrs("norm_type", 3, "kernel_size", 2, "stride", null, "ceil_mode", false)));
        assertEquals(2.0, parsedNorm(attrs("kernel_size", List.of(2, 2), "stride", List.of())), "norm_type defaults to 2");
    }

    @Test
    void pair_length() {
        assertRule(OP, "pair_length", () -> parsedNorm(attrs("norm_type", 2, "kernel_size", List.of(2, 2, 2))), "kernel_size=[2, 2, 2]");
    }

    @Test
    void norm_type_zero_through_attributes() {
        assertRule(OP, "norm_type_nonzero", () -> parsedNorm(attrs("norm_type", 0, "kernel_size", 2)), "norm_type=0.0");
    }
}
