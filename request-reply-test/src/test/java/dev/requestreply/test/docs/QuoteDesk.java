package dev.requestreply.test.docs;

import java.time.Duration;

import dev.requestreply.RequestReplyOperations;

import org.springframework.stereotype.Service;

// tag::client[]
@Service
class QuoteDesk {

	private final RequestReplyOperations requestReply;

	QuoteDesk(RequestReplyOperations requestReply) {
		this.requestReply = requestReply;
	}

	Quote quote(String symbol) {
		return this.requestReply.requestAndWait("pricing-quote", symbol, Quote.class, Duration.ofSeconds(2));
	}

}
// end::client[]
