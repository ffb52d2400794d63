package io.opsgi.kernel.support;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/**
 * Config Admin for {@link Parallel}: PID {@code io.opsgi.threads}, property {@code threads}
 * (an integer >= 1). Without a configuration the system property or the processor count stands.
 */
@Component(configurationPid = "io.opsgi.threads", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class IntraOpThreads {
    @Activate
    @Modified
    void configure(Map<String, Object> config) {
        Object value = config.get("threads");
        if (value != null) {
            Parallel.setThreads(Integer.parseInt(value.toString().trim()));
        }
    }
}
