package dev.requestreply.docs.snippets;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.Reply;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.ReplyHandler;
import dev.requestreply.RequestReplyOperations;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;

/**
 * The request patterns of docs/patterns.md.
 */
class PatternsSnippets {

	private final RequestReplyOperations requestReply;

	private final TradeRepository tradeRepository;

	PatternsSnippets(RequestReplyOperations requestReply, TradeRepository tradeRepository) {
		this.requestReply = requestReply;
		this.tradeRepository = tradeRepository;
	}

	Quote single() throws Exception {
		RequestReplyOperations requestReply = this.requestReply;
		// tag::single[]
		Quote quote = requestReply.request("quotes", new QuoteRequest("ACME"), Quote.class, Duration.ofSeconds(2))
			.get();
		// end::single[]
		return quote;
	}

	// tag::stream-handler[]
	@ReplyHandler(topics = "trades")
	Stream<Trade> trades(TradeQuery query) {
		return this.tradeRepository.streamBySymbol(query.symbol());
	}
	// end::stream-handler[]

	Flux<Trade> stream() {
		RequestReplyOperations requestReply = this.requestReply;
		// tag::stream[]
		Flow.Publisher<Trade> trades = requestReply.requestStream("trades", new TradeQuery("ACME"), Trade.class,
				Duration.ofSeconds(2),    // idle timeout: for the first element and between elements
				Duration.ofSeconds(30));  // overall timeout: for the whole stream
		Flux<Trade> flux = JdkFlowAdapter.flowPublisherToFlux(trades); // with Reactor, if you like
		// end::stream[]
		return flux;
	}

	void gather() throws Exception {
		RequestReplyOperations requestReply = this.requestReply;
		// tag::gather[]
		GatherResult<Double> prices = requestReply
			.scatterGather(List.of("prices"), "ACME", Double.class, GatherPolicy.quorum(2, Duration.ofSeconds(1)))
			.get();
		prices.values();      // the successful replies
		prices.errors();      // the responders that failed, with their RemoteHandlerException
		prices.responders();  // who answered (each reply carries rr_responder: the responder's consumer group)
		prices.timedOut();    // true when the timeout ended it: a partial result, not an exception
		// end::gather[]
	}

	String exchange(QuoteRequest request) throws Exception {
		RequestReplyOperations requestReply = this.requestReply;
		// tag::exchange[]
		Reply<Quote> reply = requestReply.exchange("quotes", request, Quote.class, Duration.ofSeconds(2)).get();
		String source = reply.header("price-source");
		// end::exchange[]
		return source;
	}

	int httpStatus(CompletableFuture<Quote> quote) throws InterruptedException {
		// tag::error-codes[]
		try {
			quote.get();
			return 200;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RemoteHandlerException remote) {
				return switch (remote.getErrorCode()) {
					case ReplyErrorCodes.NOT_FOUND -> 404;
					case ReplyErrorCodes.INVALID_ARGUMENT -> 400;
					default -> remote.isRetryable() ? 503 : 502;
				};
			}
			return 500; // the request failed here: a timeout, a send failure, ...
		}
		// end::error-codes[]
	}

	void generics() {
		RequestReplyOperations requestReply = this.requestReply;
		// tag::generics[]
		CompletableFuture<List<Quote>> quotes = requestReply.request("quotes-by-venue", "ACME",
				new ParameterizedTypeReference<List<Quote>>() { }, Duration.ofSeconds(2));
		CompletableFuture<Map<String, Quote>> byVenue = requestReply.request("quotes-by-venue-map", "ACME",
				new ParameterizedTypeReference<Map<String, Quote>>() { });
		// end::generics[]
	}

	void reactor() {
		RequestReplyOperations requestReply = this.requestReply;
		// tag::reactor[]
		Flux<PricePoint> history = JdkFlowAdapter.flowPublisherToFlux(
				requestReply.requestStream("history", "ACME", PricePoint.class, Duration.ofSeconds(2), Duration.ofSeconds(30)));
		Mono<Quote> quote = Mono.fromFuture(() -> requestReply.request("quotes", "ACME", Quote.class)); // cancelling cancels the request
		// end::reactor[]
	}

	interface TradeRepository {

		Stream<Trade> streamBySymbol(String symbol);

	}

	record Trade(String symbol, double price, long quantity) {
	}

	record TradeQuery(String symbol) {
	}

	record PricePoint(String symbol, int minutesAgo, double price) {
	}

}
