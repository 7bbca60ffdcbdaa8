/**
 * Request-reply over Kafka: the template, the handler annotation, the correlation registry and
 * the exceptions a request ends with.
 */
@NullMarked
package dev.requestreply;

import org.jspecify.annotations.NullMarked;
