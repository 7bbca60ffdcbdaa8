package dev.requestreply.docs.snippets;

import dev.requestreply.interop.RequestReplyErrorChecker;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * Spring Kafka on either side, as the README's interop section shows it.
 */
class InteropSnippets {

	void caller(ReplyingKafkaTemplate<String, String, String> replyingKafkaTemplate,
			RequestReplyErrorChecker requestReplyErrorChecker) {
		// tag::caller[]
		// Caller with ReplyingKafkaTemplate: a @ReplyHandler's error reply fails the future with
		// RemoteHandlerException instead of completing it with an empty value.
		replyingKafkaTemplate.setReplyErrorChecker(requestReplyErrorChecker); // a RequestReplyErrorChecker bean
		// end::caller[]
	}

	// tag::responder[]
	// Responder with @KafkaListener + @SendTo: an exception is sent back as an error reply, with the
	// code of its @ReplyErrorCode, so a RequestReplyTemplate caller fails at once with
	// RemoteHandlerException instead of timing out.
	@KafkaListener(topics = "quotes", errorHandler = "requestReplyListenerErrorHandler")
	@SendTo
	Quote quote(QuoteRequest request) {
		if (!request.symbol().equals("ACME")) {
			throw new UnknownSymbolException(request.symbol());
		}
		return new Quote("ACME", 42.0);
	}
	// end::responder[]

}
