/** Vector API batch_norm kernel (implementation package: exports nothing). */
package io.opsgi.kernel.batchnorm.vector;
