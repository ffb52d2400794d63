package io.opsgi.itest;

import io.opsgi.itest.fixtures.ExitingRelu;
import io.opsgi.itest.fixtures.FixtureConv2d;
import io.opsgi.itest.fixtures.FixtureRelu;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds real kernel bundle jars at test time around the classes in {@code fixtures}: a manifest, a
 * DS descriptor written by hand (so the itest bundle itself registers no fixture) and the class file.
 */
final class FixtureBundles {
    private FixtureBundles() {
    }

    /** A jar whose bundle registers a conv2d kernel {@code variant} with {@code ranking} and {@code fault} ({@link FixtureConv2d}). */
    static Path conv2d(Path dir, String variant, int ranking, String fault, String version) throws IOException {
        return kernel(dir, FixtureConv2d.class, "io.opsgi.op.Conv2dKernel", "conv2d", variant, ranking, fault, version);
    }

    /** A jar whose bundle registers a relu kernel with {@code fault} ({@link FixtureRelu}). */
    static Path relu(Path dir, String variant, int ranking, String fault) throws IOException {
        return kernel(dir, FixtureRelu.class, "io.opsgi.op.ElementwiseKernel", "relu", variant, ranking, fault, "1.0.0");
    }

    /** A jar whose bundle registers a relu that calls {@code System.exit} ({@link ExitingRelu}, {@code fault} says when). */
    static Path exitingRelu(Path dir, String variant, int ranking, String fault) throws IOException {
        return kernel(dir, ExitingRelu.class, "io.opsgi.op.ElementwiseKernel", "relu", variant, ranking, fault, "1.0.0");
    }

    private static Path kernel(Path dir, Class<?> impl, String family, String op, String variant, int ranking, String fault, String version)
            throws IOException {
        String bsn = "io.opsgi.itest.fixture." + variant;
        Path jar = dir.resolve(bsn + "-" + version + ".jar");
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        a.putValue("Import-Package", "io.opsgi.op;version=\"[1.1,2)\"");
        a.putValue("Service-Component", "OSGI-INF/kernel.xml");
        String cls = impl.getName();
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" activate="activate" immediate="true">
                  <implementation class="%s"/>
                  <service>
                    <provide interface="io.opsgi.op.Kernel"/>
                    <provide interface="%s"/>
                  </service>
                  <property name="opsgi.op" type="String">%s</property>
                  <property name="opsgi.variant" type="String" value="%s"/>
                  <property name="service.ranking" type="Integer" value="%d"/>
                  <property name="fixture.fault" type="String" value="%s"/>
                </scr:component>
                """.formatted(bsn, cls, family, op, variant, ranking, fault);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, mf)) {
            out.putNextEntry(new JarEntry("OSGI-INF/kernel.xml"));
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            String path = cls.replace('.', '/') + ".class";
            out.putNextEntry(new JarEntry(path));
            try (InputStream in = impl.getClassLoader().getResourceAsStream(path)) {
                in.transferTo(out);
            }
        }
        return jar;
    }
}
