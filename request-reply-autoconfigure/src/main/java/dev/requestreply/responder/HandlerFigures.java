package dev.requestreply.responder;

import java.util.List;

import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.handler.ReplyHandlerStats;

import org.springframework.core.log.LogAccessor;

/**
 * Counts how one handler dealt with each request, and tells the outcome listeners (the handler
 * timer of the meters).
 */
final class HandlerFigures {

	private static final LogAccessor logger = new LogAccessor(HandlerFigures.class);

	private final ReplyHandlerEndpoint endpoint;

	private final ReplyHandlerStats stats;

	private final List<ReplyHandlerOutcomeListener> listeners;

	HandlerFigures(ReplyHandlerEndpoint endpoint, ReplyHandlerStats stats, List<ReplyHandlerOutcomeListener> listeners) {
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
		if (this.listeners.isEmpty()) {
			return;
		}
		long duration = System.nanoTime() - startNanos;
		for (ReplyHandlerOutcomeListener listener : this.listeners) {
			try {
				listener.onOutcome(this.endpoint, topic, outcome, duration);
			}
			catch (RuntimeException ex) {
				logger.warn(ex, () -> "Reply handler outcome listener " + listener + " failed");
			}
		}
	}

	void skipped(ReplyHandlerStats.Event event) {
		this.stats.record(event);
	}

}
