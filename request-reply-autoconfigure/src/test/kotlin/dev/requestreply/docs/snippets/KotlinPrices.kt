package dev.requestreply.docs.snippets

import java.time.Duration
import dev.requestreply.GatherPolicy
import dev.requestreply.GatherResult
import dev.requestreply.Reply
import dev.requestreply.ReplyHandler
import dev.requestreply.RequestReplyOperations
import dev.requestreply.request
import dev.requestreply.requestFlow
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.future.await
import org.apache.kafka.clients.producer.ProducerRecord

/**
 * The Kotlin sample of docs/patterns.md: a responder of suspend functions and a coroutine
 * requester; `KotlinSampleTests` runs them against the broker.
 */
data class PriceRequest(val symbol: String)

data class Price(val symbol: String, val cents: Long)

// tag::kotlin-handler[]
class PriceService(private val prices: PriceRepository) {

	// Runs as a coroutine on the handler's threads; cancelled when the request is.
	@ReplyHandler(topics = ["prices"])
	suspend fun price(request: PriceRequest): Price =
		prices.find(request.symbol) ?: throw UnknownSymbolException(request.symbol) // a NOT_FOUND error reply

	// A stream request gets one reply per element, collected as fast as they are sent.
	@ReplyHandler(topics = ["price-history"])
	fun history(request: PriceRequest): Flow<Price> = prices.history(request.symbol)

}
// end::kotlin-handler[]

// tag::kotlin-client[]
class PriceClient(private val requestReply: RequestReplyOperations) {

	suspend fun price(symbol: String): Price =
		requestReply.request("prices", PriceRequest(symbol), Duration.ofSeconds(2))

	fun history(symbol: String): Flow<Price> =
		requestReply.requestFlow("price-history", PriceRequest(symbol), idleTimeout = Duration.ofSeconds(2),
			timeout = Duration.ofSeconds(30))

}
// end::kotlin-client[]

// tag::kotlin-await[]
class PriceDesk(private val requestReply: RequestReplyOperations) {

	// The reply with its headers and key.
	suspend fun quote(symbol: String): Reply<Price> =
		requestReply.exchange("prices", PriceRequest(symbol), Price::class.java, Duration.ofSeconds(2)).await()

	// A keyed request: requests with the same key are handled one at a time, in order.
	suspend fun priceFor(account: String, symbol: String): Price =
		requestReply.request(ProducerRecord("prices", account, PriceRequest(symbol)), Price::class.java,
			Duration.ofSeconds(2)).await()

	// One request to every group that reads the topic, one reply from each.
	suspend fun everyPrice(symbol: String): GatherResult<Price> =
		requestReply.scatterGather(listOf("prices"), PriceRequest(symbol), Price::class.java,
			GatherPolicy.all(Duration.ofSeconds(1))).await()

}
// end::kotlin-await[]

/** Prices kept in memory, read as slowly as a remote store. */
class PriceRepository {

	private val history = mapOf("ACME" to listOf(12_000L, 12_050L, 12_025L))

	suspend fun find(symbol: String): Price? {
		delay(5)
		return history[symbol]?.last()?.let { Price(symbol, it) }
	}

	fun history(symbol: String): Flow<Price> =
		history[symbol].orEmpty().map { Price(symbol, it) }.asFlow().onEach { delay(1) }

}
