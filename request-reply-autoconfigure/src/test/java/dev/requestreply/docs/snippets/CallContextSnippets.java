package dev.requestreply.docs.snippets;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import dev.requestreply.ReplyContext;
import dev.requestreply.ReplyHandler;
import dev.requestreply.RequestReplyOperations;

import org.springframework.messaging.handler.annotation.Header;

/**
 * Handlers that read their call: headers, the context, cancellation, error codes.
 */
class CallContextSnippets {

	private final Pricing pricing;

	private final RequestReplyOperations requestReply;

	private final ExecutorService executor;

	CallContextSnippets(Pricing pricing, RequestReplyOperations requestReply, ExecutorService executor) {
		this.pricing = pricing;
		this.requestReply = requestReply;
		this.executor = executor;
	}

	// tag::context[]
	@ReplyHandler(topics = "quotes")
	Quote quote(QuoteRequest request, @Header("tenant") String tenant, ReplyContext call) {
		call.addReplyHeader("price-source", "cache");
		if (call.isCancelled()) { // the requester gave up
			throw new CancellationException("Nobody waits for " + request.symbol() + " any more");
		}
		return this.pricing.quote(request, tenant, call.timeLeft()); // requests sent from here inherit the deadline
	}
	// end::context[]

	// tag::headers[]
	@ReplyHandler(topics = "quotes-by-tenant")
	Quote quoteFor(QuoteRequest request, @Header("tenant") String tenant,
			@Header(name = "max-age", required = false) Integer maxAgeSeconds, ReplyContext call) {
		call.addReplyHeader("price-source", "cache");
		Duration left = call.timeLeft().orElse(Duration.ofSeconds(10));
		return this.pricing.quote(request, tenant, Optional.of(left));
	}
	// end::headers[]

	void wrapped(String sku) throws Exception {
		// tag::wrap[]
		this.executor.execute(ReplyContext.wrap(() -> this.pricing.refresh(sku)));  // a Runnable
		Future<Stock> stock = this.executor.submit(ReplyContext.wrap(                   // a Callable
				() -> this.requestReply.requestAndWait("stock", sku, Stock.class, Duration.ofSeconds(30))));
		CompletableFuture.runAsync(ReplyContext.wrap(() -> this.pricing.refresh(sku)), this.executor);
		// end::wrap[]
		stock.get();
	}

	// tag::cancellation[]
	@ReplyHandler(topics = "reports")
	CompletableFuture<Report> report(ReportRequest request, ReplyContext call) {
		// cancelled when the requester gives up
		return CompletableFuture.supplyAsync(() -> this.pricing.report(request, call::isCancelled), this.executor);
	}
	// end::cancellation[]

	interface Pricing {

		Quote quote(QuoteRequest request, String tenant, Optional<Duration> timeLeft);

		Report report(ReportRequest request, java.util.function.BooleanSupplier cancelled);

		void refresh(String sku);

	}

	record Stock(String sku, int count) {
	}

	record ReportRequest(String name) {
	}

	record Report(String name, String body) {
	}

}
