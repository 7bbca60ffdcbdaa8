package dev.requestreply

import java.lang.reflect.Proxy
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.Flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.catchThrowable
import org.junit.jupiter.api.Test

/**
 * Failures of the suspending requester carry the frames of the code that called it, although the
 * library makes them on its own threads, without frames: the same type and details, rethrown with
 * the caller's stack and the original as their cause. No broker: the operations fail their
 * futures, and their streams, from a thread of their own.
 */
class CoroutineRequesterStackTests {

	private val id = CorrelationId.random()

	@Test
	fun whenARequestTimesOutThenTheSuspendingCallThrowsARequestTimeoutExceptionWithTheCallersFrames() {
		val timeout = RequestTimeoutException("quotes", id, Duration.ofMillis(300))
		val thrown = catchThrowable { runBlocking { outerCall(failingWith(timeout)) } }
		assertThat(methods(thrown)).contains("innerCall", "outerCall")
		assertThat(thrown).isExactlyInstanceOf(RequestTimeoutException::class.java)
			.hasMessage(timeout.message)
			.hasCause(timeout)
		val copy = thrown as RequestTimeoutException
		assertThat(copy.correlationId).isEqualTo(id)
		assertThat(copy.timeout).isEqualTo(Duration.ofMillis(300))
	}

	@Test
	fun whenAHandlerFailsThenTheSuspendingCallThrowsARemoteHandlerExceptionWithTheCallersFrames() {
		val remote = RemoteHandlerException("quotes", "java.lang.IllegalStateException", "no price", "UNAVAILABLE")
		val thrown = catchThrowable { runBlocking { outerCall(failingWith(remote)) } }
		assertThat(methods(thrown)).contains("innerCall", "outerCall")
		assertThat(thrown).isExactlyInstanceOf(RemoteHandlerException::class.java)
			.hasMessage(remote.message)
			.hasCause(remote)
		val copy = thrown as RemoteHandlerException
		assertThat(copy.errorType).isEqualTo("java.lang.IllegalStateException")
		assertThat(copy.remoteMessage).isEqualTo("no price")
		assertThat(copy.errorCode).isEqualTo("UNAVAILABLE")
	}

	@Test
	fun whenAStreamFailsThenCollectingItThrowsTheFailureWithTheCollectorsFrames() {
		val remote = RemoteHandlerException("ticks", "java.lang.IllegalStateException", "closed", null)
		val thrown = catchThrowable { runBlocking { collectTicks(failingWith(remote)) } }
		assertThat(methods(thrown)).contains("collectTicks")
		assertThat(thrown).isExactlyInstanceOf(RemoteHandlerException::class.java).hasCause(remote)
	}

	private suspend fun outerCall(operations: RequestReplyOperations): String {
		val quote = innerCall(operations)
		return quote.uppercase()
	}

	private suspend fun innerCall(operations: RequestReplyOperations): String {
		val quote: String = operations.request("quotes", "ACME", Duration.ofSeconds(1))
		return quote.trim()
	}

	private suspend fun collectTicks(operations: RequestReplyOperations): Int {
		val ticks = operations.requestFlow<Long>("ticks", "go", Duration.ofSeconds(1), Duration.ofSeconds(5)).toList()
		return ticks.size
	}

	private fun methods(failure: Throwable): List<String> = failure.stackTrace.map { it.methodName }

	/**
	 * Operations whose requests and streams fail with the given failure, on another thread, as
	 * the library's completion threads would fail them.
	 */
	private fun failingWith(failure: RequestReplyException): RequestReplyOperations =
		Proxy.newProxyInstance(javaClass.classLoader, arrayOf(RequestReplyOperations::class.java)) { _, method, _ ->
			when (method.name) {
				"request" -> CompletableFuture<Any>().also { future ->
					Thread({ future.completeExceptionally(failure) }, "request-reply-completion-test").start()
				}
				"requestStream" -> Flow.Publisher<Any> { subscriber ->
					subscriber.onSubscribe(object : Flow.Subscription {
						override fun request(n: Long) {
						}

						override fun cancel() {
						}
					})
					Thread({ subscriber.onError(failure) }, "request-reply-completion-test").start()
				}
				else -> throw UnsupportedOperationException(method.name)
			}
		} as RequestReplyOperations

}
