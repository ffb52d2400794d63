package io.opsgi.onnx;

import static io.opsgi.onnx.Graphs.attr;
import static io.opsgi.onnx.Graphs.floats;
import static io.opsgi.onnx.Graphs.graph;
import static io.opsgi.onnx.Graphs.ints;
import static io.opsgi.onnx.Graphs.longs;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opsgi.onnx.proto.Onnx.StringStringEntryProto;
import io.opsgi.onnx.proto.Onnx.TensorProto;
import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the importer cannot run is refused at import, before any kernel exists to run: one
 * line per problem naming the node, its op type, the opset and what is missing, all problems of a
 * model together; a file that is not ONNX gets one line.
 */
class OnnxRefusalTest {
    @TempDir
    Path dir;

    private OnnxException refused(Graphs g) throws IOException {
        Path f = g.write(dir, "m");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.read(f));
        for (String p : e.problems()) {
            assertFalse(p.contains("\n"), "one line: " + p);
        }
        return e;
    }

    private static void assertProblem(OnnxException e, String... fragments) {
        assertTrue(e.problems().stream().anyMatch(p -> Arrays.stream(fragments).allMatch(p::contains)),
                () -> "no problem contains " + Arrays.toString(fragments) + ": " + e.problems());
    }

    @Test
    void every_problem_of_a_model_is_reported_together_one_line_each() throws IOException {
        Graphs g = graph(1, 2, 4, 4)
                .node("Hardmax", List.of("x"), List.of("a"))
                .node("Relu", List.of("a"), List.of("b")) // reads a refused node's output: skipped, not a second problem
                .node("LeakyRelu", List.of("x"), List.of("c"), attr("alpha", 0.1f), attr("beta", 2f))
                .node("BatchNormalization", List.of("x", "s", "s", "s", "s"), List.of("d"), attr("training_mode", 1L))
                .node("Add", List.of("c", "d"), List.of("y"))
                .init(floats("s", new long[] {2}, 1, 1));
        OnnxException e = refused(g);
        assertEquals(3, e.problems().size(), e.getMessage());
        assertProblem(e, "node 'Hardmax_0' (Hardmax, opset 14)", "the op Hardmax is not supported");
        assertProblem(e, "node 'LeakyRelu_2' (LeakyRelu, opset 14)", "the attribute 'beta' is not supported");
        assertProblem(e, "node 'BatchNormalization_3' (BatchNormalization, opset 14)", "training_mode=1", "inference");
        assertTrue(e.getMessage().startsWith("m.onnx: 3 problems:"), e.getMessage());
    }

    @Test
    void a_split_whose_sizes_do_not_cover_the_axis_is_refused() throws IOException {
        Graphs g = graph(1, 5, 3, 3)
                .node("Split", List.of("x"), List.of("a", "b"), attr("axis", 1L))
                .node("Split", List.of("x", "sizes"), List.of("c", "d"), attr("axis", 1L))
                .node("Split", List.of("x"), List.of("e", "f"), attr("axis", 4L))
                .node("Concat", List.of("a", "b", "c", "d", "e", "f"), List.of("y"), attr("axis", 1L))
                .init(longs("sizes", new long[] {2}, 2, 4));
        OnnxException e = refused(g);
        assertEquals(3, e.problems().size(), e.getMessage());
        assertProblem(e, "node 'Split_0'", "dimension 1 of the input [1, 5, 3, 3] (size 5) does not split into 2 equal parts");
        assertProblem(e, "node 'Split_1'", "split=[2, 4] must give 2 non-negative sizes", "summing to dimension 1", "(size 5)");
        assertProblem(e, "node 'Split_2'", "axis=4 is out of range for an input of rank 4");
    }

    @Test
    void an_integer_base_an_inexact_exponent_a_mean_over_axes_out_of_range_and_a_float64_layer_norm_are_refused() throws IOException {
        Graphs g = graph(1, 2, 3, 3)
                .node("Pow", List.of("x", "big"), List.of("a"))
                .node("Pow", List.of("seven", "x"), List.of("b"))
                .node("ReduceMean", List.of("x"), List.of("c"), ints("axes", 1, -5))
                .node("LayerNormalization", List.of("x", "s"), List.of("d"), attr("stash_type", 11L))
                .node("Concat", List.of("a", "b", "c", "d"), List.of("y"), attr("axis", 1L))
                .init(longs("big", new long[] {}, (1 << 24) + 1))
                .init(longs("seven", new long[] {}, 7))
                .init(floats("s", new long[] {3}, 1, 1, 1))
                .opset(17);
        OnnxException e = refused(g);
        assertEquals(4, e.problems().size(), e.getMessage());
        assertProblem(e, "node 'Pow_0' (Pow, opset 17)", "the exponent Y holds the int64 value 16777217", "exact up to 2^24");
        assertProblem(e, "node 'Pow_1'", "the base X holds int64; opsgi computes in float32 only");
        assertProblem(e, "node 'ReduceMean_2'", "axes=[1, -5] is invalid for an input of rank 4");
        assertProblem(e, "node 'LayerNormalization_3' (LayerNormalization, opset 17)", "stash_type=11", "float32 only");
    }

    @Test
    void a_layer_normalization_before_opset_17_is_refused() throws IOException {
        Graphs g = graph(2, 3).node("LayerNormalization", List.of("x", "s"), List.of("y")).init(floats("s", new long[] {3}, 1, 1, 1));
        for (int opset : new int[] {9, 13, 16}) {
            OnnxException e = refused(g.opset(opset));
            assertEquals(1, e.problems().size(), e.getMessage());
            assertProblem(e, "node 'LayerNormalization_0' (LayerNormalization, opset " + opset + ")",
                    "LayerNormalization exists from opset 17; the file imports opset " + opset + ", which has no such op");
        }
        assertDoesNotThrow(() -> OnnxModel.read(g.opset(17).write(dir, "opset17")), "opset 17 has LayerNormalization");
    }

    @Test
    void a_gather_of_data_out_of_range_or_in_too_many_runs_and_an_empty_slice_are_refused() throws IOException {
        long[] scattered = new long[5000];
        for (int i = 0; i < scattered.length; i++) {
            scattered[i] = 2 * (i % 2); // 0, 2, 0, 2, ...: every index a run of its own
        }
        Graphs g = graph(1, 4, 3, 3)
                .node("Gather", List.of("x", "far"), List.of("a"), attr("axis", 1L))
                .node("Gather", List.of("x", "scattered"), List.of("b"), attr("axis", 3L))
                .node("Slice", List.of("x", "two", "two", "two"), List.of("c"))
                .node("Concat", List.of("a", "b", "c"), List.of("y"), attr("axis", 1L))
                .init(longs("far", new long[] {2}, 0, 4))
                .init(longs("scattered", new long[] {scattered.length}, scattered))
                .init(longs("two", new long[] {1}, 2));
        OnnxException e = refused(g);
        assertEquals(3, e.problems().size(), e.getMessage());
        assertProblem(e, "node 'Gather_0'", "index 4 is out of range for dimension 1 of size 4");
        assertProblem(e, "node 'Gather_1'", "takes 5000 elements of axis 3", "more than 4096 separate runs");
        assertProblem(e, "node 'Slice_2'", "slices no element of axis 2 of [1, 4, 3, 3]");
    }

    @Test
    void a_file_that_is_not_onnx_gets_one_line() throws IOException {
        Path text = dir.resolve("text.onnx");
        Files.writeString(text, "{\"name\": \"not a model\"}\n");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.read(text));
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().startsWith("text.onnx: not an ONNX model"), e.getMessage());
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertTrue(assertThrows(OnnxException.class, () -> OnnxModel.read(empty)).getMessage().contains("not an ONNX model"));
    }

    @Test
    void a_truncated_file_gets_one_line() throws IOException {
        byte[] whole = Files.readAllBytes(OnnxCasesTest.cases().resolve("conv_bn_relu_pool/model.onnx"));
        for (int cut : new int[] {whole.length / 2, whole.length - 7, 20, 3}) {
            Path f = Files.write(dir.resolve("cut" + cut + ".onnx"), Arrays.copyOf(whole, cut));
            OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.read(f), "cut at " + cut);
            assertEquals(1, e.problems().size(), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void opsets_outside_9_to_18_and_foreign_domains_are_refused() throws IOException {
        assertProblem(refused(graph(1, 2).node("Relu", List.of("x"), List.of("y")).opset(8)), "opset 8 is not supported", "9 to 18");
        assertProblem(refused(graph(1, 2).node("Relu", List.of("x"), List.of("y")).opset(19)), "opset 19 is not supported");
        assertProblem(refused(graph(1, 2).node("Relu", List.of("x"), List.of("y")).opsetDomain("com.microsoft")), "no opset of the default ONNX domain");
        Graphs g = graph(1, 2).node(io.opsgi.onnx.proto.Onnx.NodeProto.newBuilder().setOpType("FusedConv").setDomain("com.microsoft").setName("f")
                .addInput("x").addOutput("y").build());
        assertProblem(refused(g), "node 'f' (FusedConv, opset 14)", "domain 'com.microsoft'");
    }

    @Test
    void data_types_other_than_float32_are_refused() throws IOException {
        assertProblem(refused(graph().replaceInput(Graphs.value("x", TensorProto.DataType.INT8_VALUE, 1, 4)).node("Relu", List.of("x"), List.of("y"))),
                "the input 'x' holds int8", "float32 only");
        assertProblem(refused(graph(1, 4).node("Cast", List.of("x"), List.of("y"), attr("to", (long) TensorProto.DataType.INT32_VALUE))),
                "node 'Cast_0' (Cast, opset 14)", "casts the data to int32");
        // an int64 initializer as the other operand of an Add with data
        assertProblem(refused(graph(1, 4).node("Add", List.of("x", "k"), List.of("y")).init(longs("k", new long[] {4}, 1, 2, 3, 4))),
                "node 'Add_0' (Add, opset 14)", "'k' holds int64");
        TensorProto half = TensorProto.newBuilder().setName("h").setDataType(TensorProto.DataType.FLOAT16_VALUE).addDims(4)
                .setRawData(ByteString.copyFrom(new byte[8])).build();
        assertProblem(refused(graph(1, 4).node("Add", List.of("x", "h"), List.of("y")).init(half)), "initializer 'h'", "float16");
    }

    @Test
    void sizes_are_checked_before_allocating() throws IOException {
        // an initializer claiming 2^40 elements with 16 bytes of data
        TensorProto huge = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1L << 20).addDims(1L << 20)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
        assertProblem(refused(graph(1, 4).node("Add", List.of("x", "w"), List.of("y")).init(huge)), "initializer 'w'", "beyond what a tensor may hold");
        // data shorter than its dims say
        TensorProto shortData = floats("w", new long[] {4}, 1, 2, 3, 4).toBuilder().clearDims().addDims(8).build();
        assertProblem(refused(graph(1, 8).node("Add", List.of("x", "w"), List.of("y")).init(shortData)), "has 16 bytes of data, its dims call for 32 bytes");
        // ConstantOfShape asked for 2^62 elements
        Graphs g = graph(1, 4).node("ConstantOfShape", List.of("s"), List.of("c")).node("Add", List.of("x", "c"), List.of("y"))
                .init(longs("s", new long[] {2}, 1L << 31, 1L << 31));
        assertProblem(refused(g), "node 'ConstantOfShape_0' (ConstantOfShape, opset 14)", "beyond what a tensor may hold");
    }

    @Test
    void external_data_is_refused() throws IOException {
        TensorProto ext = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../../etc/passwd")).build();
        assertProblem(refused(graph(1, 4).node("Add", List.of("x", "w"), List.of("y")).init(ext)), "initializer 'w'", "external file",
                "self-contained");
    }

    @Test
    void unsupported_attribute_values_name_what_is_missing() throws IOException {
        float[] w5 = new float[2 * 2 * 3 * 3 * 3];
        assertProblem(refused(graph(1, 2, 5, 5, 5).node("Conv", List.of("x", "w"), List.of("y")).init(floats("w", new long[] {2, 2, 3, 3, 3}, w5))),
                "node 'Conv_0' (Conv, opset 14)", "the input X has shape [1, 2, 5, 5, 5]; only (N, C, L) and (N, C, H, W) inputs are supported",
                "not 3-D");
        assertProblem(refused(graph(1, 2, 4, 4).node("Resize", List.of("x", "", "s"), List.of("y"), attr("mode", "area"))
                .init(floats("s", new long[] {4}, 1, 1, 2, 2))), "node 'Resize_0' (Resize, opset 14)", "mode='area'; supported: nearest, linear, cubic");
        // Resize-10 knows no cubic (it came with opset 11)
        assertProblem(refused(graph(1, 2, 4, 4).node("Resize", List.of("x", "s"), List.of("y"), attr("mode", "cubic"))
                .init(floats("s", new long[] {4}, 1, 1, 2, 2)).opset(10)), "node 'Resize_0' (Resize, opset 10)", "mode='cubic'; supported: nearest, linear");
        assertProblem(refused(graph(1, 2, 4, 4).node("MaxPool", List.of("x"), List.of("y", "i"), ints("kernel_shape", 2, 2))
                .node("Add", List.of("i", "i"), List.of("z"))), "node 'MaxPool_0' (MaxPool, opset 14)", "Indices", "read by the graph");
        assertProblem(refused(graph(1, 3, 2, 2).node("PRelu", List.of("x", "s"), List.of("y")).init(floats("s", new long[] {3, 2}, 1, 2, 3, 4, 5, 6))),
                "node 'PRelu_0' (PRelu, opset 14)", "the slope has dims [3, 2], which do not broadcast unidirectionally to the input [1, 3, 2, 2]");
        assertProblem(refused(graph(1, 2, 4, 4).node("Dropout", List.of("x", "r", "t"), List.of("y")).init(floats("r", new long[0], 0.5f))
                .init(TensorProto.newBuilder().setName("t").setDataType(TensorProto.DataType.BOOL_VALUE).addInt32Data(1).build())),
                "node 'Dropout_0' (Dropout, opset 14)", "training_mode=true");
        assertProblem(refused(graph(1, 2, 4, 4).node("Pad", List.of("x", "p"), List.of("y"), attr("mode", "wrap"))
                .init(longs("p", new long[] {8}, 0, 0, 1, 1, 0, 0, 1, 1))), "node 'Pad_0' (Pad, opset 14)", "mode='wrap'");
        assertProblem(refused(graph(1, 2, 4, 4).node("Pad", List.of("x", "p"), List.of("y"))
                .init(longs("p", new long[] {8}, 0, 1, 0, 0, 0, 0, 0, 0))), "only H and W may be padded");
    }

    @Test
    void a_1d_op_with_2d_attributes_or_weight_and_a_crop_of_n_or_c_or_by_scales_are_refused() throws IOException {
        float[] w3 = new float[2 * 2 * 3];
        assertProblem(refused(graph(1, 2, 5).node("Conv", List.of("x", "w"), List.of("y"), ints("strides", 1, 1))
                .init(floats("w", new long[] {2, 2, 3}, w3))), "node 'Conv_0' (Conv, opset 14)", "strides=[1, 1] for the input [1, 2, 5]; a 1-D op takes one value");
        assertProblem(refused(graph(1, 2, 5).node("MaxPool", List.of("x"), List.of("y"), ints("kernel_shape", 2), ints("pads", 1, 1, 1, 1))),
                "node 'MaxPool_0' (MaxPool, opset 14)", "pads=[1, 1, 1, 1] for the input [1, 2, 5]; a 1-D op takes two values [begin, end]");
        assertProblem(refused(graph(1, 2, 5).node("Conv", List.of("x", "w"), List.of("y")).init(floats("w", new long[] {2, 2, 1, 3}, w3))),
                "the weight W has dims [2, 2, 1, 3]; a 1-D convolution (input [1, 2, 5]) takes a 3-D weight (M, C/group, k)");
        assertProblem(refused(graph(1, 2, 5).node("Pad", List.of("x", "p"), List.of("y")).init(longs("p", new long[] {6}, 0, 1, 0, 0, 0, 0))),
                "node 'Pad_0' (Pad, opset 14)", "only H and W may be padded");
        Graphs crop = graph(1, 2, 4, 4).node("Resize", List.of("x", "roi", "", "sizes"), List.of("y"), attr("coordinate_transformation_mode",
                "tf_crop_and_resize")).init(floats("roi", new long[] {8}, 0, 0.5f, 0, 0, 1, 1, 1, 1)).init(longs("sizes", new long[] {4}, 1, 2, 3, 3));
        assertProblem(refused(crop), "node 'Resize_0' (Resize, opset 14)", "roi=[0.0, 0.5, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]; only H and W may be cropped");
        assertProblem(refused(graph(1, 2, 4, 4).node("Resize", List.of("x", "roi", "scales"), List.of("y"), attr("coordinate_transformation_mode",
                "tf_crop_and_resize")).init(floats("roi", new long[] {8}, 0, 0, 0, 0, 1, 1, 1, 1)).init(floats("scales", new long[] {4}, 1, 1, 2, 2))),
                "coordinate_transformation_mode='tf_crop_and_resize' with scales=[1.0, 1.0, 2.0, 2.0]; opsgi crops and resizes to sizes only");
        assertProblem(refused(graph(1, 2, 4, 4).node("Resize", List.of("x", "", "", "sizes"), List.of("y"), attr("coordinate_transformation_mode",
                "tf_crop_and_resize")).init(longs("sizes", new long[] {4}, 1, 2, 3, 3))), "needs a float roi of 8 values", "got none");
    }

    @Test
    void graphs_with_more_than_one_input_or_output_are_refused() throws IOException {
        assertProblem(refused(graph(1, 2).input(Graphs.value("x2", TensorProto.DataType.FLOAT_VALUE, 1, 2)).node("Add", List.of("x", "x2"), List.of("y"))),
                "the graph has 2 inputs [x, x2]", "exactly one");
    }

    @Test
    void a_fixed_input_dimension_must_agree_with_the_given_shape() throws IOException {
        Path f = graph(1, 3, 4, 4).node("Relu", List.of("x"), List.of("y")).write(dir, "fixed");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.read(f, Shape.of(2, 3, 4, 4)));
        assertTrue(e.getMessage().contains("differs in dimension 0"), e.getMessage());
        assertEquals(Shape.of(1, 3, 4, 4), OnnxModel.read(f).inputShape());
    }

    @Test
    void the_message_of_a_name_with_control_characters_stays_one_line() throws IOException {
        Graphs g = graph(1, 2).node(io.opsgi.onnx.proto.Onnx.NodeProto.newBuilder().setOpType("Hardmax").setName("evil\nname\u001b[31m")
                .addInput("x").addOutput("y").build());
        Path f = g.write(dir, "evil");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.read(f));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
        assertTrue(new String(e.getMessage().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("Hardmax"));
    }

    @Test
    void depth_and_space_blocks_that_do_not_divide_misfit_instance_norm_parameters_and_an_lrn_without_size_are_refused() throws IOException {
        Graphs g = graph(1, 6, 4, 5)
                .node("DepthToSpace", List.of("x"), List.of("a"), attr("blocksize", 2L))
                .node("DepthToSpace", List.of("x"), List.of("b"), attr("blocksize", 1L), attr("mode", "XYZ"))
                .node("SpaceToDepth", List.of("x"), List.of("c"), attr("blocksize", 2L))
                .node("InstanceNormalization", List.of("x", "s", "s6"), List.of("d"))
                .node("LRN", List.of("x"), List.of("e"), attr("alpha", 0.1f))
                .node("Concat", List.of("a", "b", "c", "d", "e"), List.of("y"), attr("axis", 1L))
                .init(floats("s", new long[] {2}, 1, 1))
                .init(floats("s6", new long[] {6}, 0, 0, 0, 0, 0, 0));
        OnnxException e = refused(g);
        assertEquals(5, e.problems().size(), e.getMessage());
        assertProblem(e, "node 'LRN_4'", "size is required");
        assertProblem(e, "node 'DepthToSpace_0'", "the input has 6 channels, not a multiple of blocksize² = 4");
        assertProblem(e, "node 'DepthToSpace_1'", "mode='XYZ'; ONNX defines DCR and CRD");
        assertProblem(e, "node 'SpaceToDepth_2'", "height and width 4x5 are not multiples of blocksize 2");
        assertProblem(e, "node 'InstanceNormalization_3'", "the scale has dims [2], expected [6]");
    }

    @Test
    void equal_where_and_reduce_prod_of_data_and_an_expand_that_does_not_broadcast_are_refused() throws IOException {
        Graphs g = graph(1, 2, 3, 3)
                .node("Equal", List.of("x", "x"), List.of("a"))
                .node("Where", List.of("mask", "x", "x"), List.of("b"))
                .node("Expand", List.of("x", "shape"), List.of("c"))
                .node("ReduceProd", List.of("x"), List.of("d"))
                .node("Concat", List.of("a", "b", "c", "d"), List.of("y"), attr("axis", 1L))
                .init(longs("shape", new long[] {4}, 1, 2, 4, 3))
                .init(floats("mask", new long[] {1}, 1));
        OnnxException e = refused(g);
        assertEquals(4, e.problems().size(), e.getMessage());
        assertProblem(e, "node 'ReduceProd_3'", "ReduceProd of data", "only on constants");
        assertProblem(e, "node 'Equal_0'", "Equal of data (a bool tensor)", "only on constants");
        assertProblem(e, "node 'Where_1'", "Where with an input computed from the data");
        assertProblem(e, "node 'Expand_2'", "shape [1, 2, 4, 3] does not broadcast with the input's [1, 2, 3, 3]");
    }

    @Test
    void hostile_sizes_for_blocks_windows_and_expansions_are_refused_before_anything_is_allocated() throws IOException {
        Graphs g = graph(1, 4, 4, 4)
                .node("DepthToSpace", List.of("x"), List.of("a"), attr("blocksize", 1L << 40))
                .node("SpaceToDepth", List.of("x"), List.of("b"), attr("blocksize", (1L << 31) + 1))
                .node("LRN", List.of("x"), List.of("c"), attr("size", 1L << 40))
                .node("Expand", List.of("x", "huge"), List.of("d"))
                .node("ReduceSum", List.of("x"), List.of("e"), ints("axes", 7))
                .node("Tile", List.of("x", "many"), List.of("f"))
                .node("Concat", List.of("a", "b", "c", "d", "e", "f"), List.of("y"), attr("axis", 1L))
                .init(longs("huge", new long[] {5}, 1L << 40, 1, 4, 4, 4))
                .init(longs("many", new long[] {4}, 1, 1 << 20, 1 << 20, 1))
                .opset(11);
        OnnxException e = refused(g);
        assertEquals(6, e.problems().size(), e.getMessage());
        assertProblem(e, "node 'Tile_5'", "[1, 4194304, 4194304, 4]", "beyond what a tensor may hold");
        assertProblem(e, "node 'DepthToSpace_0'", "blocksize=1099511627776");
        assertProblem(e, "node 'SpaceToDepth_1'", "blocksize=2147483649");
        assertProblem(e, "node 'LRN_2'", "size=1099511627776");
        assertProblem(e, "node 'Expand_3'", "too large");
        assertProblem(e, "node 'ReduceSum_4'", "axes=[7] is invalid for an input of rank 4");
    }
}
