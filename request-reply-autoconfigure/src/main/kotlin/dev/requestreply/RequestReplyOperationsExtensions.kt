package dev.requestreply

import java.time.Duration
import kotlin.coroutines.Continuation
import kotlin.coroutines.intrinsics.suspendCoroutineUninterceptedOrReturn
import kotlin.coroutines.jvm.internal.CoroutineStackFrame
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.catch
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
 * [RequestTimeoutException] or [RemoteHandlerException], with the caller's frames (the failure
 * made on the library's thread is its cause); also when the reply has no value (use
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
	try {
		return future.await()
	}
	catch (failure: RequestReplyException) {
		throw withCallerFrames(failure)
	}
}

/**
 * Return a cold [Flow] of the replies of a stream request: each collection sends the request and
 * emits its elements, converted to [T], in order, as the collector takes them (the elements not
 * yet taken are buffered, up to the template's stream buffer). The flow fails with
 * [RequestTimeoutException] when no element comes within [idleTimeout] or the stream has not ended
 * within [timeout], with [RemoteHandlerException] when the handler fails, each with the collector's
 * frames. Cancelling the collector (or a `take`, `first` that stops collecting) cancels the
 * request, which reaches its handler.
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
	}.catch { failure ->
		throw if (failure is RequestReplyException) withCallerFrames(failure) else failure
	}
}

/**
 * Return a failure made on one of the library's threads (a timeout, an error reply), which has no
 * frames or only the library's, as a copy of the same type and details that carries the frames of
 * the suspending caller: the chain of suspend functions that awaited it, then the frames of the
 * thread that resumed them. The failure is the copy's cause.
 */
@PublishedApi
internal suspend fun withCallerFrames(failure: RequestReplyException): RequestReplyException {
	val copy = failure.copyForCaller()
	if (copy === failure) {
		return failure
	}
	val callers = suspendCoroutineUninterceptedOrReturn<List<StackTraceElement>> { continuation ->
		suspendedCallers(continuation)
	}
	val thread = copy.stackTrace
	val resumedAt = thread.indexOfFirst { it.className == RESUMING_CLASS }
	copy.stackTrace = if (callers.isEmpty() || resumedAt < 0) {
		thread.dropWhile { it.methodName == "copyForCaller" || it.className.startsWith(EXTENSIONS_CLASS) }
			.toTypedArray()
	}
	else {
		(callers + thread.drop(resumedAt)).toTypedArray()
	}
	return copy
}

// The frames of the suspend functions waiting on this continuation, innermost first, without ours.
private fun suspendedCallers(continuation: Continuation<*>): List<StackTraceElement> {
	val frames = ArrayList<StackTraceElement>()
	var frame = continuation as? CoroutineStackFrame
	while (frame != null) {
		frame.getStackTraceElement()?.takeIf { !it.className.startsWith(EXTENSIONS_CLASS) }?.let(frames::add)
		frame = frame.callerFrame
	}
	return frames
}

private const val RESUMING_CLASS = "kotlin.coroutines.jvm.internal.BaseContinuationImpl"

private const val EXTENSIONS_CLASS = "dev.requestreply.RequestReplyOperationsExtensionsKt"
