/**
 * Kernels served from another process or machine over OSGi Remote Services: the two remote
 * interfaces a kernel host exports and a container imports.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.opsgi.remote;
