package io.opsgi.remote.itest;

import io.opsgi.runtime.OperatorRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * What every remote in-framework test is handed by osgi-test (the test bundle's context, the registry,
 * Config Admin), and the promise that no sandbox or kernel-host JVM a test started outlives its class.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
abstract class WithProcesses {
    @InjectBundleContext
    BundleContext context;
    @InjectService
    OperatorRegistry registry;
    @InjectService
    ConfigurationAdmin configAdmin;

    @AfterAll
    static void noJvmLeftBehind() {
        Processes.endAll();
    }
}
