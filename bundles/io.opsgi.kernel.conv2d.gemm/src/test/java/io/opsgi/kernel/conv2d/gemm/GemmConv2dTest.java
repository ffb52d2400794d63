package io.opsgi.kernel.conv2d.gemm;

import static io.opsgi.testing.TensorAsserts.assertMatchesReference;
import static io.opsgi.testing.TestTensors.uniformSigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.Epilogue;
import io.opsgi.op.HW;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GemmConv2d through the conv2d contract, against a float64 brute force written here from
 * OPERATOR-SEMANTICS §1 (every input read bounds-checked, pads as given), at 1 and 2 threads.
 *
 * <p>Tolerance: {@code (K+1)·2⁻²⁴·(Σ|x·w| + |bias|) + 1e-6} per element, the classical bound for a
 * float32 sum of K = Cg·kh·kw products and the bias in any order. A wrong tap changes an element
 * by about |x·w| ~ 0.25, far above it at these K.
 */
class GemmConv2dTest {
    private static final GemmConv2d KERNEL = new GemmConv2d();
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** A convolution: input (n, c, h, w), cOut filters of kh x kw, explicit pads top/left/bottom/right. */
    record Case(String name, int n, int c, int h, int w, int cOut, int kh, int kw, int sH, int sW, int dH, int dW, int[] pads,
            int groups, boolean bias, PadMode mode) {
        Case(String name) {
            this(name, 1, 3, 9, 10, 4, 3, 3, 1, 1, 1, 1, new int[4], 1, true, PadMode.CONSTANT);
        }

        Case in(int nn, int cc, int hh, int ww) {
            return new Case(name, nn, cc, hh, ww, cOut, kh, kw, sH, sW, dH, dW, pads, groups, bias, mode);
        }

        Case out(int o) {
            return new Case(name, n, c, h, w, o, kh, kw, sH, sW, dH, dW, pads, groups, bias, mode);
        }

        Case kernel(int a, int b) {
            return new Case(name, n, c, h, w, cOut, a, b, sH, sW, dH, dW, pads, groups, bias, mode);
        }

        Case stride(int a, int b) {
            return new Case(name, n, c, h, w, cOut, kh, kw, a, b, dH, dW, pads, groups, bias, mode);
        }

        Case dilation(int a, int b) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, a, b, pads, groups, bias, mode);
        }

        Case pad(int top, int left, int bottom, int right) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, dH, dW, new int[] {top, left, bottom, right}, groups, bias, mode);
        }

        Case groups(int g) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, dH, dW, pads, g, bias, mode);
        }

        Case noBias() {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, dH, dW, pads, groups, false, mode);
        }

        Case mode(PadMode m) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, dH, dW, pads, groups, bias, m);
        }

        Conv2dAttrs attrs() {
            ConvPadding p = mode == PadMode.CONSTANT ? ConvPadding.explicit(pads[0], pads[1], pads[2], pads[3])
                    : ConvPadding.symmetric(pads[0], pads[1]);
            return new Conv2dAttrs(HW.of(sH, sW), p, HW.of(dH, dW), groups, mode);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> grid() {
        List<Case> cases = List.of(
                new Case("plain_3x3"),
                new Case("pad1").pad(1, 1, 1, 1),
                new Case("asymmetric_pads").pad(2, 0, 1, 3),
                new Case("pads_wider_than_kernel_reach").in(1, 2, 4, 5).pad(3, 4, 3, 4),
                new Case("stride2_pad1").stride(2, 2).pad(1, 1, 1, 1),
                new Case("stride_2x3_dilation_2x1").in(2, 3, 11, 13).stride(2, 3).dilation(2, 1).pad(1, 2, 0, 1),
                new Case("dilation3_pad3").in(1, 5, 12, 12).dilation(3, 3).pad(3, 3, 3, 3),
                new Case("groups2").in(2, 6, 8, 7).out(4).groups(2).pad(1, 1, 1, 1),
                new Case("groups3_kernel_2x3").in(1, 9, 7, 9).out(6).groups(3).kernel(2, 3).stride(2, 1).pad(1, 0, 0, 2),
                new Case("depthwise").in(2, 5, 9, 9).out(5).groups(5).pad(1, 1, 1, 1),
                new Case("depthwise_multiplier2_stride2").in(1, 4, 10, 11).out(8).groups(4).stride(2, 2).pad(1, 1, 1, 1),
                new Case("pointwise").in(2, 7, 6, 9).out(5).kernel(1, 1),
                new Case("pointwise_no_bias_groups2").in(1, 8, 5, 40).out(6).kernel(1, 1).groups(2).noBias(),
                new Case("pointwise_stride2").in(1, 7, 9, 9).out(5).kernel(1, 1).stride(2, 2),
                new Case("pointwise_padded").in(1, 7, 4, 5).out(5).kernel(1, 1).pad(1, 0, 2, 1),
                new Case("kernel_larger_than_input").in(1, 2, 2, 2).pad(1, 1, 1, 1),
                new Case("kernel_7x7_stride2_pad3").in(1, 3, 23, 21).out(13).kernel(7, 7).stride(2, 2).pad(3, 3, 3, 3),
                new Case("one_output_position").in(1, 3, 3, 3),
                new Case("wide_rows_many_panels").in(1, 3, 5, 70).out(14).pad(1, 1, 1, 1),
                new Case("tall_narrow").in(1, 4, 40, 3).out(3).kernel(3, 1).pad(0, 0, 2, 0),
                // Output widths around the packer's fast path: a vector over 4 output rows (5), over 5 (4: run by run),
                // exactly one vector (16); unpadded, so rows at the end of the input take the guarded path.
                new Case("output_width_5").in(1, 3, 9, 7).out(5),
                new Case("output_width_4").in(1, 3, 9, 6).out(5),
                new Case("output_width_16_unpadded_batch2").in(2, 3, 10, 18).out(7),
                // Caught a tap offset that counted the image-group's start twice (input read in place).
                new Case("unpadded_groups3_batch2_reads_its_own_channels").in(2, 6, 7, 8).out(6).groups(3),
                new Case("stride3_dilation2_phases").in(1, 3, 17, 19).out(5).stride(3, 3).dilation(2, 2).pad(2, 1, 0, 3),
                new Case("batch3_no_bias").in(3, 4, 7, 6).out(13).noBias().pad(1, 1, 1, 1),
                new Case("reflect_mode").mode(PadMode.REFLECT).pad(1, 2, 1, 2),
                new Case("circular_mode_stride2").mode(PadMode.CIRCULAR).stride(2, 2).pad(2, 1, 2, 1),
                // Above the split threshold: one product shared by both threads, and a batch of them.
                new Case("split_product").in(1, 32, 20, 21).out(40).pad(1, 1, 1, 1),
                new Case("split_batch_groups").in(3, 24, 15, 16).out(36).groups(3).pad(1, 0, 1, 0),
                new Case("split_pointwise").in(1, 150, 30, 30).out(30).kernel(1, 1),
                new Case("k_tail_and_m_tail").in(1, 29, 9, 8).out(13).kernel(3, 3).pad(1, 1, 1, 1));
        Set<String> names = new HashSet<>();
        cases.forEach(c -> assertTrue(names.add(c.name), "duplicate case name " + c.name));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void matchesFloat64BruteForceOnOneAndTwoThreads(Case k) {
        Random r = new Random(k.name.hashCode());
        Tensor x = uniformSigned(r, Shape.of(k.n, k.c, k.h, k.w));
        Tensor w = uniformSigned(r, Shape.of(k.cOut, k.c / k.groups, k.kh, k.kw));
        Tensor b = k.bias ? uniformSigned(r, Shape.of(k.cOut)) : null;
        InputsUnchanged inputs = InputsUnchanged.snapshot(x, w, b);

        Parallel.setThreads(1);
        Tensor one = Conv2d.apply(KERNEL, x, w, b, k.attrs());
        Parallel.setThreads(2);
        Tensor two = Conv2d.apply(KERNEL, x, w, b, k.attrs());

        Float64Reference ref = reference(k, x.buffer(), w.buffer(), b == null ? null : b.buffer());
        int reduction = k.c / k.groups * k.kh * k.kw;
        double relative = (reduction + 1) * Math.scalb(1.0, -24);
        assertMatchesReference(k, Shape.of(k.n, k.cOut, ref.oh(), ref.ow()), one, ref.y(), ref.scale(), relative, 1e-6);
        // Every element's summation order is fixed by K's blocking alone, whatever the threads.
        assertArrayEquals(one.toArray(), two.toArray(), k + ": 2 threads differ from 1");
        inputs.assertTensorsUnchanged("input written", "weight written", "bias written");
    }

    static Stream<Arguments> fusedCases() {
        Case[] geometries = {
                new Case("pointwise_two_k_blocks").in(1, 300, 6, 7).out(13).kernel(1, 1), // K = 300 > KC: bias in block 1, epilogue in block 2
                new Case("pointwise_m_and_n_tails").in(2, 9, 5, 9).out(21).kernel(1, 1), // 21 = 12 + 8 + 1 rows; 45 columns = 32 + 13
                new Case("k_tail_and_m_tail").in(1, 29, 9, 8).out(13).kernel(3, 3).pad(1, 1, 1, 1),
                new Case("groups3_stride2").in(1, 9, 11, 10).out(6).groups(3).stride(2, 2).pad(1, 1, 1, 1),
                new Case("split_pointwise").in(1, 150, 30, 30).out(30).kernel(1, 1)};
        Epilogue[] epilogues = {
                Epilogue.of(null, null, true, ActivationAttrs.of(Activation.RELU6)),
                Epilogue.of(new float[0], null, false, null), // scale/shift sized per case below
                Epilogue.of(null, null, false, ActivationAttrs.of(Activation.HARDSWISH)),
                Epilogue.of(null, null, true, ActivationAttrs.of(Activation.SILU)),
                Epilogue.of(null, null, false, ActivationAttrs.leakyRelu(0.1f))};
        return Stream.of(geometries).flatMap(k -> Stream.of(epilogues).flatMap(e -> Stream.of(true, false).map(b -> {
            Case c = b ? k : new Case(k.name + "_no_bias", k.n, k.c, k.h, k.w, k.cOut, k.kh, k.kw, k.sH, k.sW, k.dH, k.dW, k.pads, k.groups,
                    false, k.mode);
            return Arguments.of(c, e.scale() == null ? e : affine(k.cOut, e));
        })));
    }

    private static Epilogue affine(int channels, Epilogue e) {
        Random r = new Random(channels);
        float[] scale = new float[channels], shift = new float[channels];
        for (int i = 0; i < channels; i++) {
            scale[i] = 0.25f + 2 * r.nextFloat();
            shift[i] = r.nextFloat() - 0.5f;
        }
        return Epilogue.of(scale, shift, true, ActivationAttrs.of(Activation.RELU));
    }

    /**
     * The bias and the epilogue applied by the GEMM's store (first and last K block, tile by tile) are
     * the separate passes' arithmetic: the plain convolution, then {@link Epilogue#applyAll}, bit for bit
     * (the exp-based silu too: both go through the same scalar {@link Epilogue#apply}), at 1 and 2 threads.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fusedCases")
    void aFusedEpilogueIsTheSeparatePassesBitForBit(Case k, Epilogue e) {
        Random r = new Random(k.name.hashCode());
        float[] x = uniformSigned(r, Shape.of(k.n, k.c, k.h, k.w)).toArray();
        float[] w = uniformSigned(r, Shape.of(k.cOut, k.c / k.groups, k.kh, k.kw)).toArray();
        float[] b = k.bias ? uniformSigned(r, Shape.of(k.cOut)).toArray() : null;
        ConvGeometry g = Conv2d.geometry(Shape.of(k.n, k.c, k.h, k.w), Shape.of(k.cOut, k.c / k.groups, k.kh, k.kw),
                k.bias ? Shape.of(k.cOut) : null, k.attrs());
        float[] residual = e.residual() ? uniformSigned(r, g.outputShape()).toArray() : null;
        float[] residualBefore = residual == null ? null : residual.clone();

        float[] separate = new float[g.outputShape().size()];
        KERNEL.conv2d(g, x, w, b, separate);
        e.applyAll(separate, g.cOut(), g.oh() * g.ow(), residual);
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            float[] fused = new float[separate.length];
            KERNEL.prepare(g, w, b, e).run(x, residual, fused);
            assertArrayEquals(separate, fused, k + " with " + e.describe() + " at " + threads + " threads");
        }
        assertArrayEquals(residualBefore, residual, "residual written");
    }

    /** §1 in float64: the shared brute-force reference of io.opsgi.testing. */
    static Float64Reference reference(Case k, float[] x, float[] w, float[] bias) {
        return Float64Conv.conv2d(new Float64Conv.Geometry(k.n, k.c, k.h, k.w, k.cOut, k.kh, k.kw, k.sH, k.sW, k.dH, k.dW, k.pads, k.groups, k.mode),
                x, w, bias);
    }

}
