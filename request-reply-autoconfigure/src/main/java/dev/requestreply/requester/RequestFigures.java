package dev.requestreply.requester;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.RequestStatistics;
import dev.requestreply.support.EventCounters;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * The figures of a {@link PendingRequests}: how requests ended, which replies ended none, what was
 * refused, and the listeners told of each end (the library's own at once, the application's with
 * the completion of the future). Cheap to count from many threads.
 */
final class RequestFigures {

	private static final LogAccessor logger = new LogAccessor(RequestFigures.class);

	private final List<RequestOutcomeListener> listeners = new CopyOnWriteArrayList<>();

	private final List<RequestOutcomeListener> engineListeners = new CopyOnWriteArrayList<>();

	private final EventCounters<RequestOutcome> outcomes = new EventCounters<>(RequestOutcome.class);

	private final EventCounters<SkippedReply> skipped = new EventCounters<>(SkippedReply.class);

	private final LongAdder rejected = new LongAdder();

	private final EventCounters<FastFailure> fastFailures = new EventCounters<>(FastFailure.class);

	void addListener(RequestOutcomeListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
	}

	void addEngineListener(RequestOutcomeListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.engineListeners.add(listener);
	}

	/**
	 * Count a request ended.
	 */
	void ended(RequestOutcome outcome) {
		this.outcomes.increment(outcome);
	}

	/**
	 * Tell the library's own listeners of a request's end (on the thread that ended it).
	 */
	void measure(PendingRequest<?> request, RequestOutcome outcome, long duration) {
		tell(this.engineListeners, request, outcome, duration);
	}

	/**
	 * Tell the application's listeners of a request's end (on a completion thread, or the caller's).
	 */
	void notify(PendingRequest<?> request, RequestOutcome outcome, long duration) {
		tell(this.listeners, request, outcome, duration);
	}

	private static void tell(List<RequestOutcomeListener> listeners, PendingRequest<?> request,
			RequestOutcome outcome, long duration) {
		for (RequestOutcomeListener listener : listeners) {
			try {
				listener.onOutcome(request.topic, outcome, duration);
			}
			catch (RuntimeException ex) {
				logger.warn(ex, () -> "Request outcome listener " + listener + " failed");
			}
		}
	}

	void skipped(SkippedReply reason) {
		this.skipped.increment(reason);
	}

	long skippedCount(SkippedReply reason) {
		return this.skipped.get(reason);
	}

	void rejected() {
		this.rejected.increment();
	}

	void failedFast(FastFailure reason) {
		this.fastFailures.increment(reason);
	}

	RequestStatistics statistics() {
		return new RequestStatistics(this.outcomes.get(RequestOutcome.SUCCESS),
				this.outcomes.get(RequestOutcome.TIMEOUT), this.outcomes.get(RequestOutcome.ERROR),
				this.outcomes.get(RequestOutcome.CANCELLED), this.rejected.sum(), this.skipped.get(SkippedReply.LATE),
				this.skipped.get(SkippedReply.DUPLICATE), this.skipped.get(SkippedReply.FOREIGN),
				this.skipped.get(SkippedReply.INVALID), this.fastFailures.get(FastFailure.NO_RESPONDER),
				this.fastFailures.get(FastFailure.REPLY_PATH_DOWN), this.fastFailures.get(FastFailure.STREAM_OVERFLOW),
				this.outcomes.get(RequestOutcome.PARTIAL));
	}

}
