/** In-framework tests (implementation package: exports nothing). */
package io.opsgi.itest;
