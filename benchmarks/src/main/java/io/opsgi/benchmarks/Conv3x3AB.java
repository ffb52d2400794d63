package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
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
 * ResNet-18's and SqueezeNet 1.1's 3x3 convs (prepared, no epilogue, 1 thread) on two builds of the blocked conv, each
 * loaded from its own classes directory ({@link StemAB}'s loader), calls alternated A/B in one JVM: the calling thread's
 * CPU time per call, median (and the fastest call); input and output NCHW, or both kept blocked (as the plans run them). Prints this JVM's FMA
 * ceiling measured the same way, each build's share of it, and whether A and B gave the same bits.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp (benchmarks class path) io.opsgi.benchmarks.Conv3x3AB \
 *     WARMUP_S CALLS A_CLASSES_DIR B_CLASSES_DIR [nchw|blocked|both] [shape-filter]</pre>
 */
public final class Conv3x3AB {
    private Conv3x3AB() {
    }

    public static void main(String[] args) throws Exception {
        double warmup = Double.parseDouble(args[0]);
        int calls = Integer.parseInt(args[1]);
        String layouts = args.length > 4 ? args[4] : "both";
        String filter = args.length > 5 ? args[5] : "";
        Conv2dKernel[] kernels = {StemAB.blockedConvFrom(Path.of(args[2])), StemAB.blockedConvFrom(Path.of(args[3]))};
        Parallel.setThreads(1);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        // name, cIn, h (= w), cOut, stride, padding
        Object[][] shapes = {
            {"r18 layer1 64@56", 64, 56, 64, 1, 1}, {"r18 layer2 128@28", 128, 28, 128, 1, 1},
            {"r18 layer3 256@14", 256, 14, 256, 1, 1}, {"r18 layer4 512@7", 512, 7, 512, 1, 1},
            {"r18 down 64@56->128/2", 64, 56, 128, 2, 1}, {"r18 down 128@28->256/2", 128, 28, 256, 2, 1},
            {"r18 down 256@14->512/2", 256, 14, 512, 2, 1},
            {"sq fire2 16@55->64", 16, 55, 64, 1, 1}, {"sq fire4 32@27->128", 32, 27, 128, 1, 1},
            {"sq fire6 48@13->192", 48, 13, 192, 1, 1}, {"sq fire8 64@13->256", 64, 13, 256, 1, 1}};
        double peak = StemAB.fmaPeak(cpu);
        System.out.printf(Locale.ROOT, "# load %s; A %s, B %s; FMA ceiling (CPU time, 1 thread): %.1f GFLOP/s, %d lanes%n",
                Files.readString(Path.of("/proc/loadavg")).trim(), args[2], args[3], peak, jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length());
        System.out.println("shape | in/out | A us | A GFLOP/s (% peak) | B us | B GFLOP/s (% peak) | B/A | fastest call A / B GFLOP/s | same bits");
        Random r = new Random(1);
        for (Object[] s : shapes) {
            if (!((String) s[0]).contains(filter)) {
                continue;
            }
            int c = (int) s[1], hw = (int) s[2], k = (int) s[3], st = (int) s[4], pad = (int) s[5];
            ConvGeometry g = Conv2d.geometry(Shape.of(1, c, hw, hw), Shape.of(k, c, 3, 3), Shape.of(k),
                    Conv2dAttrs.defaults().withPadding(pad).withStride(st));
            float[] w = new float[k * c * 9], b = new float[k], x = new float[c * hw * hw];
            for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
            PreparedBlockedConv2d[] p = {(PreparedBlockedConv2d) kernels[0].prepare(g, w, b, Epilogue.NONE),
                    (PreparedBlockedConv2d) kernels[1].prepare(g, w, b, Epilogue.NONE)};
            ChannelBlocks xl = new ChannelBlocks(p[0].lanes(), p[0].inputLeft(), p[0].inputLeft() + hw + Math.max(p[0].inputRight(), p[1].inputRight()));
            ChannelBlocks yl = new ChannelBlocks(p[0].lanes(), 1, 1 + g.ow() + 1);
            float[] xb = new float[(int) xl.size(1, c, hw, hw)];
            xl.fromNchw(1, c, hw, hw, x, xb);
            double flops = 2.0 * k * g.oh() * g.ow() * c * 9;
            for (int blocked = 0; blocked < 2; blocked++) {
                if (layouts.equals(blocked == 0 ? "blocked" : "nchw")) {
                    continue;
                }
                float[][] y = blocked == 0 ? new float[][] {new float[k * g.oh() * g.ow()], new float[k * g.oh() * g.ow()]}
                        : new float[][] {new float[(int) yl.size(1, k, g.oh(), g.ow())], new float[(int) yl.size(1, k, g.oh(), g.ow())]};
                long end = System.nanoTime() + (long) (warmup * 1e9);
                long[][] t = new long[2][calls];
                for (int i = -1; i < calls; i++) {
                    do {
                        for (int j = 0; j < 2; j++) {
                            int v = (i + j + 2) % 2;
                            long c0 = cpu.getCurrentThreadCpuTime();
                            if (blocked == 0) p[v].run(x, null, y[v]); else p[v].run(xb, xl, null, null, y[v], yl);
                            long dt = cpu.getCurrentThreadCpuTime() - c0;
                            if (i >= 0) t[v][i] = dt;
                        }
                    } while (i < 0 && System.nanoTime() < end);
                }
                Arrays.sort(t[0]);
                Arrays.sort(t[1]);
                double a = t[0][calls / 2] / 1e3, bb = t[1][calls / 2] / 1e3;
                double ga = flops / a / 1e3, gb = flops / bb / 1e3;
                System.out.printf(Locale.ROOT, "%s | %s | %.0f | %.1f (%.0f%%) | %.0f | %.1f (%.0f%%) | %.3f | %.1f / %.1f | %s%n", s[0], blocked == 0 ? "NCHW" : "blocked",
                        a, ga, 100 * ga / peak, bb, gb, 100 * gb / peak, bb / a, flops / t[0][0], flops / t[1][0], Arrays.equals(y[0], y[1]));
            }
        }
    }

}
