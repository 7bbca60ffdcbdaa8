/**
 * A pricing service that answers quote requests over Kafka, and an HTTP front end that asks it.
 */
@NullMarked
package dev.requestreply.sample;

import org.jspecify.annotations.NullMarked;
