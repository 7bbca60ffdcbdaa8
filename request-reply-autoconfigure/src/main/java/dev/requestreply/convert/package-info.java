/**
 * Conversion of request and reply payloads to and from record bytes.
 */
@NullMarked
package dev.requestreply.convert;

import org.jspecify.annotations.NullMarked;
