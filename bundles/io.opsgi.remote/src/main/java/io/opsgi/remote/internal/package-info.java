/** Trust policy, sandbox process, kernel export and import over Aries RSA. */
package io.opsgi.remote.internal;
