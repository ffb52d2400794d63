package io.opsgi.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.properties.check.PropertyReport;
import io.opsgi.properties.check.PropertyResult;
import io.opsgi.properties.check.PropertySuite.Settings;
import io.opsgi.properties.check.PropertySuite;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The runner {@code ./opsgi verify} uses in the container, on the plain JVM: a stranger's kernel is
 * checked by exactly its family's properties against the references, a wrong one fails with a
 * readable shrunk counterexample, and a specialised kernel is only asked for what it supports. (The
 * full suite over every kernel runs as ordinary jqwik tests; see the pom.)
 */
class SuiteRunnerTest {
    private static final Settings FEW_TRIES = new Settings(100, 42L);
    private static final Pattern FLOAT_ARRAY = Pattern.compile("-?\\d+\\.\\d+(, -?\\d+\\.\\d+){2,}");

    @Test
    void aWrongStrangerConv2dFailsWithAReadableShrunkCounterexample() {
        PropertyReport report = PropertySuite.checkOnly(List.of(stranger(BrokenKernels.conv2d(BrokenKernels.Bug.OFF_BY_ONE_PADDING))),
                Kernels.all(), FEW_TRIES, line -> { });
        assertEquals(Set.of("Conv2dProperties"), containers(report), "only the stranger's family is checked");
        PropertyResult agrees = only(report, "agreesWithReference");
        assertEquals(PropertyResult.Status.FAILED, agrees.status(), report.toTable());
        assertTrue(agrees.counterexample().matches("conv2d/fixture-off_by_one_padding; conv2d input=\\[[0-9, ]+\\] weight=\\[[0-9, ]+\\] .*"),
                agrees.counterexample());
        assertFalse(FLOAT_ARRAY.matcher(agrees.counterexample()).find(), "no tensor data: " + agrees.counterexample());
        assertTrue(agrees.describe().contains("seed 42") && agrees.error().startsWith("AssertionError: conv2d/fixture-off_by_one_padding vs conv2d/direct"),
                agrees.describe());
        assertFalse(report.allPassed());
        assertTrue(report.toTable().contains("seed 42"), report.toTable());
    }

    @Test
    void javasMathMaxRelu6IsCaughtOnMinusZero() {
        PropertyReport report = PropertySuite.checkOnly(List.of(stranger(BrokenKernels.relu6(BrokenKernels.Bug.MATH_MAX))), Kernels.all(),
                new Settings(null, 7L), line -> { });
        assertEquals(Set.of("ActivationProperties"), containers(report));
        PropertyResult formula = only(report, "piecewiseLinearFunctionsMatchTheirFormulas");
        assertEquals(PropertyResult.Status.FAILED, formula.status(), report.toTable());
        assertTrue(formula.counterexample().matches("relu6/fixture-math_max; relu6 input=\\[[0-9, ]+\\] with \\+-0/\\+-inf/NaN seed=\\d+"),
                formula.counterexample());
        assertEquals(PropertyResult.Status.NOT_APPLICABLE, only(report, "transcendentalFunctionsMatchTheirFormulas").status(),
                "a relu6 kernel has no transcendental function to check");
    }

    @Test
    void aCorrectStrangerPassesEveryPropertyThatApplies() {
        PropertyReport report = PropertySuite.checkOnly(List.of(stranger(BrokenKernels.relu6(BrokenKernels.Bug.NONE))), Kernels.all(), FEW_TRIES,
                line -> { });
        assertTrue(report.allPassed(), report.toTable() + report.failures().stream().map(PropertyResult::describe).toList());
        assertTrue(only(report, "agreesWithReference").checks() >= 100, "every try applies to relu6: " + only(report, "agreesWithReference"));
    }

    /**
     * A specialised kernel that throws if asked for a geometry it does not support: the suite must
     * never ask (the try is discarded) and still check it on the 1x1 convolutions it takes.
     */
    @Test
    void aSpecialisedKernelIsOnlyAskedForTheGeometriesItSupports() {
        Conv2dKernel direct = (Conv2dKernel) Kernels.all().stream().filter(k -> k.serves("conv2d") && k.variant().equals("direct")).findFirst()
                .orElseThrow().kernel();
        Conv2dKernel oneByOne = new Conv2dKernel() {
            @Override
            public boolean supports(ConvGeometry g) {
                return g.kh() == 1 && g.kw() == 1;
            }

            @Override
            public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
                if (!supports(g)) {
                    throw new AssertionError("asked for an unsupported geometry " + g);
                }
                direct.conv2d(g, x, w, bias, y);
            }
        };
        PropertyReport report = PropertySuite.checkOnly(List.of(new DiscoveredKernel(oneByOne, List.of("conv2d"), "one-by-one", 0, "fixtures")),
                Kernels.all(), FEW_TRIES, line -> { });
        assertTrue(report.allPassed(), report.toTable() + report.failures().stream().map(PropertyResult::describe).toList());
        PropertyResult agrees = only(report, "agreesWithReference");
        assertTrue(agrees.checks() > 0 && agrees.checks() < agrees.tries(), "some tries apply, the others are discarded: " + agrees);
    }

    private static DiscoveredKernel stranger(KernelUnderTest<? extends Kernel> fixture) {
        return new DiscoveredKernel(fixture.kernel(), fixture.ops(), fixture.variant(), 0, fixture.origin());
    }

    private static Set<String> containers(PropertyReport report) {
        return report.results().stream().map(PropertyResult::container).collect(Collectors.toSet());
    }

    private static PropertyResult only(PropertyReport report, String property) {
        return report.results().stream().filter(r -> r.property().equals(property)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + property + " in " + report.results()));
    }
}
