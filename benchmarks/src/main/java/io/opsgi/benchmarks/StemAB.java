package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
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
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three models' first convs (cIn = 3), prepared with their epilogues, NCHW and blocked output, on two builds of the
 * blocked conv, each loaded from its own classes directory by its own class loader, calls alternated A/B in one JVM:
 * 1 thread: the calling thread's CPU time per call (other processes' load does not enter, except through shared caches
 * and cores); 2 threads: wall time. Also prints this JVM's FMA ceiling in CPU time, and the largest |A - B|.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp (benchmarks class path) io.opsgi.benchmarks.StemAB \
 *     WARMUP_S CALLS THREADS A_CLASSES_DIR B_CLASSES_DIR</pre>
 * (e.g. A: {@code bundles/io.opsgi.kernel.conv2d.blocked/target/classes} copied at one commit, B at another).
 */
public final class StemAB {
    private StemAB() {
    }

    static float sink;

    /** Loads the blocked conv's package from its own directory first (the class path may hold another build of it). */
    private static final class OwnBlockedConv extends URLClassLoader {
        OwnBlockedConv(URL classes) {
            super(new URL[] {classes}, StemAB.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (!name.startsWith("io.opsgi.kernel.conv2d.blocked.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> c = findLoadedClass(name);
                return c != null ? c : findClass(name);
            }
        }
    }

    /** Best of the last 200 of 400 rounds of 12 independent FMA chains on the preferred species, flops per CPU-second / 1e9. */
    static double fmaPeak(ThreadMXBean cpu) {
        double best = 0;
        int steps = 1 << 16, lanes = FloatVector.SPECIES_PREFERRED.length();
        for (int round = 0; round < 400; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            sink += chains(steps, 0.9999f + sink * 1e-30f);
            long dt = cpu.getCurrentThreadCpuTime() - t0;
            if (round >= 200) best = Math.max(best, 2.0 * 12 * steps * lanes / (dt / 1e9) / 1e9);
        }
        return best;
    }

    static float chains(int steps, float mm) {
        VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        var m = FloatVector.broadcast(S, mm);
        var c = FloatVector.broadcast(S, 1e-4f);
        var a0 = c; var a1 = c; var a2 = c; var a3 = c; var a4 = c; var a5 = c; var a6 = c; var a7 = c; var a8 = c; var a9 = c; var a10 = c; var a11 = c;
        int i = 0;
        do {
            // The kernels' form, the chain through the addend: a = a·m + c ran at 78-79 GFLOP/s on the AVX2 EPYC of
            // 2026-12-07 where this form ran at 92-93 (the chain through a multiplicand is longer there).
            a0 = m.fma(c, a0); a1 = m.fma(c, a1); a2 = m.fma(c, a2); a3 = m.fma(c, a3); a4 = m.fma(c, a4); a5 = m.fma(c, a5);
            a6 = m.fma(c, a6); a7 = m.fma(c, a7); a8 = m.fma(c, a8); a9 = m.fma(c, a9); a10 = m.fma(c, a10); a11 = m.fma(c, a11);
        } while (++i < steps);
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(VectorOperators.ADD);
    }

    /** A blocked conv loaded from its own classes directory. */
    static Conv2dKernel blockedConvFrom(Path classes) throws Exception {
        ClassLoader l = new OwnBlockedConv(classes.toUri().toURL());
        return (Conv2dKernel) l.loadClass("io.opsgi.kernel.conv2d.blocked.BlockedConv2d").getConstructor().newInstance();
    }

    public static void main(String[] args) throws Exception {
        double warmup = Double.parseDouble(args[0]);
        int calls = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        Conv2dKernel[] kernels = new Conv2dKernel[2];
        for (int v = 0; v < 2; v++) {
            kernels[v] = blockedConvFrom(Path.of(args[3 + v]));
        }
        Parallel.setThreads(threads);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Object[][] stems = {
            {"r18_conv1 7x7/2 p3", 224, 64, 7, 2, 3, Activation.RELU},
            {"sq_features0 3x3/2 p0", 224, 64, 3, 2, 0, Activation.RELU},
            {"mbv2_features0 3x3/2 p1", 224, 32, 3, 2, 1, Activation.RELU6}};
        System.out.printf(Locale.ROOT, "# load %s, threads %d; A %s, B %s%n", Files.readString(Path.of("/proc/loadavg")).trim(), threads, args[3], args[4]);
        System.out.printf(Locale.ROOT, "# FMA ceiling (12 register chains, CPU time, 1 thread): %.0f GFLOP/s%n", fmaPeak(cpu));
        System.out.println("stem | out | A us | A GFLOP/s | B us | B GFLOP/s | B/A");
        Random r = new Random(1);
        for (Object[] s : stems) {
            int hw = (int) s[1], k = (int) s[2], kk = (int) s[3], st = (int) s[4], pad = (int) s[5];
            ConvGeometry g = Conv2d.geometry(Shape.of(1, 3, hw, hw), Shape.of(k, 3, kk, kk), Shape.of(k), Conv2dAttrs.defaults().withPadding(pad).withStride(st));
            float[] w = new float[k * 3 * kk * kk], b = new float[k], x = new float[3 * hw * hw];
            for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
            Epilogue e = Epilogue.NONE.withActivation(ActivationAttrs.of((Activation) s[6]));
            PreparedBlockedConv2d[] p = {(PreparedBlockedConv2d) kernels[0].prepare(g, w, b, e), (PreparedBlockedConv2d) kernels[1].prepare(g, w, b, e)};
            ChannelBlocks yl = new ChannelBlocks(p[0].lanes(), 1, 1 + g.ow() + 1);
            float[][] y = {new float[g.cOut() * g.oh() * g.ow()], new float[g.cOut() * g.oh() * g.ow()],
                    new float[(int) yl.size(1, k, g.oh(), g.ow())], new float[(int) yl.size(1, k, g.oh(), g.ow())]};
            for (int blocked = 0; blocked < 2; blocked++) {
                long end = System.nanoTime() + (long) (warmup * 1e9);
                long[][] t = new long[2][calls];
                for (int i = -1; i < calls; i++) {
                    do {
                        for (int j = 0; j < 2; j++) {
                            int v = (i + j + 2) % 2;
                            long c0 = threads == 1 ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
                            if (blocked == 0) p[v].run(x, null, y[v]); else p[v].run(x, null, null, null, y[2 + v], yl);
                            long dt = (threads == 1 ? cpu.getCurrentThreadCpuTime() : System.nanoTime()) - c0;
                            if (i >= 0) t[v][i] = dt;
                        }
                    } while (i < 0 && System.nanoTime() < end);
                }
                float maxDiff = 0;
                for (int q = 0; q < y[2 * blocked].length; q++) maxDiff = Math.max(maxDiff, Math.abs(y[2 * blocked][q] - y[2 * blocked + 1][q]));
                Arrays.sort(t[0]); Arrays.sort(t[1]);
                double a = t[0][calls / 2] / 1e3, bb = t[1][calls / 2] / 1e3, flops = 2.0 * k * g.oh() * g.ow() * 3 * kk * kk;
                System.out.printf(Locale.ROOT, "%s | %s | %.0f | %.0f | %.0f | %.0f | %.3f (max |A-B| %.2g)%n", s[0], blocked == 0 ? "NCHW" : "blocked", a, flops / a / 1e3, bb, flops / bb / 1e3, bb / a, maxDiff);
            }
        }
    }
}
