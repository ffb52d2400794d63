/**
 * The operator registry: which kernel serves each op, and leases that let a call finish on the
 * kernel it started with while new calls go to a newer one.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package io.opsgi.runtime;
