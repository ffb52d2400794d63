/** Helpers shared by kernel implementations, so that no two kernels carry the same loop. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package io.opsgi.kernel.support;
