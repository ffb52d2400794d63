package io.opsgi.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** A fresh folder FileInstall watches (polled every 100 ms), as the container's {@code deploy/}; close() stops the watch. */
final class DeployFolder implements AutoCloseable {
    final Path dir;
    private final Configuration watcher;

    private DeployFolder(Path dir, Configuration watcher) {
        this.dir = dir;
        this.watcher = watcher;
    }

    /** {@code name} tells the watch apart from other tests' (a FileInstall factory configuration). */
    static DeployFolder watch(ConfigurationAdmin configAdmin, String name) throws IOException {
        Path dir = Files.createTempDirectory("opsgi-" + name + "-deploy");
        Configuration watcher = configAdmin.getFactoryConfiguration("org.apache.felix.fileinstall", name, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", dir.toString());
        props.put("felix.fileinstall.poll", "100");
        props.put("felix.fileinstall.noInitialDelay", "true");
        watcher.update(props);
        return new DeployFolder(dir, watcher);
    }

    @Override
    public void close() throws IOException {
        watcher.delete();
    }
}
