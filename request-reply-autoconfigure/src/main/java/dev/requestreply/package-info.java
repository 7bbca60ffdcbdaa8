/**
 * Request-reply over Kafka: the template, the handler annotation, the correlation registry and
 * the exceptions a request ends with.
 */
package dev.requestreply;
