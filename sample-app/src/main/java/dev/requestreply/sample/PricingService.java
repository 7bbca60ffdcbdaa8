package dev.requestreply.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.requestreply.ReplyHandler;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The responder: answers quote requests sent to the pricing topics.
 */
@Service
public class PricingService {

	private static final Map<String, BigDecimal> PRICES = Map.of(
			"ACME", new BigDecimal("123.45"),
			"GLOBEX", new BigDecimal("87.10"),
			"INITECH", new BigDecimal("12.34"));

	private static final BigDecimal HALF_SPREAD = new BigDecimal("0.05");

	private final Duration deepQuoteDelay;

	public PricingService(@Value("${pricing.deep-quote-delay}") Duration deepQuoteDelay) {
		this.deepQuoteDelay = deepQuoteDelay;
	}

	/**
	 * Answer at once with the last price.
	 */
	@ReplyHandler(topics = "${pricing.topics.quote}")
	public Quote quote(String symbol) {
		String normalized = normalize(symbol);
		return new Quote(normalized, priceOf(normalized), "USD");
	}

	/**
	 * Answer after {@code pricing.deep-quote-delay}, without holding the consumer thread: the
	 * reply is sent when the returned future completes.
	 */
	@ReplyHandler(topics = "${pricing.topics.deep-quote}")
	public CompletableFuture<DeepQuote> deepQuote(String symbol) {
		String normalized = normalize(symbol);
		BigDecimal price = priceOf(normalized);
		return CompletableFuture.supplyAsync(
				() -> new DeepQuote(normalized, price, price.subtract(HALF_SPREAD), price.add(HALF_SPREAD), "USD"),
				CompletableFuture.delayedExecutor(this.deepQuoteDelay.toMillis(), TimeUnit.MILLISECONDS));
	}

	/**
	 * Answer with a stream: the symbol's price over the last minutes, one reply per point, in
	 * order, then an end marker.
	 */
	@ReplyHandler(topics = "${pricing.topics.history}")
	public Stream<PricePoint> history(String symbol) {
		String normalized = normalize(symbol);
		BigDecimal price = priceOf(normalized);
		return IntStream.range(0, 5)
			.mapToObj((minutesAgo) -> new PricePoint(normalized, minutesAgo,
					price.subtract(HALF_SPREAD.multiply(BigDecimal.valueOf(minutesAgo)))));
	}

	private static String normalize(String symbol) {
		return symbol.strip().toUpperCase(Locale.ROOT);
	}

	static BigDecimal priceOf(String symbol) {
		BigDecimal price = PRICES.get(symbol);
		if (price == null) {
			throw new UnknownSymbolException(symbol);
		}
		return price;
	}

}
