package io.opsgi.properties;

import io.opsgi.op.AddKernel;
import io.opsgi.op.LinearKernel;
import io.opsgi.op.UpsampleGeometry;
import io.opsgi.op.UpsampleKernel;
import io.opsgi.op.UpsampleMode;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of linear, add and upsample bite: each deliberately wrong kernel is caught with a shrunk
 * counterexample that reads as shapes and attributes, and the same loops without the bug pass.
 */
class LayerFixtureProperties {
    private static final LinearProperties LINEAR = new LinearProperties();
    private static final AddProperties ADD = new AddProperties();
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

    /** Element-wise add; with {@code skipLast} the last element is left at 0. */
    private static KernelUnderTest<AddKernel> add(boolean skipLast) {
        return new KernelUnderTest<>(List.of("add"), skipLast ? "fixture-skips_last" : "fixture-control", "fixtures", (a, b, y) -> {
            for (int i = 0; i < y.length - (skipLast ? 1 : 0); i++) {
                y[i] = a[i] + b[i];
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

    @Provide
    Arbitrary<LinearCase> linearCases() {
        return LayerCases.linear();
    }

    @Provide
    Arbitrary<AddCase> addCases() {
        return LayerCases.add();
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
    @ExpectCounterexample(matches = {"^add input=\\[[0-9, ]*\\] other=\\[[0-9, ]*\\] seed=\\d+$"}) // a 0-d tensor ([]) has one element
    void addSkippingTheLastElementIsCaught(@ForAll("addCases") AddCase c) {
        ADD.matchesFormula(add(true), c);
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
    void fixtureLoopsWithoutTheBugPass(@ForAll("linearCases") LinearCase l, @ForAll("addCases") AddCase a, @ForAll("nearestCases") UpsampleCase n,
            @ForAll("bilinearCases") UpsampleCase b) {
        LINEAR.matchesDefinition(linear(false), l);
        ADD.matchesFormula(add(false), a);
        UPSAMPLE.nearestCopiesTheSourcePixel(upsample(false, false), n);
        UPSAMPLE.bilinearMatchesDefinition(upsample(false, false), b);
    }
}
