/**
 * The requester's Kafka side: sending requests, provisioning the reply topic and reading it.
 */
package dev.requestreply.requester;
