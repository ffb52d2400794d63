package io.opsgi.tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1.0 to 3.0), little-endian float32 ({@code <f4}) and
 * int64 ({@code <i8}) in C order: what {@code numpy.save} writes for {@code float32}/{@code int64}
 * arrays.
 *
 * <p>Why not a library: the only NPY readers on Maven Central are abandoned or pull in the Kotlin
 * runtime; the format is a fixed magic, a Python-literal header and raw data, so a strict reader is
 * shorter than the glue. Every malformed file is rejected with a {@link NpyException} naming the
 * file and the problem; nothing is read past the header until the header has been validated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** One {@code 'key': value} entry of the header dict and its separator; values are a string, a bool or a tuple. */
    private static final Pattern ENTRY = Pattern.compile("\\s*'([^']*)'\\s*:\\s*('[^']*'|True|False|\\([^)]*\\))\\s*(,|$)");
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    private Npy() {
    }

    /** A parsed header: dtype descriptor and shape. */
    public record Header(String descr, Shape shape) {
    }

    public static Tensor readFloat(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readFloat(in, file.toString());
        }
    }

    public static IndexTensor readLong(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readLong(in, file.toString());
        }
    }

    /** Reads the header only, e.g. to tell float32 from int64 files. */
    public static Header readHeader(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return header(in, file.toString());
        }
    }

    public static Tensor readFloat(InputStream in, String name) throws IOException {
        Header h = header(in, name);
        if (!h.descr().equals("<f4")) {
            throw new NpyException(name + ": expected dtype '<f4' (float32), got '" + h.descr() + "'");
        }
        ByteBuffer b = body(in, name, h.shape(), 4);
        float[] data = new float[h.shape().size()];
        b.asFloatBuffer().get(data);
        return Tensor.wrap(h.shape(), data);
    }

    public static IndexTensor readLong(InputStream in, String name) throws IOException {
        Header h = header(in, name);
        if (!h.descr().equals("<i8")) {
            throw new NpyException(name + ": expected dtype '<i8' (int64), got '" + h.descr() + "'");
        }
        ByteBuffer b = body(in, name, h.shape(), 8);
        long[] data = new long[h.shape().size()];
        b.asLongBuffer().get(data);
        return IndexTensor.wrap(h.shape(), data);
    }

    public static void write(Path file, Tensor t) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, t);
        }
    }

    public static void write(OutputStream out, Tensor t) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.buffer());
        writeRaw(out, "<f4", t.shape(), b.array());
    }

    public static void write(Path file, IndexTensor t) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(t.shape().size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(t.toArray());
        try (OutputStream out = Files.newOutputStream(file)) {
            writeRaw(out, "<i8", t.shape(), b.array());
        }
    }

    private static void writeRaw(OutputStream out, String descr, Shape shape, byte[] body) throws IOException {
        int[] dims = shape.toArray();
        StringBuilder sh = new StringBuilder();
        for (int d : dims) {
            sh.append(d).append(", ");
        }
        String shapeText = dims.length == 1 ? sh.substring(0, sh.length() - 1) : sh.length() > 0 ? sh.substring(0, sh.length() - 2) : "";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        // Version 1.0: magic(6) + version(2) + header length(2) + header, padded to 64 bytes and ending in '\n'.
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xff);
        head.write(header.length() >>> 8);
        head.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(head.toByteArray());
        out.write(body);
    }

    private static Header header(InputStream in, String name) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8) {
            throw new NpyException(name + ": truncated: shorter than the 8-byte .npy preamble");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre[i] != MAGIC[i]) {
                throw new NpyException(name + ": not a .npy file (bad magic)");
            }
        }
        int major = pre[6];
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            if (l.length < 2) {
                throw new NpyException(name + ": truncated header length");
            }
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = in.readNBytes(4);
            if (l.length < 4) {
                throw new NpyException(name + ": truncated header length");
            }
            headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (headerLen < 0 || headerLen > 1 << 20) {
                throw new NpyException(name + ": absurd header length " + headerLen);
            }
        } else {
            throw new NpyException(name + ": unsupported .npy format version " + major);
        }
        byte[] hb = in.readNBytes(headerLen);
        if (hb.length < headerLen) {
            throw new NpyException(name + ": truncated header (" + hb.length + " of " + headerLen + " bytes)");
        }
        String dict = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, String> entries = entries(name, dict);
        String descr = entries.get("descr"), fortran = entries.get("fortran_order"), shape = entries.get("shape");
        if (!descr.startsWith("'") || !(fortran.equals("True") || fortran.equals("False")) || !shape.startsWith("(")) {
            throw new NpyException(name + ": malformed header " + dict.strip() + " (descr must be a string, fortran_order a bool, shape a tuple)");
        }
        if (fortran.equals("True")) {
            throw new NpyException(name + ": Fortran-order arrays are not supported; save with C order");
        }
        String d = descr.substring(1, descr.length() - 1);
        if (d.startsWith(">")) {
            throw new NpyException(name + ": big-endian data ('" + d + "') is not supported; save little-endian, e.g. a.astype('<" + d.substring(1) + "')");
        }
        return new Header(d, parseShape(name, shape.substring(1, shape.length() - 1)));
    }

    /**
     * The entries of the header dict, as numpy's {@code safe_eval} would read it, but stricter: exactly the keys
     * descr, fortran_order and shape (numpy's own rule), each once. Python keeps the last of two equal keys; a
     * reader that kept the first would read the data with another shape or order, so duplicates are refused.
     */
    private static Map<String, String> entries(String name, String dict) throws NpyException {
        String t = dict.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            throw new NpyException(name + ": malformed header " + t + " (not a dict)");
        }
        Map<String, String> entries = new HashMap<>();
        Matcher m = ENTRY.matcher(t).region(1, t.length() - 1);
        int at = 1;
        while (m.region(at, t.length() - 1).lookingAt()) {
            String key = m.group(1);
            if (!KEYS.contains(key)) {
                throw new NpyException(name + ": unexpected key '" + key + "' in header " + t + " (numpy allows descr, fortran_order, shape)");
            }
            if (entries.put(key, m.group(2)) != null) {
                throw new NpyException(name + ": duplicate key '" + key + "' in header " + t + " (numpy would take the last one)");
            }
            at = m.end();
        }
        if (!t.substring(at, t.length() - 1).isBlank() || !entries.keySet().equals(KEYS)) {
            throw new NpyException(name + ": malformed header " + t + " (expected 'descr', 'fortran_order' and 'shape')");
        }
        return entries;
    }

    private static Shape parseShape(String name, String text) throws NpyException {
        String t = text.strip();
        if (t.isEmpty()) {
            return Shape.of();
        }
        String[] parts = t.split(",");
        int n = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;
        int[] dims = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                long v = Long.parseLong(parts[i].strip());
                if (v < 0 || v > Shape.MAX_ELEMENTS) {
                    throw new NpyException(name + ": absurd dimension " + v + " in shape (" + t + ")");
                }
                dims[i] = (int) v;
            } catch (NumberFormatException e) {
                throw new NpyException(name + ": malformed shape (" + t + ")");
            }
        }
        try {
            return Shape.of(dims);
        } catch (IllegalArgumentException e) {
            throw new NpyException(name + ": " + e.getMessage());
        }
    }

    private static ByteBuffer body(InputStream in, String name, Shape shape, int width) throws IOException {
        long expected = (long) shape.size() * width;
        if (expected > Integer.MAX_VALUE - 8) {
            throw new NpyException(name + ": data of shape " + shape + " is too large (" + expected + " bytes; at most 2 GiB)");
        }
        byte[] body = in.readNBytes((int) expected);
        if (body.length < expected) {
            throw new NpyException(name + ": truncated data: shape " + shape + " needs " + expected + " bytes, found "
                    + body.length);
        }
        if (in.read() != -1) {
            throw new NpyException(name + ": data longer than shape " + shape + " (" + expected + " bytes)");
        }
        return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A malformed or unsupported {@code .npy} file. */
    public static final class NpyException extends IOException {
        private static final long serialVersionUID = 1L;

        public NpyException(String message) {
            super(message);
        }
    }
}
