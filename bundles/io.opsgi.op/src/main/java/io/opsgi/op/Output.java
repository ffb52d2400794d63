package io.opsgi.op;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a kernel method parameter the kernel writes (every other array is read only). The runtime
 * reads it to check a fast kernel's results for non-finite garbage before a caller sees them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Output {
}
