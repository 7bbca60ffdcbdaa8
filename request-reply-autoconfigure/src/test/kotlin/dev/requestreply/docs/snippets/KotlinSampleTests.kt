package dev.requestreply.docs.snippets

import dev.requestreply.RemoteHandlerException
import dev.requestreply.ReplyErrorCodes
import dev.requestreply.RequestReplyOperations
import dev.requestreply.TestApps
import dev.requestreply.TestBroker
import kotlinx.coroutines.flow.toList
import org.apache.kafka.clients.admin.NewTopic
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatExceptionOfType
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.RegisterExtension
import org.springframework.boot.autoconfigure.EnableAutoConfiguration
import org.springframework.context.ConfigurableApplicationContext
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration

/**
 * The Kotlin sample of the docs, requester and responder in one application on the broker.
 */
class KotlinSampleTests {

	companion object {

		@JvmField
		@RegisterExtension
		val apps = TestApps()

		private lateinit var context: ConfigurableApplicationContext

		@BeforeAll
		@JvmStatic
		fun start() {
			// The sample's own topic names: no other test uses them.
			TestBroker.get().addTopics(NewTopic("prices", 1, 1), NewTopic("price-history", 1, 1))
			context = apps.startAssigned(arrayOf(App::class.java), "spring.application.name=kotlin-sample",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("kotlin-sample-replies"))
		}

	}

	private val client get() = context.getBean(PriceClient::class.java)

	private val desk get() = context.getBean(PriceDesk::class.java)

	@Test
	fun whenAPriceIsAskedForThenTheSuspendHandlerAnswersWithADataClass() = runBlocking<Unit> {
		assertThat(client.price("ACME")).isEqualTo(Price("ACME", 12_025))
	}

	@Test
	fun whenTheSymbolIsUnknownThenTheErrorReplyIsNotFound() {
		assertThatExceptionOfType(RemoteHandlerException::class.java)
			.isThrownBy { runBlocking { client.price("NOPE") } }
			.satisfies({ ex -> assertThat(ex.errorCode).isEqualTo(ReplyErrorCodes.NOT_FOUND) })
	}

	@Test
	fun whenTheHistoryIsCollectedThenItsPricesArriveInOrder() = runBlocking<Unit> {
		assertThat(client.history("ACME").toList().map { it.cents }).containsExactly(12_000, 12_050, 12_025)
	}

	@Test
	fun whenAQuoteIsExchangedFromACoroutineThenTheReplyCarriesItsRecord() = runBlocking<Unit> {
		val reply = desk.quote("ACME")
		assertThat(reply.value()).isEqualTo(Price("ACME", 12_025))
		assertThat(reply.topic()).isEqualTo(context.environment.getProperty("request-reply.reply-topic"))
	}

	@Test
	fun whenAKeyedRequestIsAwaitedThenTheHandlerAnswersIt() = runBlocking<Unit> {
		assertThat(desk.priceFor("account-7", "ACME")).isEqualTo(Price("ACME", 12_025))
	}

	@Test
	fun whenEveryResponderIsAskedFromACoroutineThenTheOneGroupAnswers() = runBlocking<Unit> {
		val gathered = desk.everyPrice("ACME")
		assertThat(gathered.values()).containsExactly(Price("ACME", 12_025))
		assertThat(gathered.timedOut()).isTrue()
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	class App {

		@Bean
		fun priceService() = PriceService(PriceRepository())

		@Bean
		fun priceClient(requestReply: RequestReplyOperations) = PriceClient(requestReply)

		@Bean
		fun priceDesk(requestReply: RequestReplyOperations) = PriceDesk(requestReply)

	}

}
