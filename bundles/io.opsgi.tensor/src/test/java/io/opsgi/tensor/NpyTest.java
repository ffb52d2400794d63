package io.opsgi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Npy.NpyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NPY reading and writing, against bytes written by numpy and hand-made malformed files. */
class NpyTest {
    @TempDir
    Path dir;

    private static final String F4_2X3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    /** Preamble of a version 1.0 file: magic, version 1.0, header length as little-endian uint16. */
    private static byte[] v1Preamble(int headerLength) {
        return new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) headerLength, (byte) (headerLength >>> 8)};
    }

    /** A version 1.0 file whose header is {@code dict}, padded with spaces and a final newline to a multiple of 64 bytes. */
    private static byte[] v1(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        return concat(v1Preamble(header.length()), ascii(header), data);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    // ---- files written by numpy ----

    /**
     * {@code np.save(f, (np.arange(6, dtype='<f4').reshape(2, 3) * 0.5 - 1))} with numpy 2.4.6: a 118-byte
     * header (59 characters of dict, 58 spaces, a newline) so that preamble + header = 128 = 2 * 64.
     */
    private static final byte[] NUMPY_F4_2X3 = concat(v1Preamble(118), ascii(F4_2X3 + " ".repeat(58) + "\n"),
            hex("000080bf" + "000000bf" + "00000000" + "0000003f" + "0000803f" + "0000c03f"));

    /** {@code np.save(f, np.array([-1, 2**40, -2**63], dtype='<i8'))}: shape {@code (3,)}, 57 + 60 + 1 header bytes. */
    private static final byte[] NUMPY_I8_3 = concat(v1Preamble(118),
            ascii("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }" + " ".repeat(60) + "\n"),
            hex("ffffffffffffffff" + "0000000000010000" + "0000000000000080"));

    @Test
    void reads_a_float32_file_written_by_numpy() throws IOException {
        assertEquals(128 + 24, NUMPY_F4_2X3.length);
        Tensor t = Npy.readFloat(file("numpy.npy", NUMPY_F4_2X3));
        assertEquals(Tensor.of(Shape.of(2, 3), -1f, -0.5f, 0f, 0.5f, 1f, 1.5f), t);
        assertEquals(new Npy.Header("<f4", Shape.of(2, 3)), Npy.readHeader(dir.resolve("numpy.npy")));
    }

    @Test
    void reads_an_int64_file_written_by_numpy() throws IOException {
        IndexTensor t = Npy.readLong(file("numpy_i8.npy", NUMPY_I8_3));
        assertEquals(IndexTensor.of(Shape.of(3), -1L, 1L << 40, Long.MIN_VALUE), t);
    }

    @Test
    void writes_exactly_what_numpy_writes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, Tensor.of(Shape.of(2, 3), -1f, -0.5f, 0f, 0.5f, 1f, 1.5f));
        assertArrayEquals(NUMPY_F4_2X3, out.toByteArray());
        Path p = dir.resolve("i8.npy");
        Npy.write(p, IndexTensor.of(Shape.of(3), -1L, 1L << 40, Long.MIN_VALUE));
        assertArrayEquals(NUMPY_I8_3, Files.readAllBytes(p));
    }

    @Test
    void writes_numpys_scalar_header() throws IOException {
        // np.save(f, np.float32(7)): shape (), 55 + 62 + 1 header bytes.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, Tensor.of(Shape.of(), 7f));
        byte[] expected = concat(v1Preamble(118), ascii("{'descr': '<f4', 'fortran_order': False, 'shape': (), }" + " ".repeat(62) + "\n"),
                hex("0000e040"));
        assertArrayEquals(expected, out.toByteArray());
    }

    @Test
    void reads_headers_padded_to_16_bytes_and_versions_2_and_3() throws IOException {
        byte[] data = hex("0000803f" + "00000040" + "00004040" + "00008040" + "0000a040" + "0000c040");
        Tensor expected = Tensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        // Older numpy aligned to 16: 10 + 59 + 2 spaces + '\n' = 72.
        byte[] old = concat(v1Preamble(62), ascii(F4_2X3 + "  \n"), data);
        assertEquals(expected, Npy.readFloat(file("old.npy", old)));
        // Version 2.0: 4-byte little-endian header length; 12 + 59 + 56 spaces + '\n' = 128.
        byte[] v2 = concat(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 116, 0, 0, 0}, ascii(F4_2X3 + " ".repeat(56) + "\n"), data);
        assertEquals(expected, Npy.readFloat(file("v2.npy", v2)));
        byte[] v3 = v2.clone();
        v3[6] = 3;
        assertEquals(expected, Npy.readFloat(file("v3.npy", v3)));
    }

    // ---- round trips ----

    @Test
    void float32_round_trip_keeps_every_bit() throws IOException {
        float[] v = {Float.NaN, Float.intBitsToFloat(0x7fc00123), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
            Float.MIN_VALUE, -Float.MAX_VALUE, 1e-30f, 3.4e38f, 1.1754942E-38f, 0.1f};
        Tensor t = Tensor.of(Shape.of(2, 1, 3, 2), v);
        Path p = dir.resolve("f.npy");
        Npy.write(p, t);
        Tensor back = Npy.readFloat(p);
        assertEquals(t, back, "Tensor equality is bitwise: -0.0 and NaN payloads survive");
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back.getFlat(i)), "element " + i);
        }
    }

    @Test
    void float32_round_trip_of_odd_shapes() throws IOException {
        for (Shape s : new Shape[] {Shape.of(), Shape.of(5), Shape.of(0), Shape.of(0, 3), Shape.of(1, 1, 1, 1, 1, 1, 1, 1)}) {
            float[] d = new float[s.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = i - 2.5f;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(out, Tensor.of(s, d));
            Tensor back = Npy.readFloat(new ByteArrayInputStream(out.toByteArray()), "mem");
            assertEquals(Tensor.of(s, d), back, s.toString());
            assertEquals(0, (out.size() - 4 * d.length) % 64, "header aligned to 64 for " + s);
        }
    }

    @Test
    void int64_round_trip() throws IOException {
        IndexTensor t = IndexTensor.of(Shape.of(2, 3), Long.MIN_VALUE, -1, 0, 1, 1L << 53, Long.MAX_VALUE);
        Path p = dir.resolve("l.npy");
        Npy.write(p, t);
        assertEquals(t, Npy.readLong(p));
        assertEquals(new Npy.Header("<i8", Shape.of(2, 3)), Npy.readHeader(p));
        Path empty = dir.resolve("empty.npy");
        Npy.write(empty, IndexTensor.of(Shape.of(0, 4)));
        assertEquals(IndexTensor.of(Shape.of(0, 4)), Npy.readLong(empty));
    }

    // ---- malformed files: each refused with an NpyException naming the file ----

    private interface Reader {
        Object read(Path p) throws IOException;
    }

    private NpyException refused(String name, byte[] bytes, Reader reader, String... fragments) throws IOException {
        Path p = file(name, bytes);
        NpyException e = assertThrows(NpyException.class, () -> reader.read(p));
        assertTrue(e.getMessage().startsWith(p + ": "), () -> "names the file first: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    private NpyException refused(String name, byte[] bytes, String... fragments) throws IOException {
        return refused(name, bytes, Npy::readFloat, fragments);
    }

    @Test
    void bad_magic() throws IOException {
        byte[] b = NUMPY_F4_2X3.clone();
        b[5] = 'X';
        refused("magic.npy", b, "not a .npy file", "bad magic");
        refused("text.npy", ascii("hello, world\n"), "bad magic");
    }

    @Test
    void shorter_than_the_preamble() throws IOException {
        refused("tiny.npy", new byte[] {(byte) 0x93, 'N', 'U'}, "truncated", "preamble");
        refused("empty.npy", new byte[0], "truncated");
    }

    @Test
    void truncated_header_length() throws IOException {
        refused("len.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118}, "truncated header length");
    }

    @Test
    void truncated_header() throws IOException {
        refused("header.npy", java.util.Arrays.copyOf(NUMPY_F4_2X3, 60), "truncated header", "50 of 118 bytes");
    }

    @Test
    void unsupported_version() throws IOException {
        byte[] b = NUMPY_F4_2X3.clone();
        b[6] = 4;
        refused("v4.npy", b, "unsupported", "version 4");
    }

    @Test
    void absurd_header_length() throws IOException {
        byte[] b = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        refused("huge_header.npy", b, "absurd header length", "2147483647");
    }

    @Test
    void malformed_header() throws IOException {
        refused("noshape.npy", v1("{'descr': '<f4', 'fortran_order': False, }", new byte[0]), "malformed header", "'shape'");
        refused("badshape.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", new byte[0]), "malformed shape", "(2, x)");
    }

    @Test
    void duplicate_keys() throws IOException {
        // numpy (a Python dict literal) takes the last 'shape': (3, 2) here; opsgi refuses instead of guessing.
        refused("dup_shape.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'shape': (3, 2), }", new byte[24]),
                "duplicate key 'shape'", "numpy would take the last one");
        refused("dup_order.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'fortran_order': True}", new byte[24]),
                "duplicate key 'fortran_order'");
        refused("dup_descr.npy", v1("{'descr': '<f4', 'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", new byte[24]),
                Npy::readLong, "duplicate key 'descr'");
    }

    @Test
    void unexpected_keys_and_values() throws IOException {
        refused("extra.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'align': True, }", new byte[24]),
                "unexpected key 'align'");
        refused("notdict.npy", v1("['<f4', False, (2, 3)]", new byte[24]), "not a dict");
        refused("shape_str.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': '(2, 3)', }", new byte[24]), "shape a tuple");
        refused("junk.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), junk}", new byte[24]), "malformed header");
        // numpy writes no trailing comma after the last entry in some versions: accepted
        assertEquals(Shape.of(2, 3), Npy.readFloat(file("nocomma.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
                new byte[24]))).shape());
    }

    @Test
    void header_whose_byte_size_overflows() throws IOException {
        // 2^30 int64 elements fit a Shape but are 8 GiB: refused from the header, before reading any data
        refused("8gib.npy", v1("{'descr': '<i8', 'fortran_order': False, 'shape': (1073741824,), }", new byte[0]), Npy::readLong,
                "too large", "8589934592 bytes");
        // a product beyond a long: refused by the running product, not wrapped to a small size
        refused("wrap.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 1073741824, 1073741824, 16), }",
                new byte[0]), "at most");
    }

    @Test
    void wrong_dtype() throws IOException {
        byte[] f8 = v1("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        refused("f8.npy", f8, "expected dtype '<f4'", "'<f8'");
        byte[] bigEndian = v1("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        refused("be.npy", bigEndian, "big-endian", "'>f4'", "astype('<f4')");
        refused("bool.npy", v1("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", new byte[1]), "expected dtype '<f4'", "'|b1'");
        refused("i8_as_f4.npy", NUMPY_I8_3, "'<i8'");
        refused("f4_as_i8.npy", NUMPY_F4_2X3, Npy::readLong, "expected dtype '<i8'", "'<f4'");
    }

    @Test
    void fortran_order() throws IOException {
        byte[] b = v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new byte[24]);
        refused("fortran.npy", b, "Fortran");
    }

    @Test
    void truncated_data() throws IOException {
        refused("short.npy", java.util.Arrays.copyOf(NUMPY_F4_2X3, 128 + 20), "truncated data", "[2, 3]", "24 bytes", "found 20");
        refused("short_i8.npy", java.util.Arrays.copyOf(NUMPY_I8_3, 128 + 23), Npy::readLong, "truncated data", "24 bytes", "found 23");
    }

    @Test
    void trailing_data() throws IOException {
        refused("long.npy", concat(NUMPY_F4_2X3, new byte[] {0}), "data longer than shape", "[2, 3]", "24 bytes");
    }

    @Test
    void absurd_dimension() throws IOException {
        refused("absurd.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 3), }", new byte[0]),
                "absurd dimension 99999999999");
        // Each dimension fine, the product too large: refused before any data is read.
        refused("product.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 2), }", new byte[0]), "at most");
        refused("rank.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }", new byte[4]), "rank");
    }

    @Test
    void negative_dimension() throws IOException {
        refused("negative.npy", v1("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", new byte[0]), "dimension -1");
    }

    @Test
    void stream_errors_use_the_given_name() {
        NpyException e = assertThrows(NpyException.class, () -> Npy.readFloat(new ByteArrayInputStream(ascii("nope nope")), "case_x.input.npy"));
        assertTrue(e.getMessage().startsWith("case_x.input.npy: "), e.getMessage());
    }
}
