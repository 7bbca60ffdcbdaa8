package dev.requestreply.responder;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The pieces of one handler's engine that its consumer threads hand requests to.
 *
 * @param executor runs its requests
 * @param requests its requests in hand
 * @param lanes orders them
 * @param endings ends them
 * @param figures counts them
 * @param maxHandlingTime the longest a request without deadline is in hand
 * @param core the owner of its requests' state, or {@code null} in queue mode (the engine's
 * pieces decide then)
 */
record HandlerParts(HandlerExecutor executor, RequestsInHand requests, RequestLanes lanes, RequestEndings endings,
		HandlerFigures figures, Duration maxHandlingTime, @Nullable HandlerCore core) {

}
