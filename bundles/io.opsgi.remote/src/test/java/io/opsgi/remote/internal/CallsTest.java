package io.opsgi.remote.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.op.PadMode;
import io.opsgi.op.UpsampleGeometry;
import io.opsgi.op.UpsampleMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pass-by-value encoding of kernel calls, through real Java serialization as the TCP provider does it. */
class CallsTest {
    @Test
    void everyParameterOfEveryKernelFamilyCrossesAsPlainJdkValues() throws Exception {
        Set<Class<?>> families = new HashSet<>();
        for (Operator op : Operators.all()) {
            if (op.kernelType() != null) {
                families.add(op.kernelType());
            }
        }
        assertTrue(families.size() >= 10, "the kernel families of Operators: " + families);
        Set<String> local = new java.util.TreeSet<>();
        for (Class<?> family : families) {
            if (!Calls.carries(family)) {
                local.add(family.getSimpleName());
                continue;
            }
            for (Method m : family.getMethods()) {
                Calls.method(family, m.getName(), m.getParameterCount()); // found by name and arity: no overloads
            }
        }
        // The families whose geometry is a class, not a record: their untrusted kernels are not exported
        // (README). A new family that cannot cross must be a decision, not an accident: it fails here.
        assertEquals(Set.of("BinaryKernel", "MatmulKernel"), local, "kernel families that cannot cross a process boundary");
    }

    @Test
    void aConvCallGoesAsItsInputsAndComesBackAsItsOutputWrittenIntoTheCallersArray() throws Exception {
        ConvGeometry g = new ConvGeometry(1, 2, 3, 3, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1, 2, 2);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, -4, -5, -6, -7, -8, -9};
        float[] w = {1, 0, 0, 1, 0.5f, 0, 0, 0.5f};
        float[] y = new float[4];
        Method conv = Calls.method(Conv2dKernel.class, "conv2d", 5);
        int[] outputs = Calls.outputs(conv);
        assertArrayEquals(new int[] {4}, outputs);
        Object[] sent = serialized(Calls.encodeArgs(conv, outputs, new Object[] {g, x, w, null, y}));
        assertEquals(4, sent[4], "an output goes as its length only");

        Object[] onHost = Calls.decodeArgs(conv, outputs, sent);
        assertEquals(g, onHost[0]);
        assertArrayEquals(x, (float[]) onHost[1]);
        float[] hostY = (float[]) onHost[4];
        hostY[0] = 7; // what a kernel writes
        Object back = serialized(new Object[] {Calls.result(outputs, onHost, null)})[0];
        Calls.deliver(conv, outputs, new Object[] {g, x, w, null, y}, back);
        assertArrayEquals(new float[] {7, 0, 0, 0}, y);
    }

    @Test
    void anOptionalOutputTheCallerDoesNotWantStaysNullBothWays() throws Exception {
        Method max = Calls.method(io.opsgi.op.MaxPool2dKernel.class, "maxPool2d", 4);
        int[] outputs = Calls.outputs(max);
        assertArrayEquals(new int[] {2, 3}, outputs);
        float[] y = new float[2];
        Object[] sent = serialized(Calls.encodeArgs(max, outputs, new Object[] {null, new float[8], y, null}));
        Object[] onHost = Calls.decodeArgs(max, outputs, sent);
        assertEquals(null, onHost[3], "no indices wanted, none allocated");
        ((float[]) onHost[2])[1] = 5;
        Calls.deliver(max, outputs, new Object[] {null, new float[8], y, null}, serialized(new Object[] {Calls.result(outputs, onHost, null)})[0]);
        assertArrayEquals(new float[] {0, 5}, y);
    }

    @Test
    void recordsWithEnumsAndNestedValuesRoundTrip() throws Exception {
        ActivationAttrs a = ActivationAttrs.hardtanh(-2f, 3f);
        assertEquals(a, Calls.decode(ActivationAttrs.class, serialized(new Object[] {Calls.encode(a)})[0]));
        UpsampleGeometry u = new UpsampleGeometry(1, 2, 3, 4, 6, 8, UpsampleMode.BILINEAR, true, 0.5f, 0.5f, false);
        assertEquals(u, Calls.decode(UpsampleGeometry.class, serialized(new Object[] {Calls.encode(u)})[0]));
        assertEquals(PadMode.REFLECT, Calls.decode(PadMode.class, Calls.encode(PadMode.REFLECT)));
        assertNotEquals(a, Calls.decode(ActivationAttrs.class, Calls.encode(ActivationAttrs.of(Activation.HARDTANH))));
    }

    @Test
    void aSupportsQueryReturnsItsAnswerAndAShortOutputIsRefused() {
        Method supports = Calls.method(Conv2dKernel.class, "supports", 1);
        assertEquals(0, Calls.outputs(supports).length);
        assertEquals(Boolean.TRUE, Calls.deliver(supports, new int[0], new Object[1], Boolean.TRUE));
        Method act = Calls.method(ElementwiseKernel.class, "activate", 3);
        int[] outputs = Calls.outputs(act);
        float[] y = new float[3];
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Calls.deliver(act, outputs, new Object[] {null, new float[3], y}, new Object[] {new float[2]}));
        assertTrue(e.getMessage().contains("sent 2 values for an output of 3"), e.getMessage());
        assertArrayEquals(new float[3], y, "nothing is written from a wrong answer");
    }

    @Test
    void aHostSideFailureComesBackAsOneLineInAJdkException() {
        Kernel throwing = new ElementwiseKernel() {
            @Override
            public void activate(ActivationAttrs a, float[] x, float[] y) {
                throw new ArithmeticException("boom at 3");
            }
        };
        ExportedKernel exported = new ExportedKernel(ElementwiseKernel.class, throwing, "b 1.0");
        RuntimeException e = assertThrows(RuntimeException.class, () -> exported.call("activate",
                Calls.encodeArgs(Calls.method(ElementwiseKernel.class, "activate", 3), new int[] {2},
                        new Object[] {ActivationAttrs.of(Activation.RELU), new float[] {1}, new float[1]})));
        assertEquals(RuntimeException.class, e.getClass());
        assertEquals("java.lang.ArithmeticException: boom at 3", e.getMessage());
        assertEquals(Thread.currentThread().getName(), Thread.currentThread().getName().replace(ExportedKernel.THREAD_PREFIX, ""),
                "the thread's name is restored after the call");
    }

    private static Object[] serialized(Object[] values) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(values);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            Object[] read = (Object[]) in.readObject();
            assertEquals(values.length, read.length, Arrays.toString(values));
            return read;
        }
    }
}
