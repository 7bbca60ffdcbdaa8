package dev.requestreply

import java.time.Duration
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.future.await
import kotlinx.coroutines.jdk9.asFlow
import org.springframework.core.ParameterizedTypeReference

/**
 * Send a request and suspend until its reply, converted to [T] (a generic type such as
 * `List<Quote>` too). Cancelling the calling coroutine cancels the request: its handler is told
 * (`ReplyContext.isCancelled()`, or the cancellation of its coroutine) and its reply, should it
 * come, is dropped. A request sent from a handler inherits its deadline.
 *
 * @param T the reply type
 * @param topic the topic to send the request to
 * @param payload the request payload
 * @param timeout how long to wait for the reply, or `null` for the template's default
 * @return the reply
 * @throws RequestReplyException (or a subclass) if the request failed, such as
 * [RequestTimeoutException] or [RemoteHandlerException]; also when the reply has no value (use
 * [requestOrNull] for a handler that may reply with none)
 * @since 0.3.0
 */
suspend inline fun <reified T : Any> RequestReplyOperations.request(topic: String, payload: Any,
	timeout: Duration? = null): T =
	requestOrNull<T>(topic, payload, timeout)
		?: throw RequestReplyException("The reply to a request to '$topic' has no value (a handler that replied "
			+ "null); use requestOrNull to accept that")

/**
 * Send a request and suspend until its reply, converted to [T], or `null` for a reply with no
 * value; see [request].
 *
 * @param T the reply type
 * @param topic the topic to send the request to
 * @param payload the request payload
 * @param timeout how long to wait for the reply, or `null` for the template's default
 * @return the reply, or `null` when it has no value
 * @throws RequestReplyException (or a subclass) if the request failed
 * @since 0.3.0
 */
suspend inline fun <reified T : Any> RequestReplyOperations.requestOrNull(topic: String, payload: Any,
	timeout: Duration? = null): T? {
	val type = object : ParameterizedTypeReference<T>() {}
	val future = if (timeout != null) request(topic, payload, type, timeout) else request(topic, payload, type)
	// Cancelling the coroutine cancels the future, which cancels the request.
	return future.await()
}

/**
 * Return a cold [Flow] of the replies of a stream request: each collection sends the request and
 * emits its elements, converted to [T], in order, as the collector takes them (the elements not
 * yet taken are buffered, up to the template's stream buffer). The flow fails with
 * [RequestTimeoutException] when no element comes within [idleTimeout] or the stream has not ended
 * within [timeout], with [RemoteHandlerException] when the handler fails. Cancelling the collector
 * (or a `take`, `first` that stops collecting) cancels the request, which reaches its handler.
 *
 * @param T the element type
 * @param topic the topic to send the request to
 * @param payload the request payload
 * @param idleTimeout how long to wait for the first element, and between elements
 * @param timeout how long the whole stream may take
 * @return the flow of elements
 * @since 0.3.0
 */
inline fun <reified T : Any> RequestReplyOperations.requestFlow(topic: String, payload: Any, idleTimeout: Duration,
	timeout: Duration): Flow<T> {
	val type = object : ParameterizedTypeReference<T>() {}
	return flow {
		emitAll(requestStream(topic, payload, type, idleTimeout, timeout).asFlow())
	}
}
