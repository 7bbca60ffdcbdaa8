package dev.requestreply.docs.snippets;

import dev.requestreply.ReplyHandler;

import org.springframework.stereotype.Component;

// tag::responder[]
@Component
class QuoteService {

	@ReplyHandler(topics = "quotes")
	Quote quote(QuoteRequest request) {
		return new Quote(request.symbol(), 42.0);
	}

}
// end::responder[]
