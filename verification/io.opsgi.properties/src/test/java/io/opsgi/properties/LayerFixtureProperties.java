package io.opsgi.properties;

import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.LinearKernel;
import io.opsgi.op.MatmulKernel;
import io.opsgi.op.UpsampleGeometry;
import io.opsgi.op.UpsampleKernel;
import io.opsgi.op.UpsampleMode;
import io.opsgi.tensor.Shape;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of linear, add/sub/mul/div, matmul and upsample (nearest, bilinear, bicubic) bite: each deliberately wrong kernel is caught with a shrunk
 * counterexample that reads as shapes and attributes, and the same loops without the bug pass.
 */
class LayerFixtureProperties {
    private static final LinearProperties LINEAR = new LinearProperties();
    private static final BinaryProperties BINARY = new BinaryProperties();
    private static final MatmulProperties MATMUL = new MatmulProperties();
    private static final UpsampleProperties UPSAMPLE = new UpsampleProperties();

    /** The textbook linear; with {@code dropBias} it forgets the bias. */
    private static KernelUnderTest<LinearKernel> linear(boolean dropBias) {
        return new KernelUnderTest<>(List.of("linear"), dropBias ? "fixture-drops_bias" : "fixture-control", "fixtures", (g, x, w, bias, y) -> {
            for (int r = 0; r < g.rows(); r++) {
                for (int o = 0; o < g.outFeatures(); o++) {
                    float acc = bias == null || dropBias ? 0f : bias[o];
                    for (int i = 0; i < g.inFeatures(); i++) {
                        acc += x[r * g.inFeatures() + i] * w[o * g.inFeatures() + i];
                    }
                    y[r * g.outFeatures() + o] = acc;
                }
            }
        });
    }

    /** The textbook broadcast loop with one classic bug, or none. */
    enum BinaryBug { NONE, SKIPS_LAST, SWAPPED_OPERANDS, CYCLIC_BROADCAST }

    /**
     * add/sub/mul/div by the geometry's strides; {@code SKIPS_LAST} leaves the last element at 0,
     * {@code SWAPPED_OPERANDS} computes other op input (only sub and div notice), {@code CYCLIC_BROADCAST}
     * reads each operand at {@code i % its length} (right for a trailing (W,) operand, wrong for (C, 1, 1)).
     */
    private static KernelUnderTest<BinaryKernel> binary(BinaryBug bug) {
        return new KernelUnderTest<>(List.of("add", "sub", "mul", "div"), "fixture-" + bug.name().toLowerCase(), "fixtures", (g, a, b, y) -> {
            Shape out = g.output();
            for (int i = 0; i < y.length - (bug == BinaryBug.SKIPS_LAST ? 1 : 0); i++) {
                int ia = 0, ib = 0;
                for (int d = out.rank() - 1, rest = i; d >= 0; d--) {
                    ia += (rest % out.dim(d)) * g.inputStride(d);
                    ib += (rest % out.dim(d)) * g.otherStride(d);
                    rest /= out.dim(d);
                }
                if (bug == BinaryBug.CYCLIC_BROADCAST) {
                    ia = i % a.length;
                    ib = i % b.length;
                }
                y[i] = bug == BinaryBug.SWAPPED_OPERANDS ? BinaryProperties.formula(g.op(), b[ib], a[ia]) : BinaryProperties.formula(g.op(), a[ia], b[ib]);
            }
        });
    }

    /** The textbook matmul; with {@code transposedOther} it reads other as (n, k). */
    private static KernelUnderTest<MatmulKernel> matmul(boolean transposedOther) {
        return new KernelUnderTest<>(List.of("matmul"), transposedOther ? "fixture-transposed_other" : "fixture-control", "fixtures", (g, a, b, y) -> {
            for (int p = 0; p < g.batch(); p++) {
                for (int i = 0; i < g.m(); i++) {
                    for (int j = 0; j < g.n(); j++) {
                        float acc = 0f;
                        for (int q = 0; q < g.k(); q++) {
                            acc += a[g.inputOffset(p) + i * g.k() + q] * b[g.otherOffset(p) + (transposedOther ? j * g.k() + q : q * g.n() + j)];
                        }
                        y[(p * g.m() + i) * g.n() + j] = acc;
                    }
                }
            }
        });
    }

    /**
     * Nearest from the contract's float ratio, rounding (OpenCV's "nearest") instead of flooring when
     * {@code round}; bilinear with the two weights of each axis swapped when {@code swapWeights}.
     */
    private static KernelUnderTest<UpsampleKernel> upsample(boolean round, boolean swapWeights) {
        return new KernelUnderTest<>(List.of("upsample"), round || swapWeights ? "fixture-" + (round ? "rounds" : "swapped_weights") : "fixture-control",
                "fixtures", (g, x, y) -> {
                    UpsampleGeometry.LinearTaps r = g.linearRows(), c = g.linearColumns();
                    int at = 0;
                    for (int p = 0; p < g.planes(); p++) {
                        for (int i = 0; i < g.oh(); i++) {
                            for (int j = 0; j < g.ow(); j++) {
                                int base = p * g.h() * g.w();
                                if (g.mode() == UpsampleMode.NEAREST) {
                                    int hi = round ? Math.min(Math.round(g.ratioH() * i), g.h() - 1) : g.nearestRow(i);
                                    int wj = round ? Math.min(Math.round(g.ratioW() * j), g.w() - 1) : g.nearestColumn(j);
                                    y[at++] = x[base + hi * g.w() + wj];
                                } else {
                                    float h0 = swapWeights ? r.lambda1()[i] : r.lambda0()[i], h1 = swapWeights ? r.lambda0()[i] : r.lambda1()[i];
                                    float w0 = c.lambda0()[j], w1 = c.lambda1()[j];
                                    int r0 = base + r.index0()[i] * g.w(), r1 = base + r.index1()[i] * g.w();
                                    float top = x[r0 + c.index0()[j]] * w0 + x[r0 + c.index1()[j]] * w1;
                                    float bottom = x[r1 + c.index0()[j]] * w0 + x[r1 + c.index1()[j]] * w1;
                                    y[at++] = top * h0 + bottom * h1;
                                }
                            }
                        }
                    }
                });
    }

    /** A bicubic bug: none, Catmull-Rom's A = -0.5 instead of -0.75, or bilinear's clamping of negative positions to 0. */
    enum BicubicBug { NONE, A_MINUS_HALF, POSITION_CLAMPED_AT_0 }

    /** The textbook bicubic loop from the contract's float ratios: Keys' weights, four border-clamped taps per axis. */
    private static KernelUnderTest<UpsampleKernel> bicubic(BicubicBug bug) {
        float a = bug == BicubicBug.A_MINUS_HALF ? -0.5f : -0.75f;
        return new KernelUnderTest<>(List.of("upsample"), "fixture-bicubic_" + bug.name().toLowerCase(), "fixtures", (g, x, y) -> {
            int at = 0;
            for (int p = 0; p < g.planes(); p++) {
                for (int i = 0; i < g.oh(); i++) {
                    for (int j = 0; j < g.ow(); j++) {
                        float pr = position(g.ratioH(), i, g.alignCorners(), bug), pc = position(g.ratioW(), j, g.alignCorners(), bug);
                        int fr = (int) Math.floor(pr), fc = (int) Math.floor(pc);
                        double sum = 0;
                        for (int u = -1; u <= 2; u++) {
                            double blend = 0;
                            for (int v = -1; v <= 2; v++) {
                                int r = Math.max(0, Math.min(g.h() - 1, fr + u)), c = Math.max(0, Math.min(g.w() - 1, fc + v));
                                blend += x[(p * g.h() + r) * g.w() + c] * Interpolation.keys(pc - (fc + v), a);
                            }
                            sum += blend * Interpolation.keys(pr - (fr + u), a);
                        }
                        y[at++] = (float) sum;
                    }
                }
            }
        });
    }

    private static float position(float ratio, int o, boolean alignCorners, BicubicBug bug) {
        float real = alignCorners ? ratio * o : (float) (ratio * (o + 0.5) - 0.5);
        return bug == BicubicBug.POSITION_CLAMPED_AT_0 ? Math.max(0, real) : real;
    }

    @Provide
    Arbitrary<UpsampleCase> bicubicCases() {
        return UPSAMPLE.bicubic();
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = {"^upsample input=\\[\\d+, \\d+, \\d+, \\d+\\] mode=bicubic (size|scale_factor)=\\[.*seed=\\d+$"})
    void bicubicWithCatmullRomsCoefficientIsCaught(@ForAll("bicubicCases") UpsampleCase c) {
        UPSAMPLE.bicubicMatchesDefinition(bicubic(BicubicBug.A_MINUS_HALF), c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = {"^upsample input=\\[\\d+, \\d+, \\d+, \\d+\\] mode=bicubic (size|scale_factor)=\\[.*seed=\\d+$"})
    void bicubicClampingNegativePositionsLikeBilinearIsCaught(@ForAll("bicubicCases") UpsampleCase c) {
        UPSAMPLE.bicubicMatchesDefinition(bicubic(BicubicBug.POSITION_CLAMPED_AT_0), c);
    }

    @Property(tries = 200)
    void bicubicFixtureWithoutTheBugPasses(@ForAll("bicubicCases") UpsampleCase c) {
        UPSAMPLE.bicubicMatchesDefinition(bicubic(BicubicBug.NONE), c);
    }

    @Provide
    Arbitrary<LinearCase> linearCases() {
        return LayerCases.linear();
    }

    @Provide
    Arbitrary<BinaryCase> binaryCases() {
        return LayerCases.binary();
    }

    @Provide
    Arbitrary<BinaryCase> subOrDivCases() {
        return LayerCases.binary().filter(c -> c.fn() == BinaryOp.SUB || c.fn() == BinaryOp.DIV);
    }

    @Provide
    Arbitrary<BinaryCase> subtractions() {
        return BINARY.subtractions();
    }

    @Provide
    Arbitrary<MatmulCase> matmulCases() {
        return LayerCases.matmul();
    }

    @Provide
    Arbitrary<UpsampleCase> nearestCases() {
        return UPSAMPLE.nearest();
    }

    @Provide
    Arbitrary<UpsampleCase> bilinearCases() {
        return UPSAMPLE.bilinear();
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = {"^linear input=\\[[0-9, ]+\\] weight=\\[\\d+, \\d+\\] bias=\\[[1-9]\\d*\\] seed=\\d+$"})
    void linearDroppingTheBiasIsCaught(@ForAll("linearCases") LinearCase c) {
        LINEAR.matchesDefinition(linear(true), c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = {"^(add|sub|mul|div) input=\\[[0-9, ]*\\] other=\\[[0-9, ]*\\] seed=\\d+$"}) // a 0-d tensor ([]) has one element
    void binarySkippingTheLastElementIsCaught(@ForAll("binaryCases") BinaryCase c) {
        BINARY.matchesFormula(binary(BinaryBug.SKIPS_LAST), c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = {"^(sub|div) input=\\[[0-9, ]*\\] other=\\[[0-9, ]*\\] seed=\\d+$"})
    void swappedOperandsAreCaught(@ForAll("subOrDivCases") BinaryCase c) {
        BINARY.matchesFormula(binary(BinaryBug.SWAPPED_OPERANDS), c);
    }

    /** The same bug caught by a law that knows no formula: a - b must equal a + (-b). */
    @Property(tries = 300)
    @ExpectCounterexample(matches = {"^sub input=\\[[0-9, ]*\\] other=\\[[0-9, ]*\\] seed=\\d+$"})
    void swappedOperandsBreakSubtractionAsAddingTheNegation(@ForAll("subtractions") BinaryCase c) {
        BINARY.subtractionIsAddingTheNegation(binary(BinaryBug.SWAPPED_OPERANDS), c);
    }

    @Property(tries = 500)
    @ExpectCounterexample(matches = {"^(add|sub|mul|div) input=\\[[0-9, ]*\\] other=\\[[0-9, ]*\\] seed=\\d+$"})
    void cyclicBroadcastIsCaught(@ForAll("binaryCases") BinaryCase c) {
        BINARY.broadcastingEqualsExplicitExpansion(binary(BinaryBug.CYCLIC_BROADCAST), c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = {"^matmul input=\\[[0-9, ]*\\] other=\\[[0-9, ]*\\] seed=\\d+$"})
    void matmulReadingOtherTransposedIsCaught(@ForAll("matmulCases") MatmulCase c) {
        MATMUL.matchesDefinition(matmul(true), c);
    }

    @Property(tries = 500)
    @ExpectCounterexample(matches = {"^upsample input=\\[\\d+, \\d+, \\d+, \\d+\\] mode=nearest (size|scale_factor)=\\[.*\\] seed=\\d+$"})
    void nearestRoundingInsteadOfFlooringIsCaught(@ForAll("nearestCases") UpsampleCase c) {
        UPSAMPLE.nearestCopiesTheSourcePixel(upsample(true, false), c);
    }

    @Property(tries = 500)
    @ExpectCounterexample(matches = {"^upsample input=\\[\\d+, \\d+, \\d+, \\d+\\] mode=bilinear (size|scale_factor)=\\[.*seed=\\d+$"})
    void bilinearWithSwappedWeightsIsCaught(@ForAll("bilinearCases") UpsampleCase c) {
        UPSAMPLE.bilinearMatchesDefinition(upsample(false, true), c);
    }

    /** The same loops without their bugs obey the same laws. */
    @Property(tries = 200)
    void fixtureLoopsWithoutTheBugPass(@ForAll("linearCases") LinearCase l, @ForAll("binaryCases") BinaryCase a, @ForAll("nearestCases") UpsampleCase n,
            @ForAll("bilinearCases") UpsampleCase b, @ForAll("matmulCases") MatmulCase m) {
        LINEAR.matchesDefinition(linear(false), l);
        BINARY.matchesFormula(binary(BinaryBug.NONE), a);
        BINARY.broadcastingEqualsExplicitExpansion(binary(BinaryBug.NONE), a);
        BINARY.subtractionIsAddingTheNegation(binary(BinaryBug.NONE), a);
        MATMUL.matchesDefinition(matmul(false), m);
        UPSAMPLE.nearestCopiesTheSourcePixel(upsample(false, false), n);
        UPSAMPLE.bilinearMatchesDefinition(upsample(false, false), b);
    }
}
