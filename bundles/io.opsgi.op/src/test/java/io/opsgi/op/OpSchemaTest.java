package io.opsgi.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opsgi.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator schemas: one per op, and the facts they give, worked out by hand. */
class OpSchemaTest {

    private static OpNode node(String op, Map<String, ?> attrs, Object... namesAndShapes) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (int i = 0; i < namesAndShapes.length; i += 2) {
            shapes.put((String) namesAndShapes[i], (Shape) namesAndShapes[i + 1]);
        }
        return new OpNode(op, shapes, attrs);
    }

    @Test
    void every_operator_has_its_schema_and_the_kernel_less_ops_have_one_too() {
        for (Operator o : Operators.all()) {
            assertSame(o, Operators.schema(o.name()).operator(), o.name());
        }
        List<String> kernelLess = List.of("flatten", "dropout", "concat", "reshape", "permute", "constant");
        for (String op : kernelLess) {
            assertNull(Operators.schema(op).operator(), op);
        }
        assertEquals(Operators.all().size() + kernelLess.size(), Operators.schemas().size());
        assertThrows(IllegalArgumentException.class, () -> Operators.schema("conv3d"));
    }

    @Test
    void conv2d_shape_k_macs_and_field() {
        // 1x3x8x8, 16 filters of 3x3, stride 2, padding 1: H_out = floor((8 + 2 - 2 - 1)/2 + 1) = 4.
        OpNode n = node("conv2d", Map.of("stride", 2, "padding", 1), "input", Shape.of(1, 3, 8, 8), "weight", Shape.of(16, 3, 3, 3));
        OpSchema s = Operators.schema("conv2d");
        Shape out = s.outputShape(n);
        assertEquals(Shape.of(1, 16, 4, 4), out);
        assertEquals(27, s.reductionLength(n));
        assertEquals(16L * 4 * 4 * 27, s.macs(n, out));
        ReceptiveField f = s.fieldAfter(n, List.of(ReceptiveField.INPUT), out);
        assertEquals(new ReceptiveField(3, 3, 2, 2, true), f);
        assertEquals(ToleranceClass.REDUCTION, s.toleranceClass(n, out));
        assertEquals(Math.sqrt(27), s.networkDepth(n, out), 1e-12);
    }

    @Test
    void conv_transpose2d_counts_taps_that_reach_one_output() {
        // kernel 3, stride 2, dilation 1: period 2, so at most ceil(3/2) = 2 taps per axis reach an output.
        OpNode n = node("conv_transpose2d", Map.of("stride", 2), "input", Shape.of(2, 4, 5, 5), "weight", Shape.of(4, 6, 3, 3));
        OpSchema s = Operators.schema("conv_transpose2d");
        Shape out = s.outputShape(n);
        assertEquals(Shape.of(2, 6, 11, 11), out); // (5 - 1)*2 + 3
        assertEquals(4 * 2 * 2, s.reductionLength(n));
        assertEquals(2L * 4 * 5 * 5 * 6 * 3 * 3, s.macs(n, out)); // every input element times out_channels·kH·kW
    }

    @Test
    void batch_norm_has_an_output_shape_and_its_rank_rule() {
        OpSchema s = Operators.schema("batch_norm");
        assertEquals(Shape.of(2, 3, 4), s.outputShape(node("batch_norm", Map.of(), "input", Shape.of(2, 3, 4))));
        assertEquals(Shape.of(1, 2, 3, 4, 5), s.outputShape(node("batch_norm", Map.of(), "input", Shape.of(1, 2, 3, 4, 5))));
        OpException e = assertThrows(OpException.class, () -> s.outputShape(node("batch_norm", Map.of(), "input", Shape.of(5))));
        assertEquals("input_rank", e.rule());
        OpNode training = node("batch_norm", Map.of("training", true), "input", Shape.of(2, 3, 4, 5));
        assertEquals(2 * 4 * 5, s.reductionLength(training));
        assertEquals(1, s.reductionLength(node("batch_norm", Map.of(), "input", Shape.of(2, 3, 4, 5))));
    }

    @Test
    void tolerance_classes_follow_the_node() {
        OpSchema adaptive = Operators.schema("adaptive_avg_pool2d");
        OpNode oneByOne = node("adaptive_avg_pool2d", Map.of("output_size", 1), "input", Shape.of(1, 2, 6, 6));
        assertEquals(ToleranceClass.REDUCTION, adaptive.toleranceClass(oneByOne, adaptive.outputShape(oneByOne)));
        OpNode twoByTwo = node("adaptive_avg_pool2d", Map.of("output_size", 2), "input", Shape.of(1, 2, 6, 6));
        assertEquals(ToleranceClass.BIT_EXACT, adaptive.toleranceClass(twoByTwo, adaptive.outputShape(twoByTwo)));
        assertEquals("bit-exact (1x1: sqrt(K))", adaptive.describeTolerance());
        OpSchema up = Operators.schema("upsample");
        OpNode bilinear = node("upsample", Map.of("scale_factor", 2, "mode", "bilinear"), "input", Shape.of(1, 1, 5, 7));
        assertEquals(ToleranceClass.INTERPOLATION, up.toleranceClass(bilinear, up.outputShape(bilinear)));
        assertEquals(7 + 1, up.networkDepth(bilinear, up.outputShape(bilinear)), 0);
        assertEquals(ToleranceClass.ASSERT_CLOSE, Operators.schema("gelu").toleranceClass(null, null));
        assertEquals(1, Operators.schema("add").networkDepth(node("add", Map.of(), "input", Shape.of(2), "other", Shape.of(2)), Shape.of(2)));
    }

    @Test
    void counts_saturate_instead_of_wrapping_negative() {
        assertEquals(Long.MAX_VALUE, OpSchema.saturatingProduct(1L << 30, 1L << 30, 1L << 30));
        assertEquals(0, OpSchema.saturatingProduct(1L << 40, 0, 1L << 40));
        assertEquals(6, OpSchema.saturatingProduct(1, 2, 3));
    }
}
