/** The command line (implementation package: exports nothing). */
package io.opsgi.cli;
