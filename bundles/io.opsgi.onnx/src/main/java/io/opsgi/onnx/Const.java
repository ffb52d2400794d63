package io.opsgi.onnx;

import io.opsgi.onnx.proto.Onnx.TensorProto;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor known at import time: an initializer, a Constant, or a folded shape computation. Floating
 * tensors hold float32 values ({@code floats}); integer and bool tensors hold int64 ({@code ints}),
 * the arithmetic the exporter's shape subgraphs need. Integer tensors never reach a kernel.
 *
 * @param dtype the ONNX data type (TensorProto.DataType number) it was written with
 */
record Const(long[] dims, float[] floats, long[] ints, int dtype) {
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8, BOOL = 9, FLOAT16 = 10, DOUBLE = 11,
            UINT32 = 12, UINT64 = 13, BFLOAT16 = 16;

    static Const ofLongs(long[] dims, long... v) {
        return new Const(dims, null, v, INT64);
    }

    static Const ofFloats(long[] dims, float... v) {
        return new Const(dims, v, null, FLOAT);
    }

    /** A 1-D int64 tensor. */
    static Const vector(long... v) {
        return ofLongs(new long[] {v.length}, v);
    }

    boolean isFloat() {
        return floats != null;
    }

    int rank() {
        return dims.length;
    }

    int size() {
        return isFloat() ? floats.length : ints.length;
    }

    double get(int i) {
        return isFloat() ? floats[i] : ints[i];
    }

    long[] longs() {
        if (ints != null) {
            return ints;
        }
        long[] r = new long[floats.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (long) floats[i];
        }
        return r;
    }

    float[] asFloats() {
        if (floats != null) {
            return floats;
        }
        float[] r = new float[ints.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = ints[i];
        }
        return r;
    }

    Shape shape() {
        return Shape.of(Arrays.stream(dims).mapToInt(Math::toIntExact).toArray());
    }

    /** The float32 tensor; the caller has checked {@link #dtype()} is FLOAT. */
    Tensor tensor() {
        return Tensor.of(shape(), floats);
    }

    Const reshaped(long... newDims) {
        return new Const(newDims, floats, ints, dtype);
    }

    static String typeName(int dtype) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(dtype);
        return t == null ? "data type " + dtype : t.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Elements of {@code dims}, or -1 if negative or beyond what a tensor may hold (2^30). */
    static long elements(long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0 || (d > 0 && n > Shape.MAX_ELEMENTS / d)) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    /**
     * Reads an initializer or Constant value. Refuses (with the reason, as an {@link IllegalArgumentException})
     * external data, sizes beyond 2^30 elements, data that does not match the dims, and the data
     * types that never occur in a float32 CNN (strings, float16, complex ...) — before allocating.
     */
    static Const read(TensorProto t) {
        String what = "tensor '" + t.getName() + "'";
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new IllegalArgumentException(what + " keeps its data in an external file; opsgi reads only self-contained models "
                    + "(torch.onnx.export writes the weights into the file below 2 GB)");
        }
        if (t.hasSegment()) {
            throw new IllegalArgumentException(what + " is segmented; not supported");
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = elements(dims);
        if (n < 0 || dims.length > Shape.MAX_RANK) {
            throw new IllegalArgumentException(what + " claims dims " + Arrays.toString(dims) + ": beyond what a tensor may hold (rank <= 8, at most 2^30 elements)");
        }
        int count = (int) n;
        int dtype = t.getDataType();
        boolean raw = t.hasRawData();
        ByteBuffer b = raw ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        switch (dtype) {
            case FLOAT: {
                check(what, raw, raw ? b.remaining() : t.getFloatDataCount(), raw ? 4L * count : count);
                float[] f = new float[count];
                if (raw) {
                    b.asFloatBuffer().get(f);
                } else {
                    for (int i = 0; i < count; i++) {
                        f[i] = t.getFloatData(i);
                    }
                }
                return new Const(dims, f, null, dtype);
            }
            case DOUBLE: {
                check(what, raw, raw ? b.remaining() : t.getDoubleDataCount(), raw ? 8L * count : count);
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = (float) (raw ? b.getDouble(8 * i) : t.getDoubleData(i));
                }
                return new Const(dims, f, null, dtype);
            }
            case INT64: {
                check(what, raw, raw ? b.remaining() : t.getInt64DataCount(), raw ? 8L * count : count);
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    v[i] = raw ? b.getLong(8 * i) : t.getInt64Data(i);
                }
                return new Const(dims, null, v, dtype);
            }
            case INT32: case INT16: case INT8: case UINT8: case UINT16: case BOOL: {
                int width = dtype == INT32 ? 4 : dtype == INT16 || dtype == UINT16 ? 2 : 1;
                check(what, raw, raw ? b.remaining() : t.getInt32DataCount(), raw ? (long) width * count : count);
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    if (!raw) {
                        v[i] = t.getInt32Data(i);
                    } else if (width == 4) {
                        v[i] = b.getInt(4 * i);
                    } else if (width == 2) {
                        v[i] = dtype == UINT16 ? Short.toUnsignedInt(b.getShort(2 * i)) : b.getShort(2 * i);
                    } else {
                        v[i] = dtype == INT8 ? b.get(i) : Byte.toUnsignedInt(b.get(i));
                    }
                }
                return new Const(dims, null, v, dtype);
            }
            case UINT32: case UINT64: {
                // both in uint64_data when not raw; a uint64 beyond int64 cannot be held as an integer value here
                int width = dtype == UINT32 ? 4 : 8;
                check(what, raw, raw ? b.remaining() : t.getUint64DataCount(), raw ? (long) width * count : count);
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    v[i] = !raw ? t.getUint64Data(i) : width == 4 ? Integer.toUnsignedLong(b.getInt(4 * i)) : b.getLong(8 * i);
                    if (v[i] < 0) {
                        throw new IllegalArgumentException(what + " holds the uint64 value " + Long.toUnsignedString(v[i]) + ", beyond the int64 range opsgi reads");
                    }
                }
                return new Const(dims, null, v, dtype);
            }
            default:
                throw new IllegalArgumentException(what + " holds " + typeName(dtype) + "; opsgi reads float32, float64 and integer tensors");
        }
    }

    private static void check(String what, boolean raw, long have, long want) {
        if (have != want) {
            String unit = raw ? " bytes" : " values";
            throw new IllegalArgumentException(what + " has " + have + unit + " of data, its dims call for " + want + unit + " (truncated or inconsistent)");
        }
    }
}
