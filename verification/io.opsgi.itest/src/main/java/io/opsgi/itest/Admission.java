package io.opsgi.itest;

import io.opsgi.runtime.KernelVerifier;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The in-framework run verifies kernels with the values and a short concurrency check only
 * ({@code opsgi.admission=values} and {@code opsgi.admission.concurrency} in itest.bndrun: the size and speed
 * checks of every kernel the tests install cost minutes, the full concurrency window seconds per kernel); the
 * tests of admission switch the full gate, at its default budgets, on for themselves.
 */
final class Admission {
    private static final String PID = "io.opsgi.gate";
    private static final String KEY = "opsgi.admission";
    /** Blank: the gate's default concurrency window, over the run's shorter one. */
    private static final String CONCURRENCY = "opsgi.admission.concurrency";

    private Admission() {
    }

    /** Every admission check at its default budget until closed (the gate's configuration, applied before this returns). */
    static AutoCloseable full(BundleContext context, ConfigurationAdmin configAdmin) throws Exception {
        Configuration cfg = configAdmin.getConfiguration(PID, "?");
        cfg.update(new Hashtable<>(Map.of(KEY, "full", CONCURRENCY, "")));
        Await.until("the full admission checks", () -> verifierSays(context, "full"));
        return () -> {
            cfg.delete();
            Await.until("admission back to the run's setting", () -> verifierSays(context, null));
        };
    }

    /** The verifier's service carries its configuration: whether it applies {@code mode} (null: none configured). */
    private static boolean verifierSays(BundleContext context, String mode) {
        ServiceReference<KernelVerifier> ref = context.getServiceReference(KernelVerifier.class);
        return ref != null && Objects.equals(ref.getProperty(KEY), mode);
    }
}
