package io.opsgi.conformance.gate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** What a verdict of the gate depends on besides the code and the machine: the vectors' bytes and the checks configured. */
final class SuiteDigest {
    private SuiteDigest() {}

    /** SHA-256 over every file under {@code vectors} (path and bytes, in path order) and {@code settings}. */
    static String of(Path vectors, String settings) {
        MessageDigest md = sha256();
        md.update(settings.getBytes(StandardCharsets.UTF_8));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(vectors)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : files) {
            md.update(vectors.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
