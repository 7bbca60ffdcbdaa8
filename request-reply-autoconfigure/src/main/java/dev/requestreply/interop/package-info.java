/**
 * Interoperability with Spring Kafka's own request-reply: error replies both ways.
 */
package dev.requestreply.interop;
