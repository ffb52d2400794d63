/**
 * Plain-text and Markdown tables for the command line, the reports and the benchmarks: one renderer,
 * numbers right-aligned, control characters in cells escaped. Not operator API; it lives in the
 * tensor bundle because every module already depends on it, and moves to a bundle of its own
 * without any importer noticing (OSGi wires packages, not bundles).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.opsgi.text;
