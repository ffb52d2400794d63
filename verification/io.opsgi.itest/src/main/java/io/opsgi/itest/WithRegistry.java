package io.opsgi.itest;

import io.opsgi.runtime.OperatorRegistry;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** What every in-framework test of the registry is handed by osgi-test: the test bundle's context, the registry, Config Admin. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
abstract class WithRegistry {
    @InjectBundleContext
    BundleContext context;
    @InjectService
    OperatorRegistry registry;
    @InjectService
    ConfigurationAdmin configAdmin;
}
