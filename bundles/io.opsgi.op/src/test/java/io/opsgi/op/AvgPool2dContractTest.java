package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The avg_pool2d contract: output shapes, geometry, and one error per validation rule. */
class AvgPool2dContractTest {
    private static final String OP = "avg_pool2d";

    private static Shape out(Shape x, AvgPool2dAttrs a) {
        return AvgPool2d.outputShape(x, a);
    }

    @Test
    void shapes() {
        assertEquals(shape(1, 3, 2, 2), out(shape(1, 3, 4, 4), AvgPool2dAttrs.of(2)));
        // k3 s2 p1 on 7: (7+2-3)/2 + 1 = 4.
        assertEquals(shape(2, 1, 4, 4), out(shape(2, 1, 7, 7), AvgPool2dAttrs.of(3).withStride(2).withPadding(1)));
        assertEquals(shape(3, 2, 2), out(shape(3, 4, 4), AvgPool2dAttrs.of(2)));
        // Per dimension: k (2, 3), stride default = kernel: 4x9 -> 2x3.
        assertEquals(shape(1, 1, 2, 3), out(shape(1, 1, 4, 9), new AvgPool2dAttrs(HW.of(2, 3), null, HW.of(0), false, true, null)));
    }

    @Test
    void ceil_mode_shapes() {
        // 5x5 of 1..25, k=2, ceil: the clipped last window makes it 3x3.
        assertEquals(shape(1, 1, 3, 3), out(shape(1, 1, 5, 5), AvgPool2dAttrs.of(2).withCeilMode(true)));
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 5, 5), AvgPool2dAttrs.of(3).withStride(3).withPadding(1).withCeilMode(true)));
    }

    @Test
    void kernel_receives_geometry_and_attributes() {
        AvgPool2dAttrs a = AvgPool2dAttrs.of(3).withStride(2).withPadding(1).withCountIncludePad(false).withDivisorOverride(-1);
        AtomicReference<PoolGeometry> g = new AtomicReference<>();
        AtomicReference<AvgPool2dAttrs> seen = new AtomicReference<>();
        AvgPool2d.apply((geo, at, x, y) -> {
            g.set(geo);
            seen.set(at);
        }, zeros(1, 2, 7, 6), a);
        // No dilation for avg_pool2d: the geometry says 1. W: (6+2-3)/2 + 1 = 3.
        assertEquals(new PoolGeometry(1, 2, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 4, 3), g.get());
        assertEquals(a, seen.get());
        assertEquals(-1, seen.get().divisorOverride(), "a negative divisor_override is legal");
    }

    @Test
    void empty_batch() {
        assertEquals(shape(0, 3, 2, 2), AvgPool2d.apply(NoKernel.INSTANCE, zeros(0, 3, 4, 4), AvgPool2dAttrs.of(2)).shape());
    }

    // ---- one error per rule ----

    @Test
    void divisor_nonzero() {
        assertRule(OP, "divisor_nonzero", () -> AvgPool2dAttrs.of(2).withDivisorOverride(0), "divisor must be not zero", "divisor_override=0");
    }

    @Test
    void stride_positive() {
        assertRule(OP, "stride_positive", () -> AvgPool2dAttrs.of(2).withStride(0), "stride should not be zero", "stride=[0, 0]");
        assertRule(OP, "stride_positive", () -> AvgPool2dAttrs.of(2).withStride(-2), "greater than zero", "stride=[-2, -2]");
        // Kernel 0 with the default stride: the stride check comes first.
        assertRule(OP, "stride_positive", () -> new AvgPool2dAttrs(HW.of(0), null, HW.of(0), false, true, null), "stride=[0, 0]");
    }

    @Test
    void kernel_size_positive() {
        assertRule(OP, "kernel_size_positive", () -> new AvgPool2dAttrs(HW.of(0), HW.of(1), HW.of(0), false, true, null),
                "kernel size should be greater than zero", "kernel_size=[0, 0]");
    }

    @Test
    void padding_non_negative() {
        assertRule(OP, "padding_non_negative", () -> AvgPool2dAttrs.of(2).withPadding(-1), "pad must be non-negative", "padding=[-1, -1]");
    }

    @Test
    void padding_at_most_half_kernel() {
        assertEquals(shape(1, 1, 3, 3), out(shape(1, 1, 4, 4), AvgPool2dAttrs.of(2).withPadding(1))); // p = k/2 is fine
        assertRule(OP, "padding_at_most_half_kernel", () -> AvgPool2dAttrs.of(2).withPadding(2),
                "at most half of kernel size", "padding=[2, 2]", "kernel_size=[2, 2]");
    }

    @Test
    void input_rank() {
        assertRule(OP, "input_rank", () -> out(shape(5, 5), AvgPool2dAttrs.of(2)), "[5, 5]");
    }

    @Test
    void empty_input() {
        assertRule(OP, "empty_input", () -> out(shape(1, 0, 5, 5), AvgPool2dAttrs.of(2)), "non-zero", "[1, 0, 5, 5]");
        assertRule(OP, "empty_input", () -> out(shape(1, 1, 5, 0), AvgPool2dAttrs.of(2)), "[1, 1, 5, 0]");
    }

    @Test
    void output_size_too_small() {
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 1, 5, 5), AvgPool2dAttrs.of(6)), "(1x5x5)", "(1x0x0)");
    }

    // ---- attributes in PyTorch's terms ----

    private static AvgPool2dAttrs parsed(Map<String, Object> a) {
        AtomicReference<AvgPool2dAttrs> seen = new AtomicReference<>();
        Map<String, Object> r = Operators.get(OP).run((AvgPool2dKernel) (g, at, x, y) -> seen.set(at), a, inputs("input", zeros(1, 1, 6, 6)));
        assertEquals(Tensor.class, r.get("output").getClass());
        return seen.get();
    }

    @Test
    void parses_attributes() {
        AvgPool2dAttrs a = parsed(attrs("kernel_size", List.of(3, 2), "stride", null, "padding", List.of(1), "ceil_mode", true,
                "count_include_pad", false, "divisor_override", 5));
        assertEquals(new AvgPool2dAttrs(HW.of(3, 2), HW.of(3, 2), HW.of(1), true, false, 5), a);
        AvgPool2dAttrs defaults = parsed(attrs("kernel_size", 2, "stride", List.of()));
        assertEquals(new AvgPool2dAttrs(HW.of(2), HW.of(2), HW.of(0), false, true, null), defaults);
        assertNull(parsed(attrs("kernel_size", 2, "divisor_override", null)).divisorOverride());
    }

    @Test
    void pair_length() {
        assertRule(OP, "pair_length", () -> parsed(attrs("kernel_size", 2, "padding", List.of(0, 0, 0))), "padding=[0, 0, 0]");
        assertRule(OP, "pair_length", () -> parsed(attrs("kernel_size", List.of(2, 2, 2))), "kernel_size=[2, 2, 2]");
    }

    @Test
    void divisor_zero_through_attributes() {
        assertRule(OP, "divisor_nonzero", () -> parsed(attrs("kernel_size", 2, "divisor_override", 0)), "divisor_override=0");
    }
}
