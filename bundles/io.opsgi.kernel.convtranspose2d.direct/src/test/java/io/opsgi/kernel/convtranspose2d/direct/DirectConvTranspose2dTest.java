package io.opsgi.kernel.convtranspose2d.direct;

import static io.opsgi.testing.TensorAsserts.assertMatchesReference;
import static io.opsgi.testing.TestTensors.uniformSigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.ConvTranspose2d;
import io.opsgi.op.ConvTranspose2dAttrs;
import io.opsgi.op.HW;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.Float64Conv;
import io.opsgi.testing.Float64Reference;
import io.opsgi.testing.InputsUnchanged;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DirectConvTranspose2d through the conv_transpose2d contract ({@link ConvTranspose2d#apply}).
 * Expected values are worked by hand, or come from a float64 scatter written here straight from
 * OPERATOR-SEMANTICS §2 with explicit bounds checks, or from the adjoint identity with a float64
 * conv2d gather.
 *
 * <p>Tolerance against float64: {@code |y - ref| <= 1e-5 * (Σ|x·w| + |bias|) + 1e-6}, the sum over
 * every contribution to that output element: float32 accumulation of K terms errs by at most about
 * K·2⁻²⁴ times it (K ≤ 72 here), and a wrong tap moves the result by a whole |x·w|.
 */
class DirectConvTranspose2dTest {
    private static final DirectConvTranspose2d KERNEL = new DirectConvTranspose2d();

    // ---------------------------------------------------------------- worked examples, exact

    /** nn.ConvTranspose2d(256, 128, 4, stride=2, padding=1): (14-1)·2 − 2 + 3 + 1 = 28, it doubles 14x14. */
    @Test
    void dcganUpsamplingLayerMaps14To28() {
        Shape out = ConvTranspose2d.outputShape(Shape.of(1, 256, 14, 14), Shape.of(256, 128, 4, 4), Shape.of(128),
                ConvTranspose2dAttrs.defaults().withStride(2).withPadding(1));
        assertEquals(Shape.of(1, 128, 28, 28), out);
    }

    /** The same layer with 4 -> 2 channels, run through the kernel and checked against the brute force. */
    @Test
    void dcganUpsamplingLayerWithFewChannelsMatchesBruteForce() {
        assertMatchesBruteForce(new Case("dcgan_4_to_2").batch(1).in(4, 14, 14).out(2).kernel(4, 4).stride(2, 2).pad(1, 1));
    }

    /** A 2x2 kernel of ones at stride 2 is nearest-neighbour upsampling: each pixel becomes a 2x2 block. */
    @Test
    void stride2OnesKernelRepeatsEachPixelInABlock() {
        Tensor x = Tensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
        Tensor w = Tensor.of(Shape.of(1, 1, 2, 2), 1, 1, 1, 1);
        Tensor y = ConvTranspose2d.apply(KERNEL, x, w, null, ConvTranspose2dAttrs.defaults().withStride(2));
        assertEquals(Shape.of(1, 1, 4, 4), y.shape());
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, y.toArray());
    }

    /**
     * Ones 2x2 input, ones 3x3 weight, stride 2: the full 5x5 result counts how many (ih, i) hit each
     * row: [1, 1, 2, 1, 1] (row 2 = 0·2 + 2 = 1·2 + 0), the same for columns, and y = rows ⊗ cols.
     * padding=1 trims one row/column from both sides (3x3: counts [1, 2, 1]); output_padding=1 then
     * adds the bottom/right row back, and it still receives full row 4 (counts [1, 2, 1, 1]).
     */
    @Test
    void paddingTrimsBothSidesAndOutputPaddingRowStillReceivesContributions() {
        Tensor x = Tensor.of(Shape.of(1, 1, 2, 2), 1, 1, 1, 1);
        Tensor w = Tensor.full(Shape.of(1, 1, 3, 3), 1);
        ConvTranspose2dAttrs s2p1 = ConvTranspose2dAttrs.defaults().withStride(2).withPadding(1);

        Tensor trimmed = ConvTranspose2d.apply(KERNEL, x, w, null, s2p1);
        assertEquals(Shape.of(1, 1, 3, 3), trimmed.shape());
        assertArrayEquals(outer(new float[] {1, 2, 1}, new float[] {1, 2, 1}, 0), trimmed.toArray());

        Tensor extended = ConvTranspose2d.apply(KERNEL, x, w, null, s2p1.withOutputPadding(1));
        assertEquals(Shape.of(1, 1, 4, 4), extended.shape());
        assertArrayEquals(outer(new float[] {1, 2, 1, 1}, new float[] {1, 2, 1, 1}, 0), extended.toArray());
    }

    /** With padding 0 the output_padding row/column lies past the full result: it holds the bias only. */
    @Test
    void outputPaddingBeyondTheFullResultHoldsOnlyTheBias() {
        Tensor x = Tensor.of(Shape.of(1, 1, 2, 2), 1, 1, 1, 1);
        Tensor w = Tensor.full(Shape.of(1, 1, 3, 3), 1);
        Tensor b = Tensor.of(Shape.of(1), 0.5f);
        Tensor y = ConvTranspose2d.apply(KERNEL, x, w, b, ConvTranspose2dAttrs.defaults().withStride(2).withOutputPadding(1));
        assertEquals(Shape.of(1, 1, 6, 6), y.shape());
        float[] counts = {1, 1, 2, 1, 1, 0};
        assertArrayEquals(outer(counts, counts, 0.5f), y.toArray());
    }

    /** N = 0 and unbatched input both work (§2). */
    @Test
    void emptyBatchGivesEmptyOutputOfTheRightShape() {
        Tensor x = Tensor.of(Shape.of(0, 4, 3, 5));
        Tensor w = Tensor.of(Shape.of(4, 3, 3, 3), new float[108]);
        Tensor y = ConvTranspose2d.apply(KERNEL, x, w, Tensor.of(Shape.of(6), new float[6]),
                ConvTranspose2dAttrs.defaults().withStride(2).withGroups(2));
        // (3-1)·2 + 2 + 1 = 7, (5-1)·2 + 2 + 1 = 11; C_out = 3·2.
        assertEquals(Shape.of(0, 6, 7, 11), y.shape());
    }

    @Test
    void unbatchedInputEqualsBatchedWithOneSample() {
        Random r = new Random(5);
        Tensor x = Tensor.of(Shape.of(2, 3, 4), uniformSigned(r, 24));
        Tensor w = Tensor.of(Shape.of(2, 3, 3, 2), uniformSigned(r, 36));
        Tensor b = Tensor.of(Shape.of(3), uniformSigned(r, 3));
        ConvTranspose2dAttrs a = ConvTranspose2dAttrs.defaults().withStride(2).withPadding(1).withOutputPadding(1);
        Tensor unbatched = ConvTranspose2d.apply(KERNEL, x, w, b, a);
        Tensor batched = ConvTranspose2d.apply(KERNEL, x.reshape(1, 2, 3, 4), w, b, a);
        // H: (3-1)·2 − 2 + 2 + 1 + 1 = 6; W (kw = 2): (4-1)·2 − 2 + 1 + 1 + 1 = 7.
        assertEquals(Shape.of(3, 6, 7), unbatched.shape());
        assertArrayEquals(batched.toArray(), unbatched.toArray());
    }

    // ---------------------------------------------------------------- brute force over a grid

    /** One grid case: input (n, cIn, h, w), weight (cIn, cOut/groups, kh, kw). */
    static final class Case {
        final String name;
        int n = 2, cIn = 3, h = 4, w = 5, cOut = 2, kh = 3, kw = 3, sH = 1, sW = 1, pH = 0, pW = 0, opH = 0, opW = 0, dH = 1, dW = 1,
                groups = 1;
        boolean bias = true, unbatched = false;

        Case(String name) {
            this.name = name;
        }

        Case batch(int v) { n = v; return this; }
        Case in(int c, int hh, int ww) { cIn = c; h = hh; w = ww; return this; }
        Case out(int v) { cOut = v; return this; }
        Case kernel(int a, int b) { kh = a; kw = b; return this; }
        Case stride(int a, int b) { sH = a; sW = b; return this; }
        Case pad(int a, int b) { pH = a; pW = b; return this; }
        Case outputPadding(int a, int b) { opH = a; opW = b; return this; }
        Case dilation(int a, int b) { dH = a; dW = b; return this; }
        Case groups(int v) { groups = v; return this; }
        Case noBias() { bias = false; return this; }
        Case unbatched() { unbatched = true; n = 1; return this; }

        ConvTranspose2dAttrs attrs() {
            return new ConvTranspose2dAttrs(HW.of(sH, sW), HW.of(pH, pW), HW.of(opH, opW), groups, HW.of(dH, dW));
        }

        @Override
        public String toString() {
            return name + " x" + (unbatched ? "(" : "(" + n + ",") + cIn + "," + h + "," + w + ") w(" + cIn + "," + cOut / groups + "," + kh
                    + "," + kw + ") " + attrs() + (bias ? " bias" : " no-bias");
        }
    }

    static Stream<Case> grid() {
        List<Case> cases = List.of(
                new Case("plain"),
                new Case("plain_no_bias").noBias(),
                new Case("stride2").stride(2, 2),
                new Case("stride2_pad1_output_padding1").kernel(4, 4).stride(2, 2).pad(1, 1).outputPadding(1, 1),
                new Case("stride_3x2_output_padding_2x1").stride(3, 2).outputPadding(2, 1).pad(1, 0),
                new Case("stride1_dilation2_output_padding1").dilation(2, 2).outputPadding(1, 1),
                new Case("dilation_2x3_pad_1x2").in(3, 5, 4).dilation(2, 3).pad(1, 2),
                new Case("stride2_dilation2_pad2_output_padding1").stride(2, 2).dilation(2, 2).pad(2, 2).outputPadding(1, 1),
                new Case("groups2").in(4, 4, 5).out(6).groups(2).stride(2, 1).pad(1, 1),
                new Case("groups3_no_bias").in(6, 3, 4).out(3).groups(3).kernel(2, 3).stride(2, 2).noBias(),
                new Case("groups4_depthwise_x2").in(4, 4, 4).out(8).groups(4).stride(2, 2).pad(1, 1),
                new Case("depthwise").in(3, 5, 5).out(3).groups(3).dilation(2, 1).pad(1, 1),
                new Case("pad_keeps_size_k5").in(2, 5, 6).kernel(5, 5).pad(2, 2),
                new Case("pad_larger_than_half_kernel").in(2, 5, 6).pad(2, 2),
                new Case("kernel_1x1_stride2_gaps").kernel(1, 1).stride(2, 2).outputPadding(1, 1),
                new Case("kernel_2x4_asymmetric").kernel(2, 4).stride(1, 3).pad(0, 1),
                new Case("output_padding_row_receives_contributions").stride(2, 2).pad(1, 1).outputPadding(1, 1),
                new Case("output_padding_row_beyond_full_result").stride(2, 2).outputPadding(1, 1),
                new Case("single_pixel_input").in(3, 1, 1).stride(2, 2),
                new Case("unbatched").unbatched().stride(2, 2).pad(1, 1),
                new Case("unbatched_groups2_no_bias").unbatched().in(4, 3, 3).out(4).groups(2).noBias(),
                new Case("empty_batch").batch(0).stride(2, 2));
        Set<String> names = new HashSet<>();
        cases.forEach(c -> assertTrue(names.add(c.name), "duplicate case name " + c.name));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void matchesFloat64BruteForce(Case k) {
        assertMatchesBruteForce(k);
    }

    static void assertMatchesBruteForce(Case k) {
        Random r = new Random(k.name.hashCode());
        Shape xs = k.unbatched ? Shape.of(k.cIn, k.h, k.w) : Shape.of(k.n, k.cIn, k.h, k.w);
        Tensor x = uniformSigned(r, xs);
        Tensor w = uniformSigned(r, Shape.of(k.cIn, k.cOut / k.groups, k.kh, k.kw));
        Tensor b = k.bias ? uniformSigned(r, Shape.of(k.cOut)) : null;
        InputsUnchanged inputs = InputsUnchanged.snapshot(x, w, b);

        Tensor y = ConvTranspose2d.apply(KERNEL, x, w, b, k.attrs());

        Float64Reference ref = reference(k, x.buffer(), w.buffer(), b == null ? null : b.buffer());
        Shape expectedShape = k.unbatched ? Shape.of(k.cOut, ref.oh(), ref.ow()) : Shape.of(k.n, k.cOut, ref.oh(), ref.ow());
        assertMatchesReference(k, expectedShape, y, ref.y(), ref.scale(), 1e-5, 1e-6);
        inputs.assertTensorsUnchanged("input written", "weight written", "bias written");
    }

    /** §2 in float64: the shared brute-force reference of io.opsgi.testing. */
    static Float64Reference reference(Case k, float[] x, float[] w, float[] bias) {
        return Float64Conv.convTranspose2d(new Float64Conv.Geometry(k.n, k.cIn, k.h, k.w, k.cOut, k.kh, k.kw, k.sH, k.sW, k.dH, k.dW,
                new int[] {k.pH, k.pW, k.pH, k.pW}, k.groups, null), k.opH, k.opW, x, w, bias);
    }

    // ---------------------------------------------------------------- adjoint identity

    /** A conv2d configuration: x (n, c, h, w), weight (cOut, c/groups, k, k), symmetric padding. */
    record ConvCase(String name, int n, int c, int h, int w, int cOut, int kh, int kw, int sH, int sW, int pH, int pW, int dH, int dW,
            int groups) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ConvCase> adjointCases() {
        return Stream.of(
                new ConvCase("adjoint_plain", 2, 3, 6, 7, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1),
                new ConvCase("adjoint_stride2_pad1_output_padding_1x0", 1, 2, 8, 7, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1),
                new ConvCase("adjoint_stride_3x2_dilation_2x1", 2, 2, 11, 9, 2, 3, 2, 3, 2, 2, 1, 2, 1, 1),
                new ConvCase("adjoint_groups2", 1, 4, 7, 6, 6, 2, 3, 2, 3, 1, 1, 1, 1, 2),
                new ConvCase("adjoint_depthwise_x2", 2, 3, 6, 6, 6, 3, 3, 1, 1, 2, 2, 2, 2, 3));
    }

    /**
     * conv_transpose2d is the adjoint of conv2d: {@code <conv2d(x), y> = <x, conv_transpose2d(y)>}
     * with the same weight tensor, stride, padding, dilation and groups, and output_padding
     * {@code (H + 2p − d(k−1) − 1) mod s} so that conv_transpose2d(y) has x's shape. Here
     * conv_transpose2d is the kernel under test and conv2d a float64 gather from §1. Sums in float64;
     * tolerance 1e-5 · Σ|x·w·y| + 1e-6.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("adjointCases")
    void isTheAdjointOfConv2d(ConvCase k) {
        Random r = new Random(k.name.hashCode());
        float[] x = uniformSigned(r, k.n * k.c * k.h * k.w);
        Tensor w = Tensor.of(Shape.of(k.cOut, k.c / k.groups, k.kh, k.kw), uniformSigned(r, k.cOut * (k.c / k.groups) * k.kh * k.kw));
        int numH = k.h + 2 * k.pH - k.dH * (k.kh - 1) - 1, numW = k.w + 2 * k.pW - k.dW * (k.kw - 1) - 1;
        int oh = numH / k.sH + 1, ow = numW / k.sW + 1;
        float[] abs = x.clone();
        for (int i = 0; i < abs.length; i++) {
            abs[i] = Math.abs(abs[i]);
        }
        double[] conv = conv2dReference(k, x, w.buffer(), oh, ow, false);
        double[] absConv = conv2dReference(k, abs, w.buffer(), oh, ow, true);
        Tensor y = Tensor.of(Shape.of(k.n, k.cOut, oh, ow), uniformSigned(r, conv.length));

        ConvTranspose2dAttrs a = new ConvTranspose2dAttrs(HW.of(k.sH, k.sW), HW.of(k.pH, k.pW), HW.of(numH % k.sH, numW % k.sW), k.groups,
                HW.of(k.dH, k.dW));
        Tensor transposed = ConvTranspose2d.apply(KERNEL, y, w, null, a);
        assertEquals(Shape.of(k.n, k.c, k.h, k.w), transposed.shape());

        double lhs = 0, rhs = 0, scale = 0;
        for (int i = 0; i < conv.length; i++) {
            lhs += conv[i] * y.getFlat(i);
            scale += absConv[i] * Math.abs(y.getFlat(i));
        }
        for (int i = 0; i < x.length; i++) {
            rhs += (double) x[i] * transposed.getFlat(i);
        }
        assertEquals(lhs, rhs, 1e-5 * scale + 1e-6, k.toString());
    }

    /** §1 in float64 with bounds checks (zero padding); {@code abs} uses |w| (pass |x| for Σ|x·w|). */
    static double[] conv2dReference(ConvCase k, float[] x, float[] w, int oh, int ow, boolean abs) {
        int cg = k.c / k.groups, og = k.cOut / k.groups;
        double[] y = new double[k.n * k.cOut * oh * ow];
        for (int n = 0; n < k.n; n++) {
            for (int o = 0; o < k.cOut; o++) {
                int g = o / og;
                for (int a = 0; a < oh; a++) {
                    for (int b = 0; b < ow; b++) {
                        double sum = 0;
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < k.kh; i++) {
                                for (int j = 0; j < k.kw; j++) {
                                    int row = a * k.sH - k.pH + i * k.dH, col = b * k.sW - k.pW + j * k.dW;
                                    if (row < 0 || row >= k.h || col < 0 || col >= k.w) {
                                        continue;
                                    }
                                    double wv = w[((o * cg + c) * k.kh + i) * k.kw + j];
                                    sum += (abs ? Math.abs(wv) : wv) * x[((n * k.c + g * cg + c) * k.h + row) * k.w + col];
                                }
                            }
                        }
                        y[((n * k.cOut + o) * oh + a) * ow + b] = sum;
                    }
                }
            }
        }
        return y;
    }

    // ---------------------------------------------------------------- helpers

    /** rows ⊗ cols + bias, flat. */
    static float[] outer(float[] rows, float[] cols, float bias) {
        float[] v = new float[rows.length * cols.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < cols.length; j++) {
                v[i * cols.length + j] = rows[i] * cols[j] + bias;
            }
        }
        return v;
    }
}
