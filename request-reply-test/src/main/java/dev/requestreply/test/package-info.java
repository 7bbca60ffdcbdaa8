/**
 * Test support for applications using request-reply: a stub requester without Kafka, an embedded
 * broker wired to the starter, a client that calls handlers through the wire format, and a broker
 * for running an application in development.
 */
@NullMarked
package dev.requestreply.test;

import org.jspecify.annotations.NullMarked;
