package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The max_pool2d contract: output shapes, geometry, and one error per validation rule. */
class MaxPool2dContractTest {
    private static final String OP = "max_pool2d";

    private static MaxPool2dAttrs pool(HW k, HW s, HW p, HW d, boolean ceil) {
        return new MaxPool2dAttrs(k, s, p, d, ceil);
    }

    private static Shape out(Shape x, MaxPool2dAttrs a) {
        return MaxPool2d.outputShape(x, a);
    }

    // ---- output shapes ----

    @Test
    void default_stride_is_the_kernel() {
        MaxPool2dAttrs a = MaxPool2dAttrs.of(2);
        assertEquals(HW.of(2), a.stride());
        assertEquals(shape(1, 3, 2, 2), out(shape(1, 3, 4, 4), a));
        assertEquals(HW.of(3, 2), pool(HW.of(3, 2), null, HW.of(0), HW.of(1), false).stride());
    }

    @Test
    void shapes() {
        // ResNet: k3 s2 p1 on 112 -> (112+2-3)/2 + 1 = 56.
        assertEquals(shape(1, 64, 56, 56), out(shape(1, 64, 112, 112), MaxPool2dAttrs.of(3).withStride(2).withPadding(1)));
        // Dilation 2: effective kernel 5 on 7 -> 3.
        assertEquals(shape(1, 1, 3, 3), out(shape(1, 1, 7, 7), MaxPool2dAttrs.of(3).withStride(1).withDilation(2)));
        // Per-dimension: k (2,3), s (1,2) on 4x7 -> H (4-2)/1 + 1 = 3, W (7-3)/2 + 1 = 3.
        assertEquals(shape(2, 1, 3, 3), out(shape(2, 1, 4, 7), pool(HW.of(2, 3), HW.of(1, 2), HW.of(0), HW.of(1), false)));
    }

    @Test
    void ceil_mode_shapes() {
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 5, 5), MaxPool2dAttrs.of(3).withStride(3).withPadding(1).withCeilMode(true)));
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 3, 3), MaxPool2dAttrs.of(2).withPadding(1).withCeilMode(true)));
        assertEquals(shape(1, 1, 1, 1), out(shape(1, 1, 1, 1), MaxPool2dAttrs.of(2).withPadding(1).withCeilMode(true)));
        // Ceil adds a window that starts inside the input: 5x5, k2 s2 -> 2 (floor) or 3 (ceil).
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 5, 5), MaxPool2dAttrs.of(2)));
        assertEquals(shape(1, 1, 3, 3), out(shape(1, 1, 5, 5), MaxPool2dAttrs.of(2).withCeilMode(true)));
    }

    @Test
    void geometry_handed_to_the_kernel() {
        AtomicReference<PoolGeometry> seen = new AtomicReference<>();
        MaxPool2d.apply((g, x, y, idx) -> seen.set(g), zeros(2, 3, 5, 6), pool(HW.of(3, 2), HW.of(2, 1), HW.of(1, 0), HW.of(1, 2), true));
        // H: ceil (5+2-2-1+1)/2 + 1 = 3, last start 4-1 = 3 < 6: keep. W: (6-2-1)/1 + 1 = 4 (stride 1: ceil changes nothing).
        assertEquals(new PoolGeometry(2, 3, 5, 6, 3, 2, 2, 1, 1, 0, 1, 2, 3, 4), seen.get());
    }

    @Test
    void indices_have_the_output_shape() {
        AtomicReference<long[]> idx = new AtomicReference<>();
        Pooled p = MaxPool2d.applyWithIndices((g, x, y, i) -> idx.set(i), zeros(1, 2, 4, 4), MaxPool2dAttrs.of(2));
        assertEquals(shape(1, 2, 2, 2), p.indices().shape());
        assertEquals(8, idx.get().length);
        // Without indices the kernel is told so with null.
        idx.set(new long[0]);
        MaxPool2d.apply((g, x, y, i) -> idx.set(i), zeros(1, 2, 4, 4), MaxPool2dAttrs.of(2));
        assertNull(idx.get());
    }

    @Test
    void unbatched_and_empty_batch() {
        assertEquals(shape(3, 2, 2), out(shape(3, 4, 4), MaxPool2dAttrs.of(2)));
        Pooled p = MaxPool2d.applyWithIndices(NoKernel.INSTANCE, zeros(0, 3, 4, 4), MaxPool2dAttrs.of(2));
        assertEquals(shape(0, 3, 2, 2), p.output().shape());
        assertEquals(shape(0, 3, 2, 2), p.indices().shape());
    }

    @Test
    void padding_limit_ignores_dilation() {
        // 1.13: pad <= floor(k/2) with the plain kernel. k=2, d=2 (effective 3): p=1 allowed; (4+2-2-1)/2 + 1 = 2.
        assertEquals(shape(1, 1, 2, 2), out(shape(1, 1, 4, 4), MaxPool2dAttrs.of(2).withStride(2).withDilation(2).withPadding(1)));
        // k=3, d=2 (effective 5, half 2): p=2 is refused by 1.13, which only looks at k=3.
        assertRule(OP, "padding_at_most_half_kernel", () -> MaxPool2dAttrs.of(3).withDilation(2).withPadding(2),
                "padding=[2, 2]", "kernel_size=[3, 3]");
    }

    // ---- one error per rule ----

    @Test
    void stride_positive_zero() {
        assertRule(OP, "stride_positive", () -> MaxPool2dAttrs.of(2).withStride(0), "stride should not be zero", "stride=[0, 0]");
    }

    @Test
    void stride_positive_negative() {
        assertRule(OP, "stride_positive", () -> MaxPool2dAttrs.of(2).withStride(-1), "stride should be greater than zero", "stride=[-1, -1]");
    }

    @Test
    void kernel_zero_with_default_stride_reports_the_stride() {
        assertRule(OP, "stride_positive", () -> pool(HW.of(0), null, HW.of(0), HW.of(1), false), "stride should not be zero", "stride=[0, 0]");
    }

    @Test
    void kernel_size_positive() {
        assertRule(OP, "kernel_size_positive", () -> pool(HW.of(0), HW.of(1), HW.of(0), HW.of(1), false),
                "kernel size should be greater than zero", "kernel_size=[0, 0]");
        assertRule(OP, "kernel_size_positive", () -> pool(HW.of(2, 0), HW.of(1), HW.of(0), HW.of(1), false), "kernel_size=[2, 0]");
    }

    @Test
    void padding_non_negative() {
        assertRule(OP, "padding_non_negative", () -> MaxPool2dAttrs.of(2).withPadding(-1), "pad must be non-negative", "padding=[-1, -1]");
    }

    @Test
    void padding_at_most_half_kernel() {
        assertRule(OP, "padding_at_most_half_kernel", () -> MaxPool2dAttrs.of(2).withPadding(2),
                "at most half of kernel size", "padding=[2, 2]", "kernel_size=[2, 2]");
        assertRule(OP, "padding_at_most_half_kernel", () -> pool(HW.of(3, 1), null, HW.of(1, 1), HW.of(1), false),
                "padding=[1, 1]", "kernel_size=[3, 1]");
    }

    @Test
    void checks_run_per_dimension_height_first() {
        // ATen checks H (stride, pad, half kernel) before W: W's zero stride is not reached.
        assertRule(OP, "padding_non_negative", () -> pool(HW.of(2), HW.of(1, 0), HW.of(-1, 0), HW.of(1), false), "padding=[-1, 0]");
        assertRule(OP, "stride_positive", () -> pool(HW.of(2), HW.of(1, 0), HW.of(0, -1), HW.of(1), false), "stride=[1, 0]");
    }

    @Test
    void dilation_positive() {
        assertRule(OP, "dilation_positive", () -> MaxPool2dAttrs.of(2).withDilation(0), "dilation should be greater than zero", "dilation=[0, 0]");
    }

    @Test
    void input_rank() {
        assertRule(OP, "input_rank", () -> out(shape(5, 5), MaxPool2dAttrs.of(2)), "[5, 5]");
        assertRule(OP, "input_rank", () -> out(shape(1, 1, 1, 5, 5), MaxPool2dAttrs.of(2)), "[1, 1, 1, 5, 5]");
    }

    @Test
    void empty_input() {
        assertRule(OP, "empty_input", () -> out(shape(1, 0, 5, 5), MaxPool2dAttrs.of(2)), "non-zero", "[1, 0, 5, 5]");
        assertRule(OP, "empty_input", () -> out(shape(1, 3, 0, 5), MaxPool2dAttrs.of(2)), "[1, 3, 0, 5]");
        assertRule(OP, "empty_input", () -> out(shape(0, 5, 5), MaxPool2dAttrs.of(2)), "[0, 5, 5]");
    }

    @Test
    void output_size_too_small() {
        // k=6 on 5: floor((5-5-1)/6) + 1 = -1 + 1 = 0.
        assertRule(OP, "output_size_too_small", () -> out(shape(1, 5, 5), MaxPool2dAttrs.of(6)),
                "output size is too small", "(1x5x5)", "(1x0x0)");
    }

    // ---- attributes in PyTorch's terms ----

    private static PoolGeometry parsed(Map<String, Object> a) {
        AtomicReference<PoolGeometry> seen = new AtomicReference<>();
        MaxPool2dKernel k = (g, x, y, i) -> seen.set(g);
        Map<String, Object> result = Operators.get(OP).run(k, a, inputs("input", zeros(1, 1, 6, 6)));
        assertNotNull(result.get("output"));
        assertEquals(((Tensor) result.get("output")).shape(), ((IndexTensor) result.get("indices")).shape());
        return seen.get();
    }

    @Test
    void parses_attributes() {
        PoolGeometry g = parsed(attrs("kernel_size", List.of(3), "stride", List.of(2, 1), "padding", 1, "dilation", List.of(1, 1),
                "ceil_mode", true));
        // H: ceil (6+2-2-1+1)/2 + 1 = 4, start 3*2-1 = 5 < 7: keep. W: (6+2-3)/1 + 1 = 6.
        assertEquals(new PoolGeometry(1, 1, 6, 6, 3, 3, 2, 1, 1, 1, 1, 1, 4, 6), g);
    }

    @Test
    void null_or_empty_stride_means_the_kernel() {
        assertEquals(3, parsed(attrs("kernel_size", 3, "stride", null)).strideH());
        assertEquals(3, parsed(attrs("kernel_size", 3)).strideW());
        assertEquals(3, parsed(attrs("kernel_size", 3, "stride", List.of())).strideW());
    }

    @Test
    void pair_length() {
        assertRule(OP, "pair_length", () -> parsed(attrs("kernel_size", List.of(2, 2, 2))), "kernel_size=[2, 2, 2]");
        assertRule(OP, "pair_length", () -> parsed(attrs("kernel_size", 2, "stride", List.of(1, 1, 1))), "stride=[1, 1, 1]");
        assertRule(OP, "pair_length", () -> parsed(attrs("kernel_size", 2, "padding", List.of(0, 0, 0))), "padding=[0, 0, 0]");
        assertRule(OP, "pair_length", () -> parsed(attrs("kernel_size", 2, "dilation", List.of(1, 1, 1))), "dilation=[1, 1, 1]");
        assertRule(OP, "pair_length", () -> parsed(attrs("kernel_size", 2, "padding", List.of())), "padding=[]");
    }

    @Test
    void kernel_size_is_required() {
        assertRule(OP, "attribute_type", () -> parsed(attrs()), "kernel_size");
    }
}
