package io.opsgi.properties.check;

import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.Kernel;
import io.opsgi.properties.KernelContract;
import io.opsgi.properties.KernelUnderTest;
import io.opsgi.properties.Kernels;
import io.opsgi.properties.SuiteRun;
import io.opsgi.properties.check.PropertyResult.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.ShrunkFalsifiedSample;
import net.jqwik.engine.JqwikTestEngine;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Runs the property classes of this module ({@code *Properties} in io.opsgi.properties) on the JUnit Platform with the
 * jqwik engine, over the kernels of a {@code Kernels.Scope}, and collects a {@link PropertyReport}.
 *
 * <p>Inside OSGi, jqwik (embedded in this bundle: its jars are not bundles) finds its own parts with
 * {@code ServiceLoader} through the thread context class loader, so that is set to this bundle's
 * class loader for the whole run. The engine is given to the launcher directly and nothing is
 * auto-registered, so no other engine or listener of the container joins in; the configuration is
 * this module's {@code junit-platform.properties}, not the JVM's system properties.
 */
final class SuiteRunner {
    private static final String PACKAGE = "io/opsgi/properties";
    /** Shrinking is bounded per property: a kernel wrong everywhere must not make a verify run take minutes. */
    private static final String SHRINKING_SECONDS = "5";

    private SuiteRunner() {
    }

    /**
     * @param restricted     only {@code underTest}'s families are checked, against the references
     *                       among {@code references}; else every kernel is under test and the
     *                       references are among them
     * @param triesPerKernel tries per property and kernel under test, or null for the CI budgets
     * @param seed           the seed of every property, or null for a random one (printed)
     */
    static synchronized PropertyReport run(List<DiscoveredKernel> underTest, List<DiscoveredKernel> references, boolean restricted,
            Integer triesPerKernel, Long seed, Consumer<String> progress) {
        long started = System.nanoTime();
        long runSeed = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
        Map<String, PropertyResult> finished = new ConcurrentHashMap<>();
        SuiteRun run = new SuiteRun(triesPerKernel, runSeed, restricted, (container, property, result, notApplicable, millis) ->
                finished.put(key(container.getName(), property), result(container, property, result, notApplicable, millis, Long.toString(runSeed))));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        Path scratch = null;
        // jqwik's INFO lines (e.g. "edge case generation exceeds number of tries") are noise in a command's output
        Logger jqwikLog = Logger.getLogger("net.jqwik");
        Level jqwikLevel = jqwikLog.getLevel();
        jqwikLog.setLevel(Level.WARNING);
        List<PropertyResult> results = new ArrayList<>();
        Map<String, String> kernels = new LinkedHashMap<>();
        try {
            scratch = Files.createTempDirectory("opsgi-jqwik");
            thread.setContextClassLoader(SuiteRunner.class.getClassLoader());
            Kernels.use(new Kernels.Scope(underTest, references, restricted));
            SuiteRun.start(run);
            List<DiscoverySelector> selectors = new ArrayList<>();
            for (Class<?> c : propertyClasses()) {
                String checked = checkedKernels(c, restricted);
                if (checked != null) {
                    kernels.put(c.getSimpleName(), checked);
                    selectors.add(DiscoverySelectors.selectClass(c));
                } else if (!restricted) {
                    kernels.put(c.getSimpleName(), "(no kernel)");
                }
            }
            if (selectors.isEmpty()) {
                progress.accept("properties: no property class covers these kernels");
            } else {
                Launcher launcher = LauncherFactory.create(LauncherConfig.builder().enableTestEngineAutoRegistration(false)
                        .enableLauncherSessionListenerAutoRegistration(false).enableLauncherDiscoveryListenerAutoRegistration(false)
                        .enablePostDiscoveryFilterAutoRegistration(false).enableTestExecutionListenerAutoRegistration(false)
                        .addTestEngines(new JqwikTestEngine()).build());
                launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).enableImplicitConfigurationParameters(false)
                        .configurationParameters(configuration(scratch.resolve("database"))).build(), new Collector(Long.toString(runSeed), finished, results, progress));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            SuiteRun.end();
            Kernels.use(null);
            jqwikLog.setLevel(jqwikLevel);
            thread.setContextClassLoader(previous);
            if (scratch != null) {
                try {
                    Files.deleteIfExists(scratch.resolve("database"));
                    Files.deleteIfExists(scratch);
                } catch (IOException ignored) {
                    // temporary files; the OS cleans up
                }
            }
        }
        return new PropertyReport(results, kernels, runSeed, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The kernels a property class checks in this run, e.g. {@code direct, vector}, or null if it
     * has none to check: a contract whose family has no kernel under test (a stranger's jar serving
     * other ops, or a container without that family), or, in a restricted run, a class that is no
     * contract (it would check the container's kernels, not the stranger's).
     */
    private static String checkedKernels(Class<?> c, boolean restricted) {
        if (!KernelContract.class.isAssignableFrom(c)) {
            return restricted ? null : "(contract only)";
        }
        Class<? extends Kernel> family;
        try {
            var constructor = c.getDeclaredConstructor();
            constructor.setAccessible(true);
            family = ((KernelContract<?, ?>) constructor.newInstance()).family();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("property class " + c.getName() + " needs a no-argument constructor", e);
        }
        if (!Kernels.underTest(family)) {
            return null;
        }
        return Kernels.of(family).stream().map(KernelUnderTest::variant).distinct().collect(Collectors.joining(", "));
    }

    private static String key(String className, String method) {
        return className + "#" + method;
    }

    /** One property's result as jqwik reported it (after {@link SuiteRun} turned "nothing applied" into aborted). */
    private static PropertyResult result(Class<?> container, String property, PropertyExecutionResult result, String notApplicable, long millis,
            String runSeed) {
        Status status = notApplicable != null ? Status.NOT_APPLICABLE : switch (result.status()) {
            case SUCCESSFUL -> Status.PASSED;
            case ABORTED -> Status.NOT_APPLICABLE;
            case FAILED -> Status.FAILED;
        };
        Optional<FalsifiedSample> sample = result.shrunkSample().map(s -> (FalsifiedSample) s).or(result::originalSample);
        String counterexample = sample.map(s -> s.parameters().stream().map(String::valueOf).collect(Collectors.joining("; "))).orElse(null);
        String error = notApplicable != null ? notApplicable
                : sample.flatMap(FalsifiedSample::falsifyingError).or(result::throwable).map(SuiteRun::text).orElse(null);
        return new PropertyResult(container.getSimpleName(), property, status, result.countTries(), result.countChecks(), result.seed().orElse(runSeed),
                status == Status.FAILED ? counterexample : null, result.shrunkSample().map(ShrunkFalsifiedSample::countShrinkingSteps).orElse(0),
                status == Status.PASSED ? null : error, millis);
    }

    /** This module's junit-platform.properties (as in CI), a fresh failure database (a run replays by its seed alone), bounded shrinking. */
    private static Map<String, String> configuration(Path database) throws IOException {
        Properties p = new Properties();
        try (InputStream in = SuiteRunner.class.getClassLoader().getResourceAsStream("junit-platform.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k).trim()));
        config.put("jqwik.database", database.toString());
        config.put("jqwik.shrinking.bounded.seconds", SHRINKING_SECONDS);
        config.put("jqwik.reporting.onlyfailures", "true");
        config.put("jqwik.reporting.usejunitplatform", "true"); // jqwik's own failure report goes to the collector, not stdout
        return config;
    }

    /** Every concrete {@code *Properties} class of this module's main code: in the bundle, or in its classes directory or jar. */
    static List<Class<?>> propertyClasses() {
        Collection<String> resources;
        Bundle bundle = FrameworkUtil.getBundle(SuiteRunner.class);
        if (bundle != null) {
            resources = bundle.adapt(BundleWiring.class).listResources(PACKAGE, "*Properties.class",
                    BundleWiring.LISTRESOURCES_LOCAL | BundleWiring.LISTRESOURCES_RECURSE);
        } else {
            resources = codeSourceResources();
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String r : resources.stream().sorted().toList()) {
            String name = r.substring(0, r.length() - ".class".length()).replace('/', '.');
            if (name.contains("$")) {
                continue;
            }
            try {
                Class<?> c = Class.forName(name, false, SuiteRunner.class.getClassLoader());
                if (!c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                    classes.add(c);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot load property class " + name, e);
            }
        }
        return classes;
    }

    private static List<String> codeSourceResources() {
        try {
            Path root = Path.of(SuiteRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root.resolve(PACKAGE))) {
                    return files.map(f -> root.relativize(f).toString().replace('\\', '/')).filter(SuiteRunner::isPropertyClass).toList();
                }
            }
            try (JarFile jar = new JarFile(root.toFile())) {
                return jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(PACKAGE + "/") && isPropertyClass(n)).toList();
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the property classes: " + e, e);
        }
    }

    private static boolean isPropertyClass(String resource) {
        return resource.endsWith("Properties.class");
    }

    /** Turns the platform's events into results and progress lines; the results come from {@link TriesBudget} where it ran. */
    private static final class Collector implements TestExecutionListener {
        private final String seed;
        private final Map<String, PropertyResult> finished;
        private final List<PropertyResult> results;
        private final Consumer<String> progress;

        Collector(String seed, Map<String, PropertyResult> finished, List<PropertyResult> results, Consumer<String> progress) {
            this.seed = seed;
            this.finished = finished;
            this.results = results;
            this.progress = progress;
        }

        private TestPlan plan;

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult outcome) {
            if (id.isTest() && id.getSource().orElse(null) instanceof MethodSource m) {
                String container = container(id, m);
                PropertyResult r = finished.get(key(container, m.getMethodName()));
                if (r == null) {
                    r = fromPlatform(simpleName(container), m.getMethodName(), outcome);
                }
                results.add(r);
                progress.accept(r.summary());
            } else if (outcome.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                // a class that cannot even start its properties (e.g. no reference kernel for its family)
                PropertyResult r = fromPlatform(id.getDisplayName(), "(all)", outcome);
                results.add(r);
                progress.accept(r.summary());
            }
        }

        /** The property class: a law inherited from {@link KernelContract} has the interface as its method's source. */
        private String container(TestIdentifier id, MethodSource m) {
            return plan.getParent(id).flatMap(TestIdentifier::getSource).filter(ClassSource.class::isInstance)
                    .map(c -> ((ClassSource) c).getClassName()).orElse(m.getClassName());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest() && id.getSource().orElse(null) instanceof MethodSource m) {
                results.add(new PropertyResult(simpleName(container(id, m)), m.getMethodName(), Status.NOT_APPLICABLE, 0, 0, seed, null, 0,
                        "skipped: " + reason, 0));
            }
        }

        private PropertyResult fromPlatform(String container, String property, TestExecutionResult outcome) {
            Status status = switch (outcome.getStatus()) {
                case SUCCESSFUL -> Status.PASSED;
                case ABORTED -> Status.NOT_APPLICABLE;
                case FAILED -> Status.FAILED;
            };
            return new PropertyResult(container, property, status, 0, 0, seed, null, 0, outcome.getThrowable().map(SuiteRun::text).orElse(null), 0);
        }

        private static String simpleName(String className) {
            return className.substring(className.lastIndexOf('.') + 1);
        }
    }
}
