package io.opsgi.kernel.conv2d.depthwise;

import static io.opsgi.kernel.conv2d.depthwise.DepthwiseRows.L;

import io.opsgi.kernel.support.ConvTaps;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.Transpose16;
import io.opsgi.kernel.support.VectorEpilogue;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The prepared depthwise conv: NCHW runs go to the plane path of {@link DepthwiseConv2d} (but on small planes, see
 * {@link #SMALL_PLANE}); runs with x, residual or y in {@link ChannelBlocks} (the shared layout, {@code L} = one vector of
 * lanes) compute in blocks, one vector = {@code L}
 * channels of one pixel ({@link DepthwiseRows}), as ONNX Runtime's NCHWc depthwise kernel does. Blocked for every
 * geometry with channel multiplier 1 (any kernel, stride, dilation and padding); with a multiplier an output lane
 * would read another lane's channel, so those answer false from {@link #readsBlocked()} and {@link #writesBlocked()}.
 *
 * <p>A run: an NCHW input is first converted to blocks (16x16 register transposes, {@link Transpose16}); then tasks
 * over (image, block, tile of output rows) compute each row's vectors with the epilogue in registers, into the
 * blocked output (its zero columns written) or into a task buffer that is transposed into the NCHW output. An NCHW
 * residual is transposed into a task buffer first. Lanes past c of a blocked input only ever meet lanes past c (of
 * weights and bias packed as zeros), which no NCHW output keeps and a blocked output leaves unspecified.
 */
final class BlockedDepthwise implements PreparedBlockedConv2d {
    /** Output pixels per task buffer: 64 KB of NCHW output (or residual) in blocks, still in L2 when transposed. */
    private static final int TASK_PIXELS = 1024;
    /**
     * Output planes this small run NCHW to NCHW through blocks too: MobileNetV2's 14x14 and 7x7 depthwise convs measured
     * 1.3-3x faster so (converting both ways included; CPU time, alternated in one JVM), its 28x28 and larger ones 1.2-1.4x slower.
     */
    private static final int SMALL_PLANE = 256;

    private final DepthwiseConv2d kernel;
    private final PreparedConv2d plain;
    private final ConvGeometry g;
    private final Epilogue epilogue;
    /** The epilogue in registers, or null (none, or exp-based: then {@link VectorEpilogue#applyBlocked} after the store). */
    private final VectorEpilogue inRegisters;
    private final boolean blocked, threeByThree, smallPlanes;
    private final int blocks, taps, right;
    private final long flops;
    /** Weights [block][tap][lane], bias, scale and shift [block][lane]; lanes past c are 0 (scale 1). */
    private final float[] weights, bias, scale, shift;
    private final ConcurrentLinkedQueue<float[]> inputs = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<float[][]> taskBuffers = new ConcurrentLinkedQueue<>();

    BlockedDepthwise(DepthwiseConv2d kernel, PreparedConv2d plain, ConvGeometry g, float[] w, float[] b, Epilogue epilogue) {
        this.kernel = kernel;
        this.plain = plain;
        this.g = g;
        this.epilogue = epilogue;
        VectorEpilogue ve = VectorEpilogue.of(epilogue);
        this.inRegisters = ve != null && ve.inRegisters() ? ve : null;
        this.blocked = g.cOut() == g.cIn();
        this.smallPlanes = blocked && (long) g.oh() * g.ow() <= SMALL_PLANE;
        this.threeByThree = g.kh() == 3 && g.kw() == 3 && g.dilationH() == 1 && g.dilationW() == 1;
        this.blocks = (g.cOut() + L - 1) / L;
        this.taps = g.kh() * g.kw();
        long last = (long) (g.ow() - 1) * g.strideW() + (long) (g.kw() - 1) * g.dilationW() - g.padLeft() - (g.w() - 1);
        this.right = g.ow() == 0 ? 0 : (int) Math.max(0, Math.min(Integer.MAX_VALUE / 2, last));
        this.flops = 2L * g.n() * g.cOut() * g.oh() * g.ow() * taps;
        int c = g.cOut();
        this.weights = blocked ? new float[blocks * taps * L] : null;
        this.bias = new float[blocks * L];
        this.scale = new float[blocks * L];
        this.shift = new float[blocks * L];
        Arrays.fill(scale, 1f);
        for (int o = 0; o < c && blocked; o++) {
            int bl = o / L, lane = o % L;
            for (int t = 0; t < taps; t++) {
                weights[(bl * taps + t) * L + lane] = w[o * taps + t];
            }
            bias[o] = b == null ? 0f : b[o];
            scale[o] = epilogue.scale() == null ? 1f : epilogue.scale()[o];
            shift[o] = epilogue.shift() == null ? 0f : epilogue.shift()[o];
        }
    }

    @Override
    public Conv2dKernel kernel() {
        return kernel;
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public Epilogue epilogue() {
        return epilogue;
    }

    @Override
    public void run(float[] x, float[] residual, float[] y) {
        run(x, null, residual, null, y, null);
    }

    @Override
    public Object layoutOwner() {
        return ChannelBlocks.class;
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public boolean readsBlocked() {
        return blocked;
    }

    @Override
    public boolean writesBlocked() {
        return blocked;
    }

    @Override
    public int inputLeft() {
        return g.padLeft();
    }

    @Override
    public int inputRight() {
        return right;
    }

    @Override
    public void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, ChannelBlocks yLayout) {
        if (xLayout == null && residualLayout == null && yLayout == null && !smallPlanes) {
            plain.run(x, residual, y);
            return;
        }
        if (!blocked) {
            throw new IllegalArgumentException("depthwise conv2d " + g + " has channel multiplier " + g.cOut() / g.cIn()
                    + ": it reads and writes channel blocks only with multiplier 1");
        }
        if (x == null || y == null) {
            throw new IllegalArgumentException("depthwise conv2d: " + (x == null ? "input" : "output") + " is null");
        }
        check(x, xLayout, g.cIn(), g.h(), g.w(), "input");
        float[] r = epilogue.residual() ? residual : null; // a residual the epilogue does not add is not read
        check(r, residualLayout, g.cOut(), g.oh(), g.ow(), "residual");
        check(y, yLayout, g.cOut(), g.oh(), g.ow(), "output");
        if (xLayout != null && (xLayout.left() < inputLeft() || xLayout.width() - xLayout.left() - g.w() < inputRight())) {
            throw new IllegalArgumentException("depthwise conv2d " + g + " cannot read the input as " + xLayout.describe(g.w()) + ": it needs "
                    + inputLeft() + " zero columns left and " + inputRight() + " right");
        }
        if (epilogue.residual() && r == null) {
            throw new IllegalArgumentException("depthwise conv2d: the epilogue " + epilogue.describe() + " needs a residual");
        }
        if (g.n() == 0 || g.oh() == 0 || g.ow() == 0) {
            if (yLayout != null) {
                Arrays.fill(y, 0, (int) yLayout.size(g.n(), g.cOut(), g.oh(), g.ow()), 0f);
            }
            return;
        }
        Parallel.sized(flops, () -> compute(x, xLayout, r, residualLayout, y, yLayout));
    }

    /** A layout of L lanes holding w columns, and an array large enough for it (or for NCHW where the layout is null); a null array passes. */
    private void check(float[] a, ChannelBlocks c, int ch, int h, int w, String what) {
        if (c != null && (c.lanes() != L || c.left() + (long) w > c.width())) {
            throw new IllegalArgumentException("depthwise conv2d: the " + what + " as " + c + " is not a layout of " + L + " lanes holding " + w
                    + " columns");
        }
        long need = c == null ? (long) g.n() * ch * h * w : c.size(g.n(), ch, h, w);
        if (a != null && a.length < need) {
            throw new IllegalArgumentException("depthwise conv2d " + g + ": the " + what + " has " + a.length + " floats, "
                    + (c == null ? "NCHW" : c.describe(w)) + " needs " + need);
        }
    }

    private void compute(float[] x, ChannelBlocks xl, float[] residual, ChannelBlocks rl, float[] y, ChannelBlocks yl) {
        float[] in = x;
        float[] converted = null;
        if (xl == null) {
            xl = new ChannelBlocks(L, g.padLeft(), g.padLeft() + g.w() + right);
            long size = xl.size(g.n(), g.cIn(), g.h(), g.w());
            if (size > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("depthwise conv2d " + g + ": the input in channel blocks (" + size + " floats) does not fit in an array");
            }
            converted = inputs.poll();
            if (converted == null || converted.length < size) {
                converted = new float[(int) size];
            }
            toBlocks(x, converted, xl);
            in = converted;
        }
        ChannelBlocks xb = xl;
        float[] xs = in;
        int oh = g.oh(), ow = g.ow();
        int rowsPerTile = Math.max(1, Math.min(oh, TASK_PIXELS / ow));
        int tilesPerPlane = (oh + rowsPerTile - 1) / rowsPerTile, planes = g.n() * blocks, threads = Parallel.threads();
        if (threads > 1 && planes * tilesPerPlane < 4 * threads) {
            tilesPerPlane = Math.min(oh, (4 * threads + planes - 1) / planes);
        }
        int rows = (oh + tilesPerPlane - 1) / tilesPerPlane, tiles = (oh + rows - 1) / rows;
        int[] tapOffset = new int[taps];
        for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
                tapOffset[i * g.kw() + j] = (i * g.dilationH() * xb.width() + j * g.dilationW()) * L;
            }
        }
        try {
            Parallel.forEach(planes * tiles, task -> {
                int plane = task / tiles, r0 = task % tiles * rows;
                rows(xs, xb, tapOffset, residual, rl, y, yl, plane / blocks, plane % blocks, r0, Math.min(oh, r0 + rows), rows * ow * L);
            });
        } finally {
            if (converted != null) {
                inputs.offer(converted);
            }
        }
    }

    /** Output rows [r0, r1) of block b of image n. */
    private void rows(float[] x, ChannelBlocks xl, int[] tapOffset, float[] residual, ChannelBlocks rl, float[] y, ChannelBlocks yl, int n,
            int b, int r0, int r1, int bufferSize) {
        int oh = g.oh(), ow = g.ow(), k0 = b * L, real = Math.min(L, g.cOut() - k0), plane = n * blocks + b;
        float[][] buffers = taskBuffers.poll();
        if (buffers == null || buffers[0].length < bufferSize) {
            buffers = new float[][] {new float[bufferSize], new float[bufferSize]};
        }
        try {
            float[] res = residual;
            if (residual != null && rl == null) {
                res = buffers[1];
                gather(residual, n, k0, real, r0 * ow, r1 * ow, res);
            }
            float[] out = yl == null ? buffers[0] : y;
            int rowStep = g.dilationH() * xl.width() * L, wAt = b * taps * L;
            for (int r = r0; r < r1; r++) {
                int top = r * g.strideH() - g.padTop();
                int i0 = ConvTaps.first(top, g.dilationH()), i1 = Math.max(i0, ConvTaps.end(top, g.dilationH(), g.h(), g.kh()));
                // Input (row top, column -padLeft) of the block: the first tap of output column 0 (outside the array where top < 0; not read then).
                int x0 = ((plane * g.h() + top) * xl.width() + xl.left() - g.padLeft()) * L;
                int o0 = (r - r0) * ow * L;
                if (yl != null) {
                    int row = (plane * oh + r) * yl.width() * L;
                    o0 = row + yl.left() * L;
                    Arrays.fill(y, row, o0, 0f);
                    Arrays.fill(y, o0 + ow * L, row + yl.width() * L, 0f);
                }
                int rAt = rl != null ? ((plane * oh + r) * rl.width() + rl.left()) * L : (r - r0) * ow * L;
                if (threeByThree && g.strideW() == 1 && ow >= 8) {
                    DepthwiseRows.threeS1x8(x, x0, rowStep, i0, i1, weights, wAt, bias, k0, inRegisters, scale, shift, res, rAt, out, o0, ow);
                } else if (threeByThree && g.strideW() == 2 && ow >= 8) {
                    DepthwiseRows.threeS2x8(x, x0, rowStep, i0, i1, weights, wAt, bias, k0, inRegisters, scale, shift, res, rAt, out, o0, ow);
                } else {
                    DepthwiseRows.general(x, x0, tapOffset, i0 * g.kw(), i1 * g.kw(), g.strideW() * L, weights, wAt, bias, k0, inRegisters, scale, shift, res,
                            rAt, out, o0, ow);
                }
                if (inRegisters == null && !epilogue.isNone()) {
                    VectorEpilogue.applyBlocked(epilogue, out, o0, ow, k0, real, res, rAt);
                }
            }
            if (yl == null) {
                scatter(out, n, k0, real, r0 * ow, r1 * ow, y);
            }
        } finally {
            taskBuffers.offer(buffers);
        }
    }

    /**
     * x (n, c, h, w) into {@code out} in layout {@code xl}: per (image, block) plane, its zero columns written, then its
     * pixels sixteen at a time through a register transpose (16 channels x 16 consecutive pixels of the flattened plane,
     * each pixel to its own place), the rest one by one. Lanes past c are left as they are (never read into a channel).
     */
    private void toBlocks(float[] x, float[] out, ChannelBlocks xl) {
        int h = g.h(), wd = g.w(), c = g.cIn(), hw = h * wd, width = xl.width(), left = xl.left();
        Parallel.forEach(g.n() * blocks, plane -> {
            int n = plane / blocks, k0 = plane % blocks * L, real = Math.min(L, c - k0);
            for (int r = 0; r < h; r++) {
                int row = (plane * h + r) * width * L;
                Arrays.fill(out, row, row + left * L, 0f);
                Arrays.fill(out, row + (left + wd) * L, row + width * L, 0f);
            }
            int src = (n * c + k0) * hw, p = 0;
            int t = Transpose16.TILE;
            if (t != 0 && real == t) {
                int[] at = new int[t];
                for (; p + t <= hw; p += t) {
                    for (int j = 0; j < t; j++) {
                        int q = p + j;
                        at[j] = ((plane * h + q / wd) * width + left + q % wd) * L;
                    }
                    Transpose16.machineTile(x, src + p, hw, out, at);
                }
            }
            for (; p < hw; p++) {
                int at = ((plane * h + p / wd) * width + left + p % wd) * L;
                for (int l = 0; l < real; l++) {
                    out[at + l] = x[src + l * hw + p];
                }
            }
        });
    }

    /** Pixels [p0, p1) of the NCHW residual's channels [k0, k0 + real) of image n into {@code out} as [pixel][lane]. */
    private void gather(float[] residual, int n, int k0, int real, int p0, int p1, float[] out) {
        int plane = g.oh() * g.ow();
        Transpose16.toPixelRows(residual, (n * g.cOut() + k0) * plane + p0, plane, p1 - p0, real, out, 0, L);
    }

    /** {@code rows} ([pixel][lane], pixels [p0, p1) of the output plane) into the NCHW output's channels [k0, k0 + real) of image n. */
    private void scatter(float[] rows, int n, int k0, int real, int p0, int p1, float[] y) {
        int plane = g.oh() * g.ow();
        Transpose16.fromPixelRows(rows, 0, L, p1 - p0, real, y, (n * g.cOut() + k0) * plane + p0, plane);
    }
}
