/** Vector API linear kernel (implementation package: exports nothing). */
package io.opsgi.kernel.linear.vector;
