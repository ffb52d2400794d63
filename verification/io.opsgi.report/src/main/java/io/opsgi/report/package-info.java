/** Reports of a verification run (JSON, JUnit XML, HTML with plots) and of a benchmark run (HTML). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.opsgi.report;
