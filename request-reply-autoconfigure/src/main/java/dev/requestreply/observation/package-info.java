/**
 * Micrometer meters of request-reply: round trips, pending requests, skipped replies and handler
 * invocations.
 */
@NullMarked
package dev.requestreply.observation;

import org.jspecify.annotations.NullMarked;
