package io.opsgi.remote.internal;

import io.opsgi.remote.KernelHost;
import io.opsgi.remote.RemoteKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.osgi.service.remoteserviceadmin.ExportReference;
import org.osgi.service.remoteserviceadmin.RemoteServiceAdmin;

/**
 * The host's catalog: every RemoteKernel endpoint this container's Remote Service Admin exports now.
 * Public: the TCP provider invokes it by reflection.
 */
public final class HostCatalog implements KernelHost {
    private final String name;
    private final Supplier<RemoteServiceAdmin> rsa;

    HostCatalog(String name, Supplier<RemoteServiceAdmin> rsa) {
        this.name = name;
        this.rsa = rsa;
    }

    @Override
    public List<Map<String, Object>> kernels() {
        RemoteServiceAdmin admin = rsa.get();
        List<Map<String, Object>> out = new ArrayList<>();
        if (admin == null) {
            return out;
        }
        for (ExportReference e : admin.getExportedServices()) {
            var endpoint = e.getExportedEndpoint();
            if (endpoint != null && endpoint.getInterfaces().contains(RemoteKernel.class.getName())) {
                out.add(Endpoints.plain(endpoint.getProperties()));
            }
        }
        return out;
    }

    @Override
    public String ping() {
        return name;
    }
}
