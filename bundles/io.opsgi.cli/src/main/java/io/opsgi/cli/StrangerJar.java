package io.opsgi.cli;

import java.io.File;
import java.io.IOException;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.osgi.framework.BundleException;

/** What is wrong with a jar given to {@code verify --bundle}, in one line a kernel author can act on. */
final class StrangerJar {
    private StrangerJar() {
    }

    /** Null if {@code jar} is a file with a bundle manifest, else why it cannot be installed. */
    static String problem(File jar) {
        if (!jar.isFile()) {
            return "--bundle " + jar + ": no such file";
        }
        Manifest m;
        try (JarFile j = new JarFile(jar)) {
            m = j.getManifest();
        } catch (IOException e) {
            return "--bundle " + jar + ": not a jar (" + e.getMessage() + ")";
        }
        if (m == null || m.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
            return "--bundle " + jar + ": not an OSGi bundle (its manifest has no Bundle-SymbolicName; build it with bnd or the bnd-maven-plugin)";
        }
        return null;
    }

    /** e.g. {@code --bundle k.jar does not resolve: Unable to resolve k [12]: missing requirement ... io.opsgi.op ...}. */
    static String describe(File jar, BundleException e) {
        String what = e.getType() == BundleException.RESOLVE_ERROR ? "does not resolve" : "cannot be installed";
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return "--bundle " + jar + " " + what + ": " + message.replaceAll("\\s+", " ").strip();
    }
}
