package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel list cannot drift from the kernel folders: every {@code bundles/io.opsgi.kernel.<op>.<variant>}
 * folder is a bundle on this module's test class path (which is the kernel list,
 * {@code bundles/io.opsgi.kernels/pom.xml}), so the replay, the properties, the network tests, the
 * benchmarks and the container all get it. Maven 3 needs two lines per kernel there ({@code <module>}
 * builds it, {@code <dependency>} hands it on); a kernel with only the first would build and then be
 * silently left out of every suite. This test names it instead.
 */
class KernelListTest {
    @Test
    void everyKernelFolderIsInTheKernelList() throws IOException {
        String vectors = System.getProperty("opsgi.vectors");
        assertTrue(vectors != null, "system property opsgi.vectors is not set; surefire sets it");
        Path bundles = Path.of(vectors).getParent().resolve("bundles");
        TreeSet<String> folders = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(bundles)) {
            // <op>.<variant>: io.opsgi.kernel.support and io.opsgi.kernel.gemm are libraries, not kernels.
            dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("io\\.opsgi\\.kernel\\.[^.]+\\.[^.]+"))
                    .filter(n -> Files.isRegularFile(bundles.resolve(n).resolve("pom.xml"))).forEach(folders::add);
        }
        TreeSet<String> onClassPath = new TreeSet<>();
        Enumeration<URL> manifests = getClass().getClassLoader().getResources("META-INF/MANIFEST.MF");
        while (manifests.hasMoreElements()) {
            try (InputStream in = manifests.nextElement().openStream()) {
                String bsn = new Manifest(in).getMainAttributes().getValue("Bundle-SymbolicName");
                if (bsn != null) {
                    onClassPath.add(bsn.split(";")[0].trim());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String folder : folders) {
            if (!onClassPath.contains(folder)) {
                missing.add(folder + " (add <module>../" + folder + "</module> and its <dependency> to bundles/io.opsgi.kernels/pom.xml)");
            }
        }
        assertTrue(folders.size() > 1, "no kernel folders found under " + bundles);
        assertEquals(List.of(), missing, "kernel folders not in the kernel list");
    }
}
