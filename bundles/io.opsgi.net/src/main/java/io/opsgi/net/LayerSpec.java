package io.opsgi.net;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One layer as written: its unique name (for a weighted layer also the prefix of its weights, as in
 * PyTorch's state_dict: {@code conv1.weight}), its type ({@code conv2d}, {@code batch_norm}, ...),
 * the layers it reads ({@code inputs}: null means the layer written just before it, or the network
 * input for the first one) and its attributes in PyTorch's terms ({@code in_channels},
 * {@code kernel_size}, {@code stride}, ...).
 */
public record LayerSpec(String name, String type, List<String> inputs, Map<String, Object> attrs) {
    public LayerSpec {
        Objects.requireNonNull(attrs, "attrs");
        inputs = inputs == null ? null : List.copyOf(inputs);
        // LinkedHashMap, not Map.copyOf: attribute values may be null (PyTorch's None), and the order is the author's.
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }
}
