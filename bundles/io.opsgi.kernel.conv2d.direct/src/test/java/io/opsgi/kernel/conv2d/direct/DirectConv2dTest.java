package io.opsgi.kernel.conv2d.direct;

import static io.opsgi.testing.TensorAsserts.assertMatchesReference;
import static io.opsgi.testing.TestTensors.uniformSigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.HW;
import io.opsgi.op.OpException;
import io.opsgi.op.PadMode;
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
 * DirectConv2d through the conv2d contract ({@link Conv2d#apply}). Expected values are worked by
 * hand, or come from a float64 brute force written here straight from OPERATOR-SEMANTICS §1 with
 * explicit bounds checks and hand-computed pads.
 *
 * <p>Tolerance against float64: {@code |y - ref| <= 1e-5 * (Σ|x·w| + |bias|) + 1e-6}. float32
 * accumulation of K terms errs by at most about K·2⁻²⁴·Σ|x·w| (K ≤ 72 here, so ≤ 4.3e-6·Σ|x·w|);
 * 1e-5 leaves room without hiding a wrong tap, which changes a term of size ~|x·w|.
 */
class DirectConv2dTest {
    private static final DirectConv2d KERNEL = new DirectConv2d();

    // ---------------------------------------------------------------- worked examples, exact

    /**
     * A dark/bright 5x5 image: every row is [0, 0, 1, 1, 1] (dark left two columns, bright right
     * three). With cross-correlation and the vertical-edge kernel [[-1,0,1]] x 3 rows,
     * y[r][c] = Σ_i (x[r+i][c+2] - x[r+i][c]) = 3·(col[c+2] - col[c]): columns 0 and 1 straddle
     * the edge (1 - 0 = 1, so 3), column 2 lies on the flat bright part (1 - 1 = 0).
     */
    @Test
    void verticalEdgeKernelFindsDarkToBrightEdge() {
        float[] image = new float[25];
        for (int r = 0; r < 5; r++) {
            for (int c = 2; c < 5; c++) {
                image[r * 5 + c] = 1;
            }
        }
        Tensor x = Tensor.of(Shape.of(1, 1, 5, 5), image);
        Tensor w = Tensor.of(Shape.of(1, 1, 3, 3), -1, 0, 1, -1, 0, 1, -1, 0, 1);
        Tensor y = Conv2d.apply(KERNEL, x, w, null, Conv2dAttrs.defaults());
        assertEquals(Shape.of(1, 1, 3, 3), y.shape());
        assertArrayEquals(new float[] {3, 3, 0, 3, 3, 0, 3, 3, 0}, y.toArray());
    }

    /**
     * I[i][j] = 10(i+1)(j+1) with Sobel-X: I[r][c+2] - I[r][c] = 20(r+1), weighted 1,2,1 over rows
     * oh..oh+2, gives 20·(4·oh + 8) = 80·(oh + 2): 160, 240, 320 down the rows, constant along them.
     */
    @Test
    void sobelXOnGradientImageAtStrides1To3() {
        float[] image = new float[25];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                image[i * 5 + j] = 10 * (i + 1) * (j + 1);
            }
        }
        Tensor x = Tensor.of(Shape.of(1, 1, 5, 5), image);
        Tensor sobelX = Tensor.of(Shape.of(1, 1, 3, 3), -1, 0, 1, -2, 0, 2, -1, 0, 1);
        Conv2dAttrs a = Conv2dAttrs.defaults();

        Tensor s1 = Conv2d.apply(KERNEL, x, sobelX, null, a.withStride(1));
        assertEquals(Shape.of(1, 1, 3, 3), s1.shape());
        assertArrayEquals(new float[] {160, 160, 160, 240, 240, 240, 320, 320, 320}, s1.toArray());

        Tensor s2 = Conv2d.apply(KERNEL, x, sobelX, null, a.withStride(2));
        assertEquals(Shape.of(1, 1, 2, 2), s2.shape());
        assertArrayEquals(new float[] {160, 160, 320, 320}, s2.toArray());

        Tensor s3 = Conv2d.apply(KERNEL, x, sobelX, null, a.withStride(3));
        assertEquals(Shape.of(1, 1, 1, 1), s3.shape());
        assertArrayEquals(new float[] {160}, s3.toArray());
    }

    /** nn.Conv2d(3, 16, 3): weight (16, 3, 3, 3) = 432 plus bias (16) = 448 parameters. */
    @Test
    void conv2d3To16Kernel3Has448Parameters() {
        Shape weight = Shape.of(16, 3, 3, 3), bias = Shape.of(16);
        assertEquals(448, weight.size() + bias.size());
        // ...and the contract accepts exactly those shapes: a 32x32 RGB image gives 16 maps of 30x30.
        assertEquals(Shape.of(1, 16, 30, 30), Conv2d.outputShape(Shape.of(1, 3, 32, 32), weight, bias, Conv2dAttrs.defaults()));
    }

    /** A 2x2 input, a 3x3 kernel and padding 1: the padded 4x4 fits the kernel, each window sees all four pixels. */
    @Test
    void kernelLargerThanInputFitsAfterPadding() {
        Tensor x = Tensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
        Tensor w = Tensor.of(Shape.of(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Tensor y = Conv2d.apply(KERNEL, x, w, null, Conv2dAttrs.defaults().withPadding(1));
        // y[0][0] = 1·5 + 2·6 + 3·8 + 4·9 = 77; y[0][1] = 1·4 + 2·5 + 3·7 + 4·8 = 67;
        // y[1][0] = 1·2 + 2·3 + 3·5 + 4·6 = 47; y[1][1] = 1·1 + 2·2 + 3·4 + 4·5 = 37.
        assertArrayEquals(new float[] {77, 67, 47, 37}, y.toArray());
    }

    /** Depthwise with channel multiplier 2 and 1x1 taps: output o reads input channel o / 2. */
    @Test
    void depthwiseMultiplierOutputReadsInputChannelOverM() {
        Tensor x = Tensor.of(Shape.of(1, 2, 1, 2), 1, 2, 3, 4);
        Tensor w = Tensor.of(Shape.of(4, 1, 1, 1), 1, 10, 100, 1000);
        Tensor b = Tensor.of(Shape.of(4), 0.5f, 0.25f, 0.125f, 0.0625f);
        Tensor y = Conv2d.apply(KERNEL, x, w, b, Conv2dAttrs.defaults().withGroups(2));
        assertArrayEquals(new float[] {1.5f, 2.5f, 10.25f, 20.25f, 300.125f, 400.125f, 3000.0625f, 4000.0625f}, y.toArray());
    }

    /**
     * 'same' with k=2 pads only bottom/right (§1, selector-kernel test): the top-left tap then reads
     * x[oh][ow] itself, and the bottom-right tap reads x[oh+1][ow+1], zero past the last row/column.
     */
    @Test
    void sameWithEvenKernelPutsThePadBottomRight() {
        Tensor x = Tensor.of(Shape.of(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Conv2dAttrs same = Conv2dAttrs.defaults().withPadding(ConvPadding.SAME);
        Tensor topLeft = Conv2d.apply(KERNEL, x, Tensor.of(Shape.of(1, 1, 2, 2), 1, 0, 0, 0), null, same);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, topLeft.toArray());
        Tensor bottomRight = Conv2d.apply(KERNEL, x, Tensor.of(Shape.of(1, 1, 2, 2), 0, 0, 0, 1), null, same);
        assertArrayEquals(new float[] {5, 6, 0, 8, 9, 0, 0, 0, 0}, bottomRight.toArray());
    }

    /** 'same' with k=2, d=3: total pad 3, split 1 top/left and 2 bottom/right (§1). */
    @Test
    void sameWithEvenKernelOddDilationPutsTheExtraBottomRight() {
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) {
            image[i] = i + 1;
        }
        Tensor x = Tensor.of(Shape.of(1, 1, 4, 4), image);
        Conv2dAttrs same = Conv2dAttrs.defaults().withPadding(ConvPadding.SAME).withDilation(3);
        // top-left tap reads x[oh - 1][ow - 1]: one pad row/column at the top/left.
        Tensor topLeft = Conv2d.apply(KERNEL, x, Tensor.of(Shape.of(1, 1, 2, 2), 1, 0, 0, 0), null, same);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}, topLeft.toArray());
        // bottom-right tap reads x[oh + 2][ow + 2]: two pad rows/columns at the bottom/right.
        Tensor bottomRight = Conv2d.apply(KERNEL, x, Tensor.of(Shape.of(1, 1, 2, 2), 0, 0, 0, 1), null, same);
        assertArrayEquals(new float[] {11, 12, 0, 0, 15, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, bottomRight.toArray());
    }

    /** N = 0 is a state, not an error: the output is (0, C_out, H_out, W_out). */
    @Test
    void emptyBatchGivesEmptyOutputOfTheRightShape() {
        Tensor x = Tensor.of(Shape.of(0, 3, 7, 6));
        Tensor w = Tensor.of(Shape.of(4, 3, 3, 3), new float[108]);
        Tensor y = Conv2d.apply(KERNEL, x, w, Tensor.of(Shape.of(4), 1, 2, 3, 4), Conv2dAttrs.defaults().withStride(2));
        assertEquals(Shape.of(0, 4, 3, 2), y.shape());
        assertEquals(0, y.size());
    }

    /** Unbatched input is the batched result with N=1 removed, for every padding mode but circular. */
    @Test
    void unbatchedInputEqualsBatchedWithOneSample() {
        Random r = new Random(7);
        Tensor x = Tensor.of(Shape.of(2, 5, 4), uniformSigned(r, 40));
        Tensor w = Tensor.of(Shape.of(3, 2, 3, 3), uniformSigned(r, 54));
        Tensor b = Tensor.of(Shape.of(3), uniformSigned(r, 3));
        for (PadMode mode : List.of(PadMode.CONSTANT, PadMode.REFLECT, PadMode.REPLICATE)) {
            Conv2dAttrs a = Conv2dAttrs.defaults().withPadding(1).withPaddingMode(mode);
            Tensor unbatched = Conv2d.apply(KERNEL, x, w, b, a);
            Tensor batched = Conv2d.apply(KERNEL, x.reshape(1, 2, 5, 4), w, b, a);
            assertEquals(Shape.of(3, 5, 4), unbatched.shape(), mode.torchName());
            assertArrayEquals(batched.toArray(), unbatched.toArray(), mode.torchName());
        }
    }

    /** 1.13: circular padding needs a batched 4-D input ("Invalid padding size, expected 2 but got 4"). */
    @Test
    void circularPaddingRejectsUnbatchedInput() {
        Tensor x = Tensor.of(Shape.of(1, 4, 4), new float[16]);
        Tensor w = Tensor.of(Shape.of(1, 1, 3, 3), new float[9]);
        OpException e = assertThrows(OpException.class, () -> Conv2d.apply(KERNEL, x, w, null,
                Conv2dAttrs.defaults().withPadding(1).withPaddingMode(PadMode.CIRCULAR)));
        assertEquals("pad_mode_rank", e.rule());
    }

    /**
     * nn.Conv2d with a padding_mode is F.conv2d(F.pad(x, mode), padding 0), bit-identical in 1.13
     * (§1); here too, with the pad done by this test's own index mapping.
     */
    @Test
    void paddingModeEqualsPadThenUnpaddedConvolutionBitForBit() {
        Random r = new Random(11);
        int n = 2, c = 2, h = 4, w = 5;
        Tensor x = Tensor.of(Shape.of(n, c, h, w), uniformSigned(r, n * c * h * w));
        Tensor wt = Tensor.of(Shape.of(3, 2, 3, 2), uniformSigned(r, 36));
        Tensor b = Tensor.of(Shape.of(3), uniformSigned(r, 3));
        int pH = 2, pW = 3;
        for (PadMode mode : List.of(PadMode.REFLECT, PadMode.REPLICATE, PadMode.CIRCULAR)) {
            Tensor viaMode = Conv2d.apply(KERNEL, x, wt, b, new Conv2dAttrs(HW.of(1), ConvPadding.symmetric(pH, pW), HW.of(1), 1, mode));
            float[] padded = new float[n * c * (h + 2 * pH) * (w + 2 * pW)];
            for (int plane = 0; plane < n * c; plane++) {
                for (int i = 0; i < h + 2 * pH; i++) {
                    for (int j = 0; j < w + 2 * pW; j++) {
                        padded[(plane * (h + 2 * pH) + i) * (w + 2 * pW) + j] = x.buffer()[(plane * h + Float64Conv.padIndex(mode, i - pH, h)) * w
                                + Float64Conv.padIndex(mode, j - pW, w)];
                    }
                }
            }
            Tensor viaPad = Conv2d.apply(KERNEL, Tensor.of(Shape.of(n, c, h + 2 * pH, w + 2 * pW), padded), wt, b, Conv2dAttrs.defaults());
            assertEquals(viaPad, viaMode, mode.torchName());
        }
    }

    // ---------------------------------------------------------------- brute force over a grid

    /**
     * One grid case. {@code pads} (top, left, bottom, right) are worked out by hand for each case,
     * so 'same', SAME_UPPER and SAME_LOWER are checked, not taken from the contract.
     */
    static final class Case {
        final String name;
        int n = 2, c = 3, h = 6, w = 7, cOut = 4, kh = 3, kw = 3, sH = 1, sW = 1, dH = 1, dW = 1, groups = 1;
        int[] pads = {0, 0, 0, 0};
        ConvPadding padding = ConvPadding.of(0);
        PadMode mode = PadMode.CONSTANT;
        boolean bias = true, unbatched = false;

        Case(String name) {
            this.name = name;
        }

        Case batch(int v) { n = v; return this; }
        Case in(int ch, int hh, int ww) { c = ch; h = hh; w = ww; return this; }
        Case out(int v) { cOut = v; return this; }
        Case kernel(int a, int b) { kh = a; kw = b; return this; }
        Case stride(int a, int b) { sH = a; sW = b; return this; }
        Case dilation(int a, int b) { dH = a; dW = b; return this; }
        Case groups(int v) { groups = v; return this; }
        Case pad(int p) { return pad(ConvPadding.of(p), p, p, p, p); }
        Case pad(ConvPadding p, int top, int left, int bottom, int right) { padding = p; pads = new int[] {top, left, bottom, right}; return this; }
        Case mode(PadMode m) { mode = m; return this; }
        Case noBias() { bias = false; return this; }
        Case unbatched() { unbatched = true; n = 1; return this; }

        Conv2dAttrs attrs() {
            return new Conv2dAttrs(HW.of(sH, sW), padding, HW.of(dH, dW), groups, mode);
        }

        @Override
        public String toString() {
            return name + " x" + (unbatched ? "(" : "(" + n + ",") + c + "," + h + "," + w + ") w(" + cOut + "," + c / groups + "," + kh + ","
                    + kw + ") " + attrs() + (bias ? " bias" : " no-bias");
        }
    }

    static Stream<Case> grid() {
        List<Case> cases = List.of(
                new Case("groups1"),
                new Case("groups1_no_bias").noBias(),
                new Case("groups1_single_sample_pad1").batch(1).pad(1),
                new Case("groups2_stride2_pad1").in(4, 7, 6).out(6).groups(2).kernel(3, 2).stride(2, 2).pad(1),
                new Case("groups3_pad1_no_bias").in(6, 5, 6).out(9).groups(3).pad(1).noBias(),
                new Case("groups4_dilation").in(8, 5, 9).out(4).groups(4).kernel(1, 3).dilation(1, 2).pad(ConvPadding.symmetric(0, 2), 0, 2, 0, 2),
                new Case("depthwise").in(5, 6, 6).out(5).groups(5).pad(1),
                new Case("depthwise_x2_stride2").in(3, 7, 7).out(6).groups(3).stride(2, 2).pad(1),
                new Case("depthwise_x3_dilation2_no_bias").in(2, 8, 7).out(6).groups(2).dilation(2, 2).pad(2).noBias(),
                new Case("stride_2x3").in(3, 9, 10).stride(2, 3),
                new Case("dilation_2x1").in(3, 8, 6).dilation(2, 1),
                new Case("stride2_dilation2_pad2").in(2, 9, 8).stride(2, 2).dilation(2, 2).pad(2),
                new Case("kernel_1x1_stride3").kernel(1, 1).stride(3, 3),
                new Case("kernel_4x5_asymmetric").kernel(4, 5).pad(ConvPadding.symmetric(1, 2), 1, 2, 1, 2),
                new Case("onnx_pads_asymmetric").pad(ConvPadding.explicit(1, 0, 2, 3), 1, 0, 2, 3),
                new Case("onnx_pads_asymmetric_stride2_groups2").in(4, 6, 7).out(4).groups(2).stride(2, 2)
                        .pad(ConvPadding.explicit(0, 2, 1, 0), 0, 2, 1, 0),
                new Case("valid").pad(ConvPadding.VALID, 0, 0, 0, 0),
                // 'same', stride 1: total d(k-1), left = total/2, the extra at the bottom/right.
                new Case("same_k2").kernel(2, 2).pad(ConvPadding.SAME, 0, 0, 1, 1),
                new Case("same_k2_d3").kernel(2, 2).dilation(3, 3).pad(ConvPadding.SAME, 1, 1, 2, 2),
                new Case("same_k3x4").kernel(3, 4).pad(ConvPadding.SAME, 1, 1, 1, 2),
                new Case("same_k3_d2_groups3").in(3, 6, 7).out(3).groups(3).dilation(2, 2).pad(ConvPadding.SAME, 2, 2, 2, 2),
                // ONNX SAME_*, any stride: out = ceil(in/s), total = (out-1)s + d(k-1) + 1 - in.
                // H 6, k 3, s 2: out 3, total 1. W 7: out 4, total 2.
                new Case("same_upper_stride2").stride(2, 2).pad(ConvPadding.SAME_UPPER, 0, 1, 1, 1),
                new Case("same_lower_stride2").stride(2, 2).pad(ConvPadding.SAME_LOWER, 1, 1, 0, 1),
                new Case("same_lower_k2").kernel(2, 2).pad(ConvPadding.SAME_LOWER, 1, 1, 0, 0),
                new Case("reflect_pad1").mode(PadMode.REFLECT).pad(1),
                new Case("reflect_pad_h2_w3_stride2").mode(PadMode.REFLECT).stride(2, 2).pad(ConvPadding.symmetric(2, 3), 2, 3, 2, 3),
                new Case("reflect_same_k4").mode(PadMode.REFLECT).kernel(4, 4).pad(ConvPadding.SAME, 1, 1, 2, 2),
                new Case("replicate_pad2_groups2").in(4, 6, 7).groups(2).mode(PadMode.REPLICATE).pad(2),
                new Case("replicate_onnx_pads").mode(PadMode.REPLICATE).pad(ConvPadding.explicit(3, 0, 1, 4), 3, 0, 1, 4),
                new Case("circular_pad1").mode(PadMode.CIRCULAR).pad(1),
                new Case("circular_pad_equals_size").in(2, 3, 3).mode(PadMode.CIRCULAR).pad(3),
                new Case("circular_dilation2").mode(PadMode.CIRCULAR).dilation(2, 2).pad(2).noBias(),
                new Case("kernel_larger_than_input").in(2, 2, 2).pad(1),
                new Case("kernel_5x5_on_3x3_pad1").in(2, 3, 3).kernel(5, 5).pad(1),
                new Case("unbatched").unbatched().pad(1),
                new Case("unbatched_reflect").unbatched().mode(PadMode.REFLECT).pad(1),
                new Case("unbatched_replicate_no_bias").unbatched().mode(PadMode.REPLICATE).pad(2).noBias(),
                new Case("empty_batch").batch(0).pad(1),
                new Case("empty_batch_no_bias").batch(0).stride(2, 2).noBias());
        Set<String> names = new HashSet<>();
        cases.forEach(c -> assertTrue(names.add(c.name), "duplicate case name " + c.name));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void matchesFloat64BruteForce(Case k) {
        Random r = new Random(k.name.hashCode());
        Shape xs = k.unbatched ? Shape.of(k.c, k.h, k.w) : Shape.of(k.n, k.c, k.h, k.w);
        Tensor x = uniformSigned(r, xs);
        Tensor w = uniformSigned(r, Shape.of(k.cOut, k.c / k.groups, k.kh, k.kw));
        Tensor b = k.bias ? uniformSigned(r, Shape.of(k.cOut)) : null;
        InputsUnchanged inputs = InputsUnchanged.snapshot(x, w, b);

        Tensor y = Conv2d.apply(KERNEL, x, w, b, k.attrs());

        Float64Reference ref = reference(k, x.buffer(), w.buffer(), b == null ? null : b.buffer());
        Shape expectedShape = k.unbatched ? Shape.of(k.cOut, ref.oh(), ref.ow()) : Shape.of(k.n, k.cOut, ref.oh(), ref.ow());
        assertMatchesReference(k, expectedShape, y, ref.y(), ref.scale(), 1e-5, 1e-6);
        inputs.assertTensorsUnchanged("input written", "weight written", "bias written");
    }

    /** §1 in float64: the shared brute-force reference of io.opsgi.testing. */
    static Float64Reference reference(Case k, float[] x, float[] w, float[] bias) {
        return Float64Conv.conv2d(new Float64Conv.Geometry(k.n, k.c, k.h, k.w, k.cOut, k.kh, k.kw, k.sH, k.sW, k.dH, k.dW, k.pads, k.groups, k.mode),
                x, w, bias);
    }

    // ---------------------------------------------------------------- adjoint identity

    /**
     * conv_transpose2d is the adjoint of conv2d: {@code <conv2d(x), y> = <x, conv_transpose2d(y)>}
     * for the same weight, stride, padding, dilation and groups. Here conv2d is the kernel under test
     * and conv_transpose2d a float64 gather written from §2 (ih = (oh + p − i·d)/s when that divides).
     * Sums in float64; tolerance 1e-5 · Σ|x·w·y| + 1e-6, as for the grid.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("adjointCases")
    void isTheAdjointOfConvTranspose(Case k) {
        Random r = new Random(k.name.hashCode());
        Tensor x = Tensor.of(Shape.of(k.n, k.c, k.h, k.w), uniformSigned(r, k.n * k.c * k.h * k.w));
        Tensor w = Tensor.of(Shape.of(k.cOut, k.c / k.groups, k.kh, k.kw), uniformSigned(r, k.cOut * (k.c / k.groups) * k.kh * k.kw));
        Tensor conv = Conv2d.apply(KERNEL, x, w, null, k.attrs());
        float[] y = uniformSigned(r, conv.size());

        double[] transposed = transposeReference(k, conv.dim(2), conv.dim(3), y, w.buffer(), false);
        double[] absTransposed = transposeReference(k, conv.dim(2), conv.dim(3), y, w.buffer(), true);
        double lhs = 0, rhs = 0, scale = 0;
        for (int i = 0; i < y.length; i++) {
            lhs += (double) conv.getFlat(i) * y[i];
        }
        for (int i = 0; i < transposed.length; i++) {
            rhs += x.getFlat(i) * transposed[i];
            scale += Math.abs(x.getFlat(i)) * absTransposed[i];
        }
        assertEquals(rhs, lhs, 1e-5 * scale + 1e-6, k.toString());
    }

    static Stream<Case> adjointCases() {
        return Stream.of(
                new Case("adjoint_plain"),
                new Case("adjoint_stride2_pad1").stride(2, 2).pad(1),
                new Case("adjoint_stride_2x3_dilation_2x1").in(3, 9, 11).stride(2, 3).dilation(2, 1).pad(1),
                new Case("adjoint_groups2").in(4, 7, 6).out(6).groups(2).kernel(2, 3).stride(3, 2).pad(1),
                new Case("adjoint_depthwise_x2").in(3, 6, 6).out(6).groups(3).dilation(2, 2).pad(2));
    }

    /**
     * conv_transpose2d of {@code y} (shape (n, cOut, oh, ow)) with conv2d's weight (cOut, c/groups,
     * kh, kw) read as the transposed weight (C_in' = cOut, C_out'/groups = c/groups): output shape
     * is x's. Gather form: output (r, col) receives y[ih, iw] for each tap with
     * {@code ih·s − p + i·d = r}. {@code abs} sums |y·w| instead.
     */
    static double[] transposeReference(Case k, int oh, int ow, float[] y, float[] w, boolean abs) {
        int cg = k.c / k.groups, og = k.cOut / k.groups;
        int[] p = k.pads;
        double[] out = new double[k.n * k.c * k.h * k.w];
        for (int n = 0; n < k.n; n++) {
            for (int c = 0; c < k.c; c++) {
                int g = c / cg;
                for (int r = 0; r < k.h; r++) {
                    for (int col = 0; col < k.w; col++) {
                        double sum = 0;
                        for (int o = g * og; o < (g + 1) * og; o++) {
                            for (int i = 0; i < k.kh; i++) {
                                for (int j = 0; j < k.kw; j++) {
                                    int rowNum = r + p[0] - i * k.dH, colNum = col + p[1] - j * k.dW;
                                    if (rowNum % k.sH != 0 || colNum % k.sW != 0) {
                                        continue;
                                    }
                                    int ih = rowNum / k.sH, iw = colNum / k.sW;
                                    if (ih < 0 || ih >= oh || iw < 0 || iw >= ow) {
                                        continue;
                                    }
                                    double t = (double) y[((n * k.cOut + o) * oh + ih) * ow + iw] * w[((o * cg + (c - g * cg)) * k.kh + i) * k.kw + j];
                                    sum += abs ? Math.abs(t) : t;
                                }
                            }
                        }
                        out[((n * k.c + c) * k.h + r) * k.w + col] = sum;
                    }
                }
            }
        }
        return out;
    }
}
