package io.opsgi.benchmarks;

import io.opsgi.kernel.conv2d.depthwise.DepthwiseConv2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
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
 * The depthwise conv's prepared run (bias + relu6, as MobileNetV2's) on MobileNetV2's depthwise geometries, four ways
 * alternated call by call in one JVM: NCHW in and out (the plane path), blocked in and out (a conv inside a blocked run),
 * NCHW in and blocked out (the first of a run), blocked in and NCHW out (the last). The calling thread's CPU time per
 * call (1 thread), so other processes' load does not enter; median of the calls.
 *
 * <pre>java ... io.opsgi.benchmarks.DepthwiseBlockedAB [seconds-warmup-per-shape] [calls]</pre>
 */
public final class DepthwiseBlockedAB {
    private DepthwiseBlockedAB() {
    }

    public static void main(String[] args) throws Exception {
        double warmup = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Parallel.setThreads(1);
        // channels, input size, stride
        int[][] shapes = {{32, 112, 1}, {96, 112, 2}, {144, 56, 1}, {144, 56, 2}, {192, 28, 1}, {192, 28, 2}, {384, 14, 1}, {576, 14, 1},
            {576, 14, 2}, {960, 7, 1}};
        System.out.printf(Locale.ROOT, "# load average: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("c x h, stride | us (CPU median): NCHW>NCHW, blocked>blocked, NCHW>blocked, blocked>NCHW | GFLOP/s same order"
                + " | ns per output NCHW / blocked | blocked/NCHW");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Random r = new Random(1);
        Epilogue relu6 = Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU6));
        for (int[] s : shapes) {
            int c = s[0], hw = s[1], stride = s[2];
            ConvGeometry g = Conv2d.geometry(Shape.of(1, c, hw, hw), Shape.of(c, 1, 3, 3), Shape.of(c),
                    Conv2dAttrs.defaults().withPadding(1).withStride(stride).withGroups(c));
            float[] w = new float[c * 9], b = new float[c], x = new float[c * hw * hw];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            PreparedBlockedConv2d p = (PreparedBlockedConv2d) new DepthwiseConv2d().prepare(g, w, b, relu6);
            ChannelBlocks xl = new ChannelBlocks(p.lanes(), p.inputLeft(), p.inputLeft() + hw + p.inputRight());
            ChannelBlocks yl = new ChannelBlocks(p.lanes(), 1, g.ow() + 2); // what a following 3x3 reader would ask for
            float[] xb = new float[(int) xl.size(1, c, hw, hw)];
            xl.fromNchw(1, c, hw, hw, x, xb);
            int out = g.cOut() * g.oh() * g.ow();
            float[] y0 = new float[out], y3 = new float[out], y1 = new float[(int) yl.size(1, c, g.oh(), g.ow())], y2 = y1.clone();
            Runnable[] ways = {
                () -> p.run(x, null, y0),
                () -> p.run(xb, xl, null, null, y1, yl),
                () -> p.run(x, null, null, null, y2, yl),
                () -> p.run(xb, xl, null, null, y3, null),
            };
            long end = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < end) {
                for (Runnable way : ways) {
                    way.run();
                }
            }
            float[] back = new float[out];
            yl.toNchw(1, c, g.oh(), g.ow(), y1, back);
            if (!Arrays.equals(y0, back) || !Arrays.equals(y1, y2) || !Arrays.equals(y0, y3)) {
                throw new AssertionError("the blocked runs give other bits for " + g);
            }
            long[][] t = new long[ways.length][calls];
            for (int i = 0; i < calls; i++) {
                for (int j = 0; j < ways.length; j++) {
                    int which = (i + j) % ways.length;
                    long c0 = cpu.getCurrentThreadCpuTime();
                    ways[which].run();
                    t[which][i] = cpu.getCurrentThreadCpuTime() - c0;
                }
            }
            double flops = 2.0 * out * 9;
            double[] us = new double[ways.length];
            for (int j = 0; j < ways.length; j++) {
                Arrays.sort(t[j]);
                us[j] = t[j][calls / 2] / 1e3;
            }
            System.out.printf(Locale.ROOT, "%d x %d, s%d | %.1f, %.1f, %.1f, %.1f | %.0f, %.0f, %.0f, %.0f | %.2f / %.2f | %.2f%n", c, hw, stride,
                    us[0], us[1], us[2], us[3], flops / us[0] / 1e3, flops / us[1] / 1e3, flops / us[2] / 1e3, flops / us[3] / 1e3,
                    us[0] * 1e3 / out, us[1] * 1e3 / out, us[1] / us[0]);
        }
    }
}
