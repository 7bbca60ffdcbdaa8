/**
 * Micrometer meters of request-reply: round trips, pending requests, skipped replies and handler
 * invocations.
 */
package dev.requestreply.observation;
