package dev.requestreply

import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import dev.requestreply.handler.ReplyHandlerContainerCustomizer
import dev.requestreply.handler.ReplyHandlerContainers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.flow
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatExceptionOfType
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.RegisterExtension
import org.slf4j.MDC
import org.springframework.boot.autoconfigure.EnableAutoConfiguration
import org.springframework.context.ConfigurableApplicationContext
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration
import org.springframework.core.ParameterizedTypeReference

/**
 * A `@ReplyHandler` that is a Kotlin `suspend` function runs as a coroutine on its handler's
 * threads: its return value is the reply, what it throws an error reply with its error code, a
 * cancelled request cancels the coroutine, a `Flow` it returns is a stream of replies, and its
 * `ReplyContext` (and deadline) follow it across suspensions. A suspended call, like a future a
 * handler returned and that has not completed, counts against the handler's `maxConcurrency`.
 * Requests sent with the Java API.
 */
class SuspendHandlerTests {

	companion object {

		@JvmField
		@RegisterExtension
		val apps = TestApps()

		private lateinit var context: ConfigurableApplicationContext

		private lateinit var template: RequestReplyTemplate

		private lateinit var handlers: SuspendHandlers

		@BeforeAll
		@JvmStatic
		fun start() {
			context = apps.startAssigned(arrayOf(App::class.java), "spring.application.name=suspend-handlers",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("suspend-replies"),
				"test.topic.echo=" + TestBroker.createTopic("suspend-echo", 1),
				"test.topic.missing=" + TestBroker.createTopic("suspend-missing", 1),
				"test.topic.slow=" + TestBroker.createTopic("suspend-slow", 1),
				"test.topic.overrun=" + TestBroker.createTopic("suspend-overrun", 1),
				"test.topic.give-up=" + TestBroker.createTopic("suspend-give-up", 1),
				"test.topic.relay=" + TestBroker.createTopic("suspend-relay", 1),
				"test.topic.deadline=" + TestBroker.createTopic("suspend-deadline", 1),
				"test.topic.count=" + TestBroker.createTopic("suspend-count", 1),
				"test.topic.count-later=" + TestBroker.createTopic("suspend-count-later", 1),
				"test.topic.ticks=" + TestBroker.createTopic("suspend-ticks", 1),
				"test.topic.mdc=" + TestBroker.createTopic("suspend-mdc", 1),
				"test.topic.limited=" + TestBroker.createTopic("suspend-limited", 1),
				"test.topic.limited-future=" + TestBroker.createTopic("suspend-limited-future", 1))
			template = context.getBean(RequestReplyTemplate::class.java)
			handlers = context.getBean(SuspendHandlers::class.java)
		}

		private fun topic(name: String): String = context.environment.getRequiredProperty("test.topic.$name")

	}

	@Test
	fun whenHandlerSuspendsThenItResumesOnAHandlerThreadWithItsContextAndItsValueIsTheReply() {
		val reply = template.request(topic("echo"), "hello", object : ParameterizedTypeReference<List<String>>() {},
			Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS)
		val (text, resumedOn, current, declared, element) = reply
		assertThat(text).isEqualTo("HELLO")
		assertThat(resumedOn).startsWith("request-reply-suspendHandlers.echo-")
		// The context the method declared, the one current on the thread it resumed on, and the
		// coroutine's element: one request's.
		assertThat(current).isEqualTo(declared).isEqualTo(element).isNotEqualTo("none")
	}

	@Test
	fun whenHandlerThrowsAfterSuspendingThenTheErrorReplyCarriesItsErrorCode() {
		val future = template.request(topic("missing"), "42", String::class.java, Duration.ofSeconds(10))
		assertThatExceptionOfType(ExecutionException::class.java).isThrownBy { future.get(20, TimeUnit.SECONDS) }
			.havingCause()
			.isInstanceOfSatisfying(RemoteHandlerException::class.java) { ex ->
				assertThat(ex.errorCode).isEqualTo(ReplyErrorCodes.NOT_FOUND)
				assertThat(ex.remoteMessage).isEqualTo("No thing 42")
			}
	}

	@Test
	fun whenRequestIsCancelledThenTheCoroutineIsCancelledWithinASecond() {
		val work = handlers.expect()
		val cancelsSent = template.cancelsSent
		val future = template.request(topic("slow"), "work", String::class.java, Duration.ofSeconds(30))
		work.started.get(20, TimeUnit.SECONDS)
		val cancelledAt = System.nanoTime()
		future.cancel(true)
		assertThat(work.stopped.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException::class.java)
		val stopMillis = TimeUnit.NANOSECONDS.toMillis(work.stoppedAt - cancelledAt)
		TestFigures.report("RELIABILITY cancel, suspend handler: cancel to coroutine cancelled %d ms", stopMillis)
		assertThat(stopMillis).isLessThan(1_000)
		assertThat(work.contextCancelled).isTrue()
		assertThat(template.cancelsSent).isEqualTo(cancelsSent + 1)
	}

	@Test
	fun whenTheWatchdogEndsTheRequestThenTheCoroutineIsCancelledAndTheRequesterGetsAnError() {
		val work = handlers.expect()
		// No deadline: the handler's max handling time (300 ms) ends the request.
		TestRawRequests(TestBroker.createTopic("suspend-raw-replies", 1)).use { raw ->
			val id = raw.send(topic("overrun"), "\"work\"", null)
			assertThat(work.stopped.get(20, TimeUnit.SECONDS)).isInstanceOf(CancellationException::class.java)
			assertThat(raw.awaitFailure(id).errorCode).isEqualTo(ReplyErrorCodes.DEADLINE_EXCEEDED)
		}
		assertThat(work.contextCancelled).isTrue()
		// The coroutine ended with its request: no call left running past its end.
		val stats = context.getBean(ReplyHandlerContainers::class.java).stats.getValue("suspendHandlers.overrun")
		assertThat(stats.overruns()).isZero()
	}

	@Test
	fun whenHandlerCancelsItsOwnCoroutineThenTheErrorReplyIsCancelled() {
		val future = template.request(topic("give-up"), "work", String::class.java, Duration.ofSeconds(10))
		assertThatExceptionOfType(ExecutionException::class.java).isThrownBy { future.get(20, TimeUnit.SECONDS) }
			.havingCause()
			.isInstanceOfSatisfying(RemoteHandlerException::class.java) { ex ->
				assertThat(ex.errorCode).isEqualTo(ReplyErrorCodes.CANCELLED)
			}
	}

	@Test
	fun whenSuspendHandlerSendsARequestAfterResumingThenItInheritsTheDeadline() {
		val reply = template.request(topic("relay"), "x", String::class.java, Duration.ofSeconds(7))
			.get(20, TimeUnit.SECONDS)
		val (own, inherited) = reply.split("|")
		assertThat(own).isNotEqualTo("none")
		// The inner request's own timeout is the template's default, longer than what is left.
		assertThat(inherited).isEqualTo(own)
	}

	@Test
	fun whenHandlerReturnsAFlowThenAStreamRequestGetsItsElementsInOrder() {
		val subscriber = TestSubscriber.subscribe(template.requestStream(topic("count"), 1_000, Int::class.javaObjectType,
			Duration.ofSeconds(10), Duration.ofSeconds(30)), 64)
		assertThat(subscriber.done.get(30, TimeUnit.SECONDS)).isEqualTo((1..1_000).toList())
	}

	@Test
	fun whenSuspendHandlerReturnsAFlowThenARequestForOneReplyGetsItsElementsAsAList() {
		val reply = template.request(topic("count-later"), 5, object : ParameterizedTypeReference<List<Int>>() {},
			Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS)
		assertThat(reply).containsExactly(1, 2, 3, 4, 5)
	}

	@Test
	fun whenTheStreamSubscriptionIsCancelledThenTheHandlersFlowIsCancelled() {
		handlers.ticksStopped = CompletableFuture()
		val subscriber = TestSubscriber.subscribe(template.requestStream(topic("ticks"), "tick", Long::class.javaObjectType,
			Duration.ofSeconds(10), Duration.ofSeconds(60)), 1)
		await().atMost(Duration.ofSeconds(10)).until { subscriber.elements.size >= 2 }
		subscriber.cancel()
		assertThat(handlers.ticksStopped.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException::class.java)
	}

	@Test
	fun whenHandlerResumesThenItHasTheMdcOfItsConsumerThread() {
		assertThat(template.request(topic("mdc"), "x", String::class.java, Duration.ofSeconds(10))
			.get(20, TimeUnit.SECONDS)).isEqualTo("tenant-from-consumer-thread")
	}

	@Test
	fun whenSuspendHandlerHasMaxConcurrencyTwoThenAtMostTwoCallsRunAtOnceWhileSuspended() {
		assertAtMostTwoAtOnce(topic("limited"), handlers.limited)
	}

	@Test
	fun whenHandlerReturnsAFutureThenItsCallCountsAgainstMaxConcurrencyUntilTheFutureCompletes() {
		assertAtMostTwoAtOnce(topic("limited-future"), handlers.limitedFuture)
	}

	private fun assertAtMostTwoAtOnce(topic: String, calls: CallsAtOnce) {
		val replies = (1..6).map { template.request(topic, it, Int::class.javaObjectType, Duration.ofSeconds(10)) }
		assertThat(replies.map { it.get(20, TimeUnit.SECONDS) }).containsExactlyInAnyOrderElementsOf(1..6)
		// Six calls of 200 ms each, arriving together: two at a time, never more.
		assertThat(calls.most.get()).isEqualTo(2)
	}

	/** How many calls of a handler were under way at once, at most. */
	class CallsAtOnce {

		private val running = AtomicInteger()

		val most = AtomicInteger()

		fun enter() {
			most.accumulateAndGet(running.incrementAndGet(), Math::max)
		}

		fun exit() {
			running.decrementAndGet()
		}

	}

	/** Handlers that are suspend functions, or return a Flow. */
	class SuspendHandlers(private val template: RequestReplyOperations) {

		@Volatile
		private var work = CancelledCall()

		@Volatile
		var ticksStopped = CompletableFuture<Throwable>()

		val limited = CallsAtOnce()

		val limitedFuture = CallsAtOnce()

		fun expect(): CancelledCall {
			work = CancelledCall()
			return work
		}

		@ReplyHandler(topics = ["\${test.topic.echo}"])
		suspend fun echo(request: String, context: ReplyContext): List<String> {
			delay(10)
			val current = ReplyContext.current().map { it.offset().toString() }.orElse("none")
			return listOf(request.uppercase(), Thread.currentThread().name, current, context.offset().toString(),
				currentReplyContext()?.offset().toString())
		}

		@ReplyHandler(topics = ["\${test.topic.missing}"])
		suspend fun missing(id: String): String {
			delay(10)
			throw NoSuchThingException(id)
		}

		@ReplyHandler(topics = ["\${test.topic.slow}"])
		suspend fun slow(request: String, context: ReplyContext): String = work.run(context)

		@ReplyHandler(topics = ["\${test.topic.overrun}"], maxHandlingTime = "300ms")
		suspend fun overrun(request: String, context: ReplyContext): String = work.run(context)

		@ReplyHandler(topics = ["\${test.topic.give-up}"])
		suspend fun giveUp(request: String): String {
			delay(10)
			currentCoroutineContext().cancel(CancellationException("gave up"))
			delay(10)
			return "not sent"
		}

		@ReplyHandler(topics = ["\${test.topic.relay}"])
		suspend fun relay(request: String, context: ReplyContext): String {
			delay(10)
			val own = context.deadline().map { it.toEpochMilli().toString() }.orElse("none")
			return own + "|" + template.request<String>(topic("deadline"), request)
		}

		// A plain Kotlin handler, called as a Java one.
		@ReplyHandler(topics = ["\${test.topic.deadline}"])
		fun deadline(request: String): String =
			ReplyContext.current().flatMap { it.deadline() }.map { it.toEpochMilli().toString() }.orElse("none")

		@ReplyHandler(topics = ["\${test.topic.count}"])
		fun count(n: Int): Flow<Int> = flow {
			for (i in 1..n) {
				emit(i)
			}
		}

		@ReplyHandler(topics = ["\${test.topic.count-later}"])
		suspend fun countLater(n: Int): Flow<Int> {
			delay(10)
			return (1..n).asFlow()
		}

		@ReplyHandler(topics = ["\${test.topic.mdc}"])
		suspend fun mdc(request: String): String {
			delay(10)
			return MDC.get("tenant") ?: "none"
		}

		@ReplyHandler(topics = ["\${test.topic.limited}"], maxConcurrency = "2")
		suspend fun limited(request: Int): Int {
			limited.enter()
			try {
				delay(200)
				return request
			}
			finally {
				limited.exit()
			}
		}

		// A Kotlin handler returning a future, called as a Java one.
		@ReplyHandler(topics = ["\${test.topic.limited-future}"], maxConcurrency = "2")
		fun limitedFuture(request: Int): CompletableFuture<Int> {
			limitedFuture.enter()
			return CompletableFuture.supplyAsync({
				limitedFuture.exit()
				request
			}, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
		}

		@ReplyHandler(topics = ["\${test.topic.ticks}"])
		fun ticks(request: String): Flow<Long> = endlessTicks(ticksStopped)

	}

	@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
	class NoSuchThingException(id: String) : RuntimeException("No thing $id")

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	class App {

		@Bean
		fun suspendHandlers(template: RequestReplyOperations) = SuspendHandlers(template)

		// What a batch interceptor puts in the MDC of the consumer thread, the handler's call takes.
		@Bean
		fun mdcCustomizer() = ReplyHandlerContainerCustomizer { container, endpoint ->
			if (endpoint.id() == "suspendHandlers.mdc") {
				container.setBatchInterceptor { records, _ ->
					MDC.put("tenant", "tenant-from-consumer-thread")
					records
				}
			}
		}

	}

}
