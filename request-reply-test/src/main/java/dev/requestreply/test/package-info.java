/**
 * Test support for applications using request-reply: a stub requester without Kafka, an embedded
 * broker wired to the starter, and a client that calls handlers through the wire format.
 */
@NullMarked
package dev.requestreply.test;

import org.jspecify.annotations.NullMarked;
