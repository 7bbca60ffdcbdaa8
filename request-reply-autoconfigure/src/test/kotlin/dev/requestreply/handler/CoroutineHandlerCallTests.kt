package dev.requestreply.handler

import java.util.concurrent.CompletableFuture
import java.util.concurrent.Executors
import java.util.concurrent.Flow
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.Continuation
import dev.requestreply.convert.PayloadConverter
import dev.requestreply.wire.RequestHeaders
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.flow.Flow as KotlinFlow
import kotlinx.coroutines.flow.flow
import org.apache.kafka.clients.consumer.ConsumerRecord
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test
import tools.jackson.databind.json.JsonMapper

/**
 * The calls of Kotlin handlers, without a broker: a `Flow` is collected only as fast as its
 * elements are asked for, a suspend function's continuation is no payload, and a cancelled
 * context cancels the coroutine.
 */
class CoroutineHandlerCallTests {

	private val threads = Executors.newFixedThreadPool(2)

	private val handlers = Handlers()

	@AfterEach
	fun stop() {
		threads.shutdownNow()
	}

	@Test
	fun whenAFlowIsAskedForOneElementAtATimeThenItProducesNoneAhead() {
		val publisher = invoker(Handlers::class.java.getDeclaredMethod("numbers", String::class.java))
			.invoke(arrayOf("x"), context()).get(5, TimeUnit.SECONDS)
		assertThat(publisher).isInstanceOf(Flow.Publisher::class.java)
		val received = AtomicInteger()
		val maxAhead = AtomicInteger()
		val done = CompletableFuture<Int>()
		@Suppress("UNCHECKED_CAST")
		(publisher as Flow.Publisher<Int>).subscribe(object : Flow.Subscriber<Int> {

			private lateinit var subscription: Flow.Subscription

			override fun onSubscribe(subscription: Flow.Subscription) {
				this.subscription = subscription
				subscription.request(1)
			}

			override fun onNext(item: Int) {
				val count = received.incrementAndGet()
				maxAhead.accumulateAndGet(handlers.produced.get() - count, Math::max)
				if (count < 1_000) {
					subscription.request(1)
				}
				else {
					subscription.cancel()
					done.complete(count)
				}
			}

			override fun onError(throwable: Throwable) {
				done.completeExceptionally(throwable)
			}

			override fun onComplete() {
				done.completeExceptionally(AssertionError("An endless flow completed"))
			}

		})
		assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(1_000)
		// An endless flow: every element produced was asked for.
		assertThat(maxAhead.get()).isZero()
		assertThat(handlers.numbersStopped.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException::class.java)
	}

	@Test
	fun whenASuspendFunctionIsReadThenItsContinuationIsNoPayload() {
		val method = Handlers::class.java.getDeclaredMethod("waiting", String::class.java, Continuation::class.java)
		assertThat(HandlerArguments.of(method).payloadType()).isEqualTo(String::class.java)
	}

	@Test
	fun whenTheContextIsCancelledThenTheCoroutineIsCancelledOnAHandlerThread() {
		val context = context()
		val result = invoker(Handlers::class.java.getDeclaredMethod("waiting", String::class.java,
			Continuation::class.java)).invoke(arrayOf("x"), context)
		// Started on the calling thread (named after the coroutine too, in kotlinx's debug mode).
		assertThat(handlers.waitingStarted.get(5, TimeUnit.SECONDS)).startsWith(Thread.currentThread().name)
		context.cancel()
		assertThat(handlers.waitingStopped.get(5, TimeUnit.SECONDS)).startsWith("pool-")
		assertThat(result).failsWithin(5, TimeUnit.SECONDS)
	}

	private fun invoker(method: java.lang.reflect.Method): HandlerInvoker {
		method.isAccessible = true
		val endpoint = ReplyHandlerEndpoint("handlers", handlers, method, listOf("requests"), null, null,
			String::class.java, false)
		return HandlerInvoker(endpoint, PayloadConverter(JsonMapper.builder().build()), 1_000_000, threads)
	}

	private fun context() = HandlerCallContext(ConsumerRecord<ByteArray, ByteArray>("requests", 0, 0, null, null),
		RequestHeaders(ByteArray(16), "replies", null, RequestHeaders.NO_DEADLINE, ByteArray(0), false))

	class Handlers {

		val produced = AtomicInteger()

		val numbersStopped = CompletableFuture<Throwable>()

		val waitingStarted = CompletableFuture<String>()

		val waitingStopped = CompletableFuture<String>()

		fun numbers(request: String): KotlinFlow<Int> = flow {
			try {
				while (true) {
					emit(produced.incrementAndGet())
				}
			}
			catch (ex: CancellationException) {
				numbersStopped.complete(ex)
				throw ex
			}
		}

		suspend fun waiting(request: String): String {
			waitingStarted.complete(Thread.currentThread().name)
			try {
				awaitCancellation()
			}
			finally {
				waitingStopped.complete(Thread.currentThread().name)
			}
		}

	}

}
