package io.opsgi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleException;

/** verify --bundle names what is wrong with a jar in one line, before the framework sees it. */
class StrangerJarTest {
    @TempDir
    Path dir;

    private File jar(String name, String symbolicName) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return p.toFile();
    }

    @Test
    void aBundleJarPasses() throws Exception {
        assertNull(StrangerJar.problem(jar("k.jar", "io.example.kernel")));
    }

    @Test
    void aTextFileIsNotAJar() throws Exception {
        Path txt = Files.writeString(dir.resolve("k.jar"), "hello");
        String p = StrangerJar.problem(txt.toFile());
        assertTrue(p.startsWith("--bundle " + txt + ": not a jar"), p);
    }

    @Test
    void aPlainJarIsNotABundle() throws Exception {
        String p = StrangerJar.problem(jar("plain.jar", null));
        assertTrue(p.contains("not an OSGi bundle (its manifest has no Bundle-SymbolicName"), p);
    }

    @Test
    void aMissingFile() {
        assertEquals("--bundle " + dir.resolve("x.jar") + ": no such file", StrangerJar.problem(dir.resolve("x.jar").toFile()));
    }

    @Test
    void aResolveErrorIsOneLine() {
        BundleException e = new BundleException("Unable to resolve k [12](R 12.0): missing requirement\n  [k [12](R 12.0)] osgi.wiring.package; "
                + "(osgi.wiring.package=io.nowhere)", BundleException.RESOLVE_ERROR);
        String line = StrangerJar.describe(new File("k.jar"), e);
        assertEquals("--bundle k.jar does not resolve: Unable to resolve k [12](R 12.0): missing requirement [k [12](R 12.0)] osgi.wiring.package; "
                + "(osgi.wiring.package=io.nowhere)", line);
    }
}
