package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files and networks, made here at test time: each is refused with one line naming the
 * file or layer and the rule, before the heap is spent on it.
 */
class HostileNetworksTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path tmp;

    private Path written(NetworkDescription d) throws IOException {
        Path file = tmp.resolve("model.json");
        Files.writeString(file, NetworkJson.write(d, tmp));
        return file;
    }

    private static void oneLine(Exception e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void a_network_too_big_for_the_heap_is_refused_before_its_weights_are_made() throws IOException {
        // Linear layers of 32768 x 32768 float32 weights: 4 GiB (and 128 KiB of bias) each, more of them than the heap holds.
        int layers = (int) (Runtime.getRuntime().maxMemory() / (4 * GIB)) + 2;
        NetworkBuilder b = NetworkBuilder.network("huge", 1, 32768).seeded(1);
        for (int i = 0; i < layers; i++) {
            b.linear("fc" + i, 32768, 32768);
        }
        Network net = Network.plan(NetworkDescription.read(written(b.build())));
        NetworkException e = assertThrows(NetworkException.class, () -> Weights.load(net));
        assertEquals("heap", e.rule());
        oneLine(e);
        long weightBytes = layers * (32768L * 32768 + 32768) * 4;
        assertEquals(weightBytes, Footprint.of(net).weightBytes());
        assertTrue(e.getMessage().contains("weights " + Footprint.gib(weightBytes)), e.getMessage());
        assertTrue(e.getMessage().contains("OPSGI_JAVA_OPTS=-Xmx"), e.getMessage());
    }

    @Test
    void the_footprint_counts_weights_and_the_activations_alive_at_once() {
        // input 256 floats; c1, c2: 256 each; the add reads c2 and c1, so c1 outlives c2's run: peak 256 * 3 at the add.
        NetworkDescription d = NetworkBuilder.network("res", 1, 4, 8, 8).seeded(1).conv2d("c1", 4, 4, 3, "padding", 1)
                .conv2d("c2", 4, 4, 3, "padding", 1).add("sum", "c2", "c1").build();
        Footprint f = Footprint.of(Network.plan(d));
        assertEquals(2 * (4 * 4 * 9 + 4) * 4, f.weightBytes());
        assertEquals(3 * 256 * 4, f.peakActivationBytes());
        f.requireFits(f.totalBytes(), GIB);
        NetworkException e = assertThrows(NetworkException.class, () -> f.requireFits(f.totalBytes() - 1, GIB));
        assertEquals("heap", e.rule());
    }

    @Test
    void a_3_gib_description_is_refused_unread() throws IOException {
        Path file = tmp.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(3 * GIB); // sparse: costs no disk, and reading it would cost 3 GiB of heap
        }
        NetworkException e = assertThrows(NetworkException.class, () -> NetworkDescription.read(file));
        assertEquals("json", e.rule());
        oneLine(e);
        assertTrue(e.getMessage().contains(3 * GIB + " bytes is not a network description"), e.getMessage());
    }

    @Test
    void a_description_that_is_not_utf8_names_the_byte_and_where() throws IOException {
        Path file = tmp.resolve("latin1.json");
        String json = "{\"name\": \"caf\u00e9\", \"input\": [1, 3, 4, 4], \"layers\": [{\"name\": \"r\", \"type\": \"relu\"}]}";
        Files.write(file, json.getBytes(StandardCharsets.ISO_8859_1));
        NetworkException e = assertThrows(NetworkException.class, () -> NetworkDescription.read(file));
        assertEquals("json", e.rule());
        oneLine(e);
        assertTrue(e.getMessage().contains("not UTF-8 text: malformed byte 0xe9 at offset " + json.indexOf('\u00e9')), e.getMessage());
    }

    @Test
    void multiply_adds_beyond_a_long_saturate_instead_of_going_negative() {
        // Each layer: a 32768x32768 kernel over a 1x1 input padded by 32767: H_out = 1 + 2*32767 - 32768 + 1 = 32768, so 2^30 outputs
        // of K = 2^30 terms each, 2^60 multiply-adds; nine of them pass 2^63.
        NetworkBuilder b = NetworkBuilder.network("wide", 1, 1, 1, 1).seeded(1);
        for (int i = 0; i < 9; i++) {
            b.conv2d("c" + i, 1, 1, 32768, "padding", 32767, "bias", false).from("input");
        }
        Network net = Network.plan(b.build());
        long wrapped = net.layers().stream().mapToLong(PlannedLayer::macs).sum();
        assertTrue(wrapped < 0, "the fixture overflows a long when summed plainly: " + wrapped);
        assertEquals(1L << 60, net.layers().get(0).macs());
        assertEquals(Long.MAX_VALUE, net.macs());
        String summary = NetworkSummary.table(net);
        assertTrue(summary.contains("total mult-adds: more than 9,223,372,036,854,775,807"), summary);
        assertFalse(summary.matches("(?s).*\\s-\\d.*"), summary);
    }

    @Test
    void a_weight_file_with_a_valid_header_and_a_truncated_body_is_one_line() throws IOException {
        Path weights = Files.createDirectories(tmp.resolve("weights"));
        NetworkDescription d = NetworkBuilder.network("small", 1, 8).npy(weights).linear("fc", 8, 4).build();
        Npy.write(weights.resolve("fc.bias.npy"), Tensor.zeros(4));
        Path w = weights.resolve("fc.weight.npy");
        Npy.write(w, Tensor.zeros(4, 8));
        try (FileChannel c = FileChannel.open(w, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 10);
        }
        Network net = Network.plan(d); // the header is valid: the plan accepts it
        NetworkException e = assertThrows(NetworkException.class, () -> Weights.load(net));
        assertEquals("weight_file", e.rule());
        oneLine(e);
        assertTrue(e.getMessage().startsWith("layer 1 'fc' (linear): "), e.getMessage());
        assertTrue(e.getMessage().contains("fc.weight.npy: truncated data: shape [4, 8] needs 128 bytes, found 118"), e.getMessage());
    }

    @Test
    void layer_names_with_terminal_escapes_and_newlines_are_printed_escaped() throws IOException {
        String clear = "c\u001b[2J\u001b[H\n4  fake  relu  input  [1, 1]";
        NetworkDescription d = NetworkBuilder.network("esc\u001b]0;title\u0007", 1, 3, 4, 4).seeded(1).layer(clear, "relu").build();
        Network net = Network.plan(NetworkDescription.read(written(d)));
        String summary = NetworkSummary.table(net);
        assertFalse(summary.chars().anyMatch(c -> c == 0x1b || c == 7), summary);
        assertEquals(1 + 2 + 1 + 4, summary.lines().count(), "a title, the header and its rule, one layer, 4 lines of totals:\n" + summary);
        assertTrue(summary.contains("c\\e[2J\\e[H\\n4  fake"), summary);
        NetworkException e = assertThrows(NetworkException.class, () -> Network.plan(NetworkBuilder.network("n", 1, 3, 4, 4).seeded(1)
                .layer(clear, "relu").layer("next", "relu").from("no\nsuch").build()));
        oneLine(e);
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    }
}
