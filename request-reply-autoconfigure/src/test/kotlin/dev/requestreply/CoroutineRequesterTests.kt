package dev.requestreply

import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds
import dev.requestreply.handler.ReplyHandlerContainers
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatExceptionOfType
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.RegisterExtension
import org.springframework.boot.autoconfigure.EnableAutoConfiguration
import org.springframework.context.ConfigurableApplicationContext
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration

/**
 * The coroutine API of the requester: `request` suspends until a typed reply, `requestFlow` is a
 * cold `Flow` of a stream's replies, and cancelling the calling coroutine (or stopping the
 * collection) cancels the request, which reaches its handler. Nullness follows the Java API's.
 */
class CoroutineRequesterTests {

	companion object {

		@JvmField
		@RegisterExtension
		val apps = TestApps()

		private lateinit var context: ConfigurableApplicationContext

		private lateinit var template: RequestReplyOperations

		private lateinit var handlers: Responders

		@BeforeAll
		@JvmStatic
		fun start() {
			context = apps.startAssigned(arrayOf(App::class.java), "spring.application.name=coroutine-requester",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("coroutine-replies"),
				"test.topic.words=" + TestBroker.createTopic("coroutine-words", 1),
				"test.topic.nothing=" + TestBroker.createTopic("coroutine-nothing", 1),
				"test.topic.failing=" + TestBroker.createTopic("coroutine-failing", 1),
				"test.topic.slow=" + TestBroker.createTopic("coroutine-slow", 1),
				"test.topic.numbers=" + TestBroker.createTopic("coroutine-numbers", 1),
				"test.topic.endless=" + TestBroker.createTopic("coroutine-endless", 1))
			template = context.getBean(RequestReplyOperations::class.java)
			handlers = context.getBean(Responders::class.java)
		}

		private fun topic(name: String): String = context.environment.getRequiredProperty("test.topic.$name")

	}

	@Test
	fun whenARequestIsAwaitedThenItsReplyHasTheReifiedGenericType() = runBlocking<Unit> {
		val words: List<String> = template.request(topic("words"), "one two three", Duration.ofSeconds(10))
		assertThat(words).containsExactly("one", "two", "three")
		// The template's default timeout.
		assertThat(template.request<List<String>>(topic("words"), "four")).containsExactly("four")
	}

	@Test
	fun whenTheReplyHasNoValueThenRequestFailsAndRequestOrNullReturnsNull() = runBlocking<Unit> {
		assertThat(template.requestOrNull<String>(topic("nothing"), "x", Duration.ofSeconds(10))).isNull()
		assertThatExceptionOfType(RequestReplyException::class.java)
			.isThrownBy { runBlocking { template.request<String>(topic("nothing"), "x", Duration.ofSeconds(10)) } }
			.withMessageContaining("has no value")
	}

	@Test
	fun whenNoReplyComesInTimeThenTheRequestFailsWithATimeout() {
		handlers.expect()
		assertThatExceptionOfType(RequestTimeoutException::class.java).isThrownBy {
			runBlocking { template.request<String>(topic("slow"), "work", Duration.ofMillis(300)) }
		}
	}

	@Test
	fun whenTheCallingCoroutineIsCancelledThenTheRequestIsCancelledAndItsHandlerToo() = runBlocking<Unit> {
		val work = handlers.expect()
		val requester = template as RequestReplyTemplate
		val cancelsSent = requester.cancelsSent
		val call = async(start = CoroutineStart.UNDISPATCHED) {
			template.request<String>(topic("slow"), "work", Duration.ofSeconds(30))
		}
		work.started.get(20, TimeUnit.SECONDS)
		call.cancel()
		assertThat(work.stopped.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException::class.java)
		assertThat(call.isCancelled).isTrue()
		await().atMost(Duration.ofSeconds(10)).until { requester.cancelsSent == cancelsSent + 1 }
		assertThat(slowStats().cancelled()).isGreaterThanOrEqualTo(1)
	}

	@Test
	fun whenAStreamIsCollectedThenItsElementsArriveInOrderAndEachCollectionSendsTheRequest() = runBlocking<Unit> {
		val numbers = template.requestFlow<Int>(topic("numbers"), 500, Duration.ofSeconds(10), Duration.ofSeconds(30))
		withTimeout(30.seconds) {
			assertThat(numbers.toList()).isEqualTo((1..500).toList())
			assertThat(numbers.toList()).hasSize(500)
		}
		assertThat(handlers.numberCalls.get()).isEqualTo(2)
	}

	@Test
	fun whenTheCollectorStopsThenTheStreamRequestIsCancelledAndTheHandlersFlowToo() = runBlocking<Unit> {
		handlers.endlessStopped = CompletableFuture()
		val first = withTimeout(30.seconds) {
			template.requestFlow<Long>(topic("endless"), "go", Duration.ofSeconds(10), Duration.ofSeconds(60))
				.take(3)
				.toList()
		}
		assertThat(first).containsExactly(0L, 1L, 2L)
		assertThat(handlers.endlessStopped.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException::class.java)
	}

	@Test
	fun whenTheJavaApiDeclaresNullnessThenKotlinTypesFollowIt() = runBlocking<Unit> {
		// Each declaration states the nullness the Java API gives; with its nullness annotations
		// the Kotlin compiler checks them (a non-null declared for a nullable value fails to compile).
		val outside: ReplyContext? = CurrentReplyContext.get()
		assertThat(outside).isNull()
		assertThat(currentReplyContext()).isNull()
		val replyTopic: String = (template as RequestReplyTemplate).replyTopic
		assertThat(replyTopic).endsWith("-replies")
		val failure = assertThatExceptionOfType(RemoteHandlerException::class.java).isThrownBy {
			runBlocking { template.request<String>(topic("failing"), "x", Duration.ofSeconds(10)) }
		}.actual()
		// Never null: UNKNOWN for an error reply without a code.
		val code: String = failure.errorCode
		val remoteMessage: String? = failure.remoteMessage
		assertThat(code).isEqualTo(ReplyErrorCodes.INTERNAL)
		assertThat(remoteMessage).isEqualTo("no key")
	}

	private fun slowStats() = context.getBean(ReplyHandlerContainers::class.java)
		.stats
		.filterKeys { it.endsWith(".slow") }
		.values
		.single()

	class Responders {

		@Volatile
		private var work = CancelledCall()

		val numberCalls = java.util.concurrent.atomic.AtomicInteger()

		@Volatile
		var endlessStopped = CompletableFuture<Throwable>()

		fun expect(): CancelledCall {
			work = CancelledCall()
			return work
		}

		@ReplyHandler(topics = ["\${test.topic.words}"])
		suspend fun words(text: String): List<String> {
			delay(1)
			return text.split(" ")
		}

		@ReplyHandler(topics = ["\${test.topic.failing}"])
		suspend fun failing(request: String, context: ReplyContext): String {
			delay(1)
			// The request was sent without a key.
			val key: ByteArray? = context.key()
			throw IllegalStateException(if (key == null) "no key" else "a key")
		}

		@ReplyHandler(topics = ["\${test.topic.nothing}"])
		suspend fun nothing(request: String) {
			delay(1)
		}

		@ReplyHandler(topics = ["\${test.topic.slow}"])
		suspend fun slow(request: String): String = work.run(null)

		@ReplyHandler(topics = ["\${test.topic.numbers}"])
		fun numbers(n: Int): Flow<Int> {
			numberCalls.incrementAndGet()
			return flow {
				for (i in 1..n) {
					emit(i)
				}
			}
		}

		@ReplyHandler(topics = ["\${test.topic.endless}"])
		fun endless(request: String): Flow<Long> = endlessTicks(endlessStopped)

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	class App {

		@Bean
		fun responders() = Responders()

	}

}
