package io.opsgi.conformance;

import io.opsgi.op.BlockedMaxPool2d;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.Kernel;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A kernel's blocked entry points ({@link PreparedBlockedConv2d}: the {@link ChannelBlocks} a network plan keeps between
 * convs; {@link BlockedMaxPool2d}: a max pool between two of them, see {@code MaxPool2d} below) as a plain kernel of
 * its family, so that every check written for plain calls (vectors, differential cases, properties, the gate) replays
 * them: each conv call prepares with the call's weights and, when the prepared conv follows the shared layout
 * (owner {@code ChannelBlocks.class}) and reads or writes it, runs it with its input, output and (for half of the
 * geometries, prepared with a residual: see {@code Conv2d}) residual each blocked or NCHW, at least one blocked (one
 * combination per geometry and salt, {@link #choose}), converted with the reference conversions. The blocked values are
 * as hostile as the contract allows: a spare zero column on each side of those the kernel asks for, NaN in the lanes past
 * the channels (unspecified: a kernel letting them reach a real channel fails), NaN in every float of the output buffer
 * before the run (a reused buffer: all the layout defines must be written), a blocked output placed at an offset of a
 * larger array one time in two (as a plan places the convs a concat joins; the floats around it must stay as they were).
 * A blocked output's zero columns must be zero and the blocked input unchanged, else the call fails with a {@link Violation}. A geometry whose prepared conv has no
 * blocked entry point is not this path's: it does not {@code supports} it, and the checks skip the case.
 */
public final class BlockedPath {
    private BlockedPath() {
    }

    /** Which tensors of a run are blocked (the others NCHW). */
    public record Blocks(boolean x, boolean residual, boolean y) {
        public static final Blocks IN = new Blocks(true, false, false), OUT = new Blocks(false, false, true), IN_OUT = new Blocks(true, false, true);
    }

    /** A blocked call broke the layout's contract (a zero column not zero, the blocked input written): one line. */
    public static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String rule, layouts;

        Violation(String rule, String layouts) {
            super(rule + " (" + layouts + ")", null, false, false);
            this.rule = rule;
            this.layouts = layouts;
        }

        /** What was broken, without the layouts (for a message that names them already). */
        public String rule() {
            return rule;
        }

        /** The layouts of the call. */
        public String layouts() {
            return layouts;
        }
    }

    /** {@code kernel}'s blocked entry points, the combination of blocked tensors chosen per geometry; null if its family has none. */
    public static Kernel of(Kernel kernel) {
        return of(kernel, 0);
    }

    /** As {@link #of(Kernel)}, the combinations chosen with {@code salt} too (a differential check passes its seed: other seeds, other combinations). */
    public static Kernel of(Kernel kernel, long salt) {
        return kernel instanceof Conv2dKernel k ? new Conv2d(k, salt, null, false) : kernel instanceof MaxPool2dKernel k ? new MaxPool2d(k, salt, false) : null;
    }

    /** As {@link #of(Kernel)} with {@code blocks} whenever the prepared conv has them (tests of one combination). */
    public static Kernel of(Kernel kernel, Blocks blocks) {
        return kernel instanceof Conv2dKernel k ? new Conv2d(k, 0, blocks, false) : null;
    }

    /**
     * As {@link #of(Kernel)}, but the calls of one geometry with the same weight and bias arrays share one prepared conv,
     * as the concurrent runs of a network plan do (the gate's concurrency check): a prepared conv must be right when run
     * from several threads at once.
     */
    public static Kernel sharingPrepared(Kernel kernel) {
        return kernel instanceof Conv2dKernel k ? new Conv2d(k, 0, null, true) : kernel instanceof MaxPool2dKernel k ? new MaxPool2d(k, 0, true) : null;
    }

    /**
     * Whether {@code kernel} has blocked entry points on any of a few common geometries (3x3, 1x1, depthwise, strides 1
     * and 2, 16 and 24 channels): the variants the properties draw. The replay, the differential check and the gate ask
     * on each case's own geometry.
     */
    public static boolean offers(Kernel kernel) {
        if (kernel instanceof MaxPool2dKernel pool) {
            return entry(pool, new PoolGeometry(1, 16, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 4, 4)) != null;
        }
        if (!(kernel instanceof Conv2dKernel k)) {
            return false;
        }
        for (int c : new int[] {16, 24}) {
            for (int s = 1; s <= 2; s++) {
                for (int[] f : new int[][] {{3, 1, 1}, {1, 0, 1}, {3, 1, c}, {5, 2, c}, {7, 3, 1}}) {
                    int o = (8 + 2 * f[1] - f[0]) / s + 1;
                    ConvGeometry g = new ConvGeometry(1, c, 8, 8, c, f[0], f[0], s, s, f[1], f[1], 1, 1, f[2], o, o);
                    if (blockedOn(k, g)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether {@code kernel} prepared for {@code g} (zero weights, no epilogue or a residual) reads or writes the shared blocked layout. */
    public static boolean blockedOn(Conv2dKernel kernel, ConvGeometry g) {
        try {
            long weights = (long) g.cOut() * g.cInPerGroup() * g.kh() * g.kw();
            if (weights > 1 << 24 || !kernel.supports(g)) {
                return false; // larger than a vector case's or a property's
            }
            for (Epilogue e : new Epilogue[] {Epilogue.NONE, Epilogue.NONE.withResidual()}) {
                PreparedBlockedConv2d p = entry(kernel.prepare(g, new float[(int) weights], null, e));
                if (p != null && (p.readsBlocked() || p.writesBlocked())) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false; // a prepare that throws is the prepare path's to report (PreparedPath)
        }
    }

    /** {@code p} as a conv with blocked entry points in the shared layout, or null (NCHW only, or a private layout). */
    public static PreparedBlockedConv2d entry(PreparedConv2d p) {
        return p instanceof PreparedBlockedConv2d b && ChannelBlocks.class.equals(b.layoutOwner()) ? b : null;
    }

    /** {@code kernel}'s blocked max pool for {@code g} in the shared layout, or null (none, or a private layout). */
    public static BlockedMaxPool2d entry(MaxPool2dKernel kernel, PoolGeometry g) {
        try {
            BlockedMaxPool2d b = kernel.blocked(g);
            return b != null && ChannelBlocks.class.equals(b.layoutOwner()) ? b : null;
        } catch (RuntimeException e) {
            return null; // a kernel whose blocked() throws has no usable entry point; its plain calls stand alone
        }
    }

    /**
     * One of the combinations {@code p} takes, drawn from {@code seed}: x blocked if it reads blocks, y if it writes them,
     * the residual (when {@code residual}) whenever (a plan hands a kept residual to any conv of the layout); at least one
     * tensor blocked. Null if there is none.
     */
    public static Blocks choose(PreparedBlockedConv2d p, boolean residual, long seed) {
        List<Blocks> take = new ArrayList<>();
        for (int m = 1; m < 8; m++) {
            Blocks b = new Blocks((m & 1) != 0, (m & 2) != 0, (m & 4) != 0);
            if ((!b.x() || p.readsBlocked()) && (!b.y() || p.writesBlocked()) && (!b.residual() || residual)) {
                take.add(b);
            }
        }
        return take.isEmpty() ? null : take.get(new SplittableRandom(seed).nextInt(take.size()));
    }

    /**
     * Runs {@code p} (residual and epilogue as prepared) with the tensors {@code blocks} names converted to the shared
     * layout and back, {@code x}, {@code residual} and {@code y} given NCHW: what a plan's kept values give. The spare
     * zero columns of each layout are drawn from {@code seed}. Returns the layouts used, for a failure's message.
     *
     * @throws Violation if the output's zero columns are not zero or the kernel wrote a blocked input
     */
    public static String run(PreparedBlockedConv2d p, Blocks blocks, long seed, float[] x, float[] residual, float[] y) {
        ConvGeometry g = p.geometry();
        SplittableRandom r = new SplittableRandom(seed);
        int lanes = p.lanes();
        ChannelBlocks xl = blocks.x() ? layout(lanes, p.inputLeft() + 1, g.w(), p.inputRight() + 1) : null;
        ChannelBlocks rl = blocks.residual() ? layout(lanes, r.nextInt(3), g.ow(), r.nextInt(3)) : null;
        ChannelBlocks yl = blocks.y() ? layout(lanes, 1 + r.nextInt(2), g.ow(), r.nextInt(3)) : null;
        float[] xs = xl == null ? x : toBlocks(xl, g.n(), g.cIn(), g.h(), g.w(), x);
        float[] rs = rl == null ? residual : toBlocks(rl, g.n(), g.cOut(), g.oh(), g.ow(), residual);
        float[] xBefore = xl == null ? null : xs.clone(), rBefore = rl == null ? null : rs.clone();
        // A blocked output is placed at an offset of a larger array one time in two (a concat's buffer), NaN around it.
        int ySize = yl == null ? y.length : size(yl, g.n(), g.cOut(), g.oh(), g.ow());
        int offset = yl != null && r.nextBoolean() ? 1 + r.nextInt(3 * lanes) : 0, after = offset == 0 ? 0 : r.nextInt(lanes + 1);
        float[] ys = yl == null ? y : new float[offset + ySize + after];
        Arrays.fill(ys, Float.NaN);
        String layouts = "x " + (xl == null ? "NCHW" : xl.describe(g.w())) + (residual == null ? "" : ", residual " + (rl == null ? "NCHW" : rl.describe(g.ow())))
                + ", y " + (yl == null ? "NCHW" : yl.describe(g.ow())) + (offset == 0 ? "" : " placed at float " + offset) + ", lanes past the channels NaN";
        if (offset == 0) {
            p.run(xs, xl, rs, rl, ys, yl);
        } else {
            p.run(xs, xl, rs, rl, ys, offset, yl);
        }
        unchanged(xBefore, xs, "input", layouts);
        unchanged(rBefore, rs, "residual", layouts);
        if (yl != null) {
            for (int i = 0; i < ys.length; i++) {
                if ((i < offset || i >= offset + ySize) && !Float.isNaN(ys[i])) {
                    throw new Violation("the kernel wrote float " + i + " of the array its output is placed in, outside the output's floats [" + offset
                            + ", " + (offset + ySize) + ")", layouts);
                }
            }
            float[] own = offset == 0 ? ys : Arrays.copyOfRange(ys, offset, offset + ySize);
            zeroColumns(yl, g.n(), g.cOut(), g.oh(), g.ow(), own, layouts);
            yl.toNchw(g.n(), g.cOut(), g.oh(), g.ow(), own, y);
        }
        return layouts;
    }

    private static ChannelBlocks layout(int lanes, int left, int w, int right) {
        return new ChannelBlocks(lanes, left, left + w + right);
    }

    private static int size(ChannelBlocks l, int n, int c, int h, int w) {
        long size = l.size(n, c, h, w);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the blocked path checks calls whose blocked values fit in an array, not " + size + " floats");
        }
        return (int) size;
    }

    /** {@code nchw} in layout {@code l}, NaN in the lanes past c (unspecified: a kernel must not let them reach a channel). */
    static float[] toBlocks(ChannelBlocks l, int n, int c, int h, int w, float[] nchw) {
        float[] b = new float[size(l, n, c, h, w)];
        l.fromNchw(n, c, h, w, nchw, b);
        int blocks = (c + l.lanes() - 1) / l.lanes(), used = c - (blocks - 1) * l.lanes();
        if (blocks > 0 && used < l.lanes()) {
            for (int i = 0; i < n; i++) {
                for (int row = 0; row < h; row++) {
                    for (int col = 0, at = ((i * blocks + blocks - 1) * h + row) * l.width() * l.lanes(); col < l.width(); col++, at += l.lanes()) {
                        Arrays.fill(b, at + used, at + l.lanes(), Float.NaN);
                    }
                }
            }
        }
        return b;
    }

    private static void unchanged(float[] before, float[] now, String what, String layouts) {
        if (before == null) {
            return;
        }
        for (int i = 0; i < before.length; i++) {
            if (Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(now[i])) {
                throw new Violation("the kernel wrote its blocked " + what + ": float " + i + " was " + before[i] + ", is now " + now[i], layouts);
            }
        }
    }

    /** Every channel's columns outside [left, left + ow) of a blocked output must be zero (the lanes past the channels are unspecified). */
    private static void zeroColumns(ChannelBlocks l, int images, int channels, int oh, int ow, float[] y, String layouts) {
        int blocks = (channels + l.lanes() - 1) / l.lanes();
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < channels; c++) {
                for (int row = 0; row < oh; row++) {
                    int at = ((n * blocks + c / l.lanes()) * oh + row) * l.width() * l.lanes() + c % l.lanes();
                    for (int col = 0; col < l.width(); col++) {
                        float v = y[at + col * l.lanes()];
                        if ((col < l.left() || col >= l.left() + ow) && v != 0f) {
                            throw new Violation("the blocked output's zero column " + col + " holds " + v + " at batch " + n + ", channel " + c + ", row "
                                    + row + ", not 0", layouts);
                        }
                    }
                }
            }
        }
    }

    /** A deterministic mix of a geometry (record hash codes are not specified across JVMs). */
    private static long mix(ConvGeometry g) {
        long h = 17;
        for (int v : new int[] {g.n(), g.cIn(), g.h(), g.w(), g.cOut(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padTop(), g.padLeft(),
                g.dilationH(), g.dilationW(), g.groups()}) {
            h = h * 31 + v;
        }
        return h;
    }

    /**
     * conv2d through {@link Conv2dKernel#prepare} and the prepared conv's blocked entry points. Half of the geometries
     * also check a residual (blocked or not): prepared as {@code y = conv(x) + residual}, run with the conv's own NCHW
     * answer r as the residual, and halved: {@code (conv + r) / 2} is {@code conv} up to one rounding, so a kernel that
     * ignores or misreads a residual fails a plain call (outputs beyond a quarter of the float range go without).
     */
    private static final class Conv2d implements Conv2dKernel {
        private record Probe(ConvGeometry g, boolean blocked) {
        }

        /** Arrays by identity: the concurrency check's calls of one case pass the same ones. */
        private record Key(ConvGeometry g, float[] w, float[] bias, boolean residual) {
        }

        private final Conv2dKernel kernel;
        private final long salt;
        private final Blocks fixed;
        private final Map<Key, PreparedConv2d> shared;
        private volatile Probe probe;
        private volatile String last = "";

        Conv2d(Conv2dKernel kernel, long salt, Blocks fixed, boolean share) {
            this.kernel = kernel;
            this.salt = salt;
            this.fixed = fixed;
            this.shared = share ? new ConcurrentHashMap<>() : null;
        }

        @Override
        public boolean supports(ConvGeometry g) {
            Probe p = probe;
            if (p == null || !p.g().equals(g)) {
                probe = p = new Probe(g, blockedOn(kernel, g));
            }
            return p.blocked();
        }

        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            long seed = mix(g) ^ salt;
            boolean residual = fixed != null ? fixed.residual() : new SplittableRandom(~seed).nextBoolean();
            PreparedConv2d prepared = prepare(g, w, bias, residual);
            if (entry(prepared) == null) {
                prepared = prepare(g, w, bias, !residual); // its blocked entry points may take one epilogue only
            }
            PreparedBlockedConv2d p = entry(prepared);
            float[] r = prepared.epilogue().residual() ? new float[y.length] : null;
            boolean halve = false;
            if (p != null && r != null) {
                float[] own = new float[y.length];
                prepared.run(x, r, own); // r: zeros
                halve = true;
                for (float v : own) {
                    halve &= !(Math.abs(v) > Float.MAX_VALUE / 4);
                }
                r = halve ? own : r;
            }
            Blocks blocks = p == null ? null
                    : fixed != null && (!fixed.x() || p.readsBlocked()) && (!fixed.y() || p.writesBlocked()) && (!fixed.residual() || r != null) ? fixed
                    : choose(p, r != null, seed);
            if (blocks == null) {
                last = "no blocked entry point with these weights";
                prepared.run(x, r, y);
                return;
            }
            String residualNote = halve ? ", residual = the conv's NCHW answer, halved" : "";
            try {
                last = run(p, blocks, seed, x, r, y) + residualNote;
            } catch (Violation v) {
                last = v.layouts() + residualNote;
                throw v;
            }
            if (halve) {
                for (int i = 0; i < y.length; i++) {
                    y[i] *= 0.5f;
                }
            }
        }

        private PreparedConv2d prepare(ConvGeometry g, float[] w, float[] bias, boolean residual) {
            Epilogue e = residual ? Epilogue.NONE.withResidual() : Epilogue.NONE;
            return shared == null ? kernel.prepare(g, w, bias, e) : shared.computeIfAbsent(new Key(g, w, bias, residual), k -> kernel.prepare(g, w, bias, e));
        }

        @Override
        public String toString() {
            return kernel + " (blocked)";
        }
    }

    /**
     * max_pool2d through {@link MaxPool2dKernel#blocked}: the values of every call from the blocked entry point, input and
     * output in the shared layout (spare zero columns on both sides drawn per geometry and salt, NaN in the input's lanes
     * past the channels, NaN in every float of the output buffer before the run), the indices (when asked) from a plain
     * call. A geometry without a blocked entry point is answered by the plain call.
     */
    private static final class MaxPool2d implements MaxPool2dKernel {
        private final MaxPool2dKernel kernel;
        private final long salt;
        /** By geometry, when the calls share one blocked pool (the concurrency check), else null. */
        private final Map<PoolGeometry, BlockedMaxPool2d> shared;
        private volatile String last = "";

        MaxPool2d(MaxPool2dKernel kernel, long salt, boolean share) {
            this.kernel = kernel;
            this.salt = salt;
            this.shared = share ? new ConcurrentHashMap<>() : null;
        }

        @Override
        public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
            BlockedMaxPool2d p = shared == null ? entry(kernel, g) : shared.computeIfAbsent(g, k -> entry(kernel, k));
            if (p == null) {
                last = "no blocked entry point for this geometry";
                kernel.maxPool2d(g, x, y, indices);
                return;
            }
            if (indices != null) {
                kernel.maxPool2d(g, x, new float[y.length], indices);
            }
            SplittableRandom r = new SplittableRandom(mix(g) ^ salt);
            ChannelBlocks xl = layout(p.lanes(), r.nextInt(3), g.w(), r.nextInt(3)), yl = layout(p.lanes(), r.nextInt(3), g.ow(), r.nextInt(3));
            String layouts = "x " + xl.describe(g.w()) + ", y " + yl.describe(g.ow()) + ", lanes past the channels NaN";
            last = layouts;
            float[] xs = toBlocks(xl, g.n(), g.c(), g.h(), g.w(), x), before = xs.clone();
            float[] ys = new float[size(yl, g.n(), g.c(), g.oh(), g.ow())];
            Arrays.fill(ys, Float.NaN);
            p.run(xs, xl, ys, yl);
            unchanged(before, xs, "input", layouts);
            zeroColumns(yl, g.n(), g.c(), g.oh(), g.ow(), ys, layouts);
            yl.toNchw(g.n(), g.c(), g.oh(), g.ow(), ys, y);
        }

        private static long mix(PoolGeometry g) {
            long h = 19;
            for (int v : new int[] {g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilationH(),
                    g.dilationW(), g.oh(), g.ow()}) {
                h = h * 31 + v;
            }
            return h;
        }

        @Override
        public String toString() {
            return kernel + " (blocked)";
        }
    }

    /** How {@code path}'s last call was made, e.g. {@code x blocked16 (cols 2+w+2), y NCHW, ...}, for a failure's message. */
    static String lastCall(Kernel path) {
        return path instanceof Conv2d c ? c.last : path instanceof MaxPool2d p ? p.last : "";
    }
}
