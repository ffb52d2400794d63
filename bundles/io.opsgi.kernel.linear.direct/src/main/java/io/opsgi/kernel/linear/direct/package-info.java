/** Reference linear kernel (implementation package: exports nothing). */
package io.opsgi.kernel.linear.direct;
