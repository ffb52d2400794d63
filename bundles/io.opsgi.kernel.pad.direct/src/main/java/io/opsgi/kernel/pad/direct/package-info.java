/** Reference pad kernel (implementation package: exports nothing). */
package io.opsgi.kernel.pad.direct;
