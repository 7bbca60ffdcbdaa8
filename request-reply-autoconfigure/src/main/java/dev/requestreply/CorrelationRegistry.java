package dev.requestreply;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.requestreply.requester.RequestOutcome;
import dev.requestreply.requester.RequestOutcomeListener;

/**
 * The requests of this application that wait for their reply, read-only: how many there are, the
 * oldest of them, and the figures of how requests ended. An auto-configured bean, the registry of
 * the {@link RequestReplyTemplate}'s engine (not replaceable: define a template of your own
 * instead); requests are registered, completed and cancelled through the template and the futures
 * it returns, never here.
 *
 * @since 0.1.0
 */
public interface CorrelationRegistry {

	/**
	 * Add a listener told of the end of every request, with its {@link RequestOutcome}: with the
	 * completion of its future, just before it, on a completion thread (or the caller's, waiting
	 * for the future or cancelling it), never on the engine's own threads.
	 * @param listener the listener
	 * @since 0.3.0
	 */
	void addListener(RequestOutcomeListener listener);

	/**
	 * Add a listener told of the end of every request at once, on the thread that ended it: one
	 * of the engine's own (the timer, a reply reader, the producer's), whatever the completion
	 * threads do, where a listener that blocks delays every request's timeout. For the library's
	 * own listeners, which only count (the duration timers of its meters, the endpoint's figures
	 * per topic); an application's listener belongs in {@link #addListener(RequestOutcomeListener)}.
	 * @param listener the listener: quick, never blocking
	 * @since 0.4.0
	 */
	default void addEngineListener(RequestOutcomeListener listener) {
		addListener(listener);
	}

	/**
	 * Return the number of requests still waiting for a reply.
	 * @return the number of pending requests
	 */
	int pendingCount();

	/**
	 * Return the number of pending requests past which new requests are refused.
	 * @return the limit
	 */
	int getMaxPending();

	/**
	 * Return the figures of how this application's requests ended, and of the replies that
	 * completed none, in one snapshot.
	 * @return the figures
	 * @since 0.2.0
	 */
	RequestStatistics statistics();

	/**
	 * Describe one pending request.
	 * @param correlationId the correlation id
	 * @return the request, or empty if none with that id is pending
	 */
	Optional<PendingRequestInfo> find(CorrelationId correlationId);

	/**
	 * Describe the pending requests that have waited longest.
	 * @param max how many to return at most
	 * @return the oldest pending requests, oldest first
	 */
	List<PendingRequestInfo> oldest(int max);

	/**
	 * Count the pending requests by the topic they were sent to.
	 * @return the number of pending requests of each topic that has any
	 */
	Map<String, Integer> pendingByTopic();

	/**
	 * Return the number of requests answered with a reply that converted.
	 * @return the count
	 */
	default long completedCount() {
		return statistics().completed();
	}

	/**
	 * Return the number of requests that timed out.
	 * @return the count
	 */
	default long timeoutCount() {
		return statistics().timeouts();
	}

	/**
	 * Return the number of requests that failed: error replies, send failures, replies that did
	 * not convert, shutdown.
	 * @return the count
	 */
	default long errorCount() {
		return statistics().errors();
	}

	/**
	 * Return the number of requests cancelled before their reply.
	 * @return the count
	 */
	default long cancelledCount() {
		return statistics().cancelled();
	}

	/**
	 * Return the number of requests refused because too many were pending.
	 * @return the count
	 */
	default long rejectedCount() {
		return statistics().rejected();
	}

	/**
	 * Return the number of replies that arrived after their request had timed out or was
	 * cancelled.
	 * @return the count
	 */
	default long lateReplyCount() {
		return statistics().lateReplies();
	}

	/**
	 * Return the number of second replies to a request already answered (a request handled
	 * twice).
	 * @return the count
	 */
	default long duplicateReplyCount() {
		return statistics().duplicateReplies();
	}

	/**
	 * Return the number of replies skipped as another instance's (or unknown to this one).
	 * @return the count
	 */
	default long foreignReplyCount() {
		return statistics().foreignReplies();
	}

	/**
	 * Return the number of replies skipped because they had no correlation id.
	 * @return the count
	 */
	default long invalidReplyCount() {
		return statistics().invalidReplies();
	}

	/**
	 * Return the number of requests refused because no consumer group with a live member read
	 * their topic.
	 * @return the count
	 * @since 0.2.0
	 */
	default long noResponderCount() {
		return statistics().noResponder();
	}

	/**
	 * Return the number of requests refused because the reply consumer could not read.
	 * @return the count
	 * @since 0.2.0
	 */
	default long replyPathDownCount() {
		return statistics().replyPathDown();
	}

	/**
	 * Return the number of stream replies failed because their subscriber fell behind the
	 * buffer.
	 * @return the count
	 * @since 0.2.0
	 */
	default long streamOverflowCount() {
		return statistics().streamOverflows();
	}

}
