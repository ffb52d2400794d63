package io.opsgi.remote.internal;

import io.opsgi.op.Output;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * How a kernel call crosses a process boundary as plain JDK values, directed by the family
 * interface's declared parameter types on both sides: a record goes as an {@code Object[]} of its
 * components, an enum by name, primitives and primitive arrays as they are. An {@code @Output} array
 * goes as its length only; the host allocates it (zeroed, like the chain's cleared outputs) and sends
 * it back as the call's result.
 */
final class Calls {
    private Calls() {
    }

    /** The family method {@code name} with {@code arity} parameters (kernel interfaces do not overload). */
    static Method method(Class<?> family, String name, int arity) {
        for (Method m : family.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arity) {
                return m;
            }
        }
        throw new IllegalArgumentException(family.getName() + " has no method " + name + " with " + arity + " parameters");
    }

    /**
     * Whether every call of {@code family} can cross: each abstract method's parameters and result are
     * primitives, primitive arrays, enums or records (default methods run on the caller's side).
     */
    static boolean carries(Class<?> family) {
        return uncarried(family) == null;
    }

    /** The first parameter or result type of {@code family} that cannot cross, or null. */
    static String uncarried(Class<?> family) {
        for (Method m : family.getMethods()) {
            if (m.isDefault() || m.getDeclaringClass() == Object.class) {
                continue;
            }
            List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
            types.add(m.getReturnType());
            for (Class<?> t : types) {
                if (!(t == void.class || t.isPrimitive() || t.isRecord() || t.isEnum() || t.isArray() && t.getComponentType().isPrimitive())) {
                    return family.getSimpleName() + "." + m.getName() + " takes or returns a " + t.getName();
                }
            }
        }
        return null;
    }

    /** Indexes of the parameters a method writes. */
    static int[] outputs(Method m) {
        List<Integer> out = new ArrayList<>();
        var annotations = m.getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            for (var a : annotations[i]) {
                if (a.annotationType() == Output.class) {
                    out.add(i);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The caller's side: arguments to send. */
    static Object[] encodeArgs(Method m, int[] outputs, Object[] args) {
        Object[] enc = new Object[args == null ? 0 : args.length];
        for (int i = 0; i < enc.length; i++) {
            // an optional output the caller does not want (e.g. batch norm's saved statistics) stays null
            enc[i] = !contains(outputs, i) ? encode(args[i]) : args[i] == null ? null : Integer.valueOf(Array.getLength(args[i]));
        }
        return enc;
    }

    /** The host's side: the arguments as the kernel takes them, outputs freshly allocated. */
    static Object[] decodeArgs(Method m, int[] outputs, Object[] enc) {
        Class<?>[] types = m.getParameterTypes();
        if (enc.length != types.length) {
            throw new IllegalArgumentException(m.getName() + " takes " + types.length + " arguments, got " + enc.length);
        }
        Object[] args = new Object[enc.length];
        for (int i = 0; i < enc.length; i++) {
            args[i] = !contains(outputs, i) ? decode(types[i], enc[i])
                    : enc[i] == null ? null : Array.newInstance(types[i].getComponentType(), (Integer) enc[i]);
        }
        return args;
    }

    /** The host's side: what goes back, the written arrays or the method's own result. */
    static Object result(int[] outputs, Object[] args, Object returned) {
        if (outputs.length == 0) {
            return encode(returned);
        }
        Object[] written = new Object[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            written[i] = args[outputs[i]];
        }
        return written;
    }

    /** The caller's side: copies what came back into the caller's output arrays; returns the method's result. */
    static Object deliver(Method m, int[] outputs, Object[] args, Object result) {
        if (outputs.length == 0) {
            return decode(m.getReturnType(), result);
        }
        Object[] written = (Object[]) result;
        for (int i = 0; i < outputs.length; i++) {
            Object into = args[outputs[i]];
            if (into == null) {
                continue; // not wanted, not sent
            }
            if (written[i] == null) {
                throw new IllegalStateException(m.getName() + ": the remote kernel sent no values for output " + outputs[i]);
            }
            int expected = Array.getLength(into);
            int got = Array.getLength(written[i]);
            if (got != expected) {
                throw new IllegalStateException(m.getName() + ": the remote kernel sent " + got + " values for an output of " + expected);
            }
            System.arraycopy(written[i], 0, into, 0, expected);
        }
        return null;
    }

    static Object encode(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        if (v instanceof Record r) {
            RecordComponent[] cs = r.getClass().getRecordComponents();
            Object[] values = new Object[cs.length];
            for (int i = 0; i < cs.length; i++) {
                try {
                    values[i] = encode(cs[i].getAccessor().invoke(r));
                } catch (ReflectiveOperationException ex) {
                    throw new IllegalStateException("cannot read " + cs[i] + ": " + ex, ex);
                }
            }
            return values;
        }
        return v;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object decode(Class<?> type, Object v) {
        if (v == null || type == void.class) {
            return null;
        }
        if (type.isEnum()) {
            return Enum.valueOf((Class<? extends Enum>) type, (String) v);
        }
        if (type.isRecord()) {
            RecordComponent[] cs = type.getRecordComponents();
            Object[] values = (Object[]) v;
            Class<?>[] types = new Class<?>[cs.length];
            Object[] args = new Object[cs.length];
            for (int i = 0; i < cs.length; i++) {
                types[i] = cs[i].getType();
                args[i] = decode(types[i], values[i]);
            }
            try {
                Constructor<?> c = type.getDeclaredConstructor(types);
                c.setAccessible(true);
                return c.newInstance(args);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("cannot make a " + type.getSimpleName() + ": " + ex, ex);
            }
        }
        return v;
    }

    private static boolean contains(int[] a, int i) {
        for (int x : a) {
            if (x == i) {
                return true;
            }
        }
        return false;
    }
}
