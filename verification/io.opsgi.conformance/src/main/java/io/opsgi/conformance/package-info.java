/**
 * The conformance kit: reference vectors (loading, replay, tolerances) and kernel discovery,
 * usable by JUnit/jqwik in CI and by the running container.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.4.0")
package io.opsgi.conformance;
