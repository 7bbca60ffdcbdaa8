package dev.requestreply.responder;

import java.time.Duration;

/**
 * The pieces of a queue handler's engine that its share consumers hand requests to.
 *
 * @param executor runs its requests
 * @param requests its requests in hand
 * @param lanes starts them (queue mode orders nothing)
 * @param figures counts them
 * @param maxHandlingTime the longest a request without deadline is in hand
 * @param maxCorrelationIdBytes the longest correlation id accepted
 * @param deliveryLimit the most deliveries the share group allows a record (the last one is
 * answered {@code ABORTED}), or 0 if unknown
 */
record ShareParts(HandlerExecutor executor, RequestsInHand requests, RequestLanes lanes, HandlerFigures figures,
		Duration maxHandlingTime, int maxCorrelationIdBytes, int deliveryLimit) {

}
