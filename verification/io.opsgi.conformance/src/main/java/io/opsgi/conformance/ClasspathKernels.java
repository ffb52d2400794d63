package io.opsgi.conformance;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Finds every kernel on a plain (non-OSGi) classpath the way Declarative Services would: each
 * bundle's manifest names its component descriptors ({@code Service-Component}); a component that
 * provides {@link Kernel} is instantiated, activated if it has an activate method, and returned
 * with its {@code opsgi.op} / {@code opsgi.variant} / {@code service.ranking} properties. A new
 * kernel module on the test classpath is therefore covered with no edit to any suite.
 */
public final class ClasspathKernels {
    private ClasspathKernels() {
    }

    public static List<DiscoveredKernel> discover(ClassLoader loader) {
        List<DiscoveredKernel> found = new ArrayList<>();
        try {
            Enumeration<URL> manifests = loader.getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL url = manifests.nextElement();
                String components;
                try (InputStream in = url.openStream()) {
                    components = new Manifest(in).getMainAttributes().getValue("Service-Component");
                }
                if (components == null) {
                    continue;
                }
                String base = url.toString().substring(0, url.toString().length() - "META-INF/MANIFEST.MF".length());
                for (String path : components.split(",")) {
                    URL descriptor = new URL(base + path.trim());
                    DiscoveredKernel k;
                    try {
                        k = load(descriptor, loader);
                    } catch (Exception | LinkageError e) {
                        // Loud, and naming the component: a kernel that cannot be created must not vanish from the suites.
                        throw new IllegalStateException("kernel component " + descriptor + " cannot be instantiated: " + e
                                + (e instanceof NoClassDefFoundError && String.valueOf(e.getMessage()).startsWith("jdk/incubator/vector")
                                        ? " (run with --add-modules=jdk.incubator.vector)" : ""), e);
                    }
                    if (k != null) {
                        found.add(k);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("kernel discovery failed: " + e, e);
        }
        found.sort((a, b) -> a.toString().compareTo(b.toString()));
        return found;
    }

    private static DiscoveredKernel load(URL descriptor, ClassLoader loader) throws Exception {
        Document doc;
        try (InputStream in = descriptor.openStream()) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            doc = f.newDocumentBuilder().parse(in);
        }
        Element root = doc.getDocumentElement();
        boolean providesKernel = false;
        NodeList provides = root.getElementsByTagName("provide");
        for (int i = 0; i < provides.getLength(); i++) {
            providesKernel |= Kernel.class.getName().equals(((Element) provides.item(i)).getAttribute("interface"));
        }
        if (!providesKernel) {
            return null;
        }
        Map<String, List<String>> props = new HashMap<>();
        NodeList properties = root.getElementsByTagName("property");
        for (int i = 0; i < properties.getLength(); i++) {
            Element p = (Element) properties.item(i);
            String value = p.hasAttribute("value") ? p.getAttribute("value") : p.getTextContent();
            props.put(p.getAttribute("name"), Arrays.stream(value.split("\n")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        String className = ((Element) root.getElementsByTagName("implementation").item(0)).getAttribute("class");
        Class<?> cls = loader.loadClass(className);
        var ctor = cls.getDeclaredConstructor();
        ctor.setAccessible(true);
        Kernel kernel = (Kernel) ctor.newInstance();
        activate(root, cls, kernel);
        List<String> ranking = props.getOrDefault("service.ranking", List.of("0"));
        return new DiscoveredKernel(kernel, props.getOrDefault(KernelInfo.OP, List.of()),
                props.getOrDefault(KernelInfo.VARIANT, List.of("?")).get(0), Integer.parseInt(ranking.get(0)),
                descriptor.toString().replaceFirst("^.*/([^/!]+)(\\.jar)?!?/OSGI-INF/.*$", "$1"));
    }

    /** Calls the component's activate method with default configuration (an empty map), as SCR would. */
    private static void activate(Element root, Class<?> cls, Kernel kernel) throws Exception {
        String name = root.getAttribute("activate");
        if (name.isEmpty()) {
            return;
        }
        for (Method m : cls.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                m.setAccessible(true);
                Object[] args = new Object[m.getParameterCount()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = Map.class.isAssignableFrom(m.getParameterTypes()[i]) ? Map.of() : null;
                }
                m.invoke(kernel, args);
                return;
            }
        }
    }

    /** The discovered kernels serving {@code op}. */
    public static List<DiscoveredKernel> serving(List<DiscoveredKernel> all, String op) {
        return all.stream().filter(k -> k.serves(op)).toList();
    }

}
