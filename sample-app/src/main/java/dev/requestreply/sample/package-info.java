/**
 * A pricing service that answers quote requests over Kafka, and an HTTP front end that asks it.
 */
package dev.requestreply.sample;
