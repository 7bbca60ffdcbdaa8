package dev.requestreply.responder;

import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyHandlerStats;

/**
 * Counts how one handler dealt with each request, and tells the outcome listeners (the handler
 * timer of the meters, and the application's, on a thread of their own).
 */
final class HandlerFigures {

	private final ReplyHandlerEndpoint endpoint;

	private final ReplyHandlerStats stats;

	private final OutcomeListeners listeners;

	HandlerFigures(ReplyHandlerEndpoint endpoint, ReplyHandlerStats stats, OutcomeListeners listeners) {
		this.endpoint = endpoint;
		this.stats = stats;
		this.listeners = listeners;
	}

	ReplyHandlerStats stats() {
		return this.stats;
	}

	void outcome(ReplyAddress address, ReplyHandlerOutcome outcome) {
		outcome(address.requestTopic(), outcome, address.startNanos());
	}

	void outcome(String topic, ReplyHandlerOutcome outcome, long startNanos) {
		this.stats.record(ReplyHandlerStats.Event.of(outcome));
		this.listeners.tell(this.endpoint, topic, outcome, startNanos);
	}

	void skipped(ReplyHandlerStats.Event event) {
		this.stats.record(event);
	}

}
