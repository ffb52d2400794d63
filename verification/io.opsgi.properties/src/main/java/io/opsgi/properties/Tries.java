package io.opsgi.properties;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The CI budget of a property (on the method) or of every property of a container (on the class),
 * in tries per discovered kernel of the container's family: sized so that the whole module runs in
 * well under two minutes. A soak run replaces every budget by
 * jqwik's own {@code -Djqwik.tries.default=N}; see {@link TriesBudget} and the README.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Tries {
    int value();
}
