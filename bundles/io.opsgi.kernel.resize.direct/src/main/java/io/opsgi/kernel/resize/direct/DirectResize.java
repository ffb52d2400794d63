package io.opsgi.kernel.resize.direct;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.ResizeAttrs.Mode;
import io.opsgi.op.ResizeGeometry;
import io.opsgi.op.ResizeGeometry.CubicTaps;
import io.opsgi.op.ResizeGeometry.LinearTaps;
import io.opsgi.op.ResizeKernel;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference resize (ONNX Resize). Source indices and weights come from the contract's geometry;
 * this kernel gathers:
 * <ul>
 * <li>nearest: {@code y[oh, ow] = x[row(oh), col(ow)]}, a copy;</li>
 * <li>linear: along W first, then H, as onnx 1.12's {@code interpolate_nd} nests its axes, in double
 *     and rounded to float once: {@code (x[i0,j0]·w0 + x[i0,j1]·w1)·v0 + (x[i1,j0]·w0 + x[i1,j1]·w1)·v1};</li>
 * <li>cubic: the same nesting over four taps per axis, in double, rounded once:
 *     {@code Σ_i (Σ_j x[r_i, c_j]·w_j)·v_i}.</li>
 * </ul>
 * Positions are computed once per call, not per element.
 */
@Component(service = {Kernel.class, ResizeKernel.class})
@KernelInfo(op = "resize", variant = "direct")
@ServiceRanking(0)
public final class DirectResize implements ResizeKernel {

    @Override
    public void resize(ResizeGeometry g, float[] x, float[] y) {
        if (g.mode() == Mode.NEAREST) {
            nearest(g, x, y);
        } else if (g.mode() == Mode.LINEAR) {
            linear(g, x, y);
        } else {
            cubic(g, x, y);
        }
    }

    private static void nearest(ResizeGeometry g, float[] x, float[] y) {
        int[] rows = new int[g.oh()], cols = new int[g.ow()];
        for (int o = 0; o < rows.length; o++) {
            rows[o] = g.nearestRow(o);
        }
        for (int o = 0; o < cols.length; o++) {
            cols[o] = g.nearestColumn(o);
        }
        int inPlane = g.h() * g.w();
        for (int p = 0, out = 0; p < g.planes(); p++) {
            int plane = p * inPlane;
            for (int r : rows) {
                int row = plane + r * g.w();
                for (int c : cols) {
                    y[out++] = x[row + c];
                }
            }
        }
    }

    private static void linear(ResizeGeometry g, float[] x, float[] y) {
        LinearTaps rows = g.linearRows(), cols = g.linearColumns();
        int inPlane = g.h() * g.w();
        for (int p = 0, out = 0; p < g.planes(); p++) {
            int plane = p * inPlane;
            for (int i = 0; i < g.oh(); i++) {
                int row0 = plane + rows.index0()[i] * g.w(), row1 = plane + rows.index1()[i] * g.w();
                double v0 = rows.weight0()[i], v1 = rows.weight1()[i];
                for (int j = 0; j < g.ow(); j++) {
                    int c0 = cols.index0()[j], c1 = cols.index1()[j];
                    double w0 = cols.weight0()[j], w1 = cols.weight1()[j];
                    double top = x[row0 + c0] * w0 + x[row0 + c1] * w1;
                    double bottom = x[row1 + c0] * w0 + x[row1 + c1] * w1;
                    y[out++] = (float) (top * v0 + bottom * v1);
                }
            }
        }
    }

    private static void cubic(ResizeGeometry g, float[] x, float[] y) {
        CubicTaps rows = g.cubicRows(), cols = g.cubicColumns();
        int inPlane = g.h() * g.w();
        for (int p = 0, out = 0; p < g.planes(); p++) {
            int plane = p * inPlane;
            for (int i = 0; i < g.oh(); i++) {
                for (int j = 0; j < g.ow(); j++) {
                    double sum = 0;
                    for (int a = 0; a < 4; a++) {
                        int row = plane + rows.index()[a][i] * g.w();
                        double blend = 0;
                        for (int b = 0; b < 4; b++) {
                            blend += x[row + cols.index()[b][j]] * cols.weight()[b][j];
                        }
                        sum += blend * rows.weight()[a][i];
                    }
                    y[out++] = (float) sum;
                }
            }
        }
    }
}
