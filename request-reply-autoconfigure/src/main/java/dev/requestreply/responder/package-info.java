/**
 * The responder's Kafka side: the handlers' listener containers, their execution off the consumer
 * threads, ordering, per-partition commits, the watchdog that ends every request, cancel reading
 * and transactional replies.
 */
@NullMarked
package dev.requestreply.responder;

import org.jspecify.annotations.NullMarked;
