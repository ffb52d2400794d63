/**
 * The kernel chain: several kernels of one family behind one kernel, each call answered by the first
 * that can. Machinery of the runtime and the conformance kit; kernel authors never touch it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.opsgi.runtime.chain;
