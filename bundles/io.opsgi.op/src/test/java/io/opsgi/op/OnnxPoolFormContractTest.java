package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * ONNX's four-sided form of max/avg/lp pooling ({@code padding=[top, left, bottom, right]}): parsing,
 * the geometry the kernels get, ONNX Runtime 1.29's rules (each pad below the kernel, the ceil_mode
 * drop rule, -3.4028235e38 for a dilated window entirely in padding), and PyTorch's form untouched.
 */
class OnnxPoolFormContractTest {

    @Test
    void four_ints_are_the_onnx_form_with_begin_and_end_pads() {
        MaxPool2dAttrs a = MaxPool2d.attrs(attrs("kernel_size", 3, "stride", 2, "padding", List.of(1, 0, 2, 1)));
        assertTrue(a.onnx());
        assertEquals(Pads.of(1, 0, 2, 1), a.pads());
        assertEquals(HW.of(1, 0), a.padding(), "padding() holds the begin pads, where windows start");
        AtomicReference<PoolGeometry> seen = new AtomicReference<>();
        MaxPool2d.apply((g, x, y, idx) -> seen.set(g), zeros(1, 2, 6, 7), a);
        PoolGeometry g = seen.get();
        assertEquals(List.of(1, 0, 2, 1), List.of(g.padH(), g.padW(), g.padHEnd(), g.padWEnd()));
        assertTrue(g.onnx());
        // H: (6 + 1 + 2 - 3)/2 + 1 = 4; W: (7 + 0 + 1 - 3)/2 + 1 = 3
        assertEquals(shape(1, 2, 4, 3), g.outputShape());
        assertFalse(MaxPool2d.attrs(attrs("kernel_size", 3, "padding", List.of(1, 1))).onnx());
    }

    @Test
    void pytorch_form_keeps_symmetric_pads_and_its_rules() {
        AtomicReference<PoolGeometry> seen = new AtomicReference<>();
        AvgPool2d.apply((g, a, x, y) -> seen.set(g), zeros(1, 1, 5, 5), AvgPool2d.attrs(attrs("kernel_size", 3, "padding", 1)));
        assertEquals(List.of(1, 1, 1, 1), List.of(seen.get().padH(), seen.get().padW(), seen.get().padHEnd(), seen.get().padWEnd()));
        assertFalse(seen.get().onnx());
        // PyTorch's k/2 limit still holds for the pair form, and only there.
        assertRule("avg_pool2d", "padding_at_most_half_kernel", () -> AvgPool2d.attrs(attrs("kernel_size", 3, "padding", 2)),
                "pad should be at most half of kernel size");
        AvgPool2d.attrs(attrs("kernel_size", 3, "padding", List.of(2, 2, 2, 2)));
    }

    @Test
    void ceil_mode_drops_a_last_window_starting_in_the_end_padding() {
        // ORT 1.29 (run): 4x4, k2 s2, pads [0,0,1,1], ceil -> ceil((4+1-2)/2)+1 = 3, last start 4 >= 4 + 0: 2.
        Shape out = MaxPool2d.outputShape(shape(1, 1, 4, 4),
                MaxPool2d.attrs(attrs("kernel_size", 2, "padding", List.of(0, 0, 1, 1), "ceil_mode", true)));
        assertEquals(shape(1, 1, 2, 2), out);
        // H 6, k3 s2, pads [2, _, 1, _], ceil: ceil(6/2)+1 = 4 kept (start 4 < 6 + 2).
        assertEquals(shape(1, 1, 4, 3), AvgPool2d.outputShape(shape(1, 1, 6, 7), AvgPool2d.attrs(attrs("kernel_size", List.of(3, 2),
                "stride", List.of(2, 3), "padding", List.of(2, 0, 1, 1), "ceil_mode", true))));
    }

    @Test
    void one_error_per_rule_naming_op_rule_and_values() {
        OpException e = assertRule("max_pool2d", "padding_below_kernel",
                () -> MaxPool2d.attrs(attrs("kernel_size", List.of(3, 2), "padding", List.of(0, 0, 0, 2))),
                "smaller than the kernel", "padding=[0, 0, 0, 2]", "kernel_size=[3, 2]");
        assertFalse(e.getMessage().contains("\n"));
        assertRule("avg_pool2d", "padding_below_kernel", () -> AvgPool2d.attrs(attrs("kernel_size", 2, "padding", List.of(2, 0, 0, 0))),
                "padding=[2, 0, 0, 0]");
        assertRule("lp_pool2d", "padding_below_kernel", () -> LpPool2d.attrs(attrs("kernel_size", 2, "padding", List.of(0, 2, 0, 0))),
                "padding=[0, 2, 0, 0]");
        assertRule("max_pool2d", "padding_non_negative", () -> MaxPool2d.attrs(attrs("kernel_size", 3, "padding", List.of(0, -1, 0, 0))),
                "padding=[0, -1, 0, 0]");
        assertRule("max_pool2d", "stride_positive", () -> MaxPool2d.attrs(attrs("kernel_size", 3, "stride", 0, "padding", List.of(0, 0, 0, 0))),
                "stride=[0, 0]");
        assertRule("max_pool2d", "dilation_positive",
                () -> MaxPool2d.attrs(attrs("kernel_size", 3, "dilation", 0, "padding", List.of(0, 0, 0, 0))), "dilation=[0, 0]");
        assertRule("max_pool2d", "output_size_too_small", () -> MaxPool2d.outputShape(shape(1, 1, 5, 5),
                MaxPool2d.attrs(attrs("kernel_size", 6, "padding", List.of(0, 0, 0, 0)))), "output size is too small");
        assertRule("max_pool2d", "pair_length", () -> MaxPool2d.attrs(attrs("kernel_size", 3, "padding", List.of(0, 0, 0))));
    }

    @Test
    void dilated_window_entirely_in_padding_gives_onnx_runtimes_lowest_whatever_the_kernel_wrote() {
        // 2x2 input, k2 d3 pads 1: taps -1 and 2 along each axis, none inside (ORT 1.29 outputs -3.4028235e38).
        MaxPool2dAttrs a = MaxPool2d.attrs(attrs("kernel_size", 2, "stride", 1, "dilation", 3, "padding", List.of(1, 1, 1, 1)));
        Pooled p = MaxPool2d.applyWithIndices((g, x, y, idx) -> {
            Arrays.fill(y, 7f);
            Arrays.fill(idx, 3);
        }, Tensor.wrap(shape(1, 1, 2, 2), new float[] {1, 2, 3, 4}), a);
        assertArrayEquals(new float[] {-Float.MAX_VALUE}, p.output().buffer());
        assertArrayEquals(new long[] {-1}, p.indices().toArray());
        // A window with an input element keeps the kernel's answer.
        MaxPool2dAttrs b = MaxPool2d.attrs(attrs("kernel_size", 2, "stride", 1, "dilation", 2, "padding", List.of(1, 1, 1, 1)));
        Pooled q = MaxPool2d.applyWithIndices((g, x, y, idx) -> Arrays.fill(y, 7f), Tensor.wrap(shape(1, 1, 2, 2), new float[] {1, 2, 3, 4}), b);
        for (float v : q.output().buffer()) {
            assertEquals(7f, v);
        }
    }

    @Test
    void abs_input_hands_the_kernel_the_absolute_values_and_leaves_the_input_alone() {
        float[] x = {-1, 2, -3, 4};
        Tensor in = Tensor.wrap(shape(1, 1, 2, 2), x.clone());
        AtomicReference<float[]> seen = new AtomicReference<>();
        LpPool2dAttrs a = LpPool2d.attrs(attrs("norm_type", 3, "kernel_size", 2, "abs_input", true, "padding", List.of(1, 0, 0, 1)));
        assertTrue(a.absInput() && a.onnx());
        LpPool2d.apply((g, p, xs, y) -> seen.set(xs.clone()), in, a);
        assertArrayEquals(new float[] {1, 2, 3, 4}, seen.get());
        assertArrayEquals(x, in.buffer());
        LpPool2d.apply((g, p, xs, y) -> seen.set(xs.clone()), in, LpPool2d.attrs(attrs("norm_type", 3, "kernel_size", 2)));
        assertArrayEquals(x, seen.get(), "PyTorch's form: x as it is");
    }

    @Test
    void the_schemas_write_the_onnx_differences_down() {
        for (OpSchema s : List.of(MaxPool2d.SCHEMA, AvgPool2d.SCHEMA, LpPool2d.SCHEMA)) {
            assertTrue(s.onnxNotes().stream().anyMatch(n -> n.contains("[top, left, bottom, right]")), s.name() + ": " + s.onnxNotes());
        }
        assertTrue(LpPool2d.SCHEMA.onnxNotes().stream().anyMatch(n -> n.contains("|x|^p")));
        assertTrue(AvgPool2d.SCHEMA.onnxNotes().stream().anyMatch(n -> n.contains("count_include_pad defaults")));
    }
}
