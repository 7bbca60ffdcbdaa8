package dev.requestreply.requester;

import dev.requestreply.requester.core.RequestEvent;
import org.jspecify.annotations.Nullable;

/**
 * The timer's side of the requests the {@link TimeoutWheel} ends: their completions handed over
 * in batches ({@link CompletionBatches}, flushed and checked after each tick), and the timeout
 * event of the last tick, shared by every request the tick ends. Used by the timer's thread only.
 */
final class TickExpiries {

	private final CompletionBatches batches;

	private RequestEvent.@Nullable Timeout timeout;

	TickExpiries(Completions completions) {
		this.batches = new CompletionBatches(completions);
	}

	/**
	 * End an expired request.
	 * @param ends the ways requests end
	 * @param request the request
	 * @param now the time of the tick that found it expired
	 */
	void expire(RequestEnds ends, PendingRequest<?> request, long now) {
		RequestEvent.Timeout shared = this.timeout;
		if (shared == null || shared.now() != now) {
			shared = new RequestEvent.Timeout(now);
			this.timeout = shared;
		}
		ends.expire(request, shared, this.batches);
	}

	/**
	 * Hand over the batch being filled, after a tick's expiries.
	 */
	void flush() {
		this.batches.flush();
	}

	/**
	 * Hand the rest of each stalled batch to another completion thread (see
	 * {@link CompletionBatches#check(long)}), once a tick.
	 * @param now the time, in nanoseconds
	 */
	void check(long now) {
		this.batches.check(now);
	}

}
