package io.opsgi.cli;

import io.opsgi.runtime.OperatorRegistry;
import java.util.Hashtable;
import java.util.concurrent.Callable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs a command given on the launcher's command line. The bnd launcher registers its arguments as
 * the service property {@code launcher.arguments}, and calls a {@code Callable<Integer>} registered
 * with {@code main.thread=true} on its main thread once every bundle has started, then exits with
 * the returned status. {@code shell} (or no command) registers nothing, leaving the Gogo shell;
 * {@code shell --help} is a command like the others.
 */
@Component(immediate = true)
public final class CommandLineRunner {
    private static final String ARGUMENTS = "launcher.arguments";
    /** How long a command waits for deploy/'s configuration files to reach Config Admin. */
    private static final long DEPLOYED_CONFIGURATION_MILLIS = 30_000;

    @Reference
    private OperatorRegistry registry;

    private ServiceTracker<Object, Object> tracker;
    private volatile ServiceRegistration<?> mainThread;

    @Activate
    void activate(BundleContext context) throws InvalidSyntaxException {
        tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter("(" + ARGUMENTS + "=*)"), null) {
            @Override
            public Object addingService(ServiceReference<Object> ref) {
                Object args = ref.getProperty(ARGUMENTS);
                if (args instanceof String[] a && a.length > 0 && !isShell(a) && mainThread == null) {
                    Hashtable<String, Object> props = new Hashtable<>();
                    props.put("main.thread", true);
                    mainThread = context.registerService(Callable.class, new MainThreadCommand(context, a), props);
                }
                return ref;
            }
        };
        tracker.open(true);
    }

    private static boolean isShell(String[] args) {
        return args.length == 1 && args[0].equals("shell");
    }

    /** A named class: the launcher reads its {@code Callable<Integer>} type argument reflectively, which a lambda lacks. */
    private final class MainThreadCommand implements Callable<Integer> {
        private final BundleContext context;
        private final String[] args;

        MainThreadCommand(BundleContext context, String[] args) {
            this.context = context;
            this.args = args;
        }

        @Override
        public Integer call() {
            DeployedConfiguration.await(context, DEPLOYED_CONFIGURATION_MILLIS);
            return Commands.execute(registry, context, args);
        }
    }

    @Deactivate
    void deactivate() {
        tracker.close();
        ServiceRegistration<?> r = mainThread;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
    }
}
