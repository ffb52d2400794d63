package io.opsgi.properties.check;

import io.opsgi.conformance.DiscoveredKernel;
import java.util.List;
import java.util.function.Consumer;

/**
 * The property suite (laws, definitions, error rules, agreement with the reference) over kernels the
 * caller found, e.g. the kernel services of a running container ({@code ServiceKernels}). Runs one
 * at a time; {@code progress} gets a line per property.
 */
public final class PropertySuite {
    private PropertySuite() {
    }

    /**
     * @param triesPerKernel tries per property and kernel under test; null runs each property's CI budget
     * @param seed           the seed of every property, to replay a run; null picks one (see {@link PropertyReport#seed()})
     */
    public record Settings(Integer triesPerKernel, Long seed) {
        public Settings {
            if (triesPerKernel != null && triesPerKernel < 1) {
                throw new IllegalArgumentException("tries must be at least 1, got " + triesPerKernel);
            }
        }

        public static Settings ci() {
            return new Settings(null, null);
        }
    }

    /** Every property over every kernel in {@code kernels}; the references ("direct") are among them. */
    public static PropertyReport check(List<DiscoveredKernel> kernels, Settings settings, Consumer<String> progress) {
        return SuiteRunner.run(kernels, kernels, false, settings.triesPerKernel(), settings.seed(), progress);
    }

    /**
     * Only the families of {@code strangers} (e.g. the kernels of a jar nobody here has seen),
     * compared with the reference kernels among {@code container}; laws pairing two families take the
     * reference for the family the strangers do not provide.
     */
    public static PropertyReport checkOnly(List<DiscoveredKernel> strangers, List<DiscoveredKernel> container, Settings settings,
            Consumer<String> progress) {
        return SuiteRunner.run(strangers, container, true, settings.triesPerKernel(), settings.seed(), progress);
    }
}
