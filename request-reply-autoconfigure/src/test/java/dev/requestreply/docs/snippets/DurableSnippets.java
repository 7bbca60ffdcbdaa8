package dev.requestreply.docs.snippets;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.DurableRequest;
import dev.requestreply.RequestReplyOperations;

/**
 * A durable request and the listener of its outcomes.
 */
class DurableSnippets {

	private final Map<String, Object> results = new ConcurrentHashMap<>();

	String submit(RequestReplyOperations template, String symbol, String customer) throws Exception {
		// tag::submit[]
		DurableRequest request = template.submit("pricing-quote", new QuoteRequest(symbol),
				DurableOptions.kind("quote").timeout(Duration.ofMinutes(30)).context("customer", customer));
		request.accepted().get(); // the request and what ends it are in Kafka
		String id = request.id(); // keep it to cancel: template.cancelDurable(id)
		// end::submit[]
		return id;
	}

	// tag::listener[]
	@DurableReplyListener("quote")
	void onQuote(DurableOutcome<Quote> outcome) {
		String customer = outcome.context().get("customer");
		if (outcome instanceof DurableOutcome.Replied<Quote> replied) {
			store(customer, replied.reply());
		}
		else if (outcome instanceof DurableOutcome.Failed<Quote> failed) {
			store(customer, failed.errorCode() + ": " + failed.message());
		}
		else if (outcome instanceof DurableOutcome.TimedOut<Quote> timedOut) {
			store(customer, "no quote by " + timedOut.deadline());
		}
		// DurableOutcome.Cancelled: cancelDurable(id) ended it
	}
	// end::listener[]

	private void store(String customer, Object result) {
		this.results.put(customer, (result != null) ? result : Instant.now());
	}

}
