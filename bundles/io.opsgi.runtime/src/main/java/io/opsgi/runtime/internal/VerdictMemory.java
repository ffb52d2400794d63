package io.opsgi.runtime.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelVerifier;
import io.opsgi.runtime.ReproducibleVerifier;
import io.opsgi.runtime.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.log.Logger;

/**
 * The gate's passes, remembered in a folder ({@code opsgi.verdicts}) so that a container started again on the same
 * code serves at once. A pass is recalled only under the same key: the {@link ReproducibleVerifier#suiteDigest()
 * suite}, the bytes of the verifier's bundle, of the kernel's and of its references' (each with every bundle it is wired
 * to, so a change in a library a kernel calls is a new key), the kernel's class, variant and ops, the seed, the time
 * limit, the JVM and its options, and the CPU. Failures are never remembered; an unreadable or foreign file is a miss.
 * Every build of a kernel is a new key, so passes not recalled for {@link #UNUSED} are deleted when the memory opens.
 */
final class VerdictMemory {
    private static final String FORMAT = "opsgi verdict 1";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A pass neither written nor recalled for this long is deleted (a recall renews it). */
    static final Duration UNUSED = Duration.ofDays(30);

    /** What a file holds: a pass, without its kernel (the key names that). */
    record Stored(String format, String summary, String at, long tookNanos, Map<String, String> opSummaries, List<VerificationReport.Timing> timings) {
    }

    private final Path folder;
    private final Logger log;
    private final String machine = machine();
    /** Bundle id -> (last modified, SHA-256 of its entries): a bundle's bytes are read once per update. */
    private final Map<Long, Map.Entry<Long, String>> contents = new ConcurrentHashMap<>();

    private VerdictMemory(Path folder, Logger log) {
        this.folder = folder;
        this.log = log;
    }

    /** The memory in {@code folder}, or null when it is unset, blank or {@code off}; passes unused for {@link #UNUSED} are deleted. */
    static VerdictMemory in(String folder, Logger log) {
        if (folder == null || folder.isBlank() || "off".equalsIgnoreCase(folder.trim())) {
            return null;
        }
        VerdictMemory m = new VerdictMemory(Path.of(folder.trim()), log);
        m.prune();
        return m;
    }

    private void prune() {
        if (!Files.isDirectory(folder)) {
            return;
        }
        FileTime before = FileTime.from(Instant.now().minus(UNUSED));
        try (var files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if ((name.endsWith(".json") || name.endsWith(".tmp")) && Files.getLastModifiedTime(f).compareTo(before) < 0) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            log.warn("Could not prune the remembered verdicts in {}: {}", folder, e.toString());
        }
    }

    Path folder() {
        return folder;
    }

    /**
     * The key of {@code c}'s verdict, or null when it cannot be remembered: a verifier that names no suite, a kernel
     * or reference whose code is not a local bundle's (a kernel imported from another process), or a digest that
     * could not be taken (then the kernel is verified as if nothing were remembered, and the line says why).
     */
    String key(Candidate c, Map<String, Kernel> references, KernelVerifier verifier, long seed, Duration timeLimit, Function<Kernel, Bundle> home) {
        if (!(verifier instanceof ReproducibleVerifier suite) || c.home == null) {
            return null;
        }
        try {
            return key(c, references, suite, seed, timeLimit, home);
        } catch (RuntimeException e) {
            log.warn("Verifying {} for {} without the remembered passes: its key could not be taken ({})", c.variant(), c.ops, e.toString());
            return null;
        }
    }

    private String key(Candidate c, Map<String, Kernel> references, ReproducibleVerifier verifier, long seed, Duration timeLimit,
            Function<Kernel, Bundle> home) {
        String suite = verifier.suiteDigest();
        Bundle judge = FrameworkUtil.getBundle(verifier.getClass());
        if (judge == null) {
            return null;
        }
        StringBuilder k = new StringBuilder(FORMAT).append('\n');
        k.append("suite ").append(suite).append('\n');
        k.append("verifier ").append(verifier.getClass().getName()).append(' ').append(closure(judge)).append('\n');
        k.append("kernel ").append(c.kernel.getClass().getName()).append(' ').append(c.variant()).append(' ').append(c.ops)
                .append(' ').append(closure(c.home)).append('\n');
        for (Map.Entry<String, Kernel> r : new TreeMap<>(references).entrySet()) {
            Bundle b = home.apply(r.getValue());
            if (b == null) {
                return null;
            }
            k.append("reference ").append(r.getKey()).append(' ').append(r.getValue().getClass().getName()).append(' ').append(closure(b)).append('\n');
        }
        k.append("seed ").append(seed).append(", time limit ").append(timeLimit.toSeconds()).append(" s\n");
        k.append(machine);
        return hex(sha256().digest(k.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The pass remembered under {@code key}, or null. */
    VerificationReport recall(String key) {
        Path file = folder.resolve(key + ".json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Stored s = JSON.readValue(file.toFile(), Stored.class);
            if (!FORMAT.equals(s.format()) || s.summary() == null || s.at() == null) {
                return null;
            }
            Files.setLastModifiedTime(file, FileTime.from(Instant.now())); // in use: kept by the pruning
            String from = "remembered pass of " + s.at() + ": ";
            Map<String, String> ops = s.opSummaries() == null ? Map.of()
                    : s.opSummaries().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> from + e.getValue()));
            return new VerificationReport(true, from + s.summary(), List.of(), Instant.parse(s.at()), Duration.ofNanos(s.tookNanos()), ops,
                    s.timings() == null ? List.of() : s.timings());
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring remembered verdict {}: {}", file, e.toString());
            return null;
        }
    }

    /** Remembers a pass (a failure never); written whole or not at all, so a concurrent reader sees no torn file. */
    void remember(String key, VerificationReport report) {
        if (!report.passed()) {
            return;
        }
        try {
            Files.createDirectories(folder);
            Path tmp = Files.createTempFile(folder, key, ".tmp");
            JSON.writeValue(tmp.toFile(), new Stored(FORMAT, report.summary(), report.at().toString(), report.took().toNanos(), report.opSummaries(),
                    report.timings()));
            Files.move(tmp, folder.resolve(key + ".json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not remember a verdict in {}: {}", folder, e.toString());
        }
    }

    /** Forgets the pass remembered under {@code key}, if any. */
    void forget(String key) {
        try {
            Files.deleteIfExists(folder.resolve(key + ".json"));
        } catch (IOException e) {
            log.warn("Could not forget the verdict {} in {}: {}", key, folder, e.toString());
        }
    }

    /** SHA-256 over {@code b} and every bundle it is wired to, transitively, but the system bundle (the JVM is keyed apart). */
    private String closure(Bundle b) {
        Set<String> parts = new TreeSet<>(); // name, version and bytes of each bundle, in a stable order
        Deque<Bundle> todo = new ArrayDeque<>(List.of(b));
        Set<Long> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Bundle next = todo.pop();
            if (next.getBundleId() == 0 || !seen.add(next.getBundleId())) {
                continue;
            }
            parts.add(next.getSymbolicName() + " " + next.getVersion() + " " + contents(next));
            BundleWiring wiring = next.adapt(BundleWiring.class);
            for (BundleWire w : wiring == null ? List.<BundleWire>of() : wiring.getRequiredWires(null)) {
                todo.push(w.getProvider().getBundle());
            }
        }
        return hex(sha256().digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * SHA-256 over a bundle's entries (path and bytes, in path order), read once per update of the bundle; an entry that
     * cannot be read throws, and the kernel is then verified without a key.
     */
    private String contents(Bundle b) {
        long modified = b.getLastModified();
        Map.Entry<Long, String> known = contents.get(b.getBundleId());
        if (known != null && known.getKey() == modified) {
            return known.getValue();
        }
        List<URL> entries = new ArrayList<>();
        var found = b.findEntries("/", "*", true);
        if (found != null) {
            entries.addAll(Collections.list(found));
        }
        entries.sort((x, y) -> x.getPath().compareTo(y.getPath()));
        MessageDigest md = sha256();
        for (URL u : entries) {
            if (u.getPath().endsWith("/")) {
                continue;
            }
            md.update(u.getPath().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            try (InputStream in = new DigestInputStream(u.openStream(), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String digest = hex(md.digest());
        contents.put(b.getBundleId(), Map.entry(modified, digest));
        return digest;
    }

    /** The JVM (vendor, version, the options that change code paths or limits) and the CPU (model, flags, count). */
    static String machine() {
        List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X") || a.startsWith("--add-modules") || a.startsWith("--enable-preview")).toList();
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name") || l.startsWith("flags"))
                    .distinct().collect(Collectors.joining("; "));
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture and count below still key it
        }
        return "jvm " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.version") + " " + options + "\ncpu "
                + System.getProperty("os.arch") + " x" + Runtime.getRuntime().availableProcessors() + " " + cpu + "\n";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
