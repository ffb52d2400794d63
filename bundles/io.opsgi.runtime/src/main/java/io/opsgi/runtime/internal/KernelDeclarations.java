package io.opsgi.runtime.internal;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.osgi.framework.Bundle;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The kernel components a bundle declares in its Declarative Services descriptors, read from the
 * bundle's entries before it resolves (so before any of its code can run): which components
 * provide {@link Kernel}, for which ops, under which variant.
 */
final class KernelDeclarations {
    /** One kernel component: its ops and variant ({@code ?} if the descriptor does not say). */
    record Declared(List<String> ops, String variant) {
    }

    private KernelDeclarations() {
    }

    /** Every kernel component {@code bundle} declares; empty for a bundle that provides no kernel. */
    static List<Declared> of(Bundle bundle) {
        String header = bundle.getHeaders("").get("Service-Component");
        List<Declared> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        for (String part : header.split(",")) {
            String path = part.split(";")[0].trim();
            for (URL url : descriptors(bundle, path)) {
                out.addAll(read(url));
            }
        }
        return out;
    }

    /** The descriptor files of one header entry; the last path segment may hold a wildcard (OSGI-INF/*.xml). */
    private static List<URL> descriptors(Bundle bundle, String path) {
        List<URL> urls = new ArrayList<>();
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        if (!name.contains("*")) {
            URL u = bundle.getEntry(path);
            if (u != null) {
                urls.add(u);
            }
            return urls;
        }
        String dir = slash < 0 ? "/" : path.substring(0, slash + 1);
        String regex = name.replace(".", "\\.").replace("*", ".*");
        Enumeration<String> entries = bundle.getEntryPaths(dir);
        while (entries != null && entries.hasMoreElements()) {
            String e = entries.nextElement();
            if (e.substring(e.lastIndexOf('/') + 1).matches(regex)) {
                urls.add(bundle.getEntry(e));
            }
        }
        return urls;
    }

    private static List<Declared> read(URL url) {
        List<Declared> out = new ArrayList<>();
        try (InputStream in = url.openStream()) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(in);
            NodeList components = doc.getElementsByTagNameNS("*", "component");
            for (int i = 0; i < components.getLength(); i++) {
                Element c = (Element) components.item(i);
                if (provides(c, Kernel.class.getName())) {
                    List<String> ops = property(c, KernelInfo.OP);
                    List<String> variant = property(c, KernelInfo.VARIANT);
                    out.add(new Declared(ops, variant.isEmpty() ? "?" : variant.get(0)));
                }
            }
        } catch (Exception e) {
            // An unreadable descriptor declares nothing we can check; SCR will refuse it in its own words.
        }
        return out;
    }

    private static boolean provides(Element component, String type) {
        NodeList provides = component.getElementsByTagName("provide");
        for (int i = 0; i < provides.getLength(); i++) {
            if (type.equals(((Element) provides.item(i)).getAttribute("interface"))) {
                return true;
            }
        }
        return false;
    }

    /** A property's values: its {@code value} attribute, or its body, one value per line. */
    private static List<String> property(Element component, String name) {
        NodeList props = component.getElementsByTagName("property");
        for (int i = 0; i < props.getLength(); i++) {
            Element p = (Element) props.item(i);
            if (name.equals(p.getAttribute("name"))) {
                String v = p.hasAttribute("value") ? p.getAttribute("value") : p.getTextContent();
                return Arrays.stream(v.split("\\R")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            }
        }
        return List.of();
    }
}
