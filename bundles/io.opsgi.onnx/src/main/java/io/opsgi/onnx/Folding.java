package io.opsgi.onnx;

import static io.opsgi.onnx.Importer.refuse;
import static io.opsgi.onnx.Importer.str;

import io.opsgi.onnx.Importer.Data;
import io.opsgi.onnx.proto.Onnx.AttributeProto;
import io.opsgi.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape arithmetic PyTorch's exporter writes (Shape, Gather, Unsqueeze, Concat, Slice, Cast,
 * Constant, ConstantOfShape, Range, and Add/Sub/Mul/Div of constants), computed at import time in
 * int64 (integer tensors) or float32. Every size is checked against what a tensor may hold before
 * anything is allocated.
 */
final class Folding {
    private Folding() {
    }

    static void constant(Importer m) {
        AttributeProto a;
        if ((a = m.attr("value")) != null) {
            m.set(0, Const.read(a.getT()));
        } else if ((a = m.attr("value_float")) != null) {
            m.set(0, Const.ofFloats(new long[0], a.getF()));
        } else if ((a = m.attr("value_floats")) != null) {
            m.set(0, Const.ofFloats(new long[] {a.getFloatsCount()}, m.attrFloats("value_floats")));
        } else if ((a = m.attr("value_int")) != null) {
            m.set(0, Const.ofLongs(new long[0], a.getI()));
        } else if ((a = m.attr("value_ints")) != null) {
            m.set(0, Const.vector(m.attrInts("value_ints")));
        } else {
            throw refuse("no value given (value, value_float(s) or value_int(s))");
        }
    }

    /** The input's dimensions as int64 (from opset 15 the slice start..end of them). */
    static void shape(Importer m) {
        Object x = m.in(0);
        long[] dims = x instanceof Data d ? Arrays.stream(d.shape().toArray()).asLongStream().toArray() : ((Const) x).dims();
        int r = dims.length;
        long start = clamp(wrap(m.attrInt("start", 0), r), 0, r), end = clamp(wrap(m.attrInt("end", r), r), 0, r);
        m.set(0, Const.vector(Arrays.copyOfRange(dims, (int) start, (int) Math.max(start, end))));
    }

    private static long wrap(long i, long r) {
        return i < 0 ? i + r : i;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Gather along axis with constant indices (negative ones count from the end): of constants folded, of data {@link #gatherData}. */
    static void gather(Importer m) {
        if (m.in(0) instanceof Data x) {
            gatherData(m, x, m.konst(1, "indices"));
            return;
        }
        Const data = m.konst(0, "data");
        Const idx = m.konst(1, "indices");
        int r = data.rank();
        long axis = wrap(m.attrInt("axis", 0), r);
        if (axis < 0 || axis >= r) {
            throw refuse("axis=" + m.attrInt("axis", 0) + " is out of range for data of rank " + r);
        }
        int ax = (int) axis;
        long[] d = data.dims();
        long[] out = new long[r - 1 + idx.rank()];
        System.arraycopy(d, 0, out, 0, ax);
        System.arraycopy(idx.dims(), 0, out, ax, idx.rank());
        System.arraycopy(d, ax + 1, out, ax + idx.rank(), r - ax - 1);
        long n = checkedElements(out);
        long outer = Dims.product(d, 0, ax), inner = Dims.product(d, ax + 1, r);
        long[] ix = idx.longs();
        int[] src = new int[(int) n];
        int o = 0;
        for (long a = 0; a < outer; a++) {
            for (long i : ix) {
                long j = i < 0 ? i + d[ax] : i;
                if (j < 0 || j >= d[ax]) {
                    throw refuse("index " + i + " is out of range for dimension " + ax + " of size " + d[ax]);
                }
                for (long b = 0; b < inner; b++) {
                    src[o++] = (int) ((a * d[ax] + j) * inner + b);
                }
            }
        }
        m.set(0, pick(data, out, src));
    }

    /** Slice of a constant: starts/ends/axes as attributes before opset 10, then inputs with steps. */
    static void slice(Importer m) {
        long[] starts, ends, axes, steps = null;
        if (m.opset < 10) {
            starts = m.attrInts("starts");
            ends = m.attrInts("ends");
            axes = m.attrInts("axes");
            if (starts == null || ends == null) {
                throw refuse("starts and ends are required");
            }
        } else {
            starts = m.konst(1, "starts").longs();
            ends = m.konst(2, "ends").longs();
            axes = m.has(3) ? m.konst(3, "axes").longs() : null;
            steps = m.has(4) ? m.konst(4, "steps").longs() : null;
        }
        Object in = m.in(0);
        long[] d = in instanceof Data x ? Arrays.stream(x.shape().toArray()).asLongStream().toArray() : m.konst(0, "data").dims();
        int r = d.length;
        long[] lo = new long[r], step = new long[r], count = d.clone();
        Arrays.fill(step, 1);
        boolean[] seen = new boolean[r];
        for (int i = 0; i < starts.length; i++) {
            int ax = (int) wrap(axes == null ? i : axes[i], r);
            if (ax < 0 || ax >= r || i >= ends.length || seen[ax]) {
                throw refuse("axes/ends do not match the data's rank " + r);
            }
            seen[ax] = true;
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw refuse("a step of 0");
            }
            long s = wrap(starts[i], d[ax]), e = ends[i] < 0 && ends[i] > Long.MIN_VALUE / 2 ? ends[i] + d[ax] : ends[i];
            if (st > 0) {
                s = clamp(s, 0, d[ax]);
                e = clamp(e, 0, d[ax]);
                count[ax] = Math.max(0, (e - s + st - 1) / st);
            } else {
                s = clamp(s, 0, d[ax] - 1);
                e = clamp(e, -1, d[ax] - 1);
                count[ax] = Math.max(0, (s - e + (-st) - 1) / (-st));
            }
            lo[ax] = s;
            step[ax] = st;
        }
        if (in instanceof Data x) {
            sliceData(m, x, lo, step, count);
            return;
        }
        Const data = (Const) in;
        int n = (int) checkedElements(count);
        int[] src = new int[n];
        long[] strides = new long[r];
        for (int k = r - 1, s = 1; k >= 0; k--) {
            strides[k] = s;
            s *= d[k];
        }
        int[] idx = new int[r];
        for (int o = 0; o < n; o++) {
            long at = 0;
            for (int k = 0; k < r; k++) {
                at += (lo[k] + idx[k] * step[k]) * strides[k];
            }
            src[o] = (int) at;
            for (int k = r - 1; k >= 0; k--) {
                if (++idx[k] < count[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        m.set(0, pick(data, count, src));
    }

    /** Transpose of a constant (the exporter's pads arithmetic transposes an int64 matrix). */
    static Const permute(Const c, long[] perm) {
        int r = c.rank();
        if (perm.length != r) {
            throw refuse("perm=" + str(perm) + " does not match the rank " + r);
        }
        long[] d = c.dims(), out = new long[r], strides = new long[r], inStride = new long[r];
        for (int k = r - 1, s = 1; k >= 0; k--) {
            inStride[k] = s;
            s *= d[k];
        }
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int p = (int) wrap(perm[i], r);
            if (p < 0 || p >= r || seen[p]) {
                throw refuse("perm=" + str(perm) + " is not a permutation");
            }
            seen[p] = true;
            out[i] = d[p];
            strides[i] = inStride[p];
        }
        return pick(c, out, strided(out, strides, c.size()));
    }

    /** At most this many separate runs of indices in a gather or a reversed slice of data: one crop each. */
    static final int MAX_RUNS = 4096;

    /**
     * Slice of data along any axes of any rank, axis by axis: step 1 a crop ({@link #crop}); a step s > 1 the span of
     * s * count elements from the start (cropped, or zero-padded past the end) viewed as (count, s) and its first column
     * kept (YOLOv5's Focus: x[..., ::2, ::2]); a negative step the elements gathered in order ({@link #gatherRuns}). An
     * axis taken whole adds nothing; a slice that takes nothing is refused (opsgi has no empty tensors on the data path).
     */
    private static void sliceData(Importer m, Data x, long[] lo, long[] step, long[] count) {
        Shape s = x.shape();
        int r = s.rank(), last = -1;
        for (int ax = 0; ax < r; ax++) {
            if (count[ax] == 0) {
                throw refuse("slices no element of axis " + ax + " of " + s);
            }
            if (count[ax] != s.dim(ax) || step[ax] != 1) {
                last = ax;
            }
        }
        Data y = x;
        for (int ax = 0; ax <= last; ax++) {
            if (count[ax] == s.dim(ax) && step[ax] == 1) {
                continue;
            }
            String suffix = ax == last ? "" : "/axis" + ax;
            long[] out = Arrays.stream(y.shape().toArray()).asLongStream().toArray();
            out[ax] = count[ax];
            if (step[ax] == 1 || count[ax] == 1) { // one element is a crop whatever the step
                y = crop(m, y, ax, lo[ax], lo[ax] + count[ax], out, suffix);
            } else if (step[ax] > 1) {
                y = strided(m, y, ax, lo[ax], step[ax], count[ax], out, suffix);
            } else {
                long[] idx = new long[(int) count[ax]];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = lo[ax] + k * step[ax];
                }
                y = gatherRuns(m, y, ax, idx, out, suffix);
            }
        }
        m.set(0, y); // a slice that takes everything adds no layer
    }

    /**
     * Elements lo, lo + step, ... (count of them) along {@code axis}: the input viewed as (outer, 1, size, inner), padded
     * to the span [lo, lo + step * count) (a crop, zeros past the end: never read), viewed as (outer * count, 1, step, inner),
     * cropped to the first of each step, reshaped to {@code out}.
     */
    private static Data strided(Importer m, Data x, int axis, long lo, long step, long count, long[] out, String suffix) {
        Shape s = x.shape();
        long outer = Dims.product(s, 0, axis), inner = Dims.product(s, axis + 1, s.rank()), size = s.dim(axis);
        long span = Math.multiplyExact(step, count);
        checkedElements(new long[] {outer, span, inner});
        Data rows = m.emit(suffix + "/rows", "reshape", List.of(x.layer()), Map.of("shape", Importer.longsToList(outer, 1, size, inner)), Map.of());
        Data spanned = m.emit(suffix + "/span", "pad", List.of(rows.layer()), Map.of("pad", Importer.longsToList(0, 0, -lo, lo + span - size)), Map.of());
        Data groups = m.emit(suffix + "/groups", "reshape", List.of(spanned.layer()), Map.of("shape", Importer.longsToList(outer * count, 1, step, inner)),
                Map.of());
        Data first = m.emit(suffix + "/first", "pad", List.of(groups.layer()), Map.of("pad", Importer.longsToList(0, 0, 0, -(step - 1))), Map.of());
        return m.emit(suffix, "reshape", List.of(first.layer()), Map.of("shape", Importer.longsToList(out)), Map.of());
    }

    /**
     * The elements {@code idx} (in range, in order) along {@code axis}, reshaped to {@code out}: each run of consecutive
     * ascending indices one crop, the crops joined by a concat. At most {@link #MAX_RUNS} runs.
     */
    static Data gatherRuns(Importer m, Data x, int axis, long[] idx, long[] out, String suffix) {
        List<long[]> runs = new ArrayList<>();
        for (int k = 0; k < idx.length; k++) {
            if (k > 0 && idx[k] == idx[k - 1] + 1) {
                runs.get(runs.size() - 1)[1]++;
            } else {
                if (runs.size() == MAX_RUNS) {
                    throw refuse("takes " + idx.length + " elements of axis " + axis + " of " + x.shape() + " in more than " + MAX_RUNS
                            + " separate runs; opsgi copies each run with a layer of its own");
                }
                runs.add(new long[] {idx[k], idx[k] + 1});
            }
        }
        if (runs.size() == 1) {
            return crop(m, x, axis, runs.get(0)[0], runs.get(0)[1], out, suffix);
        }
        List<String> parts = new ArrayList<>();
        long[] dims = Arrays.stream(x.shape().toArray()).asLongStream().toArray();
        for (int k = 0; k < runs.size(); k++) {
            dims[axis] = runs.get(k)[1] - runs.get(k)[0];
            parts.add(crop(m, x, axis, runs.get(k)[0], runs.get(k)[1], dims.clone(), suffix + "/run" + k).layer());
        }
        Data joined = m.emit(suffix + "/joined", "concat", parts, Map.of("dim", axis), Map.of());
        return m.emit(suffix, "reshape", List.of(joined.layer()), Map.of("shape", Importer.longsToList(out)), Map.of());
    }

    /**
     * Elements lo..hi-1 along {@code axis} of data of any rank, reshaped to {@code out}: a crop of the rows of the input
     * viewed as (outer, 1, size, inner), outer and inner the products of the dimensions before and after the axis
     * (reshapes of contiguous data), between two reshapes.
     */
    static Data crop(Importer m, Data x, int axis, long lo, long hi, long[] out, String suffix) {
        Shape s = x.shape();
        long outer = Dims.product(s, 0, axis), inner = Dims.product(s, axis + 1, s.rank());
        long size = s.dim(axis);
        Data rows = m.emit(suffix + "/rows", "reshape", List.of(x.layer()), Map.of("shape", Importer.longsToList(outer, 1, size, inner)), Map.of());
        Data kept = m.emit(suffix + "/crop", "pad", List.of(rows.layer()), Map.of("pad", Importer.longsToList(0, 0, -lo, -(size - hi))), Map.of());
        return m.emit(suffix, "reshape", List.of(kept.layer()), Map.of("shape", Importer.longsToList(out)), Map.of());
    }

    /**
     * Gather of data along any axis with constant indices (GoogLeNet's and Inception V3's transform_input: x[:, 0], a
     * scalar index, drops the axis): the indices' elements in order ({@link #gatherRuns}), shaped as ONNX says: the
     * input's dims before the axis, the indices' dims, the input's dims after it.
     */
    private static void gatherData(Importer m, Data x, Const idx) {
        Shape s = x.shape();
        int r = s.rank();
        long axis = wrap(m.attrInt("axis", 0), r);
        if (axis < 0 || axis >= r) {
            throw refuse("axis=" + m.attrInt("axis", 0) + " is out of range for data of rank " + r);
        }
        int ax = (int) axis;
        long[] ix = idx.longs().clone();
        if (ix.length == 0) {
            throw refuse("gathers no element (empty indices); opsgi has no empty tensors on the data path");
        }
        for (int k = 0; k < ix.length; k++) {
            long j = ix[k] < 0 ? ix[k] + s.dim(ax) : ix[k];
            if (j < 0 || j >= s.dim(ax)) {
                throw refuse("index " + ix[k] + " is out of range for dimension " + ax + " of size " + s.dim(ax));
            }
            ix[k] = j;
        }
        long[] d = Arrays.stream(s.toArray()).asLongStream().toArray();
        long[] out = new long[r - 1 + idx.rank()];
        System.arraycopy(d, 0, out, 0, ax);
        System.arraycopy(idx.dims(), 0, out, ax, idx.rank());
        System.arraycopy(d, ax + 1, out, ax + idx.rank(), r - ax - 1);
        checkedElements(out);
        m.set(0, gatherRuns(m, x, ax, ix, out, ""));
    }

    private static Const pick(Const c, long[] dims, int[] src) {
        if (c.isFloat()) {
            float[] f = new float[src.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = c.floats()[src[i]];
            }
            return new Const(dims, f, null, c.dtype());
        }
        long[] v = new long[src.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.ints()[src[i]];
        }
        return new Const(dims, null, v, c.dtype());
    }

    /** Cast: of a constant, converted; on the data path only to float32 (the identity there). */
    static void cast(Importer m) {
        int to = (int) m.attrInt("to", 0);
        Object x = m.in(0);
        if (x instanceof Data d) {
            if (to != Const.FLOAT) {
                throw refuse("casts the data to " + Const.typeName(to) + "; opsgi computes in float32 only");
            }
            m.set(0, d);
            return;
        }
        Const c = (Const) x;
        switch (to) {
            case Const.FLOAT, Const.DOUBLE -> m.set(0, new Const(c.dims(), c.asFloats(), null, Const.FLOAT));
            case Const.INT64, Const.INT32, Const.INT16, Const.INT8, Const.UINT8, Const.UINT16, Const.UINT32, Const.UINT64 ->
                    m.set(0, new Const(c.dims(), null, c.longs(), Const.INT64));
            case Const.BOOL -> {
                long[] v = new long[c.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = c.get(i) != 0 ? 1 : 0;
                }
                m.set(0, new Const(c.dims(), null, v, Const.BOOL));
            }
            default -> throw refuse("casts to " + Const.typeName(to) + ", which opsgi does not support");
        }
    }

    static void constantOfShape(Importer m) {
        long[] dims = m.konst(0, "input").longs();
        int n = (int) checkedElements(dims);
        AttributeProto a = m.attr("value");
        Const v = a == null ? Const.ofFloats(new long[0], 0f) : Const.read(a.getT());
        if (v.size() != 1) {
            throw refuse("value must hold one element");
        }
        if (v.isFloat()) {
            float[] f = new float[n];
            Arrays.fill(f, v.floats()[0]);
            m.set(0, new Const(dims, f, null, v.dtype()));
        } else {
            long[] l = new long[n];
            Arrays.fill(l, v.ints()[0]);
            m.set(0, new Const(dims, null, l, v.dtype()));
        }
    }

    static void range(Importer m) {
        Const start = m.konst(0, "start"), limit = m.konst(1, "limit"), delta = m.konst(2, "delta");
        double s = start.get(0), l = limit.get(0), d = delta.get(0);
        if (d == 0) {
            throw refuse("delta is 0");
        }
        long n = Math.max(0, (long) Math.ceil((l - s) / d));
        checkedElements(new long[] {n});
        if (start.isFloat()) {
            float[] f = new float[(int) n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) (s + i * d);
            }
            m.set(0, new Const(new long[] {n}, f, null, start.dtype()));
        } else {
            long[] v = new long[(int) n];
            for (int i = 0; i < n; i++) {
                v[i] = start.ints()[0] + i * delta.ints()[0];
            }
            m.set(0, new Const(new long[] {n}, null, v, start.dtype()));
        }
    }

    /** The dims of {@code a} and {@code b} broadcast by numpy's rule. */
    private static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1, db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw refuse("dims " + str(a) + " and " + str(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Equal of two constants (a bool constant: shape arithmetic, e.g. torch's expand, which exports Shape, Equal and Where
     * to turn its -1 sizes into the input's); of data it is refused: opsgi's tensors hold float32 values, not bools.
     */
    static void equal(Importer m) {
        Const a = m.constOrNull(0), b = m.constOrNull(1);
        if (a == null || b == null) {
            throw refuse("Equal of data (a bool tensor); opsgi folds it only on constants (shape arithmetic)");
        }
        long[] out = broadcast(a.dims(), b.dims());
        int n = (int) checkedElements(out);
        int[] ia = broadcastIndex(a.dims(), out, n), ib = broadcastIndex(b.dims(), out, n);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (a.isFloat() || b.isFloat() ? (float) a.get(ia[i]) == (float) b.get(ib[i]) : a.ints()[ia[i]] == b.ints()[ib[i]]) ? 1 : 0;
        }
        m.set(0, new Const(out, null, v, Const.BOOL));
    }

    /** Where of three constants, broadcast together: X where the condition is true, else Y; of data it is refused. */
    static void where(Importer m) {
        Const c = m.constOrNull(0), x = m.constOrNull(1), y = m.constOrNull(2);
        if (c == null || x == null || y == null) {
            throw refuse("Where with an input computed from the data; opsgi folds it only on constants (shape arithmetic)");
        }
        if (x.isFloat() != y.isFloat()) {
            throw refuse("X holds " + Const.typeName(x.dtype()) + " and Y " + Const.typeName(y.dtype()) + "; ONNX requires one type");
        }
        long[] out = broadcast(broadcast(c.dims(), x.dims()), y.dims());
        int n = (int) checkedElements(out);
        int[] ic = broadcastIndex(c.dims(), out, n), ix = broadcastIndex(x.dims(), out, n), iy = broadcastIndex(y.dims(), out, n);
        if (x.isFloat()) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = c.get(ic[i]) != 0 ? (float) x.get(ix[i]) : (float) y.get(iy[i]);
            }
            m.set(0, new Const(out, f, null, Const.FLOAT));
            return;
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = c.get(ic[i]) != 0 ? x.ints()[ix[i]] : y.ints()[iy[i]];
        }
        m.set(0, new Const(out, null, v, x.dtype()));
    }

    /** Add, Sub, Mul, Div of two constants with numpy broadcasting; integer division truncates (as ONNX Runtime's). */
    static Const arithmetic(Const a, Const b, String op) {
        long[] out = broadcast(a.dims(), b.dims());
        int n = (int) checkedElements(out);
        int[] ia = broadcastIndex(a.dims(), out, n), ib = broadcastIndex(b.dims(), out, n);
        if (a.isFloat() || b.isFloat()) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                float x = (float) a.get(ia[i]), y = (float) b.get(ib[i]);
                f[i] = switch (op) {
                    case "add" -> x + y;
                    case "sub" -> x - y;
                    case "mul" -> x * y;
                    default -> x / y;
                };
            }
            return new Const(out, f, null, Const.FLOAT);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            long x = a.ints()[ia[i]], y = b.ints()[ib[i]];
            if (op.equals("div") && y == 0) {
                throw refuse("integer division by zero");
            }
            v[i] = switch (op) {
                case "add" -> Math.addExact(x, y);
                case "sub" -> Math.subtractExact(x, y);
                case "mul" -> Math.multiplyExact(x, y);
                default -> x / y;
            };
        }
        return new Const(out, null, v, a.dtype());
    }

    /** For each output element, the index of the element of {@code dims} it reads. */
    private static int[] broadcastIndex(long[] dims, long[] out, int n) {
        int r = out.length, off = r - dims.length;
        long[] strides = new long[r];
        for (int k = r - 1, s = 1; k >= off; k--) {
            strides[k] = dims[k - off] == 1 ? 0 : s;
            s *= dims[k - off];
        }
        return strided(out, strides, n); // the leading axes dims lacks keep stride 0
    }

    /** For each of the {@code n} elements of shape {@code out}, in order, the sum of its index times {@code strides}: the element it reads. */
    private static int[] strided(long[] out, long[] strides, int n) {
        int r = out.length;
        int[] idx = new int[r], src = new int[n];
        for (int o = 0; o < n; o++) {
            long at = 0;
            for (int k = 0; k < r; k++) {
                at += idx[k] * strides[k];
            }
            src[o] = (int) at;
            for (int k = r - 1; k >= 0; k--) {
                if (++idx[k] < out[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return src;
    }

    static Const concat(List<Const> cs, int axis) {
        Const first = cs.get(0);
        int r = first.rank();
        int ax = (int) wrap(axis, r);
        if (ax < 0 || ax >= r) {
            throw refuse("axis=" + axis + " is out of range for rank " + r);
        }
        long[] out = first.dims().clone();
        out[ax] = 0;
        boolean floats = false;
        for (Const c : cs) {
            if (c.rank() != r) {
                throw refuse("inputs of ranks " + r + " and " + c.rank());
            }
            for (int k = 0; k < r; k++) {
                if (k != ax && c.dims()[k] != first.dims()[k]) {
                    throw refuse("dims " + str(first.dims()) + " and " + str(c.dims()) + " differ outside axis " + ax);
                }
            }
            out[ax] += c.dims()[ax];
            floats |= c.isFloat();
        }
        int n = (int) checkedElements(out);
        long outer = Dims.product(out, 0, ax), inner = Dims.product(out, ax + 1, r);
        float[] f = floats ? new float[n] : null;
        long[] v = floats ? null : new long[n];
        int o = 0;
        for (long a = 0; a < outer; a++) {
            for (Const c : cs) {
                long row = c.dims()[ax] * inner;
                for (long j = 0; j < row; j++) {
                    int src = (int) (a * row + j);
                    if (floats) {
                        f[o++] = (float) c.get(src);
                    } else {
                        v[o++] = c.ints()[src];
                    }
                }
            }
        }
        return new Const(out, f, v, floats ? Const.FLOAT : first.dtype());
    }

    /** Reshape of a constant; the target's 0s are already resolved, one -1 is inferred. */
    static Const reshape(Const c, long[] target) {
        long known = 1;
        int infer = -1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                infer = i;
            } else {
                known *= target[i];
            }
        }
        long[] dims = target.clone();
        if (infer >= 0) {
            dims[infer] = known == 0 ? 0 : c.size() / known;
        }
        if (checkedElements(dims) != c.size()) {
            throw refuse("cannot reshape a constant of dims " + str(c.dims()) + " to " + str(target));
        }
        return c.reshaped(dims);
    }

    /** The element count of {@code dims}, or a refusal beyond what a tensor may hold (before allocating). */
    static long checkedElements(long[] dims) {
        long n = Const.elements(dims);
        if (n < 0 || dims.length > Shape.MAX_RANK) {
            throw refuse("a tensor of dims " + str(dims) + ": beyond what a tensor may hold (rank <= 8, at most 2^30 elements)");
        }
        return n;
    }

    /**
     * ReduceProd of a constant (torch's x.std and x.var export it on a Shape, to count the reduced values): the product
     * over {@code axes} (all when absent or empty), kept as 1 when keepdims; int64 products checked for overflow. Of
     * data it is refused.
     */
    static void reduceProd(Importer m) {
        Const c = m.constOrNull(0);
        if (c == null) {
            throw refuse("ReduceProd of data; opsgi folds it only on constants (shape arithmetic)");
        }
        int r = c.rank();
        long[] axes = Lowering.axesAnInput(m, false) ? (m.has(1) ? m.konst(1, "axes").longs() : null) : m.attrInts("axes");
        if (axes != null && axes.length == 0 && m.attrInt("noop_with_empty_axes", 0) != 0) {
            m.set(0, c);
            return;
        }
        boolean[] reduced = new boolean[r];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, true);
        } else {
            for (long a : axes) {
                long ax = a < 0 ? a + r : a;
                if (ax < 0 || ax >= r || reduced[(int) ax]) {
                    throw refuse("axes=" + str(axes) + " is invalid for an input of rank " + r);
                }
                reduced[(int) ax] = true;
            }
        }
        boolean keep = m.attrInt("keepdims", 1) != 0;
        List<Long> outDims = new ArrayList<>();
        long[] strides = new long[r];
        long[] kept = new long[r];
        for (int d = r - 1, stride = 1; d >= 0; d--) {
            kept[d] = reduced[d] ? 1 : c.dims()[d];
            strides[d] = reduced[d] ? 0 : stride;
            stride *= (int) kept[d];
        }
        for (int d = 0; d < r; d++) {
            if (!reduced[d] || keep) {
                outDims.add(kept[d]);
            }
        }
        long[] out = outDims.stream().mapToLong(Long::longValue).toArray();
        int n = (int) checkedElements(kept);
        int[] target = strided(c.dims(), strides, c.size()); // each element's place in the (kept) result
        if (c.isFloat()) {
            float[] f = new float[n];
            Arrays.fill(f, 1f);
            for (int i = 0; i < c.size(); i++) {
                f[target[i]] *= (float) c.get(i);
            }
            m.set(0, new Const(out, f, null, Const.FLOAT));
            return;
        }
        long[] v = new long[n];
        java.util.Arrays.fill(v, 1L);
        for (int i = 0; i < c.size(); i++) {
            v[target[i]] = Math.multiplyExact(v[target[i]], c.ints()[i]);
        }
        m.set(0, new Const(out, null, v, c.dtype()));
    }
}
