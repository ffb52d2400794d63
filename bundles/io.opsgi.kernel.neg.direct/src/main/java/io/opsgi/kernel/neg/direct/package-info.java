/** Throwaway neg kernel (implementation package: exports nothing). */
package io.opsgi.kernel.neg.direct;
