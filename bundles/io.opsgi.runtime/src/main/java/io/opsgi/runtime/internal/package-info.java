/** Registry implementation, selection and shell commands. */
package io.opsgi.runtime.internal;
