package dev.requestreply.docs.snippets;

import dev.requestreply.ReplyHandler;

/**
 * A handler in queue mode: its instances share the partitions of its topic.
 */
class QueueSnippets {

	// tag::queue[]
	@ReplyHandler(topics = "pricing-quote", queue = true)
	Quote quote(QuoteRequest request) {
		return new Quote(request.symbol(), 123.45);
	}
	// end::queue[]

}
