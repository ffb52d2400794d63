/** Binary element-wise kernel on the Vector API (implementation package: exports nothing). */
package io.opsgi.kernel.binary.vector;
