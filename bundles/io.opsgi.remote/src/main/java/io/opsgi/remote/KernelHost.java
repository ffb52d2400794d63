package io.opsgi.remote;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A container serving kernels to others: the one endpoint an operator configures per host (port P).
 * It lists the endpoints of the {@link RemoteKernel}s it exports, which the importing container turns
 * into Remote Services endpoint configurations (Aries RSA config discovery), so each kernel is
 * imported as a remote service of its own.
 */
@ProviderType
public interface KernelHost {
    /** Framework property: the port the host's catalog listens on; set, the container exports its kernels. */
    String PORT = "opsgi.host.port";

    /** The endpoint properties of every kernel exported now (each an Aries RSA endpoint description). */
    List<Map<String, Object>> kernels();

    /** The host's name and process, e.g. {@code sandbox pid 1234}; also a cheap liveness check. */
    String ping();
}
