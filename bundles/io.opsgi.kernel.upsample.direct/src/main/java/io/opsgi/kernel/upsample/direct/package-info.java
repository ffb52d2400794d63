/** Reference upsample kernel (implementation package: exports nothing). */
package io.opsgi.kernel.upsample.direct;
