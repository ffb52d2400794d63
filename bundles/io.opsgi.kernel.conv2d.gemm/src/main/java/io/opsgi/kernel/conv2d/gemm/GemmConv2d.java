package io.opsgi.kernel.conv2d.gemm;

import io.opsgi.kernel.gemm.BPacker;
import io.opsgi.kernel.gemm.RowOutput;
import io.opsgi.kernel.gemm.Sgemm;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.PreparedConv;
import io.opsgi.kernel.support.VectorEpilogue;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.PreparedConv2d;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * conv2d as one matrix product per image and group (OPERATOR-SEMANTICS §1 read as a GEMM):
 * <pre>
 * Y_g[Og x OH·OW] = W_g[Og x Cg·kh·kw] · col_g[Cg·kh·kw x OH·OW]
 * </pre>
 * W_g is the weight rows of group g as stored (OIHW is already row-major in (c, i, j)), and col_g
 * the im2col matrix, which {@link Im2colPacker} writes straight into the GEMM's packed panels. A
 * 1x1, stride-1, unpadded convolution needs no im2col at all: the input planes of the group are
 * col_g itself. The bias is added, and the epilogue applied, by the GEMM's store of each tile
 * ({@link RowOutput}: the rows of Y_g are output channels), not by passes over Y.
 *
 * <p>Threads: a product big enough to split runs on all threads, one image-group after the other;
 * many small products (groups, batches) run one per thread instead, each thread with its own
 * input scratch.
 *
 * <p>Prepared ({@link #prepare}): the weights are packed once per group into the GEMM's A panels
 * ({@link Sgemm#pack}; unprepared calls pack them block by block on every call), and the epilogue runs on each tile of
 * the product as it is stored, instead of as separate layers each with a pass over the whole output; a call below
 * {@link Parallel#INLINE_FLOPS} runs on the calling thread alone. A 1x1 conv (groups 1, unpadded, any stride) is
 * prepared as a {@link PointwiseBlocked}: the same GEMM for NCHW, and an NCHWc micro-kernel when the plan keeps its
 * input, residual or output channel-blocked ({@link io.opsgi.op.ChannelBlocks}).
 *
 * <p>Every geometry is served, depthwise too: there each product has one weight row, so the
 * 8-row register tile is 1/8 used, yet it still measured 3.5-6x faster than the reference loop
 * (MobileNetV2 3x3 depthwise, 1 thread, best of 30); a dedicated depthwise kernel ranked above
 * this one is the fast path for those.
 */
@Component(service = {Kernel.class, Conv2dKernel.class})
@KernelInfo(op = "conv2d", variant = "gemm")
@ServiceRanking(100)
public final class GemmConv2d implements Conv2dKernel {
    /** Below this many flops per product, splitting one product among threads costs more than it gains. */
    private static final long SPLIT_MIN_FLOPS = 1L << 22;

    /** Each calling or pool thread's padded, phase-split input copy, reused across calls. */
    private static final ThreadLocal<float[]> PHASED = ThreadLocal.withInitial(() -> new float[0]);

    /** The blocked 1x1's strip width, or 0 for this machine's choice ({@code VectorRegisters.stripPixels}). */
    private final int pointwisePixels;

    public GemmConv2d() {
        this(0);
    }

    /** With the blocked 1x1 on strips of {@code pointwisePixels} (one of {@link PointwiseWidths}): tests run every width. */
    GemmConv2d(int pointwisePixels) {
        this.pointwisePixels = pointwisePixels;
    }

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        compute(g, x, w, null, bias, null, null, y);
    }

    @Override
    public PreparedConv2d prepare(ConvGeometry g, float[] w, float[] bias, Epilogue epilogue) {
        PreparedConv2d plain = PreparedConv.of(this, g, epilogue, () -> {
            int og = g.cOutPerGroup(), k = g.cInPerGroup() * g.kh() * g.kw();
            Sgemm.PackedA[] weights = new Sgemm.PackedA[g.groups()];
            for (int group = 0; group < weights.length; group++) {
                weights[group] = Sgemm.pack(false, og, k, w, group * og * k, k);
            }
            float[] b = bias == null ? null : bias.clone();
            VectorEpilogue e = VectorEpilogue.of(epilogue);
            return (x, residual, y) -> compute(g, x, null, weights, b, e, residual, y);
        });
        return PointwiseBlocked.serves(g) ? new PointwiseBlocked(plain, g, w, bias, epilogue, pointwisePixels) : plain;
    }

    /** The products with weights {@code w} as given, or packed per group ({@code packed}, prepared). */
    private static void compute(ConvGeometry g, float[] x, float[] w, Sgemm.PackedA[] packed, float[] bias, VectorEpilogue e,
            float[] residual, float[] y) {
        int og = g.cOutPerGroup(), k = g.cInPerGroup() * g.kh() * g.kw(), outPlane = g.oh() * g.ow();
        int products = g.n() * g.groups(), threads = Parallel.threads();
        long flops = 2L * og * outPlane * k;
        if (products >= 2 * threads || flops < SPLIT_MIN_FLOPS) {
            Parallel.forEach(products, u -> product(g, x, w, packed, bias, e, residual, y, u, 1));
        } else {
            for (int u = 0; u < products; u++) {
                product(g, x, w, packed, bias, e, residual, y, u, threads);
            }
        }
    }

    /** Y_g of image u / groups, group u % groups, on up to {@code threads} threads. */
    private static void product(ConvGeometry g, float[] x, float[] w, Sgemm.PackedA[] packed, float[] bias, VectorEpilogue e,
            float[] residual, float[] y, int u, int threads) {
        int n = u / g.groups(), group = u % g.groups();
        int cg = g.cInPerGroup(), og = g.cOutPerGroup(), k = cg * g.kh() * g.kw();
        int outPlane = g.oh() * g.ow(), firstIn = group * cg, firstOut = group * og;
        int yAt = (n * g.cOut() + firstOut) * outPlane;
        BPacker col;
        if (isPointwise(g)) {
            int inPlane = g.h() * g.w(); // == outPlane
            col = BPacker.dense(x, (n * g.cIn() + firstIn) * inPlane, inPlane, false);
        } else {
            PhasedInput src = PhasedInput.of(g, x, n, firstIn, PHASED);
            col = new Im2colPacker(src, g.kh(), g.kw(), g.dilationH(), g.dilationW(), g.ow());
        }
        RowOutput out = new RowOutput(bias, firstOut, e, residual);
        if (packed != null) {
            Sgemm.multiply(packed[group], outPlane, col, out, y, yAt, outPlane, threads);
        } else {
            Sgemm.multiply(false, og, outPlane, k, w, firstOut * k, k, col, out, y, yAt, outPlane, threads);
        }
    }

    /** 1x1, stride 1, no padding: output position t reads input position t, so im2col is the identity. */
    private static boolean isPointwise(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padTop() == 0 && g.padLeft() == 0
                && g.oh() == g.h() && g.ow() == g.w();
    }
}
