package io.opsgi.runtime.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * Finds the code in a bundle that would end the JVM, by reading its class files with ASM (never
 * loading them): calls of {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt}, method
 * references and handles to them ({@code System::exit}), and the plain reflective route, a method
 * that names {@code "exit"} or {@code "halt"} as a constant and looks a method up by name
 * ({@code Class.getMethod}, {@code getDeclaredMethod}, {@code MethodHandles.Lookup.find*}). Classes in
 * jars on the bundle's {@code Bundle-ClassPath} are read too. Reflection on names computed at run
 * time, JNI and {@code sun.misc.Signal} tricks are not found: a bytecode scan cannot follow data.
 */
final class ExitCalls {
    private ExitCalls() {
    }

    /** Where {@code bundle} ends the JVM, e.g. {@code org.example.Relu.activate(..) calls java.lang.System.exit}; empty if nowhere. */
    static List<String> in(Bundle bundle) throws IOException {
        List<String> found = new ArrayList<>();
        for (String path : entries(bundle, "/")) {
            if (path.endsWith(".class")) {
                try (InputStream in = bundle.getEntry(path).openStream()) {
                    scan(in.readAllBytes(), found);
                }
            }
        }
        for (String jar : embeddedJars(bundle)) {
            URL url = bundle.getEntry(jar);
            if (url == null) {
                continue;
            }
            try (ZipInputStream zip = new ZipInputStream(url.openStream())) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().endsWith(".class")) {
                        scan(zip.readAllBytes(), found);
                    }
                }
            }
        }
        return found;
    }

    /** Adds to {@code found} what the class in {@code bytes} does to end the JVM. */
    static void scan(byte[] bytes, List<String> found) {
        ClassReader reader;
        try {
            reader = new ClassReader(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            found.add("an unreadable class file (" + e + "): it cannot be checked");
            return;
        }
        String className = reader.getClassName().replace('/', '.');
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                String where = className + "." + name;
                return new MethodVisitor(Opcodes.ASM9) {
                    private boolean namesExit;
                    private boolean looksUpByName;

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                        if (ends(owner, method)) {
                            found.add(where + " calls " + owner.replace('/', '.') + "." + method);
                        }
                        looksUpByName |= owner.equals("java/lang/Class") && (method.equals("getMethod") || method.equals("getDeclaredMethod"))
                                || owner.equals("java/lang/invoke/MethodHandles$Lookup") && method.startsWith("find");
                        reflective();
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        if (value instanceof Handle h && ends(h.getOwner(), h.getName())) {
                            found.add(where + " takes a handle to " + h.getOwner().replace('/', '.') + "." + h.getName());
                        }
                        namesExit |= "exit".equals(value) || "halt".equals(value);
                        reflective();
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String n, String desc, Handle bootstrap, Object... args) {
                        for (Object a : args) {
                            if (a instanceof Handle h && ends(h.getOwner(), h.getName())) {
                                found.add(where + " refers to " + h.getOwner().replace('/', '.') + "." + h.getName());
                            }
                        }
                    }

                    private void reflective() {
                        if (namesExit && looksUpByName) {
                            found.add(where + " looks up a method named \"exit\" or \"halt\" by reflection");
                            namesExit = looksUpByName = false;
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }

    private static boolean ends(String owner, String method) {
        return owner.equals("java/lang/System") && method.equals("exit")
                || owner.equals("java/lang/Runtime") && (method.equals("exit") || method.equals("halt"));
    }

    /** Every entry path under {@code dir}; {@code getEntryPaths} (unlike {@code findEntries}) never resolves the bundle. */
    private static List<String> entries(Bundle bundle, String dir) {
        List<String> out = new ArrayList<>();
        Enumeration<String> paths = bundle.getEntryPaths(dir);
        while (paths != null && paths.hasMoreElements()) {
            String p = paths.nextElement();
            if (p.endsWith("/")) {
                out.addAll(entries(bundle, p));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> embeddedJars(Bundle bundle) {
        List<String> jars = new ArrayList<>();
        String header = bundle.getHeaders("").get(Constants.BUNDLE_CLASSPATH);
        if (header != null) {
            for (String part : header.split(",")) {
                String path = part.split(";")[0].trim();
                if (path.endsWith(".jar") || path.endsWith(".zip")) {
                    jars.add(path.startsWith("/") ? path.substring(1) : path);
                }
            }
        }
        return jars;
    }
}
