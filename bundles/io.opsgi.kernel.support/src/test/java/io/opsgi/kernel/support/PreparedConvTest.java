package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedConv2d;
import io.opsgi.tensor.Shape;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PreparedConvTest {
    private static final Conv2dKernel KERNEL = (g, x, w, b, y) -> { };

    private static ConvGeometry geometry(int n) {
        return Conv2d.geometry(Shape.of(n, 2, 3, 3), Shape.of(4, 2, 1, 1), null, Conv2dAttrs.defaults());
    }

    @Test
    void aWrongEpilogueIsRefusedBeforeAnythingIsPacked() {
        AtomicInteger packed = new AtomicInteger();
        Epilogue threeShifts = Epilogue.of(null, new float[3], false, null);
        assertThrows(IllegalArgumentException.class, () -> PreparedConv.of(KERNEL, geometry(1), threeShifts, () -> {
            packed.incrementAndGet();
            return (x, r, y) -> { };
        }));
        assertEquals(0, packed.get(), "the kernel's prepare ran for an epilogue of 3 channels on a conv of 4");
    }

    @Test
    void runsTheBodyOnTheCallersThreadWhenSmallAndSkipsEmptyGeometries() {
        Thread[] ranOn = new Thread[1];
        PreparedConv2d p = PreparedConv.of(KERNEL, geometry(1), Epilogue.NONE, () -> (x, r, y) -> {
            ranOn[0] = Thread.currentThread();
            y[0] = x[0] + 1;
        });
        assertSame(KERNEL, p.kernel());
        assertEquals(geometry(1), p.geometry());
        float[] y = new float[36];
        p.run(new float[] {41}, null, y);
        assertEquals(42f, y[0]);
        assertSame(Thread.currentThread(), ranOn[0]);
        AtomicInteger runs = new AtomicInteger();
        PreparedConv.of(KERNEL, geometry(0), Epilogue.NONE, () -> (x, r, out) -> runs.incrementAndGet()).run(new float[0], null, new float[0]);
        assertEquals(0, runs.get(), "a batch of 0 has nothing to compute");
    }
}
