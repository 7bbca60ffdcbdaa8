/**
 * The requester's engine: pending requests by correlation id, their timeouts, and the matching of
 * replies to them (single replies, streams and scatter-gathers).
 */
package dev.requestreply.correlation;
