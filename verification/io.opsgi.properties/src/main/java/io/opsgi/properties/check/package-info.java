/**
 * Runs the property suite of this bundle over kernels given by the caller: {@code ./opsgi verify}
 * inside the container, and the suite's own tests on the plain JVM.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.opsgi.properties.check;
