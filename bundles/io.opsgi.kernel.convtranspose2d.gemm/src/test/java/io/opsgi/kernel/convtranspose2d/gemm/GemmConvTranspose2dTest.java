package io.opsgi.kernel.convtranspose2d.gemm;

import static io.opsgi.testing.TensorAsserts.assertMatchesReference;
import static io.opsgi.testing.TestTensors.uniformSigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.support.Parallel;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GemmConvTranspose2d through the conv_transpose2d contract, against a float64 scatter written
 * here from OPERATOR-SEMANTICS §2 (every contribution bounds-checked, H_out from the exact formula),
 * at 1 and 2 threads.
 *
 * <p>Tolerance: {@code (K+1)·2⁻²⁴·(Σ|x·w| + |bias|) + 1e-6} per element, K = Cg·kh·kw bounding the
 * number of products summed into one output (the classical bound for a float32 sum in any order).
 * A wrong tap moves an element by a whole |x·w| ~ 0.25.
 */
class GemmConvTranspose2dTest {
    private static final GemmConvTranspose2d KERNEL = new GemmConvTranspose2d();
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** Input (n, c, h, w), weight (c, cOut/groups, kh, kw). */
    record Case(String name, int n, int c, int h, int w, int cOut, int kh, int kw, int sH, int sW, int pH, int pW, int opH, int opW,
            int dH, int dW, int groups, boolean bias) {
        Case(String name) {
            this(name, 1, 3, 5, 6, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true);
        }

        Case in(int nn, int cc, int hh, int ww) {
            return new Case(name, nn, cc, hh, ww, cOut, kh, kw, sH, sW, pH, pW, opH, opW, dH, dW, groups, bias);
        }

        Case out(int o) {
            return new Case(name, n, c, h, w, o, kh, kw, sH, sW, pH, pW, opH, opW, dH, dW, groups, bias);
        }

        Case kernel(int a, int b) {
            return new Case(name, n, c, h, w, cOut, a, b, sH, sW, pH, pW, opH, opW, dH, dW, groups, bias);
        }

        Case stride(int a, int b) {
            return new Case(name, n, c, h, w, cOut, kh, kw, a, b, pH, pW, opH, opW, dH, dW, groups, bias);
        }

        Case pad(int a, int b) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, a, b, opH, opW, dH, dW, groups, bias);
        }

        Case outputPad(int a, int b) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, pH, pW, a, b, dH, dW, groups, bias);
        }

        Case dilation(int a, int b) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, pH, pW, opH, opW, a, b, groups, bias);
        }

        Case groups(int g) {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, pH, pW, opH, opW, dH, dW, g, bias);
        }

        Case noBias() {
            return new Case(name, n, c, h, w, cOut, kh, kw, sH, sW, pH, pW, opH, opW, dH, dW, groups, false);
        }

        ConvTranspose2dAttrs attrs() {
            return new ConvTranspose2dAttrs(HW.of(sH, sW), HW.of(pH, pW), HW.of(opH, opW), groups, HW.of(dH, dW));
        }

        int outH() {
            return (h - 1) * sH - 2 * pH + dH * (kh - 1) + opH + 1;
        }

        int outW() {
            return (w - 1) * sW - 2 * pW + dW * (kw - 1) + opW + 1;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> grid() {
        List<Case> cases = List.of(
                new Case("plain_3x3"),
                new Case("stride2_k4_pad1").in(1, 4, 7, 7).out(3).kernel(4, 4).stride(2, 2).pad(1, 1),
                new Case("stride_2x3_pad_1x2_output_padding").in(2, 3, 5, 6).stride(2, 3).pad(1, 2).outputPad(1, 2),
                new Case("dilation2_stride1_output_padding1").in(1, 3, 6, 5).dilation(2, 2).outputPad(1, 1).pad(1, 0),
                new Case("stride3_dilation2_pad2").in(1, 2, 4, 5).kernel(3, 2).stride(3, 3).dilation(2, 2).pad(2, 1),
                new Case("padding_trims_more_than_a_tap").in(1, 3, 6, 6).kernel(3, 3).stride(1, 1).pad(2, 2),
                new Case("groups2").in(2, 6, 5, 4).out(4).groups(2).stride(2, 1).pad(1, 0),
                new Case("depthwise_like_groups").in(1, 4, 6, 6).out(4).groups(4).kernel(4, 4).stride(2, 2).pad(1, 1),
                new Case("one_by_one").in(2, 5, 4, 7).out(9).kernel(1, 1).noBias(),
                new Case("one_by_one_stride2_output_padding").in(1, 5, 4, 3).out(6).kernel(1, 1).stride(2, 2).outputPad(1, 1),
                new Case("single_input_pixel").in(1, 3, 1, 1).out(2).kernel(3, 4),
                new Case("wide_row_vector_runs").in(1, 3, 3, 45).out(5).kernel(2, 3).pad(0, 1),
                new Case("batch3_no_bias").in(3, 5, 4, 4).out(7).noBias().stride(2, 2),
                // Above the split threshold: one product shared by both threads, and a batch of them.
                new Case("split_product").in(1, 64, 14, 14).out(32).kernel(4, 4).stride(2, 2).pad(1, 1),
                new Case("split_batch_groups").in(4, 16, 12, 12).out(24).groups(2).kernel(3, 3).stride(2, 2).pad(1, 1).outputPad(1, 1));
        Set<String> names = new HashSet<>();
        cases.forEach(c -> assertTrue(names.add(c.name), "duplicate case name " + c.name));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void matchesFloat64ScatterOnOneAndTwoThreads(Case k) {
        Random r = new Random(k.name.hashCode());
        Tensor x = uniformSigned(r, Shape.of(k.n, k.c, k.h, k.w));
        Tensor w = uniformSigned(r, Shape.of(k.c, k.cOut / k.groups, k.kh, k.kw));
        Tensor b = k.bias ? uniformSigned(r, Shape.of(k.cOut)) : null;
        InputsUnchanged inputs = InputsUnchanged.snapshot(x, w, b);

        Parallel.setThreads(1);
        Tensor one = ConvTranspose2d.apply(KERNEL, x, w, b, k.attrs());
        Parallel.setThreads(2);
        Tensor two = ConvTranspose2d.apply(KERNEL, x, w, b, k.attrs());

        Float64Reference ref = reference(k, x.buffer(), w.buffer(), b == null ? null : b.buffer());
        double relative = (k.c / k.groups * k.kh * k.kw + 1) * Math.scalb(1.0, -24);
        assertMatchesReference(k, Shape.of(k.n, k.cOut, k.outH(), k.outW()), one, ref.y(), ref.scale(), relative, 1e-6);
        // col2im splits by output channel and the GEMM's order is fixed by K alone: threads change nothing.
        assertArrayEquals(one.toArray(), two.toArray(), k + ": 2 threads differ from 1");
        inputs.assertTensorsUnchanged("input written", "weight written", "bias written");
    }

    /** §2 scatter in float64: the shared brute-force reference of io.opsgi.testing. */
    static Float64Reference reference(Case k, float[] x, float[] w, float[] bias) {
        return Float64Conv.convTranspose2d(new Float64Conv.Geometry(k.n, k.c, k.h, k.w, k.cOut, k.kh, k.kw, k.sH, k.sW, k.dH, k.dW,
                new int[] {k.pH, k.pW, k.pH, k.pW}, k.groups, null), k.opH, k.opW, x, w, bias);
    }

    /** A 2x2 kernel of ones at stride 2 is nearest-neighbour upsampling: each pixel becomes a 2x2 block. */
    @Test
    void stride2OnesKernelRepeatsEachPixelInABlock() {
        Tensor x = Tensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
        Tensor w = Tensor.of(Shape.of(1, 1, 2, 2), 1, 1, 1, 1);
        Tensor y = ConvTranspose2d.apply(KERNEL, x, w, null, ConvTranspose2dAttrs.defaults().withStride(2));
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, y.toArray());
    }
}
