package io.opsgi.kernel.upsample.direct;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.UpsampleGeometry;
import io.opsgi.op.UpsampleGeometry.CubicTaps;
import io.opsgi.op.UpsampleGeometry.LinearTaps;
import io.opsgi.op.UpsampleKernel;
import io.opsgi.op.UpsampleMode;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference upsample (nn.Upsample). Source positions and weights come from the contract's
 * geometry, in PyTorch's float arithmetic; this kernel gathers:
 * <ul>
 * <li>nearest: {@code y[oh, ow] = x[row(oh), col(ow)]}, a copy (bit-exact);</li>
 * <li>bilinear: the two source columns are blended first, then the two rows, as ATen's generic
 *     kernel nests them: {@code ((x[i0,j0]·λw0 + x[i0,j1]·λw1)·λh0 + (x[i1,j0]·λw0 + x[i1,j1]·λw1)·λh1)}.
 *     PyTorch derives the weights in slightly different precision (and may fuse multiply-adds), so
 *     results agree within a tolerance that grows with the input size, not bit for bit;</li>
 * <li>bicubic: per output, each of the four source rows is blended over its four columns, then the
 *     four row results over the rows, in float, each sum from tap 0 up, as ATen's generic
 *     {@code Interpolate} nests them: {@code Σ_i (Σ_j x[r_i, c_j]·w_j)·v_i}.</li>
 * </ul>
 * The per-row and per-column positions are computed once per call, not per element.
 */
@Component(service = {Kernel.class, UpsampleKernel.class})
@KernelInfo(op = "upsample", variant = "direct")
@ServiceRanking(0)
public final class DirectUpsample implements UpsampleKernel {

    @Override
    public void upsample(UpsampleGeometry g, float[] x, float[] y) {
        if (g.mode() == UpsampleMode.NEAREST) {
            nearest(g, x, y);
        } else if (g.mode() == UpsampleMode.BILINEAR) {
            bilinear(g, x, y);
        } else {
            bicubic(g, x, y);
        }
    }

    private static void nearest(UpsampleGeometry g, float[] x, float[] y) {
        int[] rows = new int[g.oh()], cols = new int[g.ow()];
        for (int o = 0; o < rows.length; o++) {
            rows[o] = g.nearestRow(o);
        }
        for (int o = 0; o < cols.length; o++) {
            cols[o] = g.nearestColumn(o);
        }
        int inPlane = g.h() * g.w(), outPlane = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            int in = p * inPlane, out = p * outPlane;
            for (int oh = 0; oh < g.oh(); oh++) {
                int src = in + rows[oh] * g.w(), dst = out + oh * g.ow();
                for (int ow = 0; ow < g.ow(); ow++) {
                    y[dst + ow] = x[src + cols[ow]];
                }
            }
        }
    }

    private static void bilinear(UpsampleGeometry g, float[] x, float[] y) {
        LinearTaps r = g.linearRows(), c = g.linearColumns();
        int w = g.w(), inPlane = g.h() * w, outPlane = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            int in = p * inPlane, out = p * outPlane;
            for (int oh = 0; oh < g.oh(); oh++) {
                int row0 = in + r.index0()[oh] * w, row1 = in + r.index1()[oh] * w;
                float h0 = r.lambda0()[oh], h1 = r.lambda1()[oh];
                int dst = out + oh * g.ow();
                for (int ow = 0; ow < g.ow(); ow++) {
                    int j0 = c.index0()[ow], j1 = c.index1()[ow];
                    float w0 = c.lambda0()[ow], w1 = c.lambda1()[ow];
                    float top = x[row0 + j0] * w0 + x[row0 + j1] * w1;
                    float bottom = x[row1 + j0] * w0 + x[row1 + j1] * w1;
                    y[dst + ow] = top * h0 + bottom * h1;
                }
            }
        }
    }

    private static void bicubic(UpsampleGeometry g, float[] x, float[] y) {
        CubicTaps r = g.cubicRows(), c = g.cubicColumns();
        int w = g.w(), inPlane = g.h() * w, outPlane = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            int in = p * inPlane, out = p * outPlane;
            for (int oh = 0; oh < g.oh(); oh++) {
                int dst = out + oh * g.ow();
                for (int ow = 0; ow < g.ow(); ow++) {
                    float sum = 0;
                    for (int i = 0; i < 4; i++) {
                        int row = in + r.index()[i][oh] * w;
                        float blend = x[row + c.index()[0][ow]] * c.weight()[0][ow];
                        for (int j = 1; j < 4; j++) {
                            blend += x[row + c.index()[j][ow]] * c.weight()[j][ow];
                        }
                        sum = i == 0 ? blend * r.weight()[0][oh] : sum + blend * r.weight()[i][oh];
                    }
                    y[dst + ow] = sum;
                }
            }
        }
    }
}
