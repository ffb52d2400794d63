package io.opsgi.cli;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A command starts once the {@code .cfg} files in {@code deploy/} are in Config Admin. FileInstall applies them on
 * its own thread, after Config Admin has come up; a one-shot command that ran first would run without them
 * ({@code deploy/io.opsgi.threads.cfg} ignored by {@code ./opsgi run}, and on a busy machine never persisted at all).
 */
final class DeployedConfiguration {
    /** FileInstall's folder (the launcher sets it) and the property it marks its configurations with. */
    private static final String DIR = "felix.fileinstall.dir";
    private static final String FILENAME = "felix.fileinstall.filename";

    private DeployedConfiguration() {}

    /**
     * Waits at most {@code millis} for every {@code .cfg}/{@code .config} file of the deploy folder to be a
     * configuration; one line on stderr names any that is not by then (e.g. a file FileInstall cannot read).
     */
    static void await(BundleContext context, long millis) {
        String dir = context.getProperty(DIR);
        File[] files = dir == null ? null : new File(dir).listFiles(f -> f.isFile() && isConfiguration(f.getName()));
        if (files == null || files.length == 0) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker = new ServiceTracker<>(context, ConfigurationAdmin.class, null);
        tracker.open();
        try {
            List<File> missing = List.of(files);
            while (true) {
                ConfigurationAdmin admin = tracker.getService();
                missing = admin == null ? missing : notApplied(admin, missing);
                long left = deadline - System.nanoTime();
                if (missing.isEmpty() || left <= 0) {
                    break;
                }
                Thread.sleep(Math.min(50, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            }
            for (File f : missing) {
                System.err.println("opsgi: " + f + " is not in Config Admin after " + millis / 1000 + " s (see FileInstall's log line above); running without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tracker.close();
        }
    }

    private static boolean isConfiguration(String name) {
        return name.endsWith(".cfg") || name.endsWith(".config");
    }

    /** The files whose configuration (FileInstall names the file in it) is not there yet. */
    private static List<File> notApplied(ConfigurationAdmin admin, List<File> files) {
        Set<Object> applied = new HashSet<>();
        try {
            Configuration[] all = admin.listConfigurations(null);
            for (Configuration c : all == null ? new Configuration[0] : all) {
                Dictionary<String, Object> p = c.getProperties();
                if (p != null) {
                    applied.add(p.get(FILENAME));
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            return files;
        }
        List<File> missing = new ArrayList<>();
        for (File f : files) {
            if (!applied.contains(f.getAbsoluteFile().toURI().toString())) { // FileInstall's key for the file
                missing.add(f);
            }
        }
        return missing;
    }
}
