package io.opsgi.benchmarks;

import io.opsgi.kernel.conv2d.gemm.GemmConv2d;
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
 * The gemm conv's prepared 1x1 run on the 1x1 geometries of MobileNetV2, SqueezeNet 1.1 and ResNet-18's downsample: the
 * NCHW GEMM (A) against the channel-blocked micro-kernel with x and y blocked (B, y with one zero column each side, as a
 * depthwise 3x3 reader asks), x NCHW and y blocked (C: a blocked run starts) and x blocked and y NCHW (D: a run ends),
 * alternated call by call in one JVM; the calling thread's CPU time per call (1 thread), so other processes' load does
 * not enter. Bias, no activation.
 *
 * <pre>java ... io.opsgi.benchmarks.PointwiseBlockedAB [seconds-warmup] [calls] [regex on "cIn->cOut@hw"]</pre>
 */
public final class PointwiseBlockedAB {
    private PointwiseBlockedAB() {
    }

    public static void main(String[] args) throws Exception {
        double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(args.length > 2 ? args[2] : ".*");
        Parallel.setThreads(1);
        // cIn, h = w, cOut, stride
        int[][] shapes = {{16, 112, 96, 1}, {96, 56, 24, 1}, {24, 56, 144, 1}, {144, 56, 24, 1}, {32, 28, 192, 1}, {192, 28, 32, 1},
                {64, 14, 384, 1}, {384, 14, 64, 1}, {96, 14, 576, 1}, {576, 14, 96, 1}, {160, 7, 960, 1}, {960, 7, 160, 1}, {320, 7, 1280, 1},
                {128, 55, 16, 1}, {16, 55, 64, 1}, {512, 13, 1000, 1}, {64, 56, 128, 2}};
        System.out.printf(Locale.ROOT, "# load average: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("cIn -> cOut @hw sN | us (CPU median): A NCHW GEMM | B blocked in/out | C NCHW in, blocked out | D blocked in, NCHW out"
                + " | GFLOP/s A / B / C / D | B/A");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Random r = new Random(1);
        for (int[] s : shapes) {
            int c = s[0], hw = s[1], k = s[2], stride = s[3];
            if (!only.matcher(c + "->" + k + "@" + hw).matches()) {
                continue;
            }
            ConvGeometry g = Conv2d.geometry(Shape.of(1, c, hw, hw), Shape.of(k, c, 1, 1), Shape.of(k), Conv2dAttrs.defaults().withStride(stride));
            float[] w = new float[k * c], b = new float[k], x = new float[c * hw * hw];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            PreparedBlockedConv2d p = (PreparedBlockedConv2d) new GemmConv2d().prepare(g, w, b, Epilogue.NONE);
            ChannelBlocks xl = new ChannelBlocks(p.lanes(), 0, hw), yl = new ChannelBlocks(p.lanes(), 1, g.ow() + 2);
            float[] xb = new float[(int) xl.size(1, c, hw, hw)];
            xl.fromNchw(1, c, hw, hw, x, xb);
            float[] ya = new float[k * g.oh() * g.ow()], yd = ya.clone(), yb = new float[(int) yl.size(1, k, g.oh(), g.ow())], yc = yb.clone();
            Runnable[] v = {() -> p.run(x, null, ya), () -> p.run(xb, xl, null, null, yb, yl), () -> p.run(x, null, null, null, yc, yl),
                    () -> p.run(xb, xl, null, null, yd, null)};
            long end = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < end) {
                for (Runnable run : v) {
                    run.run();
                }
            }
            float[] back = new float[ya.length];
            yl.toNchw(1, k, g.oh(), g.ow(), yb, back);
            if (!Arrays.equals(back, yd) || !Arrays.equals(yb, yc)) {
                throw new AssertionError("the blocked layouts give other bits for " + g);
            }
            long[][] t = new long[v.length][calls];
            for (int i = 0; i < calls; i++) {
                for (int j = 0; j < v.length; j++) {
                    int which = (i + j) % v.length;
                    long c0 = cpu.getCurrentThreadCpuTime();
                    v[which].run();
                    t[which][i] = cpu.getCurrentThreadCpuTime() - c0;
                }
            }
            double flops = 2.0 * k * g.oh() * g.ow() * c;
            double[] us = new double[v.length];
            StringBuilder gf = new StringBuilder();
            for (int j = 0; j < v.length; j++) {
                Arrays.sort(t[j]);
                us[j] = t[j][calls / 2] / 1e3;
                gf.append(j == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.0f", flops / us[j] / 1e3));
            }
            System.out.printf(Locale.ROOT, "%d -> %d @%d s%d | %.0f | %.0f | %.0f | %.0f | %s | %.2f%n", c, k, hw, stride, us[0], us[1], us[2], us[3], gf,
                    us[1] / us[0]);
        }
    }
}
