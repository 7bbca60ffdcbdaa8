/**
 * Durable requests: requests whose outcome goes to a
 * {@link dev.requestreply.DurableReplyListener @DurableReplyListener} of the application, on
 * whichever instance runs when it arrives, kept in Kafka (a durable reply topic read by a
 * consumer group of the application, and a compacted pending topic).
 */
@NullMarked
package dev.requestreply.durable;

import org.jspecify.annotations.NullMarked;
