package io.opsgi.remote.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Which kernel bundles run in the container and which go to the sandbox. A kernel bundle (one that
 * imports {@code io.opsgi.op}) installed from the deploy folder is untrusted unless the operator lists
 * its symbolic name or its jar's SHA-256 in Config Admin PID {@value #PID} ({@code bundles},
 * {@code sha256}: lists or comma-separated). Everything else (the shipped kernels, bundles a test or
 * {@code verify --bundle} installs) is trusted and runs in the container as before.
 */
final class TrustPolicy {
    static final String PID = "io.opsgi.trust";

    private final String deploy;
    private volatile Set<String> bundles = Set.of();
    private volatile Set<String> sha256 = Set.of();

    TrustPolicy(String deploy) {
        this.deploy = deploy;
    }

    void configure(Map<String, Object> config) {
        bundles = names(config.get("bundles"));
        sha256 = names(config.get("sha256"));
    }

    boolean untrusted(Bundle b) {
        if (b.getBundleId() == 0 || deploy == null || !b.getLocation().startsWith(deploy) || !importsOp(b)) {
            return false;
        }
        if (bundles.contains(b.getSymbolicName())) {
            return false;
        }
        String sha = sha256.isEmpty() ? null : sha256(b);
        return sha == null || !sha256.contains(sha);
    }

    private static boolean importsOp(Bundle b) {
        String imports = b.getHeaders("").get(Constants.IMPORT_PACKAGE);
        return imports != null && imports.matches("(?s)(.*[,\\s])?io\\.opsgi\\.op([;,\\s].*)?");
    }

    private static Set<String> names(Object v) {
        Set<String> out = new TreeSet<>();
        if (v instanceof String s) {
            for (String p : s.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        } else if (v instanceof String[] a) {
            for (String s : a) {
                out.addAll(names(s));
            }
        } else if (v instanceof Iterable<?> it) {
            it.forEach(x -> out.addAll(names(String.valueOf(x))));
        }
        return Set.copyOf(out);
    }

    /** The deploy folder as bundle locations begin (FileInstall installs from {@code file:} URIs), or null. */
    static String deployPrefix(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null || dir.isBlank()) {
            return null;
        }
        String uri = new File(dir).getAbsoluteFile().toURI().normalize().toString();
        return uri.endsWith("/") ? uri : uri + "/";
    }

    /** SHA-256 of the bundle's jar, lower-case hex, or null if it is not a file. */
    static String sha256(Bundle b) {
        String path = KernelExporter.path(b);
        if (path == null || !new File(path).isFile()) {
            return null;
        }
        try (InputStream in = Files.newInputStream(new File(path).toPath())) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
