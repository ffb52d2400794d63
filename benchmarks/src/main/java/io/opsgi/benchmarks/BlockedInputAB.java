package io.opsgi.benchmarks;

import io.opsgi.kernel.conv2d.blocked.BlockedConv2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.tensor.Shape;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The blocked conv's prepared run on ResNet-18's 3x3 geometries, its input NCHW (converted per call: windows for stride 1,
 * channels last for stride 2) against its input kept blocked (read in place), output NCHW in both, alternated call by call
 * in one JVM; the calling thread's CPU time per call (1 thread), so other processes' load does not enter.
 *
 * <pre>java ... io.opsgi.benchmarks.BlockedInputAB [seconds-warmup] [calls]</pre>
 */
public final class BlockedInputAB {
    private BlockedInputAB() {
    }

    public static void main(String[] args) throws Exception {
        double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Parallel.setThreads(1);
        int[][] shapes = {{64, 56, 64, 1}, {128, 28, 128, 1}, {256, 14, 256, 1}, {512, 7, 512, 1}, {64, 56, 128, 2}, {128, 28, 256, 2}, {256, 14, 512, 2}};
        System.out.printf(Locale.ROOT, "# load average: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("cIn x h, cOut, stride | NCHW input us (CPU median) | blocked input us | blocked/NCHW | GFLOP/s NCHW / blocked");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Random r = new Random(1);
        for (int[] s : shapes) {
            int c = s[0], hw = s[1], k = s[2], stride = s[3];
            ConvGeometry g = Conv2d.geometry(Shape.of(1, c, hw, hw), Shape.of(k, c, 3, 3), Shape.of(k), Conv2dAttrs.defaults().withPadding(1).withStride(stride));
            float[] w = new float[k * c * 9], b = new float[k], x = new float[c * hw * hw];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            PreparedBlockedConv2d p = (PreparedBlockedConv2d) new BlockedConv2d().prepare(g, w, b, Epilogue.NONE);
            ChannelBlocks xl = new ChannelBlocks(p.lanes(), p.inputLeft(), p.inputLeft() + hw + p.inputRight());
            float[] xb = new float[(int) xl.size(1, c, hw, hw)];
            xl.fromNchw(1, c, hw, hw, x, xb);
            float[] y0 = new float[g.cOut() * g.oh() * g.ow()], y1 = y0.clone();
            long end = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < end) {
                p.run(x, null, y0);
                p.run(xb, xl, null, null, y1, null);
            }
            if (!Arrays.equals(y0, y1)) {
                throw new AssertionError("blocked input gives other bits for " + g);
            }
            long[][] t = new long[2][calls];
            for (int i = 0; i < calls; i++) {
                for (int j = 0; j < 2; j++) {
                    int which = (i + j) % 2;
                    long c0 = cpu.getCurrentThreadCpuTime();
                    if (which == 0) {
                        p.run(x, null, y0);
                    } else {
                        p.run(xb, xl, null, null, y1, null);
                    }
                    t[which][i] = cpu.getCurrentThreadCpuTime() - c0;
                }
            }
            Arrays.sort(t[0]);
            Arrays.sort(t[1]);
            double a = t[0][calls / 2] / 1e3, bl = t[1][calls / 2] / 1e3, flops = 2.0 * k * g.oh() * g.ow() * c * 9;
            System.out.printf(Locale.ROOT, "%d x %d, %d, %d | %.0f | %.0f | %.3f | %.0f / %.0f%n", c, hw, k, stride, a, bl, bl / a, flops / a / 1e3, flops / bl / 1e3);
        }
    }
}
