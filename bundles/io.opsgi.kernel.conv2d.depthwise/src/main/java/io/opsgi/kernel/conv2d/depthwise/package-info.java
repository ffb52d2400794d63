/** Depthwise conv2d on the Vector API (implementation package: exports nothing). */
package io.opsgi.kernel.conv2d.depthwise;
