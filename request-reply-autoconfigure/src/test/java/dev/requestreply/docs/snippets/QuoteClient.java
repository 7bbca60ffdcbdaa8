package dev.requestreply.docs.snippets;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.RequestReplyOperations;

import org.springframework.stereotype.Service;

// tag::requester[]
@Service
class QuoteClient {

	private final RequestReplyOperations requestReply;

	QuoteClient(RequestReplyOperations requestReply) {
		this.requestReply = requestReply;
	}

	CompletableFuture<Quote> quote(String symbol) {
		return this.requestReply.request("quotes", new QuoteRequest(symbol), Quote.class, Duration.ofSeconds(2));
	}

}
// end::requester[]
