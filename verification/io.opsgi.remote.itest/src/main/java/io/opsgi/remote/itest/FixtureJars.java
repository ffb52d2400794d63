package io.opsgi.remote.itest;

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

/** Real relu kernel bundle jars, written at test time around a class of {@code fixtures} (a manifest, a DS descriptor, the class). */
final class FixtureJars {
    private FixtureJars() {
    }

    /** A jar in {@code dir} (written elsewhere first, then moved in whole, so a watcher never reads half a jar). */
    static Path relu(Path dir, Class<?> impl, String variant, int ranking) throws IOException {
        String bsn = "io.opsgi.remote.itest.fixture." + variant;
        Path tmp = Files.createTempFile("fixture", ".jar");
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", "io.opsgi.op;version=\"[1.1,2)\"");
        a.putValue("Service-Component", "OSGI-INF/kernel.xml");
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" immediate="true">
                  <implementation class="%s"/>
                  <service>
                    <provide interface="io.opsgi.op.Kernel"/>
                    <provide interface="io.opsgi.op.ElementwiseKernel"/>
                  </service>
                  <property name="opsgi.op" type="String">relu</property>
                  <property name="opsgi.variant" type="String" value="%s"/>
                  <property name="service.ranking" type="Integer" value="%d"/>
                </scr:component>
                """.formatted(bsn, impl.getName(), variant, ranking);
        try (OutputStream file = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(file, mf)) {
            out.putNextEntry(new JarEntry("OSGI-INF/kernel.xml"));
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            String path = impl.getName().replace('.', '/') + ".class";
            out.putNextEntry(new JarEntry(path));
            try (InputStream in = impl.getClassLoader().getResourceAsStream(path)) {
                in.transferTo(out);
            }
        }
        Files.createDirectories(dir);
        Path jar = dir.resolve(bsn + ".jar");
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return jar;
    }
}
